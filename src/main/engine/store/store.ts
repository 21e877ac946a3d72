// The read model (NautilusTrader's Cache): the plans, orders, fills and closed trades the engine works
// with, as the journal's events hold them. The plan book and the order router write it through their
// state tables; everything else reads it. Never checkpointed: a restart rebuilds it from the journal.
//
// A replay (and an engine without a journal) holds every record. A hosted engine runs for months: it
// holds its live plans and the last `keepFinished` finished ones, each with its orders, fills and trades
// (a plan and its records come and go together). A finished plan past that is let go once the journal
// holds it (evict, after a checkpoint), and read back whole by id when something asks for it again (a
// late fill or fee, a plan id seen before): the id lookups stay what they were. The sums of every closed
// trade (the metrics, the realized P&L) are kept in `tally`.
import type { EngineEvent } from '../../../shared/domain/engine-view.ts';
import type { FillRecord, OrderRecord } from '../../../shared/domain/order.ts';
import { type PlanRecord, TERMINAL_PLAN_STATUSES } from '../../../shared/domain/plan.ts';
import type { TradeRecord } from '../../../shared/domain/portfolio.ts';
import type { PlanRecords } from '../journal/trade-table.ts';
import { TradeTally } from '../portfolio/trade-tally.ts';

/** Where a store that holds only recent plans reads the others back (the journal). */
export interface RecordSource {
  planRecords(planId: string): PlanRecords;
  /** The plan whose fill carries this venue trade id, or null. */
  planOfTrade(venue: string, tradeId: string): string | null;
}

/** The plan an order id belongs to (`PLAN:E1` → `PLAN`; order ids are made so), or null. */
export function planOfOrderId(orderId: string): string | null {
  const i = orderId.lastIndexOf(':');
  return i > 0 ? orderId.slice(0, i) : null;
}

/** A map of records whose misses may be read back from the journal (`miss`, when the store pages). */
class RecordMap<V> extends Map<string, V> {
  miss: ((id: string) => void) | null = null;
  /** Called with each record set (the store's indexes follow). */
  onSet: ((id: string, value: V) => void) | null = null;

  override get(id: string): V | undefined {
    const v = super.get(id);
    if (v !== undefined || this.miss === null) return v;
    this.miss(id);
    return super.get(id);
  }

  override set(id: string, value: V): this {
    super.set(id, value);
    this.onSet?.(id, value);
    return this;
  }
}

export class Store {
  readonly plans = new RecordMap<PlanRecord>();
  readonly orders = new RecordMap<OrderRecord>();
  fills: FillRecord[] = [];
  trades: TradeRecord[] = [];
  /** Every closed trade's figures, held or not. */
  tally = new TradeTally();

  /** Where each fill and trade held sits: a correction replaces its record without a scan of the whole
   *  history per record (quadratic on a long journal). */
  private fillAt = new Map<string, number>();
  private tradeAt = new Map<string, number>();
  /** Order ids of each plan held. */
  private readonly ordersOf = new Map<string, Set<string>>();
  /** Finished plans held, in the order they finished (the oldest is let go first). */
  private readonly finished = new Map<string, true>();
  private source: RecordSource | null = null;
  private keepFinished = Number.POSITIVE_INFINITY;
  /** Plan ids read back and not found (a new plan's id is asked for once before it is recorded). */
  private readonly absent = new Set<string>();

  constructor() {
    this.plans.onSet = (id, plan) => {
      this.absent.delete(id);
      if (TERMINAL_PLAN_STATUSES.has(plan.status)) {
        this.finished.delete(id);
        this.finished.set(id, true);
      } else this.finished.delete(id);
    };
    this.orders.onSet = (id, order) => {
      let set = this.ordersOf.get(order.planId);
      if (!set) {
        set = new Set();
        this.ordersOf.set(order.planId, set);
      }
      set.add(id);
    };
  }

  /** From now on: hold the live plans and the last `keepFinished` finished ones, read the rest back
   *  from `source` (a hosted engine's journal). */
  page(source: RecordSource, keepFinished: number): void {
    this.source = source;
    this.keepFinished = keepFinished;
    this.plans.miss = (id) => this.readBack(id);
    this.orders.miss = (id) => {
      const planId = planOfOrderId(id);
      if (planId !== null) this.readBack(planId);
    };
  }

  get paging(): boolean {
    return this.source !== null;
  }

  plan(id: string): PlanRecord | undefined {
    return this.plans.get(id);
  }

  order(id: string): OrderRecord | undefined {
    return this.orders.get(id);
  }

  /** A new fill. */
  addFill(fill: FillRecord): void {
    this.fillAt.set(fill.id, this.fills.length);
    this.fills.push(fill);
  }

  /** A fill corrected under its own id (a late fee). */
  replaceFill(i: number, fill: FillRecord): void {
    this.fills[i] = fill;
  }

  /** The fill held with this venue trade id, read back with its plan when let go; -1: none. */
  fillIndexOfTrade(venue: string, tradeId: string): number {
    const find = () => this.fills.findIndex((f) => f.tradeId === tradeId && f.venue === venue);
    const i = find();
    if (i >= 0 || this.source === null) return i;
    const planId = this.source.planOfTrade(venue, tradeId);
    if (planId === null) return -1;
    this.readBack(planId);
    return find();
  }

  /** A trade closed. */
  addTrade(trade: TradeRecord): void {
    this.tradeAt.set(tradeKey(trade), this.trades.length);
    this.trades.push(trade);
    this.tally.add(trade);
  }

  /** A trade corrected (a late fee). */
  replaceTrade(i: number, trade: TradeRecord): void {
    this.tally.replace(this.trades[i]!, trade);
    this.trades[i] = trade;
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
      case 'fill': {
        // A fill again under its own id is its correction (a late fee): it replaces the first.
        const i = this.fillAt.get(event.fill.id);
        if (i !== undefined) this.fills[i] = event.fill;
        else this.addFill(event.fill);
        return;
      }
      case 'trade': {
        const i = this.tradeAt.get(tradeKey(event.trade));
        if (i !== undefined) this.replaceTrade(i, event.trade);
        else this.addTrade(event.trade);
        return;
      }
      default:
        return;
    }
  }

  /** A start that reads plans by id: the sums of every trade from the checkpoint, then each plan held. */
  restoreHeld(tally: TradeTally, planIds: readonly string[]): void {
    this.tally = tally;
    for (const id of planIds) this.readBack(id);
  }

  /** The ids of the plans held (a hosted engine's checkpoint lists them, to read them back at start). */
  heldPlanIds(): string[] {
    return [...this.plans.keys()];
  }

  /** Reads one plan and its records back from the journal (held from now on, as the latest finished). */
  private readBack(planId: string): void {
    if (this.source === null || this.absent.has(planId) || holds(this.plans, planId)) return;
    const r = this.source.planRecords(planId);
    if (r.plan === undefined) {
      this.absent.add(planId);
      return;
    }
    this.plans.set(planId, r.plan);
    for (const o of r.orders) this.orders.set(o.id, o);
    for (const f of r.fills) this.addFill(f);
    for (const t of r.trades) {
      // Counted in the tally already: held again, not closed again.
      this.tradeAt.set(tradeKey(t), this.trades.length);
      this.trades.push(t);
    }
  }

  /** Lets go of the oldest finished plans past `keepFinished` (with their orders, fills and trades),
   *  once the journal holds them (called after a checkpoint). A finished plan with an order still
   *  working (a leg whose cancel a live venue has not confirmed) is held until it ends. */
  evict(isWorking: (order: OrderRecord) => boolean): void {
    // In batches: the fills and trades are compacted once per batch, not once per plan.
    if (this.source === null || this.finished.size <= this.keepFinished * 1.2) return;
    const gone = new Set<string>();
    for (const planId of this.finished.keys()) {
      if (this.finished.size - gone.size <= this.keepFinished) break;
      const orderIds = this.ordersOf.get(planId);
      let working = false;
      for (const id of orderIds ?? []) {
        const o = Map.prototype.get.call(this.orders, id) as OrderRecord | undefined;
        if (o && isWorking(o)) working = true;
      }
      if (working) continue;
      gone.add(planId);
    }
    if (gone.size === 0) return;
    for (const planId of gone) {
      this.finished.delete(planId);
      this.plans.delete(planId);
      for (const id of this.ordersOf.get(planId) ?? []) this.orders.delete(id);
      this.ordersOf.delete(planId);
    }
    this.fills = this.fills.filter((f) => !gone.has(f.planId));
    this.trades = this.trades.filter((t) => !gone.has(t.planId));
    this.fillAt = new Map(this.fills.map((f, i) => [f.id, i]));
    this.tradeAt = new Map(this.trades.map((t, i) => [tradeKey(t), i]));
  }
}

/** A trade is one plan's exit at one time: a record again under the same key is its correction. */
function tradeKey(t: TradeRecord): string {
  return `${t.planId}\u0000${t.exitTime}`;
}

/** Whether the map holds the key itself (no read back). */
function holds<V>(map: Map<string, V>, key: string): boolean {
  return Map.prototype.has.call(map, key);
}
