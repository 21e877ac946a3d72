// What a queued plan shows: the engine's own sizing (plan.preview, sized at arrival with the real risk
// settings and lot) and what that size puts at risk. Nothing here sizes a plan: the engine does.
import { dec } from '../../../../shared/domain/decimal.ts';
import type { PlanRecord } from '../../../../shared/domain/plan.ts';

export interface PlanSize {
  quantity: string;
  /** The engine's preview at arrival: it sizes again when the plan is approved. */
  estimated: boolean;
}

/** The plan's quantity: sized, given by the plan, or else the engine's preview. */
export function planSize(plan: PlanRecord): PlanSize | null {
  const given = plan.quantity ?? plan.input.quantity;
  if (given !== undefined) return { quantity: given, estimated: false };
  const preview = plan.preview?.quantity;
  return preview === undefined ? null : { quantity: preview, estimated: true };
}

/** The entry price the engine sized against: the plan's own price, else the engine's reference. */
export function entryReference(plan: PlanRecord): string | null {
  return plan.input.entry.price ?? plan.preview?.ref ?? null;
}

/** |entry reference - stop| x quantity, exactly (big.js); null without a stop or a size. */
export function planRisk(plan: PlanRecord): string | null {
  const ref = entryReference(plan);
  const quantity = planSize(plan)?.quantity ?? null;
  const stop = plan.input.stopLoss;
  if (ref === null || quantity === null || stop === undefined) return null;
  try {
    return dec(ref).minus(stop).abs().times(quantity).toString();
  } catch {
    return null;
  }
}

/** Risk as a percent of equity (the sizing rule's own unit). */
export function riskPctOfEquity(risk: string | null, equity: string | undefined): string | null {
  if (risk === null || equity === undefined) return null;
  try {
    const e = dec(equity);
    return e.lte(0) ? null : dec(risk).div(e).times(100).toString();
  } catch {
    return null;
  }
}
