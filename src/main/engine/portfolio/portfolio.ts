// The portfolio (NautilusTrader's Portfolio): cash, the open positions, the last price of every symbol,
// realized P&L and the equity curve, all kept as fills and marks arrive (nothing is recomputed from the
// whole history). Equity = cash + open positions marked at their last price.
import { z } from 'zod';
import { type Dec, dec, str, ZERO } from '../../../shared/domain/decimal.ts';
import type { AccountView } from '../../../shared/domain/engine-view.ts';
import type { Side } from '../../../shared/domain/plan.ts';
import type { PositionRecord, TradeRecord } from '../../../shared/domain/portfolio.ts';
import { decimalText, epochMs } from '../state-schema.ts';
import { EquityCurve, type EquityCurveState } from './metrics.ts';
import { avgEntryPrice, bookFunding, markedValue, type PositionBook, positionView } from './position-book.ts';

export interface PortfolioState {
  cash: string;
  startEquity: string;
  dayStartEquity: string;
  positions: PositionBook[];
  lastClose: Record<string, string>;
  equity: EquityCurveState;
}

export const portfolioStateSchema = z.strictObject({
  cash: decimalText,
  startEquity: decimalText,
  dayStartEquity: decimalText,
  positions: z.array(
    z.strictObject({
      symbol: z.string(),
      planId: z.string(),
      side: z.enum(['long', 'short']),
      qty: decimalText,
      entryQty: decimalText,
      entryNotional: decimalText,
      exitQty: decimalText,
      exitNotional: decimalText,
      fees: decimalText,
      openedAt: epochMs,
      lastExitReason: z
        .enum(['stop_loss', 'take_profit', 'trailing_stop', 'close', 'kill_switch'])
        .nullable(),
      funding: decimalText.optional(),
      fundingThrough: epochMs.optional(),
    }),
  ),
  lastClose: z.record(z.string(), decimalText),
  equity: z.strictObject({
    peak: decimalText,
    maxDrawdownPct: decimalText,
    day: z.number().int().nullable(),
    closedDays: z.array(decimalText),
    last: decimalText,
    returns: z
      .strictObject({
        through: z.number().int().min(1),
        n: z.number().int().nonnegative(),
        sum: decimalText,
        sumSq: decimalText,
        zeroBase: z.boolean(),
      })
      .optional(),
  }),
});

export class Portfolio {
  cash: Dec;
  startEquity: Dec;
  dayStartEquity: Dec;
  positions = new Map<string, PositionBook>();
  lastClose = new Map<string, string>();
  curve: EquityCurve;
  /** Sum of closed trades' P&L, kept as trades close (the account view is built on every bar). */
  realized: Dec = ZERO;
  private readonly currency: string;
  /** The working stop's level of a position, or null (the position record shows it). */
  private readonly stopOf: (book: PositionBook) => string | null;

  constructor(cash: string, currency: string, stopOf: (book: PositionBook) => string | null) {
    this.cash = dec(cash);
    this.startEquity = this.cash;
    this.dayStartEquity = this.cash;
    this.curve = new EquityCurve(this.startEquity);
    this.currency = currency;
    this.stopOf = stopOf;
  }

  /** Cash plus open positions marked at their last price (exact: no average price involved). */
  equity(): Dec {
    let e = this.cash;
    for (const book of this.positions.values()) e = e.plus(markedValue(book, this.markOf(book)));
    return e;
  }

  markOf(book: PositionBook): Dec {
    const last = this.lastClose.get(book.symbol);
    return last === undefined ? avgEntryPrice(book) : dec(last);
  }

  /** A new exchange day starts from today's equity (the daily loss limit, the day-trade policy). */
  startDay(): void {
    this.dayStartEquity = this.equity();
  }

  /** A price for a symbol (a bar's close, a quote's last) and an equity mark for the curve. */
  setLast(symbol: string, price: string): void {
    this.lastClose.set(symbol, price);
  }

  markEquity(time: number): void {
    this.curve.mark(time, this.equity());
  }

  /** Cash moves with a fill: a buy pays value + fee, a sell receives value - fee. */
  bookCash(side: Side, value: Dec, fee: Dec): void {
    this.cash = side === 'buy' ? this.cash.minus(value).minus(fee) : this.cash.plus(value).minus(fee);
  }

  /**
   * A funding payment on the open position in `symbol` (a perpetual's): cash moves by `amount` and the
   * position's P&L with it. Returns the position as it is now, `duplicate` when that payment was booked
   * already, or `no_position` when Braid holds nothing there (the venue's own position, not Braid's).
   */
  bookFunding(
    symbol: string,
    amount: Dec,
    time: number,
  ): { kind: 'booked'; position: PositionRecord } | { kind: 'duplicate' | 'no_position' } {
    const book = this.positions.get(symbol);
    if (!book || dec(book.qty).eq(0)) return { kind: 'no_position' };
    if (!bookFunding(book, amount, time)) return { kind: 'duplicate' };
    this.cash = this.cash.plus(amount);
    return { kind: 'booked', position: this.positionRecord(book) };
  }

  addRealized(trade: TradeRecord): void {
    this.realized = this.realized.plus(trade.pnl);
  }

  positionRecord(book: PositionBook): PositionRecord {
    return { ...positionView(book, this.markOf(book)), stop: this.stopOf(book) };
  }

  account(): AccountView {
    let unrealized = ZERO;
    for (const book of this.positions.values())
      unrealized = unrealized.plus(this.positionRecord(book).unrealizedPnl).plus(book.funding ?? '0');
    return {
      currency: this.currency,
      cash: str(this.cash),
      equity: str(this.equity()),
      startEquity: str(this.startEquity),
      dayStartEquity: str(this.dayStartEquity),
      realizedPnl: str(this.realized),
      unrealizedPnl: str(unrealized),
    };
  }

  state(): PortfolioState {
    return {
      cash: str(this.cash),
      startEquity: str(this.startEquity),
      dayStartEquity: str(this.dayStartEquity),
      positions: [...this.positions.values()].map((b) => ({ ...b })),
      lastClose: Object.fromEntries(this.lastClose),
      equity: this.curve.state(),
    };
  }

  /** The live state, and the realized P&L: the sum of every closed trade's (the store's tally). */
  restore(s: PortfolioState, realized: Dec): void {
    this.cash = dec(s.cash);
    this.startEquity = dec(s.startEquity);
    this.dayStartEquity = dec(s.dayStartEquity);
    this.positions = new Map(s.positions.map((b) => [b.symbol, { ...b }]));
    this.lastClose = new Map(Object.entries(s.lastClose));
    this.curve = new EquityCurve(this.startEquity, s.equity);
    this.realized = realized;
  }
}
