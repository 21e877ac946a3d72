// Reads an upstream plan with the shared plan schema (src/shared/input-schema.ts). Shape errors (a missing
// id, a field of the wrong type, an unknown key or enum value, a price on a market entry, a confidence
// outside 0..1, a time outside 1970-2100, an over-long id) make the input unreadable: FieldError, and the
// file line or API call is refused. Values that parse but are not acceptable (a negative quantity, a stop
// on the wrong side) are judged by validatePlan and the plan is recorded as rejected with a reason code:
// the run goes on.
import { type Dec, dec, str } from '../../../shared/domain/decimal.ts';
import type { PlanInput, RejectReason } from '../../../shared/domain/plan.ts';
import { type UpstreamPlan, upstreamPlanSchema } from '../../../shared/input-schema.ts';
import { parseWith } from '../validation.ts';

/** Throws FieldError (field paths start with `prefix`, e.g. "plan.entry.price") for an unreadable plan. */
export function parsePlanInput(raw: unknown, prefix = 'plan.'): PlanInput {
  return planInputOf(
    parseWith(
      upstreamPlanSchema,
      raw,
      prefix.split('.').filter((k) => k !== ''),
    ),
  );
}

/** The engine's PlanInput from a plan the schema read. */
export function planInputOf(p: UpstreamPlan): PlanInput {
  // Built key by key, in the order plans have always been journaled, leaving absent fields out.
  const plan: PlanInput = { id: p.id, symbol: p.symbol, side: p.side, entry: { type: p.entry.type } };
  if (p.entry.price !== undefined) plan.entry.price = p.entry.price;
  if (p.condition !== undefined) plan.condition = { kind: p.condition.kind, price: p.condition.price };
  for (const key of ['stopLoss', 'takeProfit', 'trailPct', 'quantity'] as const) {
    const v = p[key];
    if (v !== undefined) plan[key] = v;
  }
  if (p.confidence !== undefined) plan.confidence = p.confidence;
  if (p.expected !== undefined) {
    const expected: NonNullable<PlanInput['expected']> = {};
    if (p.expected.returnPct !== undefined) expected.returnPct = p.expected.returnPct;
    if (p.expected.holdMinutes !== undefined) expected.holdMinutes = p.expected.holdMinutes;
    plan.expected = expected;
  }
  if (p.expiresAt !== undefined) plan.expiresAt = p.expiresAt;
  if (p.venue !== undefined) plan.venue = p.venue;
  if (p.timeframe !== undefined) plan.timeframe = p.timeframe;
  if (p.timeInForce !== undefined) plan.timeInForce = p.timeInForce;
  if (p.outsideRth !== undefined) plan.outsideRth = p.outsideRth;
  return plan;
}

export interface PlanRejection {
  reason: RejectReason;
  detail: string;
}

/** The price the entry is judged and sized against: the limit or stop price, else the reference given. */
export function entryRef(plan: PlanInput, lastClose: Dec | undefined): Dec | undefined {
  if (plan.entry.price !== undefined) return dec(plan.entry.price);
  return lastClose;
}

/** Semantic checks at intake: a plan that fails one is rejected with the reason code. */
export function validatePlan(
  plan: PlanInput,
  ctx: { knownSymbol: boolean; knownVenue: boolean; dayOrders: boolean; lot: Dec; ref: Dec | undefined },
): PlanRejection | null {
  if (!ctx.knownSymbol)
    return { reason: 'unknown_symbol', detail: `no instrument or prices for ${plan.symbol}` };
  if (!ctx.knownVenue) return { reason: 'unknown_venue', detail: `venue ${plan.venue} is not connected` };
  if (plan.timeInForce === 'DAY' && !ctx.dayOrders)
    return {
      reason: 'time_in_force_unsupported',
      detail: `venue ${plan.venue ?? '(default)'} has good-till-cancelled orders only, not DAY`,
    };
  if (plan.quantity !== undefined) {
    const q = dec(plan.quantity);
    if (q.lte(0)) return { reason: 'invalid_quantity', detail: `quantity ${plan.quantity} must be positive` };
    if (!q.mod(ctx.lot).eq(0)) {
      return {
        reason: 'invalid_quantity',
        detail: `quantity ${plan.quantity} is not a multiple of the lot ${str(ctx.lot)}`,
      };
    }
  }
  for (const [name, value] of [
    ['entry.price', plan.entry.price],
    ['condition.price', plan.condition?.price],
    ['stopLoss', plan.stopLoss],
    ['takeProfit', plan.takeProfit],
  ] as const) {
    if (value !== undefined && dec(value).lte(0))
      return { reason: 'invalid_price', detail: `${name} must be positive` };
  }
  if (plan.trailPct !== undefined) {
    const t = dec(plan.trailPct);
    if (t.lte(0) || t.gte(1)) return { reason: 'invalid_trail', detail: 'trailPct must be between 0 and 1' };
  }
  return checkBracketSides(plan, ctx.ref);
}

/** Stop-loss below and take-profit above a long's entry (the reverse for a short). */
export function checkBracketSides(plan: PlanInput, ref: Dec | undefined): PlanRejection | null {
  const anchor = ref ?? (plan.condition ? dec(plan.condition.price) : undefined);
  if (anchor === undefined) return null;
  const long = plan.side === 'buy';
  if (plan.stopLoss !== undefined) {
    const sl = dec(plan.stopLoss);
    if (long ? sl.gte(anchor) : sl.lte(anchor)) {
      return {
        reason: 'invalid_stop_loss',
        detail: `stopLoss ${plan.stopLoss} is on the wrong side of the entry ${anchor.toString()} for a ${plan.side}`,
      };
    }
  }
  if (plan.takeProfit !== undefined) {
    const tp = dec(plan.takeProfit);
    if (long ? tp.lte(anchor) : tp.gte(anchor)) {
      return {
        reason: 'invalid_take_profit',
        detail: `takeProfit ${plan.takeProfit} is on the wrong side of the entry ${anchor.toString()} for a ${plan.side}`,
      };
    }
  }
  return null;
}
