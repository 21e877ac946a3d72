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
  };
  /** Where a plan without `venue` goes in LIVE mode; absent: paper. Present only when configured. */
  defaultVenue?: string;
  instruments: Record<string, { lot: DecStr; tick: DecStr }>;
}

export interface KrakenVenueConfig {
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
