// The doors on a real `braid serve` process: `--help` documents them, `--inbox FILE` creates the inbox
// (WAL, both tables) beside the journal, POST /api/plans needs the token, and SIGTERM closes the inbox
// with everything else (exit 0, the file left readable by its writers).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/main/cli/main.ts';
import { waitFor } from '../helpers/wait.ts';

const BIN = fileURLToPath(new URL('../../bin/braid.js', import.meta.url));
const READY = /^Braid UI ready at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/;

describe('braid serve --inbox', () => {
  let child: ChildProcess;
  let dir: string;
  let inboxPath: string;
  let stdout = '';
  let stderr = '';
  let port = 0;
  let exit: Promise<{ code: number | null; signal: string | null }>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'braid-intake-serve-'));
    inboxPath = join(dir, 'inbox.sqlite');
    child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--db', join(dir, 'state.sqlite'), '--inbox', inboxPath],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const match = await waitFor(
      'the ready line',
      () => READY.exec(stdout.split('\n')[0] ?? ''),
      30_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\nstdout: ${stdout}\nstderr: ${stderr}`);
    });
    port = Number(match[1]);
  });

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exit;
    rmSync(dir, { recursive: true, force: true });
  });

  it('documents POST /api/plans and --inbox in braid serve --help', async () => {
    let text = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      text += String(chunk);
      return true;
    });
    try {
      expect(await main(['serve', '--help'])).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(text).toContain('[--inbox FILE]');
    expect(text).toContain('POST /api/plans');
    expect(text).toMatch(/--inbox FILE {4}embedded inbox: a SQLite file/);
    expect(text).toContain('plan_inbox_status(id, status, reason, at)');
  });

  it('creates the inbox file in WAL mode with both tables', () => {
    const db = new Database(inboxPath, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      expect(tables).toEqual(['plan_inbox', 'plan_inbox_status']);
      const columns = (table: string) =>
        db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all();
      expect(columns('plan_inbox')).toEqual(['id', 'plan', 'created_at']);
      expect(columns('plan_inbox_status')).toEqual(['id', 'status', 'reason', 'at']);
    } finally {
      db.close();
    }
  });

  it('refuses POST /api/plans without the token (401)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/plans`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'p-1', symbol: 'AAPL', side: 'buy' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('stops on SIGTERM with exit 0, the inbox closed', async () => {
    child.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
    const db = new Database(inboxPath);
    try {
      expect(db.prepare('SELECT count(*) FROM plan_inbox').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});
