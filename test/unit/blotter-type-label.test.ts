// The Orders blotter's type column: a stop IB trails itself shows TRAIL, Braid's own stops STP.
import { describe, expect, it } from 'vitest';
import { typeLabel } from '../../src/renderer/src/features/blotter/order-status.ts';

describe('Orders blotter type', () => {
  it('TRAIL for a venue-trailed stop, STP/LMT/MKT otherwise', () => {
    expect(typeLabel({ type: 'stop', trailPct: '0.02' })).toBe('TRAIL');
    expect(typeLabel({ type: 'stop' })).toBe('STP');
    expect(typeLabel({ type: 'limit' })).toBe('LMT');
    expect(typeLabel({ type: 'market' })).toBe('MKT');
  });
});
