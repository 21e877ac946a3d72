// Sorting the trade history by a column: pure, exact (decimals compare as big.js values, never floats).
import { dec } from '../../../../shared/domain/decimal.ts';
import type { TradeRecord } from '../../../../shared/domain/portfolio.ts';
import { type SortState, type SortValue, sortIds } from '../blotter/sorting.ts';

export const DEFAULT_TRADE_SORT: SortState = { key: 'closed', dir: 'descending' };

function keyOf(t: TradeRecord, column: string, label: (planId: string) => string): SortValue {
  switch (column) {
    case 'closed':
      return t.exitTime;
    case 'plan':
      return label(t.planId);
    case 'symbol':
      return t.symbol;
    case 'side':
      return t.side;
    case 'reason':
      return t.exitReason;
    case 'qty':
      return dec(t.quantity);
    case 'entry':
      return dec(t.entryPrice);
    case 'exit':
      return dec(t.exitPrice);
    case 'pnl':
      return dec(t.pnl);
    case 'pnl-pct':
      return dec(t.pnlPct);
    case 'fees':
      return dec(t.fees);
    default:
      return t.exitTime;
  }
}

/**
 * Grid ids (indices into `trades`, oldest first) in the order of a sort. Ties keep the trades' own
 * order (oldest first), whichever the direction, so equal rows never shuffle between renders.
 */
export function sortTradeIds(
  trades: readonly TradeRecord[],
  ids: readonly string[],
  sort: SortState,
  label: (planId: string) => string = (id) => id,
): string[] {
  return sortIds(
    ids,
    (id) => trades[Number(id)],
    sort,
    (t, column) => keyOf(t, column, label),
  );
}
