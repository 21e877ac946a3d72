// The engine-held take-profit (NautilusTrader's OrderEmulator, for what a venue cannot hold). On a venue
// where a bracket's two exits would both hold the position's balance (Kraken spot: no one-cancels-other,
// no reduce-only, so every open sell holds its coins and the second exit is refused for insufficient
// funds), the stop-loss rests at the venue (it is the protection) and the take-profit is held by the
// engine (`held`). When the venue's quote reaches it (a long's bid at or above it, a short's ask at or
// below it) the stop is cancelled, and only once the venue confirms that is the take-profit sent: a limit
// at its price, immediate-or-cancel. Both exits are never at the venue at once. A stop that fills
// meanwhile closes the position (the held take-profit is then cancelled in the engine, nothing sent); a
// take-profit that leaves part of the position open (the price moved away) puts a new stop at the venue
// and holds a new take-profit for what is left.
import { dec, str } from '../../../shared/domain/decimal.ts';
import type { OrderRecord, OrderStatus } from '../../../shared/domain/order.ts';
import type { PlanRecord } from '../../../shared/domain/plan.ts';
import { isHeld, isWorking } from '../orders/order-state.ts';
import type { OrderEvent } from '../orders/venue-reports.ts';
import type { EngineParts } from '../parts.ts';
import type { PlanExec } from '../plans/plan-book.ts';
import type { Quote } from '../port.ts';
import type { PositionBook } from '../portfolio/position-book.ts';

type Ended = Extract<OrderStatus, 'cancelled' | 'expired' | 'rejected' | 'filled'>;

export class HeldExits {
  private readonly p: EngineParts;

  constructor(parts: EngineParts) {
    this.p = parts;
  }

  /** The plan's take-profit is held by the engine: its venue cannot rest both exits, and it has a stop. */
  holds(plan: PlanRecord, venue: string): boolean {
    const hasStop = plan.input.stopLoss !== undefined || plan.input.trailPct !== undefined;
    return hasStop && this.p.router.holdsExitLeg(venue);
  }

  /** A live quote: a held take-profit whose price is reached is triggered (its stop cancelled first). */
  onQuote(book: PositionBook, quote: Quote): void {
    const ex = this.p.plans.execIfAny(book.planId);
    if (!ex?.takeProfitOrderId || ex.releasingStop !== undefined || ex.awaitFills !== undefined) return;
    if (ex.exitOrderId && this.p.router.isOrderWorking(ex.exitOrderId)) return;
    const tp = this.p.store.orders.get(ex.takeProfitOrderId);
    if (!tp || !isHeld(tp.status) || tp.price === undefined) return;
    const reached = tp.side === 'sell' ? dec(quote.bid).gte(tp.price) : dec(quote.ask).lte(tp.price);
    if (!reached) return;
    const stop = ex.stopOrderId ? this.p.store.orders.get(ex.stopOrderId) : undefined;
    if (stop && isWorking(stop.status)) {
      ex.releasingStop = stop.id;
      this.p.events.notice(
        'info',
        'take_profit_triggered',
        `${book.symbol}: ${tp.side === 'sell' ? `bid ${quote.bid}` : `ask ${quote.ask}`} reached the take-profit ${tp.price}; the stop ${stop.id} is cancelled first, then ${tp.id} is sent`,
        book.planId,
      );
      this.p.router.requestCancel(stop.id, 'cancelled');
      // A stop not yet at the venue may end inside this call (taken out of the bridge's queue: its report
      // comes later all the same), so nothing more here.
      return;
    }
    this.send(book, tp);
  }

  /** After a live report on one of a plan's orders: the stop being cancelled, or a sent take-profit. */
  followReport(before: OrderRecord, report: OrderEvent): void {
    const ex = this.p.plans.execIfAny(before.planId);
    if (!ex) return;
    const order = this.p.store.orders.get(before.id)!;
    const ours = order.id === ex.releasingStop || this.sentTakeProfit(ex, order);
    if (!ours) return;
    if (ex.awaitFills === undefined && report.type === 'status' && !isWorking(order.status)) {
      // The venue ended it with fills the engine has not booked yet (they come by their own path): what
      // follows waits for them, or it would be sized on a position that is already smaller.
      const filled = report.filledQuantity;
      if (filled !== undefined && dec(filled).gt(order.filledQuantity)) {
        ex.awaitFills = { orderId: order.id, filled };
        return;
      }
    }
    if (ex.awaitFills !== undefined) {
      if (ex.awaitFills.orderId !== order.id || dec(order.filledQuantity).lt(ex.awaitFills.filled)) return;
      ex.awaitFills = undefined;
    }
    const book = this.p.portfolio.positions.get(order.symbol);
    const open = book && book.planId === order.planId ? book : undefined;
    if (order.id === ex.releasingStop) this.stopAnswered(ex, order, before, open);
    else this.takeProfitAnswered(ex, order, before, open);
  }

  /** The venue answered on the stop being cancelled for the take-profit. */
  private stopAnswered(
    ex: PlanExec,
    stop: OrderRecord,
    before: OrderRecord,
    book: PositionBook | undefined,
  ): void {
    const ended = this.endedAs(stop, before);
    if (ended === null) {
      // The cancel is still on its way, or the venue refused it and the stop works on: the next quote
      // that reaches the take-profit tries again.
      if (stop.status === 'accepted' || stop.status === 'partially_filled') ex.releasingStop = undefined;
      return;
    }
    ex.releasingStop = undefined;
    // Filled: the position is closed (its held take-profit cancelled with it) or flattened.
    if (!book || ended === 'filled') return;
    if (ex.exitOrderId && this.p.router.isOrderWorking(ex.exitOrderId)) return;
    const tp = ex.takeProfitOrderId ? this.p.store.orders.get(ex.takeProfitOrderId) : undefined;
    if (tp && isHeld(tp.status)) {
      this.send(book, tp);
      return;
    }
    // Already out (a restart after a crash that cut its sending short): its own end re-protects.
    if (tp && isWorking(tp.status)) return;
    // The take-profit was cancelled meanwhile: the position must not stay without its stop.
    ex.stopOrderId = undefined;
    this.p.brackets.placeStop(book, dec(book.qty), stop.price);
  }

  /** The venue answered on a sent take-profit: one that ended with part of the position open re-arms. */
  private takeProfitAnswered(
    ex: PlanExec,
    tp: OrderRecord,
    before: OrderRecord,
    book: PositionBook | undefined,
  ): void {
    const ended = this.endedAs(tp, before);
    if (ended === null || ended === 'filled' || !book) return;
    if (ex.exitOrderId && this.p.router.isOrderWorking(ex.exitOrderId)) return;
    const open = dec(book.qty);
    if (open.lte(0)) return;
    const stop = ex.stopOrderId ? this.p.store.orders.get(ex.stopOrderId) : undefined;
    this.p.events.notice(
      'info',
      'take_profit_rearmed',
      `${book.symbol}: ${tp.id} ${ended} with ${str(open)} still open; a new stop goes to ${tp.venue} and the take-profit ${tp.price} is held again`,
      book.planId,
    );
    ex.stopOrderId = undefined;
    ex.takeProfitOrderId = undefined;
    this.p.brackets.placeStop(book, open, stop?.price);
    this.p.brackets.placeTakeProfit(book, open, tp.price!);
  }

  /** How the venue ended the order, or null while it works. An order the venue ended whose late fills
   *  reopened it (`partially_filled` again) is settled back to the end the venue said. */
  private endedAs(order: OrderRecord, before: OrderRecord): Ended | null {
    if (order.status === 'filled' || order.status === 'cancelled' || order.status === 'expired')
      return order.status;
    if (order.status === 'rejected') return 'rejected';
    const settled = before.status === 'cancelled' || before.status === 'expired' ? before.status : null;
    if (settled !== null && order.status === 'partially_filled') {
      this.p.router.setOrder(order.id, { status: settled });
      return settled;
    }
    return null;
  }

  /** Sends the held take-profit for what is open: a limit at its price, immediate-or-cancel. */
  private send(book: PositionBook, tp: OrderRecord): void {
    const quantity = dec(tp.filledQuantity).plus(book.qty);
    this.p.router.release(tp.id, { quantity: str(quantity), timeInForce: 'IOC' });
  }

  private sentTakeProfit(ex: PlanExec, order: OrderRecord): boolean {
    return order.id === ex.takeProfitOrderId && order.timeInForce === 'IOC';
  }
}
