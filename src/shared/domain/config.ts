import type { DecStr } from './decimal.ts';

/** The engine's configuration (replay.md "Config"); every field has a default. */
export interface BraidConfig {
  account: { cash: DecStr; type: 'margin' | 'cash'; leverage: DecStr; currency: string };
  approval: 'auto' | 'manual';
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
    paper: { slipBps: DecStr; takerFeeBps: DecStr; makerFeeBps: DecStr; maxVolumeShare: DecStr | null };
    /** Present only when configured (a venue's key enables it: venues.md "Config"). */
    kraken?: KrakenVenueConfig;
    hyperliquid?: HyperliquidVenueConfig;
  };
  /** Where a plan without `venue` goes in LIVE mode; absent: paper. Present only when configured. */
  defaultVenue?: string;
  instruments: Record<string, InstrumentConfig>;
}

/** The live venues a config may name. */
export const LIVE_VENUES = ['kraken', 'hyperliquid'] as const;
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

export const HYPERLIQUID_URL = 'https://api.hyperliquid.xyz';
export const HYPERLIQUID_TESTNET_URL = 'https://api.hyperliquid-testnet.xyz';

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
