// Trade history filters: pure, so the view and the tests agree on what a filter keeps, and the same
// filter sent to the engine (queryHistory) for the metrics and the equity curve of those trades.
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

export type HistoryQueryArgs = {
  symbol?: string;
  side?: 'long' | 'short';
  outcome?: 'win' | 'loss';
  reason?: Exclude<HistoryFilter['reason'], ''>;
};

/** The command's arguments for a filter: an unset field is left out (the schema is strict). */
export function queryArgs(f: HistoryFilter): HistoryQueryArgs {
  const args: HistoryQueryArgs = {};
  if (f.symbol !== '') args.symbol = f.symbol;
  if (f.side !== '') args.side = f.side;
  if (f.outcome !== '') args.outcome = f.outcome;
  if (f.reason !== '') args.reason = f.reason;
  return args;
}
