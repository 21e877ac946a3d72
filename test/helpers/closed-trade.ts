// A closed trade record for tests: a long of 10 bought at 100 a minute before it closed at 101 at its
// target, 1 %, no fees; `over` changes any field (the P&L is given, not derived: each test says its own).
import type { TradeRecord } from '../../src/shared/domain/portfolio.ts';

export function closedTrade(
  planId: string,
  symbol: string,
  pnl: string,
  exitTime: number,
  over: Partial<TradeRecord> = {},
): TradeRecord {
  return {
    planId,
    symbol,
    side: 'long',
    quantity: '10',
    entryTime: exitTime - 60_000,
    entryPrice: '100',
    exitTime,
    exitPrice: '101',
    exitReason: 'take_profit',
    pnl,
    pnlPct: '1',
    fees: '0',
    ...over,
  };
}
