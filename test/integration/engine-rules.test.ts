// Each rule of the replay contract (replay.md), pinned on the real Engine with round numbers and
// expectations computed by hand (the arithmetic is in the comment next to each assertion).
//
// Conventions: bars are 5 minutes apart from T0 = Monday 2024-03-04 14:30Z (09:30 New York); bar i opens
// at at(i); a script event "after bar i" happens at past(i) = at(i) + 1 minute, so the "next bar" of an
// order submitted then is bar i + 1. Default config: cash 100,000, fees and slippage 0.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';
import { dec } from '../../src/shared/domain/decimal.ts';

const MIN = 60_000;
const T0 = Date.parse('2024-03-04T14:30:00Z');
const at = (i: number): number => T0 + i * 5 * MIN;
const past = (i: number): number => at(i) + MIN;

function engine(cfg: Record<string, unknown> = {}, symbols: string[] = ['AAA']): Engine {
  return new Engine({ config: parseConfig(cfg), symbols });
}

/** Applies a bar given as "open high low close". */
function bar(e: Engine, time: number, ohlc: string, symbol = 'AAA', volume = '1000000'): void {
  const [open, high, low, close] = ohlc.split(' ');
  e.onBar({ time, symbol, open: open!, high: high!, low: low!, close: close!, volume });
}

type PlanRaw = Record<string, unknown>;
/** A market buy of 10 AAA unless overridden. */
const plan = (id: string, over: PlanRaw = {}): PlanRaw => ({
  id,
  symbol: 'AAA',
  side: 'buy',
  entry: { type: 'market' },
  quantity: 10,
  ...over,
});

const planOf = (e: Engine, id: string) => e.snapshot().plans.find((p) => p.id === id);
const orderOf = (e: Engine, id: string) => e.snapshot().orders.find((o) => o.id === id);
const fillsOf = (e: Engine, orderId: string) => e.snapshot().fills.filter((f) => f.orderId === orderId);
const tradeOf = (e: Engine, planId: string) => e.trades().find((t) => t.planId === planId);
const cash = (e: Engine) => e.snapshot().account.cash;

/** Exact decimal comparison; on failure the message shows the actual value. */
function expectDec(actual: string | null | undefined, expected: string): void {
  const same = actual !== null && actual !== undefined && dec(actual).eq(expected);
  expect(same ? expected : actual).toBe(expected);
}

/** Flat bar at price p. */
const flat = (p: number | string) => `${p} ${p} ${p} ${p}`;

// ------------------------------------------------------------------------------------------------------

describe('market orders', () => {
  it('a market buy fills at the next bar open, not at the last close when submitted', () => {
    const e = engine();
    bar(e, at(0), '100 101 99 100');
    e.submitPlan(plan('p1'), past(0));
    expect(planOf(e, 'p1')?.status).toBe('working');
    expect(fillsOf(e, 'p1:E1')).toHaveLength(0);
    bar(e, at(1), '102 103 101 102');
    const [f] = fillsOf(e, 'p1:E1');
    expectDec(f?.price, '102'); // the open of the next bar
    expectDec(f?.quantity, '10');
    expect(f?.time).toBe(at(1));
    expect(orderOf(e, 'p1:E1')?.status).toBe('filled');
    expect(planOf(e, 'p1')?.status).toBe('open');
    expectDec(cash(e), '98980'); // 100,000 - 10 x 102
  });

  it('a market sell opens a short at the next open minus slippage', () => {
    const e = engine({ venues: { paper: { slipBps: 10 } } });
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { side: 'sell' }), past(0));
    bar(e, at(1), '100 101 99 100');
    expectDec(fillsOf(e, 'p1:E1')[0]?.price, '99.9'); // 100 - 100 x 10 / 10,000
    const pos = e.snapshot().positions[0];
    expect(pos?.side).toBe('short');
    expectDec(pos?.quantity, '10');
    expectDec(cash(e), '100999'); // 100,000 + 10 x 99.9
  });

  it('slippage and taker fees are paid from cash and counted in the trade pnl (pnlPct on entry notional)', () => {
    const e = engine({ venues: { paper: { slipBps: 10, takerFeeBps: 5 } } });
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1'), past(0));
    bar(e, at(1), flat(100));
    // entry 100 + 0.1 = 100.1; notional 1001; fee 1001 x 5 / 10,000 = 0.5005
    const entry = fillsOf(e, 'p1:E1')[0];
    expectDec(entry?.price, '100.1');
    expectDec(entry?.fee, '0.5005');
    expectDec(cash(e), '98998.4995'); // 100,000 - 1001 - 0.5005
    expect(e.closePosition('AAA', past(1)).ok).toBe(true);
    bar(e, at(2), flat(110));
    // exit 110 - 0.11 = 109.89; notional 1098.9; fee 1098.9 x 5 / 10,000 = 0.54945
    const exit = fillsOf(e, 'p1:X1')[0];
    expectDec(exit?.price, '109.89');
    expectDec(exit?.fee, '0.54945');
    expectDec(cash(e), '100096.85005'); // 98,998.4995 + 1098.9 - 0.54945
    const t = tradeOf(e, 'p1');
    expect(t?.exitReason).toBe('close');
    expect(t?.side).toBe('long');
    expectDec(t?.entryPrice, '100.1');
    expectDec(t?.exitPrice, '109.89');
    expectDec(t?.fees, '1.04995'); // 0.5005 + 0.54945
    expectDec(t?.pnl, '96.85005'); // 1098.9 - 1001 - 1.04995
    // pnlPct = 96.85005 / 1001 x 100 = 9.67532967032967...
    expect(Number(t?.pnlPct)).toBeCloseTo(9.67532967033, 9);
    expect(e.snapshot().positions).toHaveLength(0);
  });
});

describe('limit and stop entries (gaps, levels, slippage only on stops, maker vs taker fees)', () => {
  const cfg = { venues: { paper: { slipBps: 10, makerFeeBps: 5, takerFeeBps: 20 } } };

  it('limit buy: not filled while the low stays above; fills at the limit, no slippage, maker fee', () => {
    const e = engine(cfg);
    e.submitPlan(plan('p1', { entry: { type: 'limit', price: 100 } }), past(0));
    bar(e, at(1), '103 104 101 102'); // low 101 > 100: no fill
    expect(fillsOf(e, 'p1:E1')).toHaveLength(0);
    bar(e, at(2), '102 103 99 100'); // low 99 <= 100, open 102 > 100: at the limit
    const f = fillsOf(e, 'p1:E1')[0];
    expectDec(f?.price, '100');
    expect(f?.liquidity).toBe('maker');
    expectDec(f?.fee, '0.5'); // 1000 x 5 / 10,000
    expectDec(cash(e), '98999.5'); // 100,000 - 1000 - 0.5
  });

  it('limit buy gapped through: the open 97 below the limit 100 fills at the open', () => {
    const e = engine(cfg);
    e.submitPlan(plan('p1', { entry: { type: 'limit', price: 100 } }), past(0));
    bar(e, at(1), '97 99 96 98');
    const f = fillsOf(e, 'p1:E1')[0];
    expectDec(f?.price, '97');
    expectDec(f?.fee, '0.485'); // 970 x 5 / 10,000
  });

  it('limit sell: at the limit when the high reaches it, at the open when the open is above', () => {
    const a = engine(cfg);
    a.submitPlan(plan('p1', { side: 'sell', entry: { type: 'limit', price: 110 } }), past(0));
    bar(a, at(1), '108 111 107 109');
    expectDec(fillsOf(a, 'p1:E1')[0]?.price, '110');
    const b = engine(cfg);
    b.submitPlan(plan('p1', { side: 'sell', entry: { type: 'limit', price: 110 } }), past(0));
    bar(b, at(1), '112 113 111 112');
    expectDec(fillsOf(b, 'p1:E1')[0]?.price, '112');
  });

  it('stop buy: at the level + slip when the high reaches it; at the open + slip on a gap; taker fee', () => {
    const a = engine(cfg);
    a.submitPlan(plan('p1', { entry: { type: 'stop', price: 105 } }), past(0));
    bar(a, at(1), '100 104 99 101'); // high 104 < 105: no fill
    expect(fillsOf(a, 'p1:E1')).toHaveLength(0);
    bar(a, at(2), '103 106 102 105');
    const f = fillsOf(a, 'p1:E1')[0];
    expectDec(f?.price, '105.105'); // 105 + 105 x 10 / 10,000
    expect(f?.liquidity).toBe('taker');
    expectDec(f?.fee, '2.1021'); // 1051.05 x 20 / 10,000
    const b = engine(cfg);
    b.submitPlan(plan('p1', { entry: { type: 'stop', price: 105 } }), past(0));
    bar(b, at(1), '107 108 106 107');
    expectDec(fillsOf(b, 'p1:E1')[0]?.price, '107.107'); // 107 + 0.107
  });

  it('stop sell: at the level - slip when the low reaches it; at the open - slip on a gap', () => {
    const a = engine(cfg);
    a.submitPlan(plan('p1', { side: 'sell', entry: { type: 'stop', price: 95 } }), past(0));
    bar(a, at(1), '97 98 94 95');
    expectDec(fillsOf(a, 'p1:E1')[0]?.price, '94.905'); // 95 - 0.095
    const b = engine(cfg);
    b.submitPlan(plan('p1', { side: 'sell', entry: { type: 'stop', price: 95 } }), past(0));
    bar(b, at(1), '93 94 92 93');
    expectDec(fillsOf(b, 'p1:E1')[0]?.price, '92.907'); // 93 - 0.093
  });
});

// ------------------------------------------------------------------------------------------------------

/** Long 10 AAA filled at 100 on bar 1 (flat bar 0 before it) with the given brackets. */
function openLong(over: PlanRaw, cfg: Record<string, unknown> = {}, fillBar = flat(100)): Engine {
  const e = engine(cfg);
  bar(e, at(0), flat(100));
  e.submitPlan(plan('p1', over), past(0));
  bar(e, at(1), fillBar);
  return e;
}

describe('brackets: stop-loss and take-profit, one-cancels-other', () => {
  const bracket = { stopLoss: 95, takeProfit: 110 };

  it('brackets are placed at the close of the entry fill bar and do not work on that bar', () => {
    // The fill bar's range 90..112 reaches both levels, but the brackets only work from the next bar.
    const e = openLong(bracket, {}, '100 112 90 100');
    expect(fillsOf(e, 'p1:SL1')).toHaveLength(0);
    expect(fillsOf(e, 'p1:TP1')).toHaveLength(0);
    const sl = orderOf(e, 'p1:SL1');
    const tp = orderOf(e, 'p1:TP1');
    expect(sl?.role).toBe('stop_loss');
    expect(sl?.type).toBe('stop');
    expect(sl?.side).toBe('sell');
    expectDec(sl?.price, '95');
    expectDec(sl?.quantity, '10');
    expect(tp?.role).toBe('take_profit');
    expect(tp?.type).toBe('limit');
    expectDec(tp?.price, '110');
    expectDec(tp?.quantity, '10');
    expect(e.snapshot().positions).toHaveLength(1);
  });

  it('stop-loss fills -> take-profit cancelled, trade exitReason stop_loss', () => {
    const e = openLong(bracket);
    bar(e, at(2), '100 101 94 96'); // low 94 <= 95
    expect(orderOf(e, 'p1:SL1')?.status).toBe('filled');
    expect(orderOf(e, 'p1:TP1')?.status).toBe('cancelled');
    const t = tradeOf(e, 'p1');
    expect(t?.exitReason).toBe('stop_loss');
    expectDec(t?.exitPrice, '95');
    expectDec(t?.pnl, '-50'); // (95 - 100) x 10
    expectDec(t?.pnlPct, '-5'); // -50 / 1000 x 100
    expect(planOf(e, 'p1')?.status).toBe('closed');
    expect(e.snapshot().positions).toHaveLength(0);
  });

  it('take-profit fills -> stop-loss cancelled, trade exitReason take_profit', () => {
    const e = openLong(bracket);
    bar(e, at(2), '100 111 99 108'); // high 111 >= 110
    expect(orderOf(e, 'p1:TP1')?.status).toBe('filled');
    expect(orderOf(e, 'p1:SL1')?.status).toBe('cancelled');
    const t = tradeOf(e, 'p1');
    expect(t?.exitReason).toBe('take_profit');
    expectDec(t?.exitPrice, '110');
    expectDec(t?.pnl, '100'); // (110 - 100) x 10
  });

  it('same bar: the range reaches both legs -> the stop-loss fills and the take-profit is cancelled', () => {
    const e = openLong(bracket);
    bar(e, at(2), '100 111 94 100');
    expect(orderOf(e, 'p1:SL1')?.status).toBe('filled');
    expect(orderOf(e, 'p1:TP1')?.status).toBe('cancelled');
    expect(e.snapshot().fills.filter((f) => f.orderId.startsWith('p1:TP'))).toHaveLength(0);
    expectDec(tradeOf(e, 'p1')?.pnl, '-50');
  });

  it('same bar: the open already reaches the take-profit -> the take-profit fills at the open', () => {
    const e = openLong(bracket);
    bar(e, at(2), '112 113 94 100'); // open 112 >= 110; the low 94 also reaches the stop
    expect(orderOf(e, 'p1:TP1')?.status).toBe('filled');
    expect(orderOf(e, 'p1:SL1')?.status).toBe('cancelled');
    const t = tradeOf(e, 'p1');
    expect(t?.exitReason).toBe('take_profit');
    expectDec(t?.exitPrice, '112'); // the open, better than the limit
    expectDec(t?.pnl, '120'); // (112 - 100) x 10
  });

  it('same bar: the open gaps through the stop-loss -> the stop fills at the open', () => {
    const e = openLong(bracket);
    bar(e, at(2), '93 111 92 100'); // open 93 <= 95; the high 111 also reaches the take-profit
    expect(orderOf(e, 'p1:SL1')?.status).toBe('filled');
    expect(orderOf(e, 'p1:TP1')?.status).toBe('cancelled');
    expectDec(tradeOf(e, 'p1')?.exitPrice, '93');
    expectDec(tradeOf(e, 'p1')?.pnl, '-70'); // (93 - 100) x 10
  });

  it('short brackets: buy stop above, buy limit below; range reaching both fills the stop', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { side: 'sell', stopLoss: 105, takeProfit: 90 }), past(0));
    bar(e, at(1), flat(100));
    expect(orderOf(e, 'p1:SL1')?.side).toBe('buy');
    expect(orderOf(e, 'p1:TP1')?.side).toBe('buy');
    bar(e, at(2), '100 106 89 100');
    expect(orderOf(e, 'p1:SL1')?.status).toBe('filled');
    expect(orderOf(e, 'p1:TP1')?.status).toBe('cancelled');
    const t = tradeOf(e, 'p1');
    expect(t?.side).toBe('short');
    expect(t?.exitReason).toBe('stop_loss');
    expectDec(t?.pnl, '-50'); // (100 - 105) x 10
  });

  it('bracket fees: taker on the entry and the stop, maker on the take-profit, all in the pnl', () => {
    const cfg = { venues: { paper: { takerFeeBps: 10, makerFeeBps: 5 } } };
    const win = openLong(bracket, cfg);
    bar(win, at(2), '100 111 99 108');
    const tw = tradeOf(win, 'p1');
    // entry fee 1000 x 10 / 10,000 = 1; take-profit fee 1100 x 5 / 10,000 = 0.55
    expectDec(tw?.fees, '1.55');
    expectDec(tw?.pnl, '98.45'); // 1100 - 1000 - 1.55
    expectDec(tw?.pnlPct, '9.845'); // 98.45 / 1000 x 100
    expectDec(cash(win), '100098.45');
    const loss = openLong(bracket, cfg);
    bar(loss, at(2), '100 101 94 96');
    const tl = tradeOf(loss, 'p1');
    // stop fee 950 x 10 / 10,000 = 0.95
    expectDec(tl?.fees, '1.95');
    expectDec(tl?.pnl, '-51.95'); // 950 - 1000 - 1.95
    expectDec(tl?.pnlPct, '-5.195');
  });
});

describe('trailing stops', () => {
  it('long with stopLoss: the stop rises to close x (1 - trailPct) and exits as trailing_stop', () => {
    const e = openLong({ stopLoss: 90, trailPct: 0.05 });
    // fill bar close 100: candidate 100 x 0.95 = 95 > 90 -> 95
    expectDec(orderOf(e, 'p1:SL1')?.price, '95');
    bar(e, at(2), '100 110 99 110'); // low 99 > 95: no fill; close 110 -> 110 x 0.95 = 104.5
    expectDec(orderOf(e, 'p1:SL1')?.price, '104.5');
    bar(e, at(3), '109 109 105 106'); // low 105 > 104.5; candidate 106 x 0.95 = 100.7 < 104.5: unchanged
    expectDec(orderOf(e, 'p1:SL1')?.price, '104.5');
    bar(e, at(4), '106 106 103 104'); // low 103 <= 104.5: fills at 104.5
    const t = tradeOf(e, 'p1');
    expect(t?.exitReason).toBe('trailing_stop');
    expectDec(t?.exitPrice, '104.5');
    expectDec(t?.pnl, '45'); // (104.5 - 100) x 10
  });

  it('long with stopLoss the trail never raises: the exit is stop_loss', () => {
    const e = openLong({ stopLoss: 95, trailPct: 0.1 });
    // close 100 x 0.9 = 90 < 95: the stop stays at 95
    expectDec(orderOf(e, 'p1:SL1')?.price, '95');
    bar(e, at(2), '100 101 94 96');
    const t = tradeOf(e, 'p1');
    expect(t?.exitReason).toBe('stop_loss');
    expectDec(t?.exitPrice, '95');
  });

  it('long without stopLoss: the first stop is fill price x (1 - trailPct); the exit is trailing_stop', () => {
    const e = openLong({ trailPct: 0.05 });
    // 100 x 0.95 = 95; close 100 gives the same 95
    expectDec(orderOf(e, 'p1:SL1')?.price, '95');
    bar(e, at(2), '99 100 94 96');
    const t = tradeOf(e, 'p1');
    expect(t?.exitReason).toBe('trailing_stop');
    expectDec(t?.exitPrice, '95');
    expectDec(t?.pnl, '-50');
  });

  it('short without stopLoss: first stop fill x (1 + trailPct), then falls to close x (1 + trailPct)', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { side: 'sell', trailPct: 0.05 }), past(0));
    bar(e, at(1), '100 100 97 98');
    // first stop 100 x 1.05 = 105, then at the fill bar close 98 x 1.05 = 102.9 < 105 -> 102.9
    expectDec(orderOf(e, 'p1:SL1')?.price, '102.9');
    expect(orderOf(e, 'p1:SL1')?.side).toBe('buy');
    bar(e, at(2), '97 98 94 95'); // high 98 < 102.9; close 95 x 1.05 = 99.75
    expectDec(orderOf(e, 'p1:SL1')?.price, '99.75');
    bar(e, at(3), '96 100 95 99'); // high 100 >= 99.75: fills at 99.75
    const t = tradeOf(e, 'p1');
    expect(t?.side).toBe('short');
    expect(t?.exitReason).toBe('trailing_stop');
    expectDec(t?.exitPrice, '99.75');
    expectDec(t?.pnl, '2.5'); // (100 - 99.75) x 10
  });

  it('short with stopLoss: the stop falls below the fixed stop and the exit is trailing_stop', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { side: 'sell', stopLoss: 110, trailPct: 0.05 }), past(0));
    bar(e, at(1), flat(100));
    expectDec(orderOf(e, 'p1:SL1')?.price, '105'); // 100 x 1.05 = 105 < 110
    bar(e, at(2), '104 106 103 104'); // high 106 >= 105: fills at 105
    const t = tradeOf(e, 'p1');
    expect(t?.exitReason).toBe('trailing_stop');
    expectDec(t?.pnl, '-50'); // (100 - 105) x 10
  });
});

describe('partial fills (maxVolumeShare)', () => {
  it('a bar fills at most floor-to-lot(share x volume); the rest keeps working; brackets follow the filled quantity', () => {
    const e = engine({ venues: { paper: { maxVolumeShare: 0.1 } } });
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { stopLoss: 90, takeProfit: 120 }), past(0));
    bar(e, at(1), flat(100), 'AAA', '45'); // 0.1 x 45 = 4.5 -> 4 @ 100
    expect(fillsOf(e, 'p1:E1').map((f) => f.quantity)).toEqual(['4']);
    expect(orderOf(e, 'p1:E1')?.status).toBe('partially_filled');
    expectDec(orderOf(e, 'p1:E1')?.filledQuantity, '4');
    expect(planOf(e, 'p1')?.status).toBe('open');
    expectDec(orderOf(e, 'p1:SL1')?.quantity, '4');
    expectDec(orderOf(e, 'p1:TP1')?.quantity, '4');
    bar(e, at(2), flat(106), 'AAA', '45'); // 4 more @ 106
    expectDec(orderOf(e, 'p1:E1')?.filledQuantity, '8');
    expectDec(orderOf(e, 'p1:SL1')?.quantity, '8');
    expectDec(orderOf(e, 'p1:TP1')?.quantity, '8');
    bar(e, at(3), flat(103), 'AAA', '1000'); // capacity 100: the remaining 2 @ 103
    expect(fillsOf(e, 'p1:E1').map((f) => f.quantity)).toEqual(['4', '4', '2']);
    expect(orderOf(e, 'p1:E1')?.status).toBe('filled');
    // (4 x 100 + 4 x 106 + 2 x 103) / 10 = (400 + 424 + 206) / 10 = 103
    expectDec(orderOf(e, 'p1:E1')?.avgFillPrice, '103');
    expectDec(orderOf(e, 'p1:SL1')?.quantity, '10');
    expectDec(orderOf(e, 'p1:TP1')?.quantity, '10');
    expectDec(e.snapshot().positions[0]?.quantity, '10');
    expectDec(e.snapshot().positions[0]?.avgPrice, '103');
    expectDec(cash(e), '98970'); // 100,000 - 1030
  });

  it('the cap is floored to the instrument lot: lot 0.5, 0.1 x 47 = 4.7 -> 4.5', () => {
    const e = engine({ venues: { paper: { maxVolumeShare: 0.1 } }, instruments: { AAA: { lot: 0.5 } } });
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1'), past(0));
    bar(e, at(1), flat(100), 'AAA', '47');
    expect(fillsOf(e, 'p1:E1').map((f) => f.quantity)).toEqual(['4.5']);
    bar(e, at(2), flat(100), 'AAA', '47');
    expect(fillsOf(e, 'p1:E1').map((f) => f.quantity)).toEqual(['4.5', '4.5']);
  });
});

// ------------------------------------------------------------------------------------------------------

describe('sizing', () => {
  it('capital 3,000, entry 50, stop 48, riskPct 0.01, maxPositionPct 0.05 -> 3 shares', () => {
    const e = engine({ account: { cash: 3000 }, risk: { riskPct: 0.01, maxPositionPct: 0.05 } });
    e.submitPlan(
      plan('p1', { quantity: undefined, entry: { type: 'limit', price: 50 }, stopLoss: 48 }),
      past(0),
    );
    // min(3000 x 0.01 / 2 = 15, 3000 x 0.05 / 50 = 3) = 3
    expectDec(planOf(e, 'p1')?.quantity, '3');
    expectDec(orderOf(e, 'p1:E1')?.quantity, '3');
  });

  it('the risk term binds when it is the smaller: maxPositionPct 1 -> min(15, 60) = 15', () => {
    const e = engine({ account: { cash: 3000 }, risk: { riskPct: 0.01, maxPositionPct: 1 } });
    e.submitPlan(
      plan('p1', { quantity: undefined, entry: { type: 'limit', price: 50 }, stopLoss: 48 }),
      past(0),
    );
    expectDec(planOf(e, 'p1')?.quantity, '15'); // 3000 x 0.01 / |50 - 48| = 15; 3000 x 1 / 50 = 60
  });

  it('a market entry is sized against the last close of its symbol', () => {
    const e = engine();
    bar(e, at(0), flat(200));
    e.submitPlan(plan('p1', { quantity: undefined, stopLoss: 190 }), past(0));
    // min(100,000 x 0.01 / 10 = 100, 100,000 x 0.05 / 200 = 25) = 25
    expectDec(planOf(e, 'p1')?.quantity, '25');
  });

  it('without stopLoss only the position term applies, floored: 100,000 x 0.05 / 30 = 166.67 -> 166', () => {
    const e = engine();
    e.submitPlan(plan('p1', { quantity: undefined, entry: { type: 'limit', price: 30 } }), past(0));
    expectDec(planOf(e, 'p1')?.quantity, '166');
  });

  it('a given quantity is used as is (no sizing)', () => {
    const e = engine();
    e.submitPlan(plan('p1', { quantity: 7, entry: { type: 'limit', price: 30 }, stopLoss: 29 }), past(0));
    expectDec(planOf(e, 'p1')?.quantity, '7');
  });

  it('floors to the instrument lot: lot 0.001, 1,000 x 0.05 / 30,000 = 0.00166 -> 0.001', () => {
    const e = engine({ account: { cash: 1000 }, instruments: { BTC: { lot: 0.001 } } }, ['BTC']);
    e.submitPlan({ id: 'p1', symbol: 'BTC', side: 'buy', entry: { type: 'limit', price: 30000 } }, past(0));
    expectDec(planOf(e, 'p1')?.quantity, '0.001');
  });

  it('equity for sizing = cash + open positions marked at their last close', () => {
    const e = engine({ account: { cash: 10000 }, risk: { maxPositionPct: 0.1 } }, ['AAA', 'BBB']);
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { quantity: 50 }), past(0));
    bar(e, at(1), '100 120 100 120'); // fills 50 @ 100: cash 5,000; marked at 120: equity 5,000 + 6,000 = 11,000
    e.submitPlan(
      plan('p2', { symbol: 'BBB', quantity: undefined, entry: { type: 'limit', price: 10 } }),
      past(1),
    );
    expectDec(planOf(e, 'p2')?.quantity, '110'); // 11,000 x 0.1 / 10
  });

  it('equity for sizing marks a short at its last close: cash + proceeds - quantity x close', () => {
    const e = engine({ account: { cash: 10000 }, risk: { maxPositionPct: 0.1 } }, ['AAA', 'BBB']);
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { side: 'sell', quantity: 50 }), past(0));
    bar(e, at(1), '100 100 80 80'); // short 50 @ 100: cash 15,000; equity 15,000 - 50 x 80 = 11,000
    e.submitPlan(
      plan('p2', { symbol: 'BBB', quantity: undefined, entry: { type: 'limit', price: 10 } }),
      past(1),
    );
    expectDec(planOf(e, 'p2')?.quantity, '110'); // 11,000 x 0.1 / 10
  });

  it('size_below_min: below one lot is rejected, never rounded up past the budget', () => {
    // position term: 3000 x 0.01 / 50 = 0.6 -> 0
    const a = engine({ account: { cash: 3000 }, risk: { maxPositionPct: 0.01 } });
    a.submitPlan(plan('p1', { quantity: undefined, entry: { type: 'limit', price: 50 } }), past(0));
    expect(planOf(a, 'p1')?.status).toBe('rejected');
    expect(planOf(a, 'p1')?.reason).toBe('size_below_min');
    expect(a.snapshot().orders).toHaveLength(0);
    // risk term: 3000 x 0.003 / |50 - 40| = 0.9 -> 0 (not 1)
    const b = engine({ account: { cash: 3000 }, risk: { riskPct: 0.003, maxPositionPct: 1 } });
    b.submitPlan(
      plan('p1', { quantity: undefined, entry: { type: 'limit', price: 50 }, stopLoss: 40 }),
      past(0),
    );
    expect(planOf(b, 'p1')?.reason).toBe('size_below_min');
  });
});

describe('intake validation: parsed but unacceptable plans are rejected with a reason code', () => {
  const cases: Array<[string, PlanRaw, string]> = [
    ['unknown_symbol', { symbol: 'ZZZ' }, 'a symbol with no prices or instrument'],
    ['invalid_quantity', { quantity: -5 }, 'a negative quantity'],
    ['invalid_quantity', { quantity: 0 }, 'a zero quantity'],
    ['invalid_quantity', { quantity: 1.5 }, 'a quantity not a multiple of the lot 1'],
    ['invalid_price', { entry: { type: 'limit', price: -1 } }, 'a negative limit price'],
    ['invalid_price', { stopLoss: 0 }, 'a zero stop-loss'],
    [
      'invalid_stop_loss',
      { entry: { type: 'limit', price: 100 }, stopLoss: 101 },
      'a buy stop-loss above the entry',
    ],
    [
      'invalid_stop_loss',
      { side: 'sell', entry: { type: 'limit', price: 100 }, stopLoss: 99 },
      'a sell stop-loss below the entry',
    ],
    [
      'invalid_take_profit',
      { entry: { type: 'limit', price: 100 }, takeProfit: 99 },
      'a buy take-profit below the entry',
    ],
    [
      'invalid_take_profit',
      { side: 'sell', entry: { type: 'limit', price: 100 }, takeProfit: 101 },
      'a sell take-profit above the entry',
    ],
  ];
  for (const [reason, over, what] of cases) {
    it(`${reason}: ${what}`, () => {
      const e = engine();
      bar(e, at(0), flat(100));
      const r = e.submitPlan(plan('p1', over), past(0));
      expect(r.ok).toBe(true); // the plan parsed: it is recorded, not refused
      expect(planOf(e, 'p1')?.status).toBe('rejected');
      expect(planOf(e, 'p1')?.reason).toBe(reason);
      expect(e.snapshot().orders).toHaveLength(0);
    });
  }
});

describe('risk checks at submission, each with its reason code', () => {
  it('halted: an entry after the kill switch is rejected', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.kill(past(0));
    e.submitPlan(plan('p1'), past(0) + 1);
    expect(planOf(e, 'p1')?.reason).toBe('halted');
    expect(e.snapshot().orders).toHaveLength(0);
  });

  it('reducing: REDUCING allows no new entry', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.setTradingState('REDUCING', past(0));
    e.submitPlan(plan('p1'), past(0) + 1);
    expect(planOf(e, 'p1')?.status).toBe('rejected');
    expect(planOf(e, 'p1')?.reason).toBe('reducing');
  });

  it('max_open_positions counts working entries as well as positions', () => {
    const e = engine({ risk: { maxOpenPositions: 1 } }, ['AAA', 'BBB']);
    e.submitPlan(plan('p1', { entry: { type: 'limit', price: 90 } }), past(0)); // working, unfilled
    e.submitPlan(plan('p2', { symbol: 'BBB', entry: { type: 'limit', price: 90 } }), past(0) + 1);
    expect(planOf(e, 'p1')?.status).toBe('working');
    expect(planOf(e, 'p2')?.reason).toBe('max_open_positions');
  });

  it('position_exists: one position (or working entry) per symbol', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1'), past(0));
    e.submitPlan(plan('p2', { entry: { type: 'limit', price: 90 } }), past(0) + 1); // p1 still working
    expect(planOf(e, 'p2')?.reason).toBe('position_exists');
    bar(e, at(1), flat(100)); // p1 fills: an open position
    e.submitPlan(plan('p3', { entry: { type: 'limit', price: 90 } }), past(1));
    expect(planOf(e, 'p3')?.reason).toBe('position_exists');
  });

  it('max_notional: notional above the maximum is rejected; equal to it passes', () => {
    const e = engine({ risk: { maxNotional: 500 } }, ['AAA', 'BBB']);
    e.submitPlan(plan('p1', { entry: { type: 'limit', price: 100 } }), past(0)); // 10 x 100 = 1000 > 500
    expect(planOf(e, 'p1')?.reason).toBe('max_notional');
    e.submitPlan(plan('p2', { symbol: 'BBB', quantity: 5, entry: { type: 'limit', price: 100 } }), past(0)); // 500
    expect(planOf(e, 'p2')?.status).toBe('working');
  });

  it('insufficient_funds: notional plus fee above cash x leverage', () => {
    const cfg = (leverage: number) => ({
      account: { cash: 1000, leverage },
      venues: { paper: { takerFeeBps: 10 } },
    });
    // leverage 2: buying power 2,000; 20 x 100 = 2,000 + fee 2 = 2,002 > 2,000
    const a = engine(cfg(2));
    bar(a, at(0), flat(100));
    a.submitPlan(plan('p1', { quantity: 20 }), past(0));
    expect(planOf(a, 'p1')?.reason).toBe('insufficient_funds');
    // 19 x 100 = 1,900 + fee 1.9 = 1,901.9 <= 2,000: accepted thanks to the leverage
    a.submitPlan(plan('p2', { quantity: 19 }), past(0));
    expect(planOf(a, 'p2')?.status).toBe('working');
    // leverage 1: 1,901.9 > 1,000
    const b = engine(cfg(1));
    bar(b, at(0), flat(100));
    b.submitPlan(plan('p1', { quantity: 19 }), past(0));
    expect(planOf(b, 'p1')?.reason).toBe('insufficient_funds');
  });

  it('daily_loss_limit: equity down by dailyLossLimitPct from the day start rejects, halts and flattens', () => {
    const e = engine({ risk: { dailyLossLimitPct: 0.02 } }, ['AAA', 'BBB']);
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { quantity: 500 }), past(0));
    bar(e, at(1), '100 100 95 95'); // fills 500 @ 100: cash 50,000; close 95: equity 50,000 + 47,500 = 97,500
    // day start 100,000 x (1 - 0.02) = 98,000; 97,500 < 98,000: breached (cash 50,000 still covers BBB)
    e.submitPlan(plan('p2', { symbol: 'BBB', quantity: 1, entry: { type: 'limit', price: 50 } }), past(1));
    expect(planOf(e, 'p2')?.status).toBe('rejected');
    expect(planOf(e, 'p2')?.reason).toBe('daily_loss_limit');
    expect(e.snapshot().tradingState).toBe('HALTED');
    expect(orderOf(e, 'p1:X1')?.type).toBe('market');
    bar(e, at(2), '93 95 92 94'); // flattened at the next open of AAA
    const t = tradeOf(e, 'p1');
    expect(t?.exitReason).toBe('kill_switch');
    expectDec(t?.exitPrice, '93');
    expectDec(t?.pnl, '-3500'); // (93 - 100) x 500
    expect(e.snapshot().positions).toHaveLength(0);
    // halted as if killed: a later entry is rejected `halted`
    e.submitPlan(plan('p3', { symbol: 'BBB', quantity: 1, entry: { type: 'limit', price: 50 } }), past(2));
    expect(planOf(e, 'p3')?.reason).toBe('halted');
  });

  it('daily_loss_limit not reached: equity 98,500 above 98,000 lets the entry through', () => {
    const e = engine({ risk: { dailyLossLimitPct: 0.02 } }, ['AAA', 'BBB']);
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { quantity: 500 }), past(0));
    bar(e, at(1), '100 100 97 97'); // 50,000 + 500 x 97 = 98,500
    e.submitPlan(plan('p2', { symbol: 'BBB', quantity: 1, entry: { type: 'limit', price: 50 } }), past(1));
    expect(planOf(e, 'p2')?.status).toBe('working');
    expect(e.snapshot().tradingState).toBe('ACTIVE');
  });
});

describe('daily loss limit: the day start is fixed per exchange day', () => {
  it("the next New York day starts from its own equity: yesterday's loss does not block today", () => {
    const e = engine({ risk: { dailyLossLimitPct: 0.02 } }, ['AAA', 'BBB']);
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { quantity: 500 }), past(0));
    bar(e, at(1), '100 100 95 95'); // equity 97,500: below 98,000 today
    const next = Date.parse('2024-03-05T14:30:00Z');
    bar(e, next, flat(95)); // new day: day start 97,500; 97,500 > 97,500 x 0.98 = 95,550
    e.submitPlan(plan('p2', { symbol: 'BBB', quantity: 1, entry: { type: 'limit', price: 50 } }), next + MIN);
    expect(planOf(e, 'p2')?.status).toBe('working');
    expectDec(e.snapshot().account.dayStartEquity, '97500');
  });
});

describe('exits are never blocked by risk checks', () => {
  it('REDUCING rejects entries but a stop-loss still fills and a close still goes through', () => {
    const e = engine({}, ['AAA', 'BBB', 'CCC']);
    bar(e, at(0), flat(100));
    bar(e, at(0), flat(100), 'BBB');
    e.submitPlan(plan('p1', { stopLoss: 95 }), past(0));
    e.submitPlan(plan('p2', { symbol: 'BBB' }), past(0));
    bar(e, at(1), flat(100));
    bar(e, at(1), flat(100), 'BBB');
    e.setTradingState('REDUCING', past(1));
    e.submitPlan(plan('p3', { symbol: 'CCC', entry: { type: 'limit', price: 10 } }), past(1));
    expect(planOf(e, 'p3')?.reason).toBe('reducing');
    bar(e, at(2), '100 101 94 96');
    expect(tradeOf(e, 'p1')?.exitReason).toBe('stop_loss');
    expect(e.closePosition('BBB', past(2)).ok).toBe(true);
    bar(e, at(3), flat(102), 'BBB');
    const t = tradeOf(e, 'p2');
    expect(t?.exitReason).toBe('close');
    expectDec(t?.pnl, '20'); // (102 - 100) x 10
    expect(e.snapshot().tradingState).toBe('REDUCING');
  });
});

describe('kill switch and resume', () => {
  it('kill cancels every working order and unfilled plan, flattens at the next open (kill_switch), HALTED; resume -> ACTIVE', () => {
    const e = engine({}, ['AAA', 'BBB', 'CCC']);
    for (const s of ['AAA', 'BBB', 'CCC']) bar(e, at(0), flat(100), s);
    e.submitPlan(plan('p1', { stopLoss: 90, takeProfit: 120 }), past(0));
    e.submitPlan(plan('p2', { symbol: 'BBB', entry: { type: 'limit', price: 80 } }), past(0));
    e.submitPlan(plan('p3', { symbol: 'CCC', condition: { kind: 'price_above', price: 150 } }), past(0));
    bar(e, at(1), flat(100));
    bar(e, at(1), '100 100 99 100', 'BBB');
    expect(planOf(e, 'p1')?.status).toBe('open');
    expect(planOf(e, 'p2')?.status).toBe('working');
    expect(planOf(e, 'p3')?.status).toBe('armed');
    expect(e.kill(past(1)).ok).toBe(true);
    const s = e.snapshot();
    expect(s.tradingState).toBe('HALTED');
    expect(orderOf(e, 'p1:SL1')?.status).toBe('cancelled');
    expect(orderOf(e, 'p1:TP1')?.status).toBe('cancelled');
    expect(orderOf(e, 'p2:E1')?.status).toBe('cancelled');
    expect(planOf(e, 'p2')?.status).toBe('cancelled');
    expect(planOf(e, 'p3')?.status).toBe('cancelled');
    expect(fillsOf(e, 'p1:X1')).toHaveLength(0); // market exit waits for the next bar of AAA
    bar(e, at(2), '97 99 96 98');
    const t = tradeOf(e, 'p1');
    expect(t?.exitReason).toBe('kill_switch');
    expectDec(t?.exitPrice, '97');
    expectDec(t?.pnl, '-30'); // (97 - 100) x 10
    expect(planOf(e, 'p1')?.status).toBe('closed');
    expect(e.snapshot().positions).toHaveLength(0);
    expect(e.resume(past(2)).ok).toBe(true);
    expect(e.snapshot().tradingState).toBe('ACTIVE');
    e.submitPlan(plan('p4', { symbol: 'BBB', entry: { type: 'limit', price: 80 } }), past(2) + 1);
    expect(planOf(e, 'p4')?.status).toBe('working');
  });
});

describe('kill switch: further cases', () => {
  it('kill cancels a plan waiting for approval', () => {
    const e = engine({ approval: 'manual' });
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1'), past(0));
    e.kill(past(0) + 1);
    expect(planOf(e, 'p1')?.status).toBe('cancelled');
    expect(e.approve('p1', past(0) + 2).ok).toBe(false);
  });

  it('a resume before the next bar does not undo the kill: the position is still flattened at that open', () => {
    const e = openLong({ stopLoss: 90 });
    e.kill(past(1));
    e.resume(past(1) + 1);
    expect(e.snapshot().tradingState).toBe('ACTIVE');
    bar(e, at(2), flat(101));
    const t = tradeOf(e, 'p1');
    expect(t?.exitReason).toBe('kill_switch');
    expectDec(t?.exitPrice, '101');
    expect(orderOf(e, 'p1:SL1')?.status).toBe('cancelled');
  });
});

describe('expiry', () => {
  it('a plan waiting for approval expires at the first bar at or after expiresAt', () => {
    const e = engine({ approval: 'manual' });
    e.submitPlan(plan('p1', { expiresAt: at(2) }), past(0));
    bar(e, at(1), flat(100));
    expect(planOf(e, 'p1')?.status).toBe('pending_approval');
    bar(e, at(2), flat(100));
    expect(planOf(e, 'p1')?.status).toBe('expired');
  });

  it('expiry is checked at script events too: a later event expires the waiting plan', () => {
    const e = engine({ approval: 'manual' }, ['AAA', 'BBB']);
    e.submitPlan(plan('p1', { expiresAt: at(1) + 30_000 }), past(0));
    e.submitPlan(plan('p2', { symbol: 'BBB' }), past(1)); // past(1) = at(1) + 60 s > expiresAt
    expect(planOf(e, 'p1')?.status).toBe('expired');
  });

  it('an armed plan expires; at the bar close expiry comes before the entry condition', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { condition: { kind: 'price_above', price: 105 }, expiresAt: at(2) }), past(0));
    bar(e, at(1), flat(104)); // 104 not > 105
    expect(planOf(e, 'p1')?.status).toBe('armed');
    bar(e, at(2), flat(110)); // the condition holds, but the plan expired at this bar
    expect(planOf(e, 'p1')?.status).toBe('expired');
    expect(e.snapshot().orders).toHaveLength(0);
  });

  it('a working entry is cancelled with status expired', () => {
    const e = engine();
    e.submitPlan(plan('p1', { entry: { type: 'limit', price: 90 }, expiresAt: at(2) }), past(0));
    bar(e, at(1), '96 97 95 96');
    expect(planOf(e, 'p1')?.status).toBe('working');
    bar(e, at(2), '96 97 95 96');
    expect(orderOf(e, 'p1:E1')?.status).toBe('expired');
    expect(planOf(e, 'p1')?.status).toBe('expired');
    bar(e, at(3), '89 90 88 89'); // would have filled at 89: nothing works any more
    expect(e.snapshot().fills).toHaveLength(0);
  });

  it('a plan arriving at or after its expiresAt is expired at once', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { expiresAt: at(0) }), past(0));
    expect(planOf(e, 'p1')?.status).toBe('expired');
    expect(e.snapshot().orders).toHaveLength(0);
  });
});

describe('expiry: further cases', () => {
  it('an approve at expiresAt comes too late: the plan is expired first and the approve fails', () => {
    const e = engine({ approval: 'manual' });
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { expiresAt: at(1) }), past(0));
    expect(e.approve('p1', at(1)).ok).toBe(false);
    expect(planOf(e, 'p1')?.status).toBe('expired');
  });

  it('a partly filled entry at expiry: the rest is expired, the position and its brackets (filled size) stay', () => {
    const e = engine({ venues: { paper: { maxVolumeShare: 0.1 } } });
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { stopLoss: 90, expiresAt: at(2) }), past(0));
    bar(e, at(1), flat(100), 'AAA', '40'); // 0.1 x 40 = 4
    bar(e, at(2), flat(100), 'AAA', '40'); // 4 more (fills come before the close), then expiry
    expect(orderOf(e, 'p1:E1')?.status).toBe('expired');
    expectDec(orderOf(e, 'p1:E1')?.filledQuantity, '8');
    expect(planOf(e, 'p1')?.status).toBe('open');
    expectDec(e.snapshot().positions[0]?.quantity, '8');
    expectDec(orderOf(e, 'p1:SL1')?.quantity, '8');
    bar(e, at(3), flat(100), 'AAA', '1000');
    expect(fillsOf(e, 'p1:E1')).toHaveLength(2); // nothing more after expiry
  });
});

describe('expiry is checked at every script event (kill, resume, reduce too)', () => {
  // A plan past its expiresAt expires at any script event, not only at the next bar.
  it('a resume event after expiresAt expires a plan waiting for approval', () => {
    const e = engine({ approval: 'manual' });
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { expiresAt: at(1) }), past(0));
    e.resume(at(2)); // an event after expiresAt, and no bar after it
    expect(planOf(e, 'p1')?.status).toBe('expired');
  });

  it('a resume event after expiresAt cancels a working entry with status expired', () => {
    const e = engine();
    e.submitPlan(plan('p1', { entry: { type: 'limit', price: 90 }, expiresAt: at(1) }), past(0));
    e.resume(at(2));
    expect(orderOf(e, 'p1:E1')?.status).toBe('expired');
    expect(planOf(e, 'p1')?.status).toBe('expired');
  });

  it('a kill event after expiresAt finds the plan already expired (expired, not cancelled)', () => {
    const e = engine({ approval: 'manual' });
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { expiresAt: at(1) }), past(0));
    e.kill(at(2));
    expect(planOf(e, 'p1')?.status).toBe('expired');
  });
});

describe('HALTED is left only by resume', () => {
  it('a reduce (or ACTIVE) after the kill switch is refused and trading stays HALTED', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.kill(past(0));
    const reduce = e.setTradingState('REDUCING', past(0) + 1);
    expect(reduce.ok ? '' : reduce.error.code).toBe('halted');
    const active = e.setTradingState('ACTIVE', past(0) + 2);
    expect(active.ok ? '' : active.error.code).toBe('halted');
    expect(e.state).toBe('HALTED');
    // A plan arriving while halted is still recorded, rejected with the reason code (replay.md).
    e.submitPlan(plan('p1'), past(0) + 3);
    expect(planOf(e, 'p1')).toMatchObject({ status: 'rejected', reason: 'halted' });
    expect(e.resume(past(0) + 4).ok).toBe(true);
    expect(e.state).toBe('ACTIVE');
    expect(e.setTradingState('REDUCING', past(0) + 5).ok).toBe(true);
    expect(e.state).toBe('REDUCING');
  });
});

describe('manual approval', () => {
  it('a plan waits in pending_approval until approve, then its entry fills from the next bar', () => {
    const e = engine({ approval: 'manual' });
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1'), past(0));
    expect(planOf(e, 'p1')?.status).toBe('pending_approval');
    bar(e, at(1), flat(101));
    expect(e.snapshot().orders).toHaveLength(0);
    expect(e.approve('p1', past(1)).ok).toBe(true);
    expect(planOf(e, 'p1')?.status).toBe('working');
    bar(e, at(2), flat(102));
    expectDec(fillsOf(e, 'p1:E1')[0]?.price, '102');
    expect(e.approve('p1', past(2)).ok).toBe(false); // no longer waiting
  });

  it('cancel of a plan waiting for approval -> cancelled', () => {
    const e = engine({ approval: 'manual' });
    e.submitPlan(plan('p1', { entry: { type: 'limit', price: 90 } }), past(0));
    expect(e.cancelPlan('p1', past(0) + 1).ok).toBe(true);
    expect(planOf(e, 'p1')?.status).toBe('cancelled');
    expect(e.approve('p1', past(0) + 2).ok).toBe(false);
  });

  it('reject -> rejected, and nothing is ordered', () => {
    const e = engine({ approval: 'manual' });
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1'), past(0));
    expect(e.reject('p1', 'not today', past(0) + 1).ok).toBe(true);
    expect(planOf(e, 'p1')?.status).toBe('rejected');
    bar(e, at(1), flat(100));
    expect(e.snapshot().orders).toHaveLength(0);
    expect(e.approve('p1', past(1)).ok).toBe(false);
  });
});

describe('entry conditions (checked at the bar close)', () => {
  it('price_above: armed until close > price (strict); then sized, submitted, and filled from the next bar', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.submitPlan(
      plan('p1', { quantity: undefined, stopLoss: 100, condition: { kind: 'price_above', price: 105 } }),
      past(0),
    );
    expect(planOf(e, 'p1')?.status).toBe('armed');
    bar(e, at(1), '104 105 104 105'); // close 105 is not > 105
    expect(planOf(e, 'p1')?.status).toBe('armed');
    bar(e, at(2), '105 107 104 106'); // close 106 > 105: submitted at this close
    expect(planOf(e, 'p1')?.status).toBe('working');
    // min(100,000 x 0.01 / |106 - 100| = 166.6, 100,000 x 0.05 / 106 = 47.17) -> 47
    expectDec(planOf(e, 'p1')?.quantity, '47');
    expect(fillsOf(e, 'p1:E1')).toHaveLength(0); // not on the trigger bar
    bar(e, at(3), '107 108 106 107');
    const f = fillsOf(e, 'p1:E1')[0];
    expectDec(f?.price, '107');
    expectDec(f?.quantity, '47');
  });

  it('price_below: triggers when close < price (strict) and a short fills at the next open', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { side: 'sell', condition: { kind: 'price_below', price: 95 } }), past(0));
    bar(e, at(1), '96 96 94 95'); // close 95 not < 95 (the low 94 does not count)
    expect(planOf(e, 'p1')?.status).toBe('armed');
    bar(e, at(2), '95 95 93 94');
    expect(planOf(e, 'p1')?.status).toBe('working');
    bar(e, at(3), '93 94 92 93');
    expectDec(fillsOf(e, 'p1:E1')[0]?.price, '93');
    expect(e.snapshot().positions[0]?.side).toBe('short');
  });
});

describe('duplicates and late commands', () => {
  it('a second plan with an id already seen is ignored and listed once in duplicatePlans', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1'), past(0));
    e.submitPlan(plan('p1', { quantity: 20 }), past(0) + 1);
    e.submitPlan(plan('p1', { quantity: 30 }), past(0) + 2);
    expect(e.duplicates).toEqual(['p1']);
    const s = e.snapshot();
    expect(s.plans.filter((p) => p.id === 'p1')).toHaveLength(1);
    expect(s.orders).toHaveLength(1);
    expectDec(orderOf(e, 'p1:E1')?.quantity, '10');
  });

  it('cancel of a working plan cancels its entry order and the plan', () => {
    const e = engine();
    e.submitPlan(plan('p1', { entry: { type: 'limit', price: 90 } }), past(0));
    expect(e.cancelPlan('p1', past(0) + 1).ok).toBe(true);
    expect(orderOf(e, 'p1:E1')?.status).toBe('cancelled');
    expect(planOf(e, 'p1')?.status).toBe('cancelled');
    bar(e, at(1), '89 90 88 89');
    expect(e.snapshot().fills).toHaveLength(0);
  });

  it('cancel of an armed plan cancels it; cancel of a filled plan is an error (close it instead)', () => {
    const e = engine({}, ['AAA', 'BBB']);
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { symbol: 'BBB', condition: { kind: 'price_above', price: 150 } }), past(0));
    expect(e.cancelPlan('p1', past(0)).ok).toBe(true);
    expect(planOf(e, 'p1')?.status).toBe('cancelled');
    e.submitPlan(plan('p2'), past(0));
    bar(e, at(1), flat(100));
    expect(e.cancelPlan('p2', past(1)).ok).toBe(false);
    expect(planOf(e, 'p2')?.status).toBe('open');
  });

  it('close of a symbol with no position returns an error result and orders nothing', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    const r = e.closePosition('AAA', past(0));
    expect(r.ok).toBe(false);
    expect(e.snapshot().orders).toHaveLength(0);
  });
});

// ------------------------------------------------------------------------------------------------------

describe('pattern day trader policy through the engine', () => {
  /** One round trip (open and flat again) of 1 AAA at a flat 100, in slot k of a New York trading day.
   *  14:00Z is 10:00 in New York (EDT) on the same date. */
  function roundTrip(e: Engine, id: string, date: string, k: number, symbol = 'AAA'): void {
    const base = Date.parse(`${date}T14:00:00Z`) + k * 15 * MIN;
    bar(e, base, flat(100), symbol);
    e.submitPlan(plan(id, { symbol, quantity: 1 }), base + MIN);
    bar(e, base + 5 * MIN, flat(100), symbol);
    e.closePosition(symbol, base + 6 * MIN);
    bar(e, base + 10 * MIN, flat(100), symbol);
  }

  /** Submits an entry at 14:01Z of `date` (after a bar) and returns the plan's status/reason. */
  function tryEntry(e: Engine, id: string, date: string) {
    const t = Date.parse(`${date}T14:00:00Z`);
    bar(e, t, flat(100));
    e.submitPlan(plan(id, { quantity: 1 }), t + MIN);
    return planOf(e, id);
  }

  it('a position opened and closed on the same New York day is one day trade; one held overnight is not', () => {
    const e = engine({ account: { cash: 20000 } });
    roundTrip(e, 'd1', '2024-03-28', 0);
    expect(e.snapshot().dayTrades.dayTrades).toEqual([{ date: '2024-03-28', symbol: 'AAA' }]);
    // open Thu 03-28, flat Mon 04-01: not a day trade
    bar(e, Date.parse('2024-03-28T19:00:00Z'), flat(100));
    e.submitPlan(plan('o1', { quantity: 1 }), Date.parse('2024-03-28T19:01:00Z'));
    bar(e, Date.parse('2024-03-28T19:05:00Z'), flat(100));
    e.closePosition('AAA', Date.parse('2024-04-01T14:00:00Z'));
    bar(e, Date.parse('2024-04-01T14:05:00Z'), flat(100));
    expect(tradeOf(e, 'o1')?.exitReason).toBe('close');
    expect(e.snapshot().dayTrades.dayTrades).toHaveLength(1);
  });

  it('the trading day is the New York date, not the UTC date', () => {
    const e = engine({ account: { cash: 20000 } });
    const t = (iso: string) => Date.parse(iso);
    // 23:00Z and 01:00Z next UTC day are 19:00 and 21:00 on Tue 2024-04-02 in New York (EDT): a day trade
    bar(e, t('2024-04-02T22:55:00Z'), flat(100));
    e.submitPlan(plan('a', { quantity: 1 }), t('2024-04-02T22:56:00Z'));
    bar(e, t('2024-04-02T23:00:00Z'), flat(100));
    e.closePosition('AAA', t('2024-04-03T00:56:00Z'));
    bar(e, t('2024-04-03T01:00:00Z'), flat(100));
    expect(e.snapshot().dayTrades.dayTrades).toEqual([{ date: '2024-04-02', symbol: 'AAA' }]);
    // 03:00Z and 14:00Z on UTC 04-04 are 23:00 on 04-03 and 10:00 on 04-04 in New York: not a day trade
    bar(e, t('2024-04-04T02:55:00Z'), flat(100));
    e.submitPlan(plan('b', { quantity: 1 }), t('2024-04-04T02:56:00Z'));
    bar(e, t('2024-04-04T03:00:00Z'), flat(100));
    e.closePosition('AAA', t('2024-04-04T13:56:00Z'));
    bar(e, t('2024-04-04T14:00:00Z'), flat(100));
    expect(tradeOf(e, 'b')?.exitReason).toBe('close');
    expect(e.snapshot().dayTrades.dayTrades).toHaveLength(1);
  });

  it('window of 5 business days skips the weekend and Good Friday 2024-03-29: pdt_limit on Thu 04-04, not on Fri 04-05', () => {
    const e = engine({ account: { cash: 20000 } });
    roundTrip(e, 'd1', '2024-03-28', 0);
    roundTrip(e, 'd2', '2024-03-28', 1);
    roundTrip(e, 'd3', '2024-04-02', 0);
    // Thu 04-04 window: 04-04, 04-03, 04-02, 04-01, 03-28 (03-29 holiday, 03-30/31 weekend) -> 3 trades
    const thu = tryEntry(e, 'p4', '2024-04-04');
    expect(e.snapshot().dayTrades.used).toBe(3);
    expect(thu?.status).toBe('rejected');
    expect(thu?.reason).toBe('pdt_limit');
    // Fri 04-05 window: 04-05, 04-04, 04-03, 04-02, 04-01 -> only the 04-02 trade: 1
    const fri = tryEntry(e, 'p5', '2024-04-05');
    expect(e.snapshot().dayTrades.used).toBe(1);
    expect(fri?.status).toBe('working');
  });

  it('no pdt_limit when the day-start equity is 25,000 or more', () => {
    const e = engine({ account: { cash: 30000 } });
    roundTrip(e, 'd1', '2024-03-28', 0);
    roundTrip(e, 'd2', '2024-03-28', 1);
    roundTrip(e, 'd3', '2024-04-02', 0);
    const thu = tryEntry(e, 'p4', '2024-04-04');
    expect(e.snapshot().dayTrades.used).toBe(3);
    expect(thu?.status).toBe('working');
  });

  it('no pdt_limit when the policy is off or the account is a cash account', () => {
    for (const cfg of [{ pdt: { enabled: false } }, { account: { cash: 20000, type: 'cash' } }]) {
      const e = engine({ account: { cash: 20000 }, ...cfg });
      roundTrip(e, 'd1', '2024-04-02', 0);
      roundTrip(e, 'd2', '2024-04-02', 1);
      roundTrip(e, 'd3', '2024-04-02', 2);
      expect(tryEntry(e, 'p4', '2024-04-03')?.status).toBe('working');
    }
  });

  it('an exit is never blocked by the day-trade limit (the closing round trip counts as a fourth)', () => {
    const e = engine({ account: { cash: 20000 } }, ['AAA', 'BBB']);
    const day = '2024-04-02';
    const t = (hhmm: string) => Date.parse(`${day}T${hhmm}:00Z`);
    bar(e, t('13:30'), flat(100), 'BBB');
    e.submitPlan(plan('b1', { symbol: 'BBB', quantity: 1 }), t('13:31'));
    bar(e, t('13:35'), flat(100), 'BBB'); // BBB open since the morning
    roundTrip(e, 'd1', day, 0);
    roundTrip(e, 'd2', day, 1);
    roundTrip(e, 'd3', day, 2);
    expect(tryEntry(e, 'p4', '2024-04-02')?.reason).toBe('pdt_limit');
    expect(e.closePosition('BBB', t('15:00')).ok).toBe(true);
    bar(e, t('15:05'), flat(100), 'BBB');
    expect(tradeOf(e, 'b1')?.exitReason).toBe('close');
    expect(e.snapshot().dayTrades.used).toBe(4);
  });
});

describe('metrics', () => {
  /** Three trades of 10 AAA closed by `close`: +100 (100 -> 110), -50 (110 -> 105), +200 (105 -> 125). */
  function threeTrades(): Engine {
    const e = engine();
    const opens = [100, 100, 110, 110, 105, 105, 125];
    bar(e, at(0), flat(opens[0]!));
    for (let k = 0; k < 3; k++) {
      const i = 2 * k;
      e.submitPlan(plan(`p${k + 1}`), past(i));
      bar(e, at(i + 1), flat(opens[i + 1]!));
      e.closePosition('AAA', past(i + 1));
      bar(e, at(i + 2), flat(opens[i + 2]!));
    }
    return e;
  }

  it('winRate, profitFactor, avgWin/avgLoss and expectancy over closed trades', () => {
    const e = threeTrades();
    expect(e.trades().map((t) => t.pnl)).toEqual(['100', '-50', '200']);
    const m = e.snapshot().metrics;
    expect(m.totalTrades).toBe(3);
    expect(m.wins).toBe(2);
    expect(m.losses).toBe(1);
    expect(Number(m.winRate)).toBeCloseTo(2 / 3, 12); // 2 / 3
    expectDec(m.grossProfit, '300'); // 100 + 200
    expectDec(m.grossLoss, '50');
    expectDec(m.profitFactor, '6'); // 300 / 50
    expectDec(m.avgWin, '150'); // 300 / 2
    expectDec(m.avgLoss, '50');
    expectDec(m.netPnl, '250');
    expect(Number(m.expectancy)).toBeCloseTo(250 / 3, 10); // 83.333...
  });

  it('profitFactor is null when there are no losses', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1'), past(0));
    bar(e, at(1), flat(100));
    e.closePosition('AAA', past(1));
    bar(e, at(2), flat(103));
    const m = e.snapshot().metrics;
    expect(m.totalTrades).toBe(1);
    expectDec(m.grossLoss, '0');
    expect(m.profitFactor).toBeNull();
    expectDec(m.winRate, '1');
    expectDec(m.expectancy, '30'); // (103 - 100) x 10
  });

  it('a zero-pnl trade is neither a win nor a loss but counts in totalTrades (winRate, expectancy)', () => {
    const e = engine();
    const opens = [100, 100, 110, 110, 110];
    bar(e, at(0), flat(opens[0]!));
    for (let k = 0; k < 2; k++) {
      const i = 2 * k;
      e.submitPlan(plan(`p${k + 1}`), past(i));
      bar(e, at(i + 1), flat(opens[i + 1]!));
      e.closePosition('AAA', past(i + 1));
      bar(e, at(i + 2), flat(opens[i + 2]!));
    }
    const m = e.snapshot().metrics;
    expect(e.trades().map((t) => t.pnl)).toEqual(['100', '0']);
    expect(m.totalTrades).toBe(2);
    expect(m.wins).toBe(1);
    expect(m.losses).toBe(0);
    expectDec(m.winRate, '0.5'); // 1 / 2
    expectDec(m.expectancy, '50'); // 100 / 2
    expect(m.profitFactor).toBeNull();
  });

  it('maxDrawdownPct is measured on equity marked at bar closes (intrabar lows do not count)', () => {
    const e = engine();
    bar(e, at(0), flat(100));
    e.submitPlan(plan('p1', { quantity: 100 }), past(0));
    bar(e, at(1), flat(100)); // cash 90,000 + 100 x 100 = 100,000
    bar(e, at(2), '100 110 100 110'); // 101,000: the peak
    bar(e, at(3), '110 110 50 99'); // 99,900 (the low 50 would be 95,000 but is not a close)
    bar(e, at(4), '99 105 99 105'); // 100,500
    // (101,000 - 99,900) / 101,000 x 100 = 1.0891089108910891...
    expect(Number(e.snapshot().metrics.maxDrawdownPct)).toBeCloseTo(1.089108910891, 10);
  });

  it('sharpe: mean / sample sd of daily returns of UTC end-of-day equity x sqrt(252); null under two returns', () => {
    const e = engine();
    const t = (iso: string) => Date.parse(iso);
    bar(e, t('2024-03-04T14:30:00Z'), flat(100));
    e.submitPlan(plan('p1', { quantity: 100 }), t('2024-03-04T14:31:00Z'));
    bar(e, t('2024-03-04T14:35:00Z'), flat(100));
    bar(e, t('2024-03-04T20:55:00Z'), flat(100)); // end of UTC 03-04: 90,000 + 10,000 = 100,000
    // 02:00Z on 03-05 is still 03-04 in New York, but UTC days are what count: 98,000 is not an end of day
    bar(e, t('2024-03-05T02:00:00Z'), flat(80));
    bar(e, t('2024-03-05T20:55:00Z'), flat(110)); // end of UTC 03-05: 101,000
    expect(e.snapshot().metrics.sharpe).toBeNull(); // one return only
    bar(e, t('2024-03-06T14:30:00Z'), flat(108));
    bar(e, t('2024-03-06T20:55:00Z'), flat(105)); // end of UTC 03-06: 100,500
    // r1 = 101,000 / 100,000 - 1 = 0.01 = 10.1/1010; r2 = 100,500 / 101,000 - 1 = -5/1010
    // mean = (r1 + r2) / 2; sample sd = |r1 - r2| / sqrt(2)
    // sharpe = (r1 + r2) / |r1 - r2| x sqrt(2)/2 x sqrt(252) = (5.1 / 15.1) x sqrt(126) = 3.79121576...
    // (with New York days the ends would be 98,000 / 101,000 / 100,500: a different value)
    expect(Number(e.snapshot().metrics.sharpe)).toBeCloseTo((51 / 151) * Math.sqrt(126), 6);
  });

  it('sharpe is null when the daily returns have zero deviation', () => {
    const e = engine();
    for (const d of ['04', '05', '06']) bar(e, Date.parse(`2024-03-${d}T20:55:00Z`), flat(100));
    // no position: end-of-day equity 100,000 three times, returns 0 and 0: zero deviation
    expect(e.snapshot().metrics.sharpe).toBeNull();
  });
});
