// `braid serve --config FILE` as a child process trading on venue simulators: the Kraken simulator, the
// Hyperliquid simulator, or both at once. A run is given the venues to configure; for each it starts the
// simulator, writes its venues.NAME block, its instruments (Hyperliquid's under its perpetuals' names,
// venueSymbols) and the environment credentials a user gives braid serve. Then the automation API
// (POST /api/invoke/NAME, GET /api/snapshot) with the token, and per venue the figures the chaos tests
// compare (orders intended against orders at the venue, fills at the venue against fills in the journal).
// The run's own venue (the config's defaultVenue) is the one `sim`, `sentFor`, `restingBuy` mean.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, expect, onTestFailed } from 'vitest';
import { cloidOf } from '../../src/main/venues/hyperliquid/pricing.ts';
import type { AppSnapshot } from '../../src/shared/contract.ts';
import { dec, str, ZERO } from '../../src/shared/domain/decimal.ts';
import type { OrderRecord } from '../../src/shared/domain/order.ts';
import type { Result } from '../../src/shared/result.ts';
import { waitFor } from '../helpers/wait.ts';
import {
  type SimRequest as HyperliquidRequest,
  type HyperliquidSim,
  type HyperliquidSimOptions,
  startHyperliquidSim,
} from './hyperliquid/simulator.ts';
import {
  type SimRequest as KrakenRequest,
  type KrakenSim,
  type KrakenSimOptions,
  startKrakenSim,
} from './kraken/simulator.ts';

const BIN = fileURLToPath(new URL('../../bin/braid.js', import.meta.url));
const READY = /Braid UI ready at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})/;

export const PIN = '2468';
export const BTC_PERP = 'BTC/USDC:USDC';
export const ETH_PERP = 'ETH/USDC:USDC';
/** Working statuses as the blotter counts them (kill, flat checks). */
export const WORKING = [
  'submitted',
  'accepted',
  'partially_filled',
  'pending_cancel',
  'pending_modify',
  'unknown',
];

// ------------------------------------------------------------------------------------ braid serve

export interface Served {
  port: number;
  token: string;
  stdout(): string;
  stderr(): string;
  invoke<T = unknown>(name: string, args?: unknown): Promise<Result<T>>;
  snapshot(): Promise<AppSnapshot>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<{ code: number | null; signal: string | null }>;
  /** SIGKILL: no shutdown at all (a dead-man switch stays armed, the journal as the last commit left it). */
  kill9(): Promise<void>;
}

export async function startServe(options: {
  db: string;
  config: string;
  env: Record<string, string>;
}): Promise<Served> {
  let out = '';
  let errText = '';
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--db', options.db, '--config', options.config],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    errText += d;
  });
  let exited = false;
  void exit.then(() => {
    exited = true;
  });
  const match = await waitFor(
    'the ready line',
    () => {
      if (exited) throw new Error(`braid serve exited: ${errText}`);
      return READY.exec(out);
      // A loaded machine starts a node process slowly (type stripping, the worker thread).
    },
    30_000,
  ).catch((e: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${String(e)}; braid serve said: ${errText}${out}`);
  });
  const port = Number(match[1]);
  const token = match[2]!;
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    port,
    token,
    stdout: () => out,
    stderr: () => errText,
    async invoke<T>(name: string, args: unknown = {}) {
      const res = await fetch(`${base}/api/invoke/${name}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(args),
      });
      return (await res.json()) as Result<T>;
    },
    async snapshot() {
      const res = await fetch(`${base}/api/snapshot`, { headers });
      const body = (await res.json()) as Result<AppSnapshot> | AppSnapshot;
      return 'ok' in body ? (body.ok ? body.value : Promise.reject(new Error(body.error.message))) : body;
    },
    async stop() {
      if (exited) return exit;
      child.kill('SIGTERM');
      return exit;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exit;
    },
  };
}

/** LIVE armed through the API, as an operator does it. */
export async function armLive(served: Served, firstTime = true): Promise<void> {
  if (firstTime) {
    const pin = await served.invoke('setPin', { pin: PIN });
    if (!pin.ok) throw new Error(`setPin: ${pin.error.message}`);
  }
  const armed = await served.invoke('armLive', { pin: PIN });
  if (!armed.ok) throw new Error(`armLive: ${armed.error.message}`);
}

/** Waits until a venue is connected and reconciled (orders may go there). */
export function venueReady(served: Served, venue: VenueName, timeoutMs?: number): Promise<AppSnapshot> {
  return waitFor(
    `${venue} connected and reconciled`,
    async () => {
      const s = await served.snapshot();
      const v = s.host.venues.find((x) => x.name === venue);
      return v && v.state === 'connected' && !v.reconciling && v.lastReconciledAt !== null ? s : null;
    },
    timeoutMs,
  );
}

// ------------------------------------------------------------------------------------ the venues

export type VenueName = 'kraken' | 'hyperliquid';

export interface Counts {
  /** Orders the engine sent to the venue that it may hold (not refused before the wire). */
  intended: string[];
  /** Braid ids of the orders at the venue, each as many times as it is there. */
  atVenue: string[];
  duplicates: number;
  /** Orders the engine holds as at the venue that the venue does not have (none may be lost). */
  missingAtVenue: string[];
  fillsAtVenue: number;
  fillsInJournal: number;
  quantityAtVenue: string;
  quantityInJournal: string;
}

interface Instrument {
  lot: string;
  tick: string;
  venueSymbols?: Record<string, string>;
}

/** One simulator behind braid serve, and what the harness needs to know of it. */
export interface VenueSide<Sim, Request, Order> {
  readonly name: VenueName;
  readonly sim: Sim;
  /** venues.NAME of the config, with `over` on top. */
  block(over?: Record<string, unknown>): Record<string, unknown>;
  /** The credentials as the environment gives them to braid serve. */
  readonly env: Record<string, string>;
  /** Braid's instruments as this venue trades them. */
  readonly instruments: Record<string, Instrument>;
  /** The chaos figures of this venue from the engine's snapshot and the simulator's book. */
  counts(snapshot: AppSnapshot): Counts;
  /** Order requests that carried this Braid order, whatever their answer. */
  sentFor(id: string): Request[];
  /** Orders at the venue that are this Braid order. */
  atVenue(id: string): Order[];
  /** What the venue saw lately (a chaos failure is a timing story). */
  dump(snapshot: AppSnapshot | null): string[];
  /** Stops the simulator (its port then refuses connections); again is a no-op. */
  close(): Promise<void>;
}

interface VenueKinds {
  kraken: {
    sim: KrakenSim;
    options: KrakenSimOptions;
    request: KrakenRequest;
    order: ReturnType<KrakenSim['orders']>[number];
  };
  hyperliquid: {
    sim: HyperliquidSim;
    options: HyperliquidSimOptions;
    request: HyperliquidRequest;
    order: ReturnType<HyperliquidSim['orders']>[number];
  };
}
export type Side<N extends VenueName> = VenueSide<
  VenueKinds[N]['sim'],
  VenueKinds[N]['request'],
  VenueKinds[N]['order']
>;
/** The venues of a run and the options of their simulators (`{}`: the defaults). */
export type VenueChoice<V extends VenueName> = { [N in V]: VenueKinds[N]['options'] };

/** Shared by both venues' figures: the engine's orders there and their fills against the venue's ids. */
function countsOf(snapshot: AppSnapshot, venue: VenueName, atVenue: string[], venueFills: string[]): Counts {
  const orders = snapshot.engine.orders.filter((o) => o.venue === venue);
  // Refused before reaching the venue (rounding, minimums) or found never to have arrived.
  const intended = orders
    .filter(
      (o) =>
        !(
          o.status === 'rejected' &&
          (o.rejectReason === 'size_below_min' || o.rejectReason === 'not at the venue')
        ),
    )
    .map((o) => o.id);
  const seen = new Set<string>();
  let duplicates = 0;
  for (const id of atVenue) {
    if (seen.has(id)) duplicates++;
    seen.add(id);
  }
  const ids = new Set(orders.map((o) => o.id));
  const fills = snapshot.engine.fills.filter((f) => ids.has(f.orderId));
  return {
    intended: [...intended].sort(),
    atVenue: [...atVenue].sort(),
    duplicates,
    missingAtVenue: intended.filter((id) => !seen.has(id)),
    fillsAtVenue: venueFills.length,
    fillsInJournal: fills.length,
    quantityAtVenue: str(venueFills.reduce((s, q) => s.plus(dec(q)), ZERO)),
    quantityInJournal: str(fills.reduce((s, f) => s.plus(dec(f.quantity)), ZERO)),
  };
}

const once = (close: () => Promise<void>) => {
  let closing: Promise<void> | null = null;
  return () => {
    closing ??= close();
    return closing;
  };
};

/** Kraken's pro-tier call counter (20, decaying 1 a second), as the serve runs are told (BRAID_KRAKEN_TIER). */
export const PRO_TIER = {
  callCounterMax: 20,
  callCounterDecay: 1,
  matchingCounterMax: 180,
  matchingCounterDecay: 3.75,
};

/** The Kraken simulator at the pro tier, spot BTC/USD and ETH/USD under Braid's names. */
async function krakenSide(options: KrakenSimOptions): Promise<Side<'kraken'>> {
  const sim = await startKrakenSim({
    ...PRO_TIER,
    balances: { ZUSD: 100_000, XXBT: 0, XETH: 0 },
    ...options,
  });
  return {
    name: 'kraken',
    sim,
    block: (over = {}) => ({ url: sim.url, deadManSeconds: 60, pollMs: 2000, ...over }),
    env: {
      BRAID_KRAKEN_API_KEY: sim.apiKey,
      BRAID_KRAKEN_API_SECRET: sim.apiSecret,
      // The simulator's counters are the pro tier's: polls every few seconds.
      BRAID_KRAKEN_TIER: 'pro',
    },
    instruments: {
      'BTC/USD': { lot: '0.0001', tick: '0.1' },
      'ETH/USD': { lot: '0.001', tick: '0.01' },
    },
    counts: (snapshot) =>
      countsOf(
        snapshot,
        'kraken',
        sim
          .orders()
          .map((o) => o.cl_ord_id)
          .filter((id): id is string => id !== null),
        sim.trades().map((t) => t.vol),
      ),
    sentFor: (id) => sim.requests().filter((r) => r.path === 'AddOrder' && r.params.cl_ord_id === id),
    atVenue: (id) => sim.orders().filter((o) => o.cl_ord_id === id),
    dump: (snapshot) => [
      `kraken: ${JSON.stringify(snapshot?.host.venues.find((v) => v.name === 'kraken'))}`,
      ...sim
        .requests()
        .slice(-40)
        .map(
          (r) =>
            `${r.at} ${r.path} ${String(r.params.cl_ord_id ?? '')} ${r.error.join(',')} ${r.fault ?? ''}`,
        ),
    ],
    close: once(() => sim.close()),
  };
}

/** An order action's wire orders (`a`, `b`, `p`, `s`, `r`, `t`, `c`). */
export const wireOrders = (r: HyperliquidRequest): Array<Record<string, unknown>> => {
  const action = (r.body as { action?: { orders?: unknown } }).action;
  return Array.isArray(action?.orders) ? (action.orders as Array<Record<string, unknown>>) : [];
};

/**
 * The Hyperliquid simulator, Braid's BTC/USD and ETH/USD traded there as its perpetuals (lot =
 * 10^-szDecimals), with its own API wallet so the one-process-per-wallet lock never meets another test
 * file's. REST polling every 3 s: a poll while orders move reads fills and the open list (40 weight),
 * quotes two books (4): (40 + 4) × 20 a minute stays under the adapter's 80 % of 1,200.
 */
async function hyperliquidSide(options: HyperliquidSimOptions): Promise<Side<'hyperliquid'>> {
  const agentKey = `0x${randomBytes(32).toString('hex')}`;
  const sim = await startHyperliquidSim({
    prices: {
      BTC: { bid: 89_999, ask: 90_001, mark: 90_000 },
      ETH: { bid: 2_999.9, ask: 3_000.1, mark: 3_000 },
    },
    agents: [agentKey],
    ...options,
  });
  // A cancel-replace keeps the cloid on a new oid: these runs change no order, so one cloid at the venue
  // twice is a duplicate.
  const braidIds = (snapshot: AppSnapshot) =>
    new Map(
      snapshot.engine.orders.filter((o) => o.venue === 'hyperliquid').map((o) => [cloidOf(o.id), o.id]),
    );
  return {
    name: 'hyperliquid',
    sim,
    block: (over = {}) => ({ url: sim.url, pollMs: 3000, ...over }),
    env: { BRAID_HYPERLIQUID_PRIVATE_KEY: agentKey, BRAID_HYPERLIQUID_ACCOUNT: sim.account },
    instruments: {
      'BTC/USD': { lot: '0.00001', tick: '1', venueSymbols: { hyperliquid: BTC_PERP } },
      'ETH/USD': { lot: '0.0001', tick: '0.1', venueSymbols: { hyperliquid: ETH_PERP } },
    },
    counts: (snapshot) => {
      const byCloid = braidIds(snapshot);
      return countsOf(
        snapshot,
        'hyperliquid',
        sim.orders().map((o) => (o.cloid === null ? '(no cloid)' : (byCloid.get(o.cloid) ?? o.cloid))),
        sim.fills().map((f) => f.sz),
      );
    },
    sentFor: (id) => {
      const cloid = cloidOf(id);
      return sim.actions('order').filter((r) => wireOrders(r).some((o) => o.c === cloid));
    },
    atVenue: (id) => {
      const cloid = cloidOf(id);
      return sim.orders().filter((o) => o.cloid === cloid);
    },
    dump: (snapshot) => {
      const byType: Record<string, number> = {};
      for (const r of sim.requests()) byType[r.type ?? '?'] = (byType[r.type ?? '?'] ?? 0) + r.weight;
      return [
        `hyperliquid: ${JSON.stringify(snapshot?.host.venues.find((v) => v.name === 'hyperliquid'))}`,
        `weight by request type: ${JSON.stringify(byType)} (sim window ${JSON.stringify(sim.weight())})`,
        ...sim
          .requests()
          .filter((r) => r.endpoint === 'exchange')
          .slice(-30)
          .map(
            (r) =>
              `${r.at} ${r.type} ${r.status} ${r.error ?? ''} ${r.fault ?? ''} ${r.rawBody.slice(0, 160)}`,
          ),
      ];
    },
    close: once(() => sim.close()),
  };
}

/** Each symbol once: the coarser lot and tick of the venues that trade it, every venue's name for it. */
function mergeInstruments(
  sides: Array<{ instruments: Record<string, Instrument> }>,
): Record<string, Instrument> {
  const coarser = (a: string, b: string) => (dec(a).gte(dec(b)) ? a : b);
  const merged: Record<string, Instrument> = {};
  for (const side of sides) {
    for (const [symbol, i] of Object.entries(side.instruments)) {
      const had = merged[symbol];
      const venueSymbols = { ...had?.venueSymbols, ...i.venueSymbols };
      merged[symbol] = {
        lot: had ? coarser(had.lot, i.lot) : i.lot,
        tick: had ? coarser(had.tick, i.tick) : i.tick,
        ...(Object.keys(venueSymbols).length > 0 ? { venueSymbols } : {}),
      };
    }
  }
  return merged;
}

// ------------------------------------------------------------------------------------ a run

export interface ServeOptions {
  /** LIVE armed through the API once the venues are ready. */
  armed: boolean;
  /** Over the venue's block (venues.NAME). */
  kraken?: Record<string, unknown>;
  hyperliquid?: Record<string, unknown>;
  /** Top-level keys of the config over the run's (account, risk, …). */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  /** The venues to wait for, connected and reconciled, before arming (default: every configured one). */
  ready?: VenueName[];
}

/**
 * Venue simulators and a `braid serve` trading on them, with what the tests do there. `serve()` starts
 * (or restarts, on the same journal) braid serve; `armed` arms LIVE through the API. `P` are the venues
 * configured; the run's own venue (defaultVenue) is Kraken when it is among them.
 */
export class ServeRun<P extends VenueName = VenueName> {
  readonly dir: string;
  /** The config's defaultVenue: what `sim`, `sentFor`, `atVenue`, `restingBuy` mean. */
  readonly primary: P;
  private readonly sides: { [N in VenueName]?: Side<N> };
  private current: Served | null = null;
  private pinSet = false;

  private constructor(dir: string, primary: P, sides: { [N in VenueName]?: Side<N> }) {
    this.dir = dir;
    this.primary = primary;
    this.sides = sides;
  }

  /** Starts the simulators of `venues` (each with its options; `{}` for the defaults). */
  static async open<V extends VenueName>(
    name: string,
    venues: VenueChoice<V>,
    defaultVenue?: NoInfer<V>,
  ): Promise<ServeRun<V>> {
    const choice = venues as Partial<VenueChoice<VenueName>>;
    const sides: { [N in VenueName]?: Side<N> } = {};
    if (choice.kraken) sides.kraken = await krakenSide(choice.kraken);
    if (choice.hyperliquid) sides.hyperliquid = await hyperliquidSide(choice.hyperliquid);
    const primary = defaultVenue ?? ((sides.kraken ? 'kraken' : 'hyperliquid') as V);
    return new ServeRun(mkdtempSync(join(tmpdir(), `braid-${name}-`)), primary, sides);
  }

  /** The venues configured, Kraken first. */
  get venues(): P[] {
    return (['kraken', 'hyperliquid'] as const).filter((n) => this.sides[n] !== undefined) as P[];
  }

  /** One configured venue's simulator and figures. */
  at<N extends P>(name: N): Side<N> {
    const side = this.sides[name];
    if (!side) throw new Error(`${name} is not configured in this run`);
    return side as Side<N>;
  }

  /** The run's own venue's simulator. */
  get sim(): VenueKinds[P]['sim'] {
    return this.at(this.primary).sim;
  }

  get served(): Served {
    if (!this.current) throw new Error('braid serve is not running');
    return this.current;
  }

  /** The config this run serves with: every configured venue, its instruments, margin if one trades perps. */
  config(options: Pick<ServeOptions, 'kraken' | 'hyperliquid' | 'config'> = {}): Record<string, unknown> {
    const venues: Record<string, unknown> = {};
    for (const n of this.venues) venues[n] = this.at(n).block(options[n]);
    return {
      account: this.sides.hyperliquid
        ? { cash: '100000', type: 'margin', leverage: '2' }
        : { cash: '100000', type: 'cash' },
      defaultVenue: this.primary,
      venues,
      instruments: mergeInstruments(this.venues.map((n) => this.at(n))),
      ...options.config,
    };
  }

  /** Starts braid serve on this run's journal and waits until its venues are reconciled; LIVE if asked. */
  async serve(options: ServeOptions): Promise<Served> {
    const config = join(this.dir, 'config.json');
    writeFileSync(config, JSON.stringify(this.config(options)));
    const env: Record<string, string> = {};
    for (const n of this.venues) Object.assign(env, this.at(n).env);
    this.current = await startServe({
      db: join(this.dir, 'state.sqlite'),
      config,
      env: { ...env, ...options.env },
    });
    for (const n of options.ready ?? this.venues) await venueReady(this.current, n);
    if (options.armed) {
      await armLive(this.current, !this.pinSet);
      this.pinSet = true;
    }
    return this.current;
  }

  /** kill -9 of braid serve: no shutdown, a dead-man switch left armed. */
  async kill9(): Promise<void> {
    await this.current?.kill9();
    this.current = null;
  }

  async close(): Promise<void> {
    await this.current?.stop();
    this.current = null;
    for (const n of this.venues) await this.at(n).close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** What the venues saw and what braid serve said (a chaos failure is a timing story). */
  async dump(): Promise<string> {
    const snapshot = (await this.current?.snapshot().catch(() => null)) ?? null;
    return [
      ...this.venues.flatMap((n) => this.at(n).dump(snapshot)),
      `orders: ${JSON.stringify(snapshot?.engine.orders.map((o) => [o.id, o.venue, o.status, o.venueOrderId]))}`,
      this.current?.stderr().split('\n').slice(-30).join('\n'),
    ].join('\n');
  }

  /** Submits a plan (on the run's own venue unless it names another); its entry order once there is one. */
  async plan(plan: Record<string, unknown>): Promise<OrderRecord> {
    const served = this.served;
    const submitted = await served.invoke<{ planId: string }>('submitPlan', {
      plan: { venue: this.primary, ...plan },
    });
    if (!submitted.ok) throw new Error(`submitPlan: ${submitted.error.message}`);
    const { planId } = submitted.value;
    return waitFor('the entry order', async () =>
      (await served.snapshot()).engine.orders.find((o) => o.planId === planId && o.role === 'entry'),
    );
  }

  /** A resting limit buy (once the venue is ready again: a fault may have cost the connection). */
  async restingBuy(price: string, symbol = 'BTC/USD', quantity = '0.01'): Promise<OrderRecord> {
    await venueReady(this.served, this.primary);
    return this.plan({ symbol, side: 'buy', entry: { type: 'limit', price }, quantity });
  }

  async orderNow(id: string): Promise<OrderRecord> {
    const s = await this.served.snapshot();
    return s.engine.orders.find((o) => o.id === id)!;
  }

  /** Waits until the engine holds the order in `status`. */
  orderIn(id: string, status: OrderRecord['status'], timeoutMs?: number): Promise<OrderRecord> {
    return waitFor(
      `${id} ${status}`,
      async () => {
        const o = await this.orderNow(id);
        return o?.status === status ? o : null;
      },
      timeoutMs,
    );
  }

  /** Order requests the run's own venue received for a Braid order. */
  sentFor(id: string): VenueKinds[P]['request'][] {
    return this.at(this.primary).sentFor(id);
  }

  /** Orders at the run's own venue that are this Braid order. */
  atVenue(id: string): VenueKinds[P]['order'][] {
    return this.at(this.primary).atVenue(id);
  }

  /** Cancels a plan's working entry and waits until the venue confirms it. */
  async endPlan(entry: OrderRecord): Promise<void> {
    const done = await this.served.invoke('cancelPlan', { planId: entry.planId });
    if (!done.ok) throw new Error(`cancelPlan: ${done.error.message}`);
    await this.orderIn(entry.id, 'cancelled');
  }

  /** At a venue (the run's own by default): orders intended = orders there, no duplicate, none lost;
   *  fills there = fills in the journal. */
  async expectCountsAgree(venue: P = this.primary): Promise<Counts> {
    const c = this.at(venue).counts(await this.served.snapshot());
    expect(c.duplicates).toBe(0);
    expect(c.missingAtVenue).toEqual([]);
    expect(c.atVenue).toEqual(c.intended);
    expect(c.fillsInJournal).toBe(c.fillsAtVenue);
    expect(c.quantityInJournal).toBe(c.quantityAtVenue);
    return c;
  }
}

export type KrakenRun = ServeRun<'kraken'>;
export type HyperliquidRun = ServeRun<'hyperliquid'>;

/** One run, armed, for a whole test file (hooks registered here); the dump printed on a failure. */
export function serveForFile<V extends VenueName>(
  name: string,
  venues: VenueChoice<V>,
): { readonly run: ServeRun<V> } {
  const holder: { run: ServeRun<V> | null } = { run: null };
  beforeAll(async () => {
    holder.run = await ServeRun.open(name, venues);
    await holder.run.serve({ armed: true });
  });
  beforeEach(() => {
    onTestFailed(async () => {
      if (holder.run) console.log(await holder.run.dump());
    });
  });
  afterAll(async () => {
    await holder.run?.close();
  });
  return {
    get run() {
      if (!holder.run) throw new Error('the live run is not open');
      return holder.run;
    },
  };
}
