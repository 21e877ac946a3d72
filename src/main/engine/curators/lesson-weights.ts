// The venue curator's weight follows the venue lessons (issue 10: weights move only by lessons, within
// bounds, each move logged): each active prefer-venue lesson lifts it by VENUE_STEP from its configured
// weight, within the weight book's bounds (0.5x to 2x of it); a lesson that leaves active takes its step
// back. The weight is a function of the active lessons, so a restart that reads the lessons back (and
// the move journaled with each record) comes to the same weights.
import type { LessonView } from '../../../shared/domain/learning.ts';
import type { CuratorWeightBook, CuratorWeightMove } from './weights.ts';

export const VENUE_STEP = 0.05;

/** The move the venue weight makes now that `lesson` was made or changed, or null when none is due. */
export function venueWeightForLessons(
  book: CuratorWeightBook,
  lessons: readonly LessonView[],
  lesson: LessonView,
  time: number,
): CuratorWeightMove | null {
  if (lesson.effect.kind !== 'prefer_venue') return null;
  const active = lessons.filter((l) => l.state === 'active' && l.effect.kind === 'prefer_venue').length;
  const offset = VENUE_STEP * active;
  // Already there (a second lesson past the bound, a state change that leaves the count): no move.
  const { min, max } = book.bounds().venue;
  const target = Math.min(max, Math.max(min, book.start().venue + offset));
  if (Math.abs(target - book.weights().venue) < 1e-6) return null;
  const why =
    lesson.state === 'active' ? `lesson ${lesson.id} is active` : `lesson ${lesson.id} is ${lesson.state}`;
  return book.setOffset(
    'venue',
    offset,
    `${why} (${active} active venue lesson${active === 1 ? '' : 's'})`,
    time,
  );
}

/** A move in words, for the operator's notice. */
export function weightMoveText(move: CuratorWeightMove): string {
  const f = (x: number) => x.toFixed(3);
  return `${move.curator} curator weight ${f(move.before[move.curator])} -> ${f(move.after[move.curator])}: ${move.reason}`;
}
