// The plan's score (the seed notes' curated score): each curator's value in [0, 1] from what Braid knows
// at the plan's arrival, weighted; the weighted sum is the total. Above the configured threshold
// (strictly) the plan executes without a click.
import type { CuratorName, PlanInput, PlanScore } from '../../../shared/domain/plan.ts';
import { type CuratorAnswer, isFiniteNumber, neutral, round6 } from './answer.ts';
import { executionCurator } from './execution.ts';
import { type Exposure, positionCurator } from './position.ts';
import { type RiskUsed, riskCurator } from './risk.ts';
import { type VenueQuality, venueCurator } from './venue.ts';

export const CURATORS: readonly CuratorName[] = ['execution', 'venue', 'risk', 'position'];

export type CuratorWeights = Record<CuratorName, number>;

/** What Braid knows when the plan arrives, passed in (the curators read nothing themselves). */
export interface CuratorInputs {
  plan: Pick<PlanInput, 'confidence' | 'entry'>;
  /** The venue the plan goes to. */
  venue: string;
  /** Measured quality for that venue and the plan's entry type; null while unknown. */
  quality: VenueQuality | null;
  /** Strands needed before a venue is judged (learning.minEvidence). */
  minEvidence?: number;
  risk: RiskUsed | null;
  exposure: Exposure | null;
}

/** Weights that sum to 1: the given ones (a missing, negative or non-number weight reads as 0), or
 *  equal when nothing usable is given. */
export function normaliseWeights(given?: Partial<Record<string, unknown>> | null): CuratorWeights {
  const raw = CURATORS.map((c) => {
    const w = given?.[c];
    return isFiniteNumber(w) && w > 0 ? w : 0;
  });
  const sum = raw.reduce((a, b) => a + b, 0);
  const equal = 1 / CURATORS.length;
  const out = {} as CuratorWeights;
  CURATORS.forEach((c, i) => {
    out[c] = sum > 0 && Number.isFinite(sum) ? raw[i]! / sum : equal;
  });
  return out;
}

/** Each curator's answer for the inputs; a curator that cannot read its input answers neutral. */
export function curatorAnswers(inputs: CuratorInputs | null | undefined): Record<CuratorName, CuratorAnswer> {
  if (inputs === null || inputs === undefined || typeof inputs !== 'object') {
    const none = neutral('nothing known about the plan');
    return { execution: none, venue: none, risk: none, position: none };
  }
  return {
    execution: executionCurator(inputs.plan),
    venue: venueCurator(inputs.venue, inputs.plan?.entry?.type, inputs.quality, inputs.minEvidence),
    risk: riskCurator(inputs.risk),
    position: positionCurator(inputs.exposure),
  };
}

/** The weighted sum of the curators' values, with each part (value, normalised weight, why). */
export function scorePlan(
  inputs: CuratorInputs | null | undefined,
  weights?: Partial<Record<string, unknown>> | null,
): PlanScore {
  const w = normaliseWeights(weights);
  const answers = curatorAnswers(inputs);
  const parts = CURATORS.map((curator) => ({
    curator,
    value: answers[curator].value,
    weight: round6(w[curator]),
    why: answers[curator].why,
  }));
  const total = round6(CURATORS.reduce((sum, c) => sum + w[c] * answers[c].value, 0));
  return { total, parts };
}

/** Strictly above the threshold; no threshold, no score or a non-number: no. */
export function autoApproves(
  score: PlanScore | null | undefined,
  threshold: number | null | undefined,
): boolean {
  return isFiniteNumber(threshold) && isFiniteNumber(score?.total) && score.total > threshold;
}

/** The reason recorded with an approval the score gave (the same path as a click). */
export function autoApprovalReason(score: PlanScore, threshold: number): string {
  return `auto-approved: the curators' score ${score.total.toFixed(2)} is above ${threshold}`;
}
