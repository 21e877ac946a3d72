// The order state machine as a transition table (after NautilusTrader's orders/base.pyx): an illegal
// transition is a bug with a name. Fills that arrive after a cancel or an expiry are real (the venue filled
// before it saw our cancel): they are applied, not thrown away.
import type { OrderStatus } from '../../../shared/domain/order.ts';

const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  submitted: ['accepted', 'rejected', 'cancelled', 'expired', 'partially_filled', 'filled'],
  accepted: ['partially_filled', 'filled', 'cancelled', 'expired'],
  partially_filled: ['partially_filled', 'filled', 'cancelled', 'expired'],
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

/** Working = the venue may still fill it. */
export function isWorking(status: OrderStatus): boolean {
  return status === 'submitted' || status === 'accepted' || status === 'partially_filled';
}

export function isTerminal(status: OrderStatus): boolean {
  return !isWorking(status);
}
