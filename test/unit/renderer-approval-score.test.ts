// The approval queue's Score cell: the curators' score with its breakdown when the plan carries one,
// the plan's own confidence (and nothing more) when it does not.
import { describe, expect, it } from 'vitest';
import { scoreCell, scorePartLine } from '../../src/renderer/src/features/approvals/score-view.ts';
import type { PlanInput, PlanScore } from '../../src/shared/domain/plan.ts';

const input: PlanInput = {
  id: 'p1',
  symbol: 'AAPL',
  side: 'buy',
  entry: { type: 'market' },
  confidence: 0.7,
};

const score: PlanScore = {
  total: 0.8237,
  parts: [
    { curator: 'execution', value: 0.7, weight: 0.25, why: 'the plan’s confidence is 0.70' },
    { curator: 'venue', value: 0.6, weight: 0.216667, why: 'market on paper-b slipped 5.0 bps' },
    { curator: 'risk', value: 0.5, weight: 0.25, why: 'no stop loss, so the risk is not measured: neutral' },
    { curator: 'position', value: 1, weight: 0.283333, why: 'AAPL holds 0 % of its limit' },
  ],
};

describe('the Score cell of the approval queue', () => {
  it('a scored plan shows its total to two places and each curator’s value, weight and why on hover', () => {
    const cell = scoreCell({ input, score });
    expect(cell.text).toBe('0.82');
    expect(cell.scored).toBe(true);
    expect(cell.title).toBe(
      [
        "Curators' score 0.82: the weighted sum of",
        'execution 0.70 × 25 %: the plan’s confidence is 0.70',
        'venue 0.60 × 22 %: market on paper-b slipped 5.0 bps',
        'risk 0.50 × 25 %: no stop loss, so the risk is not measured: neutral',
        'position 1.00 × 28 %: AAPL holds 0 % of its limit',
      ].join('\n'),
    );
  });
  it('a plan without a score shows its confidence as before, with no breakdown', () => {
    expect(scoreCell({ input })).toEqual({ text: '0.70', title: undefined, scored: false });
    const { confidence: _, ...bare } = input;
    expect(scoreCell({ input: bare })).toEqual({ text: '\u2014', title: undefined, scored: false });
  });
  it('a malformed score from the wire does not break the row', () => {
    const bad = { total: Number.NaN, parts: [] } as PlanScore;
    expect(scoreCell({ input, score: bad }).text).toBe('0.70');
    const noParts = { total: 0.5 } as unknown as PlanScore;
    expect(scoreCell({ input, score: noParts })).toEqual({
      text: '0.50',
      title: "Curators' score 0.50: the weighted sum of",
      scored: true,
    });
    expect(scorePartLine({ curator: 'risk', value: Number.NaN, weight: 0.5, why: 'x' })).toBe(
      'risk — × 50 %: x',
    );
  });
});
