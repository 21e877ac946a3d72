// The one schema source (src/shared/input-schema.ts, through parseCommand and parsePlanInput): the ticket's
// plan and the upstream plan are one plan, messages are plain words with the field first and no command
// name in front, every text is bounded, and what is a shape error (the input is refused) versus a reason
// code (the plan is recorded as rejected) follows replay.md.
import { describe, expect, it } from 'vitest';
import { parsePlanInput } from '../../src/main/engine/plans/plan-input.ts';
import { FieldError } from '../../src/main/engine/validation.ts';
import { readDecimal } from '../../src/shared/domain/decimal.ts';
import { readTime } from '../../src/shared/domain/time.ts';
import { parseCommand } from '../../src/shared/schemas.ts';

const plan = { symbol: 'AAPL', side: 'buy', entry: { type: 'limit', price: 190 }, stopLoss: 185 };

/** The message parseCommand gives for a submitPlan with `p` as its plan. */
function submitError(p: unknown): string {
  const r = parseCommand('submitPlan', { plan: p });
  if (r.ok) throw new Error('expected a refusal');
  expect(r.error.code).toBe('invalid_input');
  return r.error.message;
}

/** The FieldError message parsePlanInput throws for `p`. */
function upstreamError(p: unknown): string {
  try {
    parsePlanInput(p);
  } catch (e) {
    expect(e).toBeInstanceOf(FieldError);
    return (e as Error).message;
  }
  throw new Error('expected a FieldError');
}

describe('one plan schema for the ticket and for upstream', () => {
  it('reads the same plan the same way from both sources (the ticket has no id: the host gives one)', () => {
    const manual = parseCommand('submitPlan', { plan: { ...plan, quantity: '10.50', takeProfit: '2e2' } });
    const upstream = parsePlanInput({ ...plan, quantity: '10.50', takeProfit: '2e2', id: 'p-1' });
    expect(manual.ok && manual.value.args).toMatchObject({
      plan: { symbol: 'AAPL', side: 'buy', entry: { type: 'limit', price: '190' } },
    });
    const { id, ...rest } = upstream;
    expect(id).toBe('p-1');
    // Decimals come out canonical from both: '10.50' -> '10.5', '2e2' -> '200'.
    expect(manual.ok && JSON.parse(JSON.stringify(manual.value.args))).toEqual({ plan: rest });
    expect(rest).toEqual({
      symbol: 'AAPL',
      side: 'buy',
      entry: { type: 'limit', price: '190' },
      stopLoss: '185',
      takeProfit: '200',
      quantity: '10.5',
    });
  });

  it('the ticket refuses an id and the upstream-only fields; upstream takes them', () => {
    expect(submitError({ ...plan, id: 'mine' })).toBe('unknown key plan.id');
    expect(submitError({ ...plan, confidence: 0.5 })).toBe('unknown key plan.confidence');
    expect(parsePlanInput({ ...plan, id: 'p', confidence: 0.5, venue: 'paper' })).toMatchObject({
      confidence: 0.5,
      venue: 'paper',
    });
  });

  it('an unknown key of an upstream plan, however deep, is a shape error naming its path', () => {
    expect(upstreamError({ ...plan, id: 'p', stoploss: 1 })).toBe('unknown key plan.stoploss');
    expect(upstreamError({ ...plan, id: 'p', entry: { type: 'market', limit: 3 } })).toBe(
      'unknown key plan.entry.limit',
    );
    expect(upstreamError({ ...plan, id: 'p', expected: { holdMinutes: 3, hold: 1 } })).toBe(
      'unknown key plan.expected.hold',
    );
  });

  it('a price on a market entry is refused (shape), from both sources', () => {
    const market = { ...plan, entry: { type: 'market', price: 190 } };
    expect(submitError(market)).toBe('plan.entry.price: a market entry takes no price');
    expect(upstreamError({ ...market, id: 'p' })).toBe('plan.entry.price: a market entry takes no price');
    expect(submitError({ ...plan, entry: { type: 'stop' } })).toBe(
      'plan.entry.price: a limit or stop entry needs a price',
    );
  });

  it('a negative quantity parses upstream (rejected later with a reason code) and is refused by the ticket', () => {
    expect(parsePlanInput({ ...plan, id: 'p', quantity: -5 }).quantity).toBe('-5');
    expect(submitError({ ...plan, quantity: -5 })).toBe('plan.quantity: must be greater than 0');
  });

  it('confidence outside 0..1 is a shape error (a descriptive field the engine never judges)', () => {
    for (const confidence of [-0.01, 1.01, 7]) {
      expect(upstreamError({ ...plan, id: 'p', confidence })).toBe(
        'plan.confidence: must be between 0 and 1',
      );
    }
    expect(parsePlanInput({ ...plan, id: 'p', confidence: 1 }).confidence).toBe(1);
    expect(parsePlanInput({ ...plan, id: 'p', confidence: 0 }).confidence).toBe(0);
  });
});

describe('messages in plain words, the field first, no command name in front', () => {
  it('names the field once: "plan.entry.price: expected a decimal number"', () => {
    expect(submitError({ ...plan, entry: { type: 'limit', price: 'abc' } })).toBe(
      'plan.entry.price: expected a decimal number',
    );
    const r = parseCommand('approve', { planId: 7 });
    expect(r).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'planId: expected a string, got a number' },
    });
    expect(submitError({ ...plan, side: 'hold' })).toBe('plan.side: must be one of buy, sell; got "hold"');
    expect(submitError({ ...plan, symbol: undefined })).toBe('plan.symbol: is required');
    expect(submitError('AAPL')).toBe('plan: expected an object, got a string');
  });

  it('an unknown key reads "unknown key PATH" (an odd key quoted)', () => {
    expect(parseCommand('kill', { force: true })).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'unknown key force' },
    });
    expect(submitError({ ...plan, '': 1 })).toBe('unknown key plan.""');
    expect(submitError({ ...plan, 'a.b': 1 })).toBe('unknown key plan."a.b"');
    expect(submitError({ ...plan, 'x\u0000': 1 })).toBe('unknown key plan."x\\u0000"');
  });
});

describe('bounded, clean text everywhere', () => {
  const long = (n: number) => 'x'.repeat(n);
  it('plan ids, symbols, venue, timeframe and reasons have a length limit', () => {
    expect(parsePlanInput({ ...plan, id: long(200) }).id).toHaveLength(200);
    expect(upstreamError({ ...plan, id: long(201) })).toBe('plan.id: is longer than 200 characters');
    expect(upstreamError({ ...plan, id: long(50_000_000) })).toBe('plan.id: is longer than 200 characters');
    expect(upstreamError({ ...plan, id: 'p', symbol: long(33) })).toBe(
      'plan.symbol: is longer than 32 characters',
    );
    expect(upstreamError({ ...plan, id: 'p', venue: long(65) })).toBe(
      'plan.venue: is longer than 64 characters',
    );
    expect(upstreamError({ ...plan, id: 'p', timeframe: long(33) })).toBe(
      'plan.timeframe: is longer than 32 characters',
    );
    const r = parseCommand('reject', { planId: 'p', reason: long(501) });
    expect(r.ok ? '' : r.error.message).toBe('reason: is longer than 500 characters');
    expect(parseCommand('reject', { planId: 'p', reason: long(500) }).ok).toBe(true);
  });

  it('NUL and other control characters in ids and symbols are refused', () => {
    for (const bad of ['p\u0000', 'a\u0007b', 'a\nb', 'a\u007fb', 'a\u0085b', 'a\u2028b']) {
      expect(upstreamError({ ...plan, id: bad })).toBe('plan.id: has a control character');
      const r = parseCommand('approve', { planId: bad });
      expect(r.ok ? '' : r.error.message).toBe('planId: has a control character');
    }
    expect(upstreamError({ ...plan, id: 'p', symbol: 'AA\u0000PL' })).toBe(
      'plan.symbol: has a control character',
    );
    expect(upstreamError({ ...plan, id: 'p', symbol: 'AA PL' })).toBe(
      'plan.symbol: may hold only letters, digits and . / : _ -',
    );
    expect(parsePlanInput({ ...plan, id: 'plan with spaces and ünïcode' }).id).toBe(
      'plan with spaces and ünïcode',
    );
  });

  it('huge and tiny decimals are refused before big.js sees them', () => {
    expect(upstreamError({ ...plan, id: 'p', quantity: '1e999999' })).toBe(
      'plan.quantity: is too large (at most 1000000000000000)',
    );
    expect(upstreamError({ ...plan, id: 'p', quantity: 1e300 })).toBe(
      'plan.quantity: is too large (at most 1000000000000000)',
    );
    expect(upstreamError({ ...plan, id: 'p', stopLoss: '1e-300' })).toBe(
      'plan.stopLoss: is too small (at least 0.000000000001, or 0)',
    );
    expect(upstreamError({ ...plan, id: 'p', stopLoss: `1${'0'.repeat(40)}` })).toBe(
      'plan.stopLoss: expected a decimal number',
    );
  });
});

describe('readTime: ISO 8601 with a zone or epoch ms, a real date, 1970..2100', () => {
  it('reads both forms', () => {
    expect(readTime('2024-03-04T14:30:00Z')).toEqual({ ok: true, value: 1709562600000 });
    expect(readTime('2024-03-04T09:30:00-05:00')).toEqual({ ok: true, value: 1709562600000 });
    expect(readTime(1709562600000)).toEqual({ ok: true, value: 1709562600000 });
    expect(readTime('1709562600000')).toEqual({ ok: true, value: 1709562600000 });
    expect(readTime('2100-12-31T23:59:59.999Z')).toEqual({ ok: true, value: Date.UTC(2101, 0, 1) - 1 });
    expect(readTime(0)).toEqual({ ok: true, value: 0 });
    expect(readTime('2024-02-29T10:00:00Z').ok).toBe(true);
  });

  it('refuses days that do not exist (Date.parse rolls them over into March)', () => {
    expect(readTime('2024-02-30T10:00:00Z')).toEqual({
      ok: false,
      problem: 'is not a calendar date (2024-02-30)',
    });
    expect(readTime('2023-02-29T10:00:00Z')).toEqual({
      ok: false,
      problem: 'is not a calendar date (2023-02-29)',
    });
    expect(readTime('2000-02-29T10:00:00Z').ok).toBe(true); // a leap year (divisible by 400)
    expect(readTime('2100-02-29T10:00:00Z').ok).toBe(false); // not one (divisible by 100)
    expect(readTime('2024-04-31T10:00:00Z').ok).toBe(false);
    expect(readTime('2024-01-01T24:00:00Z')).toEqual({
      ok: false,
      problem: 'is not a time of day (24:00:00)',
    });
    expect(readTime('2024-01-01T10:00+24:00')).toEqual({
      ok: false,
      problem: 'is not a zone offset (+24:00)',
    });
  });

  it('refuses times outside 1970..2100', () => {
    const outside = { ok: false, problem: 'must be between 1970-01-01 and 2100-12-31' };
    for (const t of [
      -1,
      '1969-12-31T23:59:59Z',
      '2101-01-01T00:00:00Z',
      '9999-12-31T00:00:00Z',
      8.64e15,
      1e15,
    ]) {
      expect(readTime(t)).toEqual(outside);
    }
    expect(readTime(Number.MAX_SAFE_INTEGER)).toEqual(outside);
    expect(readTime('0000-01-01T00:00:00Z')).toEqual(outside);
    expect(readTime(1.5).ok).toBe(false);
    expect(readTime('2024-03-04').ok).toBe(false); // no time, no zone
  });
});

describe('readDecimal: the one decimal pattern', () => {
  it('gives canonical strings and plain-words problems', () => {
    expect(readDecimal(' 12.50 ')).toEqual({ ok: true, value: '12.5' });
    expect(readDecimal('-1e2')).toEqual({ ok: true, value: '-100' });
    expect(readDecimal(0.1)).toEqual({ ok: true, value: '0.1' });
    expect(readDecimal('.5')).toEqual({ ok: true, value: '0.5' });
    expect(readDecimal('1,5')).toEqual({ ok: false, problem: 'expected a decimal number' });
    expect(readDecimal('0x10')).toEqual({ ok: false, problem: 'expected a decimal number' });
    expect(readDecimal(Number.NaN)).toEqual({ ok: false, problem: 'expected a finite number' });
    expect(readDecimal(true)).toEqual({ ok: false, problem: 'expected a decimal number' });
    expect(readDecimal('1000000000000000')).toEqual({ ok: true, value: '1000000000000000' });
    expect(readDecimal('1000000000000001').ok).toBe(false);
  });
});
