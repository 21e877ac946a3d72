// Contingent orders (NautilusTrader's OrderManager): a position's stop-loss and take-profit, sized to what
// is open, one-cancels-other, and the market exits that flatten or reduce it (legs cancelled or shrunk
// first). The paper venue holds the one-cancels-other group itself (replay.md); for a live venue the
// engine does it: a leg's fill shrinks the other leg (sync after every report) and the position flat
// again cancels it (the booking's closeTrade). Brackets follow the position: at each bar close for paper,
// as soon as a fill is reported for a live venue. Where both legs resting at the venue would hold the same
// balance (spot), the take-profit is held by the engine instead (held-exits.ts).
import { type Dec, dec, str } from '../../../shared/domain/decimal.ts';
import type { ExitReason, OrderRecord } from '../../../shared/domain/order.ts';
import type { Side } from '../../../shared/domain/plan.ts';
import type { OrderEvent } from '../orders/venue-reports.ts';
import type { EngineParts } from '../parts.ts';
import { avgEntryPrice, type PositionBook } from '../portfolio/position-book.ts';

export class Brackets {
  private readonly p: EngineParts;

  constructor(parts: EngineParts) {
    this.p = parts;
  }

  /** A live venue reported on one of a plan's orders: an engine-held take-profit follows its stop and its
   *  own end, then the position's legs follow at once. */
  followReport(order: OrderRecord, report: OrderEvent): void {
    this.p.heldExits.followReport(order, report);
    const book = this.p.portfolio.positions.get(order.symbol);
    if (book && book.planId === order.planId) this.sync(book);
  }

  /** Brackets work from the bar after the entry's first fill, for the quantity filled. */
  sync(book: PositionBook): void {
    const plan = this.p.store.plans.get(book.planId)!;
    const input = plan.input;
    const ex = this.p.plans.execOf(plan.id);
    if (ex.exitOrderId && this.p.router.isOrderWorking(ex.exitOrderId)) return;
    const open = dec(book.qty);
    if (input.stopLoss !== undefined || input.trailPct !== undefined) {
      if (!ex.stopOrderId) this.placeStop(book, open);
      else this.resizeLeg(ex.stopOrderId, open);
    }
    if (input.takeProfit !== undefined) {
      if (!ex.takeProfitOrderId) this.placeTakeProfit(book, open, input.takeProfit);
      else this.resizeLeg(ex.takeProfitOrderId, open);
    }
  }

  /** A new stop-loss for `open` at `level` (the plan's stop, or the trailing rule's from the average entry). */
  placeStop(book: PositionBook, open: Dec, level?: string): void {
    const plan = this.p.store.plans.get(book.planId)!;
    const input = plan.input;
    const ex = this.p.plans.execOf(plan.id);
    let at: Dec;
    if (level !== undefined) {
      at = dec(level);
    } else if (input.stopLoss !== undefined) {
      at = dec(input.stopLoss);
    } else {
      const avg = avgEntryPrice(book);
      const t = dec(input.trailPct!);
      at = book.side === 'long' ? avg.times(dec(1).minus(t)) : avg.times(dec(1).plus(t));
      ex.trailing = true;
    }
    const order = this.p.router.newOrder(plan, 'stop_loss', exitSideOf(book), 'stop', open, str(at), {
      ocoGroup: `${plan.id}:OCO`,
      exitReason: ex.trailing ? 'trailing_stop' : 'stop_loss',
      ...(ex.trailing ? { trailing: true } : {}),
    });
    ex.stopOrderId = order.id;
    this.p.router.send(order);
  }

  /** A new take-profit for `open` at `price`: to its venue, or held by the engine where both exits resting
   *  there would hold the same balance (held-exits.ts). */
  placeTakeProfit(book: PositionBook, open: Dec, price: string): void {
    const plan = this.p.store.plans.get(book.planId)!;
    const ex = this.p.plans.execOf(plan.id);
    const order = this.p.router.newOrder(plan, 'take_profit', exitSideOf(book), 'limit', open, price, {
      ocoGroup: `${plan.id}:OCO`,
      exitReason: 'take_profit',
    });
    ex.takeProfitOrderId = order.id;
    if (this.p.heldExits.holds(plan, order.venue)) this.p.router.hold(order);
    else this.p.router.send(order);
  }

  /** A bracket leg covers what is open: its total = what it filled + the open quantity. */
  resizeLeg(orderId: string, open: Dec): void {
    const o = this.p.store.orders.get(orderId);
    if (!o || !this.p.router.amendable(o)) return;
    const want = dec(o.filledQuantity).plus(open);
    if (!want.eq(o.quantity)) this.p.router.requestAmend(orderId, { quantity: str(want) });
  }

  /** Flattens a position at market: brackets and the rest of the entry are cancelled first. */
  flatten(book: PositionBook, reason: ExitReason): void {
    const plan = this.p.store.plans.get(book.planId)!;
    const ex = this.p.plans.execOf(plan.id);
    if (plan.entryOrderId) this.p.router.requestCancel(plan.entryOrderId, 'cancelled');
    if (ex.stopOrderId) this.p.router.requestCancel(ex.stopOrderId, 'cancelled');
    if (ex.takeProfitOrderId) this.p.router.requestCancel(ex.takeProfitOrderId, 'cancelled');
    if (ex.exitOrderId && this.p.router.isOrderWorking(ex.exitOrderId)) return;
    const open = dec(book.qty);
    if (open.lte(0)) return;
    const order = this.p.router.newOrder(
      plan,
      'exit',
      book.side === 'long' ? 'sell' : 'buy',
      'market',
      open,
      undefined,
      {
        exitReason: reason,
      },
    );
    ex.exitOrderId = order.id;
    this.p.router.send(order);
  }

  /** Closes part of a position at market. Bracket legs shrink first to what stays open, so the exit and a
   *  leg filling in the same bar can never sell more than the position holds. */
  reduce(book: PositionBook, qty: Dec): void {
    const plan = this.p.store.plans.get(book.planId)!;
    const ex = this.p.plans.execOf(plan.id);
    if (plan.entryOrderId) this.p.router.requestCancel(plan.entryOrderId, 'cancelled');
    const rest = dec(book.qty).minus(qty);
    if (ex.stopOrderId) this.resizeLeg(ex.stopOrderId, rest);
    if (ex.takeProfitOrderId) this.resizeLeg(ex.takeProfitOrderId, rest);
    const side = book.side === 'long' ? 'sell' : 'buy';
    const order = this.p.router.newOrder(plan, 'exit', side, 'market', qty, undefined, {
      exitReason: 'close',
    });
    ex.exitOrderId = order.id;
    this.p.router.send(order);
  }
}

function exitSideOf(book: PositionBook): Side {
  return book.side === 'long' ? 'sell' : 'buy';
}
