// The door every upstream plan goes through, whatever brought it (HTTP, the inbox): a batch of raw plans
// in, one outcome per plan out, in order. Never throws: a door that cannot answer returns an error Result
// and the caller keeps the plans to try again (the inbox) or says so (HTTP).
import { err, ok, type Result } from '../../shared/result.ts';
import type { EnginePort } from '../engine/port.ts';
import type { HostHandle } from '../host/types.ts';
import type { PlanOutcome } from './plan-outcome.ts';
import { MAX_PLANS_PER_CALL, submitUpstreamPlans } from './upstream-plans.ts';

export type PlanDoor = (plans: readonly unknown[]) => Promise<Result<PlanOutcome[]>>;

/** The contract command the host answers upstream plans with (src/shared/schemas.ts). */
export const SUBMIT_PLANS = 'submitPlans';

const OUTCOMES = new Set(['accepted', 'rejected', 'duplicate']);

function isOutcomes(value: unknown, count: number): value is PlanOutcome[] {
  return (
    Array.isArray(value) &&
    value.length === count &&
    value.every(
      (o) =>
        typeof o === 'object' && o !== null && OUTCOMES.has((o as { outcome?: unknown }).outcome as string),
    )
  );
}

/**
 * Through the engine host (its command queue, so plans never interleave with the operator's commands),
 * wherever the host runs: the `braid serve` worker thread, the desktop app's.
 */
export function hostDoor(host: HostHandle): PlanDoor {
  return async (plans) => {
    const outcomes: PlanOutcome[] = [];
    for (let start = 0; start < plans.length; start += MAX_PLANS_PER_CALL) {
      const chunk = plans.slice(start, start + MAX_PLANS_PER_CALL);
      const result = await host.invoke(SUBMIT_PLANS, { plans: chunk });
      if (!result.ok) {
        if (result.error.code === 'unknown_command')
          return err(
            'door_unavailable',
            `this engine host does not take upstream plans (no ${SUBMIT_PLANS} command): nothing was submitted`,
          );
        return result;
      }
      if (!isOutcomes(result.value, chunk.length))
        return err('internal', `${SUBMIT_PLANS} answered something else than one outcome per plan`);
      outcomes.push(...result.value);
    }
    return ok(outcomes);
  };
}

/**
 * Straight to an engine in this thread (an embedding that holds the engine itself, tests). Calls run one
 * at a time, and the engine is synchronous: a batch never interleaves with another.
 */
export function engineDoor(
  engine: Pick<EnginePort, 'submitPlan' | 'subscribe'>,
  now: () => number,
): PlanDoor {
  return async (plans) => {
    try {
      return ok(submitUpstreamPlans(engine, plans, now()));
    } catch (error) {
      return err(
        'internal',
        `submitting plans failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
}
