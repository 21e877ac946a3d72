// The broker side of the simulated gateway: orders by orderId, their states as IB reports them, fills,
// positions and the account's executions. It knows nothing of sockets: every change comes back as a
// BookEvent list that the gateway turns into messages for the clients that should hear of it.
//
// Behaviour, as IB does it for US stocks on SMART:
// - transmit=false holds an order at the gateway (no message) until a later order of its bracket (same
//   parent, or the parent itself) or of its OCA group arrives with transmit=true; then all go together.
// - a child (parentId ≠ 0) waits in PreSubmitted until its parent is filled, then works.
// - MKT fills at once at the mark; LMT works in Submitted and fills when the mark reaches it (at the
//   limit or better); STP, STP LMT and TRAIL wait in PreSubmitted (IB simulates stops) until triggered.
// - TRAIL: the stop trails the mark by auxPrice (an amount) or trailingPercent, never moving back.
// - a fill cancels the rest of its OCA group (ocaType 1) or reduces it (2, 3); bracket children of one
//   parent without an OCA group reduce each other, as IB's bracket does.
import { dec } from '../../../../src/shared/domain/decimal.ts';
import type { OrderView, StockContract } from './outbound.ts';
import type { PlacedOrder } from './place-order.ts';

export type OrderStatus =
  | 'PendingSubmit'
  | 'PreSubmitted'
  | 'Submitted'
  | 'Filled'
  | 'Cancelled'
  | 'Inactive';

export interface BookOrder extends OrderView {
  status: OrderStatus;
  symbol: string;
  action: 'BUY' | 'SELL';
  /** Sent with transmit=true, or released by a later order of its group. */
  transmitted: boolean;
  /** Originally sent with transmit (what the client asked). */
  transmit: boolean;
  /** Working at the broker: transmitted and, for a child, its parent filled. */
  working: boolean;
  /** A stop that has triggered (it now behaves as a market or limit order). */
  triggered: boolean;
}

export interface Execution {
  execId: string;
  orderId: number;
  permId: number;
  clientId: number;
  account: string;
  orderRef: string;
  symbol: string;
  side: 'BOT' | 'SLD';
  shares: number;
  price: number;
  cumQty: number;
  avgPrice: number;
  at: Date;
  time: string;
  commission: number;
}

export type BookEvent =
  | { type: 'order'; order: BookOrder }
  | { type: 'fill'; order: BookOrder; exec: Execution }
  | { type: 'cancelled'; order: BookOrder; notice: boolean }
  | { type: 'error'; id: number; code: number; text: string }
  | { type: 'position'; account: string; symbol: string };

export interface Position {
  qty: number;
  avgCost: number;
}

const WORKING: ReadonlySet<OrderStatus> = new Set(['PendingSubmit', 'PreSubmitted', 'Submitted']);
const ORDER_TYPES: ReadonlySet<string> = new Set(['MKT', 'LMT', 'STP', 'STP LMT', 'TRAIL']);

export function isWorking(o: BookOrder): boolean {
  return WORKING.has(o.status);
}

export interface BookOptions {
  prices: Record<string, number>;
  contracts: (symbol: string) => StockContract | undefined;
  now: () => Date;
}

export class Book {
  private readonly byId = new Map<string, BookOrder>();
  private readonly ordered: BookOrder[] = [];
  private readonly execs: Execution[] = [];
  private readonly marks = new Map<string, number>();
  private readonly positions = new Map<string, Position>();
  /** The highest orderId each client has used: a new order must be above it. */
  private readonly highest = new Map<number, number>();
  private permSeq = 0;
  private execSeq = 0;
  private readonly opts: BookOptions;

  constructor(opts: BookOptions) {
    this.opts = opts;
    for (const [s, p] of Object.entries(opts.prices)) this.marks.set(s, p);
  }

  orders(): readonly BookOrder[] {
    return this.ordered;
  }
  executions(): readonly Execution[] {
    return this.execs;
  }
  mark(symbol: string): number | undefined {
    return this.marks.get(symbol);
  }
  order(clientId: number, orderId: number): BookOrder | undefined {
    return this.byId.get(key(clientId, orderId));
  }
  /** An order by id alone, for the scripted controls (the latest with that id). */
  findById(orderId: number): BookOrder | undefined {
    for (let i = this.ordered.length - 1; i >= 0; i--) {
      const o = this.ordered[i];
      if (o && o.orderId === orderId) return o;
    }
    return undefined;
  }
  highestUsed(): number {
    let h = 0;
    for (const v of this.highest.values()) h = Math.max(h, v);
    return h;
  }
  positionList(): Array<{ account: string; symbol: string; position: Position }> {
    return [...this.positions.entries()].map(([k, position]) => {
      const [account = '', symbol = ''] = k.split('|');
      return { account, symbol, position };
    });
  }
  setPosition(account: string, symbol: string, qty: number, avgCost: number): BookEvent[] {
    this.positions.set(`${account}|${symbol}`, { qty, avgCost });
    return [{ type: 'position', account, symbol }];
  }

  /** An id the client has sent, even if the order never lived (rejected): it cannot come again. */
  markUsed(clientId: number, orderId: number): void {
    if (orderId > (this.highest.get(clientId) ?? 0)) this.highest.set(clientId, orderId);
  }

  /** A PLACE_ORDER from a client: a new order, a modification of a working one, or an error. */
  place(clientId: number, p: PlacedOrder, defaultAccount: string): BookEvent[] {
    const existing = this.byId.get(key(clientId, p.orderId));
    if (existing) {
      if (!isWorking(existing)) return [dup(p.orderId)];
      return this.modify(existing, p);
    }
    if (p.orderId <= (this.highest.get(clientId) ?? 0)) return [dup(p.orderId)];
    const contract = this.opts.contracts(p.contract.symbol);
    if (!contract || p.contract.secType !== 'STK') {
      return [
        {
          type: 'error',
          id: p.orderId,
          code: 200,
          text: 'No security definition has been found for the request',
        },
      ];
    }
    this.highest.set(clientId, p.orderId);
    if (!ORDER_TYPES.has(p.orderType)) {
      return [
        {
          type: 'error',
          id: p.orderId,
          code: 387,
          text: 'Unsupported order type for this exchange and security type.',
        },
      ];
    }
    if (!(p.totalQuantity > 0)) {
      return [{ type: 'error', id: p.orderId, code: 434, text: 'The order size cannot be zero.' }];
    }
    if (p.action !== 'BUY' && p.action !== 'SELL') {
      return [
        {
          type: 'error',
          id: p.orderId,
          code: 201,
          text: `Order rejected - reason:Invalid action ${p.action}`,
        },
      ];
    }
    const order: BookOrder = {
      orderId: p.orderId,
      permId: this.nextPermId(),
      clientId,
      account: p.account || defaultAccount,
      contract,
      symbol: contract.symbol,
      action: p.action,
      totalQuantity: p.totalQuantity,
      orderType: p.orderType,
      lmtPrice: p.lmtPrice,
      auxPrice: p.auxPrice,
      trailStopPrice: p.trailStopPrice,
      trailingPercent: p.trailingPercent,
      tif: p.tif || 'DAY',
      ocaGroup: p.ocaGroup,
      ocaType: p.ocaType ?? (p.ocaGroup ? 1 : 0),
      orderRef: p.orderRef,
      outsideRth: p.outsideRth,
      parentId: p.parentId,
      goodTillDate: p.goodTillDate,
      status: 'PendingSubmit',
      filled: 0,
      avgFillPrice: 0,
      lastFillPrice: 0,
      whyHeld: '',
      transmit: p.transmit,
      transmitted: false,
      working: false,
      triggered: false,
    };
    this.byId.set(key(clientId, p.orderId), order);
    this.ordered.push(order);
    if (!p.transmit) return [];
    return this.transmitGroup(order);
  }

  private modify(o: BookOrder, p: PlacedOrder): BookEvent[] {
    if (p.totalQuantity < o.filled || !(p.totalQuantity > 0)) {
      return [
        {
          type: 'error',
          id: o.orderId,
          code: 201,
          text: 'Order rejected - reason:The order quantity is below the filled quantity',
        },
      ];
    }
    o.totalQuantity = p.totalQuantity;
    o.lmtPrice = p.lmtPrice;
    o.auxPrice = p.auxPrice;
    o.trailingPercent = p.trailingPercent;
    if (p.trailStopPrice !== undefined) o.trailStopPrice = p.trailStopPrice;
    o.tif = p.tif || o.tif;
    o.outsideRth = p.outsideRth;
    o.orderRef = p.orderRef;
    if (!o.transmitted) {
      if (!p.transmit) return [];
      return this.transmitGroup(o);
    }
    const events: BookEvent[] = [{ type: 'order', order: snap(o) }];
    if (o.working) events.push(...this.work(o));
    return events;
  }

  /** Releases the held orders of this order's bracket and OCA group along with it. */
  private transmitGroup(order: BookOrder): BookEvent[] {
    const root = order.parentId ? this.byId.get(key(order.clientId, order.parentId)) : order;
    const group = this.ordered.filter(
      (o) =>
        o.clientId === order.clientId &&
        !o.transmitted &&
        o.status === 'PendingSubmit' &&
        (o === order ||
          (root !== undefined && (o === root || o.parentId === root.orderId)) ||
          (order.ocaGroup !== '' && o.ocaGroup === order.ocaGroup)),
    );
    const events: BookEvent[] = [];
    // Parents before children, in the order they were placed.
    for (const o of group) o.transmitted = true;
    for (const o of group) events.push(...this.submit(o));
    return events;
  }

  private submit(o: BookOrder): BookEvent[] {
    if (o.status !== 'PendingSubmit') return [];
    const parent = o.parentId ? this.byId.get(key(o.clientId, o.parentId)) : undefined;
    if (parent && parent.status === 'Cancelled') return this.cancel(o, false);
    if (parent && parent.status !== 'Filled') {
      o.status = 'PreSubmitted';
      o.whyHeld = 'child';
      return [{ type: 'order', order: snap(o) }];
    }
    return this.activate(o);
  }

  private activate(o: BookOrder): BookEvent[] {
    o.working = true;
    o.whyHeld = '';
    o.status = isStop(o) ? 'PreSubmitted' : 'Submitted';
    if (o.orderType === 'TRAIL') this.initTrail(o);
    return [{ type: 'order', order: snap(o) }, ...this.work(o)];
  }

  /** Fills or triggers a working order against the current mark. */
  private work(o: BookOrder): BookEvent[] {
    if (!o.working || !isWorking(o)) return [];
    const mark = this.marks.get(o.symbol);
    if (mark === undefined) return [];
    const events: BookEvent[] = [];
    if (isStop(o) && !o.triggered) {
      if (o.orderType === 'TRAIL') this.trail(o, mark);
      const stop = o.orderType === 'TRAIL' ? o.trailStopPrice : o.auxPrice;
      if (stop === undefined) return [];
      const hit = o.action === 'BUY' ? mark >= stop : mark <= stop;
      if (!hit) return [];
      o.triggered = true;
      o.status = 'Submitted';
      events.push({ type: 'order', order: snap(o) });
    }
    const limit = limitOf(o);
    if (limit === undefined) return [...events, ...this.execute(o, o.totalQuantity - o.filled, mark)];
    const crosses = o.action === 'BUY' ? mark <= limit : mark >= limit;
    if (!crosses) return events;
    const price = o.action === 'BUY' ? Math.min(mark, limit) : Math.max(mark, limit);
    return [...events, ...this.execute(o, o.totalQuantity - o.filled, price)];
  }

  private initTrail(o: BookOrder): void {
    const mark = this.marks.get(o.symbol);
    if (o.trailStopPrice !== undefined || mark === undefined) return;
    o.trailStopPrice = trailFrom(o, mark);
  }

  private trail(o: BookOrder, mark: number): void {
    const candidate = trailFrom(o, mark);
    if (candidate === undefined) return;
    if (o.trailStopPrice === undefined) o.trailStopPrice = candidate;
    else if (o.action === 'SELL') o.trailStopPrice = Math.max(o.trailStopPrice, candidate);
    else o.trailStopPrice = Math.min(o.trailStopPrice, candidate);
  }

  /** Moves the mark and lets every working order of the symbol react, until nothing changes. */
  setPrice(symbol: string, price: number): BookEvent[] {
    this.marks.set(symbol, price);
    const events: BookEvent[] = [];
    for (const o of [...this.ordered]) {
      if (o.symbol === symbol && o.working && isWorking(o)) events.push(...this.work(o));
    }
    return events;
  }

  /**
   * A scripted fill of `shares` (default: the rest) at `price` (default: the limit, else the mark).
   * On a cancelled order it is a late fill (the execution crossed the cancel): booked, reported, and
   * the order stays Cancelled.
   */
  fill(o: BookOrder, shares?: number, price?: number): BookEvent[] {
    if (o.status === 'Filled' || o.status === 'Inactive') return [];
    const rest = o.totalQuantity - o.filled;
    const qty = Math.min(shares ?? rest, rest);
    const at = price ?? limitOf(o) ?? this.marks.get(o.symbol) ?? 0;
    if (!(qty > 0)) return [];
    if (o.status === 'Cancelled') return this.execute(o, qty, at, true);
    if (!o.transmitted) o.transmitted = true;
    if (!o.working) o.working = true;
    return this.execute(o, qty, at);
  }

  private execute(o: BookOrder, shares: number, price: number, late = false): BookEvent[] {
    if (!(shares > 0)) return [];
    const filledBefore = dec(o.filled);
    const filled = filledBefore.plus(shares);
    const avg = dec(o.avgFillPrice).times(filledBefore).plus(dec(price).times(shares)).div(filled);
    o.filled = Number(filled);
    o.avgFillPrice = Number(avg.round(8));
    o.lastFillPrice = price;
    if (!late) o.status = o.filled >= o.totalQuantity ? 'Filled' : 'Submitted';
    const at = this.opts.now();
    const exec: Execution = {
      execId: `0000e0d5.${(0x6571d000 + ++this.execSeq).toString(16)}.01.01`,
      orderId: o.orderId,
      permId: o.permId,
      clientId: o.clientId,
      account: o.account,
      orderRef: o.orderRef,
      symbol: o.symbol,
      side: o.action === 'BUY' ? 'BOT' : 'SLD',
      shares,
      price,
      cumQty: o.filled,
      avgPrice: o.avgFillPrice,
      at,
      time: execTime(at),
      commission: Number(maxDec(dec('1.00'), dec('0.005').times(shares))),
    };
    this.execs.push(exec);
    this.book(o.account, o.symbol, o.action === 'BUY' ? shares : -shares, price);
    const events: BookEvent[] = [
      { type: 'fill', order: snap(o), exec },
      { type: 'position', account: o.account, symbol: o.symbol },
    ];
    if (late) return events;
    events.push(...this.ocaAfterFill(o, shares));
    if (o.status === 'Filled') {
      for (const child of this.ordered) {
        if (
          child.clientId === o.clientId &&
          child.parentId === o.orderId &&
          child.transmitted &&
          child.status === 'PreSubmitted' &&
          !child.working
        ) {
          events.push(...this.activate(child));
        }
      }
    }
    return events;
  }

  private ocaAfterFill(o: BookOrder, shares: number): BookEvent[] {
    const events: BookEvent[] = [];
    const siblings = this.ordered.filter(
      (s) =>
        s !== o &&
        isWorking(s) &&
        s.account === o.account &&
        ((o.ocaGroup !== '' && s.ocaGroup === o.ocaGroup) ||
          (o.ocaGroup === '' && o.parentId !== 0 && s.parentId === o.parentId && s.clientId === o.clientId)),
    );
    for (const s of siblings) {
      if (o.ocaGroup !== '' && o.ocaType === 1) {
        events.push(...this.cancel(s, false));
        continue;
      }
      s.totalQuantity = Number(dec(s.totalQuantity).minus(shares));
      if (s.totalQuantity <= s.filled) events.push(...this.cancel(s, false));
      else events.push({ type: 'order', order: snap(s) });
    }
    return events;
  }

  private book(account: string, symbol: string, signed: number, price: number): void {
    const k = `${account}|${symbol}`;
    const p = this.positions.get(k) ?? { qty: 0, avgCost: 0 };
    const qty = dec(p.qty).plus(signed);
    let avg = dec(p.avgCost);
    if (p.qty === 0 || Math.sign(p.qty) === Math.sign(signed)) {
      avg = dec(p.avgCost)
        .times(Math.abs(p.qty))
        .plus(dec(price).times(Math.abs(signed)))
        .div(qty.abs());
    } else if (Math.sign(Number(qty)) !== Math.sign(p.qty) && !qty.eq(0)) {
      avg = dec(price);
    }
    this.positions.set(k, { qty: Number(qty), avgCost: qty.eq(0) ? 0 : Number(avg.round(8)) });
  }

  /** Cancels a working order and, for a parent, its children. `notice`: error 202 goes with it. */
  cancel(o: BookOrder, notice: boolean): BookEvent[] {
    if (!isWorking(o)) return [];
    o.status = 'Cancelled';
    o.working = false;
    const events: BookEvent[] = [{ type: 'cancelled', order: snap(o), notice }];
    for (const child of this.ordered) {
      if (child.clientId === o.clientId && child.parentId === o.orderId && isWorking(child)) {
        events.push(...this.cancel(child, notice));
      }
    }
    return events;
  }

  /** CANCEL_ORDER from a client: IB's answers for an unknown or finished order. */
  cancelRequest(clientId: number, orderId: number): BookEvent[] {
    const o = this.byId.get(key(clientId, orderId));
    if (!o)
      return [
        {
          type: 'error',
          id: orderId,
          code: 10147,
          text: `OrderId ${orderId} that needs to be cancelled is not found.`,
        },
      ];
    if (!isWorking(o)) {
      return [
        {
          type: 'error',
          id: orderId,
          code: 10148,
          text: `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: ${o.status}.`,
        },
      ];
    }
    return this.cancel(o, true);
  }

  /** REQ_GLOBAL_CANCEL: every working order of the account, whoever placed it. */
  cancelAll(): BookEvent[] {
    const events: BookEvent[] = [];
    for (const o of this.ordered) if (isWorking(o)) events.push(...this.cancel(o, true));
    return events;
  }

  private nextPermId(): number {
    return 3_000_000_000 + ++this.permSeq;
  }
}

/** The order as it stood when the event happened: later changes in the same step must not rewrite it. */
function snap(o: BookOrder): BookOrder {
  return { ...o };
}

function key(clientId: number, orderId: number): string {
  return `${clientId}:${orderId}`;
}

function dup(orderId: number): BookEvent {
  return { type: 'error', id: orderId, code: 103, text: 'Duplicate order id' };
}

function isStop(o: BookOrder): boolean {
  return o.orderType === 'STP' || o.orderType === 'STP LMT' || o.orderType === 'TRAIL';
}

function limitOf(o: BookOrder): number | undefined {
  if (o.orderType === 'LMT' || o.orderType === 'STP LMT') return o.lmtPrice;
  return undefined;
}

/** The stop a trailing order would have at this mark: the amount (auxPrice) or the percentage away. */
function trailFrom(o: BookOrder, mark: number): number | undefined {
  const m = dec(mark);
  let offset =
    o.trailingPercent !== undefined
      ? m.times(o.trailingPercent).div(100)
      : o.auxPrice !== undefined
        ? dec(o.auxPrice)
        : undefined;
  if (offset === undefined) return undefined;
  offset = offset.round(2);
  return Number(o.action === 'SELL' ? m.minus(offset) : m.plus(offset));
}

function maxDec(a: ReturnType<typeof dec>, b: ReturnType<typeof dec>): ReturnType<typeof dec> {
  return a.gt(b) ? a : b;
}

/** IB's execution time: "yyyyMMdd HH:mm:ss" and the zone. */
export function execTime(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())} ${p(at.getUTCHours())}:${p(at.getUTCMinutes())}:${p(at.getUTCSeconds())} UTC`;
}
