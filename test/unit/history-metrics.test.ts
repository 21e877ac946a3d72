// The trade history's own metrics (the terminal's view, not the replay report): Sharpe per trade over a
// minimum sample, so the same trades always give the same figure; drawdown over realized equity.
import { describe, expect, it } from 'vitest';
import {
  EquityCurve,
  historyView,
  perTradeSharpe,
  SHARPE_MIN_TRADES,
  sharpe,
} from '../../src/main/engine/portfolio/metrics.ts';
import { dec, str } from '../../src/shared/domain/decimal.ts';
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
        const again = sharpe(c.endOfDay());
        const fast = c.sharpe();
        expect(fast === null ? null : str(fast)).toBe(again === null ? null : str(again));
        if (fast === null) nulls++;
      }
      // Without the zero day only the first days have too few returns; after it none can be taken.
      if (withZero) expect(c.sharpe()).toBeNull();
      else expect([nulls, c.sharpe() === null]).toEqual([7, false]);
    }
  });
});
