import { describe, expect, it } from 'vitest';
import { adviceTitle } from '../../src/renderer/src/features/blotter/order-status.ts';
import {
  chartDomain,
  effectText,
  evaluationView,
  evidenceText,
  lessonActions,
  qualityCells,
} from '../../src/renderer/src/features/lessons/lesson-view.ts';
import type { ExecutionQualityRow, LearningEvaluation } from '../../src/shared/domain/learning.ts';
import type { OrderRecord } from '../../src/shared/domain/order.ts';

const row = (over: Partial<ExecutionQualityRow> = {}): ExecutionQualityRow => ({
  venue: 'paper-b',
  orderType: 'market',
  n: 151,
  meanSlippageBps: 12.04,
  ci95: [11.2, 12.9],
  meanShortfallBps: 13.5,
  fillRatio: 0.9934,
  latencyP50Ms: 12.4,
  latencyP99Ms: 80.6,
  markout1Bps: -0.5,
  markout5Bps: null,
  ...over,
});

describe('lessons in the trader’s words', () => {
  it('says each effect and the evidence with both means and the interval', () => {
    expect(effectText({ kind: 'prefer_venue', venue: 'paper', over: ['paper-b'] })).toBe(
      'Send to paper rather than paper-b',
    );
    expect(effectText({ kind: 'marketable_limit', offsetBps: 5 })).toBe(
      'Marketable limit 5 bps through the touch instead of a market order',
    );
    expect(effectText({ kind: 'scale_size', factor: 0.33, minParticipation: 0.25 })).toBe(
      "Scale size to 33 % at 25 % of the bar's volume or more (never up)",
    );
    expect(evidenceText({ n: 142, altN: 151, meanBps: 11.8, altMeanBps: 2.04, ci95: [8.9, 10.66] })).toBe(
      'n = 142 vs 151 · mean 11.8 bps vs 2.0 bps · 95 % CI of the difference 8.9 to 10.7 bps',
    );
  });

  it('offers apply and dismiss while proposed, dismiss while active, reopen once dismissed', () => {
    expect(lessonActions('proposed').map((a) => a.to)).toEqual(['active', 'dismissed']);
    expect(lessonActions('active').map((a) => a.to)).toEqual(['dismissed']);
    expect(lessonActions('dismissed').map((a) => a.to)).toEqual(['proposed']);
  });
});

describe('advised against holdout', () => {
  const ev = (over: Partial<LearningEvaluation>): LearningEvaluation => ({
    advised: { n: 850, meanSlippageBps: 3.1, ci95: [2.7, 3.5] },
    holdout: { n: 150, meanSlippageBps: 7.2, ci95: [6.1, 8.3] },
    improvementBps: 4.1,
    improvementCi95: [2.9, 5.3],
    guardrails: { fillRatio: 0, markout5: 0.02 },
    ...over,
  });

  it('helps only when the interval of the difference excludes zero', () => {
    const v = evaluationView(ev({}));
    expect(v.tone).toBe('helps');
    expect(v.headline).toBe('Advised orders saved 4.1 bps against the holdout (95 % CI 2.9 to 5.3)');
    expect(v.detail).toBe(
      'Advised 3.1 bps (n = 850, 95 % CI 2.7 to 3.5) · Holdout 7.2 bps (n = 150, 95 % CI 6.1 to 8.3)',
    );
    expect(evaluationView(ev({ improvementCi95: [-0.4, 8.6] })).tone).toBe('unclear');
    expect(evaluationView(ev({ improvementBps: -2, improvementCi95: [-3, -1] })).tone).toBe('hurts');
    expect(evaluationView(ev({ improvementBps: -2, improvementCi95: [-3, -1] })).headline).toMatch(
      /^Advised orders cost 2\.0 bps/,
    );
  });

  it('flags a guardrail worse by more than 10 %, and says when there is nothing to judge yet', () => {
    expect(evaluationView(ev({ guardrails: { fillRatio: -0.11, markout5: null } })).guardrailBreached).toBe(
      true,
    );
    expect(evaluationView(ev({ guardrails: { fillRatio: -0.1, markout5: null } })).guardrailBreached).toBe(
      false,
    );
    expect(evaluationView(null)).toMatchObject({ tone: 'none', detail: 'No strands yet' });
    const none = evaluationView(
      ev({
        holdout: { n: 0, meanSlippageBps: null, ci95: null },
        improvementBps: null,
        improvementCi95: null,
      }),
    );
    expect(none.detail).toBe('Advised 3.1 bps (n = 850, 95 % CI 2.7 to 3.5) · Holdout: no orders yet');
  });
});

describe('execution quality', () => {
  it('formats a row in column order', () => {
    expect(qualityCells(row())).toEqual([
      'paper-b',
      'market',
      '151',
      '+12.0 bps',
      '11.2 to 12.9',
      '+13.5 bps',
      '99.3 %',
      '12 ms / 81 ms',
      '-0.5 bps / \u2014',
    ]);
  });

  it('scales the chart to every interval and zero, padded by 8 %', () => {
    // Rows span -2 .. 12.9 with zero inside: range 14.9, pad 1.192.
    const [lo, hi] = chartDomain([row(), row({ meanSlippageBps: -1, ci95: [-2, 0.5] })]);
    expect(lo).toBeCloseTo(-3.192, 9);
    expect(hi).toBeCloseTo(14.092, 9);
    expect(chartDomain([])).toEqual([-1, 1]);
  });
});

describe('an order the learning loop touched', () => {
  const order = (advice: OrderRecord['advice']): OrderRecord => ({
    id: 'p7:E',
    planId: 'p7',
    symbol: 'BTC/USD',
    venue: 'paper',
    role: 'entry',
    side: 'buy',
    type: 'market',
    quantity: '1',
    status: 'filled',
    filledQuantity: '1',
    createdAt: 0,
    updatedAt: 0,
    ...(advice ? { advice } : {}),
  });

  it('lists each lesson applied with what it changed, or says holdout', () => {
    const advised = order({
      arm: 'advised',
      propensity: 0.8,
      lessons: [{ id: 'venue|market|*|*|*', effect: 'prefer_venue', before: 'paper-b', after: 'paper' }],
    });
    expect(adviceTitle(advised)).toBe(
      'p7:E: lessons applied (venue chosen with 80 %):\nvenue|market|*|*|*: prefer venue paper-b \u2192 paper',
    );
    expect(adviceTitle(order({ arm: 'holdout', propensity: 0.5, lessons: [] }))).toBe(
      'p7:E: holdout, no lesson applied (venue chosen with 50 %)',
    );
    expect(adviceTitle(order(undefined))).toBeUndefined();
  });
});
