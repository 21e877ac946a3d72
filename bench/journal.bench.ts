// Journal write throughput: order events/s through the real Journal API, beside a raw better-sqlite3 ceiling
// for the SAME write pattern (same schema, pragmas, rows and transaction boundaries, prepared statements, no
// journal logic), measured in the same process: both databases open side by side, the workload written to
// each in interleaved blocks of 10 plans, alternating which side goes first, so drift hits both alike.
//
//   node bench/journal.bench.ts [PLANS_PER_ROUND=500] [ROUNDS=8]
//
// The workload is what the engine journals for a bracketed market plan on the paper venue (engine.ts):
//   plan item:      plan, plan(working), order E1 submitted   -> commitIntent(E1); order E1 accepted -> checkpoint
//   entry-fill bar: order E1 filled, fill, plan(open), order SL1 submitted -> commitIntent(SL1);
//                   order SL1 accepted, order TP1 submitted -> commitIntent(TP1); order TP1 accepted -> checkpoint
//   exit bar:       order SL1 filled, fill, order TP1 cancelled, trade, plan(closed) -> checkpoint
// so 16 events, 3 intents and 3 checkpoints (6 durable commits: WAL, synchronous FULL) per plan; each
// intent commits alone, the events go in with the checkpoint that follows them. Event bodies
// and checkpoint states are JSON strings built before timing and handed to both sides alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Journal } from '../src/main/engine/journal/journal.ts';
import { migrate } from '../src/main/engine/journal/migrations.ts';
import { median } from './median.ts';

interface Ev {
  seq: number;
  at: number;
  kind: string;
  ref: string;
  body: string;
}
/** One durable commit: an intent (on its own), or a checkpoint with every event buffered since the last one. */
interface Group {
  events: Ev[];
  intent?: { id: string; planId: string; at: number; body: string };
  checkpoint?: { state: string; cursor: number };
}

const BASE_TIME = Date.UTC(2024, 0, 2, 14, 30);
const BAR = 5 * 60_000;

/** The commit groups of `plans` bracketed plans, with engine-shaped JSON bodies. */
function workload(plans: number): { groups: Group[]; events: number; intents: number; checkpoints: number } {
  const groups: Group[] = [];
  let seq = 0;
  let cursor = 0;
  let events: Ev[] = [];
  const emit = (at: number, kind: string, ref: string, payload: object) => {
    events.push({ seq: ++seq, at, kind, ref, body: JSON.stringify({ type: kind, [kind]: payload }) });
  };
  const intent = (at: number, order: { id: string; planId: string; [field: string]: unknown }) => {
    groups.push({ events, intent: { id: order.id, planId: order.planId, at, body: JSON.stringify(order) } });
    events = [];
  };
  const checkpoint = (state: string) => {
    groups.push({ events, checkpoint: { state, cursor: ++cursor } });
    events = [];
  };
  for (let p = 0; p < plans; p++) {
    const id = `b-${String(p + 1).padStart(6, '0')}`;
    const symbol = ['AAPL', 'MSFT', 'QQQ', 'SPY'][p % 4]!;
    const t0 = BASE_TIME + p * 12 * BAR;
    const input = {
      id,
      symbol,
      side: 'buy',
      entry: { type: 'market' },
      stopLoss: '179.46',
      takeProfit: '180.81',
      quantity: String(1 + (p % 10)),
    };
    const qty = input.quantity;
    const plan = (status: string, at: number, extra: object = {}) =>
      emit(at, 'plan', id, { id, input, status, receivedAt: t0, updatedAt: at, ...extra });
    const order = (role: string, code: string, type: string, side: string, price?: string) => ({
      id: `${id}:${code}1`,
      planId: id,
      symbol,
      venue: 'paper',
      role,
      side,
      type,
      quantity: qty,
      ...(price ? { price } : {}),
      status: 'submitted',
      filledQuantity: '0',
      createdAt: t0,
      updatedAt: t0,
      ...(role === 'entry' ? {} : { ocoGroup: `${id}:OCO`, exitReason: role }),
    });
    const entry = order('entry', 'E', 'market', 'buy');
    const sl = order('stop_loss', 'SL', 'stop', 'sell', '179.46');
    const tp = order('take_profit', 'TP', 'limit', 'sell', '180.81');
    const fill = (o: typeof entry, at: number, price: string, liquidity: string) =>
      emit(at, 'fill', `${o.id}#1`, {
        id: `${o.id}#1`,
        orderId: o.id,
        planId: id,
        symbol,
        side: o.side,
        time: at,
        price,
        quantity: qty,
        fee: '0.0360126',
        liquidity,
      });
    const state = liveState(p, symbol, qty);

    // Plan item.
    plan('pending_approval', t0);
    plan('working', t0, { quantity: qty, entryOrderId: entry.id });
    emit(t0, 'order', entry.id, entry);
    intent(t0, entry);
    emit(t0, 'order', entry.id, { ...entry, status: 'accepted', venueOrderId: `P${3 * p + 1}` });
    checkpoint(state);
    // Entry-fill bar.
    const t1 = t0 + BAR;
    emit(t1, 'order', entry.id, {
      ...entry,
      status: 'filled',
      filledQuantity: qty,
      avgFillPrice: '180.063',
      updatedAt: t1,
    });
    fill(entry, t1, '180.063', 'taker');
    plan('open', t1, { quantity: qty, entryOrderId: entry.id });
    emit(t1, 'order', sl.id, { ...sl, createdAt: t1, updatedAt: t1 });
    intent(t1, { ...sl, createdAt: t1, updatedAt: t1 });
    emit(t1, 'order', sl.id, {
      ...sl,
      status: 'accepted',
      venueOrderId: `P${3 * p + 2}`,
      createdAt: t1,
      updatedAt: t1,
    });
    emit(t1, 'order', tp.id, { ...tp, createdAt: t1, updatedAt: t1 });
    intent(t1, { ...tp, createdAt: t1, updatedAt: t1 });
    emit(t1, 'order', tp.id, {
      ...tp,
      status: 'accepted',
      venueOrderId: `P${3 * p + 3}`,
      createdAt: t1,
      updatedAt: t1,
    });
    checkpoint(state);
    // Exit bar.
    const t2 = t0 + 8 * BAR;
    emit(t2, 'order', sl.id, {
      ...sl,
      status: 'filled',
      filledQuantity: qty,
      avgFillPrice: '179.46',
      updatedAt: t2,
    });
    fill(sl, t2, '179.46', 'taker');
    emit(t2, 'order', tp.id, { ...tp, status: 'cancelled', updatedAt: t2 });
    emit(t2, 'trade', id, {
      planId: id,
      symbol,
      side: 'long',
      quantity: qty,
      entryTime: t1,
      entryPrice: '180.063',
      exitTime: t2,
      exitPrice: '179.46',
      exitReason: 'stop_loss',
      pnl: '-0.675',
      pnlPct: '-0.3748',
      fees: '0.072',
    });
    plan('closed', t2, { quantity: qty, entryOrderId: entry.id });
    checkpoint(state);
  }
  return {
    groups,
    events: seq,
    intents: groups.filter((g) => g.intent).length,
    checkpoints: groups.filter((g) => g.checkpoint).length,
  };
}

/** A live state of the engine's shape and typical size (a few positions, working orders, curve, PDT). */
function liveState(p: number, symbol: string, qty: string): string {
  const orders = Array.from({ length: 6 }, (_, i) => ({
    clientOrderId: `b-${String(p - i).padStart(6, '0')}:SL1`,
    symbol,
    side: 'sell',
    type: 'stop',
    quantity: qty,
    price: '179.46',
    filled: '0',
    submittedAt: BASE_TIME + p * BAR,
  }));
  return JSON.stringify({
    time: BASE_TIME + p * 12 * BAR,
    tradingState: 'ACTIVE',
    tradingStateReason: 'start',
    cash: '99873.2351025',
    startEquity: '100000',
    positions: [
      { symbol, planId: `b-${p}`, side: 'long', qty, entryQty: qty, entryNotional: '1800.63', exitQty: '0' },
    ],
    exec: { [`b-${p}`]: { stopOrderId: `b-${p}:SL1`, takeProfitOrderId: `b-${p}:TP1`, trailing: false } },
    lastClose: { AAPL: '180.12', MSFT: '410.55', QQQ: '440.02', SPY: '510.31' },
    exchangeDay: '2024-01-02',
    dayStartEquity: '99912.41',
    equity: {
      peak: '100000',
      maxDrawdownPct: '0.412',
      days: Array.from({ length: 20 }, (_, i) => ['2024-01-0', `${99_000 + i}`]),
    },
    pdt: { trades: Array.from({ length: 8 }, (_, i) => ({ date: `2024-01-0${1 + (i % 9)}`, symbol })) },
    venue: { seq: 3 * p, orders },
  });
}

const PRAGMAS = ['journal_mode = WAL', 'synchronous = FULL', 'foreign_keys = ON'];

interface Side {
  /** Writes these commit groups; returns the seconds taken. */
  write(groups: Group[]): number;
  close(): void;
}

/** The real Journal API, as the engine drives it. */
function journalSide(file: string): Side {
  const journal = Journal.open(file);
  return {
    write(groups) {
      const t0 = performance.now();
      for (const g of groups) {
        for (const e of g.events) journal.append(e.at, e.kind, e.ref, e.body);
        if (g.intent) journal.commitIntent(g.intent.id, g.intent.planId, g.intent.at, g.intent.body);
        else journal.checkpoint(g.checkpoint!.state, g.checkpoint!.cursor, false);
      }
      return (performance.now() - t0) / 1000;
    },
    close: () => journal.close(),
  };
}

/** The ceiling: the same rows in the same transactions, straight through better-sqlite3. */
function rawSide(file: string): Side {
  const db = new Database(file, { timeout: 0 });
  for (const p of PRAGMAS) db.pragma(p);
  db.exec('BEGIN IMMEDIATE; COMMIT;');
  migrate(db);
  const insertEvent = db.prepare('INSERT INTO events (seq, at, kind, ref, body) VALUES (?, ?, ?, ?, ?)');
  const insertIntent = db.prepare(
    'INSERT INTO intents (client_order_id, plan_id, seq, at, body) VALUES (?, ?, ?, ?, ?)',
  );
  const upsertCheckpoint = db.prepare(
    `INSERT INTO checkpoint (id, seq, cursor, completed, state) VALUES (1, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, cursor = excluded.cursor,
       completed = excluded.completed, state = excluded.state`,
  );
  // The same boundaries as the journal: an intent is its own durable commit; events wait for the next
  // checkpoint and are committed with it in one transaction.
  let pending: Ev[] = [];
  let lastSeq = 0;
  const checkpointTx = db.transaction((events: Ev[], g: Group) => {
    for (const e of events) insertEvent.run(e.seq, e.at, e.kind, e.ref, e.body);
    upsertCheckpoint.run(lastSeq, g.checkpoint!.cursor, 0, g.checkpoint!.state);
  });
  const commit = (g: Group) => {
    pending.push(...g.events);
    if (g.events.length > 0) lastSeq = g.events[g.events.length - 1]!.seq;
    if (g.intent) {
      insertIntent.run(g.intent.id, g.intent.planId, lastSeq, g.intent.at, g.intent.body);
      return;
    }
    checkpointTx(pending, g);
    pending = [];
  };
  return {
    write(groups) {
      const t0 = performance.now();
      for (const g of groups) commit(g);
      return (performance.now() - t0) / 1000;
    },
    close() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

/** One round: both sides on fresh files, the workload written in blocks of BLOCK groups, interleaved, the side
 *  going first alternating block by block. Returns the seconds each side spent writing. */
function round(dir: string, r: number, groups: Group[]): { journal: number; raw: number } {
  const j = journalSide(join(dir, `journal-${r}.sqlite`));
  const c = rawSide(join(dir, `raw-${r}.sqlite`));
  let journal = 0;
  let raw = 0;
  for (let b = 0, i = 0; i < groups.length; b++, i += BLOCK) {
    const block = groups.slice(i, i + BLOCK);
    if ((b + r) % 2 === 0) {
      journal += j.write(block);
      raw += c.write(block);
    } else {
      raw += c.write(block);
      journal += j.write(block);
    }
  }
  j.close();
  c.close();
  for (const f of [`journal-${r}.sqlite`, `raw-${r}.sqlite`]) rmSync(join(dir, f), { force: true });
  return { journal, raw };
}

/** Commit groups per interleaving block (10 plans). */
const BLOCK = 60;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function main(): void {
  const plans = Number(process.argv[2] ?? 500);
  const rounds = Number(process.argv[3] ?? 8);
  const w = workload(plans);
  const dir = mkdtempSync(join(tmpdir(), 'braid-journal-bench-'));
  try {
    const commits = w.intents + w.checkpoints;
    const bytes = w.groups.reduce(
      (a, g) => a + g.events.reduce((b, e) => b + e.body.length, 0) + (g.checkpoint?.state.length ?? 0),
      0,
    );
    console.log(
      `journal bench: ${plans} bracketed plans a round = ${fmt(w.events)} events, ${fmt(w.intents)} intents, ` +
        `${fmt(w.checkpoints)} checkpoints (${fmt(commits)} durable commits, ${(bytes / 1e6).toFixed(1)} MB of JSON); ` +
        `${rounds} rounds, the two sides interleaved in blocks of ${BLOCK / 6} plans, alternating which goes first; WAL, synchronous FULL (the journal's own pragmas); ${dir}`,
    );
    // Warm-up (not counted): page cache, statement compilation, JIT.
    round(dir, -1, w.groups.slice(0, 2 * BLOCK));
    const journal: number[] = [];
    const raw: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t = round(dir, r, w.groups);
      journal.push(w.events / t.journal);
      raw.push(w.events / t.raw);
      console.log(
        `  round ${r + 1}: journal ${fmt(journal[r]!)} events/s, raw ${fmt(raw[r]!)} events/s, ` +
          `ratio ${(journal[r]! / raw[r]!).toFixed(2)}`,
      );
    }
    const j = median(journal);
    const c = median(raw);
    // The headline ratio pairs the two sides round by round (each round interleaves them), then takes the median.
    const ratio = median(journal.map((x, i) => x / raw[i]!));
    console.log('');
    const row = (a: string, b: string, c2: string) =>
      console.log(`| ${a.padEnd(26)} | ${b.padStart(17)} | ${c2.padStart(18)} |`);
    row('side', 'events/s (median)', 'commits/s (median)');
    row('-'.repeat(26), `${'-'.repeat(16)}:`, `${'-'.repeat(17)}:`);
    row('Journal API', fmt(j), fmt((j * commits) / w.events));
    row('raw better-sqlite3 ceiling', fmt(c), fmt((c * commits) / w.events));
    console.log('');
    console.log(
      `journal: ${fmt(j)} events/s, raw ceiling ${fmt(c)} events/s; journal/raw = ${ratio.toFixed(2)} ` +
        `(${(ratio * 100).toFixed(0)}%, median of the per-round ratios); ` +
        `target >= 50%: ${ratio >= 0.5 ? 'met' : 'NOT met'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
