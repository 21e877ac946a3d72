// What a door answers for each upstream plan (desk.md "Upstream plans: one shape everywhere"): taken in by
// the engine, refused with the engine's reason code, or a plan id seen before (ignored, noted once).
import type { UpstreamPlanOutcome } from '../../shared/contract.ts';

/** One plan's outcome as the contract's submitPlans answers it. */
export type PlanOutcome = UpstreamPlanOutcome;

export type PlanOutcomeKind = PlanOutcome['outcome'];

/** The answer to a batch as a caller reads it: each kind listed, and every outcome in the order sent. */
export interface PlanBatchAnswer {
  accepted: string[];
  rejected: { index: number; id: string | null; reason: string; message: string }[];
  duplicates: string[];
  plans: PlanOutcome[];
}

export function batchAnswer(outcomes: readonly PlanOutcome[]): PlanBatchAnswer {
  const answer: PlanBatchAnswer = { accepted: [], rejected: [], duplicates: [], plans: [...outcomes] };
  outcomes.forEach((o, index) => {
    if (o.outcome === 'accepted') answer.accepted.push(o.id);
    else if (o.outcome === 'duplicate') answer.duplicates.push(o.id);
    else answer.rejected.push({ index, id: o.id, reason: o.reason, message: o.message });
  });
  return answer;
}
