import type { DecStr } from './decimal.ts';
import type { Side } from './plan.ts';

export type OrderRole = 'entry' | 'stop_loss' | 'take_profit' | 'exit';
export type OrderType = 'market' | 'limit' | 'stop';
export type OrderStatus =
  | 'submitted'
  | 'accepted'
  | 'partially_filled'
  /** A cancel is on its way to the venue; the order may still fill until the venue confirms. */
  | 'pending_cancel'
  /** A price or quantity change is on its way to the venue. */
  | 'pending_modify'
  /** Sent, and the answer was lost: the venue may or may not hold it. A query resolves it, never a resend. */
  | 'unknown'
  /** Held by the engine, not at the venue (a take-profit on a venue where both exits would hold the same
   *  balance): sent when its price is reached, once the resting stop is confirmed cancelled. */
  | 'held'
  | 'filled'
  | 'cancelled'
  | 'rejected'
  | 'expired';

/** The order may still fill: at the venue (a cancel or change on its way, or an unknown outcome, included)
 *  or held by the engine until its price comes. The one list the engine, the venue bridge, reconciliation
 *  and the terminal share; `held` is never at the venue (the bridge and reconciliation leave it out). */
export const WORKING_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'submitted',
  'accepted',
  'partially_filled',
  'pending_cancel',
  'pending_modify',
  'unknown',
  'held',
]);

export type ExitReason = 'stop_loss' | 'take_profit' | 'trailing_stop' | 'close' | 'kill_switch';

export interface OrderRecord {
  /** Client order id: ours, deterministic, unique for life. */
  id: string;
  planId: string;
  symbol: string;
  venue: string;
  role: OrderRole;
  side: Side;
  type: OrderType;
  quantity: DecStr;
  /** Limit or stop price (a trailing stop's current level). */
  price?: DecStr;
  status: OrderStatus;
  filledQuantity: DecStr;
  avgFillPrice?: DecStr;
  /** Brackets: the sibling cancelled when this one fills (one-cancels-other). */
  ocoGroup?: string;
  /** Why an exit order exists (set on stop_loss, take_profit and exit orders). */
  exitReason?: ExitReason;
  /** The stop was moved by the trailing rule at least once (or had no fixed stop). */
  trailing?: boolean;
  /** Absent: the venue's default. IOC: a held take-profit goes to the venue immediate-or-cancel. DAY/GTC:
   *  the plan's, or what a venue with day orders (IB) is told explicitly. */
  timeInForce?: 'IOC' | 'DAY' | 'GTC';
  /** The order may work outside regular trading hours (IB outsideRth, a plan option). */
  outsideRth?: boolean;
  /** A stop the venue trails itself (IB TRAIL) by this fraction (the plan's trailPct, 0.02 = 2%); `price`
   *  is where it started. Braid's own trailing rule never moves it. */
  trailPct?: DecStr;
  venueOrderId?: string;
  /** An entry sent to its venue's fallback: the venue the plan named (or the default) and why it was not
   *  ready ("disconnected", "reconciling", "not live"). Absent when the order went where it was meant to. */
  routedFrom?: { venue: string; reason: string };
  /** The learning loop's part in this order, recorded on its intent before the venue sees it
   *  (learning.md): its arm, the probability its venue was chosen with, and every lesson applied. Absent
   *  with learning off. */
  advice?: OrderAdvice;
  rejectReason?: string;
  createdAt: number;
  updatedAt: number;
}

/** One lesson applied to an order: what it changed, from what to what (`venue` paper-b → paper). */
export interface AppliedLesson {
  id: string;
  effect: 'prefer_venue' | 'marketable_limit' | 'scale_size';
  before: string;
  after: string;
}

export interface OrderAdvice {
  arm: 'advised' | 'holdout' | 'explore';
  /** The probability with which the order's venue was chosen (unbiased offline evaluation). */
  propensity: number;
  /** Empty for holdout and explore orders: no lesson applies to them. */
  lessons: AppliedLesson[];
}

export interface FillRecord {
  /** Unique per fill: `${orderId}#${n}`. */
  id: string;
  orderId: string;
  planId: string;
  symbol: string;
  side: Side;
  time: number;
  price: DecStr;
  quantity: DecStr;
  fee: DecStr;
  liquidity: 'maker' | 'taker';
  /** Live venues: where it filled and the venue's trade id (each booked once). */
  venue?: string;
  tradeId?: string;
  /** The fee came after the fill (a late commission), booked then: a second one is a duplicate. */
  feeLate?: true;
}
