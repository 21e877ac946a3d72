// The execution curator: the plan's own confidence (replay.md's `confidence`, 0 to 1) is its value;
// a plan that says nothing is neutral.
import type { PlanInput } from '../../../shared/domain/plan.ts';
import { type CuratorAnswer, clamp01, isFiniteNumber, neutral, round6 } from './answer.ts';

export function executionCurator(plan: Pick<PlanInput, 'confidence'> | undefined): CuratorAnswer {
  const c = plan?.confidence;
  if (c === undefined) return neutral('the plan gives no confidence');
  if (!isFiniteNumber(c)) return neutral('the plan’s confidence is not a number');
  const value = round6(clamp01(c));
  return { value, why: `the plan’s confidence is ${value.toFixed(2)}` };
}
