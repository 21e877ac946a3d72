// `braid serve` across restarts: the token lives with the journal (open tabs and bookmarks keep working on
// the same journal and port), --new-token rotates it, --new starts a new journal, and each start says which
// approval and trading mode it runs in; --demo keeps the approval mode a config file names.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppSnapshot } from '../../src/shared/contract.ts';
import { waitFor } from '../helpers/wait.ts';

const BIN = fileURLToPath(new URL('../../bin/braid.js', import.meta.url));
const READY = /^Braid UI ready at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/m;

interface Served {
  port: number;
  token: string;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();

async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    // The demo feed barely moves: nothing changes under the test but what it does.
    env: { ...process.env, BRAID_DEMO_STEP_MS: '60000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const match = await waitFor('the ready line', () => READY.exec(stdout), 30_000).catch((e: Error) => {
    throw new Error(`${e.message}\nstdout: ${stdout}\nstderr: ${stderr}`);
  });
  return {
    port: Number(match[1]),
    token: match[2]!,
    stderr: () => stderr,
    stop: () => {
      child.kill('SIGTERM');
      return exit;
    },
  };
}

/** Runs `braid serve ARGS` to its end (for runs refused at start). */
function serveExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

async function snapshot(s: Served, token = s.token): Promise<{ status: number; value?: AppSnapshot }> {
  const res = await fetch(`http://127.0.0.1:${s.port}/api/snapshot`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as { ok: boolean; value?: AppSnapshot };
  return { status: res.status, ...(body.value ? { value: body.value } : {}) };
}

/** Whether a WebSocket with this token is let in (an open tab reconnecting). */
function wsOpens(s: Served, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/ws?token=${token}`);
    ws.once('open', () => {
      ws.close();
      resolve(true);
    });
    ws.once('unexpected-response', () => {
      ws.terminate();
      resolve(false);
    });
    ws.once('error', () => resolve(false));
  });
}

const modeLine = (s: Served) =>
  s
    .stderr()
    .split('\n')
    .find((l) => /^braid: .*journal.*: approval /.test(l));

describe('braid serve across restarts', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'braid-serve-restart-'));
  });
  afterAll(() => {
    for (const child of running) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the token with the journal on the same port; --new-token rotates it', async () => {
    const db = join(dir, 'tabs.sqlite');
    const first = await serve(['--demo', '--db', db, '--port', '0']);
    expect(modeLine(first)).toBe(
      `braid: new journal ${db}: approval manual, trading state ACTIVE, PAPER mode, demo feed`,
    );
    expect(await first.stop()).toBe(0);

    // The same journal and port without --demo: the tab's token still opens it, and the line says
    // that this run approves plans by itself (the config's default), with no demo feed.
    const second = await serve(['--db', db, '--port', String(first.port)]);
    expect(second.port).toBe(first.port);
    expect(second.token).toBe(first.token);
    expect(await wsOpens(second, first.token)).toBe(true);
    expect((await snapshot(second, first.token)).status).toBe(200);
    expect(modeLine(second)).toBe(
      `braid: resumed journal ${db}: approval auto, trading state ACTIVE, PAPER mode, no demo feed`,
    );
    expect(await second.stop()).toBe(0);

    const third = await serve(['--db', db, '--port', String(first.port), '--new-token']);
    expect(third.token).not.toBe(first.token);
    expect((await snapshot(third, first.token)).status).toBe(401);
    expect(await wsOpens(third, first.token)).toBe(false);
    expect((await snapshot(third)).status).toBe(200);
    expect(await third.stop()).toBe(0);

    // The rotated token is the one kept from now on.
    const fourth = await serve(['--db', db, '--port', '0']);
    expect(fourth.token).toBe(third.token);
    expect(await fourth.stop()).toBe(0);
  });

  it('--demo keeps the approval mode a config names (manual when it names none); no --db, a new token each run', async () => {
    const auto = join(dir, 'auto.json');
    writeFileSync(auto, JSON.stringify({ approval: 'auto' }));
    const none = join(dir, 'none.json');
    writeFileSync(none, JSON.stringify({ risk: { maxOpenPositions: 3 } }));

    const withAuto = await serve(['--demo', '--config', auto, '--port', '0']);
    expect((await snapshot(withAuto)).value?.engine.approval).toBe('auto');
    expect(modeLine(withAuto)).toBe(
      'braid: temporary journal: approval auto, trading state ACTIVE, PAPER mode, demo feed',
    );
    expect(await withAuto.stop()).toBe(0);

    const withNone = await serve(['--demo', '--config', none, '--port', '0']);
    expect((await snapshot(withNone)).value?.engine.approval).toBe('manual');
    // Both ran on a temporary journal: each had a token of its own.
    expect(withNone.token).not.toBe(withAuto.token);
    expect(await withNone.stop()).toBe(0);
  });

  it('--new moves the old journal aside and starts afresh; it needs --db', async () => {
    const db = join(dir, 'fresh.sqlite');
    const first = await serve(['--db', db, '--port', '0']);
    const kill = await fetch(`http://127.0.0.1:${first.port}/api/invoke/kill`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${first.token}` },
      body: '{}',
    });
    expect(await kill.json()).toEqual({ ok: true, value: null });
    expect(await first.stop()).toBe(0);

    const kept = await serve(['--db', db, '--port', '0']);
    expect((await snapshot(kept)).value?.engine.tradingState).toBe('HALTED');
    expect(modeLine(kept)).toBe(
      `braid: resumed journal ${db}: approval auto, trading state HALTED, PAPER mode, no demo feed`,
    );
    expect(await kept.stop()).toBe(0);

    const fresh = await serve(['--db', db, '--new', '--port', '0']);
    expect((await snapshot(fresh)).value?.engine.tradingState).toBe('ACTIVE');
    expect(fresh.stderr()).toContain(`braid: moved the journal that was at ${db} to ${db}.replaced-`);
    expect(modeLine(fresh)).toBe(
      `braid: new journal ${db}: approval auto, trading state ACTIVE, PAPER mode, no demo feed`,
    );
    expect(await fresh.stop()).toBe(0);

    // A file that is not a journal is refused, named, and left alone; --new is the way out.
    const empty = join(dir, 'empty.sqlite');
    writeFileSync(empty, '');
    const notJournal = await serveExit(['--db', empty, '--port', '0']);
    expect(notJournal.code).toBe(2);
    // One line: the file, what is wrong with it (the journal's own words), what to do.
    const [line, ...rest] = notJournal.stderr.split('\n');
    expect(rest).toEqual(['']);
    expect(line!.startsWith(`braid: cannot start the engine: ${empty}: `)).toBe(true);
    expect(line!.endsWith('; nothing was changed (--new moves it aside and starts a new journal)')).toBe(
      true,
    );

    const refused = await serveExit(['--new', '--port', '0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe(
      'braid: --new needs --db FILE (without --db every run has a new temporary journal)',
    );
  });
});
