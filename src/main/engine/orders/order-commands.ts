// The operator's order management, as a TWS user expects it: cancel any working order (a single bracket
// leg too: the position then says it has no stop), change a working order's price or quantity (in ticks and
// lots), close a position whole or in part.
import { DEFAULT_TICK } from '../../../shared/domain/config.ts';
import { dec, str } from '../../../shared/domain/decimal.ts';
import { err, ok, type Result } from '../../../shared/result.ts';
import type { EngineParts } from '../parts.ts';
import { isWorking } from './order-state.ts';

export class OrderCommands {
  private readonly p: EngineParts;

  constructor(parts: EngineParts) {
    this.p = parts;
  }

  /** Cancels one working order: an entry (its plan ends if nothing filled), a single bracket leg (the
   *  position is then unprotected on that side, and says so), or an exit. */
  cancelOrder(orderId: string, now: number): Result<null> {
    this.p.advance(now);
    this.p.lifecycle.expirePlans();
    const order = this.p.store.orders.get(orderId);
    if (!order) return err('unknown_order', `no order ${orderId}`);
    if (!isWorking(order.status)) return err('not_working', `order ${orderId} is ${order.status}`);
    if (order.status === 'pending_cancel')
      return err('already_cancelling', `order ${orderId} is being cancelled`);
    this.p.router.requestCancel(orderId, 'cancelled');
    const plan = this.p.store.plans.get(order.planId);
    if (order.role === 'entry' && plan?.status === 'working' && !this.p.router.isOrderWorking(orderId))
      this.p.plans.set(plan.id, { status: 'cancelled', reason: 'cancelled' });
    if (order.role === 'stop_loss' && this.p.portfolio.positions.get(order.symbol)?.planId === order.planId) {
      this.p.events.notice(
        'warning',
        'no_stop',
        `${order.symbol} has no stop: its stop ${orderId} was cancelled`,
        order.planId,
      );
      this.p.views.emitPosition(order.symbol);
    }
    return ok(null);
  }

  /** Changes a working order's limit or stop price and/or its total quantity (in ticks and lots). An
   *  entry's quantity may only go down: a bigger order is a new plan, through the risk checks. */
  modifyOrder(orderId: string, change: { price?: string; quantity?: string }, now: number): Result<null> {
    this.p.advance(now);
    this.p.lifecycle.expirePlans();
    const order = this.p.store.orders.get(orderId);
    if (!order) return err('unknown_order', `no order ${orderId}`);
    if (!isWorking(order.status) || order.status === 'pending_cancel' || order.status === 'unknown')
      return err('not_working', `order ${orderId} is ${order.status}`);
    if (order.status === 'pending_modify')
      return err('already_modifying', `order ${orderId} has a change on its way`);
    if (this.p.router.isAsync(order.venue) && order.status === 'submitted')
      return err('not_working', `order ${orderId} is not yet acknowledged by ${order.venue}`);
    const next: { price?: string; quantity?: string } = {};
    if (change.price !== undefined) {
      if (order.type === 'market')
        return err('invalid_order', `market order ${orderId} has no price to change`);
      const price = dec(change.price);
      const tick = dec(this.p.config.instruments[order.symbol]?.tick ?? DEFAULT_TICK);
      if (price.lte(0) || !price.mod(tick).eq(0))
        return err(
          'invalid_price',
          `price ${str(price)} is not a positive whole number of ticks (tick ${str(tick)})`,
        );
      if (order.price === undefined || !price.eq(order.price)) next.price = str(price);
    }
    if (change.quantity !== undefined) {
      const qty = dec(change.quantity);
      const lot = dec(this.p.gate.lotOf(order.symbol));
      const filled = dec(order.filledQuantity);
      if (!qty.mod(lot).eq(0))
        return err(
          'invalid_quantity',
          `quantity ${str(qty)} is not a whole number of lots (lot ${str(lot)})`,
        );
      if (qty.lte(filled))
        return err('invalid_quantity', `quantity ${str(qty)} must be above what has filled (${str(filled)})`);
      if (order.role === 'entry' && qty.gt(order.quantity))
        return err(
          'invalid_quantity',
          `an entry can only be made smaller (now ${order.quantity}): send a new plan for more`,
        );
      if (order.role !== 'entry') {
        const open = dec(this.p.portfolio.positions.get(order.symbol)?.qty ?? '0');
        if (qty.minus(filled).gt(open))
          return err('invalid_quantity', `quantity ${str(qty)} would close more than the open ${str(open)}`);
      }
      if (!qty.eq(order.quantity)) next.quantity = str(qty);
    }
    if (next.price === undefined && next.quantity === undefined) return ok(null);
    this.p.router.requestAmend(orderId, next);
    return ok(null);
  }

  /** Flattens a position at market; with `quantity`, closes that much of it (a whole number of lots). */
  closePosition(symbol: string, now: number, quantity?: string): Result<null> {
    this.p.advance(now);
    this.p.lifecycle.expirePlans();
    const book = this.p.portfolio.positions.get(symbol);
    if (!book) return err('no_position', `no open position in ${symbol}`);
    const ex = this.p.plans.execOf(book.planId);
    if (ex.exitOrderId && this.p.router.isOrderWorking(ex.exitOrderId)) {
      return err('already_closing', `${symbol} is being closed by order ${ex.exitOrderId}`);
    }
    if (quantity === undefined) {
      this.p.brackets.flatten(book, 'close');
      return ok(null);
    }
    const open = dec(book.qty);
    const qty = dec(quantity);
    const lot = dec(this.p.gate.lotOf(symbol));
    if (qty.lte(0) || qty.gt(open)) {
      return err(
        'invalid_quantity',
        `close quantity ${str(qty)} must be above 0 and at most the open ${str(open)}`,
      );
    }
    if (!qty.mod(lot).eq(0)) {
      return err(
        'invalid_quantity',
        `close quantity ${str(qty)} is not a whole number of lots (lot ${str(lot)})`,
      );
    }
    if (qty.eq(open)) {
      this.p.brackets.flatten(book, 'close');
      return ok(null);
    }
    this.p.brackets.reduce(book, qty);
    return ok(null);
  }
}
