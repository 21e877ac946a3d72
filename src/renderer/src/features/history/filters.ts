// Trade history filters: pure, so the view and the tests agree on what a filter keeps.
import type { TradeRecord } from '../../../../shared/domain/portfolio.ts';
import { sign } from '../../lib/format.ts';

export interface HistoryFilter {
  symbol: string; // '' = all
  side: '' | 'long' | 'short';
  outcome: '' | 'win' | 'loss';
  reason: '' | TradeRecord['exitReason'];
}

export const NO_FILTER: HistoryFilter = { symbol: '', side: '', outcome: '', reason: '' };

export function keepTrade(t: TradeRecord, f: HistoryFilter): boolean {
  if (f.symbol !== '' && t.symbol !== f.symbol) return false;
  if (f.side !== '' && t.side !== f.side) return false;
  if (f.reason !== '' && t.exitReason !== f.reason) return false;
  if (f.outcome === 'win' && sign(t.pnl) <= 0) return false;
  if (f.outcome === 'loss' && sign(t.pnl) >= 0) return false;
  return true;
}

/** Indices (as grid ids) of the trades a filter keeps, oldest first. */
export function filteredIds(trades: readonly TradeRecord[], f: HistoryFilter): string[] {
  const ids: string[] = [];
  for (let i = 0; i < trades.length; i++) if (keepTrade(trades[i]!, f)) ids.push(String(i));
  return ids;
}
