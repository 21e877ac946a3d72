// Reads the engine configuration (replay.md "Config"): every field optional, defaults from DEFAULT_CONFIG,
// every value range-checked so a typo fails loudly with the field's path.
import { type BraidConfig, DEFAULT_CONFIG } from '../../shared/domain/config.ts';
import { dec } from '../../shared/domain/decimal.ts';
import { decimalField, enumField, FieldError, isObject, stringField } from './validation.ts';

function section(raw: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = raw[key];
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new FieldError(key, 'must be an object');
  return v;
}

function decIn(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  fallback: string,
  range: { min?: string; max?: string; minExclusive?: boolean },
): string {
  const v = obj[key];
  if (v === undefined) return fallback;
  const d = decimalField(v, path);
  if (range.min !== undefined && (range.minExclusive ? dec(d).lte(range.min) : dec(d).lt(range.min))) {
    throw new FieldError(path, `must be ${range.minExclusive ? 'above' : 'at least'} ${range.min}`);
  }
  if (range.max !== undefined && dec(d).gt(range.max))
    throw new FieldError(path, `must be at most ${range.max}`);
  return d;
}

function nullableDec(obj: Record<string, unknown>, key: string, path: string, max?: string): string | null {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  const d = decimalField(v, path);
  if (dec(d).lte(0)) throw new FieldError(path, 'must be positive (or null for none)');
  if (max !== undefined && dec(d).gt(max)) throw new FieldError(path, `must be at most ${max}`);
  return d;
}

function intIn(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  fallback: number,
  min: number,
): number {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new FieldError(path, `must be a whole number >= ${min}`);
  }
  return v;
}

/** Parses a raw config object; throws FieldError naming the bad field. */
export function parseConfig(raw: unknown): BraidConfig {
  if (raw === undefined || raw === null) raw = {};
  if (!isObject(raw)) throw new FieldError('config', 'must be a JSON object');
  const d = DEFAULT_CONFIG;
  const account = section(raw, 'account');
  const risk = section(raw, 'risk');
  const pdt = section(raw, 'pdt');
  const venues = section(raw, 'venues');
  const paper = section(venues, 'paper');
  const instrumentsRaw = section(raw, 'instruments');
  const instruments: BraidConfig['instruments'] = {};
  for (const [symbol, spec] of Object.entries(instrumentsRaw)) {
    if (!isObject(spec)) throw new FieldError(`instruments.${symbol}`, 'must be an object');
    instruments[symbol] = {
      lot: decIn(spec, 'lot', `instruments.${symbol}.lot`, '1', { min: '0', minExclusive: true }),
      tick: decIn(spec, 'tick', `instruments.${symbol}.tick`, '0.01', { min: '0', minExclusive: true }),
    };
  }
  const tz = pdt.timezone === undefined ? d.pdt.timezone : stringField(pdt.timezone, 'pdt.timezone');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new FieldError('pdt.timezone', `unknown time zone ${JSON.stringify(tz)}`);
  }
  if (pdt.enabled !== undefined && typeof pdt.enabled !== 'boolean')
    throw new FieldError('pdt.enabled', 'must be true or false');
  return {
    account: {
      cash: decIn(account, 'cash', 'account.cash', d.account.cash, { min: '0' }),
      type:
        account.type === undefined
          ? d.account.type
          : enumField(account.type, 'account.type', ['margin', 'cash'] as const),
      leverage: decIn(account, 'leverage', 'account.leverage', d.account.leverage, {
        min: '0',
        minExclusive: true,
      }),
      currency:
        account.currency === undefined
          ? d.account.currency
          : stringField(account.currency, 'account.currency'),
    },
    approval:
      raw.approval === undefined
        ? d.approval
        : enumField(raw.approval, 'approval', ['auto', 'manual'] as const),
    risk: {
      riskPct: decIn(risk, 'riskPct', 'risk.riskPct', d.risk.riskPct, {
        min: '0',
        minExclusive: true,
        max: '1',
      }),
      maxPositionPct: decIn(risk, 'maxPositionPct', 'risk.maxPositionPct', d.risk.maxPositionPct, {
        min: '0',
        minExclusive: true,
      }),
      maxOpenPositions: intIn(risk, 'maxOpenPositions', 'risk.maxOpenPositions', d.risk.maxOpenPositions, 0),
      maxNotional: nullableDec(risk, 'maxNotional', 'risk.maxNotional'),
      dailyLossLimitPct: nullableDec(risk, 'dailyLossLimitPct', 'risk.dailyLossLimitPct', '1'),
    },
    pdt: {
      enabled: pdt.enabled === undefined ? d.pdt.enabled : (pdt.enabled as boolean),
      minEquity: decIn(pdt, 'minEquity', 'pdt.minEquity', d.pdt.minEquity, { min: '0' }),
      maxDayTrades: intIn(pdt, 'maxDayTrades', 'pdt.maxDayTrades', d.pdt.maxDayTrades, 0),
      timezone: tz,
      method:
        pdt.method === undefined
          ? d.pdt.method
          : enumField(pdt.method, 'pdt.method', ['round_trips'] as const),
    },
    venues: {
      paper: {
        slipBps: decIn(paper, 'slipBps', 'venues.paper.slipBps', d.venues.paper.slipBps, { min: '0' }),
        takerFeeBps: decIn(paper, 'takerFeeBps', 'venues.paper.takerFeeBps', d.venues.paper.takerFeeBps, {
          min: '0',
        }),
        makerFeeBps: decIn(paper, 'makerFeeBps', 'venues.paper.makerFeeBps', d.venues.paper.makerFeeBps, {
          min: '0',
        }),
        maxVolumeShare: nullableDec(paper, 'maxVolumeShare', 'venues.paper.maxVolumeShare', '1'),
      },
    },
    instruments,
  };
}
