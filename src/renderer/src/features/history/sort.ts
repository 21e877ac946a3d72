// Sorting the trade history by a column: pure, exact (decimals compare as big.js values, never floats).
import { dec } from '../../../../shared/domain/decimal.ts';
import type { TradeRecord } from '../../../../shared/domain/portfolio.ts';
import type { SortState } from '../blotter/sorting.ts';

export const DEFAULT_TRADE_SORT: SortState = { key: 'closed', dir: 'descending' };

type Key = number | string | ReturnType<typeof dec>;

function keyOf(t: TradeRecord, column: string, label: (planId: string) => string): Key {
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

function compare(a: Key, b: Key): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'object' && typeof b === 'object') return a.cmp(b);
  return 0;
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
  const keyed: { id: string; at: number; key: Key }[] = [];
  for (const id of ids) {
    const t = trades[Number(id)];
    if (!t) continue;
    let key: Key;
    try {
      key = keyOf(t, sort.key, label);
    } catch {
      key = 0; // a malformed decimal sorts first rather than breaking the table
    }
    keyed.push({ id, at: Number(id), key });
  }
  const sign = sort.dir === 'ascending' ? 1 : -1;
  keyed.sort((a, b) => sign * compare(a.key, b.key) || a.at - b.at);
  return keyed.map((k) => k.id);
}
