// The ticket's preview: the plan as the engine would size and check it now, each problem beside the field
// it is about. Nothing is recorded, no event is sent.
import { dec, str } from '../../../shared/domain/decimal.ts';
import type { PlanInput, PlanPreview } from '../../../shared/domain/plan.ts';
import type { EngineParts } from '../parts.ts';
import { FieldError } from '../validation.ts';
import { checkBracketSides, entryRef, parsePlanInput, validatePlan } from './plan-input.ts';

export function previewPlan(p: EngineParts, raw: unknown): PlanPreview {
  const none: PlanPreview = { quantity: null, ref: null, notional: null, risk: null, problems: [] };
  let input: PlanInput;
  try {
    input = parsePlanInput(raw);
  } catch (e) {
    if (e instanceof FieldError)
      return { ...none, problems: [{ field: e.field, code: 'invalid_plan', message: e.message }] };
    throw e;
  }
  const problems: PlanPreview['problems'] = [];
  const last = p.portfolio.lastClose.get(input.symbol);
  const ref = input.condition
    ? dec(input.entry.price ?? input.condition.price)
    : entryRef(input, last === undefined ? undefined : dec(last));
  const rejection = validatePlan(input, {
    knownSymbol: p.symbols.has(input.symbol),
    knownVenue: p.router.knownVenue(input.venue),
    dayOrders: p.router.dayOrders(input),
    lot: dec(p.gate.lotOf(input.symbol)),
    ref,
  });
  if (rejection)
    problems.push({ field: fieldOf(rejection.reason), code: rejection.reason, message: rejection.detail });
  if (ref === undefined) {
    if (!rejection)
      problems.push({ field: 'entry', code: 'no_price', message: `no price yet for ${input.symbol}` });
    return { ...none, problems };
  }
  const sides = rejection ? null : checkBracketSides(input, ref);
  if (sides) problems.push({ field: fieldOf(sides.reason), code: sides.reason, message: sides.detail });
  const qty = p.gate.sizeFor(input, ref);
  const lot = dec(p.gate.lotOf(input.symbol));
  const notional = qty.times(ref);
  if (qty.lt(lot)) {
    problems.push({
      field: 'quantity',
      code: 'size_below_min',
      message: `sized quantity ${str(qty)} is below one lot (${str(lot)})`,
    });
  } else if (problems.length === 0) {
    const { reason, detail } = p.gate.entryRisk(input, qty, ref);
    if (reason) problems.push({ field: fieldOf(reason), code: reason, message: detail });
  }
  const stopDistance = input.stopLoss === undefined ? null : ref.minus(input.stopLoss).abs();
  return {
    quantity: str(qty),
    ref: str(ref),
    notional: str(notional),
    risk: stopDistance === null ? null : str(stopDistance.times(qty)),
    problems,
  };
}

/** The plan field a reason code is about, so a ticket can show the problem beside its input. */
function fieldOf(reason: string): string {
  switch (reason) {
    case 'unknown_symbol':
      return 'symbol';
    case 'unknown_venue':
    case 'venue_unavailable':
      return 'venue';
    case 'invalid_quantity':
    case 'size_below_min':
      return 'quantity';
    case 'invalid_price':
      return 'entry.price';
    case 'invalid_stop_loss':
      return 'stopLoss';
    case 'invalid_take_profit':
      return 'takeProfit';
    case 'invalid_trail':
      return 'trailPct';
    case 'time_in_force_unsupported':
      return 'timeInForce';
    default:
      return 'plan';
  }
}
