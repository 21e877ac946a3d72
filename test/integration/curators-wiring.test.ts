// The curators wired into plan arrival: a queued plan carries its score; above approval.autoAboveScore
// it is approved by the same path as the operator's click, with the reason said (a notice).
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';
import type { EngineEvent } from '../../src/shared/domain/engine-view.ts';

const T0 = Date.parse('2024-03-04T14:30:00Z');
const MIN = 60_000;
const buy = { symbol: 'AAA', side: 'buy', entry: { type: 'market' }, stopLoss: 99 };

function engine(cfg: Record<string, unknown>): { e: Engine; events: EngineEvent[] } {
  const e = new Engine({ config: parseConfig(cfg), symbols: ['AAA'] });
  const events: EngineEvent[] = [];
  e.subscribe((ev) => events.push(ev));
  e.onBar({ time: T0, symbol: 'AAA', open: '100', high: '100', low: '100', close: '100', volume: '1000000' });
  return { e, events };
}
const planOf = (e: Engine, id: string) => e.snapshot().plans.find((p) => p.id === id)!;

describe('curators at plan arrival', () => {
  it('above the threshold the plan is approved without a click, and the reason is said', () => {
    const { e, events } = engine({ approval: { mode: 'manual', autoAboveScore: 0.8 } });
    e.submitPlan({ id: 'p1', ...buy, confidence: 1 }, T0 + MIN);
    const p1 = planOf(e, 'p1');
    // Sized 50 (5 % of 100,000 at 100), risking 50 of the 1,000 budget: risk 1 - 0.05 / 2 = 0.975;
    // confidence 1, venue unknown 0.5, flat book 1: (1 + 0.5 + 0.975 + 1) / 4 = 0.86875.
    expect(p1.score?.total).toBe(0.86875);
    expect(p1.status).toBe('working');
    const notice = events.find((ev) => ev.type === 'notice' && ev.notice.code === 'auto_approved');
    expect(notice?.type === 'notice' && notice.notice.message).toBe(
      "auto-approved: the curators' score 0.87 is above 0.8",
    );
    // AAA now holds a working entry of 50 at 100 = its whole 5,000 limit: position 0;
    // (0.2 + 0.5 + 0.975 + 0) / 4 = 0.41875, so it waits for the operator.
    e.submitPlan({ id: 'p2', ...buy, confidence: 0.2 }, T0 + 2 * MIN);
    expect(planOf(e, 'p2').score?.total).toBe(0.41875);
    expect(planOf(e, 'p2').status).toBe('pending_approval');
  });
  it('without a threshold every queued plan waits, scored; the config weights count', () => {
    const { e } = engine({ approval: 'manual', curators: { weights: { execution: 3, venue: 1 } } });
    e.submitPlan({ id: 'p1', ...buy, confidence: 1 }, T0 + MIN);
    // 0.75 x 1 + 0.25 x 0.5 = 0.875, not auto-approved (no threshold).
    expect(planOf(e, 'p1').score?.total).toBe(0.875);
    expect(planOf(e, 'p1').status).toBe('pending_approval');
  });
  it('the curators config is read and checked', () => {
    const c = parseConfig({
      curators: { weights: { execution: 2, venue: 1 }, bounds: { minFactor: 0.5, maxFactor: 3 } },
    });
    expect(c.curators).toEqual({
      weights: { execution: 2, venue: 1 },
      bounds: { minFactor: 0.5, maxFactor: 3 },
    });
    expect(() => parseConfig({ curators: { weights: { execution: 0 } } })).toThrow(/at least one weight/);
    expect(() => parseConfig({ curators: { weights: { executon: 1 } } })).toThrow();
    expect(parseConfig({}).curators).toBeUndefined();
  });
});
