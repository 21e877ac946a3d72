import type { DecStr } from './decimal.ts';

/** Performance over closed trades (replay.md "Report"); null where undefined. */
export interface Metrics {
  totalTrades: number;
  wins: number;
  losses: number;
  winRate: DecStr | null;
  grossProfit: DecStr;
  grossLoss: DecStr;
  profitFactor: DecStr | null;
  avgWin: DecStr | null;
  avgLoss: DecStr | null;
  expectancy: DecStr | null;
  netPnl: DecStr;
  maxDrawdownPct: DecStr;
  sharpe: DecStr | null;
}
