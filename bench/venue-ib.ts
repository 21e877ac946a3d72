// The venue bench's Interactive Brokers section (bench/venue.bench.ts runs it last): what Braid adds to an
// order on its way to the gateway, beside @stoqey/ib's own placeOrder, against the TWS API simulator on
// 127.0.0.1. Three paths, interleaved as for Kraken (each iteration rotates which goes first, so drift
// such as GC and the growing book falls on all alike):
//   approval -> wire   `approve` entering the engine host (bench/venue-host.ts, venues.ib): command
//                      validation, engine, risk gate, the intent journaled to SQLite on disk, the
//                      execution bridge, IbVenue. The plan (a limit buy far below the market: it rests)
//                      was submitted to the approval queue first, untimed.
//   adapter -> wire    IbVenue.submit alone, the same order: the order-id mark (persisted before
//                      sending), the known-orders entry, the pacing window, the IB Order built,
//                      @stoqey/ib's encoder and socket.
//   stoqey -> wire     IBApi.placeOrder on a bare @stoqey/ib client, the same order.
// Each is timed from the call to the moment the simulator read that PLACE_ORDER (found by its orderRef,
// Braid's client order id) off the wire: its received() log, stamped with performance.now(), the clock
// every timing here uses. "answer" runs to IB's first word: for the approval, the engine's order event
// `accepted` (the bridge's answer into the journal); for the adapter, submit resolving (openOrder or
// orderStatus); for the bare client, its first openOrder.
//
//   node bench/venue-ib.ts [ORDERS=1000] [WARMUP=50]      (or bench/venue.bench.ts --venue ib)
//
// Settings, and why:
// - A limit buy of 1 share at 100 against a mark of 190: it rests, nothing fills. The adapter-only and
//   bare orders rest on AAPL to the end.
// - The engine allows one working plan per symbol (position_exists), so the approved plans go round 25
//   stocks the simulator is given a price for (S00 .. S24, instruments in the config): once all 25 rest
//   they are cancelled (cancelPlan, untimed) and the bench waits until the engine has each cancelled
//   (IB's orderStatus Cancelled, pushed), so nothing of them is on the wire while the next order is timed.
// - Config: approval manual, account cash 10,000,000, risk.maxOpenPositions 1,000,000 and pdt off, so no
//   risk limit (nor the pattern-day-trader counter) refuses an entry.
// - Pacing: the adapter's 40 messages a second (IB's limit is 50) and @stoqey/ib's own limiter would pace
//   a thousand orders a path to 25 ms each; every adapter and the bare client get 1e6 a second, so the
//   bench measures the code path, not IB's limit.
// - LIVE is armed through the host's commands (setPin, armLive), as an operator does it. The host runs on
//   the bench's thread; `braid serve` adds a worker-thread hop and HTTP/WebSocket.
// - The host's adapter is client 17, the bare adapter 18, the bare @stoqey/ib client 19: each its own
//   order ids and socket to the simulator.
// - The last lines count orders whose window held another message (a reqMktData of the host's quotes, a
//   cancel) and every message the simulator read, so a reader can see what else shared the wire.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventName, IBApi, type Order, OrderAction, OrderType, SecType, TimeInForce } from '@stoqey/ib';
import { createIbVenue } from '../src/main/venues/ib/ib-venue.ts';
import { memoryIdStore } from '../src/main/venues/ib/order-ids.ts';
import type { AppSnapshot } from '../src/shared/contract.ts';
import { waitFor } from '../test/helpers/wait.ts';
import { decodePlaceOrder } from '../test/venues/ib/sim/place-order.ts';
import { MSG } from '../test/venues/ib/sim/reference.ts';
import { startIbSimulator } from '../test/venues/ib/simulator.ts';
import { type Sample, sampleOf, startBenchHost } from './venue-host.ts';

export interface IbRun {
  approval: Sample[];
  adapter: Sample[];
  stoqey: Sample[];
  /** Every message the simulator read, by message id. */
  requests: number[];
  hostLog: string[];
}

const ROOMY = 1e6;
const STEP_TIMEOUT_MS = 10_000;
const PIN = '2468';
const ACCOUNT = 'DU1234567';
const SYMBOL = 'AAPL';
const BOOK = 25;
const bookSymbol = (n: number) => `S${String(n).padStart(2, '0')}`;
const BOOK_SYMBOLS = Array.from({ length: BOOK }, (_, n) => bookSymbol(n));
const MARK = 190;
const PRICE = '100';
const QUANTITY = '1';

/** The simulator's clock (received() stamps), which every timing here uses. */
const now = () => performance.now();

export async function benchIb(options: { orders: number; warmup: number }): Promise<IbRun> {
  const { orders, warmup } = options;
  const hostLog: string[] = [];
  const sim = await startIbSimulator({
    nextValidId: 1,
    accounts: [ACCOUNT],
    prices: Object.fromEntries([SYMBOL, ...BOOK_SYMBOLS].map((s) => [s, MARK])),
  });
  // Closed last-opened first, whatever happens: a server left listening would keep the bench from exiting.
  const closers: Array<() => unknown> = [() => sim.close()];
  const run: IbRun = { approval: [], adapter: [], stoqey: [], requests: [], hostLog };
  try {
    const dir = mkdtempSync(join(tmpdir(), 'braid-venue-bench-ib-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const booted = startBenchHost({
      config: {
        account: { cash: '10000000', type: 'cash' },
        approval: 'manual',
        risk: { maxOpenPositions: 1_000_000 },
        pdt: { enabled: false },
        defaultVenue: 'ib',
        venues: { ib: { host: '127.0.0.1', port: sim.port, clientId: 17, account: ACCOUNT } },
        instruments: Object.fromEntries(BOOK_SYMBOLS.map((s) => [s, { lot: '1', tick: '0.01' }])),
      },
      journalPath: join(dir, 'state.sqlite'),
      keyLockDir: join(dir, 'key-locks'),
      env: {},
      ibMessagesPerSecond: ROOMY,
      ibSymbols: BOOK_SYMBOLS,
      now,
      log: (line) => hostLog.push(line),
    });
    if (!booted.ok) throw new Error(`host: ${booted.error.message}`);
    const bench = booted.value;
    closers.push(() => bench.close());
    const { command, entryReaches } = bench;

    const venue = createIbVenue({
      host: '127.0.0.1',
      port: sim.port,
      clientId: 18,
      account: ACCOUNT,
      idStore: memoryIdStore(),
      symbols: [SYMBOL],
      messagesPerSecond: ROOMY,
    });
    closers.push(() => venue.disconnect());
    const bare = new IBApi({ host: '127.0.0.1', port: sim.port, clientId: 19, maxReqPerSec: ROOMY });
    closers.push(() => bare.disconnect());

    await waitFor(
      'ib connected and reconciled',
      async () => {
        const s = await command<AppSnapshot>('getSnapshot', {});
        const v = s.host.venues.find((x) => x.name === 'ib');
        return v !== undefined && v.state === 'connected' && !v.reconciling && v.lastReconciledAt !== null;
      },
      STEP_TIMEOUT_MS,
    );
    await command('setPin', { pin: PIN });
    await command('armLive', { pin: PIN });

    const connected = await venue.connect();
    if (!connected.ok) throw new Error(`the adapter did not connect: ${connected.message}`);
    let bareNext = 0;
    const bareOpen = new Map<number, (at: number) => void>();
    bare.on(EventName.nextValidId, (id: number) => {
      if (bareNext === 0) bareNext = id;
    });
    bare.on(EventName.openOrder, (orderId: number) => {
      bareOpen.get(orderId)?.(now());
      bareOpen.delete(orderId);
    });
    bare.connect(19);
    await waitFor('the bare client', () => bareNext > 0, STEP_TIMEOUT_MS);

    /** When the simulator read the PLACE_ORDER carrying `orderRef` (sent after `t0`), and how many other
     *  messages it read from `t0` until then. Called once IB has answered, so the message is in. */
    function wireAt(orderRef: string, t0: number): { at: number; others: number } {
      const log = sim.received();
      for (let i = log.length - 1; i >= 0 && log[i]!.at >= t0; i--) {
        const m = log[i]!;
        if (m.msgId !== MSG.placeOrder) continue;
        const placed = decodePlaceOrder(m.fields);
        if (placed.ok && placed.value.orderRef === orderRef) {
          let others = 0;
          for (let j = i - 1; j >= 0 && log[j]!.at >= t0; j--) others++;
          return { at: m.at, others };
        }
      }
      throw new Error(`PLACE_ORDER ${orderRef} never reached the simulator`);
    }

    /** Plans approved and resting at IB, one per book symbol, until endBook cancels them. */
    const resting: string[] = [];

    async function viaApproval(i: number): Promise<Sample> {
      const { planId } = await command<{ planId: string }>('submitPlan', {
        plan: {
          symbol: bookSymbol(i % BOOK),
          side: 'buy',
          entry: { type: 'limit', price: PRICE },
          quantity: QUANTITY,
          venue: 'ib',
        },
        review: true,
      });
      const accepted = entryReaches(planId, 'accepted');
      const t0 = now();
      await command('approve', { planId });
      const { order, at } = await accepted;
      resting.push(planId);
      return sampleOf(t0, wireAt(order.id, t0), at);
    }

    /** Cancels the resting plans and waits until the engine has IB's Cancelled for each. */
    async function endBook(): Promise<void> {
      const ended = resting.map((planId) => entryReaches(planId, 'cancelled'));
      for (const planId of resting.splice(0)) await command('cancelPlan', { planId });
      await Promise.all(ended);
    }

    async function viaAdapter(id: string): Promise<Sample> {
      const t0 = now();
      const outcome = await venue.submit({
        clientOrderId: id,
        symbol: SYMBOL,
        side: 'buy',
        type: 'limit',
        quantity: QUANTITY,
        price: PRICE,
      });
      const t1 = now();
      if (outcome.kind !== 'accepted') throw new Error(`adapter order ${id}: ${JSON.stringify(outcome)}`);
      return sampleOf(t0, wireAt(id, t0), t1);
    }

    const contract = { symbol: SYMBOL, secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
    async function viaStoqey(id: string): Promise<Sample> {
      const orderId = bareNext++;
      const order: Order = {
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        totalQuantity: Number(QUANTITY),
        lmtPrice: Number(PRICE),
        tif: TimeInForce.DAY,
        orderRef: id,
        account: ACCOUNT,
        transmit: true,
      };
      const answered = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no openOrder for ${id}`)), STEP_TIMEOUT_MS);
        bareOpen.set(orderId, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
      const t0 = now();
      bare.placeOrder(orderId, contract, order);
      const t1 = await answered;
      return sampleOf(t0, wireAt(id, t0), t1);
    }

    const paths = [
      (i: number) => viaApproval(i),
      (i: number) => viaAdapter(`ib-a${i}`),
      (i: number) => viaStoqey(`ib-s${i}`),
    ] as const;
    for (let i = 0; i < warmup + orders; i++) {
      const got: Sample[] = [];
      // Rotate which path goes first.
      for (let k = 0; k < paths.length; k++) {
        const p = (i + k) % paths.length;
        got[p] = await paths[p]!(i);
      }
      // Every stock holds a working plan: end them all before the next order (untimed).
      if (resting.length === BOOK) await endBook();
      if (i >= warmup) {
        run.approval.push(got[0]!);
        run.adapter.push(got[1]!);
        run.stoqey.push(got[2]!);
      }
    }
    await endBook();
  } finally {
    run.requests = sim.received().map((m) => m.msgId);
    for (const close of closers.reverse()) await close();
  }
  return run;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
};

/** The section's table, as venue.bench.ts prints the others. */
export function printIb(run: IbRun, orders: number, warmup: number): void {
  const ms = (x: number) => `${x.toFixed(3)} ms`.padStart(11);
  const spread = (xs: Sample[], pick: (s: Sample) => number) => {
    const v = xs.map(pick);
    return { p50: pct(v, 50), p99: pct(v, 99) };
  };
  console.log(
    `IB order out, ${orders} limit orders per path (after ${warmup} warm-up), node ${process.version}, ` +
      '@stoqey/ib 1.6.10, journal on disk (synchronous FULL), wire = PLACE_ORDER read by the TWS API simulator',
  );
  console.log(
    `${''.padEnd(26)}${'wire p50'.padStart(11)}${'wire p99'.padStart(11)}   ${'answer p50'.padStart(11)}${'answer p99'.padStart(11)}`,
  );
  const rows: [string, Sample[]][] = [
    ['approval -> wire', run.approval],
    ['adapter submit -> wire', run.adapter],
    ['stoqey placeOrder -> wire', run.stoqey],
  ];
  for (const [what, xs] of rows) {
    const w = spread(xs, (s) => s.wire);
    const a = spread(xs, (s) => s.answer);
    console.log(`${what.padEnd(26)}${ms(w.p50)}${ms(w.p99)}   ${ms(a.p50)}${ms(a.p99)}`);
  }
  const bare = spread(run.stoqey, (s) => s.wire);
  const ratios: [string, Sample[]][] = [
    ['approval / stoqey', run.approval],
    ['adapter / stoqey', run.adapter],
  ];
  for (const [what, xs] of ratios) {
    const w = spread(xs, (s) => s.wire);
    console.log(
      `${`${what} (to wire)`.padEnd(29)}ratio p50 ${(w.p50 / bare.p50).toFixed(2)}  p99 ` +
        `${(w.p99 / bare.p99).toFixed(2)}   adds p50 ${(w.p50 - bare.p50).toFixed(3)} ms  p99 ${(w.p99 - bare.p99).toFixed(3)} ms`,
    );
  }
  const shared = rows.map(([what, xs]) => `${what.split(' ->')[0]} ${xs.filter((x) => x.others > 0).length}`);
  console.log(`orders with another message read before theirs: ${shared.join(', ')}`);
  const names = new Map<number, string>(Object.entries(MSG).map(([name, id]) => [id, name]));
  const counts = new Map<string, number>();
  for (const id of run.requests) {
    const kind = names.get(id) ?? String(id);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  console.log(`simulator read: ${[...counts].map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  if (run.hostLog.length > 0) console.log(`host said:\n${run.hostLog.join('\n')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ORDERS = Number(process.argv[2] ?? 1000);
  const WARMUP = Number(process.argv[3] ?? 50);
  const run = await benchIb({ orders: ORDERS, warmup: WARMUP });
  printIb(run, ORDERS, WARMUP);
}
