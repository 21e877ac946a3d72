// Builds a running host from boot options: the engine (journal, config), the demo feed when asked, and
// the host around them. Used inside the worker thread; usable in process by tests and tools.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { err, ok, type Result } from '../../shared/result.ts';
import { readBars } from '../demo/csv.ts';
import { createDemoFeed } from '../demo/feed.ts';
import { SMA_CROSS_SOURCE } from '../demo/sma-cross.ts';
import type { Desk } from '../desk/desk.ts';
import { parseConfig } from '../engine/config.ts';
import { exportTrades } from '../engine/history/hash-chain.ts';
import type { PendingPageCheck } from '../engine/journal/page-check.ts';
import { createEngine } from '../engine/kernel.ts';
import type { EnginePort } from '../engine/port.ts';
import { journalToken } from '../serve/auth.ts';
import {
  isBase64,
  type KrakenCredentials,
  krakenCredentials,
  krakenCredentialsFromEnv,
} from '../venues/credentials.ts';
import type { KrakenTier } from '../venues/kraken/rate-budget.ts';
import {
  type CredentialStore,
  createVenueRegistry,
  type VenueFactory,
  type VenueKeys,
  type VenueRegistry,
} from '../venues/registry.ts';
import type { LiveVenue, VenueRead } from '../venues/venue.ts';
import { startDeskFeed } from './desk-feed.ts';
import { createHost } from './host.ts';
import { type SentenceHook, startLessonWording } from './lesson-wording.ts';
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
      nativeTrailing: false,
      dayOrders: false,
      outsideRth: false,
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

/** Where IB's order-id high-water mark is kept in the journal's settings. */
const IB_ORDER_ID_SETTING = 'venues.ib.orderIdMark';

/** The US stocks IB trades for Braid: the configured instruments named for ib, else those without a
 *  slash (a crypto pair is not a stock), else AAPL. */
function ibSymbols(config: ReturnType<typeof parseConfig>): string[] {
  const all = Object.entries(config.instruments);
  const named = all.filter(([, i]) => i.venueSymbols?.ib !== undefined).map(([s]) => s);
  if (named.length > 0) return named;
  const stocks = all.map(([s]) => s).filter((s) => !s.includes('/'));
  return stocks.length > 0 ? stocks : ['AAPL'];
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

const HL_KEY_VAR = 'BRAID_HYPERLIQUID_PRIVATE_KEY';
const HL_ACCOUNT_VAR = 'BRAID_HYPERLIQUID_ACCOUNT';
const HL_PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;
const HL_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** An API wallet's key and the account address it trades for. */
interface HyperliquidKeys {
  account: string;
  privateKey: string;
}

/** Hyperliquid keys checked for shape; `names` says what to call each in a refusal (never quoting it). */
function hyperliquidKeys(
  account: string,
  privateKey: string,
  names: { account: string; privateKey: string },
): Result<HyperliquidKeys> {
  const missing = [
    ...(account === '' ? [names.account] : []),
    ...(privateKey === '' ? [names.privateKey] : []),
  ];
  if (missing.length > 0)
    return err(
      'invalid_input',
      `Hyperliquid credentials missing: set ${missing.join(' and ')} (the account address and the private key of an API wallet approved for it)`,
    );
  if (!HL_ADDRESS.test(account))
    return err('invalid_input', `${names.account} is not an address: 0x and 40 hex digits`);
  if (!HL_PRIVATE_KEY.test(privateKey))
    return err('invalid_input', `${names.privateKey} is not a private key: 0x and 64 hex digits`);
  return ok({ account, privateKey });
}

/** What the worker's parent provides beside the (plain data) boot options. */
export interface BootServices {
  /** The desktop app's vault, in Electron main: present, the Venues panel's credentials are stored there
   *  and take effect at once; absent (`braid serve`), the environment's are the only ones. */
  credentialStore?: CredentialStore;
  /** The check of the journal's pages under way on another thread (journal/page-check.ts). */
  journalPagesCheck?: PendingPageCheck | null;
}

interface BootedVenues {
  registry: VenueRegistry;
  start(engine: Parameters<VenueRegistry['start']>[0]): void;
  stop(): Promise<void>;
}

/**
 * The live venues the config names (`venues.kraken`, `venues.hyperliquid`), each behind its execution bridge in one registry;
 * null when the config names none (paper only) or cannot be read (the engine refuses it with its own
 * message). Headless credentials come from the environment (venues.md "Credentials").
 */
async function liveVenuesFor(
  raw: unknown,
  options: {
    env: Record<string, string | undefined>;
    keyLockDir?: string;
    credentialStore?: CredentialStore;
    /** The engine's persisted settings, read and written once the engine exists (IB's order-id mark). */
    settings: { get(key: string): string | undefined; set(key: string, value: string): void };
    /** The last fill the engine booked at a venue (epoch ms), once the engine exists. */
    lastFillAt: (venue: string) => number | undefined;
  },
): Promise<BootedVenues | null> {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(raw ?? {});
  } catch {
    return null;
  }
  const { kraken, hyperliquid, ib } = config.venues;
  if (!kraken && !hyperliquid && !ib) return null;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const keyLockDir = options.keyLockDir ?? join(tmpdir(), 'braid-key-locks');
  const liveVenues: LiveVenue[] = [];
  const credentials: Record<string, 'set' | 'missing' | 'none_needed'> = {};
  // One recipe per venue for its adapter, for the environment's credentials at start and the panel's later.
  const recipes = new Map<string, (keys: VenueKeys) => Result<LiveVenue>>();
  const pollMs: number[] = [];

  // Each adapter's module is loaded only when the config names its venue: ccxt alone takes ~0.7 s and
  // ~80 MB to load, which a paper-only terminal's start should not pay.
  if (kraken) {
    const { KrakenVenue } = await import('../venues/kraken/kraken-venue.ts');
    const fromEnv = krakenCredentialsFromEnv(options.env);
    // The key's verification tier sets Kraken's call budget (starter by default, the most careful); it
    // belongs to the key, so it comes with it from the environment.
    const tierText = options.env[KRAKEN_TIER_VAR]?.trim() ?? '';
    const tier = TIERS.find((t) => t === tierText);
    if (tierText !== '' && tier === undefined)
      log(`braid: ${KRAKEN_TIER_VAR} must be one of ${TIERS.join(', ')}; got "${tierText}": using starter`);
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
        keyLockDir,
      });
    liveVenues.push(fromEnv.ok ? krakenWith(fromEnv.value) : unavailableVenue('kraken', fromEnv.message));
    credentials.kraken = fromEnv.ok ? 'set' : 'missing';
    recipes.set('kraken', (keys) => {
      const checked = krakenFromPanel(keys.apiKey, keys.apiSecret);
      return checked.ok ? ok(krakenWith(checked.value)) : checked;
    });
    pollMs.push(kraken.pollMs);
  }

  if (hyperliquid) {
    const { HyperliquidVenue } = await import('../venues/hyperliquid/hyperliquid-venue.ts');
    const hyperliquidWith = (keys: HyperliquidKeys): LiveVenue =>
      new HyperliquidVenue({
        url: hyperliquid.url,
        walletAddress: keys.account,
        privateKey: keys.privateKey,
        testnet: hyperliquid.testnet,
        pollMs: hyperliquid.pollMs,
        ...(hyperliquid.wsUrl ? { wsUrl: hyperliquid.wsUrl } : {}),
        marketSlippage: hyperliquid.marketSlippage,
        // The registry keeps the dead-man switch (scheduleCancel), as for Kraken.
        deadManSeconds: 0,
        keyLockDir,
      });
    const fromEnv = hyperliquidKeys(
      options.env[HL_ACCOUNT_VAR]?.trim() ?? '',
      options.env[HL_KEY_VAR]?.trim() ?? '',
      { account: HL_ACCOUNT_VAR, privateKey: HL_KEY_VAR },
    );
    liveVenues.push(
      fromEnv.ok ? hyperliquidWith(fromEnv.value) : unavailableVenue('hyperliquid', fromEnv.error.message),
    );
    credentials.hyperliquid = fromEnv.ok ? 'set' : 'missing';
    // The Venues panel's two fields: "Account address" (apiKey) and "API wallet private key" (apiSecret).
    recipes.set('hyperliquid', (keys) => {
      const checked = hyperliquidKeys(keys.apiKey.trim(), keys.apiSecret.trim(), {
        account: 'the account address',
        privateKey: 'the API wallet private key',
      });
      return checked.ok ? ok(hyperliquidWith(checked.value)) : checked;
    });
    pollMs.push(hyperliquid.pollMs);
  }

  if (ib) {
    // The socket API needs no credentials (IB Gateway or TWS holds the login). Braid's order-id mark lives
    // in the journal (its settings, synchronous FULL): a gateway that rolls nextValidId back after its
    // restart never gets an id Braid used (LEAN's IB brokerage issue #242).
    const mark = options.settings;
    const { createIbVenue } = await import('../venues/ib/ib-venue.ts');
    liveVenues.push(
      createIbVenue({
        host: ib.host,
        port: ib.port,
        clientId: ib.clientId,
        ...(ib.account !== undefined ? { account: ib.account } : {}),
        idStore: {
          load: () => Number(mark.get(IB_ORDER_ID_SETTING) ?? '0'),
          save: (n) => mark.set(IB_ORDER_ID_SETTING, String(n)),
        },
        symbols: ibSymbols(config),
        fillsBookedUntil: () => options.lastFillAt('ib'),
      }),
    );
    credentials.ib = 'none_needed';
    // Order events come pushed over the socket; quotes at the others' pace, or every 2 s alone.
    pollMs.push(2_000);
  }

  const venueFor: VenueFactory = (venue, keys) =>
    recipes.get(venue)?.(keys) ?? err('venue_not_configured', `${venue} is not configured`);
  const registry = createVenueRegistry({
    config,
    liveVenues,
    now: () => Date.now(),
    log,
    credentials,
    ...(options.credentialStore ? { credentialStore: options.credentialStore, venueFor } : {}),
    scaleDownOnInsufficientFunds: config.risk.scaleDownOnInsufficientFunds === true,
    // Marks, entry conditions and, in PAPER, the paper venue's fills follow the live venues' markets.
    quotes: { symbols: Object.keys(config.instruments), everyMs: Math.max(1_000, Math.min(...pollMs)) },
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
  /** The desk this engine joined (config `desk`), for its deskView(); null without one. */
  desk: Desk | null;
}

/** The config's `desk` block, or null (none, or a config the engine refuses with its own message). */
function deskConfigOf(raw: unknown): NonNullable<ReturnType<typeof parseConfig>['desk']> | null {
  try {
    return parseConfig(raw ?? {}).desk ?? null;
  } catch {
    return null;
  }
}

/** The config's sentence hook (learning.sentenceHook), or null: off, or a config the engine refuses. */
function sentenceHookOf(raw: unknown): SentenceHook | null {
  try {
    return parseConfig(raw ?? {}).learning?.sentenceHook ?? null;
  } catch {
    return null;
  }
}

export async function bootHost(
  options: BootOptions,
  services: BootServices = {},
): Promise<Result<BootedHost>> {
  const demo = options.demo ?? null;
  const steps = demo === null ? null : readBars(demo.pricesPath);
  if (steps !== null && !steps.ok) return steps;

  const config = demo === null ? options.config : demoConfig(options.config);
  // The live venues of the config (venues.kraken, venues.hyperliquid) with their bridges, before the engine that takes them.
  // The engine is built after its venues (it takes their bridges); what a venue keeps in the journal's
  // settings is read and written through this once the engine exists (at connect, not before).
  let settingsOf: EnginePort['settings'] | null = null;
  const settings = {
    get: (key: string) => settingsOf?.get(key),
    set: (key: string, value: string) => {
      if (!settingsOf) throw new Error('the journal is not open yet');
      settingsOf.set(key, value);
    },
  };
  let engineOf: EnginePort | null = null;
  const venues = await liveVenuesFor(config, {
    env: options.env ?? process.env,
    settings,
    lastFillAt: (venue) => {
      let last: number | undefined;
      for (const f of engineOf?.snapshot().fills ?? [])
        if (f.venue === venue && (last === undefined || f.time > last)) last = f.time;
      return last;
    },
    ...(options.keyLockDir !== undefined ? { keyLockDir: options.keyLockDir } : {}),
    ...(services.credentialStore ? { credentialStore: services.credentialStore } : {}),
  });
  const deskConfig = deskConfigOf(config);
  // The desk's module (pg, pg-boss) is loaded only for an engine on a desk, and before the journal opens.
  const deskModule = deskConfig === null ? null : await import('../desk/engine-desk.ts');
  const engineResult = createEngine({
    config,
    ...(options.journalPath !== undefined ? { journalPath: options.journalPath } : {}),
    ...(options.fresh ? { fresh: true } : {}),
    ...(venues ? { venues: venues.registry.bridges() } : {}),
    ...(services.journalPagesCheck ? { journalPagesCheck: services.journalPagesCheck } : {}),
  });
  if (!engineResult.ok) return engineResult;
  const engine = engineResult.value;
  settingsOf = engine.settings;
  engineOf = engine;

  let desk: Desk | null = null;
  // Held outside the try, so a failure after they started stops them.
  let feedOf: { stop(): void } | null = null;
  let deskFeedOf: { stop(): void } | null = null;
  let wordingOf: { stop(): void } | null = null;
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
    feedOf = feed;
    const hook = sentenceHookOf(config);
    const wording =
      hook === null
        ? null
        : startLessonWording({
            engine,
            hook,
            now: () => Date.now(),
            log: (line) => process.stderr.write(`${line}\n`),
          });
    wordingOf = wording;
    // The Venues panel's desk section: read from PostgreSQL every 2 s once the desk has started.
    const deskFeed =
      deskConfig === null
        ? null
        : startDeskFeed({
            name: deskConfig.name,
            engine: deskConfig.engine,
            read: () => desk?.deskView() ?? null,
            now: () => Date.now(),
          });
    deskFeedOf = deskFeed;
    const host = createHost({
      engine,
      ...(deskFeed ? { desk: deskFeed } : {}),
      // The host boundary is the one place that reads the clock: wall time live, bar time in the demo.
      now: feed === null ? () => Date.now() : () => feed.now(),
      wallNow: () => Date.now(),
      exportTrades,
      signalSource: feed === null ? null : SMA_CROSS_SOURCE,
      ...(venues ? { venues: venues.registry } : {}),
      beforeClose: async () => {
        feed?.stop();
        wording?.stop();
        deskFeed?.stop();
        // The desk claims nothing more (what it holds stays its own: the journal says so at the next
        // start); the venues' orders stay there, the dead-man switch disarmed, then disconnected. Side
        // by side: a desk stuck on an unreachable PostgreSQL must not keep the venues from stopping.
        await Promise.allSettled([desk?.stop(), venues?.stop()]);
      },
    });
    feed?.start();
    // Connecting and reconciling take round trips: the host answers meanwhile (entries there wait).
    venues?.start(engine);
    // The desk joins in the background: PostgreSQL may be down, the engine trades on meanwhile.
    const log = (line: string) => process.stderr.write(`${line}\n`);
    desk =
      deskConfig === null || deskModule === null
        ? null
        : deskModule.startEngineDesk({
            config: deskConfig,
            host,
            engine,
            ...(options.journalPath !== undefined ? { journalPath: options.journalPath } : {}),
            env: options.env ?? process.env,
            now: () => Date.now(),
            log,
          });
    return ok({ host, info: { token }, desk });
  } catch (error) {
    // What started before the failure stops with it: no live socket or timer outlives a failed boot.
    feedOf?.stop();
    deskFeedOf?.stop();
    wordingOf?.stop();
    void venues?.stop().catch(() => undefined);
    engine.close();
    return err('boot_failed', error instanceof Error ? error.message : String(error));
  }
}
