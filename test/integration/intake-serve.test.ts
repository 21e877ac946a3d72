// The doors on a real `braid serve` process (the engine in its worker, plans through the host's
// submitPlans): `--help` documents them, `--inbox FILE` creates the inbox (WAL, both tables), POST
// /api/plans needs the token and answers each plan of an array, an inbox row is traded as it lands, one
// plan through both doors is traded once, and SIGTERM closes the inbox with everything else (exit 0).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/main/cli/main.ts';
import type { PlanBatchAnswer } from '../../src/main/intake/plan-outcome.ts';
import type { AppSnapshot } from '../../src/shared/contract.ts';
import type { Result } from '../../src/shared/result.ts';
import { waitFor } from '../helpers/wait.ts';

const BIN = fileURLToPath(new URL('../../bin/braid.js', import.meta.url));
const READY = /^Braid UI ready at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/;
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN', 'META'];

/** A limit buy of 10 at 170 (no prices needed to work it) on its own symbol: one position per symbol. */
const plan = (id: string, symbol: string, extra: Record<string, unknown> = {}) => ({
  id,
  symbol,
  side: 'buy',
  entry: { type: 'limit', price: 170 },
  quantity: 10,
  ...extra,
});

describe('braid serve --inbox', () => {
  let child: ChildProcess;
  let dir: string;
  let inboxPath: string;
  let stdout = '';
  let stderr = '';
  let port = 0;
  let token = '';
  let exit: Promise<{ code: number | null; signal: string | null }>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'braid-intake-serve-'));
    inboxPath = join(dir, 'inbox.sqlite');
    const config = join(dir, 'config.json');
    const instruments = Object.fromEntries(SYMBOLS.map((s) => [s, { lot: '1', tick: '0.01' }]));
    writeFileSync(config, JSON.stringify({ approval: 'auto', instruments }));
    child = spawn(
      process.execPath,
      [
        BIN,
        'serve',
        '--port',
        '0',
        '--db',
        join(dir, 'state.sqlite'),
        '--config',
        config,
        '--inbox',
        inboxPath,
      ],
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
    token = match[2]!;
  });

  const post = async (body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/plans`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Result<PlanBatchAnswer>;
    if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
    return answer.value;
  };
  const snapshot = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/snapshot?token=${token}`);
    const answer = (await res.json()) as Result<AppSnapshot>;
    if (!answer.ok) throw new Error(answer.error.message);
    return answer.value.engine;
  };
  const insert = (db: Database.Database, id: string, body: unknown, createdAt = new Date().toISOString()) =>
    db
      .prepare('INSERT INTO plan_inbox (id, plan, created_at) VALUES (?, ?, ?)')
      .run(id, JSON.stringify(body), createdAt);
  const statusOf = (db: Database.Database, id: string) =>
    db.prepare('SELECT status, reason, at FROM plan_inbox_status WHERE id = ?').get(id) as
      | { status: string; reason: string | null; at: string }
      | undefined;

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

  it('answers each plan of an array through the engine host: accepted, or rejected with its reason', async () => {
    const answer = await post([
      plan('s-ok', 'AAPL'),
      plan('s-stop', 'MSFT', { stopLoss: 175 }),
      { id: 's-bad' },
    ]);
    expect(answer.accepted).toEqual(['s-ok']);
    expect(answer.rejected.map((r) => [r.id, r.reason])).toEqual([
      ['s-stop', 'invalid_stop_loss'],
      ['s-bad', 'invalid_plan'],
    ]);
    expect(answer.plans[0]).toEqual({ id: 's-ok', outcome: 'accepted', status: 'working' });
    const engine = await snapshot();
    expect(engine.plans.find((p) => p.id === 's-ok')?.status).toBe('working');
    expect(engine.orders.filter((o) => o.planId === 's-ok').map((o) => o.role)).toEqual(['entry']);
  });

  it('trades each inbox row as it lands, and one plan sent through HTTP and the inbox once', async () => {
    const db = new Database(inboxPath);
    db.pragma('busy_timeout = 2000');
    db.pragma('synchronous = NORMAL');
    try {
      // A warm-up row first: the path is idle and warm for the rows measured.
      insert(db, 'i-warm', plan('i-warm', 'NVDA'));
      await waitFor('the warm-up outcome', () => statusOf(db, 'i-warm'));
      const latencies: number[] = [];
      for (const [i, symbol] of ['TSLA', 'AMZN', 'META'].entries()) {
        const createdAt = new Date().toISOString();
        insert(db, `i-${i}`, plan(`i-${i}`, symbol), createdAt);
        const status = await waitFor(`the outcome of i-${i}`, () => statusOf(db, `i-${i}`), 5_000, 2);
        expect(status.status).toBe('accepted');
        latencies.push(Date.parse(status.at) - Date.parse(createdAt));
      }
      console.log(`braid serve inbox pickup ms (created_at -> status at): ${latencies.join(', ')}`);
      // The 100 ms bound is asserted on the poll path itself (intake-inbox.test.ts); here the figure also
      // holds the worker hop and the journal's fsync under whatever the suite runs beside it (37-45 ms
      // alone, 120-170 ms beside two other busy files at a load of 11): polled, not on a retry timer.
      for (const ms of latencies) expect(ms).toBeLessThan(1_000);

      // s-ok came by HTTP; the same plan in the inbox is a duplicate, and traded once.
      insert(db, 's-ok', plan('s-ok', 'AAPL'));
      const again = await waitFor('the duplicate outcome', () => statusOf(db, 's-ok'));
      expect(again).toMatchObject({
        status: 'duplicate',
        reason: 'the plan id was seen before (it is working)',
      });
      // i-0 came by the inbox; the same by HTTP is a duplicate.
      expect((await post(plan('i-0', 'TSLA'))).duplicates).toEqual(['i-0']);
    } finally {
      db.close();
    }
    const engine = await snapshot();
    for (const id of ['s-ok', 'i-0'])
      expect(engine.orders.filter((o) => o.planId === id).map((o) => o.role)).toEqual(['entry']);
    expect(
      engine.plans
        .filter((p) => p.status === 'working')
        .map((p) => p.id)
        .sort(),
    ).toEqual(['i-0', 'i-1', 'i-2', 'i-warm', 's-ok']);
  });

  it('stops on SIGTERM with exit 0, the inbox closed', async () => {
    child.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
    const db = new Database(inboxPath);
    try {
      // Every row has its outcome: nothing was left half-answered by the shutdown.
      expect(db.prepare('SELECT count(*) FROM plan_inbox').pluck().get()).toBe(5);
      expect(db.prepare('SELECT count(*) FROM plan_inbox_status').pluck().get()).toBe(5);
    } finally {
      db.close();
    }
  });
});
