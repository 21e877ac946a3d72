// The Trade history's question for one page, as the engine's tradeHistory command takes it: the region's
// filter, its sorted column as the engine's sort key, and the page's offset. Pure, so it is tested alone.
import type { CommandArgs } from '../../../../shared/contract.ts';
import type { SortState } from '../blotter/sorting.ts';
import { type HistoryFilter, queryArgs } from './filters.ts';

/** Trades per page asked of the engine. */
export const PAGE_SIZE = 200;

type EngineSort = NonNullable<CommandArgs<'tradeHistory'>['sort']>;

/** The grid's column keys as the engine's sort keys; a column not here does not sort. */
export const ENGINE_SORT_KEYS: Readonly<Record<string, EngineSort['key']>> = {
  closed: 'closed',
  symbol: 'symbol',
  side: 'side',
  reason: 'reason',
  qty: 'qty',
  entry: 'entry',
  exit: 'exit',
  pnl: 'pnl',
  'pnl-pct': 'pnlPct',
  fees: 'fees',
};

/** The command's arguments for one page of a filter and a sort. */
export function pageArgs(filter: HistoryFilter, sort: SortState, page: number): CommandArgs<'tradeHistory'> {
  return {
    ...queryArgs(filter),
    sort: { key: ENGINE_SORT_KEYS[sort.key] ?? 'closed', dir: sort.dir === 'ascending' ? 'asc' : 'desc' },
    offset: page * PAGE_SIZE,
    limit: PAGE_SIZE,
  };
}
