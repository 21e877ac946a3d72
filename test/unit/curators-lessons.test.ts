// Curator weights move only by lessons (issue 10): each active venue lesson lifts the venue curator's
// weight by 0.05 from its configured weight, within 0.5x to 2x of it; leaving active takes it back.
import { describe, expect, it } from 'vitest';
import {
  VENUE_STEP,
  venueWeightForLessons,
  weightMoveText,
} from '../../src/main/engine/curators/lesson-weights.ts';
import { createCuratorWeights } from '../../src/main/engine/curators/weights.ts';
import type { LessonView } from '../../src/shared/domain/learning.ts';

const evidence = { n: 20, altN: 20, meanBps: 2, altMeanBps: 12, ci95: [9, 11] as [number, number] };
const venueLesson = (i: number, state: LessonView['state'] = 'active'): LessonView => ({
  id: `prefer_venue:paper|market|S${i}|*|*`,
  key: `paper|market|S${i}|*|*`,
  text: '',
  effect: { kind: 'prefer_venue', venue: 'paper', over: ['paper-b'] },
  state,
  evidence,
  createdAt: 0,
});

describe('the venue curator weight follows the venue lessons', () => {
  it('+0.05 per active venue lesson, the others sharing the rest; back to the start exactly when none is active', () => {
    const book = createCuratorWeights(undefined); // 0.25 each, bounds 0.125 to 0.5
    expect(VENUE_STEP).toBe(0.05);
    const l1 = venueLesson(1);
    const m1 = venueWeightForLessons(book, [l1], l1, 100)!;
    // 0.30 for venue; 0.70 shared by the three others in proportion (equal): 0.233333 each.
    expect(m1.after).toEqual({ execution: 0.233333, venue: 0.3, risk: 0.233333, position: 0.233333 });
    expect(m1.before).toEqual({ execution: 0.25, venue: 0.25, risk: 0.25, position: 0.25 });
    expect(m1.limited).toBe(false);
    expect(weightMoveText(m1)).toBe(
      'venue curator weight 0.250 -> 0.300: lesson prefer_venue:paper|market|S1|*|* is active (1 active venue lesson)',
    );
    const l2 = venueLesson(2);
    expect(venueWeightForLessons(book, [l1, l2], l2, 200)!.after.venue).toBe(0.35);
    const off = { ...l1, state: 'dismissed' as const };
    const m3 = venueWeightForLessons(book, [off, l2], off, 300)!;
    expect(m3.after.venue).toBe(0.3);
    expect(m3.reason).toBe('lesson prefer_venue:paper|market|S1|*|* is dismissed (1 active venue lesson)');
    const off2 = { ...l2, state: 'proposed' as const };
    expect(venueWeightForLessons(book, [off, off2], off2, 400)!.after).toEqual(book.start());
    expect(book.weights()).toEqual({ execution: 0.25, venue: 0.25, risk: 0.25, position: 0.25 });
    // Every move is in the book's log, oldest first.
    expect(book.moves().map((m) => m.after.venue)).toEqual([0.3, 0.35, 0.3, 0.25]);
  });

  it('never past 2x its configured weight; other lessons do not move it; no move when nothing changes', () => {
    const book = createCuratorWeights({ execution: 1, venue: 1, risk: 1, position: 1 });
    const many = Array.from({ length: 8 }, (_, i) => venueLesson(i));
    const m = venueWeightForLessons(book, many, many[7]!, 1)!;
    // 0.25 + 8 x 0.05 = 0.65 asked; 2 x 0.25 = 0.5 allowed.
    expect(m.after.venue).toBe(0.5);
    expect(m.limited).toBe(true);
    const ninth = venueLesson(9);
    expect(venueWeightForLessons(book, [...many, ninth], ninth, 2)).toBeNull();
    const limit: LessonView = { ...venueLesson(10), effect: { kind: 'marketable_limit', offsetBps: 5 } };
    expect(venueWeightForLessons(book, [limit], limit, 3)).toBeNull();
  });

  it('a configured weight: bounds are of it (venue 0.1 of 1: at most 0.2, the step still 0.05)', () => {
    const book = createCuratorWeights({ execution: 4, venue: 1, risk: 3, position: 2 });
    const ls = [venueLesson(1), venueLesson(2), venueLesson(3)];
    expect(venueWeightForLessons(book, ls.slice(0, 1), ls[0]!, 1)!.after.venue).toBe(0.15);
    expect(venueWeightForLessons(book, ls, ls[2]!, 2)!.after.venue).toBe(0.2);
  });
});
