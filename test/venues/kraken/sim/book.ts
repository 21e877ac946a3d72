// One Kraken spot account and the market it trades in: balances, every order and trade ever, the scripted
// quotes, and the matching rules. A resting buy limit fills at its price (maker) once the ask reaches it, a
// sell once the bid does; a limit that crosses on arrival takes the book (taker); market orders fill at the
// ask (buy) or bid (sell); stops trigger on the last price, take-profits likewise the other way. While
// fills are held they queue, and releasing them books them even on orders cancelled meanwhile (a late
// fill: Kraken matched before the cancel).
import { type Dec, dec, floorToLot, min, ZERO } from '../../../../src/shared/domain/decimal.ts';
import { krakenId, type Pair, roundHalfUp, type SimAssetConfig } from './market.ts';

export type Side = 'buy' | 'sell';
export type OrderType =
  | 'market'
  | 'limit'
  | 'stop-loss'
  | 'take-profit'
  | 'stop-loss-limit'
  | 'take-profit-limit';
export type OrderStatus = 'pending' | 'open' | 'closed' | 'canceled' | 'expired';
export const ORDER_TYPES: readonly OrderType[] = [
  'market',
  'limit',
  'stop-loss',
  'take-profit',
  'stop-loss-limit',
  'take-profit-limit',
];

export interface Order {
  txid: string;
  pair: Pair;
  side: Side;
  ordertype: OrderType;
  /** Kraken's `price`: the limit price, or the trigger price of a stop or take-profit. */
  price: Dec | null;
  /** Kraken's `price2`: the limit price of a stop-loss-limit or take-profit-limit. */
  price2: Dec | null;
  vol: Dec;
  volExec: Dec;
  cost: Dec;
  fee: Dec;
  status: OrderStatus;
  /** Sim clock, ms. */
  opentm: number;
  closetm: number | null;
  clOrdId: string | null;
  userref: number | null;
  oflags: string[];
  timeinforce: string;
  reduceOnly: boolean;
  trades: string[];
  reason: string | null;
  /** A stop or take-profit whose trigger price was reached. */
  triggered: boolean;
  /** Volume of fills waiting in the hold queue. */
  queued: Dec;
}

export interface Trade {
  txid: string;
  ordertxid: string;
  postxid: string;
  pair: Pair;
  /** Sim clock, ms. */
  time: number;
  side: Side;
  ordertype: OrderType;
  price: Dec;
  cost: Dec;
  fee: Dec;
  vol: Dec;
  maker: boolean;
  tradeId: number;
}

export interface Quote {
  bid: Dec;
  ask: Dec;
  last: Dec;
}

export interface Tick {
  time: number;
  price: Dec;
}

export interface NewOrder {
  pair: Pair;
  side: Side;
  ordertype: OrderType;
  price: Dec | null;
  price2: Dec | null;
  vol: Dec;
  /** Market buy by quote amount (oflags viqc): `vol` is in the quote currency. */
  viqc: boolean;
  clOrdId: string | null;
  userref: number | null;
  oflags: string[];
  timeinforce: string;
  reduceOnly: boolean;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

interface PendingFill {
  order: Order;
  qty: Dec;
  price: Dec;
  maker: boolean;
}

export interface DeadMan {
  timeoutSeconds: number;
  /** Sim clock, ms. */
  triggerAt: number;
}

export interface BookOptions {
  pairs: Pair[];
  assets: SimAssetConfig[];
  balances: Record<string, Dec>;
  prices: Record<string, Quote>;
  makerFeeBps: number;
  takerFeeBps: number;
  /** Most volume one order fills per price event (undefined: all of it). */
  liquidity: Dec | undefined;
  now: number;
}

const isStop = (t: OrderType) => t !== 'market' && t !== 'limit';

export class Book {
  readonly pairs: Pair[];
  readonly assets: SimAssetConfig[];
  readonly orders: Order[] = [];
  readonly trades: Trade[] = [];
  readonly balances = new Map<string, Dec>();
  readonly quotes = new Map<string, Quote>();
  readonly ticks = new Map<string, Tick[]>();
  readonly makerFeeBps: number;
  readonly takerFeeBps: number;
  liquidity: Dec | undefined;
  deadMan: DeadMan | null = null;
  private held = false;
  private queue: PendingFill[] = [];
  private nextTradeId = 1;

  constructor(o: BookOptions) {
    this.pairs = o.pairs;
    this.assets = o.assets;
    this.makerFeeBps = o.makerFeeBps;
    this.takerFeeBps = o.takerFeeBps;
    this.liquidity = o.liquidity;
    for (const a of o.assets) this.balances.set(a.id, ZERO);
    for (const [asset, amount] of Object.entries(o.balances)) this.balances.set(asset, amount);
    for (const p of o.pairs) {
      const q = o.prices[p.symbol];
      if (q) {
        this.quotes.set(p.name, q);
        this.ticks.set(p.name, [{ time: o.now, price: q.last }]);
      } else this.ticks.set(p.name, []);
    }
  }

  /** A pair by Kraken name, altname or wsname, or by unified symbol. */
  pair(ref: string): Pair | undefined {
    return this.pairs.find(
      (p) => p.name === ref || p.altname === ref || p.wsname === ref || p.symbol === ref,
    );
  }

  order(txid: string): Order | undefined {
    return this.orders.find((o) => o.txid === txid);
  }

  openOrders(): Order[] {
    return this.orders.filter((o) => o.status === 'open' || o.status === 'pending');
  }

  balance(asset: string): Dec {
    return this.balances.get(asset) ?? ZERO;
  }

  /** Funds reserved by open orders: the quote a buy may spend (taker fee included), the base a sell sells. */
  hold(asset: string): Dec {
    let total = ZERO;
    for (const o of this.openOrders()) {
      // Held (queued) fills are not booked yet: their funds stay reserved until they are.
      const rest = o.vol.minus(o.volExec);
      if (rest.lte(0)) continue;
      if (o.side === 'sell' && o.pair.base === asset) total = total.plus(rest);
      if (o.side === 'buy' && o.pair.quote === asset) total = total.plus(this.buyReserve(o, rest));
    }
    return total;
  }

  private buyReserve(o: Order, rest: Dec): Dec {
    const price = this.referencePrice(o);
    return rest.times(price).times(dec(1).plus(dec(this.takerFeeBps).div(10_000)));
  }

  /** The price an order's funds are reserved at: its limit, its trigger, or the ask for a market buy. */
  private referencePrice(o: Order): Dec {
    if (o.ordertype === 'limit') return o.price ?? ZERO;
    if (o.ordertype.endsWith('-limit')) return o.price2 ?? o.price ?? ZERO;
    if (o.ordertype === 'market') {
      const q = this.quotes.get(o.pair.name);
      return o.side === 'buy' ? (q?.ask ?? ZERO) : (q?.bid ?? ZERO);
    }
    return o.price ?? ZERO;
  }

  /** Places an order (funds checked), then lets it take the book if it can. */
  place(n: NewOrder, now: number): Outcome<Order> {
    const quote = this.quotes.get(n.pair.name);
    let vol = n.vol;
    if (n.viqc) {
      if (!quote) return { ok: false, error: 'EOrder:Insufficient liquidity' };
      vol = floorToLot(n.vol.div(quote.ask), n.pair.lot);
      if (vol.lte(0)) return { ok: false, error: 'EOrder:Order minimum not met' };
    }
    const o: Order = {
      txid: krakenId('O'),
      pair: n.pair,
      side: n.side,
      ordertype: n.ordertype,
      price: n.price,
      price2: n.price2,
      vol,
      volExec: ZERO,
      cost: ZERO,
      fee: ZERO,
      status: 'open',
      opentm: now,
      closetm: null,
      clOrdId: n.clOrdId,
      userref: n.userref,
      oflags: n.oflags,
      timeinforce: n.timeinforce,
      reduceOnly: n.reduceOnly,
      trades: [],
      reason: null,
      triggered: false,
      queued: ZERO,
    };
    const asset = o.side === 'buy' ? o.pair.quote : o.pair.base;
    const need = o.side === 'buy' ? this.buyReserve(o, vol) : vol;
    if (this.balance(asset).minus(this.hold(asset)).lt(need))
      return { ok: false, error: 'EOrder:Insufficient funds' };
    this.orders.push(o);
    if (quote) this.arrive(o, quote, now, this.liquidity);
    return { ok: true, value: o };
  }

  /** An order reaching the book (placed, triggered or amended): it takes what crosses, as taker. */
  private arrive(o: Order, q: Quote, now: number, liquidity: Dec | undefined): void {
    if (isStop(o.ordertype) && !o.triggered) {
      if (!this.triggers(o, q)) return;
      o.triggered = true;
    }
    const crosses = this.crossPrice(o, q) !== null;
    if (crosses && o.oflags.includes('post') && o.volExec.eq(0)) {
      this.end(o, 'canceled', now, 'Post only order');
      return;
    }
    // Fill-or-kill: all of it at once, or nothing.
    const rest = o.vol.minus(o.volExec);
    const all = crosses && (liquidity === undefined || liquidity.gte(rest));
    if (o.timeinforce !== 'FOK' || all) this.tryFill(o, q, now, liquidity, true);
    if (o.status === 'open' && (o.timeinforce === 'IOC' || o.timeinforce === 'FOK')) {
      this.end(o, 'canceled', now, o.volExec.gt(0) || o.queued.gt(0) ? 'Partial fill' : 'No liquidity');
    }
  }

  private triggers(o: Order, q: Quote): boolean {
    const trigger = o.price;
    if (trigger === null) return false;
    const stop = o.ordertype.startsWith('stop-loss');
    // A sell stop protects a long (price falls to it); a sell take-profit sells into strength.
    const falling = o.side === 'sell' ? stop : !stop;
    return falling ? q.last.lte(trigger) : q.last.gte(trigger);
  }

  /** The price this order can trade at now as a taker, or null when nothing crosses. */
  private crossPrice(o: Order, q: Quote): Dec | null {
    const book = o.side === 'buy' ? q.ask : q.bid;
    const limitLike = o.ordertype === 'limit' || o.ordertype.endsWith('-limit');
    if (!limitLike) return book;
    const limit = o.ordertype === 'limit' ? o.price : o.price2;
    if (limit === null) return null;
    if (o.side === 'buy') return q.ask.lte(limit) ? book : null;
    return q.bid.gte(limit) ? book : null;
  }

  private tryFill(o: Order, q: Quote, now: number, liquidity: Dec | undefined, taker: boolean): void {
    const rest = o.vol.minus(o.volExec).minus(o.queued);
    if (rest.lte(0)) return;
    const book = this.crossPrice(o, q);
    if (book === null) return;
    const limitLike = o.ordertype === 'limit' || o.ordertype.endsWith('-limit');
    const limit = o.ordertype === 'limit' ? o.price : o.price2;
    const maker = !taker && limitLike;
    const price = maker && limit !== null ? limit : book;
    const qty = liquidity === undefined ? rest : min(rest, liquidity);
    if (qty.lte(0)) return;
    this.submit(o, qty, price, maker, now);
  }

  /** A fill: booked at once, or queued while fills are held. */
  private submit(o: Order, qty: Dec, price: Dec, maker: boolean, now: number): Trade | undefined {
    if (this.held) {
      o.queued = o.queued.plus(qty);
      this.queue.push({ order: o, qty, price, maker });
      return undefined;
    }
    return this.execute(o, qty, price, maker, now);
  }

  private execute(o: Order, qtyWanted: Dec, price: Dec, maker: boolean, now: number): Trade | undefined {
    const qty = min(qtyWanted, o.vol.minus(o.volExec));
    if (qty.lte(0)) return undefined;
    const cost = qty.times(price);
    const bps = maker ? this.makerFeeBps : this.takerFeeBps;
    const fee = roundHalfUp(cost.times(bps).div(10_000), o.pair.costDecimals);
    const { base, quote } = o.pair;
    if (o.side === 'buy') {
      this.balances.set(quote, this.balance(quote).minus(cost).minus(fee));
      this.balances.set(base, this.balance(base).plus(qty));
    } else {
      this.balances.set(base, this.balance(base).minus(qty));
      this.balances.set(quote, this.balance(quote).plus(cost).minus(fee));
    }
    const t: Trade = {
      txid: krakenId('T'),
      ordertxid: o.txid,
      postxid: krakenId('T'),
      pair: o.pair,
      time: now,
      side: o.side,
      ordertype: o.ordertype,
      price,
      cost,
      fee,
      vol: qty,
      maker,
      tradeId: this.nextTradeId++,
    };
    this.trades.push(t);
    o.volExec = o.volExec.plus(qty);
    o.cost = o.cost.plus(cost);
    o.fee = o.fee.plus(fee);
    o.trades.push(t.txid);
    if (o.status === 'open' && o.volExec.gte(o.vol)) this.end(o, 'closed', now, null);
    return t;
  }

  end(o: Order, status: OrderStatus, now: number, reason: string | null): void {
    o.status = status;
    o.closetm = now;
    o.reason = reason;
  }

  /** A new quote: stops trigger on the last price, resting orders that cross fill. */
  setQuote(pair: Pair, q: Quote, now: number, liquidity: Dec | undefined): void {
    this.quotes.set(pair.name, q);
    this.ticks.get(pair.name)?.push({ time: now, price: q.last });
    for (const o of this.openOrders()) {
      if (o.pair !== pair) continue;
      if (isStop(o.ordertype) && !o.triggered) {
        if (this.triggers(o, q)) {
          o.triggered = true;
          this.tryFill(o, q, now, liquidity, true);
        }
        continue;
      }
      // Resting limits fill at their own price (maker); market-like orders take the book.
      this.tryFill(o, q, now, liquidity, false);
    }
  }

  /** A manual fill (partial or whole) of an open order; price defaults to its limit, else the book. */
  fill(o: Order, qty: Dec, price: Dec | undefined, now: number): Trade | undefined {
    if (o.status !== 'open' && o.status !== 'pending')
      throw new Error(`order ${o.txid} is ${o.status}, not open`);
    const rest = o.vol.minus(o.volExec).minus(o.queued);
    if (qty.gt(rest))
      throw new Error(`order ${o.txid} has ${rest.toString()} left, cannot fill ${qty.toString()}`);
    const q = this.quotes.get(o.pair.name);
    const limit = o.ordertype === 'limit' ? o.price : o.ordertype.endsWith('-limit') ? o.price2 : null;
    const at = price ?? limit ?? (o.side === 'buy' ? q?.ask : q?.bid);
    if (at === undefined || at === null) throw new Error(`no price to fill ${o.txid} at`);
    return this.submit(o, qty, at, limit !== null, now);
  }

  holdFills(held: boolean): void {
    this.held = held;
  }

  /** Books every queued fill, cancelled orders included (a late fill). */
  releaseFills(now: number): Trade[] {
    this.held = false;
    const queued = this.queue;
    this.queue = [];
    const booked: Trade[] = [];
    for (const f of queued) {
      f.order.queued = f.order.queued.minus(f.qty);
      const t = this.execute(f.order, f.qty, f.price, f.maker, now);
      if (t) booked.push(t);
    }
    return booked;
  }

  pendingFills(): number {
    return this.queue.length;
  }

  cancel(o: Order, now: number, reason = 'User requested'): void {
    this.end(o, 'canceled', now, reason);
  }

  cancelAll(now: number, reason = 'User requested'): number {
    const open = this.openOrders();
    for (const o of open) this.cancel(o, now, reason);
    return open.length;
  }

  /** Amends an open order in place (same txid); an amended limit that now crosses takes the book. */
  amend(o: Order, change: { qty?: Dec; limit?: Dec; trigger?: Dec }, now: number): Outcome<Order> {
    const before = { vol: o.vol, price: o.price, price2: o.price2 };
    if (change.qty !== undefined) {
      if (change.qty.lte(o.volExec))
        return { ok: false, error: 'EOrder:Invalid order:order_qty below filled quantity' };
      o.vol = change.qty;
    }
    if (change.limit !== undefined) {
      if (o.ordertype === 'limit') o.price = change.limit;
      else if (o.ordertype.endsWith('-limit')) o.price2 = change.limit;
    }
    if (change.trigger !== undefined && isStop(o.ordertype)) o.price = change.trigger;
    const q = this.quotes.get(o.pair.name);
    const triggered = o.triggered || !isStop(o.ordertype);
    if (q && triggered && o.oflags.includes('post') && this.crossPrice(o, q) !== null) {
      // A post-only order is never amended into a taker: the amend is refused, the order unchanged.
      Object.assign(o, before);
      return { ok: false, error: 'EOrder:Post only order' };
    }
    if (q) this.arrive(o, q, now, this.liquidity);
    return { ok: true, value: o };
  }

  /** Arms (seconds > 0) or disarms (0) the dead-man switch. */
  armDeadMan(seconds: number, now: number): DeadMan | null {
    this.deadMan = seconds > 0 ? { timeoutSeconds: seconds, triggerAt: now + seconds * 1000 } : null;
    return this.deadMan;
  }

  /** Fires the dead-man switch if the clock has passed it: every open order cancelled, then disarmed. */
  checkDeadMan(now: number): number {
    if (this.deadMan === null || now < this.deadMan.triggerAt) return 0;
    this.deadMan = null;
    return this.cancelAll(now, 'Dead man switch');
  }
}
