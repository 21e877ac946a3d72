// What a door answers for each upstream plan (desk.md "Upstream plans: one shape everywhere"): taken in by
// the engine, refused with the engine's reason code, or a plan id seen before (ignored, noted once).
export type PlanOutcome =
  /** Recorded by the engine: `status` is where it went (pending_approval, armed, working, open...). */
  | { id: string; outcome: 'accepted'; status: string }
  /** `id` null when the plan has none that could be read; `reason` is a code, `message` says why. */
  | { id: string | null; outcome: 'rejected'; reason: string; message: string }
  /** An id the engine has seen before: nothing changed; `status` is that plan's now. */
  | { id: string; outcome: 'duplicate'; status: string };

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
