// The trade history filter (symbol, side, outcome, exit reason): the engine host applies it, so the
// history table, its metrics and its equity curve all come from the same trades.
import { dec } from '../../shared/domain/decimal.ts';
import type { TradeRecord } from '../../shared/domain/portfolio.ts';

export interface TradeFilter {
  symbol?: string | undefined;
  side?: TradeRecord['side'] | undefined;
  outcome?: 'win' | 'loss' | undefined;
  reason?: TradeRecord['exitReason'] | undefined;
}

/** A win is pnl > 0 and a loss pnl < 0 (replay.md): a flat trade is neither. */
export function keepTrade(t: TradeRecord, f: TradeFilter): boolean {
  if (f.symbol !== undefined && t.symbol !== f.symbol) return false;
  if (f.side !== undefined && t.side !== f.side) return false;
  if (f.reason !== undefined && t.exitReason !== f.reason) return false;
  if (f.outcome === 'win' && !dec(t.pnl).gt(0)) return false;
  if (f.outcome === 'loss' && !dec(t.pnl).lt(0)) return false;
  return true;
}
