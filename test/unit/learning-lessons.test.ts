import { describe, expect, it } from 'vitest';
import { regimeOf } from '../../src/main/engine/learning/learning-book.ts';
import { deriveLessons } from '../../src/main/engine/learning/lessons.ts';
import type { Strand } from '../../src/main/engine/learning/strand.ts';

function strand(i: number, venue: string, slippageBps: number, extra: Partial<Strand> = {}): Strand {
  return {
    orderId: `${venue}-${i}`,
    planId: `p${i}`,
    symbol: 'AAA',
    venue,
    orderType: 'market',
    side: 'buy',
    role: 'entry',
    status: 'filled',
    timeBucket: 15,
    regime: 'normal',
    day: `2026-01-${String((i % 10) + 1).padStart(2, '0')}`,
    sentAt: 0,
    endedAt: 0,
    arrivalPrice: '100',
    decisionPrice: '100',
    planned: '1',
    filled: '1',
    avgFillPrice: '100',
    fees: '0',
    notional: 100,
    latencyMs: { ack: 0, firstFill: 0, lastFill: 0 },
    slippageBps,
    shortfallBps: slippageBps,
    fillRatio: 1,
    markout1Bps: null,
    markout5Bps: null,
    limitOffsetBps: null,
    arm: 'baseline',
    propensity: 0.5,
    lessonsApplied: [],
    tags: [],
    ...extra,
  };
}

/** n strands a venue, slippage alternating ±1 around the venue's mean (so the interval has width). */
const venueStrands = (n: number, venue: string, mean: number, extra: Partial<Strand> = {}) =>
  Array.from({ length: n }, (_, i) => strand(i, venue, mean + (i % 2 === 0 ? 1 : -1), extra));

describe('braids and lessons', () => {
  it('no lesson below the minimum evidence; at it, one lesson for the cheaper venue with its sentence', () => {
    expect(deriveLessons([...venueStrands(19, 'paper', 2), ...venueStrands(20, 'paper-b', 12)], 20)).toEqual(
      [],
    );
    const [lesson, ...rest] = deriveLessons(
      [...venueStrands(20, 'paper', 2), ...venueStrands(20, 'paper-b', 12)],
      20,
    );
    expect(rest).toEqual([]);
    expect(lesson!.id).toBe('prefer_venue:paper|market|AAA|*|*');
    expect(lesson!.effect).toEqual({ kind: 'prefer_venue', venue: 'paper', over: ['paper-b'] });
    expect(lesson!.evidence).toMatchObject({ n: 20, altN: 20, meanBps: 2, altMeanBps: 12 });
    const [lo, hi] = lesson!.evidence.ci95;
    expect(lo).toBeGreaterThan(0);
    expect(lo).toBeLessThan(10);
    expect(hi).toBeGreaterThan(10);
    expect(lesson!.text).toBe(
      `Market entries on paper-b slipped 10.0 bps more than on paper (n = 20 and 20, 95 % CI ${lo.toFixed(1)} to ${hi.toFixed(1)})`,
    );
  });

  it('venues that do not differ beyond noise give no lesson; advised strands are never evidence', () => {
    // −8 to 8 bps, the same within a day (days repeat every 10 strands): ten clusters of real spread.
    const noisy = (venue: string, shift: number) =>
      Array.from({ length: 30 }, (_, i) => strand(i, venue, shift + ((i * 7) % 5) * 4 - 8));
    expect(deriveLessons([...noisy('paper', 0), ...noisy('paper-b', 0.5)], 20)).toEqual([]);
    expect(
      deriveLessons(
        [...venueStrands(20, 'paper', 2, { arm: 'advised' }), ...venueStrands(20, 'paper-b', 12)],
        20,
      ),
    ).toEqual([]);
  });

  it('marketable limits cheaper than market orders on a venue: the order-type lesson with their offset', () => {
    const market = venueStrands(20, 'paper', 10);
    const limits = venueStrands(20, 'paper', 0, { orderType: 'limit', limitOffsetBps: 5 }).map((s, i) => ({
      ...s,
      orderId: `L${i}`,
    }));
    const [lesson] = deriveLessons([...market, ...limits], 20);
    expect(lesson!.effect).toEqual({ kind: 'marketable_limit', offsetBps: 5 });
    expect(lesson!.id).toBe('marketable_limit:paper|market|AAA|*|*');
  });
});

describe('the volatility regime from recent bars', () => {
  it('the last 5 bars against the last 50: quiet is low, wild is high, young is normal', () => {
    const calm = Array.from({ length: 45 }, () => 10);
    expect(regimeOf(calm.slice(0, 9))).toBe('normal');
    expect(regimeOf([...calm, 10, 10, 10, 10, 10])).toBe('normal');
    // Last five at 40 bps: mean of all (45 × 10 + 5 × 40) / 50 = 13; 40 / 13 > 1.5.
    expect(regimeOf([...calm, 40, 40, 40, 40, 40])).toBe('high');
    // Last five at 2 bps: all (450 + 10) / 50 = 9.2; 2 / 9.2 < 2/3.
    expect(regimeOf([...calm, 2, 2, 2, 2, 2])).toBe('low');
  });
});
