import { describe, expect, it } from 'vitest';
import { canTransition, isTerminal, isWorking } from '../../src/main/engine/orders/order-state.ts';
import type { OrderStatus } from '../../src/shared/domain/order.ts';

const ALL: OrderStatus[] = [
  'submitted',
  'accepted',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
  'expired',
];

describe('order state machine', () => {
  it('follows the normal life of an order: submitted -> accepted -> partially_filled -> filled', () => {
    expect(canTransition('submitted', 'accepted')).toBe(true);
    expect(canTransition('accepted', 'partially_filled')).toBe(true);
    expect(canTransition('partially_filled', 'partially_filled')).toBe(true);
    expect(canTransition('partially_filled', 'filled')).toBe(true);
  });

  it('applies a late fill after a cancel or an expiry (the venue filled before it saw our cancel)', () => {
    expect(canTransition('cancelled', 'filled')).toBe(true);
    expect(canTransition('cancelled', 'partially_filled')).toBe(true);
    expect(canTransition('expired', 'filled')).toBe(true);
  });

  it('never leaves filled or rejected, and never goes back to submitted or accepted', () => {
    for (const to of ALL) {
      expect(canTransition('filled', to)).toBe(false);
      expect(canTransition('rejected', to)).toBe(false);
    }
    for (const from of ALL) {
      expect(canTransition(from, 'submitted')).toBe(false);
      if (from !== 'submitted') expect(canTransition(from, 'accepted')).toBe(false);
    }
  });

  it('cannot reject an order the venue already accepted, nor cancel a filled one', () => {
    expect(canTransition('accepted', 'rejected')).toBe(false);
    expect(canTransition('filled', 'cancelled')).toBe(false);
  });

  it('names working and terminal statuses', () => {
    expect(ALL.filter(isWorking)).toEqual(['submitted', 'accepted', 'partially_filled']);
    expect(ALL.filter(isTerminal)).toEqual(['filled', 'cancelled', 'rejected', 'expired']);
  });
});
