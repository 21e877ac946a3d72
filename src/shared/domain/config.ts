import type { DecStr } from './decimal.ts';
import type { CuratorName } from './plan.ts';

/** The engine's configuration (replay.md "Config"); every field has a default. */
export interface BraidConfig {
  account: { cash: DecStr; type: 'margin' | 'cash'; leverage: DecStr; currency: string };
  approval: 'auto' | 'manual';
  /** `approval: {"mode": …, "autoAboveScore": 0.8}`: a plan whose curator score is above this executes
   *  without a click, whatever the mode. Present only when configured. */
  autoApproveAboveScore?: number;
  risk: {
    riskPct: DecStr;
    maxPositionPct: DecStr;
    maxOpenPositions: number;
    maxNotional: DecStr | null;
    /** A fraction, like riskPct: 0.02 halts trading after a 2% fall from the day's start. */
    dailyLossLimitPct: DecStr | null;
    /** A live venue's insufficient-funds refusal gets one retry at 90 % of the size (venues.md "Orders").
     *  Present only when configured. */
    scaleDownOnInsufficientFunds?: boolean;
  };
  pdt: {
    enabled: boolean;
    minEquity: DecStr;
    maxDayTrades: number;
    timezone: string;
    method: 'round_trips';
  };
  venues: {
    paper: PaperVenueConfig;
    /** Present only when configured (a venue's key enables it: venues.md "Config"). */
    kraken?: KrakenVenueConfig;
    hyperliquid?: HyperliquidVenueConfig;
    ib?: IbVenueConfig;
  };
  /** The paper venues other than `paper` (`venues.X` with `"kind": "paper"`, learning.md "Venues and
   *  candidates"), by name, in the config's order. Present only when configured. */
  paperVenues?: Record<string, PaperVenueConfig>;
  /** Where a plan without `venue` goes in LIVE mode; absent: paper. Present only when configured. */
  defaultVenue?: string;
  /** The learning loop (learning.md "Config"). Present only when configured; absent reads as
   *  LEARNING_DEFAULTS (off). */
  learning?: LearningConfig;
  /** The venues a plan without `venue` may go to. Present only when configured. */
  routing?: RoutingConfig;
  /** The curators' starting weights and how far lessons may move them. Present only when configured;
   *  absent: equal weights, each within 0.5x..2x of its start. */
  curators?: CuratorsConfig;
  /** This engine's desk (desk.md "The desk"). Present only when configured. */
  desk?: DeskConfig;
  instruments: Record<string, InstrumentConfig>;
}

/** A simulated venue's fill model (venues.paper, and every `"kind": "paper"` venue). */
export interface PaperVenueConfig {
  slipBps: DecStr;
  takerFeeBps: DecStr;
  makerFeeBps: DecStr;
  maxVolumeShare: DecStr | null;
}

/** `curators: {"weights": {"execution": 2, "venue": 1, ...}, "bounds": {"minFactor": 0.5, "maxFactor": 2}}`:
 *  weights as written (normalised to sum 1 by the curators; a missing one is 0). */
export interface CuratorsConfig {
  weights: Partial<Record<CuratorName, number>>;
  bounds?: { minFactor: number; maxFactor: number };
}

export interface LearningConfig {
  enabled: boolean;
  /** Strands a braid needs before it can become a lesson. */
  minEvidence: number;
  /** The share of eligible orders no lesson touches (the control arm). */
  holdoutPct: number;
  /** A further share that chooses uniformly among the candidates. */
  explorePct: number;
  /** A proposed lesson becomes active by itself. */
  autoActivate: boolean;
  /** Seeds the holdout and exploration draws: the same seed, the same report. */
  seed: number;
  /** A program that rewords each new lesson's sentence (learning.md's optional hook): argv, run without a
   *  shell; the lesson as JSON on its standard input, the sentence the first line of its output. Absent:
   *  off. It can never change a lesson's effect. */
  sentenceHook?: { command: string[]; timeoutMs: number };
}

/** How long a sentence hook may take before its lesson keeps the template's words. */
export const SENTENCE_HOOK_TIMEOUT_MS = 10_000;

export const LEARNING_DEFAULTS: LearningConfig = {
  enabled: false,
  minEvidence: 20,
  holdoutPct: 0.15,
  explorePct: 0.05,
  autoActivate: true,
  seed: 1,
};

/** The learning settings in force: the configured ones, else the defaults (off). */
export const learningOf = (config: Pick<BraidConfig, 'learning'>): LearningConfig =>
  config.learning ?? LEARNING_DEFAULTS;

export interface RoutingConfig {
  /** Venue names, each enabled by the config. */
  candidates: string[];
}

export interface DeskConfig {
  /** postgres://USER@HOST:PORT/DB (the password from BRAID_DESK_PASSWORD or the URL). */
  url: string;
  name: string;
  /** This engine's name, unique on the desk. */
  engine: string;
  /** The venues or symbols this engine takes; absent: all. Present only when configured. */
  accepts?: string[];
}

/** Every paper venue by name: `paper` first, then the configured ones in the config's order. */
export function paperVenuesOf(
  config: Pick<BraidConfig, 'venues' | 'paperVenues'>,
): Record<string, PaperVenueConfig> {
  return { paper: config.venues.paper, ...(config.paperVenues ?? {}) };
}

/** The live venues a config may name. */
export const LIVE_VENUES = ['kraken', 'hyperliquid', 'ib'] as const;
export type LiveVenueName = (typeof LIVE_VENUES)[number];

export interface InstrumentConfig {
  lot: DecStr;
  tick: DecStr;
  /** The instrument's name at a venue that trades it under another (Hyperliquid's `BTC/USDC:USDC` for
   *  Braid's `BTC/USD`); a venue not named uses Braid's. Present only when configured. */
  venueSymbols?: Partial<Record<LiveVenueName, string>>;
}

/** Where an entry goes when its venue is not ready: another configured live venue or paper. Present
 *  only when configured; absent, the entry is rejected `venue_unavailable`. */
export interface VenueFallback {
  fallback?: string;
}

export interface KrakenVenueConfig extends VenueFallback {
  /** REST base; a simulator or testnet overrides it. */
  url: string;
  /** WebSocket; null: REST polling only. Kraken's own when `url` is Kraken's own, else none unless named. */
  wsUrl: string | null;
  /** The dead-man switch (CancelAllOrdersAfter) timeout, seconds; 0 leaves it off. */
  deadManSeconds: number;
  /** How often order states and fills are polled over REST, ms. */
  pollMs: number;
}

/** Kraken's WebSocket v2; the adapter subscribes to private executions on its ws-auth host. */
export const KRAKEN_WS_URL = 'wss://ws.kraken.com/v2';

export const KRAKEN_DEFAULTS: KrakenVenueConfig = {
  url: 'https://api.kraken.com',
  wsUrl: null,
  deadManSeconds: 60,
  pollMs: 1000,
};

export interface HyperliquidVenueConfig extends VenueFallback {
  /** REST base; a simulator overrides it. Testnet's own when `testnet` and none is named. */
  url: string;
  /** WebSocket; null: REST polling only. */
  wsUrl: string | null;
  /** Sign for testnet (and default to its url). */
  testnet: boolean;
  /** How often order states and fills are polled over REST, ms. */
  pollMs: number;
  /** The dead-man switch (scheduleCancel) timeout, seconds; 0 leaves it off, else at least 5 (the venue's
   *  minimum). */
  deadManSeconds: number;
  /** A market order goes as an IOC limit this fraction beyond the mark (0.01 = 1 %). */
  marketSlippage: DecStr;
}

export interface IbVenueConfig extends VenueFallback {
  /** IB Gateway or TWS. */
  host: string;
  /** Gateway paper 4002, live 4001; TWS paper 7497, live 7496. */
  port: number;
  clientId: number;
  /** The account to trade (DU… on paper); absent: the login's only account. Present only when configured. */
  account?: string;
}

export const IB_DEFAULTS: IbVenueConfig = { host: '127.0.0.1', port: 4002, clientId: 17 };

export const HYPERLIQUID_URL = 'https://api.hyperliquid.xyz';
export const HYPERLIQUID_TESTNET_URL = 'https://api.hyperliquid-testnet.xyz';
/** Hyperliquid's account WebSocket (orderUpdates, userFills), mainnet and testnet. */
export const HYPERLIQUID_WS_URL = 'wss://api.hyperliquid.xyz/ws';
export const HYPERLIQUID_TESTNET_WS_URL = 'wss://api.hyperliquid-testnet.xyz/ws';

export const HYPERLIQUID_DEFAULTS: HyperliquidVenueConfig = {
  url: HYPERLIQUID_URL,
  wsUrl: null,
  testnet: false,
  // REST alone: each poll while orders move costs ~40 of the 1,200 weight a minute; at 1 s a busy minute
  // reaches the 80 % ceiling and holds orders back, at 3 s it stays near 880.
  pollMs: 3000,
  deadManSeconds: 0,
  marketSlippage: '0.01',
};

/** The symbol a venue trades Braid's `symbol` under (the config's `venueSymbols`, else the same). */
export function venueSymbolOf(
  config: Pick<BraidConfig, 'instruments'>,
  venue: string,
  symbol: string,
): string {
  const named: Record<string, string> | undefined = config.instruments[symbol]?.venueSymbols;
  return named !== undefined && Object.hasOwn(named, venue) ? named[venue]! : symbol;
}

export const DEFAULT_CONFIG: BraidConfig = {
  account: { cash: '100000', type: 'margin', leverage: '1', currency: 'USD' },
  approval: 'auto',
  risk: {
    riskPct: '0.01',
    maxPositionPct: '0.05',
    maxOpenPositions: 10,
    maxNotional: null,
    dailyLossLimitPct: null,
  },
  pdt: {
    enabled: true,
    minEquity: '25000',
    maxDayTrades: 3,
    timezone: 'America/New_York',
    method: 'round_trips',
  },
  venues: { paper: { slipBps: '0', takerFeeBps: '0', makerFeeBps: '0', maxVolumeShare: null } },
  instruments: {},
};

export const DEFAULT_LOT: DecStr = '1';
export const DEFAULT_TICK: DecStr = '0.01';
