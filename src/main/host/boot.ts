// Builds a running host from boot options: the engine (journal, config), the demo feed when asked, and
// the host around them. Used inside the worker thread; usable in process by tests and tools.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { err, ok, type Result } from '../../shared/result.ts';
import { readBars } from '../demo/csv.ts';
import { createDemoFeed } from '../demo/feed.ts';
import { SMA_CROSS_SOURCE } from '../demo/sma-cross.ts';
import { parseConfig } from '../engine/config.ts';
import { exportTrades } from '../engine/history/hash-chain.ts';
import { createEngine } from '../engine/kernel.ts';
import { journalToken } from '../serve/auth.ts';
import {
  isBase64,
  type KrakenCredentials,
  krakenCredentials,
  krakenCredentialsFromEnv,
} from '../venues/credentials.ts';
import { KrakenVenue } from '../venues/kraken/kraken-venue.ts';
import type { KrakenTier } from '../venues/kraken/rate-budget.ts';
import {
  type CredentialStore,
  createVenueRegistry,
  type VenueFactory,
  type VenueRegistry,
} from '../venues/registry.ts';
import type { LiveVenue, VenueRead } from '../venues/venue.ts';
import { createHost } from './host.ts';
import type { BootInfo, BootOptions } from './protocol.ts';
import type { HostHandle } from './types.ts';

/** The demo's plans wait for the operator (manual approval) unless the config file names a mode. */
export function demoConfig(config: unknown): unknown {
  if (config === undefined || config === null) return { approval: 'manual' };
  // Anything but an object is left for the engine to refuse with its own clear error.
  if (typeof config !== 'object' || Array.isArray(config)) return config;
  return Object.hasOwn(config, 'approval') ? config : { ...config, approval: 'manual' };
}

/** A configured venue that cannot run (no credentials): the Venues panel says why, nothing is sent. */
function unavailableVenue(name: string, why: string): LiveVenue {
  const refused: VenueRead<never> = { ok: false, message: why, retryable: false };
  const outcome = { kind: 'rejected', reason: 'venue_unavailable', message: why } as const;
  return {
    name,
    capabilities: {
      nativeBrackets: false,
      oco: false,
      stopOrders: false,
      amend: 'cancel_replace',
      reduceOnly: false,
      postOnly: false,
      cancelAll: false,
      deadManSwitch: false,
    },
    connect: async () => refused,
    disconnect: async () => {},
    health: () => ({ state: 'failed', latencyMs: null, rateBudgetUsed: 0, detail: why }),
    onEvent: () => () => {},
    instruments: async () => refused,
    submit: async () => outcome,
    modify: async () => outcome,
    cancel: async () => outcome,
    cancelAll: async () => outcome,
    orderStatus: async () => refused,
    openOrders: async () => refused,
    fillsSince: async () => refused,
    positions: async () => refused,
    balances: async () => refused,
    massStatus: async () => refused,
    ticker: async () => refused,
    candles: async () => refused,
  };
}

const KRAKEN_TIER_VAR = 'BRAID_KRAKEN_TIER';
const TIERS: readonly KrakenTier[] = ['starter', 'intermediate', 'pro'];

/** Kraken credentials typed into the Venues panel, checked for shape (never quoted back). */
function krakenFromPanel(apiKey: string, apiSecret: string): Result<KrakenCredentials> {
  if (/\s/.test(apiKey))
    return err('invalid_input', 'the Kraken API key has whitespace inside it: paste it as Kraken shows it');
  if (!isBase64(apiSecret))
    return err(
      'invalid_input',
      'the Kraken private key is not base64: paste it exactly as Kraken issued it (letters, digits, + and /, ending in =)',
    );
  return ok(krakenCredentials(apiKey, apiSecret));
}

/** What the worker's parent provides beside the (plain data) boot options. */
export interface BootServices {
  /** The desktop app's vault, in Electron main: present, the Venues panel's credentials are stored there
   *  and take effect at once; absent (`braid serve`), the environment's are the only ones. */
  credentialStore?: CredentialStore;
}

interface BootedVenues {
  registry: VenueRegistry;
  start(engine: Parameters<VenueRegistry['start']>[0]): void;
  stop(): Promise<void>;
}

/**
 * The live venues the config names (`venues.kraken`), each behind its execution bridge in one registry;
 * null when the config names none (paper only) or cannot be read (the engine refuses it with its own
 * message). Headless credentials come from the environment (venues.md "Credentials").
 */
function liveVenuesFor(
  raw: unknown,
  options: {
    env: Record<string, string | undefined>;
    keyLockDir?: string;
    credentialStore?: CredentialStore;
  },
): BootedVenues | null {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(raw ?? {});
  } catch {
    return null;
  }
  const kraken = config.venues.kraken;
  if (!kraken) return null;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const credentials = krakenCredentialsFromEnv(options.env);
  // The key's verification tier sets Kraken's call budget (starter by default, the most careful); it
  // belongs to the key, so it comes with it from the environment.
  const tierText = options.env[KRAKEN_TIER_VAR]?.trim() ?? '';
  const tier = TIERS.find((t) => t === tierText);
  if (tierText !== '' && tier === undefined)
    log(`braid: ${KRAKEN_TIER_VAR} must be one of ${TIERS.join(', ')}; got "${tierText}": using starter`);
  // One recipe for the adapter, for the environment's credentials at start and the panel's later.
  const krakenWith = (keys: KrakenCredentials): LiveVenue =>
    new KrakenVenue({
      url: kraken.url,
      apiKey: keys.apiKey,
      apiSecret: keys.apiSecret,
      pollMs: kraken.pollMs,
      ...(kraken.wsUrl ? { wsUrl: kraken.wsUrl } : {}),
      ...(tier !== undefined ? { tier } : {}),
      // The registry keeps the dead-man switch (armed at connect, refreshed, disarmed on a clean stop).
      deadManSeconds: 0,
      keyLockDir: options.keyLockDir ?? join(tmpdir(), 'braid-key-locks'),
    });
  const live: LiveVenue = credentials.ok
    ? krakenWith(credentials.value)
    : unavailableVenue('kraken', credentials.message);
  const venueFor: VenueFactory = (venue, keys) => {
    if (venue !== 'kraken') return err('venue_not_configured', `${venue} is not configured`);
    const checked = krakenFromPanel(keys.apiKey, keys.apiSecret);
    return checked.ok ? ok(krakenWith(checked.value)) : checked;
  };
  const registry = createVenueRegistry({
    config,
    liveVenues: [live],
    now: () => Date.now(),
    log,
    credentials: { kraken: credentials.ok ? 'set' : 'missing' },
    ...(options.credentialStore ? { credentialStore: options.credentialStore, venueFor } : {}),
    scaleDownOnInsufficientFunds: config.risk.scaleDownOnInsufficientFunds === true,
    // Marks, entry conditions and, in PAPER, the paper venue's fills follow Kraken's market.
    quotes: { symbols: Object.keys(config.instruments), everyMs: Math.max(1_000, kraken.pollMs) },
  });
  return {
    registry,
    start: (engine) => {
      registry.start(engine).catch((e: unknown) => log(`braid: venues failed to start: ${String(e)}`));
    },
    stop: () => registry.stop(),
  };
}

export interface BootedHost {
  host: HostHandle;
  info: BootInfo;
}

export function bootHost(options: BootOptions, services: BootServices = {}): Result<BootedHost> {
  const demo = options.demo ?? null;
  const steps = demo === null ? null : readBars(demo.pricesPath);
  if (steps !== null && !steps.ok) return steps;

  const config = demo === null ? options.config : demoConfig(options.config);
  // The live venues of the config (venues.kraken) with their bridges, before the engine that takes them.
  const venues = liveVenuesFor(config, {
    env: options.env ?? process.env,
    ...(options.keyLockDir !== undefined ? { keyLockDir: options.keyLockDir } : {}),
    ...(services.credentialStore ? { credentialStore: services.credentialStore } : {}),
  });
  const engineResult = createEngine({
    config,
    ...(options.journalPath !== undefined ? { journalPath: options.journalPath } : {}),
    ...(options.fresh ? { fresh: true } : {}),
    ...(venues ? { venues: venues.registry.bridges() } : {}),
  });
  if (!engineResult.ok) return engineResult;
  const engine = engineResult.value;

  try {
    const token =
      options.serveToken === undefined
        ? null
        : journalToken(engine.settings, options.serveToken === 'rotate');
    const feed =
      steps === null
        ? null
        : createDemoFeed({
            engine,
            steps: steps.value,
            ...(demo?.stepMs !== undefined ? { stepMs: demo.stepMs } : {}),
          });
    const host = createHost({
      engine,
      // The host boundary is the one place that reads the clock: wall time live, bar time in the demo.
      now: feed === null ? () => Date.now() : () => feed.now(),
      wallNow: () => Date.now(),
      exportTrades,
      signalSource: feed === null ? null : SMA_CROSS_SOURCE,
      ...(venues ? { venues: venues.registry } : {}),
      beforeClose: async () => {
        feed?.stop();
        // Orders stay at the venue; the dead-man switch is disarmed (a planned stop), then disconnected.
        await venues?.stop();
      },
    });
    feed?.start();
    // Connecting and reconciling take round trips: the host answers meanwhile (entries there wait).
    venues?.start(engine);
    return ok({ host, info: { token } });
  } catch (error) {
    engine.close();
    return err('boot_failed', error instanceof Error ? error.message : String(error));
  }
}
