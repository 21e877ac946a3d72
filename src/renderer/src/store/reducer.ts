// applyPush: the one pure function that turns pushed messages (a snapshot, then event batches) into state.
// A batch copies each touched collection once, then patches the copy: 1,000 row updates a second cost
// one object copy per frame, and untouched rows keep their identity so their components skip rendering.
import type { AppSnapshot, PushMessage } from '../../../shared/contract.ts';
import type { Notice } from '../../../shared/domain/engine-view.ts';
import type { Bar } from '../../../shared/domain/instrument.ts';
import type { FillRecord, OrderRecord } from '../../../shared/domain/order.ts';
import type { PlanRecord } from '../../../shared/domain/plan.ts';
import type { PositionRecord, TradeRecord } from '../../../shared/domain/portfolio.ts';
import { type Keyed, MAX_BARS, MAX_TOASTS, MAX_TRADES, type TerminalState, type Toast } from './state.ts';

type SortBy<T> = (a: T, b: T) => number;

const bySymbol: SortBy<PositionRecord> = (a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
const byCreated: SortBy<OrderRecord> = (a, b) => a.createdAt - b.createdAt;
const byReceived: SortBy<PlanRecord> = (a, b) => a.receivedAt - b.receivedAt;

function keyedFrom<T>(records: readonly T[], key: (r: T) => string, sort?: SortBy<T>): Keyed<T> {
  const sorted = sort ? [...records].sort(sort) : records;
  const byId: Record<string, T> = {};
  const ids: string[] = [];
  for (const r of sorted) {
    const id = key(r);
    if (!(id in byId)) ids.push(id);
    byId[id] = r;
  }
  return { ids, byId };
}

function queueOf(plans: Keyed<PlanRecord>): string[] {
  const pending: PlanRecord[] = [];
  for (const id of plans.ids) {
    const p = plans.byId[id];
    if (p?.status === 'pending_approval') pending.push(p);
  }
  return pending.sort(byReceived).map((p) => p.id);
}

function fromSnapshot(prev: TerminalState, snap: AppSnapshot): TerminalState {
  const e = snap.engine;
  const plans = keyedFrom(e.plans, (p) => p.id);
  return {
    ...prev,
    loaded: true,
    time: e.time,
    tradingState: e.tradingState,
    tradingReason: '',
    approval: e.approval,
    account: e.account,
    plans,
    queue: queueOf(plans),
    orders: keyedFrom(e.orders, (o) => o.id, byCreated),
    positions: keyedFrom(e.positions, (p) => p.symbol, bySymbol),
    fills: e.fills,
    trades: e.trades.length > MAX_TRADES ? e.trades.slice(-MAX_TRADES) : e.trades,
    dayTrades: e.dayTrades,
    metrics: e.metrics,
    learning: e.learning ?? null,
    lastPrices: e.lastPrices,
    instruments: e.instruments ?? {},
    // The host's recent candles when it sends them; else keep what was streamed before a reconnect.
    bars: e.recentBars ?? prev.bars,
    host: snap.host,
  };
}

/** A collection being patched within one batch: copied on the first write, mutated after that. */
class KeyedDraft<T> {
  private ids: string[] | null = null;
  private byId: Record<string, T> | null = null;
  private readonly base: Keyed<T>;
  private readonly sort: SortBy<T> | null;

  constructor(base: Keyed<T>, sort: SortBy<T> | null) {
    this.base = base;
    this.sort = sort;
  }

  get(id: string): T | undefined {
    return (this.byId ?? this.base.byId)[id];
  }

  put(id: string, value: T): void {
    if (this.byId === null) this.byId = { ...this.base.byId };
    const isNew = !(id in this.byId);
    this.byId[id] = value;
    if (!isNew) return;
    const ids = this.writableIds();
    if (this.sort === null) {
      ids.push(id);
      return;
    }
    // Binary insertion keeps the display order without re-sorting 10,000 ids.
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.byId[ids[mid]!]!;
      if (this.sort(other, value) <= 0) lo = mid + 1;
      else hi = mid;
    }
    ids.splice(lo, 0, id);
  }

  remove(id: string): void {
    const source = this.byId ?? this.base.byId;
    if (!(id in source)) return;
    if (this.byId === null) this.byId = { ...this.base.byId };
    delete this.byId[id];
    const ids = this.writableIds();
    const at = ids.indexOf(id);
    if (at >= 0) ids.splice(at, 1);
  }

  private writableIds(): string[] {
    if (this.ids === null) this.ids = [...this.base.ids];
    return this.ids;
  }

  result(): Keyed<T> {
    if (this.byId === null) return this.base;
    return { ids: this.ids ?? this.base.ids, byId: this.byId };
  }
}

function eventTime(time: number | undefined, now: number): number {
  return typeof time === 'number' && Number.isFinite(time) && time > now ? time : now;
}

function appendBar(bars: readonly Bar[] | undefined, bar: Bar): readonly Bar[] {
  if (!bars || bars.length === 0) return [bar];
  const last = bars[bars.length - 1]!;
  if (bar.time < last.time) return bars; // late duplicate of history we already drew
  const next = bar.time === last.time ? bars.slice(0, -1) : bars.slice(bars.length >= MAX_BARS ? 1 : 0);
  next.push(bar);
  return next;
}

export function toastFrom(
  state: TerminalState,
  notice: Omit<Toast, 'seq'>,
): Pick<TerminalState, 'toasts' | 'toastSeq'> {
  const seq = state.toastSeq + 1;
  const toasts = [...state.toasts, { ...notice, seq }];
  return { toasts: toasts.length > MAX_TOASTS ? toasts.slice(-MAX_TOASTS) : toasts, toastSeq: seq };
}

function noticeToast(n: Notice): Omit<Toast, 'seq'> {
  return { level: n.level, code: n.code, message: n.message, time: n.time };
}

function applyEvents(state: TerminalState, events: PushMessage & { kind: 'events' }): TerminalState {
  if (events.events.length === 0) return state;
  const plans = new KeyedDraft(state.plans, null);
  const orders = new KeyedDraft(state.orders, byCreated);
  const positions = new KeyedDraft(state.positions, bySymbol);
  let next: TerminalState = { ...state };
  let queueDirty = false;
  let fills: FillRecord[] | null = null;
  let trades: TradeRecord[] | null = null;
  let bars: Record<string, readonly Bar[]> | null = null;
  let lastPrices: Record<string, string> | null = null;
  let time = state.time;

  for (const ev of events.events) {
    switch (ev.type) {
      case 'plan': {
        const before = plans.get(ev.plan.id);
        if (before?.status === 'pending_approval' || ev.plan.status === 'pending_approval') queueDirty = true;
        plans.put(ev.plan.id, ev.plan);
        time = eventTime(ev.plan.updatedAt, time);
        break;
      }
      case 'order':
        orders.put(ev.order.id, ev.order);
        time = eventTime(ev.order.updatedAt, time);
        break;
      case 'fill':
        fills ??= [...state.fills];
        {
          // The same fill id again is its correction (a late fee): the row is replaced.
          const i = fills.findLastIndex((f) => f.id === ev.fill.id);
          if (i >= 0) fills[i] = ev.fill;
          else fills.push(ev.fill);
        }
        time = eventTime(ev.fill.time, time);
        break;
      case 'trade':
        trades ??= [...state.trades];
        {
          const i = trades.findLastIndex(
            (t) => t.planId === ev.trade.planId && t.exitTime === ev.trade.exitTime,
          );
          if (i >= 0) trades[i] = ev.trade;
          else trades.push(ev.trade);
          if (trades.length > MAX_TRADES) trades.splice(0, trades.length - MAX_TRADES);
        }
        time = eventTime(ev.trade.exitTime, time);
        break;
      case 'position':
        if (ev.position === null) positions.remove(ev.symbol);
        else {
          positions.put(ev.symbol, ev.position);
          lastPrices ??= { ...state.lastPrices };
          lastPrices[ev.symbol] = ev.position.markPrice;
        }
        break;
      case 'account':
        next.account = ev.account;
        break;
      case 'tradingState':
        next.tradingState = ev.state;
        next.tradingReason = ev.reason;
        break;
      case 'dayTrades':
        next.dayTrades = ev.dayTrades;
        break;
      case 'metrics':
        next.metrics = ev.metrics;
        break;
      case 'learning':
        next.learning = ev.learning;
        break;
      case 'bar': {
        bars ??= { ...state.bars };
        const before = bars[ev.bar.symbol];
        const after = appendBar(before, ev.bar);
        if (after === before) break; // an older candle: neither the chart nor the last price moves
        bars[ev.bar.symbol] = after;
        lastPrices ??= { ...state.lastPrices };
        lastPrices[ev.bar.symbol] = ev.bar.close;
        time = eventTime(ev.bar.time, time);
        break;
      }
      case 'notice':
        next = { ...next, ...toastFrom(next, noticeToast(ev.notice)) };
        time = eventTime(ev.notice.time, time);
        break;
      case 'host':
        next.host = ev.host;
        break;
      default:
        // A newer engine may push event types this renderer does not know: ignore them.
        break;
    }
  }

  next.plans = plans.result();
  if (queueDirty) next.queue = queueOf(next.plans);
  next.orders = orders.result();
  next.positions = positions.result();
  if (fills) next.fills = fills;
  if (trades) next.trades = trades;
  if (bars) next.bars = bars;
  if (lastPrices) next.lastPrices = lastPrices;
  next.time = time;
  return next;
}

/** Pure: the state after one pushed message. Unchanged slices keep their identity. */
export function applyPush(state: TerminalState, message: PushMessage): TerminalState {
  if (message.kind === 'snapshot') return fromSnapshot(state, message.snapshot);
  if (message.kind === 'events') return applyEvents(state, message);
  return state;
}
