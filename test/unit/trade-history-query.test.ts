// The trade history's filter, sort and pages, as the engine answers the Trade history region
// (tradeHistory): in SQL over the journal's trades table and in memory for an engine without a journal.
// Both get the same trades and must give the same, hand-worked answers.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { pageOf, type TradePage, type TradeQuery } from '../../src/main/engine/history/trade-query.ts';
import { migrate } from '../../src/main/engine/journal/migrations.ts';
import { TradeTable } from '../../src/main/engine/journal/trade-table.ts';
import type { TradeRecord } from '../../src/shared/domain/portfolio.ts';
import { closedTrade } from '../helpers/closed-trade.ts';

const T = Date.UTC(2024, 2, 5, 14, 30);

// Recorded in this order (a, b, c, d, e); closed at +1, +3, +2, +5, +4 seconds.
const TRADES: TradeRecord[] = [
  closedTrade('a', 'SPY', '5', T + 1000, { pnlPct: '0.5', quantity: '100', fees: '1.2', entryPrice: '50.5' }),
  closedTrade('b', 'AAPL', '-12.5', T + 3000, {
    pnlPct: '-1.25',
    quantity: '9',
    side: 'short',
    exitReason: 'stop_loss',
  }),
  closedTrade('c', 'MSFT', '5', T + 2000, {
    pnlPct: '0.5',
    quantity: '1000',
    fees: '0.35',
    entryPrice: '402.25',
  }),
  closedTrade('d', 'SPY', '0', T + 5000, {
    pnlPct: '0',
    quantity: '9.5',
    exitReason: 'close',
    exitPrice: '100',
  }),
  closedTrade('e', 'AAPL', '-0.01', T + 4000, {
    pnlPct: '-0.001',
    quantity: '20',
    fees: '12',
    entryPrice: '9.99',
  }),
];

function sqlTable(trades: readonly TradeRecord[]): { page(q: TradeQuery): TradePage; close(): void } {
  const db = new Database(':memory:');
  migrate(db);
  const table = new TradeTable(db);
  trades.forEach((t, i) => {
    table.write(i + 1, JSON.stringify({ trade: t }));
  });
  return { page: (q) => table.page(q), close: () => db.close() };
}

const ids = (p: TradePage) => p.trades.map((t) => t.planId);

describe.each([
  ['in SQL (the journal)', () => sqlTable(TRADES)],
  ['in memory', () => ({ page: (q: TradeQuery) => pageOf(TRADES, q), close: () => {} })],
])('the trade history %s', (_, open) => {
  it('newest first by default; every symbol with a trade for the filter', () => {
    const h = open();
    const p = h.page({});
    expect(ids(p)).toEqual(['d', 'e', 'b', 'c', 'a']);
    expect(p.total).toBe(5);
    expect(p.symbols).toEqual(['AAPL', 'MSFT', 'SPY']);
    h.close();
  });

  it('numbers sort as numbers (9 < 9.5 < 20 < 100 < 1000), ties keep the order recorded in both directions', () => {
    const h = open();
    expect(ids(h.page({ sort: { key: 'qty', dir: 'asc' } }))).toEqual(['b', 'd', 'e', 'a', 'c']);
    expect(ids(h.page({ sort: { key: 'qty', dir: 'desc' } }))).toEqual(['c', 'a', 'e', 'd', 'b']);
    // pnl 5 (a), -12.5 (b), 5 (c), 0 (d), -0.01 (e): a and c tie, a was recorded first.
    expect(ids(h.page({ sort: { key: 'pnl', dir: 'asc' } }))).toEqual(['b', 'e', 'd', 'a', 'c']);
    expect(ids(h.page({ sort: { key: 'pnl', dir: 'desc' } }))).toEqual(['a', 'c', 'd', 'e', 'b']);
    expect(ids(h.page({ sort: { key: 'pnlPct', dir: 'asc' } }))).toEqual(['b', 'e', 'd', 'a', 'c']);
    expect(ids(h.page({ sort: { key: 'fees', dir: 'desc' } }))).toEqual(['e', 'a', 'c', 'b', 'd']);
    expect(ids(h.page({ sort: { key: 'entry', dir: 'asc' } }))).toEqual(['e', 'a', 'b', 'd', 'c']);
    expect(ids(h.page({ sort: { key: 'exit', dir: 'asc' } }))).toEqual(['d', 'a', 'b', 'c', 'e']);
    expect(ids(h.page({ sort: { key: 'symbol', dir: 'asc' } }))).toEqual(['b', 'e', 'c', 'a', 'd']);
    expect(ids(h.page({ sort: { key: 'side', dir: 'desc' } }))).toEqual(['b', 'a', 'c', 'd', 'e']);
    expect(ids(h.page({ sort: { key: 'reason', dir: 'asc' } }))).toEqual(['d', 'b', 'a', 'c', 'e']);
    h.close();
  });

  it('filters by symbol, side, outcome (a flat trade is neither win nor loss) and exit reason', () => {
    const h = open();
    expect(ids(h.page({ symbol: 'AAPL' }))).toEqual(['e', 'b']);
    expect(ids(h.page({ side: 'short' }))).toEqual(['b']);
    expect(ids(h.page({ outcome: 'win' }))).toEqual(['c', 'a']);
    expect(ids(h.page({ outcome: 'loss' }))).toEqual(['e', 'b']);
    expect(ids(h.page({ reason: 'take_profit' }))).toEqual(['e', 'c', 'a']);
    const spyWins = h.page({ symbol: 'SPY', outcome: 'win' });
    expect([ids(spyWins), spyWins.total]).toEqual([['a'], 1]);
    // The symbol choices stay every symbol, whatever the filter keeps.
    expect(spyWins.symbols).toEqual(['AAPL', 'MSFT', 'SPY']);
    h.close();
  });

  it('pages: an offset and a limit over the sorted, filtered trades; the total is every kept trade', () => {
    const h = open();
    const first = h.page({ sort: { key: 'closed', dir: 'asc' }, offset: 0, limit: 2 });
    const second = h.page({ sort: { key: 'closed', dir: 'asc' }, offset: 2, limit: 2 });
    const last = h.page({ sort: { key: 'closed', dir: 'asc' }, offset: 4, limit: 2 });
    expect([ids(first), ids(second), ids(last)]).toEqual([['a', 'c'], ['b', 'e'], ['d']]);
    expect([first.total, second.offset, last.total]).toEqual([5, 2, 5]);
    expect(ids(h.page({ offset: 9, limit: 2 }))).toEqual([]);
    h.close();
  });
});
