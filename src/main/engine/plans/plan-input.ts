// Reads an upstream plan. Shape errors (a missing id, a field of the wrong type, an unknown enum value) make
// the input unreadable: FieldError, and the file line or API call is refused. Values that parse but are not
// acceptable (a negative quantity, a stop on the wrong side) are judged by validatePlan and the plan is
// recorded as rejected with a reason code: the run goes on.
import { type Dec, dec } from '../../../shared/domain/decimal.ts';
import type { PlanInput, RejectReason } from '../../../shared/domain/plan.ts';
import { parseTime } from '../../../shared/domain/time.ts';
import { enumField, FieldError, isObject, optionalDecimal, stringField } from '../validation.ts';

export function parsePlanInput(raw: unknown, prefix = 'plan.'): PlanInput {
  if (!isObject(raw)) throw new FieldError(prefix.slice(0, -1), 'must be an object');
  const id = stringField(raw.id, `${prefix}id`);
  const symbol = stringField(raw.symbol, `${prefix}symbol`);
  const side = enumField(raw.side, `${prefix}side`, ['buy', 'sell'] as const);
  const entryRaw = raw.entry ?? { type: 'market' };
  if (!isObject(entryRaw)) throw new FieldError(`${prefix}entry`, 'must be an object');
  const entryType = enumField(entryRaw.type, `${prefix}entry.type`, ['market', 'limit', 'stop'] as const);
  const entryPrice = optionalDecimal(entryRaw, 'price', `${prefix}entry.`);
  if (entryType !== 'market' && entryPrice === undefined) {
    throw new FieldError(`${prefix}entry.price`, `is required for a ${entryType} entry`);
  }
  const plan: PlanInput = { id, symbol, side, entry: { type: entryType } };
  if (entryPrice !== undefined && entryType !== 'market') plan.entry.price = entryPrice;
  if (raw.condition !== undefined && raw.condition !== null) {
    if (!isObject(raw.condition)) throw new FieldError(`${prefix}condition`, 'must be an object');
    const kind = enumField(raw.condition.kind, `${prefix}condition.kind`, [
      'price_above',
      'price_below',
    ] as const);
    const price = optionalDecimal(raw.condition, 'price', `${prefix}condition.`);
    if (price === undefined) throw new FieldError(`${prefix}condition.price`, 'is required');
    plan.condition = { kind, price };
  }
  for (const key of ['stopLoss', 'takeProfit', 'trailPct', 'quantity'] as const) {
    const v = optionalDecimal(raw, key, prefix);
    if (v !== undefined) plan[key] = v;
  }
  if (raw.confidence !== undefined && raw.confidence !== null) {
    if (typeof raw.confidence !== 'number' || !Number.isFinite(raw.confidence)) {
      throw new FieldError(`${prefix}confidence`, 'must be a number');
    }
    plan.confidence = raw.confidence;
  }
  if (raw.expected !== undefined && raw.expected !== null) {
    if (!isObject(raw.expected)) throw new FieldError(`${prefix}expected`, 'must be an object');
    const expected: NonNullable<PlanInput['expected']> = {};
    for (const key of ['returnPct', 'holdMinutes'] as const) {
      const v = raw.expected[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new FieldError(`${prefix}expected.${key}`, 'must be a number');
      expected[key] = v;
    }
    plan.expected = expected;
  }
  if (raw.expiresAt !== undefined && raw.expiresAt !== null) {
    const t = parseTime(raw.expiresAt);
    if (t === null)
      throw new FieldError(`${prefix}expiresAt`, 'must be ISO 8601 with a zone or epoch milliseconds');
    plan.expiresAt = t;
  }
  if (raw.venue !== undefined && raw.venue !== null) plan.venue = stringField(raw.venue, `${prefix}venue`);
  if (raw.timeframe !== undefined && raw.timeframe !== null)
    plan.timeframe = stringField(raw.timeframe, `${prefix}timeframe`);
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
  ctx: { knownSymbol: boolean; knownVenue: boolean; lot: Dec; ref: Dec | undefined },
): PlanRejection | null {
  if (!ctx.knownSymbol)
    return { reason: 'unknown_symbol', detail: `no instrument or prices for ${plan.symbol}` };
  if (!ctx.knownVenue) return { reason: 'unknown_venue', detail: `venue ${plan.venue} is not connected` };
  if (plan.quantity !== undefined) {
    const q = dec(plan.quantity);
    if (q.lte(0)) return { reason: 'invalid_quantity', detail: `quantity ${plan.quantity} must be positive` };
    if (!q.mod(ctx.lot).eq(0)) {
      return { reason: 'invalid_quantity', detail: `quantity ${plan.quantity} is not a multiple of the lot` };
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
