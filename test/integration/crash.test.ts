// Crash safety of `braid replay --db` through the real CLI (replay.md "Command"): killed at any point (kill -9),
// the same command resumes where the journal ends and prints the report of an uninterrupted run, byte for byte
// apart from `run`; no order intent is ever journaled (so sent) twice; a completed journal just reports again;
// a journal of other inputs is refused with exit 2.
//
// Crash points come from the CLI's test seam BRAID_TEST_CRASH=item:N | intent:N (the process SIGKILLs itself
// after input item N, or right after its Nth order intent is durable and before the venue sees it), and from
// an external SIGKILL decided by what the journal holds: at each WAL write the process is frozen (SIGSTOP),
// a copy of its journal read, and the process killed once the journal shows the state wanted (Linux /proc).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchSymbols, DEFAULT_START_MS, writeBars, writePlanScript } from '../../bench/generate-bars.ts';
import { waitFor } from '../helpers/wait.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'braid.js');
const SEED = 7;
const BARS = 20_000;
const SYMBOLS = benchSymbols(4); // AAPL, MSFT, QQQ, SPY
const HOUR = 3_600_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/braid.js ARGS`; BRAID_TEST_CRASH is set only when `crash` is given. */
function braid(
  args: string[],
  opts: { crash?: string; onSpawn?: (child: ChildProcess) => void } = {},
): Promise<Exit> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.BRAID_TEST_CRASH;
  if (opts.crash !== undefined) env.BRAID_TEST_CRASH = opts.crash;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    opts.onSpawn?.(child);
  });
}

/** The report text without its `run` block (the only part that may differ between runs), else unchanged. */
function withoutRun(text: string): string {
  const m = /,\n {2}"run": \{[^{}]*\}\n\}\n$/.exec(text);
  if (!m) throw new Error(`no trailing "run" block in the report:\n${text.slice(-300)}`);
  return `${text.slice(0, m.index)}\n}\n`;
}

interface JournalView {
  /** Client order ids of the intents, in the order they were journaled. */
  intents: string[];
  distinctIntents: number;
  events: number;
  maxSeq: number;
  /** sha256 over every event row (seq, at, kind, ref, body) in sequence. */
  eventsHash: string;
  intentsHash: string;
  checkpoint: { seq: number; cursor: number; completed: number } | undefined;
}

/** Reads a journal (read-only) once no Braid process holds it. */
function inspect(db: string): JournalView {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const intents = (
      d.prepare('SELECT client_order_id AS id FROM intents ORDER BY rowid').all() as { id: string }[]
    ).map((r) => r.id);
    const distinct = d.prepare('SELECT COUNT(DISTINCT client_order_id) AS n FROM intents').get() as {
      n: number;
    };
    const ev = createHash('sha256');
    let events = 0;
    let maxSeq = 0;
    for (const r of d
      .prepare('SELECT seq, at, kind, ref, body FROM events ORDER BY seq')
      .iterate() as IterableIterator<{
      seq: number;
      at: number;
      kind: string;
      ref: string;
      body: string;
    }>) {
      ev.update(`${r.seq}\0${r.at}\0${r.kind}\0${r.ref}\0${r.body}\n`);
      events++;
      maxSeq = r.seq;
    }
    const it = createHash('sha256');
    for (const r of d.prepare('SELECT * FROM intents ORDER BY rowid').iterate())
      it.update(`${JSON.stringify(r)}\n`);
    const checkpoint = d.prepare('SELECT seq, cursor, completed FROM checkpoint WHERE id = 1').get() as
      | JournalView['checkpoint']
      | undefined;
    return {
      intents,
      distinctIntents: distinct.n,
      events,
      maxSeq,
      eventsHash: ev.digest('hex'),
      intentsHash: it.digest('hex'),
      checkpoint,
    };
  } finally {
    d.close();
  }
}

let dir: string;
let prices: string;
let script: string;
let config: string;
/** The uninterrupted run: its report text without `run`, its order ids, its journal. */
let reference: { report: string; orderIds: string[]; journal: JournalView };
/** Input items (script events + bars) and order intents of the whole replay. */
let items: number;
let intents: number;
let nextDb = 0;

function freshDb(): string {
  return join(dir, `state-${++nextDb}.sqlite`);
}

function replayArgs(db: string, out: string | null, inputs = { prices, script, config }): string[] {
  const args = [
    'replay',
    '--prices',
    inputs.prices,
    '--script',
    inputs.script,
    '--config',
    inputs.config,
    '--db',
    db,
  ];
  return out === null ? args : [...args, '--out', out];
}

/** One crash through the seam: the process must die by SIGKILL, leaving a journal that is consistent so far. */
async function crashAt(db: string, out: string, point: string): Promise<JournalView> {
  const r = await braid(replayArgs(db, out), { crash: point });
  expect({ point, code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({
    point,
    code: null,
    signal: 'SIGKILL',
    stderr: '',
  });
  const j = inspect(db);
  expectConsistentPrefix(j);
  return j;
}

/** A journal cut short: its intents are distinct and are the first intents of the uninterrupted run. */
function expectConsistentPrefix(j: JournalView): void {
  expect(j.distinctIntents).toBe(j.intents.length);
  expect(j.intents).toEqual(reference.orderIds.slice(0, j.intents.length));
  expect(j.checkpoint?.completed ?? 0).toBe(0);
  expect(j.maxSeq).toBe(j.events); // sequences 1..n, no gap, no duplicate
}

/** Resumes to completion and checks the report, the journal, and that a further run just reports again. */
async function resumeAndCheck(db: string, out: string): Promise<void> {
  rmSync(out, { force: true });
  const r = await braid(replayArgs(db, out));
  expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  const text = readFileSync(out, 'utf8');
  expect(withoutRun(text)).toBe(reference.report);
  const orderIds = (JSON.parse(text) as { orders: { id: string }[] }).orders.map((o) => o.id);
  const j = inspect(db);
  // No duplicated order: one intent per order of the report, the same ids, in the same order.
  expect(j.intents.length).toBe(orderIds.length);
  expect(j.distinctIntents).toBe(orderIds.length);
  expect(new Set(j.intents)).toEqual(new Set(orderIds));
  expect(j.intents).toEqual(orderIds);
  // The journal itself is the uninterrupted run's, event for event: nothing journaled twice or lost.
  expect(j.events, 'journal events: a resumed run journaled some twice (or lost some)').toBe(
    reference.journal.events,
  );
  expect(j.maxSeq, 'journal sequence').toBe(j.events);
  expect(j.eventsHash, 'journal events differ from the uninterrupted run').toBe(reference.journal.eventsHash);
  expect(j.intentsHash, 'intent rows differ from the uninterrupted run').toBe(reference.journal.intentsHash);
  expect(j.checkpoint).toEqual(reference.journal.checkpoint);

  // Once more after completion: the same report, nothing re-executed.
  rmSync(out);
  const again = await braid(replayArgs(db, out));
  expect({ code: again.code, signal: again.signal, stderr: again.stderr }).toEqual({
    code: 0,
    signal: null,
    stderr: '',
  });
  expect(withoutRun(readFileSync(out, 'utf8'))).toBe(reference.report);
  expect(inspect(db)).toEqual(reference.journal);
}

/** The process state letter Linux reports in /proc/PID/stat ('T' once a SIGSTOP has taken effect). */
function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return null;
  }
}

/** Size and modification time of the journal's WAL, to notice a write without reading the journal. */
function walStamp(db: string): string | null {
  try {
    const s = statSync(`${db}-wal`, { bigint: true });
    return `${s.size}:${s.mtimeNs}`;
  } catch {
    return null;
  }
}

/** The journal as a kill -9 at this instant would leave it. The writer is frozen (SIGSTOP) so its files do
 *  not change while they are copied; the copy is read, so the test sees exactly what the kill leaves. */
function frozenView(db: string, probe: string): JournalView | null {
  for (const f of [probe, `${probe}-wal`, `${probe}-shm`]) rmSync(f, { force: true });
  if (!existsSync(db)) return null;
  copyFileSync(db, probe);
  if (existsSync(`${db}-wal`)) copyFileSync(`${db}-wal`, `${probe}-wal`);
  try {
    return inspect(probe);
  } catch {
    return null; // no tables yet
  }
}

/**
 * Starts the replay and SIGKILLs it from outside at the first unfinished journal that satisfies `ready`: at each
 * WAL write seen, the process is frozen, the journal read, and the process killed (still frozen, so the
 * journal it leaves is the one read) or let go on. No timing: only what the journal holds decides.
 */
async function killWhen(
  db: string,
  out: string,
  what: string,
  ready: (j: JournalView) => boolean,
): Promise<{ exit: Exit; seen: JournalView; looks: number }> {
  let child: ChildProcess | undefined;
  let exit: Exit | undefined;
  const exited = braid(replayArgs(db, out), { onSpawn: (c) => (child = c) }).then((e) => (exit = e));
  const probe = join(dir, 'probe.sqlite');
  let last: string | null = null;
  let looks = 0;
  for (;;) {
    const stamp = await waitFor(
      `a journal write before ${what}`,
      () => {
        if (exit !== undefined) return { ended: true as const };
        const now = walStamp(db);
        return now !== null && now !== last && { ended: false as const, now };
      },
      60_000,
      1,
    );
    if (stamp.ended) {
      throw new Error(`the replay ended (${JSON.stringify(exit)}) before ${what}, after ${looks} looks`);
    }
    last = stamp.now;
    const pid = child!.pid!;
    child!.kill('SIGSTOP');
    await waitFor('the replay to freeze', () => exit !== undefined || processState(pid) === 'T', 60_000, 1);
    if (exit !== undefined) continue; // it ended meanwhile: reported above
    looks++;
    const view = frozenView(db, probe);
    if (view !== null && view.checkpoint?.completed === 0 && ready(view)) {
      child!.kill('SIGKILL');
      await exited;
      return { exit: exit!, seen: view, looks };
    }
    child!.kill('SIGCONT');
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'braid-crash-'));
  prices = join(dir, 'prices.csv');
  script = join(dir, 'script.jsonl');
  config = join(dir, 'config.json');
  // 20,000 five-minute bars over 4 symbols (5,000 steps, about 17 days), 150 bracketed market plans over the
  // first 10 days, and a few hand-written events for the other paths: a trailing stop, a conditional entry,
  // a limit entry cancelled while working, a close, a duplicate plan id, a kill switch and a resume.
  writeBars(prices, { bars: BARS, symbols: SYMBOLS.length, seed: SEED });
  writePlanScript(script, {
    plans: 150,
    symbols: SYMBOLS,
    startMs: DEFAULT_START_MS + HOUR,
    stepMs: 100 * 60_000,
    seed: SEED,
  });
  const at = (h: number) => new Date(DEFAULT_START_MS + h * HOUR + 60_000).toISOString();
  const plan = (h: number, p: object) => JSON.stringify({ at: at(h), type: 'plan', plan: p });
  const extra = [
    plan(24, {
      id: 'x-trail',
      symbol: 'QQQ',
      side: 'buy',
      entry: { type: 'market' },
      trailPct: 0.004,
      quantity: 5,
    }),
    plan(60, {
      id: 'x-cond',
      symbol: 'AAPL',
      side: 'sell',
      entry: { type: 'market' },
      condition: { kind: 'price_below', price: 179 },
      trailPct: 0.003,
      quantity: 4,
      expiresAt: at(192),
    }),
    plan(99, { id: 'x-limit', symbol: 'QQQ', side: 'buy', entry: { type: 'limit', price: 1 }, quantity: 1 }),
    JSON.stringify({ at: at(105), type: 'cancel', planId: 'x-limit' }),
    plan(120, { id: 'x-close', symbol: 'MSFT', side: 'sell', entry: { type: 'market' }, quantity: 3 }),
    JSON.stringify({ at: at(126), type: 'close', symbol: 'MSFT' }),
    JSON.stringify({ at: at(170), type: 'kill' }),
    plan(170.5, { id: 'x-halted', symbol: 'AAPL', side: 'buy', entry: { type: 'market' }, quantity: 2 }),
    JSON.stringify({ at: at(171), type: 'resume' }),
    plan(264, { id: 'b-000001', symbol: 'SPY', side: 'buy', entry: { type: 'market' }, quantity: 2 }),
    plan(360, {
      id: 'x-late',
      symbol: 'AAPL',
      side: 'buy',
      entry: { type: 'market' },
      trailPct: 0.002,
      quantity: 6,
    }),
  ];
  appendFileSync(script, `${extra.join('\n')}\n`);
  // Fees, slippage and a volume cap (partial fills, bracket legs resized) make the state worth checkpointing.
  writeFileSync(
    config,
    JSON.stringify({
      venues: { paper: { slipBps: 1, takerFeeBps: 2, makerFeeBps: 1, maxVolumeShare: 0.0005 } },
    }),
  );

  const db = freshDb();
  const out = join(dir, 'reference.json');
  const r = await braid(replayArgs(db, out));
  expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  const text = readFileSync(out, 'utf8');
  const report = JSON.parse(text) as {
    orders: { id: string; status: string }[];
    fills: unknown[];
    trades: unknown[];
    run: { events: number; bars: number };
  };
  reference = { report: withoutRun(text), orderIds: report.orders.map((o) => o.id), journal: inspect(db) };
  items = report.run.events + report.run.bars;
  intents = report.orders.length;
  // The data set matters: hundreds of orders (so of intents), fills and closed trades, some orders cancelled.
  expect(report.run.bars).toBe(BARS);
  expect(intents).toBeGreaterThan(300);
  expect(report.fills.length).toBeGreaterThan(200);
  expect(report.trades.length).toBeGreaterThan(100);
  expect(report.orders.some((o) => o.status === 'cancelled')).toBe(true);
  expect(reference.journal.intents).toEqual(reference.orderIds);
  expect(reference.journal.checkpoint).toMatchObject({ cursor: items, completed: 1 });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('braid replay --db survives kill -9', () => {
  it('crash right after the 1st order intent is durable, before the venue sees it', async () => {
    const db = freshDb();
    const out = join(dir, 'r-intent-1.json');
    const j = await crashAt(db, out, 'intent:1');
    expect(j.intents).toEqual(reference.orderIds.slice(0, 1));
    await resumeAndCheck(db, out);
  });

  it('crash right after a middle order intent', async () => {
    const db = freshDb();
    const out = join(dir, 'r-intent-mid.json');
    const n = Math.floor(intents / 2);
    const j = await crashAt(db, out, `intent:${n}`);
    expect(j.intents).toEqual(reference.orderIds.slice(0, n));
    await resumeAndCheck(db, out);
  });

  it('crash after a middle input item', async () => {
    const db = freshDb();
    const out = join(dir, 'r-item-mid.json');
    const n = Math.floor(items / 2);
    const j = await crashAt(db, out, `item:${n}`);
    expect(j.checkpoint!.cursor).toBeGreaterThan(0);
    expect(j.checkpoint!.cursor).toBeLessThanOrEqual(n);
    await resumeAndCheck(db, out);
  });

  it('crash after the last input item, before the final checkpoint; and on the last intent', async () => {
    const db = freshDb();
    const out = join(dir, 'r-item-last.json');
    const j = await crashAt(db, out, `item:${items}`);
    expect(j.intents).toEqual(reference.orderIds);
    await resumeAndCheck(db, out);

    const db2 = freshDb();
    const j2 = await crashAt(db2, out, `intent:${intents}`);
    expect(j2.intents).toEqual(reference.orderIds);
    await resumeAndCheck(db2, out);
  });

  it('repeated crashes: each resumed run is killed again further on, then completes', async () => {
    const db = freshDb();
    const out = join(dir, 'r-repeated.json');
    let before = 0;
    // intent:N counts the intents a process commits, re-verified ones of a resumed run included.
    for (const point of [
      'intent:3',
      `item:${Math.floor(items / 3)}`,
      'intent:5',
      'intent:1',
      `item:${items - 10}`,
    ]) {
      const j = await crashAt(db, out, point);
      expect(j.intents.length).toBeGreaterThanOrEqual(before);
      before = j.intents.length;
    }
    await resumeAndCheck(db, out);
  });

  it('an external kill -9 while journaling, twice, then resume', async () => {
    const db = freshDb();
    const out = join(dir, 'r-external.json');
    // Intents commit alone, well before the first checkpoint: wait for one that committed events.
    const first = await killWhen(db, out, 'a checkpoint with events', (v) => v.events > 0);
    expect(first.exit.signal).toBe('SIGKILL');
    const j = inspect(db);
    expect(j, 'the killed replay left the journal that was read before the kill').toEqual(first.seen);
    expectConsistentPrefix(j);
    expect(j.intents.length).toBeGreaterThan(0);
    // The resumed run is killed too, once it has checkpointed further than the first cut.
    const cut = j.checkpoint!.cursor;
    const second = await killWhen(
      db,
      out,
      `a checkpoint past item ${cut}`,
      (v) => v.checkpoint!.cursor > cut,
    );
    expect(second.exit.signal).toBe('SIGKILL');
    const k = inspect(db);
    expect(k).toEqual(second.seen);
    expectConsistentPrefix(k);
    expect(k.events).toBeGreaterThan(j.events);
    await resumeAndCheck(db, out);
  });

  it('a completed journal prints the same report on standard output without --out', async () => {
    const db = freshDb();
    const out = join(dir, 'r-stdout.json');
    await crashAt(db, out, `intent:${Math.floor(intents / 3)}`);
    await resumeAndCheck(db, out);
    const r = await braid(replayArgs(db, null));
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    });
    expect(withoutRun(r.stdout)).toBe(reference.report);
  });

  it('a resumed run with other inputs on the same journal exits 2 with one clear line, leaving it intact', async () => {
    const db = freshDb();
    const out = join(dir, 'r-other.json');
    await crashAt(db, out, `item:${Math.floor(items / 2)}`);
    const cut = inspect(db);

    const otherScript = join(dir, 'other-script.jsonl');
    const lines = readFileSync(script, 'utf8').trimEnd().split('\n');
    writeFileSync(otherScript, `${lines.slice(0, -1).join('\n')}\n`);
    const otherConfig = join(dir, 'other-config.json');
    writeFileSync(otherConfig, JSON.stringify({ venues: { paper: { slipBps: 2 } } }));
    const otherPrices = join(dir, 'other-prices.csv');
    const csv = readFileSync(prices, 'utf8');
    writeFileSync(
      otherPrices,
      csv.replace(/\d+\n$/, (v) => `${Number(v) + 1}\n`),
    );

    for (const inputs of [
      { prices, script: otherScript, config },
      { prices, script, config: otherConfig },
      { prices: otherPrices, script, config },
    ]) {
      rmSync(out, { force: true });
      const r = await braid(replayArgs(db, out, inputs));
      expect({ code: r.code, signal: r.signal }).toEqual({ code: 2, signal: null });
      expect(r.stderr.endsWith('\n')).toBe(true);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(db);
      expect(r.stderr).toMatch(/other inputs/);
      expect(existsSync(out)).toBe(false);
      expect(inspect(db)).toEqual(cut);
    }
    await resumeAndCheck(db, out);
  });
});
