// `braid serve --config FILE` as a child process trading on the Kraken simulator: the config and the
// environment credentials a user gives it, the automation API (POST /api/invoke/NAME, GET /api/snapshot)
// with the token, and the figures the chaos tests compare (orders intended against orders at the venue,
// fills at the venue against fills in the journal).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, expect, onTestFailed } from 'vitest';
import type { AppSnapshot } from '../../src/shared/contract.ts';
import { dec, str, ZERO } from '../../src/shared/domain/decimal.ts';
import type { OrderRecord } from '../../src/shared/domain/order.ts';
import type { Result } from '../../src/shared/result.ts';
import { waitFor } from '../helpers/wait.ts';
import { type KrakenSim, type SimRequest, startKrakenSim } from './kraken/simulator.ts';

const BIN = fileURLToPath(new URL('../../bin/braid.js', import.meta.url));
const READY = /Braid UI ready at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})/;

export const PIN = '2468';

export interface Served {
  port: number;
  token: string;
  stdout(): string;
  stderr(): string;
  invoke<T = unknown>(name: string, args?: unknown): Promise<Result<T>>;
  snapshot(): Promise<AppSnapshot>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<{ code: number | null; signal: string | null }>;
  /** SIGKILL: no shutdown at all (the dead-man switch stays armed, the journal as the last commit left it). */
  kill9(): Promise<void>;
}

/** Kraken's pro-tier call counter (20, decaying 1 a second), as the serve runs are told (BRAID_KRAKEN_TIER). */
export const PRO_TIER = {
  callCounterMax: 20,
  callCounterDecay: 1,
  matchingCounterMax: 180,
  matchingCounterDecay: 3.75,
};

/** The config file of a Kraken run against the simulator. */
export function writeConfig(dir: string, sim: KrakenSim, extra: Record<string, unknown> = {}): string {
  const path = join(dir, 'config.json');
  const config = {
    account: { cash: '100000', type: 'cash' },
    defaultVenue: 'kraken',
    venues: { kraken: { url: sim.url, deadManSeconds: 60, pollMs: 2000 } },
    instruments: { 'BTC/USD': { lot: '0.0001', tick: '0.1' }, 'ETH/USD': { lot: '0.001', tick: '0.01' } },
    ...extra,
  };
  writeFileSync(path, JSON.stringify(config));
  return path;
}

export async function startServe(options: { db: string; config: string; sim: KrakenSim }): Promise<Served> {
  let out = '';
  let errText = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--db', options.db, '--config', options.config],
    {
      env: {
        ...process.env,
        BRAID_KRAKEN_API_KEY: options.sim.apiKey,
        BRAID_KRAKEN_API_SECRET: options.sim.apiSecret,
        // The simulator's counters are set to the pro tier's (see proSim): polls every few seconds.
        BRAID_KRAKEN_TIER: 'pro',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
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
  const match = await waitFor('the ready line', () => {
    if (exited) throw new Error(`braid serve exited: ${errText}`);
    return READY.exec(out);
  });
  const port = Number(match[1]);
  const token = match[2]!;
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const served: Served = {
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
      child.kill('SIGTERM');
      return exit;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exit;
    },
  };
  return served;
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

/** Waits until Kraken is connected and reconciled (orders may go there). */
export function krakenReady(served: Served): Promise<AppSnapshot> {
  return waitFor('kraken connected and reconciled', async () => {
    const s = await served.snapshot();
    const k = s.host.venues.find((v) => v.name === 'kraken');
    return k && k.state === 'connected' && !k.reconciling && k.lastReconciledAt !== null ? s : null;
  });
}

export interface Counts {
  /** Orders the engine sent to Kraken that the venue may hold (not refused before the wire). */
  intended: string[];
  /** Client order ids at the venue, each as many times as it is there. */
  atVenue: string[];
  duplicates: number;
  /** Orders the engine holds as at the venue that the venue does not have (none may be lost). */
  missingAtVenue: string[];
  fillsAtVenue: number;
  fillsInJournal: number;
  quantityAtVenue: string;
  quantityInJournal: string;
}

/** The chaos tests' figures from the engine's snapshot and the simulator's book. */
export function counts(snapshot: AppSnapshot, sim: KrakenSim): Counts {
  const orders = snapshot.engine.orders.filter((o) => o.venue === 'kraken');
  // Refused before reaching Kraken (rounding, minimums) or found never to have arrived.
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
    .map((o) => o.cl_ord_id)
    .filter((id): id is string => id !== null);
  const seen = new Set<string>();
  let duplicates = 0;
  for (const id of atVenue) {
    if (seen.has(id)) duplicates++;
    seen.add(id);
  }
  const krakenOrderIds = new Set(orders.map((o) => o.id));
  const fills = snapshot.engine.fills.filter((f) => krakenOrderIds.has(f.orderId));
  const trades = sim.trades();
  return {
    intended: [...intended].sort(),
    atVenue: [...atVenue].sort(),
    duplicates,
    missingAtVenue: intended.filter((id) => !seen.has(id)),
    fillsAtVenue: trades.length,
    fillsInJournal: fills.length,
    quantityAtVenue: str(trades.reduce((s, t) => s.plus(t.vol), ZERO)),
    quantityInJournal: str(fills.reduce((s, f) => s.plus(dec(f.quantity)), ZERO)),
  };
}

/**
 * A Kraken simulator and a `braid serve` trading on it, with what the tests do there. `serve()` starts
 * (or restarts, on the same journal) braid serve; `armed` arms LIVE through the API.
 */
export class LiveRun {
  readonly sim: KrakenSim;
  readonly dir: string;
  private current: Served | null = null;
  private pinSet = false;

  private constructor(sim: KrakenSim, dir: string) {
    this.sim = sim;
    this.dir = dir;
  }

  static async open(name: string): Promise<LiveRun> {
    const sim = await startKrakenSim({ ...PRO_TIER, balances: { ZUSD: 100_000, XXBT: 0, XETH: 0 } });
    return new LiveRun(sim, mkdtempSync(join(tmpdir(), `braid-${name}-`)));
  }

  get served(): Served {
    if (!this.current) throw new Error('braid serve is not running');
    return this.current;
  }

  /** Starts braid serve on this run's journal and waits until Kraken is reconciled; LIVE armed if asked. */
  async serve(options: { armed: boolean; kraken?: Record<string, unknown> }): Promise<Served> {
    const config = writeConfig(
      this.dir,
      this.sim,
      options.kraken
        ? { venues: { kraken: { url: this.sim.url, deadManSeconds: 60, pollMs: 2000, ...options.kraken } } }
        : {},
    );
    this.current = await startServe({ db: join(this.dir, 'state.sqlite'), config, sim: this.sim });
    await krakenReady(this.current);
    if (options.armed) {
      await armLive(this.current, !this.pinSet);
      this.pinSet = true;
    }
    return this.current;
  }

  /** kill -9 of braid serve: no shutdown, the dead-man switch left armed. */
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
    const kraken = snapshot?.host.venues.find((v) => v.name === 'kraken');
    const requests = this.sim
      .requests()
      .slice(-40)
      .map(
        (r) => `${r.at} ${r.path} ${String(r.params.cl_ord_id ?? '')} ${r.error.join(',')} ${r.fault ?? ''}`,
      );
    return [
      `kraken: ${JSON.stringify(kraken)}`,
      ...requests,
      this.current?.stderr().split('\n').slice(-30).join('\n'),
    ].join('\n');
  }

  /** A resting limit buy (once Kraken is ready again: a fault may have cost the connection); its entry
   *  order once the engine has one. */
  async restingBuy(price: string, symbol = 'BTC/USD', quantity = '0.01'): Promise<OrderRecord> {
    const served = this.served;
    await krakenReady(served);
    const submitted = await served.invoke<{ planId: string }>('submitPlan', {
      plan: { symbol, side: 'buy', entry: { type: 'limit', price }, quantity, venue: 'kraken' },
    });
    if (!submitted.ok) throw new Error(`submitPlan: ${submitted.error.message}`);
    const { planId } = submitted.value;
    return waitFor('the entry order', async () =>
      (await served.snapshot()).engine.orders.find((o) => o.planId === planId && o.role === 'entry'),
    );
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

  /** AddOrder requests the venue received for a client order id. */
  sentFor(id: string): SimRequest[] {
    return this.sim.requests().filter((r) => r.path === 'AddOrder' && r.params.cl_ord_id === id);
  }

  /** Orders at the venue with this client order id. */
  atVenue(id: string): ReturnType<KrakenSim['orders']> {
    return this.sim.orders().filter((o) => o.cl_ord_id === id);
  }

  /** Cancels a plan's working entry (one working plan per symbol) and waits until Kraken confirms it. */
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

/** One LiveRun, armed, for a whole test file (hooks registered here); the dump printed on a failure. */
export function liveServeForFile(name: string): { readonly run: LiveRun } {
  const holder: { run: LiveRun | null } = { run: null };
  beforeAll(async () => {
    holder.run = await LiveRun.open(name);
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
