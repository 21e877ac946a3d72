// Curators (the seed notes' execution, venue, risk and position curators): each gives a plan a
// contribution in [0, 1] from what Braid knows; the weighted sum is the plan's score, shown with its
// breakdown in the approval queue, and `approval.autoAboveScore` executes plans above it without a click.
// Pure: the facts in, the score out. Not wired into the approval queue yet.

export type CuratorName = 'execution' | 'venue' | 'risk' | 'position';

export interface CuratorFacts {
  /** The plan's own confidence, 0 to 1 (absent: no opinion, 0.5). */
  confidence?: number;
  /** The venue's measured mean arrival slippage, bps (absent: nothing measured yet). */
  venueSlippageBps?: number | null;
  /** Cash at risk if the stop is hit, as a share of what the risk rule allows (0 to 1 and beyond). */
  riskUsed: number;
  /** Open positions against the most allowed (0 to 1). */
  exposure: number;
}

export type CuratorWeights = Record<CuratorName, number>;

export const DEFAULT_WEIGHTS: CuratorWeights = { execution: 0.25, venue: 0.25, risk: 0.25, position: 0.25 };

/** Slippage at which the venue curator gives nothing. */
const WORST_SLIPPAGE_BPS = 50;

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

export interface Score {
  score: number;
  breakdown: Record<CuratorName, { contribution: number; weight: number }>;
}

export function scorePlan(facts: CuratorFacts, weights: CuratorWeights = DEFAULT_WEIGHTS): Score {
  const contribution: Record<CuratorName, number> = {
    execution: clamp01(facts.confidence ?? 0.5),
    venue:
      facts.venueSlippageBps === undefined || facts.venueSlippageBps === null
        ? 0.5
        : clamp01(1 - facts.venueSlippageBps / WORST_SLIPPAGE_BPS),
    risk: clamp01(1 - facts.riskUsed),
    position: clamp01(1 - facts.exposure),
  };
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  const names = Object.keys(contribution) as CuratorName[];
  const score = total > 0 ? names.reduce((a, n) => a + (weights[n] / total) * contribution[n], 0) : 0;
  return {
    score,
    breakdown: Object.fromEntries(
      names.map((n) => [n, { contribution: contribution[n], weight: total > 0 ? weights[n] / total : 0 }]),
    ) as Score['breakdown'],
  };
}

/** Above the configured score a plan executes without a click; absent, never. */
export const autoApproves = (score: Score, threshold: number | undefined) =>
  threshold !== undefined && score.score > threshold;

/** A weight moved by a lesson stays within [min, max] of its start; each move is the caller's to log. */
export function moveWeight(
  weights: CuratorWeights,
  name: CuratorName,
  by: number,
  bounds: { min: number; max: number } = { min: 0.05, max: 0.6 },
): CuratorWeights {
  return { ...weights, [name]: Math.min(bounds.max, Math.max(bounds.min, weights[name] + by)) };
}
