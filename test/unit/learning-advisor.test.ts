// The execution advisor's choice among lessons (learning.md "Applying lessons"): the most specific
// active lesson that matches the order (symbol > hour > regime), and the size lesson's arithmetic.
import { describe, expect, it } from 'vitest';
import { draw, LearningBook } from '../../src/main/engine/learning/learning-book.ts';
import type { LearningConfig } from '../../src/shared/domain/config.ts';
import type { LessonView } from '../../src/shared/domain/learning.ts';
import type { PlanInput } from '../../src/shared/domain/plan.ts';

const config: LearningConfig = {
  enabled: true,
  minEvidence: 20,
  holdoutPct: 0.15,
  explorePct: 0.05,
  autoActivate: true,
  seed: 1,
};
const evidence = { n: 20, altN: 20, meanBps: 2, altMeanBps: 12, ci95: [9, 11] as [number, number] };
const lesson = (
  id: string,
  key: string,
  effect: LessonView['effect'],
  state: LessonView['state'] = 'active',
) => ({ type: 'lesson', lesson: { id, key, text: id, effect, state, evidence, createdAt: 0 } }) as const;

/** Plan ids on the advised arm for the seed (neither holdout nor explore). */
const advisedIds = Array.from({ length: 200 }, (_, i) => `p${i}`)
  .filter((id) => draw(config.seed, 'arm', id) >= config.holdoutPct + config.explorePct)
  .slice(0, 8);
const plan = (id: string): PlanInput =>
  ({ id, symbol: 'AAA', side: 'buy', entry: { type: 'market' }, quantity: '1' }) as PlanInput;
const H15 = Date.parse('2026-01-05T15:30:00Z');
const H03 = Date.parse('2026-01-05T03:30:00Z');

function book() {
  return new LearningBook(config, { journal: () => {}, changed: () => {} }, { orders: new Map(), fills: [] });
}

describe('the advisor applies the most specific active lesson that matches', () => {
  it('the hour’s lesson over the symbol’s, the symbol’s over every symbol’s; elsewhere the general one', () => {
    const b = book();
    b.applyHistory(
      lesson('all', 'paper|market|*|*|*', { kind: 'prefer_venue', venue: 'paper', over: ['paper-c'] }),
    );
    b.applyHistory(
      lesson('sym', 'paper-b|market|AAA|*|*', { kind: 'prefer_venue', venue: 'paper-b', over: ['paper'] }),
    );
    b.applyHistory(
      lesson('hour', 'paper-c|market|AAA|15|*', { kind: 'prefer_venue', venue: 'paper-c', over: ['paper'] }),
    );
    const candidates = ['paper', 'paper-b', 'paper-c'];
    const [a, c, d] = advisedIds;
    expect(b.choose(plan(a!), candidates, 0, H15)).toBe('paper-c');
    expect(b.adviceFor(a!)?.lessons.map((l) => l.id)).toEqual(['hour']);
    expect(b.choose(plan(c!), candidates, 0, H03)).toBe('paper-b');
    expect(b.choose({ ...plan(d!), symbol: 'BBB' }, candidates, 0, H15)).toBe('paper');
  });

  it('a dismissed specific lesson falls back to the next one; a lesson for a venue not among the candidates is skipped', () => {
    const b = book();
    b.applyHistory(
      lesson('sym', 'paper|market|AAA|*|*', { kind: 'prefer_venue', venue: 'paper', over: ['paper-b'] }),
    );
    b.applyHistory(
      lesson(
        'hour',
        'paper-b|market|AAA|15|*',
        { kind: 'prefer_venue', venue: 'paper-b', over: ['paper'] },
        'dismissed',
      ),
    );
    b.applyHistory(
      lesson('reg', 'paper-c|market|AAA|*|normal', { kind: 'prefer_venue', venue: 'paper-c', over: [] }),
    );
    expect(b.choose(plan(advisedIds[0]!), ['paper', 'paper-b'], 0, H15)).toBe('paper');
  });
});

describe('the size lesson on an order', () => {
  const bar = (volume: string) => ({
    time: H15,
    symbol: 'AAA',
    open: '100',
    high: '100',
    low: '100',
    close: '100',
    volume,
  });
  const sized = (quantity: string, lot: string, volume = '1000') => {
    const b = book();
    b.applyHistory(
      lesson('scale_size:paper|market|AAA|*|*', 'paper|market|AAA|*|*', {
        kind: 'scale_size',
        factor: 0.33,
        minParticipation: 0.25,
      }),
    );
    b.onBar(bar(volume));
    const id = advisedIds[0]!;
    b.choose(plan(id), ['paper'], 0, H15);
    const out = b.shapeEntry(
      id,
      { symbol: 'AAA', side: 'buy', type: 'market', venue: 'paper', quantity },
      { tick: '0.01', lot },
      H15,
    );
    return { out, advice: b.adviceFor(id) };
  };

  it('300 of a 1,000 bar (30 % >= 25 %) goes as floor(300 x 0.33) = 99, recorded before and after', () => {
    const { out, advice } = sized('300', '1');
    expect(out.quantity).toBe('99');
    expect(out.type).toBe('market');
    expect(advice).toEqual({
      arm: 'advised',
      propensity: 1,
      lessons: [{ id: 'scale_size:paper|market|AAA|*|*', effect: 'scale_size', before: '300', after: '99' }],
    });
  });

  it('floored to the lot (lot 10: 99 -> 90), never below one lot (2 -> 1), never up, not under the threshold', () => {
    expect(sized('300', '10').out.quantity).toBe('90');
    // 2 of a 4-share bar: 50 %; 2 x 0.33 = 0.66 floors to 0, held at one lot.
    expect(sized('2', '1', '4').out.quantity).toBe('1');
    // 1 of a 2-share bar: one lot already: nothing smaller, nothing applied.
    const one = sized('1', '1', '2');
    expect(one.out.quantity).toBe('1');
    expect(one.out.lessons).toEqual([]);
    // 200 of 1,000 is 20 %, under 25 %: as it is.
    expect(sized('200', '1').out.quantity).toBe('200');
  });
});
