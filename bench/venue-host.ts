// The engine host of `braid serve --config FILE` with venues.kraken, built in process for the venue bench:
// the same modules in the same order as src/main/host/boot.ts (parseConfig, KrakenVenue with the
// credentials read from the environment by krakenCredentialsFromEnv, createVenueRegistry, createEngine
// on an on-disk journal with the registry's execution bridges, createHost, registry.start). One
// difference, and why: boot.ts gives KrakenVenue a verification tier's rate limits, and Kraken's pro tier
// (180 on the matching-engine counter, 3.75 a second) would hold 1,000 orders and their cancels to one
// every two seconds or so; the bench measures the code path, so the adapter gets `limits` with room.
// Not here: the worker thread and HTTP/WebSocket hop of `braid serve` (the host runs on the bench's thread).
import { parseConfig } from '../src/main/engine/config.ts';
import { exportTrades } from '../src/main/engine/history/hash-chain.ts';
import { createEngine } from '../src/main/engine/kernel.ts';
import type { EnginePort } from '../src/main/engine/port.ts';
import { createHost } from '../src/main/host/host.ts';
import type { HostHandle } from '../src/main/host/types.ts';
import { krakenCredentialsFromEnv } from '../src/main/venues/credentials.ts';
import { KrakenVenue } from '../src/main/venues/kraken/kraken-venue.ts';
import type { KrakenLimits } from '../src/main/venues/kraken/rate-budget.ts';
import { createVenueRegistry } from '../src/main/venues/registry.ts';
import { err, ok, type Result } from '../src/shared/result.ts';

export interface BenchHost {
  host: HostHandle;
  /** For the bench's own waits (order events as the engine emits them); commands go through `host`. */
  engine: EnginePort;
  /** The host's Kraken adapter, for a poll on demand (the bench's waits; the timer is set long). */
  kraken: KrakenVenue;
  /** Closes the host as boot's beforeClose does: venues stopped, then the engine and its journal. */
  close(): Promise<void>;
}

export interface BenchHostOptions {
  /** Raw config JSON, as `--config FILE` gives it; must name venues.kraken. */
  config: unknown;
  /** The journal file (SQLite, WAL, synchronous FULL). */
  journalPath: string;
  /** Where the one-process-per-key lock lives (boot.ts: a temporary folder). */
  keyLockDir: string;
  /** BRAID_KRAKEN_API_KEY / BRAID_KRAKEN_API_SECRET, as boot reads them. */
  env: Record<string, string | undefined>;
  limits: KrakenLimits;
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
  const kraken = config.venues.kraken;
  if (!kraken) return err('invalid_config', 'the bench config names no venues.kraken');
  const credentials = krakenCredentialsFromEnv(options.env);
  if (!credentials.ok) return err('no_credentials', credentials.message);
  const live = new KrakenVenue({
    url: kraken.url,
    apiKey: credentials.value.apiKey,
    apiSecret: credentials.value.apiSecret,
    pollMs: kraken.pollMs,
    limits: options.limits,
    // The registry keeps the dead-man switch, as in boot.ts.
    deadManSeconds: 0,
    keyLockDir: options.keyLockDir,
  });
  const registry = createVenueRegistry({
    config,
    liveVenues: [live],
    now: () => Date.now(),
    log,
    credentials: { kraken: 'set' },
    scaleDownOnInsufficientFunds: config.risk.scaleDownOnInsufficientFunds === true,
    quotes: { symbols: Object.keys(config.instruments), everyMs: Math.max(1_000, kraken.pollMs) },
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
  return ok({ host, engine, kraken: live, close: () => host.close() });
}
