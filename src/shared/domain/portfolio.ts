import type { DecStr } from './decimal.ts';
import type { ExitReason } from './order.ts';

export interface PositionRecord {
  symbol: string;
  planId: string;
  side: 'long' | 'short';
  quantity: DecStr;
  avgPrice: DecStr;
  markPrice: DecStr;
  unrealizedPnl: DecStr;
  openedAt: number;
  /** The working stop's level; null: the position has no stop (none planned, not placed yet, or cancelled). */
  stop?: DecStr | null;
  /** Funding received (+) or paid (-) while open (perpetuals): part of the position's P&L, beside the
   *  mark-to-market `unrealizedPnl`. Absent: none booked. */
  funding?: DecStr;
}

export interface TradeRecord {
  planId: string;
  symbol: string;
  side: 'long' | 'short';
  quantity: DecStr;
  entryTime: number;
  entryPrice: DecStr;
  exitTime: number;
  exitPrice: DecStr;
  exitReason: ExitReason;
  pnl: DecStr;
  pnlPct: DecStr;
  fees: DecStr;
}

export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

export interface DayTrade {
  /** YYYY-MM-DD in the exchange time zone. */
  date: string;
  symbol: string;
}
