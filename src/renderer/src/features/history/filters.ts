// Trade history filters as the region holds them, and as the engine is asked them: the same filter for
// the rows (tradeHistory) and for the metrics and the equity curve of those trades (queryHistory).
import type { TradeRecord } from '../../../../shared/domain/portfolio.ts';

export interface HistoryFilter {
  symbol: string; // '' = all
  side: '' | 'long' | 'short';
  outcome: '' | 'win' | 'loss';
  reason: '' | TradeRecord['exitReason'];
}

export const NO_FILTER: HistoryFilter = { symbol: '', side: '', outcome: '', reason: '' };

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
