// `braid serve --config FILE` as a child process trading perpetuals on the Hyperliquid simulator: the
// config (venues.hyperliquid, Braid's BTC/USD and ETH/USD traded there as BTC/USDC:USDC and ETH/USDC:USDC)
// and the environment credentials a user gives it (an API wallet for the account), the automation API
// with the token, and the figures the chaos tests compare (orders intended against orders at the venue,
// fills at the venue against fills in the journal). Modelled on serve-harness.ts (Kraken's).
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
  type HyperliquidSim,
  type HyperliquidSimOptions,
  type SimRequest,
  startHyperliquidSim,
} from './hyperliquid/simulator.ts';

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

export interface Served {
  port: number;
  token: string;
  stdout(): string;
  stderr(): string;
  invoke<T = unknown>(name: string, args?: unknown): Promise<Result<T>>;
  snapshot(): Promise<AppSnapshot>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<{ code: number | null; signal: string | null }>;
  /** SIGKILL: no shutdown at all (the journal as the last commit left it). */
  kill9(): Promise<void>;
}

/** Braid's instruments, named at Hyperliquid by its perpetuals (lot = 10^-szDecimals). */
export const INSTRUMENTS = {
  'BTC/USD': { lot: '0.00001', tick: '1', venueSymbols: { hyperliquid: BTC_PERP } },
  'ETH/USD': { lot: '0.0001', tick: '0.1', venueSymbols: { hyperliquid: ETH_PERP } },
};

/** venues.hyperliquid of a run against the simulator. REST polling every 3 s: a poll while orders move
 *  reads fills and the open list (40 weight), quotes two books (4): (40 + 4) × 20 a minute stays under
 *  the adapter's 80 % of 1,200 (a faster poll holds orders behind the budget in a busy minute). */
export const hyperliquidBlock = (sim: HyperliquidSim, over: Record<string, unknown> = {}) => ({
  url: sim.url,
  pollMs: 3000,
  ...over,
});

/** The config file of a Hyperliquid run against the simulator (margin: perps go short too). */
export function writeConfig(path: string, config: Record<string, unknown>): string {
  writeFileSync(path, JSON.stringify(config));
  return path;
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
export function venueReady(served: Served, venue = 'hyperliquid', timeoutMs?: number): Promise<AppSnapshot> {
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

/** The API wallet's key and the account as the environment gives them to braid serve. */
export const credentialsEnv = (sim: HyperliquidSim, agentKey: string): Record<string, string> => ({
  BRAID_HYPERLIQUID_PRIVATE_KEY: agentKey,
  BRAID_HYPERLIQUID_ACCOUNT: sim.account,
});

export interface Counts {
  /** Orders the engine sent to Hyperliquid that the venue may hold (not refused before the wire). */
  intended: string[];
  /** Braid ids of the orders at the venue (by cloid), each as many times as it is there. */
  atVenue: string[];
  duplicates: number;
  /** Orders the engine holds as at the venue that the venue does not have (none may be lost). */
  missingAtVenue: string[];
  fillsAtVenue: number;
  fillsInJournal: number;
  quantityAtVenue: string;
  quantityInJournal: string;
}

/** The chaos figures from the engine's snapshot and the simulator's book. A cancel-replace keeps the
 *  cloid on a new oid: these runs change no order, so one cloid at the venue twice is a duplicate. */
export function counts(snapshot: AppSnapshot, sim: HyperliquidSim): Counts {
  const orders = snapshot.engine.orders.filter((o) => o.venue === 'hyperliquid');
  const byCloid = new Map(orders.map((o) => [cloidOf(o.id), o.id]));
  // Refused before reaching Hyperliquid (rounding, minimums) or found never to have arrived.
  const intended = orders
    .filter(
      (o) =>
        !(
          o.status === 'rejected' &&
          (o.rejectReason === 'size_below_min' || o.rejectReason === 'not at the venue')
        ),
    )
    .map((o) => o.id);
  const atVenue = sim
    .orders()
    .map((o) => (o.cloid === null ? '(no cloid)' : (byCloid.get(o.cloid) ?? o.cloid)));
  const seen = new Set<string>();
  let duplicates = 0;
  for (const id of atVenue) {
    if (seen.has(id)) duplicates++;
    seen.add(id);
  }
  const ids = new Set(orders.map((o) => o.id));
  const fills = snapshot.engine.fills.filter((f) => ids.has(f.orderId));
  const venueFills = sim.fills();
  return {
    intended: [...intended].sort(),
    atVenue: [...atVenue].sort(),
    duplicates,
    missingAtVenue: intended.filter((id) => !seen.has(id)),
    fillsAtVenue: venueFills.length,
    fillsInJournal: fills.length,
    quantityAtVenue: str(venueFills.reduce((s, f) => s.plus(dec(f.sz)), ZERO)),
    quantityInJournal: str(fills.reduce((s, f) => s.plus(dec(f.quantity)), ZERO)),
  };
}

/** An order action's wire orders (`a`, `b`, `p`, `s`, `r`, `t`, `c`). */
export const wireOrders = (r: SimRequest): Array<Record<string, unknown>> => {
  const action = (r.body as { action?: { orders?: unknown } }).action;
  return Array.isArray(action?.orders) ? (action.orders as Array<Record<string, unknown>>) : [];
};

/**
 * A Hyperliquid simulator and a `braid serve` trading on it. `serve()` starts (or restarts, on the same
 * journal) braid serve; `armed` arms LIVE through the API. Each run has its own API wallet, so the
 * one-process-per-wallet lock never meets another test file's.
 */
export class HyperliquidRun {
  readonly sim: HyperliquidSim;
  readonly dir: string;
  readonly agentKey: string;
  private current: Served | null = null;
  private pinSet = false;

  private constructor(sim: HyperliquidSim, dir: string, agentKey: string) {
    this.sim = sim;
    this.dir = dir;
    this.agentKey = agentKey;
  }

  static async open(name: string, options: HyperliquidSimOptions = {}): Promise<HyperliquidRun> {
    const agentKey = `0x${randomBytes(32).toString('hex')}`;
    const sim = await startHyperliquidSim({
      prices: {
        BTC: { bid: 89_999, ask: 90_001, mark: 90_000 },
        ETH: { bid: 2_999.9, ask: 3_000.1, mark: 3_000 },
      },
      agents: [agentKey],
      ...options,
    });
    return new HyperliquidRun(sim, mkdtempSync(join(tmpdir(), `braid-${name}-`)), agentKey);
  }

  get served(): Served {
    if (!this.current) throw new Error('braid serve is not running');
    return this.current;
  }

  /** The config this run serves with. */
  config(over: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      account: { cash: '100000', type: 'margin', leverage: '2' },
      defaultVenue: 'hyperliquid',
      venues: { hyperliquid: hyperliquidBlock(this.sim) },
      instruments: INSTRUMENTS,
      ...over,
    };
  }

  /** Starts braid serve on this run's journal and waits until Hyperliquid is reconciled; LIVE if asked. */
  async serve(options: { armed: boolean; config?: Record<string, unknown>; env?: Record<string, string> }) {
    const config = writeConfig(join(this.dir, 'config.json'), options.config ?? this.config());
    this.current = await startServe({
      db: join(this.dir, 'state.sqlite'),
      config,
      env: { ...credentialsEnv(this.sim, this.agentKey), ...options.env },
    });
    await venueReady(this.current);
    if (options.armed) {
      await armLive(this.current, !this.pinSet);
      this.pinSet = true;
    }
    return this.current;
  }

  /** kill -9 of braid serve: no shutdown. */
  async kill9(): Promise<void> {
    await this.current?.kill9();
    this.current = null;
  }

  async close(): Promise<void> {
    await this.current?.stop();
    this.current = null;
    await this.sim.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** What the venue saw and what braid serve said (a chaos failure is a timing story). */
  async dump(): Promise<string> {
    const snapshot = await this.current?.snapshot().catch(() => null);
    const venue = snapshot?.host.venues.find((v) => v.name === 'hyperliquid');
    const requests = this.sim
      .requests()
      .filter((r) => r.endpoint === 'exchange')
      .slice(-30)
      .map(
        (r) => `${r.at} ${r.type} ${r.status} ${r.error ?? ''} ${r.fault ?? ''} ${r.rawBody.slice(0, 160)}`,
      );
    const byType: Record<string, number> = {};
    for (const r of this.sim.requests()) byType[r.type ?? '?'] = (byType[r.type ?? '?'] ?? 0) + r.weight;
    return [
      `hyperliquid: ${JSON.stringify(venue)}`,
      `weight by request type: ${JSON.stringify(byType)} (sim window ${JSON.stringify(this.sim.weight())})`,
      `orders: ${JSON.stringify(snapshot?.engine.orders.map((o) => [o.id, o.status, o.venueOrderId]))}`,
      ...requests,
      this.current?.stderr().split('\n').slice(-30).join('\n'),
    ].join('\n');
  }

  /** Submits a plan (on Hyperliquid unless it names another venue); its entry order once there is one. */
  async plan(plan: Record<string, unknown>): Promise<OrderRecord> {
    const served = this.served;
    const submitted = await served.invoke<{ planId: string }>('submitPlan', {
      plan: { venue: 'hyperliquid', ...plan },
    });
    if (!submitted.ok) throw new Error(`submitPlan: ${submitted.error.message}`);
    const { planId } = submitted.value;
    return waitFor('the entry order', async () =>
      (await served.snapshot()).engine.orders.find((o) => o.planId === planId && o.role === 'entry'),
    );
  }

  /** A resting limit buy (once Hyperliquid is ready again: a fault may have cost the connection). */
  async restingBuy(price: string, symbol = 'BTC/USD', quantity = '0.01'): Promise<OrderRecord> {
    await venueReady(this.served);
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

  /** Order actions that carried this Braid order (by its cloid), whatever their answer. */
  sentFor(id: string): SimRequest[] {
    const cloid = cloidOf(id);
    return this.sim.actions('order').filter((r) => wireOrders(r).some((o) => o.c === cloid));
  }

  /** Orders at the venue with this Braid order's cloid. */
  atVenue(id: string): ReturnType<HyperliquidSim['orders']> {
    const cloid = cloidOf(id);
    return this.sim.orders().filter((o) => o.cloid === cloid);
  }

  /** Cancels a plan's working entry and waits until Hyperliquid confirms it. */
  async endPlan(entry: OrderRecord): Promise<void> {
    const done = await this.served.invoke('cancelPlan', { planId: entry.planId });
    if (!done.ok) throw new Error(`cancelPlan: ${done.error.message}`);
    await this.orderIn(entry.id, 'cancelled');
  }

  /** Orders intended = orders at the venue, no duplicate, none lost; fills at the venue = in the journal. */
  async expectCountsAgree(): Promise<Counts> {
    const c = counts(await this.served.snapshot(), this.sim);
    expect(c.duplicates).toBe(0);
    expect(c.missingAtVenue).toEqual([]);
    expect(c.atVenue).toEqual(c.intended);
    expect(c.fillsInJournal).toBe(c.fillsAtVenue);
    expect(c.quantityInJournal).toBe(c.quantityAtVenue);
    return c;
  }
}

/** One HyperliquidRun, armed, for a whole test file (hooks registered here); the dump printed on a failure. */
export function hyperliquidServeForFile(name: string): { readonly run: HyperliquidRun } {
  const holder: { run: HyperliquidRun | null } = { run: null };
  beforeAll(async () => {
    holder.run = await HyperliquidRun.open(name);
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
