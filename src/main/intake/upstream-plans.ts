// The engine side of every upstream door (HTTP, the inbox, later the desk): each raw plan goes through the
// engine's own submitPlan, which reads it with the one plan schema and judges it, and is idempotent on the
// plan id. What the engine did is read from what it emitted during the call (it emits synchronously): a
// plan event for that id means it was recorded now (its status and reason are there), none means the id
// was known already (a duplicate, which the engine notes once).

import type { EngineEvent } from '../../shared/domain/engine-view.ts';
import { JournalRecordDamaged } from '../engine/journal/errors.ts';
import type { EnginePort } from '../engine/port.ts';
import type { PlanOutcome } from './plan-outcome.ts';

/** Plans one call takes: a webhook batch, not a bulk load (each is a journaled command). */
export const MAX_PLANS_PER_CALL = 1000;

/** Statuses a plan can have on arrival that mean it will not trade: rejected, or expired on arrival. */
const REFUSED = new Set(['rejected', 'expired']);

function idOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : null;
}

/** One plan through the engine. Never throws. */
export function submitUpstreamPlan(
  engine: Pick<EnginePort, 'submitPlan' | 'subscribe'>,
  raw: unknown,
  now: number,
): PlanOutcome {
  const seen: EngineEvent[] = [];
  const unsubscribe = engine.subscribe((event) => seen.push(event));
  let result: ReturnType<EnginePort['submitPlan']>;
  try {
    result = engine.submitPlan(raw, now);
  } catch (error) {
    return {
      id: idOf(raw),
      outcome: 'rejected',
      reason: error instanceof JournalRecordDamaged ? 'journal_damaged' : 'internal',
      message: `the engine failed on this plan: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    unsubscribe();
  }
  if (!result.ok)
    return { id: idOf(raw), outcome: 'rejected', reason: result.error.code, message: result.error.message };
  const { planId, status } = result.value;
  const record = seen.flatMap((e) => (e.type === 'plan' && e.plan.id === planId ? [e.plan] : [])).at(-1);
  if (record === undefined) return { id: planId, outcome: 'duplicate', status };
  if (!REFUSED.has(status)) return { id: planId, outcome: 'accepted', status };
  const reason = String(record.reason ?? status);
  // The engine's notice for this rejection says what was wrong in words.
  const notice = seen.find(
    (e) => e.type === 'notice' && e.notice.planId === planId && e.notice.code === reason,
  );
  const message = notice?.type === 'notice' ? notice.notice.message : `plan ${planId} ${status}: ${reason}`;
  return { id: planId, outcome: 'rejected', reason, message };
}

/** A batch, one plan after another, in the order given. */
export function submitUpstreamPlans(
  engine: Pick<EnginePort, 'submitPlan' | 'subscribe'>,
  plans: readonly unknown[],
  now: number,
): PlanOutcome[] {
  return plans.map((raw) => submitUpstreamPlan(engine, raw, now));
}
