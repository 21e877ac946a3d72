// What a queued plan puts at risk: |entry reference - stop| x quantity, exactly (big.js).
import { DEFAULT_CONFIG, DEFAULT_LOT } from '../../../../shared/domain/config.ts';
import { dec, floorToLot, min } from '../../../../shared/domain/decimal.ts';
import type { PlanRecord } from '../../../../shared/domain/plan.ts';

export interface PlanSize {
  quantity: string;
  /** The engine sizes at approval: until then this is the renderer's preview of its rule. */
  estimated: boolean;
}

/** The entry price, or the symbol's last price for a market / conditional entry. */
export function entryReference(plan: PlanRecord, lastPrice: string | undefined): string | null {
  return plan.input.entry.price ?? lastPrice ?? plan.preview?.ref ?? null;
}

/**
 * The engine's sizing rule (replay.md "Sizing and risk") with the default risk settings:
 * min(equity x riskPct / |ref - stop|, equity x maxPositionPct / ref), floored to a whole lot.
 * The snapshot carries neither the risk settings nor the instrument lot, hence "estimated".
 */
export function previewQuantity(
  plan: PlanRecord,
  lastPrice: string | undefined,
  equity: string | undefined,
): string | null {
  const ref = entryReference(plan, lastPrice);
  if (ref === null || equity === undefined) return null;
  try {
    const { riskPct, maxPositionPct } = DEFAULT_CONFIG.risk;
    const r = dec(ref);
    if (r.lte(0)) return null;
    let q = dec(equity).times(maxPositionPct).div(r);
    const stop = plan.input.stopLoss;
    if (stop !== undefined) {
      const perUnit = r.minus(stop).abs();
      if (perUnit.gt(0)) q = min(q, dec(equity).times(riskPct).div(perUnit));
    }
    return floorToLot(q, dec(DEFAULT_LOT)).toString();
  } catch {
    return null;
  }
}

export function planSize(plan: PlanRecord, lastPrice?: string, equity?: string): PlanSize | null {
  const given = plan.quantity ?? plan.input.quantity;
  if (given !== undefined) return { quantity: given, estimated: false };
  // The engine's own preview (real risk settings and lot) when it sent one; else the default rule.
  const preview = plan.preview?.quantity ?? previewQuantity(plan, lastPrice, equity);
  return preview === null ? null : { quantity: preview, estimated: true };
}

export function planQuantity(plan: PlanRecord): string | null {
  return plan.quantity ?? plan.input.quantity ?? null;
}

export function planRisk(plan: PlanRecord, lastPrice: string | undefined, equity?: string): string | null {
  const ref = entryReference(plan, lastPrice);
  const quantity = planSize(plan, lastPrice, equity)?.quantity ?? null;
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
