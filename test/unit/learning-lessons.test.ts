import { describe, expect, it } from 'vitest';
import { regimeOf } from '../../src/main/engine/learning/learning-book.ts';
import { BraidIndex, deriveLessons } from '../../src/main/engine/learning/lessons.ts';
import { MarketTape } from '../../src/main/engine/learning/market-tape.ts';
import { estimate, welchInterval } from '../../src/main/engine/learning/measures.ts';
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

  it('the tape reads the regime of its bars as regimeOf reads their ranges, bar after bar', () => {
    // Seeded bars, some quiet, some wild, some without a positive close (no range): 2,000 of them
    // through the 50-bar ring, the regime asked before the ranges half the time.
    let seed = 7;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const tape = new MarketTape();
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const close = rand() < 0.03 ? '0' : (100 + rand() * 10).toFixed(2);
      const wild = Math.floor(i / 100) % 3 === 1 ? 8 : Math.floor(i / 100) % 3 === 2 ? 0.2 : 1;
      const spread = rand() * wild;
      tape.onBar({
        time: i * 60_000,
        symbol: 'AAA',
        open: close,
        high: (Number(close) + spread).toFixed(4),
        low: (Number(close) - spread / 2).toFixed(4),
        close,
        volume: '1000',
      });
      const regime = i % 2 === 0 ? tape.regime('AAA') : undefined;
      const expected = regimeOf(tape.ranges('AAA'));
      expect(regime ?? tape.regime('AAA')).toBe(expected);
      seen.add(expected);
    }
    expect([...seen].sort()).toEqual(['high', 'low', 'normal']);
    expect(tape.regime('BBB')).toBe('normal');
  });
});

describe('braid keys: symbol, hour and regime levels (learning.md "Braid and lesson")', () => {
  const at = (symbol: string, timeBucket: number, regime: Strand['regime'] = 'normal') => ({
    symbol,
    timeBucket,
    regime,
  });
  const named = (xs: Strand[], tag: string) => xs.map((s) => ({ ...s, orderId: `${tag}-${s.orderId}` }));

  it('the same gap in two symbols: one lesson for every symbol, none per symbol (redundant)', () => {
    const strands = [
      ...named(venueStrands(20, 'paper', 2, at('AAA', 15)), 'a'),
      ...named(venueStrands(20, 'paper-b', 12, at('AAA', 15)), 'a'),
      ...named(venueStrands(20, 'paper', 2, at('BBB', 15)), 'b'),
      ...named(venueStrands(20, 'paper-b', 12, at('BBB', 15)), 'b'),
    ];
    const lessons = deriveLessons(strands, 20);
    expect(lessons.map((l) => l.id)).toEqual(['prefer_venue:paper|market|*|*|*']);
    expect(lessons[0]!.evidence).toMatchObject({ n: 40, altN: 40, meanBps: 2, altMeanBps: 12 });
    expect(lessons[0]!.text).toMatch(/^Market entries across symbols on paper-b slipped 10\.0 bps more/);
    // One symbol only: no `*` symbol (a braid must span two), the symbol's own key.
    expect(deriveLessons(strands.slice(0, 40), 20).map((l) => l.id)).toEqual([
      'prefer_venue:paper|market|AAA|*|*',
    ]);
  });

  it('a gap that flips with the hour: no lesson for the symbol, one per hour', () => {
    const strands = [
      ...named(venueStrands(20, 'paper', 2, at('AAA', 15)), 'x'),
      ...named(venueStrands(20, 'paper-b', 12, at('AAA', 15)), 'x'),
      ...named(venueStrands(20, 'paper', 12, at('AAA', 3)), 'y'),
      ...named(venueStrands(20, 'paper-b', 2, at('AAA', 3)), 'y'),
    ];
    const lessons = deriveLessons(strands, 20);
    expect(lessons.map((l) => [l.id, l.effect.kind === 'prefer_venue' && l.effect.venue])).toEqual([
      ['prefer_venue:paper|market|AAA|15|*', 'paper'],
      ['prefer_venue:paper-b|market|AAA|3|*', 'paper-b'],
    ]);
    expect(lessons[0]!.text).toMatch(/^Market entries in the 15:00 UTC hour on paper-b slipped 10\.0 bps/);
  });

  it('a regime key; and a parent holding the lesson in any state (dismissed) keeps the child from being proposed', () => {
    const strands = [
      ...named(venueStrands(20, 'paper', 2, at('AAA', 15, 'high')), 'h'),
      ...named(venueStrands(20, 'paper-b', 12, at('AAA', 15, 'high')), 'h'),
      ...named(venueStrands(20, 'paper', 7, at('AAA', 4, 'normal')), 'n'),
      ...named(venueStrands(20, 'paper-b', 7, at('AAA', 4, 'normal')), 'n'),
    ];
    // Over the symbol: 4.5 against 9.5 bps, so the symbol's key already says it; its children not.
    expect(deriveLessons(strands, 20).map((l) => l.id)).toEqual(['prefer_venue:paper|market|AAA|*|*']);
    // The trader dismissed the symbol's lesson: neither the hour nor the regime child brings it back.
    const dismissed = (id: string) => id === 'prefer_venue:paper|market|AAA|*|*';
    expect(deriveLessons(strands, 20, dismissed)).toEqual([]);
    // A gap that flips with the regime (one hour): the regime's keys, said in the sentence.
    const flips = [
      ...named(venueStrands(20, 'paper', 2, at('AAA', 15, 'high')), 'h'),
      ...named(venueStrands(20, 'paper-b', 12, at('AAA', 15, 'high')), 'h'),
      ...named(venueStrands(20, 'paper', 12, at('AAA', 15, 'normal')), 'n'),
      ...named(venueStrands(20, 'paper-b', 2, at('AAA', 15, 'normal')), 'n'),
    ];
    const byRegime = deriveLessons(flips, 20);
    expect(byRegime.map((l) => l.id)).toEqual([
      'prefer_venue:paper|market|AAA|*|high',
      'prefer_venue:paper-b|market|AAA|*|normal',
    ]);
    expect(byRegime[0]!.text).toMatch(/^Market entries in high volatility on paper-b slipped 10\.0 bps more/);
  });

  it('looked at strand by strand, the index proposes what a pass over all strands finds', () => {
    const strands = [
      ...named(venueStrands(30, 'paper', 2, at('AAA', 15)), 'a'),
      ...named(venueStrands(30, 'paper-b', 12, at('AAA', 15)), 'a'),
      ...named(venueStrands(30, 'paper', 12, at('BBB', 3)), 'b'),
      ...named(venueStrands(30, 'paper-b', 2, at('BBB', 3)), 'b'),
    ].sort((x, y) => (x.orderId.slice(-3) < y.orderId.slice(-3) ? -1 : 1));
    const index = new BraidIndex(20);
    const known = new Set<string>();
    for (const s of strands) {
      index.add(s);
      for (const c of index.look(s, (id) => known.has(id))) known.add(c.id);
    }
    expect([...known].sort()).toEqual(
      deriveLessons(strands, 20)
        .map((l) => l.id)
        .sort(),
    );
    expect([...known].sort()).toEqual([
      'prefer_venue:paper-b|market|BBB|*|*',
      'prefer_venue:paper|market|AAA|*|*',
    ]);
  });

  it('past 50 strands a key is looked at on every ⌈n / 50⌉-th: the lesson due at 61 waits for 62', () => {
    // minEvidence 61 and the two venues in turn: the gap is clear as soon as both hold 61 strands, which
    // is paper-b's 61st (looked at on every strand, that look would propose it with n 61 and 61). From
    // 51 on, a key is looked at when ⌈n / 50⌉ = 2 divides its strands: paper's 62nd.
    const paper = venueStrands(70, 'paper', 2);
    const paperB = venueStrands(70, 'paper-b', 12);
    const index = new BraidIndex(61);
    const made: Array<{ after: string; n: number; altN: number }> = [];
    for (let i = 0; i < 70; i++) {
      for (const s of [paper[i]!, paperB[i]!]) {
        index.add(s);
        for (const c of index.look(s, (id) => made.some((m) => m.after === id))) {
          made.push({ after: c.id, n: c.evidence.n, altN: c.evidence.altN });
          expect(s.orderId).toBe('paper-61');
        }
      }
    }
    expect(made).toEqual([{ after: 'prefer_venue:paper|market|AAA|*|*', n: 62, altN: 61 }]);
    // A pass over all of them finds the same lesson, on all 70 and 70.
    expect(
      deriveLessons([...paper, ...paperB], 61).map((l) => [l.id, l.evidence.n, l.evidence.altN]),
    ).toEqual([['prefer_venue:paper|market|AAA|*|*', 70, 70]]);
  });

  it('the running sums give the interval measures.ts gives over the strands (clustered by day)', () => {
    // Noisy and uneven per day: (i * 7) % 5 spreads values, days repeat every 10 strands.
    const a = Array.from({ length: 40 }, (_, i) => strand(i, 'paper', 2 + ((i * 7) % 5) - 2 + (i % 3)));
    const b = Array.from({ length: 35 }, (_, i) => strand(i, 'paper-b', 9 + ((i * 3) % 4) - (i % 2)));
    const [lesson] = deriveLessons([...a, ...b], 20);
    const ea = estimate(a.map((s) => ({ value: s.slippageBps!, day: s.day })));
    const eb = estimate(b.map((s) => ({ value: s.slippageBps!, day: s.day })));
    const i = welchInterval(eb, ea)!;
    expect(lesson!.evidence.ci95).toEqual([Math.round(i.ci95[0] * 10) / 10, Math.round(i.ci95[1] * 10) / 10]);
    expect(lesson!.evidence.meanBps).toBe(Math.round(ea.mean * 10) / 10);
  });
});

describe('the size lesson: large entries slipped more (learning.md "scale size down (never up)")', () => {
  it('participation 0.3 against 0.1 of the bar: scale by 0.33 from 25 % of the volume up', () => {
    const small = venueStrands(20, 'paper', 2, { participation: 0.1 });
    const large = venueStrands(20, 'paper', 8, { participation: 0.3 }).map((s) => ({
      ...s,
      orderId: `L${s.orderId}`,
    }));
    const [lesson, ...rest] = deriveLessons([...small, ...large], 20);
    expect(rest).toEqual([]);
    expect(lesson!.id).toBe('scale_size:paper|market|AAA|*|*');
    // 0.1 / 0.3 = 0.333..., to two decimals; band of 0.3 is floor(log2 0.3) = -2: from 2^-2 = 25 %.
    expect(lesson!.effect).toEqual({ kind: 'scale_size', factor: 0.33, minParticipation: 0.25 });
    expect(lesson!.evidence).toMatchObject({ n: 20, altN: 20, meanBps: 8, altMeanBps: 2 });
    expect(lesson!.text).toMatch(
      /^Market entries on paper of 25 % of the bar's volume or more slipped 6\.0 bps more than smaller ones \(n = 20 and 20, 95 % CI/,
    );
    // Larger ones no worse: no lesson.
    const same = venueStrands(20, 'paper', 2, { participation: 0.3 }).map((s) => ({
      ...s,
      orderId: `S${s.orderId}`,
    }));
    expect(deriveLessons([...small, ...same], 20)).toEqual([]);
  });
});
