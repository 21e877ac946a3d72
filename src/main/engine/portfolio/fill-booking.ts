// Fills to positions (NautilusTrader's Portfolio, its booking side): cash moves with every fill, an entry
// opens or grows its plan's position, an exit shrinks it, and the position flat again is a closed trade:
// its legs cancelled, the day-trade counted, the plan closed.
import { type Dec, dec, str } from '../../../shared/domain/decimal.ts';
import type { FillRecord, OrderRecord } from '../../../shared/domain/order.ts';
import type { TradeRecord } from '../../../shared/domain/portfolio.ts';
import type { EngineParts } from '../parts.ts';
import { metricsOf } from './metrics.ts';
import { bookEntry, bookExit, openBook, type PositionBook, tradeOf } from './position-book.ts';

export class FillBooking {
  private readonly p: EngineParts;

  constructor(parts: EngineParts) {
    this.p = parts;
  }

  /** A fill applied to its order: cash moves, the position grows or shrinks. */
  bookFill(order: OrderRecord, qty: Dec, value: Dec, fee: Dec, time: number): void {
    this.p.portfolio.bookCash(order.side, value, fee);
    if (order.role === 'entry') this.applyEntryFill(order, qty, value, fee, time);
    else this.applyExitFill(order, qty, value, fee, time);
    this.p.views.emitPosition(order.symbol);
  }

  /** A funding payment at a live venue: into cash and the position's P&L, once (by its time), said in the
   *  journal as a notice (the audit of where the money went). */
  bookFunding(venue: string, payment: { symbol: string; amount: string; time: number }): void {
    const booked = this.p.portfolio.bookFunding(payment.symbol, dec(payment.amount), payment.time);
    if (booked.kind !== 'booked') {
      if (booked.kind === 'duplicate') return;
      this.p.events.notice(
        'warning',
        'funding_without_position',
        `${venue} booked funding ${payment.amount} on ${payment.symbol}, where Braid holds no position: not booked`,
      );
      return;
    }
    const paid = payment.amount.startsWith('-');
    this.p.events.notice(
      'info',
      'funding_booked',
      `${venue}: funding ${paid ? 'paid' : 'received'} on ${payment.symbol}: ${payment.amount} (${booked.position.funding} since open)`,
      booked.position.planId,
    );
    this.p.views.emitPosition(payment.symbol);
  }

  /** A fee that came after its fill: out of cash, into the open position's fees, or, the position
   *  closed since, out of its trade's P&L (and the realized total). */
  bookLateFee(fill: FillRecord, fee: Dec): void {
    this.p.portfolio.cash = this.p.portfolio.cash.minus(fee);
    const book = this.p.portfolio.positions.get(fill.symbol);
    if (book && book.planId === fill.planId) {
      book.fees = str(dec(book.fees).plus(fee));
      this.p.views.emitPosition(fill.symbol);
      return;
    }
    const i = this.p.store.trades.findLastIndex((t) => t.planId === fill.planId && t.symbol === fill.symbol);
    const trade = this.p.store.trades[i];
    if (!trade) return;
    const pnl = dec(trade.pnl).minus(fee);
    const entryNotional = dec(trade.entryPrice).times(trade.quantity);
    const corrected: TradeRecord = {
      ...trade,
      pnl: str(pnl),
      pnlPct: str(pnl.div(entryNotional).times(100)),
      fees: str(dec(trade.fees).plus(fee)),
    };
    this.p.store.replaceTrade(i, corrected);
    this.p.portfolio.realized = this.p.portfolio.realized.minus(fee);
    this.p.events.emit({ type: 'trade', trade: corrected });
  }

  applyEntryFill(order: OrderRecord, qty: Dec, value: Dec, fee: Dec, time: number): void {
    let book = this.p.portfolio.positions.get(order.symbol);
    if (!book) {
      book = openBook(order.symbol, order.planId, order.side, time);
      this.p.portfolio.positions.set(order.symbol, book);
      this.p.gate.pdt.positionOpened(order.symbol, time);
      this.p.plans.set(order.planId, { status: 'open' });
    }
    bookEntry(book, qty, value, fee);
  }

  applyExitFill(order: OrderRecord, qty: Dec, value: Dec, fee: Dec, time: number): void {
    const book = this.p.portfolio.positions.get(order.symbol);
    if (!book || book.planId !== order.planId) {
      this.p.events.notice(
        'error',
        'orphan_exit_fill',
        `exit fill on ${order.id} with no position in ${order.symbol}`,
        order.planId,
      );
      return;
    }
    const plan = this.p.store.plans.get(order.planId)!;
    // Once the position starts to exit, the rest of the entry must not add to it.
    if (plan.entryOrderId) this.p.router.requestCancel(plan.entryOrderId, 'cancelled');
    const open = dec(book.qty);
    if (qty.gt(open)) {
      this.p.events.notice(
        'error',
        'overfill',
        `exit ${order.id} filled ${str(qty)} against an open ${str(open)}`,
        order.planId,
      );
    }
    bookExit(book, qty, value, fee, order.exitReason ?? 'close');
    if (dec(book.qty).gt(0)) {
      // A bracket leg done while the entry grew in the same bar: its sibling is gone, so the rest of the
      // position is exited at market for the same reason rather than left without a stop.
      const done = this.p.store.orders.get(order.id)!.status === 'filled';
      if (done && (order.role === 'stop_loss' || order.role === 'take_profit'))
        this.p.brackets.flatten(book, book.lastExitReason!);
      return;
    }
    this.closeTrade(book, time);
  }

  closeTrade(book: PositionBook, time: number): void {
    this.p.portfolio.positions.delete(book.symbol);
    const ex = this.p.plans.execIfAny(book.planId);
    for (const id of [ex?.stopOrderId, ex?.takeProfitOrderId, ex?.exitOrderId]) {
      if (id) this.p.router.requestCancel(id, 'cancelled');
    }
    const trade = tradeOf(book, time);
    this.p.store.addTrade(trade);
    this.p.portfolio.addRealized(trade);
    this.p.events.emit({ type: 'trade', trade });
    const dayTrade = this.p.gate.pdt.positionFlat(book.symbol, time);
    this.p.plans.set(book.planId, { status: 'closed' });
    if (dayTrade && this.p.events.listening)
      this.p.events.emit({ type: 'dayTrades', dayTrades: this.p.gate.dayTradesView() });
    if (this.p.events.listening)
      this.p.events.emit({
        type: 'metrics',
        metrics: metricsOf(this.p.store.tally, this.p.portfolio.curve),
      });
  }
}
