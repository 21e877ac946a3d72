// The venue interface: the paper venue implements it now; IB, Kraken and Hyperliquid will later.
// A venue never writes engine state: it reports what happened as events and the engine applies them.
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
    }
  | { type: 'amended'; clientOrderId: string; quantity: DecStr; price?: DecStr; time: number };

export interface VenuePosition {
  symbol: string;
  /** Signed: negative is short. */
  quantity: DecStr;
}

export interface Venue {
  readonly name: string;
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
