// Position sizing (replay.md "Sizing and risk"): risk a fixed share of equity between entry and stop,
// capped by a share of equity in one position, floored to the lot (never rounded up past the budget).
import { type Dec, dec, floorToLot, min } from '../../../shared/domain/decimal.ts';

export interface SizingInput {
  equity: Dec;
  riskPct: Dec;
  maxPositionPct: Dec;
  ref: Dec;
  stopLoss?: Dec;
  lot: Dec;
}

export function sizePosition(s: SizingInput): Dec {
  const byPosition = s.equity.times(s.maxPositionPct).div(s.ref);
  let qty = byPosition;
  if (s.stopLoss !== undefined) {
    const perUnitRisk = s.ref.minus(s.stopLoss).abs();
    if (perUnitRisk.gt(0)) qty = min(s.equity.times(s.riskPct).div(perUnitRisk), byPosition);
  }
  return floorToLot(qty, s.lot);
}

/** Cash at risk if the stop is hit: |ref - stop| x quantity (the approval queue shows it). */
export function riskAmount(ref: Dec, stopLoss: string | undefined, quantity: Dec): Dec | null {
  return stopLoss === undefined ? null : ref.minus(dec(stopLoss)).abs().times(quantity);
}
