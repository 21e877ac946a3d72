import { describe, expect, it } from 'vitest';
import { autoApproves, moveWeight, scorePlan } from '../../src/main/engine/learning/curators.ts';

describe('curators: a plan score from four contributions in [0, 1]', () => {
  it('the weighted sum, with its breakdown', () => {
    // execution 0.8; venue 1 − 10/50 = 0.8; risk 1 − 0.5 = 0.5; position 1 − 0.2 = 0.8: mean 0.725.
    const s = scorePlan({ confidence: 0.8, venueSlippageBps: 10, riskUsed: 0.5, exposure: 0.2 });
    expect(s.score).toBeCloseTo(0.725, 12);
    expect(s.breakdown.venue).toEqual({ contribution: 0.8, weight: 0.25 });
    expect(autoApproves(s, 0.7)).toBe(true);
    expect(autoApproves(s, 0.8)).toBe(false);
    expect(autoApproves(s, undefined)).toBe(false);
  });

  it('contributions stay in [0, 1]; no opinion is one half; weights normalise', () => {
    const s = scorePlan(
      { venueSlippageBps: 200, riskUsed: 3, exposure: -1 },
      { execution: 2, venue: 1, risk: 1, position: 0 },
    );
    // execution 0.5 × 0.5 + venue 0 × 0.25 + risk 0 × 0.25 = 0.25.
    expect(s.score).toBeCloseTo(0.25, 12);
    expect(s.breakdown.position.contribution).toBe(1);
    expect(moveWeight({ execution: 0.25, venue: 0.25, risk: 0.25, position: 0.25 }, 'venue', 1).venue).toBe(
      0.6,
    );
  });
});
