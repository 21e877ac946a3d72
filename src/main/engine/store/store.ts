// The read model (NautilusTrader's Cache): every plan, order, fill and closed trade, as the journal's
// events hold them. The plan book and the order router write it through their state tables; everything
// else reads it. Never checkpointed: a restart rebuilds it from the journal's records.
import type { EngineEvent } from '../../../shared/domain/engine-view.ts';
import type { FillRecord, OrderRecord } from '../../../shared/domain/order.ts';
import type { PlanRecord } from '../../../shared/domain/plan.ts';
import type { TradeRecord } from '../../../shared/domain/portfolio.ts';

export class Store {
  readonly plans = new Map<string, PlanRecord>();
  readonly orders = new Map<string, OrderRecord>();
  readonly fills: FillRecord[] = [];
  readonly trades: TradeRecord[] = [];

  plan(id: string): PlanRecord | undefined {
    return this.plans.get(id);
  }

  order(id: string): OrderRecord | undefined {
    return this.orders.get(id);
  }

  /** Where each fill and trade read back sits (restart): a correction replaces its record without a
   *  scan of the whole history per record (quadratic on a long journal). */
  private readonly fillAt = new Map<string, number>();
  private readonly tradeAt = new Map<string, number>();

  /** Replays one journaled event into the records (restart). */
  applyHistory(event: EngineEvent): void {
    switch (event.type) {
      case 'plan':
        this.plans.set(event.plan.id, event.plan);
        return;
      case 'order':
        this.orders.set(event.order.id, event.order);
        return;
      case 'fill':
        // A fill again under its own id is its correction (a late fee): it replaces the first.
        replaceOrPush(this.fills, this.fillAt, event.fill.id, event.fill);
        return;
      case 'trade':
        replaceOrPush(
          this.trades,
          this.tradeAt,
          `${event.trade.planId}\u0000${event.trade.exitTime}`,
          event.trade,
        );
        return;
      default:
        return;
    }
  }
}

/** The record under `key` is replaced by `item`; none: `item` is appended and its place remembered. */
function replaceOrPush<T>(list: T[], at: Map<string, number>, key: string, item: T): void {
  const i = at.get(key);
  if (i !== undefined && i < list.length) list[i] = item;
  else {
    at.set(key, list.length);
    list.push(item);
  }
}
