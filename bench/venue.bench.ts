// What Braid's Kraken adapter adds to an order on its way out, beside ccxt's own cost, in one run:
// limit orders far from the market (they rest, nothing fills) through KrakenVenue.submit and, interleaved,
// through createOrder on a bare ccxt kraken instance, both against the Kraken simulator on 127.0.0.1.
// Per order it measures from the call to the moment the simulator has read AddOrder off the wire (its
// request log, stamped with this process's high-resolution clock) and the whole round trip to the answer.
//
//   node bench/venue.bench.ts [ORDERS=1000] [WARMUP=50]
//
// The adapter runs with room in its rate budget (the bench measures the code path, not Kraken's limits,
// which would hold 1,000 orders on one pair to one a second or so) and without polling or the dead-man
// switch. Both clients sign with the same key and draw nonces from the one per-key sequence.
import { readFileSync } from 'node:fs';
import { kraken } from 'ccxt';
import { KrakenVenue } from '../src/main/venues/kraken/kraken-venue.ts';
import { nonceFor } from '../src/main/venues/kraken/private-lane.ts';
import { startKrakenSim } from '../test/venues/kraken/simulator.ts';

const ORDERS = Number(process.argv[2] ?? 1000);
const WARMUP = Number(process.argv[3] ?? 50);
const ROOMY = { max: 1e9, decayPerSecond: 1e9 };
// The package's version: ccxt 4.5.84's own `version` constant still says 4.5.83.
const ccxtVersion = (() => {
  try {
    return (JSON.parse(readFileSync('node_modules/ccxt/package.json', 'utf8')) as { version: string })
      .version;
  } catch {
    return '?';
  }
})();

/** Epoch ms with sub-millisecond resolution, the one clock the simulator and the timings share. */
const now = () => performance.timeOrigin + performance.now();

const sim = await startKrakenSim({
  now,
  callCounterMax: 1e9,
  callCounterDecay: 1e9,
  matchingCounterMax: 1e9,
  matchingCounterDecay: 1e9,
  balances: { ZUSD: 10_000_000 },
});
const venue = new KrakenVenue({
  url: sim.url,
  apiKey: sim.apiKey,
  apiSecret: sim.apiSecret,
  pollMs: 3_600_000,
  deadManSeconds: 0,
  timeoutMs: 10_000,
  limits: { calls: ROOMY, matching: ROOMY },
});
const bare = new kraken({
  apiKey: sim.apiKey,
  secret: sim.apiSecret,
  enableRateLimit: false,
  timeout: 10_000,
  options: { adjustForTimeDifference: false },
});
bare.urls.api = { ...(bare.urls.api as Record<string, string>), public: sim.url, private: sim.url };
bare.nonce = nonceFor(sim.apiKey, Date.now);

const connected = await venue.connect();
if (!connected.ok) throw new Error(connected.message);
await bare.loadMarkets();

/** When the simulator read the AddOrder carrying `clOrdId` (the newest request is it: one at a time). */
function wireAt(clOrdId: string): number {
  const log = sim.requests();
  for (let i = log.length - 1; i >= 0; i--) {
    const r = log[i]!;
    if (r.path === 'AddOrder' && r.params.cl_ord_id === clOrdId) return r.at;
  }
  throw new Error(`AddOrder ${clOrdId} never reached the simulator`);
}

interface Sample {
  wire: number;
  answer: number;
}

async function viaAdapter(id: string): Promise<Sample> {
  const t0 = now();
  const outcome = await venue.submit({
    clientOrderId: id,
    symbol: 'BTC/USD',
    side: 'buy',
    type: 'limit',
    quantity: '0.001',
    price: '1000',
  });
  const t1 = now();
  if (outcome.kind !== 'accepted') throw new Error(`adapter order ${id}: ${JSON.stringify(outcome)}`);
  return { wire: wireAt(id) - t0, answer: t1 - t0 };
}

async function viaCcxt(id: string): Promise<Sample> {
  const t0 = now();
  await bare.createOrder('BTC/USD', 'limit', 'buy', 0.001, 1000, { clientOrderId: id });
  const t1 = now();
  return { wire: wireAt(id) - t0, answer: t1 - t0 };
}

const adapter: Sample[] = [];
const ccxtOnly: Sample[] = [];
for (let i = 0; i < WARMUP + ORDERS; i++) {
  // Alternate which goes first, so drift (GC, the growing book) falls on both alike.
  const first = i % 2 === 0;
  const a = first ? await viaAdapter(`a${i}`) : undefined;
  const b = await viaCcxt(`b${i}`);
  const a2 = first ? a! : await viaAdapter(`a${i}`);
  if (i >= WARMUP) {
    adapter.push(a2);
    ccxtOnly.push(b);
  }
}

await venue.disconnect();
await bare.close();
await (bare as unknown as { fetchDispatcher?: { close(): Promise<void> } }).fetchDispatcher?.close();
await sim.close();

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(3)} ms`;
const row = (what: string, pick: (s: Sample) => number) => {
  const a = adapter.map(pick);
  const c = ccxtOnly.map(pick);
  const [a50, a99, c50, c99] = [pct(a, 50), pct(a, 99), pct(c, 50), pct(c, 99)];
  console.log(
    `${what.padEnd(16)} adapter p50 ${ms(a50)}  p99 ${ms(a99)} | ccxt p50 ${ms(c50)}  p99 ${ms(c99)} | ` +
      `ratio p50 ${(a50 / c50).toFixed(2)}  p99 ${(a99 / c99).toFixed(2)} | adapter adds p50 ${ms(a50 - c50)}`,
  );
};
console.log(
  `Kraken submit, ${ORDERS} limit orders each way (after ${WARMUP} warm-up), node ${process.version}, ccxt ${ccxtVersion}`,
);
row('call -> wire', (s) => s.wire);
row('call -> answer', (s) => s.answer);
