// The curators' weight book: weights start from the config and move only by lessons, each move within
// bounds and logged. Every weight stays within [minFactor, maxFactor] x its start (0.5x to 2x by
// default) and the weights always sum to 1: the nudged weight moves (as far as its bounds and the
// others' allow), the others share the rest in proportion to where they were, each held to its bounds.
import type { CuratorName } from '../../../shared/domain/plan.ts';
import { isFiniteNumber, round6 } from './answer.ts';
import { CURATORS, type CuratorWeights, normaliseWeights } from './score.ts';

export interface WeightBounds {
  minFactor: number;
  maxFactor: number;
}

export const DEFAULT_WEIGHT_BOUNDS: WeightBounds = { minFactor: 0.5, maxFactor: 2 };

/** One logged move: what a lesson asked, what it got, and why (the journal's record). */
export interface CuratorWeightMove {
  curator: CuratorName;
  /** The change asked for. */
  delta: number;
  before: CuratorWeights;
  after: CuratorWeights;
  /** A bound (or a bad request) kept the move smaller than asked. */
  limited: boolean;
  reason: string;
  time: number;
}

export interface CuratorWeightBook {
  /** The weights now (sum 1). */
  weights(): CuratorWeights;
  /** The weights at the start (sum 1) and each one's bounds. */
  start(): CuratorWeights;
  bounds(): Record<CuratorName, { min: number; max: number }>;
  nudge(curator: CuratorName, delta: number, reason: string, time: number): CuratorWeightMove;
  /** The curator's weight set to `start + offset` (within its bounds), the others shared from their
   *  start: the weights follow from the offset alone, whatever moves came before (a restart, a replay
   *  resumed, come to the same figures). */
  setOffset(curator: CuratorName, offset: number, reason: string, time: number): CuratorWeightMove;
  /** Every move so far, oldest first. */
  moves(): readonly CuratorWeightMove[];
  /** Back to weights read from the journal or a checkpoint (the last move's `after`): taken only when
   *  each is within its bounds and they sum to 1; false (and nothing changes) otherwise. */
  restore(weights: Partial<Record<string, unknown>>): boolean;
}

const EPS = 1e-12;

/** Scales `rest` to sum to `target`, each held to its bounds; clamped ones drop out and the others
 *  take up the difference (at most one round per curator). */
function share(
  rest: CuratorName[],
  from: CuratorWeights,
  target: number,
  lo: CuratorWeights,
  hi: CuratorWeights,
): Partial<CuratorWeights> {
  const out: Partial<CuratorWeights> = {};
  let free = [...rest];
  let left = target;
  for (let round = 0; round <= rest.length && free.length > 0; round++) {
    const base = free.reduce((s, c) => s + from[c], 0);
    const scale = base > EPS ? left / base : 0;
    const held = free.filter((c) => {
      const v = base > EPS ? from[c] * scale : left / free.length;
      return v < lo[c] - EPS || v > hi[c] + EPS;
    });
    if (held.length === 0) {
      for (const c of free) out[c] = base > EPS ? from[c] * scale : left / free.length;
      return out;
    }
    for (const c of held) {
      const v = base > EPS ? from[c] * scale : left / free.length;
      out[c] = v < lo[c] ? lo[c] : hi[c];
      left -= out[c]!;
    }
    free = free.filter((c) => !held.includes(c));
  }
  return out;
}

export function createCuratorWeights(
  initial?: Partial<Record<string, unknown>> | null,
  bounds: WeightBounds = DEFAULT_WEIGHT_BOUNDS,
): CuratorWeightBook {
  const okBounds =
    isFiniteNumber(bounds?.minFactor) &&
    isFiniteNumber(bounds?.maxFactor) &&
    bounds.minFactor >= 0 &&
    bounds.minFactor <= 1 &&
    bounds.maxFactor >= 1;
  const b = okBounds ? bounds : DEFAULT_WEIGHT_BOUNDS;
  const start = normaliseWeights(initial);
  const lo = {} as CuratorWeights;
  const hi = {} as CuratorWeights;
  for (const c of CURATORS) {
    lo[c] = start[c] * b.minFactor;
    hi[c] = start[c] * b.maxFactor;
  }
  let now: CuratorWeights = { ...start };
  const log: CuratorWeightMove[] = [];

  /** `from` with the curator at `wanted`: held to its bounds and to what the others can give or take
   *  within theirs; the others share the rest in proportion to `from`. */
  const moveFrom = (from: CuratorWeights, curator: CuratorName, wanted: number) => {
    const rest = CURATORS.filter((c) => c !== curator);
    const restLo = rest.reduce((s, c) => s + lo[c], 0);
    const restHi = rest.reduce((s, c) => s + hi[c], 0);
    const target = Math.min(hi[curator], 1 - restLo, Math.max(lo[curator], 1 - restHi, wanted));
    const next = { ...from, ...share(rest, from, 1 - target, lo, hi), [curator]: target } as CuratorWeights;
    return { next, limited: Math.abs(target - wanted) > 1e-9 };
  };

  const tidy = (w: CuratorWeights): CuratorWeights => {
    const out = {} as CuratorWeights;
    for (const c of CURATORS) out[c] = round6(w[c]);
    return out;
  };

  return {
    weights: () => tidy(now),
    start: () => tidy(start),
    bounds: () => {
      const out = {} as Record<CuratorName, { min: number; max: number }>;
      for (const c of CURATORS) out[c] = { min: round6(lo[c]), max: round6(hi[c]) };
      return out;
    },
    moves: () => log,
    restore(weights) {
      const next = {} as CuratorWeights;
      for (const c of CURATORS) {
        const w = weights?.[c];
        if (!isFiniteNumber(w) || w < lo[c] - 1e-6 || w > hi[c] + 1e-6) return false;
        next[c] = w;
      }
      if (Math.abs(CURATORS.reduce((sum, c) => sum + next[c], 0) - 1) > 1e-5) return false;
      now = next;
      return true;
    },
    nudge(curator, delta, reason, time) {
      const before = tidy(now);
      const known = (CURATORS as readonly string[]).includes(curator);
      if (!known || !isFiniteNumber(delta)) {
        const move: CuratorWeightMove = {
          curator,
          delta: isFiniteNumber(delta) ? delta : 0,
          before,
          after: before,
          limited: true,
          reason: `${reason} (no move: ${known ? 'the change is not a number' : `no curator ${String(curator)}`})`,
          time,
        };
        log.push(move);
        return move;
      }
      const { next, limited } = moveFrom(now, curator, now[curator] + delta);
      now = next;
      const move: CuratorWeightMove = { curator, delta, before, after: tidy(now), limited, reason, time };
      log.push(move);
      return move;
    },
    setOffset(curator, offset, reason, time) {
      const before = tidy(now);
      const { next, limited } = moveFrom(start, curator, start[curator] + offset);
      const delta = next[curator] - now[curator];
      now = next;
      const move: CuratorWeightMove = { curator, delta, before, after: tidy(now), limited, reason, time };
      log.push(move);
      return move;
    },
  };
}
