// The live venue port: what every live adapter (Kraken and Hyperliquid through ccxt, IB through
// @stoqey/ib) implements. Pure Node, asynchronous, no I/O in constructors: `connect()` does it.
// A venue never writes engine state: its calls return outcomes and its reports arrive as events; the
// engine (through the execution bridge, which serialises them into its command queue) applies them.
// Contract: ../shared/spec/venues.md. Shapes after NautilusTrader's LiveExecutionClient.
import type { DecStr } from '../../shared/domain/decimal.ts';
import type { Side } from '../../shared/domain/plan.ts';

export type Disposer = () => void;

/** What a venue can do natively; what it cannot, the engine does (one-cancels-other, trailing stops). */
export interface VenueCapabilities {
  /** Parent + stop-loss + take-profit held at the venue (IB's OCA group, Hyperliquid's normalTpsl). */
  nativeBrackets: boolean;
  /** One-cancels-other between two resting orders at the venue. */
  oco: boolean;
  stopOrders: boolean;
  /** How a working order's price or quantity changes: in place, or cancel then replace. */
  amend: 'native' | 'cancel_replace';
  reduceOnly: boolean;
  postOnly: boolean;
  /** One request cancels every working order (Kraken CancelAll, IB reqGlobalCancel). */
  cancelAll: boolean;
  /** A venue-side timer that cancels everything if the engine stops refreshing it. */
  deadManSwitch: boolean;
  /** A trailing stop held and moved at the venue (IB TRAIL). */
  nativeTrailing: boolean;
  /** DAY orders (IB); the ccxt venues here have good-till-cancelled only. */
  dayOrders: boolean;
  /** Orders may work outside regular trading hours (IB outsideRth). */
  outsideRth: boolean;
}

/** An instrument as the venue trades it (ccxt markets, IB contract details); config may override. */
export interface VenueInstrument {
  /** Braid's symbol (ccxt unified: `BTC/USD`). */
  symbol: string;
  /** The venue's own name for it (`XBTUSD`), for logs and the Venues panel. */
  venueSymbol: string;
  base: string;
  quote: string;
  tick: DecStr;
  lot: DecStr;
  minSize: DecStr;
  /** Smallest order value in the quote currency; null when the venue has none. */
  minNotional: DecStr | null;
}

export type VenueOrderType = 'market' | 'limit' | 'stop' | 'stop_limit';

export interface VenueOrderRequest {
  /** Braid's client order id: journaled before this request, unique for life. */
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: VenueOrderType;
  /** Already floored to the lot. */
  quantity: DecStr;
  /** Limit price (limit, stop_limit), already rounded to the tick. */
  price?: DecStr;
  /** Trigger price (stop, stop_limit). */
  stopPrice?: DecStr;
  timeInForce?: 'GTC' | 'IOC' | 'DAY';
  postOnly?: boolean;
  reduceOnly?: boolean;
  /** Work outside regular trading hours; sent only where `capabilities.outsideRth`. */
  outsideRth?: boolean;
  /** A stop the venue trails itself, in percent (2 = 2%), from `stopPrice`; only where
   *  `capabilities.nativeTrailing`. */
  trailingPercent?: DecStr;
}

/**
 * An entry with its stop-loss and take-profit held at the venue from the start (IB: parent and two
 * children in one OCA group, `transmit` on the last only; Hyperliquid: one `order` action grouped
 * `normalTpsl`). The exits carry the client ids the engine gives them (`<entry>:SL`, `<entry>:TP`).
 */
export interface VenueBracketRequest {
  entry: VenueOrderRequest;
  stopLoss: VenueOrderRequest;
  takeProfit: VenueOrderRequest;
}

/** What each leg of a native bracket came to; a leg the venue never saw is `rejected`, never guessed. */
export interface VenueBracketOutcome {
  entry: VenueOutcome;
  stopLoss: VenueOutcome;
  takeProfit: VenueOutcome;
}

/** Reason codes for a venue's refusal (venues.md "Orders"). */
export type VenueRejectReason =
  | 'insufficient_funds'
  | 'invalid_order'
  | 'size_below_min'
  | 'venue_unavailable'
  | 'unknown_order'
  | 'rejected';

/**
 * What a request came to. `unknown`: sent, but the answer was lost (timeout, connection dropped after
 * sending, HTTP 5xx, `EGeneral:Internal error`): the order may or may not exist, and only a query by
 * client id may say; it is never sent again. `throttled`: the venue refused for its rate limit before
 * acting: nothing happened, the request may be sent again after `retryAfterMs`.
 */
export type VenueOutcome =
  | { kind: 'accepted'; venueOrderId: string; time: number }
  | { kind: 'rejected'; reason: VenueRejectReason; message: string }
  | { kind: 'unknown'; message: string }
  | { kind: 'throttled'; retryAfterMs: number; message: string };

export type VenueOrderState =
  | 'pending'
  | 'open'
  | 'partially_filled'
  | 'filled'
  | 'cancelled'
  | 'expired'
  | 'rejected';

/** An order as the venue holds it (order status, open orders, mass status). */
export interface VenueOrderReport {
  /** Braid's id when the order carries one (`cl_ord_id`, `cloid`, `orderRef`); absent for external orders. */
  clientOrderId?: string;
  venueOrderId: string;
  symbol: string;
  side: Side;
  type: VenueOrderType;
  state: VenueOrderState;
  quantity: DecStr;
  filledQuantity: DecStr;
  price?: DecStr;
  stopPrice?: DecStr;
  avgFillPrice?: DecStr;
  /** Venue time of the last change (epoch ms). */
  time: number;
}

/** One execution at the venue. `tradeId` is the venue's and is booked once, whatever path brings it. */
export interface VenueFill {
  tradeId: string;
  venueOrderId: string;
  clientOrderId?: string;
  symbol: string;
  side: Side;
  price: DecStr;
  quantity: DecStr;
  /** In `feeCurrency`. */
  fee: DecStr;
  feeCurrency: string;
  liquidity: 'maker' | 'taker';
  time: number;
}

/** Where the last fill query ended: the next one asks from here (inclusive; dedupe by trade id). */
export interface FillCursor {
  /** Epoch ms of the last booked fill (0: from the start of what the venue keeps). */
  since: number;
}

export interface VenueBalance {
  asset: string;
  total: DecStr;
  free: DecStr;
}

export interface VenuePositionReport {
  symbol: string;
  /** Signed: negative is short. Spot venues report none (balances are the holdings). */
  quantity: DecStr;
  entryPrice?: DecStr;
}

/** Everything reconciliation needs in one read (start, every reconnect). */
export interface VenueMassStatus {
  openOrders: VenueOrderReport[];
  fills: VenueFill[];
  positions: VenuePositionReport[];
  balances: VenueBalance[];
  time: number;
}

export interface VenueTicker {
  symbol: string;
  bid: DecStr;
  ask: DecStr;
  last: DecStr;
  time: number;
}

export interface VenueCandle {
  symbol: string;
  /** Open time, epoch ms. */
  time: number;
  open: DecStr;
  high: DecStr;
  low: DecStr;
  close: DecStr;
  volume: DecStr;
}

export type VenueConnectionState = 'disconnected' | 'connecting' | 'connected' | 'failed';

/** What the Venues panel shows of a venue. */
export interface VenueHealth {
  state: VenueConnectionState;
  /** Round trip of the last request, ms; null before the first. */
  latencyMs: number | null;
  /** Share of the tightest rate budget in use, 0..1 (the adapter keeps it under 0.8). */
  rateBudgetUsed: number;
  /** Why the venue is not connected, in words (bad key, unreachable, ...). */
  detail?: string;
}

export type VenueEvent =
  | { type: 'connection'; state: VenueConnectionState; time: number; detail?: string }
  /** The connection came back after a loss: reconcile before entries resume. */
  | { type: 'reconnected'; time: number }
  | { type: 'order'; report: VenueOrderReport }
  | { type: 'fill'; fill: VenueFill }
  /** A fill's fee that came after the fill was sent on with fee 0 (IB's late commissionReport). */
  | {
      type: 'fee';
      tradeId: string;
      venueOrderId: string;
      clientOrderId?: string;
      fee: DecStr;
      currency: string;
      time: number;
    }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; code: string; message: string; time: number };

/** A failed read (a report query): what went wrong, in words, and whether it is worth asking again. */
export type VenueRead<T> = { ok: true; value: T } | { ok: false; message: string; retryable: boolean };

export interface LiveVenue {
  /** The registry name: `kraken`, `hyperliquid`, `ib`. */
  readonly name: string;
  readonly capabilities: VenueCapabilities;

  connect(): Promise<VenueRead<null>>;
  disconnect(): Promise<void>;
  health(): VenueHealth;
  onEvent(listener: (event: VenueEvent) => void): Disposer;

  instruments(): Promise<VenueRead<VenueInstrument[]>>;

  submit(order: VenueOrderRequest): Promise<VenueOutcome>;
  /** Changes a working order's price and/or quantity (native amend, or cancel-replace at the venue). */
  modify(
    ref: { clientOrderId: string; venueOrderId?: string },
    change: { quantity?: DecStr; price?: DecStr; stopPrice?: DecStr },
  ): Promise<VenueOutcome>;
  cancel(ref: { clientOrderId: string; venueOrderId?: string }): Promise<VenueOutcome>;
  /** Sends an entry and its exits as one native bracket; present only when `nativeBrackets`. */
  submitBracket?(bracket: VenueBracketRequest): Promise<VenueBracketOutcome>;
  /** Cancels every working order on the account (the kill switch). */
  cancelAll(): Promise<VenueOutcome>;

  /** One order by client id or venue id; null when the venue has no such order. */
  orderStatus(ref: {
    clientOrderId?: string;
    venueOrderId?: string;
  }): Promise<VenueRead<VenueOrderReport | null>>;
  openOrders(): Promise<VenueRead<VenueOrderReport[]>>;
  fillsSince(cursor: FillCursor): Promise<VenueRead<VenueFill[]>>;
  positions(): Promise<VenueRead<VenuePositionReport[]>>;
  balances(): Promise<VenueRead<VenueBalance[]>>;
  massStatus(cursor: FillCursor): Promise<VenueRead<VenueMassStatus>>;

  ticker(symbol: string): Promise<VenueRead<VenueTicker>>;
  candles(symbol: string, intervalMinutes: number, since?: number): Promise<VenueRead<VenueCandle[]>>;

  /** Arms (or refreshes) the venue's dead-man switch for `seconds`; 0 disarms. Absent: none. */
  armDeadMan?(seconds: number): Promise<VenueRead<{ triggerTime: number | null }>>;
}
