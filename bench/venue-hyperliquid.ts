// The venue bench's Hyperliquid section (bench/venue.bench.ts runs it): what Braid adds to an order on its
// way to Hyperliquid, beside ccxt's own cost, against the Hyperliquid simulator on 127.0.0.1. Three paths,
// interleaved as for Kraken (each iteration rotates which goes first), and ccxt's signing on its own:
//   approval -> wire   `approve` entering the engine host (bench/venue-host.ts, venues.hyperliquid):
//                      command validation, engine, risk gate, the intent journaled to SQLite on disk, the
//                      execution bridge, HyperliquidVenue, ccxt's signing. The plan (a limit buy at 1,000
//                      against a mark of 50,000: it rests) was submitted to the approval queue first, untimed.
//   adapter -> wire    HyperliquidVenue.submit alone, the same order.
//   ccxt -> wire       createOrder on the ccxt instance Braid configures (client.ts: builder fee, referrer
//                      and unified-margin lookup off), called directly: ccxt's defaults would attach a
//                      `builder` field, so this signs the very action the adapter sends.
//   ccxt signL1Action  ccxt's signing of that `order` action alone (msgpack, keccak, EIP-712, secp256k1),
//                      one signature per iteration in the same rotation, nothing sent.
// Each path is timed from the call to the moment the simulator read the signed `order` action (found by
// its cloid) off the wire, stamped with the bench's clock (the sim's `now` option, as for Kraken).
//
// Settings, and why:
// - Coins: BTC for the adapter and ccxt (their orders rest to the end), and 25 more (B00 .. B24) for the
//   approved plans, one working plan per symbol as for Kraken: once all 25 rest they are cancelled,
//   untimed, and the host's adapter polls now (pollNow) until the engine has each cancelled.
// - 0.02 at 1,000 is $20, over Hyperliquid's $10 minimum; an integer price always passes its tick rule.
// - Weight: the simulator's per-IP budget and every adapter's are 1e9 a minute (Hyperliquid's 1,200
//   under 80 % would pace the run to about 16 requests a second).
// - venues.hyperliquid.pollMs 60,000 (the config's maximum), no dead-man switch; the bare adapter never
//   polls during the run.
// - The host's adapter signs with the simulator's API wallet; the bare adapter and ccxt share a second
//   API wallet and its one nonce sequence (nonce.ts is per signer, across instances).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeClient, createClient } from '../src/main/venues/hyperliquid/client.ts';
import { HyperliquidVenue } from '../src/main/venues/hyperliquid/hyperliquid-venue.ts';
import { cloidOf } from '../src/main/venues/hyperliquid/pricing.ts';
import type { AppSnapshot } from '../src/shared/contract.ts';
import { waitFor } from '../test/helpers/wait.ts';
import { type SimRequest, startHyperliquidSim } from '../test/venues/hyperliquid/simulator.ts';
import { type Sample, sampleOf, startBenchHost } from './venue-host.ts';

export interface HyperliquidRun {
  approval: Sample[];
  adapter: Sample[];
  ccxt: Sample[];
  /** ms per signL1Action of one `order` action. */
  signing: number[];
  requests: SimRequest[];
  hostLog: string[];
}

const ROOMY_WEIGHT = 1e9;
const PIN = '2468';
const SYMBOL = 'BTC/USDC:USDC';
const BOOK = 25;
const bookCoin = (n: number) => `B${String(n).padStart(2, '0')}`;
const bookSymbol = (n: number) => `${bookCoin(n)}/USDC:USDC`;
const BOOK_SYMBOLS = Array.from({ length: BOOK }, (_, n) => bookSymbol(n));
const PRICE = '1000';
const QUANTITY = '0.02';
/** A second API wallet for the bare adapter and ccxt (a fixed test key, never funded anywhere). */
const SECOND_KEY = '0x3333333333333333333333333333333333333333333333333333333333333333';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
/** The cloid of a signed `order` action's first order, lowercase. */
function cloidIn(r: SimRequest): string | undefined {
  if (r.endpoint !== 'exchange' || r.type !== 'order' || !isObj(r.body) || !isObj(r.body.action)) return;
  const orders = r.body.action.orders;
  const first = Array.isArray(orders) ? orders[0] : undefined;
  return isObj(first) && typeof first.c === 'string' ? first.c.toLowerCase() : undefined;
}

export async function benchHyperliquid(options: {
  orders: number;
  warmup: number;
  now: () => number;
}): Promise<HyperliquidRun> {
  const { orders, warmup, now } = options;
  const hostLog: string[] = [];
  const quote = { bid: 49_999, ask: 50_001, mark: 50_000 };
  const sim = await startHyperliquidSim({
    now,
    weightPerMinute: ROOMY_WEIGHT,
    balance: 10_000_000,
    coins: [
      { name: 'BTC', szDecimals: 5, maxLeverage: 40 },
      ...BOOK_SYMBOLS.map((_, n) => ({ name: bookCoin(n), szDecimals: 3, maxLeverage: 20 })),
    ],
    prices: Object.fromEntries(['BTC', ...BOOK_SYMBOLS.map((_, n) => bookCoin(n))].map((c) => [c, quote])),
  });
  // Closed last-opened first, whatever happens: a server left listening would keep the bench from exiting.
  const closers: Array<() => unknown> = [() => sim.close()];
  const run: HyperliquidRun = { approval: [], adapter: [], ccxt: [], signing: [], requests: [], hostLog };
  try {
    sim.addAgent(SECOND_KEY);
    const dir = mkdtempSync(join(tmpdir(), 'braid-venue-bench-hl-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const booted = startBenchHost({
      config: {
        account: { cash: '10000000', type: 'cash' },
        approval: 'manual',
        risk: { maxOpenPositions: 1_000_000 },
        pdt: { enabled: false },
        defaultVenue: 'hyperliquid',
        venues: { hyperliquid: { url: sim.url, deadManSeconds: 0, pollMs: 60_000 } },
        instruments: Object.fromEntries(BOOK_SYMBOLS.map((s) => [s, { lot: '0.001', tick: '1' }])),
      },
      journalPath: join(dir, 'state.sqlite'),
      keyLockDir: join(dir, 'key-locks'),
      env: { BRAID_HYPERLIQUID_PRIVATE_KEY: sim.agentKey, BRAID_HYPERLIQUID_ACCOUNT: sim.account },
      hyperliquidWeightPerMinute: ROOMY_WEIGHT,
      now,
      log: (line) => hostLog.push(line),
    });
    if (!booted.ok) throw new Error(`host: ${booted.error.message}`);
    const bench = booted.value;
    closers.push(() => bench.close());
    const hlAtHost = bench.hyperliquid!;
    const { command, entryReaches } = bench;

    const venue = new HyperliquidVenue({
      url: sim.url,
      walletAddress: sim.account,
      privateKey: SECOND_KEY,
      pollMs: 3_600_000,
      fullPollMs: 3_600_000,
      deadManSeconds: 0,
      timeoutMs: 10_000,
      weightPerMinute: ROOMY_WEIGHT,
    });
    closers.push(() => venue.disconnect());
    const bare = createClient({
      url: sim.url,
      walletAddress: sim.account,
      privateKey: SECOND_KEY,
      timeoutMs: 10_000,
      marketSlippage: '0.01',
      clock: Date.now,
    });
    closers.push(() => closeClient(bare));
    const ccxtSigner = bare as unknown as {
      createOrdersRequest(orders: unknown[], params: Obj): { action: Obj };
      signL1Action(action: Obj, nonce: number): unknown;
    };

    await waitFor('hyperliquid connected and reconciled', async () => {
      const s = await command<AppSnapshot>('getSnapshot', {});
      const v = s.host.venues.find((x) => x.name === 'hyperliquid');
      return v !== undefined && v.state === 'connected' && !v.reconciling && v.lastReconciledAt !== null;
    });
    await command('setPin', { pin: PIN });
    await command('armLive', { pin: PIN });

    function wireAt(cloid: string, t0: number): { at: number; others: number } {
      const log = sim.requests();
      for (let i = log.length - 1; i >= 0 && log[i]!.at >= t0; i--) {
        const r = log[i]!;
        if (cloidIn(r) === cloid) {
          let others = 0;
          for (let j = i - 1; j >= 0 && log[j]!.at >= t0; j--) others++;
          return { at: r.at, others };
        }
      }
      throw new Error(`order ${cloid} never reached the simulator`);
    }

    const resting: string[] = [];
    async function viaApproval(i: number): Promise<Sample> {
      const { planId } = await command<{ planId: string }>('submitPlan', {
        plan: {
          symbol: bookSymbol(i % BOOK),
          side: 'buy',
          entry: { type: 'limit', price: PRICE },
          quantity: QUANTITY,
          venue: 'hyperliquid',
        },
        review: true,
      });
      const accepted = entryReaches(planId, 'accepted');
      const t0 = now();
      await command('approve', { planId });
      const { order, at } = await accepted;
      resting.push(planId);
      return sampleOf(t0, wireAt(cloidOf(order.id), t0), at);
    }

    async function endBook(): Promise<void> {
      let left = resting.length;
      const ended = resting.map((planId) => entryReaches(planId, 'cancelled').then(() => left--));
      for (const planId of resting.splice(0)) await command('cancelPlan', { planId });
      for (let poll = 0; left > 0 && poll < 20; poll++) await hlAtHost.pollNow();
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
      return sampleOf(t0, wireAt(cloidOf(id), t0), t1);
    }

    async function viaCcxt(id: string): Promise<Sample> {
      const cloid = cloidOf(id);
      const t0 = now();
      await bare.createOrder(SYMBOL, 'limit', 'buy', Number(QUANTITY), Number(PRICE), {
        clientOrderId: cloid,
      });
      const t1 = now();
      return sampleOf(t0, wireAt(cloid, t0), t1);
    }

    const connected = await venue.connect();
    if (!connected.ok) throw new Error(connected.message);
    await bare.loadMarkets();
    // The action ccxt signs for one of these orders, built once (its nonce is taken and never sent).
    const { action } = ccxtSigner.createOrdersRequest(
      [
        {
          symbol: SYMBOL,
          type: 'limit',
          side: 'buy',
          amount: QUANTITY,
          price: PRICE,
          params: { clientOrderId: cloidOf('s') },
        },
      ],
      {},
    );
    const signNonce = Date.now();
    function sign(i: number): number {
      const t0 = now();
      ccxtSigner.signL1Action(action, signNonce + i);
      return now() - t0;
    }

    const paths = [
      (i: number) => viaApproval(i),
      (i: number) => viaAdapter(`hl-a${i}`),
      (i: number) => viaCcxt(`hl-c${i}`),
      async (i: number) => sign(i),
    ] as const;
    for (let i = 0; i < warmup + orders; i++) {
      const got: (Sample | number)[] = [];
      for (let k = 0; k < paths.length; k++) {
        const p = (i + k) % paths.length;
        got[p] = await paths[p]!(i);
      }
      if (resting.length === BOOK) await endBook();
      if (i >= warmup) {
        run.approval.push(got[0] as Sample);
        run.adapter.push(got[1] as Sample);
        run.ccxt.push(got[2] as Sample);
        run.signing.push(got[3] as number);
      }
    }
    await endBook();
  } finally {
    run.requests = sim.requests();
    for (const close of closers.reverse()) await close();
  }
  return run;
}
