// The trade history's own metrics (the terminal's view, not the replay report): Sharpe per trade over a
// minimum sample, so the same trades always give the same figure; drawdown over realized equity.
import { describe, expect, it } from 'vitest';
import {
  historyView,
  perTradeSharpe,
  RunningHistoryView,
  SHARPE_MIN_TRADES,
} from '../../src/main/engine/history/history-view.ts';
import { EquityCurve } from '../../src/main/engine/portfolio/metrics.ts';
import { type Dec, dec, str, ZERO } from '../../src/shared/domain/decimal.ts';
import type { TradeRecord } from '../../src/shared/domain/portfolio.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2024-03-04T15:00:00Z');

function trade(i: number, pnl: string, pnlPct: string): TradeRecord {
  return {
    planId: `p${i}`,
    symbol: 'AAPL',
    side: 'long',
    quantity: '10',
    entryTime: T0 + i * DAY,
    entryPrice: '100',
    exitTime: T0 + i * DAY + 60_000,
    exitPrice: '100',
    exitReason: 'close',
    pnl,
    pnlPct,
    fees: '0',
  };
}

describe('Sharpe per trade', () => {
  it('needs the minimum sample', () => {
    expect(SHARPE_MIN_TRADES).toBe(20);
    const nineteen = Array.from({ length: 19 }, (_, i) => trade(i, i % 2 ? '-10' : '20', i % 2 ? '-1' : '2'));
    expect(perTradeSharpe(nineteen)).toBeNull();
  });

  it('is mean / sample sd of pnlPct: ten +2 % and ten -1 % give 0.5 / sqrt(45/19) = 0.32489', () => {
    // mean 0.5; deviations +-1.5, squared 2.25 x 20 = 45, over n - 1 = 19: 2.368421; sd 1.538968.
    const trades = Array.from({ length: 20 }, (_, i) => trade(i, i % 2 ? '-10' : '20', i % 2 ? '-1' : '2'));
    expect(perTradeSharpe(trades)?.toFixed(5)).toBe('0.32489');
    // The same trades in another order, or seen on a later day, give the same figure.
    expect(perTradeSharpe([...trades].reverse())?.toFixed(5)).toBe('0.32489');
    expect(historyView(trades, dec(100_000)).metrics.sharpe).toBe(perTradeSharpe(trades)?.toString());
  });

  it('is null when every trade returned the same', () => {
    expect(perTradeSharpe(Array.from({ length: 25 }, (_, i) => trade(i, '10', '1')))).toBeNull();
  });
});

/** The two-pass formula the running sums replace: mean first, then the squared deviations from it. */
function twoPass(returns: readonly Dec[]): Dec | null {
  if (returns.length < 2) return null;
  const n = dec(returns.length);
  const mean = returns.reduce((a, r) => a.plus(r), ZERO).div(n);
  const variance = returns.reduce((a, r) => a.plus(r.minus(mean).pow(2)), ZERO).div(n.minus(1));
  if (variance.eq(0)) return null;
  return mean.div(variance.sqrt());
}

const twoPassSharpe = (pnlPcts: readonly string[]) =>
  pnlPcts.length < SHARPE_MIN_TRADES ? null : twoPass(pnlPcts.map((r) => dec(r)));

/** A curve's end-of-day equities (the current day included), from its state. */
const endOfDay = (c: EquityCurve) => {
  const s = c.state();
  return [...s.closedDays, ...(s.day === null ? [] : [s.last])].map((e) => dec(e));
};

/** The daily Sharpe recomputed from every end-of-day equity, two passes, x sqrt(252). */
function twoPassDaily(c: EquityCurve): Dec | null {
  const days = endOfDay(c);
  const returns: Dec[] = [];
  for (let i = 1; i < days.length; i++) {
    if (days[i - 1]!.eq(0)) return null;
    returns.push(days[i]!.div(days[i - 1]!).minus(1));
  }
  const ratio = twoPass(returns);
  return ratio === null ? null : ratio.times(dec(252).sqrt());
}

/** A seeded walk of trades a day apart, P&L in cents, returns as the engine writes them (a division). */
function seededTrades(count: number, seed0: number): TradeRecord[] {
  let seed = seed0;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  return Array.from({ length: count }, (_, i) => {
    const pnl = dec(Math.round((next() - 0.48) * 40_000)).div(100);
    return trade(i, str(pnl), str(pnl.div(dec(1000).plus(i)).times(100)));
  });
}

describe('the running sums of the Sharpe ratio per trade', () => {
  it('give the two-pass figure to the last digit, trade after trade', () => {
    for (const seed of [7, 2024]) {
      const trades = seededTrades(150, seed);
      const running = new RunningHistoryView(dec(100_000));
      for (const [i, t] of trades.entries()) {
        expect(running.add(t)).toBe(true);
        const expected = twoPassSharpe(trades.slice(0, i + 1).map((x) => x.pnlPct));
        expect(running.view().metrics.sharpe).toBe(expected === null ? null : str(expected));
      }
      expect(running.view().metrics.sharpe).not.toBeNull();
    }
  });
});

describe('history view', () => {
  it('walks realized equity trade by trade, in exit order', () => {
    // 1,000 -> +100 = 1,100 -> -220 = 880 -> +20 = 900. Peak 1,100, trough 880: 220 / 1,100 = 20 %.
    const trades = [trade(2, '20', '2'), trade(0, '100', '10'), trade(1, '-220', '-22')];
    const view = historyView(trades, dec(1000));
    expect(view.equity).toEqual([
      { time: T0, value: '1000' },
      { time: T0 + 60_000, value: '1100' },
      { time: T0 + DAY + 60_000, value: '880' },
      { time: T0 + 2 * DAY + 60_000, value: '900' },
    ]);
    expect(view.metrics.maxDrawdownPct).toBe('20');
    expect(view.metrics.netPnl).toBe('-100');
    expect([view.metrics.wins, view.metrics.losses, view.count]).toEqual([2, 1, 3]);
    // 120 / 220 = 0.545454...
    expect(Number(view.metrics.profitFactor).toFixed(6)).toBe('0.545455');
  });

  it('refuses, unchanged, a trade that exits before the last one added', () => {
    const running = new RunningHistoryView(dec(1000));
    expect(running.add(trade(1, '100', '10'))).toBe(true);
    expect(running.add(trade(0, '50', '5'))).toBe(false);
    expect([running.count, running.view().metrics.netPnl]).toEqual([1, '100']);
  });

  it('sends a long curve as its first and last points and the extremes of each stretch', () => {
    // 10,000 trades: +1 each, except one fall of 500 at trade 4,321 and a spike of +700 at trade 7,000
    // (taken back by the next trade). Start 1,000.
    const trades = Array.from({ length: 10_000 }, (_, i) =>
      trade(i, i === 4321 ? '-500' : i === 7000 ? '700' : i === 7001 ? '-700' : '1', '0.1'),
    );
    const view = historyView(trades, dec(1000), 100);
    expect(view.count).toBe(10_000);
    expect(view.equity.length).toBeLessThanOrEqual(100);
    expect(view.equity.length).toBeGreaterThan(90);
    const times = view.equity.map((p) => p.time);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
    expect(view.equity[0]).toEqual({ time: T0, value: '1000' });
    // The last: 1,000 + 9,997 x 1 - 500 + 700 - 700 = 10,497.
    expect(view.equity.at(-1)).toEqual({ time: T0 + 9999 * DAY + 60_000, value: '10497' });
    // The trough after the fall (1,000 + 4,321 - 500 = 4,821) and the spike (1,000 + 6,999 - 500 + 700 =
    // 8,199) are both kept; so is the metric computed over every trade: 500 / 5,321.
    expect(view.equity).toContainEqual({ time: T0 + 4321 * DAY + 60_000, value: '4821' });
    expect(view.equity).toContainEqual({ time: T0 + 7000 * DAY + 60_000, value: '8199' });
    expect(Number(view.metrics.maxDrawdownPct).toFixed(6)).toBe(((500 / 5321) * 100).toFixed(6));
    // At or below the bound, every point.
    expect(historyView(trades.slice(0, 99), dec(1000), 100).equity).toHaveLength(100);
  });

  it('is empty without trades', () => {
    const view = historyView([], dec(1000));
    expect(view.equity).toEqual([]);
    expect(view.metrics.totalTrades).toBe(0);
    expect(view.metrics.sharpe).toBeNull();
  });
});

describe('the daily Sharpe ratio of the equity curve', () => {
  const DAY = 86_400_000;

  it('three days of 100, 110, 99 and today at 108.9: returns 0.1, -0.1, 0.1, hand-worked', () => {
    const c = new EquityCurve(dec(100));
    c.mark(0, dec(100));
    c.mark(DAY, dec(110));
    c.mark(2 * DAY, dec(99));
    c.mark(3 * DAY, dec('108.9'));
    // mean 1/30, sample variance ((2/30)^2 x 2 + (4/30)^2) / 2 = 0.0133..., sd 0.11547; x sqrt(252)
    // = 0.2886751 x 15.8745079 = 4.5825757
    expect(Number(str(c.sharpe()!))).toBeCloseTo(4.5825757, 6);
  });

  it("reusing the closed days' returns gives the figure of all days recomputed, to the last digit", () => {
    // A seeded walk of 400 marks over 120 days (cents), in one run a whole day at zero equity half-way.
    for (const withZero of [false, true]) {
      let seed = 7;
      const next = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed / 2_147_483_648;
      };
      const c = new EquityCurve(dec(100_000));
      let equity = dec(100_000);
      let nulls = 0;
      for (let i = 0; i < 400; i++) {
        const day = Math.floor(i * 0.3);
        const time = day * DAY + (i % 3) * 3_600_000;
        equity = equity.times(dec(1).plus(dec(next()).minus('0.5').div(50))).round(2);
        c.mark(time, withZero && day === 60 ? dec(0) : equity);
        const again = twoPassDaily(c);
        const fast = c.sharpe();
        expect(fast === null ? null : str(fast)).toBe(again === null ? null : str(again));
        if (fast === null) nulls++;
        // A curve read back from a checkpoint (its sums with it) goes on to the same figures.
        if (i % 50 === 49) {
          const copy = new EquityCurve(dec(100_000), JSON.parse(JSON.stringify(c.state())));
          if (!withZero || day < 60) expect(c.state().returns?.through).toBe(endOfDay(c).length - 1);
          copy.mark(time + 3_600_000, equity);
          c.mark(time + 3_600_000, equity);
          const a = copy.sharpe();
          const b = c.sharpe();
          expect(a === null ? null : str(a)).toBe(b === null ? null : str(b));
        }
      }
      // Without the zero day only the first days have too few returns; after it none can be taken.
      if (withZero) expect(c.sharpe()).toBeNull();
      else expect([nulls, c.sharpe() === null]).toEqual([7, false]);
    }
  });
});
