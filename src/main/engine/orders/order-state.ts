// The order state machine as a transition table (after NautilusTrader's orders/base.pyx): an illegal
// transition is a bug with a name. Fills that arrive after a cancel or an expiry are real (the venue filled
// before it saw our cancel): they are applied, not thrown away.
import { type OrderStatus, WORKING_STATUSES } from '../../../shared/domain/order.ts';

// A live venue answers later, or not at all: `unknown` (the answer was lost) leaves only by what a query
// says; `pending_cancel` and `pending_modify` go back to a working state when the venue refuses.
// A cancel or a change may go out before the venue acknowledged the order, and any request's answer may be
// lost (`unknown`). An order still `submitted`, or with a request on its way, may turn out never to have
// reached the venue: `rejected` ('not at the venue').
const RESOLVED: readonly OrderStatus[] = ['accepted', 'partially_filled', 'filled', 'cancelled', 'expired'];
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  submitted: [
    'accepted',
    'rejected',
    'cancelled',
    'expired',
    'partially_filled',
    'filled',
    'unknown',
    'pending_cancel',
    'pending_modify',
  ],
  unknown: [...RESOLVED, 'rejected', 'pending_cancel'],
  accepted: [
    'partially_filled',
    'filled',
    'cancelled',
    'expired',
    'pending_cancel',
    'pending_modify',
    'unknown',
  ],
  partially_filled: [
    'partially_filled',
    'filled',
    'cancelled',
    'expired',
    'pending_cancel',
    'pending_modify',
    'unknown',
  ],
  pending_cancel: [...RESOLVED, 'pending_cancel', 'unknown', 'rejected'],
  pending_modify: [...RESOLVED, 'pending_cancel', 'unknown', 'rejected'],
  // Held by the engine: sent when triggered, or cancelled without a word to any venue. A fill is not
  // expected (it never reached a venue), but money that moved is applied.
  held: ['submitted', 'cancelled', 'partially_filled', 'filled'],
  cancelled: ['partially_filled', 'filled'],
  expired: ['partially_filled', 'filled'],
  filled: [],
  rejected: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export class IllegalOrderTransition extends Error {
  constructor(orderId: string, from: OrderStatus, to: OrderStatus) {
    super(`order ${orderId}: illegal transition ${from} -> ${to}`);
    this.name = 'IllegalOrderTransition';
  }
}

/** Working = the venue may still fill it, or the engine will send it (held): the one shared list
 *  (shared/domain/order.ts), which counts `unknown` as working until a query says (exposure, the kill switch). */
export function isWorking(status: OrderStatus): boolean {
  return WORKING_STATUSES.has(status);
}

/** Held by the engine, not at any venue: cancels and changes are the engine's alone. */
export function isHeld(status: OrderStatus): boolean {
  return status === 'held';
}

export function isTerminal(status: OrderStatus): boolean {
  return !isWorking(status);
}
