// The engine host of `braid serve --config FILE` with live venues (venues.kraken, venues.hyperliquid,
// venues.ib, any of them), built in process for the venue bench: the same modules in the same order as
// src/main/host/boot.ts (parseConfig, the adapter with credentials read from the environment,
// createVenueRegistry, createEngine on an on-disk journal with the registry's execution bridges,
// createHost, registry.start). Differences, and why:
// - Rate budgets: boot.ts gives KrakenVenue a verification tier's limits, and Kraken's pro tier (180 on
//   the matching-engine counter, 3.75 a second) would hold 1,000 orders and their cancels to one every
//   two seconds or so; Hyperliquid's 1,200 weight a minute under 80 % would hold them to about 16 a
//   second. The bench measures the code path, so each adapter gets a roomy budget.
// - Hyperliquid: boot.ts does not build it yet, so the adapter is built here from venues.hyperliquid
//   (url, testnet, pollMs, marketSlippage) and BRAID_HYPERLIQUID_PRIVATE_KEY / BRAID_HYPERLIQUID_ACCOUNT
//   (spec/venues.md "Credentials"; src has no reader for them yet), the way boot.ts builds Kraken's.
// - Interactive Brokers: boot.ts does not build it yet either, so the adapter is built here from venues.ib
//   (host, port, clientId, account) with an order-id mark in memory (memoryIdStore: the journal-backed
//   store is the lead's to wire), the bench's symbols for its contract details, and the bench's pacing
//   (the adapter's 40 messages a second would pace 1,000 orders to 25 ms each). The socket API needs no
//   credentials.
// - Quotes: every `pollMs` of the Kraken/Hyperliquid adapters as in boot.ts, or once a minute when only
//   IB is configured (IB has no poll; each round of quotes is a reqMktData on the wire).
// Not here: the worker thread and HTTP/WebSocket hop of `braid serve` (the host runs on the bench's thread).
import { parseConfig } from '../src/main/engine/config.ts';
import { exportTrades } from '../src/main/engine/history/hash-chain.ts';
import { createEngine } from '../src/main/engine/kernel.ts';
import type { EnginePort } from '../src/main/engine/port.ts';
import { createHost } from '../src/main/host/host.ts';
import type { HostHandle } from '../src/main/host/types.ts';
import { krakenCredentialsFromEnv } from '../src/main/venues/credentials.ts';
import { HyperliquidVenue } from '../src/main/venues/hyperliquid/hyperliquid-venue.ts';
import { createIbVenue, type IbVenue } from '../src/main/venues/ib/ib-venue.ts';
import { memoryIdStore } from '../src/main/venues/ib/order-ids.ts';
import { KrakenVenue } from '../src/main/venues/kraken/kraken-venue.ts';
import type { KrakenLimits } from '../src/main/venues/kraken/rate-budget.ts';
import { createVenueRegistry } from '../src/main/venues/registry.ts';
import type { LiveVenue } from '../src/main/venues/venue.ts';
import type { OrderRecord, OrderStatus } from '../src/shared/domain/order.ts';
import { err, ok, type Result } from '../src/shared/result.ts';

/** spec/venues.md "Credentials": the API wallet's 0x key and the account address it trades for. */
const HYPERLIQUID_KEY_VAR = 'BRAID_HYPERLIQUID_PRIVATE_KEY';
const HYPERLIQUID_ACCOUNT_VAR = 'BRAID_HYPERLIQUID_ACCOUNT';
/** A step that never comes (a refused order, a lost answer) ends the bench with an error, not a hang. */
const STEP_TIMEOUT_MS = 10_000;

/** An entry order as the engine emitted it, and when (the bench's clock). */
export interface Seen {
  order: OrderRecord;
  at: number;
}

/** One order's timings from its call (ms): to the wire, and to its answer. */
export interface Sample {
  wire: number;
  answer: number;
  /** Other requests the simulator read between the call and this order. */
  others: number;
}

/** The sample of an order called at `t0`, read by the simulator at `wire.at`, answered at `answeredAt`. */
export const sampleOf = (t0: number, wire: { at: number; others: number }, answeredAt: number): Sample => ({
  wire: wire.at - t0,
  answer: answeredAt - t0,
  others: wire.others,
});

export interface BenchHost {
  host: HostHandle;
  /** For the bench's own waits (order events as the engine emits them); commands go through `host`. */
  engine: EnginePort;
  /** The host's adapters, for a poll on demand (the bench's waits; the poll timers are set long). */
  kraken: KrakenVenue | null;
  hyperliquid: HyperliquidVenue | null;
  ib: IbVenue | null;
  /** A command through the host, as a transport sends it; a refusal rejects. */
  command<T>(name: string, args: unknown): Promise<T>;
  /** The plan's entry order once the engine has it in `status`; start it before the command that leads there. */
  entryReaches(planId: string, status: OrderStatus): Promise<Seen>;
  /** Closes the host as boot's beforeClose does: venues stopped, then the engine and its journal. */
  close(): Promise<void>;
}

export interface BenchHostOptions {
  /** Raw config JSON, as `--config FILE` gives it; must name venues.kraken, venues.hyperliquid or venues.ib. */
  config: unknown;
  /** The journal file (SQLite, WAL, synchronous FULL). */
  journalPath: string;
  /** Where the one-process-per-key lock lives (boot.ts: a temporary folder). */
  keyLockDir: string;
  /** BRAID_KRAKEN_API_KEY / _SECRET, BRAID_HYPERLIQUID_PRIVATE_KEY / _ACCOUNT, as boot reads them. */
  env: Record<string, string | undefined>;
  /** Kraken's counters (see above). */
  krakenLimits?: KrakenLimits;
  /** Hyperliquid's weight a minute (see above). */
  hyperliquidWeightPerMinute?: number;
  /** IB's outbound messages a second (see above). */
  ibMessagesPerSecond?: number;
  /** The stocks IB's adapter reads contract details for (its instruments). Default AAPL. */
  ibSymbols?: string[];
  /** The bench's clock: when an engine event was seen. */
  now: () => number;
  log: (line: string) => void;
}

export function startBenchHost(options: BenchHostOptions): Result<BenchHost> {
  const { log } = options;
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(options.config);
  } catch (e) {
    return err('invalid_config', e instanceof Error ? e.message : String(e));
  }
  const { kraken, hyperliquid, ib } = config.venues;
  if (!kraken && !hyperliquid && !ib)
    return err(
      'invalid_config',
      'the bench config names none of venues.kraken, venues.hyperliquid, venues.ib',
    );
  const liveVenues: LiveVenue[] = [];
  const credentials: Record<string, 'set'> = {};
  let krakenVenue: KrakenVenue | null = null;
  let hyperliquidVenue: HyperliquidVenue | null = null;
  let ibVenue: IbVenue | null = null;
  if (kraken) {
    const keys = krakenCredentialsFromEnv(options.env);
    if (!keys.ok) return err('no_credentials', keys.message);
    krakenVenue = new KrakenVenue({
      url: kraken.url,
      apiKey: keys.value.apiKey,
      apiSecret: keys.value.apiSecret,
      pollMs: kraken.pollMs,
      ...(options.krakenLimits ? { limits: options.krakenLimits } : {}),
      // The registry keeps the dead-man switch, as in boot.ts.
      deadManSeconds: 0,
      keyLockDir: options.keyLockDir,
    });
    liveVenues.push(krakenVenue);
    credentials.kraken = 'set';
  }
  if (hyperliquid) {
    const privateKey = options.env[HYPERLIQUID_KEY_VAR]?.trim() ?? '';
    const walletAddress = options.env[HYPERLIQUID_ACCOUNT_VAR]?.trim() ?? '';
    if (privateKey === '' || walletAddress === '')
      return err('no_credentials', `set ${HYPERLIQUID_KEY_VAR} and ${HYPERLIQUID_ACCOUNT_VAR}`);
    hyperliquidVenue = new HyperliquidVenue({
      url: hyperliquid.url,
      walletAddress,
      privateKey,
      testnet: hyperliquid.testnet,
      pollMs: hyperliquid.pollMs,
      marketSlippage: hyperliquid.marketSlippage,
      ...(options.hyperliquidWeightPerMinute !== undefined
        ? { weightPerMinute: options.hyperliquidWeightPerMinute }
        : {}),
      deadManSeconds: 0,
      keyLockDir: options.keyLockDir,
    });
    liveVenues.push(hyperliquidVenue);
    credentials.hyperliquid = 'set';
  }
  if (ib) {
    ibVenue = createIbVenue({
      host: ib.host,
      port: ib.port,
      clientId: ib.clientId,
      ...(ib.account !== undefined ? { account: ib.account } : {}),
      idStore: memoryIdStore(),
      ...(options.ibSymbols ? { symbols: options.ibSymbols } : {}),
      ...(options.ibMessagesPerSecond !== undefined
        ? { messagesPerSecond: options.ibMessagesPerSecond }
        : {}),
    });
    liveVenues.push(ibVenue);
    credentials.ib = 'set';
  }
  const polled = [kraken?.pollMs, hyperliquid?.pollMs].filter((x) => x !== undefined);
  const pollMs = polled.length > 0 ? Math.min(...polled) : 60_000;
  const registry = createVenueRegistry({
    config,
    liveVenues,
    now: () => Date.now(),
    log,
    credentials,
    scaleDownOnInsufficientFunds: config.risk.scaleDownOnInsufficientFunds === true,
    quotes: { symbols: Object.keys(config.instruments), everyMs: Math.max(1_000, pollMs) },
  });
  const engineResult = createEngine({
    config: options.config,
    journalPath: options.journalPath,
    venues: registry.bridges(),
  });
  if (!engineResult.ok) return engineResult;
  const engine = engineResult.value;
  const host = createHost({
    engine,
    now: () => Date.now(),
    wallNow: () => Date.now(),
    exportTrades,
    signalSource: null,
    venues: registry,
    beforeClose: () => registry.stop(),
    log,
  });
  registry.start(engine).catch((e: unknown) => log(`bench: venues failed to start: ${String(e)}`));

  const watching = new Map<string, { status: OrderStatus; settle: (seen: Seen | Error) => void }>();
  // The engine's own order events, as it emits them (the host's pushes come a frame later).
  const stopWatching = engine.subscribe((event) => {
    if (event.type !== 'order' || event.order.role !== 'entry') return;
    const { order } = event;
    const watch = watching.get(order.planId);
    if (watch === undefined) return;
    if (order.status === watch.status) watch.settle({ order, at: options.now() });
    else if (order.status === 'rejected')
      watch.settle(new Error(`${order.id} rejected: ${order.rejectReason ?? '?'}`));
  });
  const entryReaches = (planId: string, status: OrderStatus) =>
    new Promise<Seen>((resolve, reject) => {
      const timer = setTimeout(() => {
        watching.delete(planId);
        reject(new Error(`timed out waiting for plan ${planId}'s entry to be ${status}`));
      }, STEP_TIMEOUT_MS);
      watching.set(planId, {
        status,
        settle: (seen) => {
          clearTimeout(timer);
          watching.delete(planId);
          if (seen instanceof Error) reject(seen);
          else resolve(seen);
        },
      });
    });
  const command = async <T>(name: string, args: unknown): Promise<T> => {
    const result = (await host.invoke(name, args)) as Result<T>;
    if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
    return result.value;
  };
  return ok({
    host,
    engine,
    kraken: krakenVenue,
    hyperliquid: hyperliquidVenue,
    ib: ibVenue,
    command,
    entryReaches,
    close: async () => {
      stopWatching();
      await host.close();
    },
  });
}
