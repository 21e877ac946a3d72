// The venue curator: how the plan's venue has executed this order type, from its strands. Cost and
// completion both count: (1 - slippage / 20 bps, within 0..1) x fill ratio, so 0 bps (or price
// improvement) fully filled is 1 and 20 bps or worse is 0. Below the evidence a braid needs
// (learning.minEvidence, 20 by default) the venue is not judged: a tiny sample says little.
import { type CuratorAnswer, clamp01, isFiniteNumber, neutral, round6 } from './answer.ts';

/** The venue's measured quality for the plan's venue and entry type (the Execution quality view's row). */
export interface VenueQuality {
  /** Strands measured. */
  n: number;
  /** Mean arrival slippage, bps, positive = cost to the trader. */
  meanSlippageBps: number;
  /** Filled / planned, 0..1. */
  fillRatio: number;
}

/** Slippage at which the cost part reaches 0. */
export const SLIPPAGE_FLOOR_BPS = 20;
export const DEFAULT_MIN_EVIDENCE = 20;

export function venueCurator(
  venue: string | undefined,
  orderType: string | undefined,
  quality: VenueQuality | null | undefined,
  minEvidence: number = DEFAULT_MIN_EVIDENCE,
): CuratorAnswer {
  const where = `${orderType ?? 'orders'} on ${venue ?? 'its venue'}`;
  if (quality === null || quality === undefined) return neutral(`no measured quality yet for ${where}`);
  const { n, meanSlippageBps: slip, fillRatio } = quality;
  if (!isFiniteNumber(n) || !isFiniteNumber(slip) || !isFiniteNumber(fillRatio))
    return neutral(`the measured quality for ${where} is not a set of numbers`);
  const need = isFiniteNumber(minEvidence) && minEvidence > 0 ? minEvidence : DEFAULT_MIN_EVIDENCE;
  if (n < need) return neutral(`only ${n} strands for ${where}, fewer than ${need}`);
  const cost = clamp01(1 - slip / SLIPPAGE_FLOOR_BPS);
  const value = round6(cost * clamp01(fillRatio));
  return {
    value,
    why: `${where} slipped ${slip.toFixed(1)} bps on average and filled ${(clamp01(fillRatio) * 100).toFixed(0)} % (n = ${n})`,
  };
}
