// A position as the engine books it: one per symbol, owned by one plan. It keeps exact sums (quantities,
// notionals, fees) rather than a running average, so a closed trade's P&L is exact and the average price
// is only ever a display figure.
import { type Dec, dec, str } from '../../../shared/domain/decimal.ts';
import type { ExitReason } from '../../../shared/domain/order.ts';
import type { Side } from '../../../shared/domain/plan.ts';
import type { PositionRecord, TradeRecord } from '../../../shared/domain/portfolio.ts';

export interface PositionBook {
  symbol: string;
  planId: string;
  side: 'long' | 'short';
  /** Open quantity (unsigned). */
  qty: string;
  entryQty: string;
  entryNotional: string;
  exitQty: string;
  exitNotional: string;
  fees: string;
  openedAt: number;
  lastExitReason: ExitReason | null;
  /** Funding received (+) or paid (-) on the position (perpetuals), in the account currency. Absent
   *  until the first payment, so books without any (every paper and spot one) stay as they were. */
  funding?: string;
  /** Venue time of the last funding payment booked: a payment at or before it is one already booked
   *  (funding is paid at most once per position per interval, so time orders them). */
  fundingThrough?: number;
}

export function openBook(symbol: string, planId: string, entrySide: Side, time: number): PositionBook {
  return {
    symbol,
    planId,
    side: entrySide === 'buy' ? 'long' : 'short',
    qty: '0',
    entryQty: '0',
    entryNotional: '0',
    exitQty: '0',
    exitNotional: '0',
    fees: '0',
    openedAt: time,
    lastExitReason: null,
  };
}

export function bookEntry(book: PositionBook, qty: Dec, value: Dec, fee: Dec): void {
  book.qty = str(dec(book.qty).plus(qty));
  book.entryQty = str(dec(book.entryQty).plus(qty));
  book.entryNotional = str(dec(book.entryNotional).plus(value));
  book.fees = str(dec(book.fees).plus(fee));
}

export function bookExit(book: PositionBook, qty: Dec, value: Dec, fee: Dec, reason: ExitReason): void {
  book.qty = str(dec(book.qty).minus(qty));
  book.exitQty = str(dec(book.exitQty).plus(qty));
  book.exitNotional = str(dec(book.exitNotional).plus(value));
  book.fees = str(dec(book.fees).plus(fee));
  book.lastExitReason = reason;
}

/** A funding payment: booked once (by its time), into the position's P&L. False: already booked. */
export function bookFunding(book: PositionBook, amount: Dec, time: number): boolean {
  if (book.fundingThrough !== undefined && time <= book.fundingThrough) return false;
  book.funding = str(dec(book.funding ?? '0').plus(amount));
  book.fundingThrough = time;
  return true;
}

export function avgEntryPrice(book: PositionBook): Dec {
  return dec(book.entryNotional).div(book.entryQty);
}

/** What the open quantity adds to equity at this mark: + for a long, - for a short (cash holds the sale). */
export function markedValue(book: PositionBook, mark: Dec): Dec {
  const v = dec(book.qty).times(mark);
  return book.side === 'long' ? v : v.neg();
}

export function positionView(book: PositionBook, mark: Dec): PositionRecord {
  const q = dec(book.qty);
  const avg = avgEntryPrice(book);
  const unrealized = book.side === 'long' ? mark.minus(avg).times(q) : avg.minus(mark).times(q);
  return {
    symbol: book.symbol,
    planId: book.planId,
    side: book.side,
    quantity: book.qty,
    avgPrice: str(avg),
    markPrice: str(mark),
    unrealizedPnl: str(unrealized),
    openedAt: book.openedAt,
    ...(book.funding !== undefined ? { funding: book.funding } : {}),
  };
}

/** The closed trade of a flat book: P&L from exact notionals, after every fee of entry and exit. */
export function tradeOf(book: PositionBook, exitTime: number): TradeRecord {
  const entryNotional = dec(book.entryNotional);
  const exitNotional = dec(book.exitNotional);
  const fees = dec(book.fees);
  const gross = book.side === 'long' ? exitNotional.minus(entryNotional) : entryNotional.minus(exitNotional);
  // Funding is money the position made or cost while open, as fees are: it is in the trade's P&L.
  const pnl = gross.minus(fees).plus(book.funding ?? '0');
  return {
    planId: book.planId,
    symbol: book.symbol,
    side: book.side,
    quantity: book.entryQty,
    entryTime: book.openedAt,
    entryPrice: str(avgEntryPrice(book)),
    exitTime,
    exitPrice: str(exitNotional.div(book.exitQty)),
    exitReason: book.lastExitReason ?? 'close',
    pnl: str(pnl),
    pnlPct: str(pnl.div(entryNotional).times(100)),
    fees: str(fees),
  };
}
