// The trade history as the engine answers it: a filter (symbol, side, outcome, exit reason), a sort and
// a page. The journal answers it in SQL over its trades table (journal/trade-table.ts); an engine without
// a journal (tests) over the trades it holds, here, with the same rules.
import { dec } from '../../../shared/domain/decimal.ts';
import type { TradeRecord } from '../../../shared/domain/portfolio.ts';
import { TRADE_PAGE_DEFAULT, type TradeSortKey } from '../../../shared/schemas.ts';

export interface TradeFilter {
  symbol?: string | undefined;
  side?: TradeRecord['side'] | undefined;
  outcome?: 'win' | 'loss' | undefined;
  reason?: TradeRecord['exitReason'] | undefined;
}

export interface TradeQuery extends TradeFilter {
  sort?: { key: TradeSortKey; dir: 'asc' | 'desc' } | undefined;
  offset?: number | undefined;
  limit?: number | undefined;
}

export interface TradePage {
  total: number;
  offset: number;
  trades: TradeRecord[];
  symbols: string[];
}

/** Newest first: what a trader looks for first. */
export const DEFAULT_SORT = { key: 'closed', dir: 'desc' } as const;

/** A win is pnl > 0 and a loss pnl < 0 (replay.md): a flat trade is neither. */
export function keepTrade(t: TradeRecord, f: TradeFilter): boolean {
  if (f.symbol !== undefined && t.symbol !== f.symbol) return false;
  if (f.side !== undefined && t.side !== f.side) return false;
  if (f.reason !== undefined && t.exitReason !== f.reason) return false;
  if (f.outcome === 'win' && !dec(t.pnl).gt(0)) return false;
  if (f.outcome === 'loss' && !dec(t.pnl).lt(0)) return false;
  return true;
}

function compareBy(key: TradeSortKey): (a: TradeRecord, b: TradeRecord) => number {
  switch (key) {
    case 'closed':
      return (a, b) => a.exitTime - b.exitTime;
    case 'symbol':
      return (a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
    case 'side':
      return (a, b) => (a.side < b.side ? -1 : a.side > b.side ? 1 : 0);
    case 'reason':
      return (a, b) => (a.exitReason < b.exitReason ? -1 : a.exitReason > b.exitReason ? 1 : 0);
    case 'qty':
      return (a, b) => dec(a.quantity).cmp(b.quantity);
    case 'entry':
      return (a, b) => dec(a.entryPrice).cmp(b.entryPrice);
    case 'exit':
      return (a, b) => dec(a.exitPrice).cmp(b.exitPrice);
    case 'pnl':
      return (a, b) => dec(a.pnl).cmp(b.pnl);
    case 'pnlPct':
      return (a, b) => dec(a.pnlPct).cmp(b.pnlPct);
    case 'fees':
      return (a, b) => dec(a.fees).cmp(b.fees);
  }
}

/** A page of `trades` (oldest first): ties keep the trades' own order whichever the direction, so equal
 *  rows never shuffle between pages. */
export function pageOf(trades: readonly TradeRecord[], q: TradeQuery): TradePage {
  const kept: number[] = [];
  for (let i = 0; i < trades.length; i++) if (keepTrade(trades[i]!, q)) kept.push(i);
  const sort = q.sort ?? DEFAULT_SORT;
  const cmp = compareBy(sort.key);
  const sign = sort.dir === 'asc' ? 1 : -1;
  kept.sort((i, j) => sign * cmp(trades[i]!, trades[j]!) || i - j);
  const offset = q.offset ?? 0;
  const limit = q.limit ?? TRADE_PAGE_DEFAULT;
  return {
    total: kept.length,
    offset,
    trades: kept.slice(offset, offset + limit).map((i) => trades[i]!),
    symbols: [...new Set(trades.map((t) => t.symbol))].sort(),
  };
}
