// The Trade history's views kept per filter as trades close (host/history-views.ts): each answer equals
// the view computed afresh over the trades its filter keeps, and a closed trade is added, not a reason
// to read the whole history again; a correction (a late fee) rebuilds them.
import { describe, expect, it } from 'vitest';
import { historyView } from '../../src/main/engine/history/history-view.ts';
import { keepTrade, type TradeFilter } from '../../src/main/engine/history/trade-query.ts';
import { HistoryViews } from '../../src/main/host/history-views.ts';
import { dec } from '../../src/shared/domain/decimal.ts';
import type { TradeRecord } from '../../src/shared/domain/portfolio.ts';
import { closedTrade } from '../helpers/closed-trade.ts';

const T0 = Date.parse('2024-03-04T15:00:00Z');
const MIN = 60_000;

/** The engine's side: the trades in the order recorded (a correction replaces its record in place). */
function source(startEquity = '10000') {
  const trades: TradeRecord[] = [];
  const reads: TradeFilter[] = [];
  return {
    trades,
    reads,
    equity: startEquity,
    startingEquity() {
      return this.equity;
    },
    tradesByExit(filter: TradeFilter, offset: number, limit: number) {
      if (offset === 0) reads.push(filter);
      const kept = trades.filter((t) => keepTrade(t, filter));
      return kept.sort((a, b) => a.exitTime - b.exitTime).slice(offset, offset + limit);
    },
  };
}

const FILTERS: TradeFilter[] = [
  {},
  { symbol: 'AAPL' },
  { outcome: 'win' },
  { outcome: 'loss' },
  { symbol: 'MSFT', side: 'short' },
  { reason: 'stop_loss' },
];

/** Trade i: AAPL or MSFT, long or short, a win or a loss, closed i minutes after T0. */
function tradeNo(i: number): TradeRecord {
  const pnl = [30, -12, 7, -40, 0, 25, -5][i % 7]!;
  return closedTrade(`p${i}`, i % 3 === 0 ? 'MSFT' : 'AAPL', String(pnl), T0 + i * MIN, {
    side: i % 2 === 0 ? 'short' : 'long',
    exitReason: pnl < 0 ? 'stop_loss' : 'take_profit',
    pnlPct: String(pnl / 10),
  });
}

const fresh = (s: ReturnType<typeof source>, f: TradeFilter) =>
  historyView(
    s.trades.filter((t) => keepTrade(t, f)),
    dec(s.equity),
  );

describe('history views kept per filter', () => {
  it('answer what a fresh computation gives after every closed trade, reading the trades once', async () => {
    const s = source();
    const views = new HistoryViews(s);
    for (let i = 0; i < 60; i++) {
      const t = tradeNo(i);
      s.trades.push(t);
      views.onTrade(t);
      for (const f of FILTERS) expect(await views.view(f)).toEqual(fresh(s, f));
    }
    // The whole history and each filter were read once, when first asked (the first trade).
    expect(s.reads).toEqual(FILTERS);
    const whole = (await views.view({}))!;
    expect([whole.count, whole.metrics.totalTrades]).toEqual([60, 60]);
    // 60 trades over 20: the per-trade Sharpe is there.
    expect(whole.metrics.sharpe).not.toBeNull();
  });

  it('rebuild after a correction, and when a trade closes before the last one counted', async () => {
    const s = source();
    const views = new HistoryViews(s);
    for (let i = 0; i < 30; i++) s.trades.push(tradeNo(i));
    expect(await views.view({ outcome: 'win' })).toEqual(fresh(s, { outcome: 'win' }));
    expect(s.reads).toHaveLength(2);
    // A late fee of 40 turns trade 5's +25 into a loss of -15: it leaves the winners, joins the losers.
    const corrected = { ...s.trades[5]!, pnl: '-15', pnlPct: '-1.5', fees: '40' };
    s.trades[5] = corrected;
    views.onTrade(corrected);
    for (const f of FILTERS) expect(await views.view(f)).toEqual(fresh(s, f));
    expect(s.reads.slice(2)).toEqual(FILTERS);
    // A trade whose exit is earlier than the last counted (a venue's late report): read again, in order.
    const late = closedTrade('late', 'AAPL', '9', T0 + 2 * MIN + 1, { pnlPct: '0.9' });
    s.trades.push(late);
    views.onTrade(late);
    expect(await views.view({})).toEqual(fresh(s, {}));
    expect((await views.view({}))!.equity[4]).toEqual({
      time: T0 + 2 * MIN + 1,
      value: String(10000 + 30 - 12 + 7 + 9),
    });
  });

  it('start again when the starting equity changes', async () => {
    const s = source();
    const views = new HistoryViews(s);
    s.trades.push(tradeNo(0));
    expect((await views.view({}))!.equity.map((p) => p.value)).toEqual(['10000', '10030']);
    s.equity = '5000';
    expect((await views.view({}))!.equity.map((p) => p.value)).toEqual(['5000', '5030']);
  });

  it('keep a bounded number of filtered views, the least recently asked dropped first', async () => {
    const s = source();
    const views = new HistoryViews(s);
    s.trades.push(tradeNo(0), tradeNo(1));
    const symbols = Array.from({ length: 10 }, (_, i) => `S${i}`);
    for (const symbol of symbols) await views.view({ symbol });
    await views.view({ symbol: 'S9' });
    await views.view({ symbol: 'S2' });
    await views.view({ symbol: 'S0' });
    // The whole history, then ten symbols read once each; S2 and S9 were kept (8 are), S0 was dropped.
    expect(s.reads.map((f) => f.symbol ?? '*')).toEqual(['*', ...symbols, 'S0']);
  });

  it('are built a slice at a time, and a trade that changes what a build read starts it again', async () => {
    const s = source();
    for (let i = 0; i < 1000; i++) s.trades.push(tradeNo(i));
    // Between slices: the first time, a correction of trade 10 (already read); the third time, a new
    // trade (it exits after everything: the build reads it itself).
    let turns = 0;
    const views = new HistoryViews(s, {
      slice: 100,
      yieldTurn: async () => {
        turns++;
        if (turns === 1) {
          s.trades[10] = { ...s.trades[10]!, pnl: '-1', pnlPct: '-0.1', fees: '1' };
          views.onTrade(s.trades[10]!);
        }
        if (turns === 3) {
          const t = tradeNo(1000);
          s.trades.push(t);
          views.onTrade(t);
        }
      },
    });
    const view = await views.view({});
    expect(view).toEqual(fresh(s, {}));
    expect(view!.count).toBe(1001);
    // The first build went stale after its first slice; the second read 1,001 trades in 11 slices (10
    // turns between them).
    expect(turns).toBe(1 + 10);
    expect(s.reads).toEqual([{}, {}]);
    // Built, a closed trade is added without reading anything.
    const next = tradeNo(1001);
    s.trades.push(next);
    views.onTrade(next);
    expect(await views.view({})).toEqual(fresh(s, {}));
    expect(s.reads).toHaveLength(2);
  });

  it('answer null once closed, a build under way included', async () => {
    const s = source();
    for (let i = 0; i < 300; i++) s.trades.push(tradeNo(i));
    const views = new HistoryViews(s, { slice: 100, yieldTurn: async () => views.close() });
    expect(await views.view({})).toBeNull();
    expect(await views.view({ symbol: 'AAPL' })).toBeNull();
  });
});
