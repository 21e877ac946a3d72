// After a crash: order intents journaled after the last checkpoint belong to a command or bar cut short,
// never acknowledged. On paper they never reached the venue (its state is the checkpoint's). On a live
// venue they may have: they come back `unknown`, to be resolved by a query, never sent again.
import type { OrderRecord } from '../../../shared/domain/order.ts';
import type { PlanInput } from '../../../shared/domain/plan.ts';
import type { EngineParts } from '../parts.ts';
import { isTerminalPlan } from '../plans/plan-book.ts';

export class Recovery {
  private readonly p: EngineParts;

  constructor(parts: EngineParts) {
    this.p = parts;
  }

  /** Order intents journaled after the last checkpoint: a command or bar cut short by a crash, never
   *  acknowledged. The state is the checkpoint's (the venue's too, for paper), so those orders never
   *  reached the paper venue; their ids stay spent (unique for life) and the operator is told. An order for
   *  a live venue may have reached it: it is recorded `unknown` (with its plan, as far as the order says,
   *  when the plan itself was lost) for the venue to be asked by client order id; it is never sent again. */
  recoverInterrupted(intents: ReadonlyArray<{ clientOrderId: string; body: string }>): void {
    for (const { clientOrderId: id, body } of intents) {
      const known = this.p.store.orders.get(id);
      // A held order's intent is journaled when it is sent: one after the checkpoint means it may have
      // reached the venue, though the checkpoint still holds it.
      if (known && known.status !== 'held') continue;
      this.p.router.reserveOrderId(id);
      const order = orderOfIntent(body);
      if (order && this.p.router.isAsync(order.venue)) {
        this.recoverLiveIntent(order);
        continue;
      }
      this.p.events.notice(
        'error',
        'order_interrupted',
        `order ${id} was journaled but a crash stopped it before the venue`,
      );
    }
  }

  recoverLiveIntent(order: OrderRecord): void {
    const record: OrderRecord = { ...order, status: 'unknown', updatedAt: this.p.clock.time };
    let plan = this.p.store.plans.get(order.planId);
    if (!plan && order.role === 'entry') {
      // The plan's own record was lost with the command: rebuilt from its entry, so that an upstream
      // sending it again (same id) is recognised and nothing is sent twice.
      const input: PlanInput = {
        id: order.planId,
        symbol: order.symbol,
        side: order.side,
        entry: { type: order.type, ...(order.price !== undefined ? { price: order.price } : {}) },
        quantity: order.quantity,
        venue: order.venue,
      };
      plan = {
        id: order.planId,
        input,
        status: 'working',
        receivedAt: this.p.clock.time,
        updatedAt: this.p.clock.time,
      };
      this.p.store.plans.set(plan.id, plan);
      this.p.plans.emit(plan.id);
    }
    this.p.store.orders.set(record.id, record);
    this.p.events.emit({ type: 'order', order: record });
    if (plan) {
      if (order.role === 'entry' && plan.entryOrderId === undefined && !isTerminalPlan(plan.status))
        this.p.plans.set(plan.id, { status: 'working', quantity: order.quantity, entryOrderId: order.id });
      const ex = isTerminalPlan(plan.status) ? undefined : this.p.plans.execOf(plan.id);
      if (ex && order.role === 'stop_loss' && ex.stopOrderId === undefined) ex.stopOrderId = order.id;
      if (ex && order.role === 'take_profit' && ex.takeProfitOrderId === undefined)
        ex.takeProfitOrderId = order.id;
      if (ex && order.role === 'exit' && ex.exitOrderId === undefined) ex.exitOrderId = order.id;
    }
    this.p.events.notice(
      'error',
      'order_interrupted',
      `order ${order.id} was journaled and a crash came before ${order.venue} answered: unknown until ${order.venue} is asked`,
      order.planId,
    );
  }
}

/** The order an intent's body holds, or null if it does not read as one. */
function orderOfIntent(body: string): OrderRecord | null {
  try {
    const o = JSON.parse(body) as Partial<OrderRecord> | null;
    if (o && typeof o.id === 'string' && typeof o.venue === 'string' && typeof o.planId === 'string')
      return o as OrderRecord;
  } catch {
    // not an order
  }
  return null;
}
