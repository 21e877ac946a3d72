import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';

const T0 = Date.parse('2024-03-04T14:30:00Z');

describe('approval queue preview', () => {
  it('shows the engine sizing of a plan waiting for approval, and sizes again at approval', () => {
    const engine = new Engine({
      config: parseConfig({
        approval: 'manual',
        account: { cash: 3000 },
        risk: { riskPct: 0.01, maxPositionPct: 0.05 },
        pdt: { enabled: false },
      }),
      symbols: ['AAA'],
    });
    engine.onBar({ time: T0, symbol: 'AAA', open: '50', high: '50', low: '50', close: '50', volume: '1000' });
    engine.submitPlan(
      { id: 'p1', symbol: 'AAA', side: 'buy', entry: { type: 'market' }, stopLoss: 48 },
      T0 + 1,
    );
    const pending = engine.snapshot().plans[0]!;
    expect(pending.status).toBe('pending_approval');
    // min(3000 x 0.01 / |50 - 48| = 15, 3000 x 0.05 / 50 = 3) = 3 shares at the last close 50.
    expect(pending.preview).toEqual({ quantity: '3', ref: '50' });
    expect(pending.quantity).toBeUndefined();
    expect(engine.approve('p1', T0 + 2).ok).toBe(true);
    const approved = engine.snapshot().plans[0]!;
    expect(approved.status).toBe('working');
    expect(approved.quantity).toBe('3');
  });
});
