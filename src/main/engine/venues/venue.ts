// The engine's venue port: what the engine calls (synchronously, fire and forget) and the events it gets
// back. The paper venue implements it in-process (events in the caller's stack). A live venue
// (src/main/venues/venue.ts, asynchronous) reaches the engine through the execution bridge
// (src/main/venues/execution-bridge.ts), which implements this port: its events arrive later, one at a
// time, through the host's command queue. A venue never writes engine state: it reports, the engine applies.
import type { DecStr } from '../../../shared/domain/decimal.ts';
import type { Bar } from '../../../shared/domain/instrument.ts';
import type { OrderType } from '../../../shared/domain/order.ts';
import type { Side } from '../../../shared/domain/plan.ts';
import type { Disposer } from '../port.ts';

export interface VenueOrder {
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  quantity: DecStr;
  price?: DecStr;
  /** Orders sharing a group are one-cancels-other (a fill on one reduces or cancels the others). */
  ocoGroup?: string;
  /** Which leg of a bracket: the same-bar rule favours the stop-loss. */
  bracketLeg?: 'stop_loss' | 'take_profit';
  /** Absent: the venue's default (good till cancelled; DAY on IB). */
  timeInForce?: 'GTC' | 'IOC' | 'DAY';
  /** May work outside regular trading hours (IB). */
  outsideRth?: boolean;
  /** A stop the venue trails itself (`nativeTrailing`), in percent (2 = 2%); `price` is where it starts. */
  trailingPercent?: DecStr;
  /** An exit (a bracket leg, a close, the kill switch's flattening order): it may only shrink the position.
   *  Set for asynchronous venues; the bridge passes it on where the venue has reduce-only. */
  reduceOnly?: boolean;
  /** An entry on a venue that holds brackets itself (`nativeBrackets`): its plan's stop-loss and
   *  take-profit, their intents already journaled under the ids the engine will give them after the fill.
   *  The venue may send the three as one (the bridge: venues/bridge/native-brackets.ts). */
  bracket?: {
    stopLoss: { clientOrderId: string; price: DecStr };
    takeProfit: { clientOrderId: string; price: DecStr };
  };
}

export type VenueEvent =
  | { type: 'accepted'; clientOrderId: string; venueOrderId: string; time: number }
  | { type: 'rejected'; clientOrderId: string; reason: string; time: number }
  | { type: 'cancelled'; clientOrderId: string; reason: string; time: number }
  | {
      type: 'filled';
      clientOrderId: string;
      time: number;
      price: DecStr;
      quantity: DecStr;
      fee: DecStr;
      liquidity: 'maker' | 'taker';
      /** The venue's trade id (live venues): each is booked once, whatever path brings it. */
      tradeId?: string;
      venueOrderId?: string;
    }
  | { type: 'amended'; clientOrderId: string; quantity: DecStr; price?: DecStr; time: number }
  /** The request went out and its answer was lost: the order is `unknown` until a `status` says. */
  | { type: 'unknown'; clientOrderId: string; reason: string; time: number }
  /** The venue refused a cancel or a modify: the order works on as it was. */
  | { type: 'cancel_rejected'; clientOrderId: string; reason: string; time: number }
  | { type: 'modify_rejected'; clientOrderId: string; reason: string; time: number }
  /** What a query or a reconciliation found: the venue's state of one of our orders (resolves `unknown`).
   *  `state` absent: the venue has no such order (it never arrived). */
  | {
      type: 'status';
      clientOrderId: string;
      venueOrderId?: string;
      state?: 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'expired' | 'rejected';
      /** Total and filled as the venue holds them (fills themselves come as `filled` events). */
      quantity?: DecStr;
      filledQuantity?: DecStr;
      price?: DecStr;
      time: number;
    }
  /** An order at the venue that Braid did not place (or no longer knows): shown, not managed. */
  | {
      type: 'external_order';
      venueOrderId: string;
      symbol: string;
      side: Side;
      quantity: DecStr;
      price?: DecStr;
      time: number;
    }
  /** A funding payment on a perpetual position (Hyperliquid's userFunding): cash, and the position's
   *  P&L. `amount` in the account currency, negative when paid. Booked once, by time. */
  | { type: 'funding'; symbol: string; amount: DecStr; time: number }
  /** A fill's fee that came after the fill was booked with fee 0 (IB's late commissionReport): booked
   *  once per trade id, in the account currency. */
  | { type: 'fee'; clientOrderId: string; tradeId: string; fee: DecStr; time: number }
  /** The venue's position disagrees with the engine's (reconciliation): a notice, trust the venue. */
  | {
      type: 'position_mismatch';
      symbol: string;
      venueQuantity: DecStr;
      engineQuantity: DecStr;
      time: number;
    };

export interface VenuePosition {
  symbol: string;
  /** Signed: negative is short. */
  quantity: DecStr;
}

export interface Venue {
  readonly name: string;
  /** Events arrive later than the call (a live venue through the bridge): the engine shows
   *  `pending_cancel` / `pending_modify` while a cancel or a change is on its way. Paper: false. */
  readonly asynchronous?: boolean;
  /** A bracket's two exits resting here would both hold the position's balance (spot: no one-cancels-other,
   *  no reduce-only), so the second is refused: the engine holds the take-profit itself and sends it when
   *  its price comes, after the stop is cancelled. Paper: absent. */
  readonly exitLegsShareBalance?: boolean;
  /** The venue holds a bracket itself (IB's OCA group, Hyperliquid's normalTpsl): an entry goes with its
   *  exits (`bracket`), their intents journaled with it. Paper: absent. */
  readonly nativeBrackets?: boolean;
  /** The venue holds DAY orders (IB); absent: good-till-cancelled only, a plan asking DAY is refused. */
  readonly dayOrders?: boolean;
  /** Orders may work outside regular trading hours (IB's outsideRth). */
  readonly outsideRth?: boolean;
  /** The venue trails a stop itself (IB's TRAIL). */
  readonly nativeTrailing?: boolean;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  submit(order: VenueOrder, now: number): void;
  cancel(clientOrderId: string, now: number): void;
  /** Changes a working order's total quantity and/or price (trailing stops, bracket resizing). */
  amend(clientOrderId: string, change: { quantity?: DecStr; price?: DecStr }, now: number): void;
  query(clientOrderId: string): VenueOrder | undefined;
  openOrders(): VenueOrder[];
  positions(): VenuePosition[];
  onEvent(listener: (event: VenueEvent) => void): Disposer;
  /** Market data drives the paper venue's fills; live venues ignore it. */
  onBar?(bar: Bar): void;
}

/** A venue whose whole state travels in the engine's checkpoint (the paper venue: it lives in-process and
 *  dies with it). A live venue keeps its own state and is reconciled from its reports instead. */
export interface CheckpointedVenue extends Venue {
  state(): unknown;
  restore(state: unknown): void;
}
