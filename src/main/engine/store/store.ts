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
        replaceOrPush(this.fills, event.fill, (f) => f.id === event.fill.id);
        return;
      case 'trade':
        replaceOrPush(
          this.trades,
          event.trade,
          (t) => t.planId === event.trade.planId && t.exitTime === event.trade.exitTime,
        );
        return;
      default:
        return;
    }
  }
}

/** The last element `same` matches is replaced by `item`; none: `item` is appended. */
function replaceOrPush<T>(list: T[], item: T, same: (x: T) => boolean): void {
  const i = list.findLastIndex(same);
  if (i >= 0) list[i] = item;
  else list.push(item);
}
