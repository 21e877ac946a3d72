import { describe, expect, it } from 'vitest';
import {
  arrivalSlippageBps,
  estimate,
  fillRatio,
  implementationShortfallBps,
  markoutBps,
  studentTCdf,
  studentTQuantile,
  welchInterval,
  welchOnSamples,
} from '../../src/main/engine/learning/measures.ts';

describe('execution measures (learning.md "Strand"), positive = cost to the trader', () => {
  it('arrival slippage: a buy above arrival and a sell below it both cost; the other way they gain', () => {
    expect(arrivalSlippageBps('buy', '100.12', '100')).toBeCloseTo(12, 10);
    expect(arrivalSlippageBps('sell', '99.88', '100')).toBeCloseTo(12, 10);
    expect(arrivalSlippageBps('buy', '99.95', '100')).toBeCloseTo(-5, 10);
    expect(arrivalSlippageBps('sell', '100.05', '100')).toBeCloseTo(-5, 10);
  });

  it('implementation shortfall: a partial fill pays execution cost, the rest opportunity cost, plus fees', () => {
    // Buy 10 decided at 100: 6 filled at 100.5 (3.0), the 4 left when the price was 101 (4.0), fees 0.6:
    // 7.6 on a paper portfolio of 1,000 = 76 bps.
    expect(
      implementationShortfallBps({
        side: 'buy',
        decisionPrice: '100',
        planned: '10',
        filled: '6',
        avgFillPrice: '100.5',
        endPrice: '101',
        fees: '0.6',
      }),
    ).toBeCloseTo(76, 10);
  });

  it('implementation shortfall: an expired rest that never filled costs what the price moved away', () => {
    // Sell 4 decided at 50, expired unfilled with the price at 48: −1 × (48 − 50) × 4 = 8 on 200 = 400 bps.
    expect(
      implementationShortfallBps({
        side: 'sell',
        decisionPrice: '50',
        planned: '4',
        filled: '0',
        avgFillPrice: null,
        endPrice: '48',
        fees: '0',
      }),
    ).toBeCloseTo(400, 10);
    // The price came towards the sell instead: a gain foregone is negative cost.
    expect(
      implementationShortfallBps({
        side: 'sell',
        decisionPrice: '50',
        planned: '4',
        filled: '0',
        avgFillPrice: null,
        endPrice: '51',
        fees: '0',
      }),
    ).toBeCloseTo(-200, 10);
  });

  it('fill ratio and markouts', () => {
    expect(fillRatio('6', '10')).toBe(0.6);
    expect(fillRatio('0', '0')).toBe(0);
    expect(markoutBps('buy', '100', '101')).toBeCloseTo(100, 10);
    expect(markoutBps('sell', '100', '101')).toBeCloseTo(-100, 10);
    expect(markoutBps('sell', '200', '199')).toBeCloseTo(50, 10);
  });
});

describe("Student's t and Welch's interval", () => {
  it('t quantiles match the printed table', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 2);
    expect(studentTCdf(0, 5)).toBeCloseTo(0.5, 12);
  });

  it("Welch's worked example (Wikipedia, Welch's t-test, example 1): t = −2.46, ν ≈ 24.99, p = 0.021", () => {
    const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const w = welchOnSamples(a1, a2)!;
    expect(w.difference).toBeCloseTo(20.82 - 22.986667, 5);
    expect(w.difference / w.standardError).toBeCloseTo(-2.46, 2);
    expect(w.df).toBeCloseTo(24.99, 2);
    expect(2 * studentTCdf(w.difference / w.standardError, w.df)).toBeCloseTo(0.021, 3);
    // −2.1667 ± t(0.975, 24.99) 2.0595 × se 0.88242.
    expect(w.ci95[0]).toBeCloseTo(-3.984, 2);
    expect(w.ci95[1]).toBeCloseTo(-0.349, 2);
  });

  it('clustered by day: residuals summed within a day; one observation a day is Welch itself', () => {
    // Day 1: 1 and 3; day 2: 5; day 3: 7. Mean 4; day sums −4, 1, 3; 3/2 × 26 / 4² = 2.4375.
    const g = estimate([
      { value: 1, day: 'd1' },
      { value: 3, day: 'd1' },
      { value: 5, day: 'd2' },
      { value: 7, day: 'd3' },
    ]);
    expect(g).toEqual({ n: 4, mean: 4, varianceOfMean: 2.4375, clusters: 3 });
    const xs = [2, 4, 9, 1];
    const byDay = estimate(xs.map((value, i) => ({ value, day: `d${i}` })));
    // sample variance 12.6667 / 4.
    expect(byDay.varianceOfMean).toBeCloseTo(12.666667 / 4, 5);
    // Notional weights: the heavier observation pulls the mean.
    expect(
      estimate([
        { value: 10, weight: 3, day: 'a' },
        { value: 2, weight: 1, day: 'b' },
      ]).mean,
    ).toBe(8);
    expect(welchInterval(g, estimate([{ value: 1, day: 'x' }]))).toBeNull();
  });
});
