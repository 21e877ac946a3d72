// The renderer's formatters: prices at the instrument's tick, money and percentages at two decimals,
// quantities in full, times in the operator's zone, short distinct plan labels, plain error messages.
import { describe, expect, it } from 'vitest';
import { plainError, plainProblem } from '../../src/renderer/src/lib/errors.ts';
import * as fmt from '../../src/renderer/src/lib/format.ts';
import { baseLabel, planLabels } from '../../src/renderer/src/lib/plan-labels.ts';

const NY = 'America/New_York';
const MINUS = '\u2212';

describe('numbers at their precision', () => {
  it('prices show as many decimals as the tick has', () => {
    expect(fmt.price('510.921087', '0.01')).toBe('510.92'); // an average fill beside a 512.10 mark
    expect(fmt.price('512.1', '0.01')).toBe('512.10');
    expect(fmt.price('1234.5', '0.25')).toBe('1,234.50'); // a quarter tick still has two decimals
    expect(fmt.price('0.000123456', '0.00001')).toBe('0.00012');
    expect(fmt.price('64250.123', '1')).toBe('64,250');
    expect(fmt.price('12.3', '0.010')).toBe('12.30'); // a tick with a trailing zero is still 2 places
    expect(fmt.price('-3.456', '0.01')).toBe(`${MINUS}3.46`);
    expect(fmt.price('510.921087')).toBe('510.92'); // no instrument known: the default 0.01 tick
    expect(fmt.price(undefined, '0.01')).toBe('\u2014');
  });

  it('rounds half to even, exactly (no float on the way)', () => {
    expect(fmt.price('100.005', '0.01')).toBe('100.00');
    expect(fmt.price('100.015', '0.01')).toBe('100.02');
    expect(fmt.price('1.0049999999999999999', '0.01')).toBe('1.00'); // a float would round this up
    expect(fmt.plainPrice('1234.5', '0.01')).toBe('1234.50'); // no grouping in compact labels
  });

  it('money and percentages have two decimals; a P&L % with 28 decimals reads 12.35%', () => {
    expect(fmt.money('510.921087')).toBe('510.92');
    expect(fmt.money('1234567.891')).toBe('1,234,567.89');
    expect(fmt.signedMoney('12.5')).toBe('+12.50');
    expect(fmt.signedMoney('-0.001')).toBe('0.00'); // rounds to zero: no sign
    expect(fmt.pct('12.3456789012345678901234567891')).toBe('12.35%');
    expect(fmt.fractionPct('0.555')).toBe('55.50%');
    expect(fmt.decimal('1.23456', 2)).toBe('1.23');
  });

  it('quantities are never cut: every digit a lot has stays', () => {
    expect(fmt.qty('100')).toBe('100');
    expect(fmt.qty('100.000')).toBe('100');
    expect(fmt.qty('1000.5')).toBe('1,000.5');
    expect(fmt.qty('0.00012345678')).toBe('0.00012345678');
    expect(fmt.qty('123456789')).toBe('123,456,789');
  });

  it('decimal places of a tick', () => {
    expect(fmt.decimalPlaces('0.01')).toBe(2);
    expect(fmt.decimalPlaces('0.25')).toBe(2);
    expect(fmt.decimalPlaces('1')).toBe(0);
    expect(fmt.decimalPlaces('0.00000100')).toBe(6);
  });
});

describe('times in one zone', () => {
  // 5 March 2024 14:20:07 UTC: New York is on EST (UTC-5) until 10 March.
  const winter = Date.UTC(2024, 2, 5, 14, 20, 7);
  // 1 July 2024 13:30:00 UTC: New York is on EDT (UTC-4).
  const summer = Date.UTC(2024, 6, 1, 13, 30, 0);

  it('UTC by default', () => {
    expect(fmt.dateTime(winter)).toBe('2024-03-05 14:20:07');
    expect(fmt.shortDateTime(winter)).toBe('03-05 14:20:07');
    expect(fmt.clock(winter)).toBe('14:20:07');
  });

  it('the exchange zone follows New York, daylight saving included', () => {
    expect(fmt.dateTime(winter, NY)).toBe('2024-03-05 09:20:07');
    expect(fmt.dateTime(summer, NY)).toBe('2024-07-01 09:30:00');
    // 03:00 UTC on 6 March is still 5 March in New York.
    expect(fmt.dateTime(Date.UTC(2024, 2, 6, 3, 0, 0), NY)).toBe('2024-03-05 22:00:00');
    // The spring-forward night: 06:59:59 UTC is 01:59:59 EST, one second later is 03:00:00 EDT.
    expect(fmt.clock(Date.UTC(2024, 2, 10, 6, 59, 59), NY)).toBe('01:59:59');
    expect(fmt.clock(Date.UTC(2024, 2, 10, 7, 0, 0), NY)).toBe('03:00:00');
    // Midnight is 00, not 24.
    expect(fmt.clock(Date.UTC(2024, 2, 6, 5, 0, 0), NY)).toBe('00:00:00');
  });

  it('a missing time is a dash', () => {
    expect(fmt.dateTime(null)).toBe('\u2014');
    expect(fmt.clock(Number.NaN, NY)).toBe('\u2014');
  });
});

describe('short plan labels', () => {
  const t = Date.UTC(2024, 2, 5, 14, 20, 7);

  it('symbol, month-day and time of the plan, in the zone shown', () => {
    expect(baseLabel('SPY', t)).toBe('SPY-0305-1420');
    expect(baseLabel('SPY', t, NY)).toBe('SPY-0305-0920');
  });

  it('plans of one symbol in the same minute get -2, -3 in arrival order; others keep the bare label', () => {
    const sources = [
      { id: 'demo-SPY-1709648407000', symbol: 'SPY', time: t },
      { id: 'manual-7', symbol: 'SPY', time: t + 30_000 },
      { id: 'manual-8', symbol: 'SPY', time: t + 40_000 },
      { id: 'manual-9', symbol: 'SPY', time: t + 60_000 }, // 14:21:07: the next minute
      { id: 'demo-QQQ-1709648407000', symbol: 'QQQ', time: t },
    ];
    const expected = new Map([
      ['demo-SPY-1709648407000', 'SPY-0305-1420'],
      ['manual-7', 'SPY-0305-1420-2'],
      ['manual-8', 'SPY-0305-1420-3'],
      ['manual-9', 'SPY-0305-1421'],
      ['demo-QQQ-1709648407000', 'QQQ-0305-1420'],
    ]);
    expect(planLabels(sources)).toEqual(expected);
    // The same plans in another order get the same labels.
    expect(planLabels([...sources].reverse())).toEqual(expected);
  });

  it('plans at the very same time are told apart by id; a plan listed twice keeps one label', () => {
    const labels = planLabels([
      { id: 'b', symbol: 'SPY', time: t },
      { id: 'a', symbol: 'SPY', time: t },
      { id: 'a', symbol: 'SPY', time: t + 99_000 },
    ]);
    expect([...labels.entries()].sort()).toEqual([
      ['a', 'SPY-0305-1420'],
      ['b', 'SPY-0305-1420-2'],
    ]);
  });
});

describe('errors in plain words', () => {
  it("the engine's message first, the reason code second, the command name never", () => {
    expect(
      plainError({
        code: 'invalid_input',
        message: 'submitPlan: plan.entry.price: expected a decimal number',
      }),
    ).toBe('Entry price: expected a decimal number (invalid_input)');
    expect(
      plainError({
        code: 'invalid_input',
        message: 'submitPlan: submitPlan: plan.entry.price: expected a decimal number',
      }),
    ).toBe('Entry price: expected a decimal number (invalid_input)');
  });

  it('names every field of a multi-problem message and drops a doubled prefix', () => {
    expect(
      plainError({
        code: 'invalid_input',
        message: 'submitPlan: plan.stopLoss: must be greater than 0; plan.takeProfit: must be greater than 0',
      }),
    ).toBe('Stop loss: must be greater than 0; Take profit: must be greater than 0 (invalid_input)');
    expect(plainError({ code: 'bad_journal', message: 'record 4: record 4: hash does not match' })).toBe(
      'Record 4: hash does not match (bad_journal)',
    );
  });

  it('does not repeat a code the message already carries, and words a bare code', () => {
    expect(plainError({ code: 'halted', message: 'trading is halted (halted)' })).toBe(
      'Trading is halted (halted)',
    );
    expect(plainError({ code: 'not_connected', message: '' })).toBe('Not connected (not_connected)');
  });

  it("a preview problem names its field once, in the ticket's words", () => {
    expect(
      plainProblem({ field: 'stopLoss', code: 'invalid_stop_loss', message: 'must be below the entry' }),
    ).toBe('Stop loss: must be below the entry (invalid_stop_loss)');
    expect(
      plainProblem({ field: 'plan.symbol', code: 'unknown_symbol', message: 'symbol: unknown symbol ZZZ' }),
    ).toBe('Symbol: unknown symbol ZZZ (unknown_symbol)');
  });
});
