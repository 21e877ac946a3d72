// What Braid adds to an order on its way to a venue, beside the venue library's own cost, in one run:
// Kraken (this file), Hyperliquid (bench/venue-hyperliquid.ts) and Interactive Brokers (bench/venue-ib.ts,
// last: beside @stoqey/ib's placeOrder), each file saying what differs there, each against its simulator
// on 127.0.0.1, one section after the other. Kraken's three paths, interleaved
// (each iteration rotates which goes first, so drift such as GC and the growing book falls on all alike):
//   approval -> wire   the trader's approval: `approve` (the approve-plan command) entering the engine
//                      host as `braid serve` builds it (bench/venue-host.ts): command validation, engine,
//                      risk gate, the order intent journaled to SQLite on disk (WAL, synchronous FULL),
//                      the execution bridge, the Kraken adapter, ccxt signing. The plan (a limit buy far
//                      below the market: it rests, nothing fills) was submitted to the approval queue
//                      first, untimed.
//   adapter -> wire    KrakenVenue.submit alone, the same order.
//   ccxt -> wire       createOrder on a bare ccxt kraken instance, the same order.
// Each is timed from the call to the moment the simulator has read that AddOrder (found by its
// cl_ord_id) off the wire: its request log, stamped with this process's one high-resolution clock. The
// "answer" columns run to the answer: for the approval, the engine's order event `accepted` (Kraken's
// answer through the bridge into the journal); for the others, the call's resolution.
//
//   node bench/venue.bench.ts [ORDERS=1000] [WARMUP=50] [--venue kraken|hyperliquid|ib|all]   (default all)
//
// Kraken's settings, and why:
// - Config: approval manual (plans wait in the queue), account cash 10,000,000 (the simulator's USD),
//   risk.maxOpenPositions 1,000,000 and pdt off, so no risk limit refuses an entry. The engine allows one
//   working plan per symbol (position_exists, not a config limit), so the approved plans go round 25
//   pairs the simulator is given (B00/USD .. B24/USD, instruments in the config): once all 25 rest, they
//   are cancelled (CancelOrder, untimed) and the bench waits until the engine has each cancelled, so
//   nothing of them is on the wire while the next order is timed. It asks the host's adapter for a
//   poll at once (pollNow) rather than wait for the bridge's confirmation query 5 s on. The adapter-only
//   and ccxt orders rest on BTC/USD to the end.
// - The last lines count orders whose window held another request (a poll, a cancel) and every request
//   the simulator read, so a reader can see nothing else shared the wire.
// - Rate budget: every adapter gets room (the bench measures the code path, not Kraken's limits; see
//   venue-host.ts for why the host's adapter is built there), and the simulator's counters are roomy.
// - venues.kraken.pollMs 60,000 (the config's maximum) and no dead-man switch, as the adapter-only path
//   runs: with the default 1 s poll, a poll in flight holds an AddOrder for one round trip.
// - LIVE is armed through the host's commands (setPin, armLive), as an operator does it.
// - The host runs on the bench's thread; `braid serve` adds a worker-thread hop and HTTP/WebSocket.
// - The host's adapter signs with the simulator's first key; the bare adapter and ccxt share a second
//   key and its one nonce sequence.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kraken } from 'ccxt';
import { KrakenVenue } from '../src/main/venues/kraken/kraken-venue.ts';
import { nonceFor } from '../src/main/venues/kraken/private-lane.ts';
import type { AppSnapshot } from '../src/shared/contract.ts';
import { waitFor } from '../test/helpers/wait.ts';
import { startKrakenSim } from '../test/venues/kraken/simulator.ts';
import { type Sample, sampleOf, startBenchHost } from './venue-host.ts';
import { benchHyperliquid } from './venue-hyperliquid.ts';
import { benchIb, printIb } from './venue-ib.ts';

const VENUES = ['kraken', 'hyperliquid', 'ib', 'all'] as const;
const args = process.argv.slice(2);
const venueAt = args.indexOf('--venue');
const venueArg = venueAt >= 0 ? args[venueAt + 1] : 'all';
if (!VENUES.includes(venueArg as (typeof VENUES)[number]))
  throw new Error(`--venue must be one of ${VENUES.join(', ')}; got ${venueArg ?? 'nothing'}`);
const positional = args.filter((_, i) => venueAt < 0 || (i !== venueAt && i !== venueAt + 1));
const ORDERS = Number(positional[0] ?? 1000);
const WARMUP = Number(positional[1] ?? 50);
const ROOMY = { max: 1e9, decayPerSecond: 1e9 };
const PIN = '2468';
/** The adapter-only and ccxt orders' pair. */
const SYMBOL = 'BTC/USD';
/** The approved plans' pairs: one working plan per symbol, so BOOK plans rest at once (see above). */
const BOOK = 25;
const bookSymbol = (n: number) => `B${String(n).padStart(2, '0')}/USD`;
const BOOK_SYMBOLS = Array.from({ length: BOOK }, (_, n) => bookSymbol(n));
const QUOTE = { bid: '50000', ask: '50000.1', last: '50000' };
const PRICE = '1000';
const QUANTITY = '0.001';
// The package's version: ccxt 4.5.84's own `version` constant still says 4.5.83.
const ccxtVersion = (() => {
  try {
    return (JSON.parse(readFileSync('node_modules/ccxt/package.json', 'utf8')) as { version: string })
      .version;
  } catch {
    return '?';
  }
})();

/** Epoch ms with sub-millisecond resolution, the one clock the simulators and the timings share. */
const now = () => performance.timeOrigin + performance.now();

interface KrakenRun {
  approval: Sample[];
  adapter: Sample[];
  ccxt: Sample[];
  requests: { path: string }[];
  hostLog: string[];
}

async function benchKraken(): Promise<KrakenRun> {
  const hostLog: string[] = [];
  const sim = await startKrakenSim({
    now,
    callCounterMax: 1e9,
    callCounterDecay: 1e9,
    matchingCounterMax: 1e9,
    matchingCounterDecay: 1e9,
    balances: { ZUSD: 10_000_000 },
    pairs: [
      { symbol: 'BTC/USD' },
      ...BOOK_SYMBOLS.map((symbol) => {
        const base = symbol.split('/')[0]!;
        return { symbol, name: `${base}ZUSD`, base, quote: 'ZUSD', tickSize: '0.1', ordermin: '0.0001' };
      }),
    ],
    assets: BOOK_SYMBOLS.map((symbol) => {
      const base = symbol.split('/')[0]!;
      return { id: base, altname: base, decimals: 10, displayDecimals: 5 };
    }),
    prices: Object.fromEntries([SYMBOL, ...BOOK_SYMBOLS].map((symbol) => [symbol, QUOTE])),
  });
  // Closed last-opened first, whatever happens: a server left listening would keep the bench from exiting.
  const closers: Array<() => unknown> = [() => sim.close()];
  const run: KrakenRun = { approval: [], adapter: [], ccxt: [], requests: [], hostLog };
  try {
    const dir = mkdtempSync(join(tmpdir(), 'braid-venue-bench-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const booted = startBenchHost({
      config: {
        account: { cash: '10000000', type: 'cash' },
        approval: 'manual',
        risk: { maxOpenPositions: 1_000_000 },
        pdt: { enabled: false },
        defaultVenue: 'kraken',
        venues: { kraken: { url: sim.url, deadManSeconds: 0, pollMs: 60_000 } },
        instruments: Object.fromEntries(
          BOOK_SYMBOLS.map((symbol) => [symbol, { lot: '0.0001', tick: '0.1' }]),
        ),
      },
      journalPath: join(dir, 'state.sqlite'),
      keyLockDir: join(dir, 'key-locks'),
      env: { BRAID_KRAKEN_API_KEY: sim.apiKey, BRAID_KRAKEN_API_SECRET: sim.apiSecret },
      krakenLimits: { calls: ROOMY, matching: ROOMY },
      now,
      log: (line) => hostLog.push(line),
    });
    if (!booted.ok) throw new Error(`host: ${booted.error.message}`);
    const bench = booted.value;
    closers.push(() => bench.close());
    const krakenAtHost = bench.kraken!;
    const { command, entryReaches } = bench;

    const second = sim.addKey();
    const venue = new KrakenVenue({
      url: sim.url,
      apiKey: second.apiKey,
      apiSecret: second.apiSecret,
      pollMs: 3_600_000,
      deadManSeconds: 0,
      timeoutMs: 10_000,
      limits: { calls: ROOMY, matching: ROOMY },
    });
    closers.push(() => venue.disconnect());
    const bare = new kraken({
      apiKey: second.apiKey,
      secret: second.apiSecret,
      enableRateLimit: false,
      timeout: 10_000,
      options: { adjustForTimeDifference: false },
    });
    bare.urls.api = { ...(bare.urls.api as Record<string, string>), public: sim.url, private: sim.url };
    bare.nonce = nonceFor(second.apiKey, Date.now);
    closers.push(async () => {
      await bare.close();
      await (bare as unknown as { fetchDispatcher?: { close(): Promise<void> } }).fetchDispatcher?.close();
    });

    // Connected and reconciled, then LIVE armed through the host's commands: entries go to Kraken.
    await waitFor('kraken connected and reconciled', async () => {
      const s = await command<AppSnapshot>('getSnapshot', {});
      const k = s.host.venues.find((v) => v.name === 'kraken');
      return k !== undefined && k.state === 'connected' && !k.reconciling && k.lastReconciledAt !== null;
    });
    await command('setPin', { pin: PIN });
    await command('armLive', { pin: PIN });

    /** When the simulator read the AddOrder carrying `clOrdId` (sent after `t0`), and how many other
     *  requests it read from `t0` until then (another call sharing the wire, e.g. a poll). */
    function wireAt(clOrdId: string, t0: number): { at: number; others: number } {
      const log = sim.requests();
      for (let i = log.length - 1; i >= 0 && log[i]!.at >= t0; i--) {
        const r = log[i]!;
        if (r.path === 'AddOrder' && r.params.cl_ord_id === clOrdId) {
          let others = 0;
          for (let j = i - 1; j >= 0 && log[j]!.at >= t0; j--) others++;
          return { at: r.at, others };
        }
      }
      throw new Error(`AddOrder ${clOrdId} never reached the simulator`);
    }

    /** Plans approved and resting at Kraken, one per book symbol, until endBook cancels them. */
    const resting: string[] = [];

    async function viaApproval(i: number): Promise<Sample> {
      const { planId } = await command<{ planId: string }>('submitPlan', {
        plan: {
          symbol: bookSymbol(i % BOOK),
          side: 'buy',
          entry: { type: 'limit', price: PRICE },
          quantity: QUANTITY,
          venue: 'kraken',
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

    /** Cancels the resting plans and waits until the engine has Kraken's word on each: the bridge would ask
     *  5 s after each cancel and the poll timer is long, so the host's adapter polls now instead. */
    async function endBook(): Promise<void> {
      let left = resting.length;
      const ended = resting.map((planId) => entryReaches(planId, 'cancelled').then(() => left--));
      for (const planId of resting.splice(0)) await command('cancelPlan', { planId });
      for (let poll = 0; left > 0 && poll < 20; poll++) await krakenAtHost.pollNow();
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

    async function viaCcxt(id: string): Promise<Sample> {
      const t0 = now();
      await bare.createOrder(SYMBOL, 'limit', 'buy', Number(QUANTITY), Number(PRICE), { clientOrderId: id });
      const t1 = now();
      return sampleOf(t0, wireAt(id, t0), t1);
    }

    const connected = await venue.connect();
    if (!connected.ok) throw new Error(connected.message);
    await bare.loadMarkets();

    const paths = [
      (i: number) => viaApproval(i),
      (i: number) => viaAdapter(`a${i}`),
      (i: number) => viaCcxt(`c${i}`),
    ] as const;
    for (let i = 0; i < WARMUP + ORDERS; i++) {
      const got: Sample[] = [];
      // Rotate which path goes first.
      for (let k = 0; k < 3; k++) {
        const p = (i + k) % 3;
        got[p] = await paths[p]!(i);
      }
      // Every symbol holds a working plan: end them all before the next order (untimed).
      if (resting.length === BOOK) await endBook();
      if (i >= WARMUP) {
        run.approval.push(got[0]!);
        run.adapter.push(got[1]!);
        run.ccxt.push(got[2]!);
      }
    }
    await endBook();
  } finally {
    run.requests = sim.requests();
    for (const close of closers.reverse()) await close();
  }
  return run;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(3)} ms`.padStart(11);
const spread = (v: number[]) => ({ p50: pct(v, 50), p99: pct(v, 99) });
const stats = (xs: Sample[], pick: (s: Sample) => number) => spread(xs.map(pick));

/** One venue's table: the three paths, their ratios to ccxt, and what else the simulator read. */
function printSection(
  venue: string,
  order: string,
  run: { approval: Sample[]; adapter: Sample[]; ccxt: Sample[]; hostLog: string[] },
  requestKinds: string[],
  signing?: number[],
): void {
  console.log(
    `${venue} order out, ${ORDERS} limit orders per path (after ${WARMUP} warm-up), node ${process.version}, ` +
      `ccxt ${ccxtVersion}, journal on disk (synchronous FULL), wire = ${order} read by the simulator`,
  );
  console.log(
    `${''.padEnd(26)}${'wire p50'.padStart(11)}${'wire p99'.padStart(11)}   ${'answer p50'.padStart(11)}${'answer p99'.padStart(11)}`,
  );
  const rows: [string, Sample[]][] = [
    ['approval -> wire', run.approval],
    ['adapter submit -> wire', run.adapter],
    ['ccxt createOrder -> wire', run.ccxt],
  ];
  for (const [what, xs] of rows) {
    const w = stats(xs, (s) => s.wire);
    const a = stats(xs, (s) => s.answer);
    console.log(`${what.padEnd(26)}${ms(w.p50)}${ms(w.p99)}   ${ms(a.p50)}${ms(a.p99)}`);
  }
  const sign = signing ? spread(signing) : undefined;
  if (sign)
    console.log(
      `${'ccxt signL1Action (order)'.padEnd(26)}${ms(sign.p50)}${ms(sign.p99)}   per signature, nothing sent`,
    );
  const c = stats(run.ccxt, (s) => s.wire);
  const ratios: [string, Sample[]][] = [
    ['approval / ccxt', run.approval],
    ['adapter / ccxt', run.adapter],
  ];
  for (const [what, xs] of ratios) {
    const w = stats(xs, (s) => s.wire);
    console.log(
      `${`${what} (to wire)`.padEnd(26)}ratio p50 ${(w.p50 / c.p50).toFixed(2)}  p99 ` +
        `${(w.p99 / c.p99).toFixed(2)}   adds p50 ${(w.p50 - c.p50).toFixed(3)} ms  p99 ${(w.p99 - c.p99).toFixed(3)} ms`,
    );
  }
  if (sign) {
    const share = (of: Sample[]) => {
      const w = stats(of, (s) => s.wire);
      return `p50 ${((100 * sign.p50) / w.p50).toFixed(1)} %  p99 ${((100 * sign.p99) / w.p99).toFixed(1)} %`;
    };
    console.log(
      `${"signing's share (to wire)".padEnd(26)}of ccxt createOrder ${share(run.ccxt)}   of approval ${share(run.approval)}`,
    );
  }
  const shared = rows.map(([what, xs]) => `${what.split(' ->')[0]} ${xs.filter((x) => x.others > 0).length}`);
  console.log(`orders with another request read before theirs: ${shared.join(', ')}`);
  const counts = new Map<string, number>();
  for (const kind of requestKinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  console.log(`simulator read: ${[...counts].map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  if (run.hostLog.length > 0) console.log(`host said:\n${run.hostLog.join('\n')}`);
}

const asked = (venue: string) => venueArg === venue || venueArg === 'all';
if (asked('kraken')) {
  const run = await benchKraken();
  printSection(
    'Kraken',
    'AddOrder',
    run,
    run.requests.map((r) => r.path),
  );
}
if (asked('hyperliquid')) {
  if (venueArg === 'all') console.log('');
  const run = await benchHyperliquid({ orders: ORDERS, warmup: WARMUP, now });
  printSection(
    'Hyperliquid',
    'the signed `order` action',
    run,
    run.requests.map((r) => `${r.endpoint}:${r.type ?? '?'}`),
    run.signing,
  );
}
if (asked('ib')) {
  if (venueArg === 'all') console.log('');
  printIb(await benchIb({ orders: ORDERS, warmup: WARMUP }), ORDERS, WARMUP);
}
