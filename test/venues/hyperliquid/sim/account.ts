// One Hyperliquid account: USDC cash, perp positions (signed szi, entry price, leverage), orders with
// oids and optional cloids, fills with tids. Orders cross against the scripted quote on arrival (taker,
// at the touch), rest otherwise and fill as makers at their limit when the quote comes through them;
// trigger orders fire on the mark. P&L is booked on closing fills (closedPnl), fees on every fill.
import { type Dec, ZERO } from '../../../../src/shared/domain/decimal.ts';
import type { Coin, Quote } from './market.ts';

export type Side = 'B' | 'A';
export type Tif = 'Gtc' | 'Alo' | 'Ioc';

export interface Trigger {
  isMarket: boolean;
  triggerPx: Dec;
  tpsl: 'tp' | 'sl';
}

export type OrderStatus =
  | 'open'
  | 'filled'
  | 'canceled'
  | 'triggered'
  | 'scheduledCancel'
  | 'reduceOnlyCanceled'
  | 'marginCanceled';

export interface Order {
  oid: number;
  cloid: string | null;
  coin: Coin;
  side: Side;
  limitPx: Dec;
  origSz: Dec;
  /** Remaining size. */
  sz: Dec;
  tif: Tif | null;
  reduceOnly: boolean;
  trigger: Trigger | null;
  /** A whole-position tp/sl (size 0 on the wire: sized to the position when it fires). */
  positionTpsl: boolean;
  status: OrderStatus;
  /** A normalTpsl child: its parent's oid. It waits (never triggers) until the parent has filled, then
   *  rests sized to what the parent filled. */
  parent?: number;
  /** A normalTpsl parent: its children's oids (the take-profit and the stop-loss, one-cancels-other). */
  children?: number[];
  timestamp: number;
  statusTimestamp: number;
  builder: { b: string; f: number } | null;
}

export interface Fill {
  tid: number;
  oid: number;
  cloid: string | null;
  coin: Coin;
  px: Dec;
  sz: Dec;
  side: Side;
  time: number;
  startPosition: Dec;
  dir: string;
  closedPnl: Dec;
  fee: Dec;
  builderFee: Dec;
  crossed: boolean;
  hash: string;
}

export interface Position {
  szi: Dec;
  entryPx: Dec;
  fundingSinceOpen: Dec;
  fundingAllTime: Dec;
}

export interface Leverage {
  type: 'cross' | 'isolated';
  value: number;
}

export interface FundingPayment {
  coin: Coin;
  time: number;
  rate: Dec;
  szi: Dec;
  usdc: Dec;
}

const sign = (s: Side) => (s === 'B' ? 1 : -1);
const usd = (x: Dec) => x.round(6, 1);

export class Account {
  cash: Dec;
  readonly positions = new Map<string, Position>();
  readonly leverage = new Map<string, Leverage>();
  readonly orders: Order[] = [];
  readonly fills: Fill[] = [];
  readonly funding: FundingPayment[] = [];
  /** Notional traded, for scheduleCancel's volume threshold. */
  volume: Dec;
  private nextOid = 91_000_000_001;
  private nextTid = 500_000_000_000_001;
  readonly coins: Coin[];
  readonly quotes: Map<string, Quote>;
  readonly makerFee: Dec;
  readonly takerFee: Dec;

  constructor(
    cash: Dec,
    coins: Coin[],
    quotes: Map<string, Quote>,
    makerFee: Dec,
    takerFee: Dec,
    volume: Dec,
  ) {
    this.cash = cash;
    this.coins = coins;
    this.quotes = quotes;
    this.makerFee = makerFee;
    this.takerFee = takerFee;
    this.volume = volume;
    for (const c of coins) this.leverage.set(c.name, { type: 'cross', value: Math.min(20, c.maxLeverage) });
  }

  quote(coin: Coin): Quote {
    const q = this.quotes.get(coin.name);
    if (!q) throw new Error(`no quote for ${coin.name}`);
    return q;
  }

  position(coin: Coin): Position {
    let p = this.positions.get(coin.name);
    if (!p) {
      p = { szi: ZERO, entryPx: ZERO, fundingSinceOpen: ZERO, fundingAllTime: ZERO };
      this.positions.set(coin.name, p);
    }
    return p;
  }

  newOid(): number {
    return this.nextOid++;
  }

  order(oid: number): Order | undefined {
    return this.orders.find((o) => o.oid === oid);
  }

  /** The newest order carrying `cloid` (a modify gives a new oid the same cloid). */
  byCloid(cloid: string): Order | undefined {
    const c = cloid.toLowerCase();
    return this.orders.filter((o) => o.cloid?.toLowerCase() === c).at(-1);
  }

  open(): Order[] {
    return this.orders.filter((o) => o.status === 'open' || o.status === 'triggered');
  }

  unrealized(coin: Coin): Dec {
    const p = this.position(coin);
    return p.szi.times(this.quote(coin).mark.minus(p.entryPx));
  }

  marginUsed(coin: Coin): Dec {
    const p = this.position(coin);
    return usd(p.szi.abs().times(this.quote(coin).mark).div(this.leverage.get(coin.name)!.value));
  }

  accountValue(): Dec {
    return this.coins.reduce((a, c) => a.plus(this.unrealized(c)), this.cash);
  }

  totalMarginUsed(): Dec {
    return this.coins.reduce((a, c) => a.plus(this.marginUsed(c)), ZERO);
  }

  /** Margin the open orders that would grow a position hold back. */
  orderMargin(): Dec {
    return this.open()
      .filter((o) => !o.reduceOnly && o.trigger === null)
      .reduce((a, o) => a.plus(o.sz.times(o.limitPx).div(this.leverage.get(o.coin.name)!.value)), ZERO);
  }

  withdrawable(): Dec {
    const w = this.accountValue().minus(this.totalMarginUsed()).minus(this.orderMargin());
    return usd(w.lt(0) ? ZERO : w);
  }

  /** Books one fill: position, entry price, closed P&L, fee, volume. */
  book(o: Order, sz: Dec, px: Dec, crossed: boolean, now: number): Fill {
    const p = this.position(o.coin);
    const start = p.szi;
    const delta = sz.times(sign(o.side));
    let closedPnl = ZERO;
    let dir: string;
    if (start.eq(0) || start.gt(0) === delta.gt(0)) {
      const total = start.abs().plus(sz);
      p.entryPx = start.abs().times(p.entryPx).plus(sz.times(px)).div(total).round(10);
      dir = delta.gt(0) ? 'Open Long' : 'Open Short';
      if (start.eq(0)) p.fundingSinceOpen = ZERO;
    } else {
      const closing = sz.lt(start.abs()) ? sz : start.abs();
      closedPnl = closing.times(px.minus(p.entryPx)).times(start.gt(0) ? 1 : -1);
      const flips = sz.gt(start.abs());
      dir = flips
        ? start.gt(0)
          ? 'Long > Short'
          : 'Short > Long'
        : start.gt(0)
          ? 'Close Long'
          : 'Close Short';
      if (flips) {
        p.entryPx = px;
        p.fundingSinceOpen = ZERO;
      }
    }
    p.szi = start.plus(delta);
    if (p.szi.eq(0)) p.entryPx = ZERO;
    const notional = sz.times(px);
    const builderFee = o.builder ? usd(notional.times(o.builder.f).div(100_000)) : ZERO;
    // Hyperliquid's `fee` is its own; a builder's cut is reported apart (`builderFee`) and paid on top.
    const fee = usd(notional.times(crossed ? this.takerFee : this.makerFee));
    this.cash = this.cash.plus(closedPnl).minus(fee).minus(builderFee);
    this.volume = this.volume.plus(notional);
    o.sz = o.sz.minus(sz);
    if (o.sz.lte(0)) {
      o.sz = ZERO;
      o.status = 'filled';
      o.statusTimestamp = now;
    }
    const tid = this.nextTid++;
    const fill: Fill = {
      tid,
      oid: o.oid,
      cloid: o.cloid,
      coin: o.coin,
      px,
      sz,
      side: o.side,
      time: now,
      startPosition: start,
      dir,
      closedPnl: usd(closedPnl),
      fee,
      builderFee,
      crossed,
      hash: `0x${tid.toString(16).padStart(64, '0')}`,
    };
    this.fills.push(fill);
    this.cancelStaleReduceOnly(o.coin, now);
    this.followGroup(o, now);
    return fill;
  }

  /** A normalTpsl child waits for its parent's first fill. */
  waiting(o: Order): boolean {
    if (o.parent === undefined) return false;
    const parent = this.order(o.parent);
    return parent ? parent.origSz.minus(parent.sz).lte(0) : false;
  }

  /** After a fill on a grouped order: a parent's children are sized to what it has filled; a child that
   *  filled ends its sibling (Hyperliquid's normalTpsl is one-cancels-other). */
  private followGroup(o: Order, now: number): void {
    const filled = o.origSz.minus(o.sz);
    for (const oid of o.children ?? []) {
      const child = this.order(oid);
      if (child?.status !== 'open') continue;
      child.origSz = filled;
      child.sz = filled;
    }
    if (o.parent !== undefined) this.cancelSiblings(o, now);
  }

  /** The other children of `o`'s parent, cancelled (one of them triggered or filled). */
  cancelSiblings(o: Order, now: number): void {
    const parent = o.parent === undefined ? undefined : this.order(o.parent);
    for (const oid of parent?.children ?? []) {
      const sibling = this.order(oid);
      if (sibling && sibling !== o && sibling.status === 'open') this.cancel(sibling, now);
    }
  }

  /** Reduce-only orders that can no longer reduce the position are cancelled, as Hyperliquid does. */
  private cancelStaleReduceOnly(coin: Coin, now: number): void {
    const szi = this.position(coin).szi;
    for (const o of this.open()) {
      if (o.coin !== coin || !o.reduceOnly || o.trigger !== null) continue;
      const reduces = o.side === 'B' ? szi.lt(0) : szi.gt(0);
      if (!reduces) {
        o.status = 'reduceOnlyCanceled';
        o.statusTimestamp = now;
      }
    }
  }

  /** Size an order may fill now: a reduce-only order never more than the position it reduces. */
  fillable(o: Order): Dec {
    if (!o.reduceOnly) return o.sz;
    const szi = this.position(o.coin).szi;
    const reduces = o.side === 'B' ? szi.lt(0) : szi.gt(0);
    if (!reduces) return ZERO;
    return o.sz.lt(szi.abs()) ? o.sz : szi.abs();
  }

  /** Whether a limit order at `px` crosses the quote (would take liquidity). */
  crosses(o: Pick<Order, 'coin' | 'side'>, px: Dec): boolean {
    const q = this.quote(o.coin);
    return o.side === 'B' ? px.gte(q.ask) : px.lte(q.bid);
  }

  /** Takes from the quote at the touch, up to `liquidity`; the fills. */
  take(o: Order, now: number, liquidity: Dec | undefined): Fill[] {
    const q = this.quote(o.coin);
    const px = o.side === 'B' ? q.ask : q.bid;
    let sz = this.fillable(o);
    if (liquidity?.lt(sz)) sz = liquidity;
    if (sz.lte(0)) return [];
    return [this.book(o, sz, px, true, now)];
  }

  /** Whether a trigger order's condition holds at the mark. */
  triggerHit(o: Order): boolean {
    if (!o.trigger) return false;
    const mark = this.quote(o.coin).mark;
    const above = mark.gte(o.trigger.triggerPx);
    const below = mark.lte(o.trigger.triggerPx);
    // A sell stop protects a long (fires on the way down); a sell take-profit fires on the way up.
    if (o.side === 'A') return o.trigger.tpsl === 'sl' ? below : above;
    return o.trigger.tpsl === 'sl' ? above : below;
  }

  /** A quote moved: triggers fire, resting orders the quote came through fill as makers. */
  onQuote(coin: Coin, now: number, liquidity: Dec | undefined): Fill[] {
    const out: Fill[] = [];
    for (const o of this.open()) {
      // Ended earlier in this pass (a sibling triggered, a parent cancelled).
      if (o.coin !== coin || (o.status !== 'open' && o.status !== 'triggered')) continue;
      if (o.trigger && o.status === 'open') {
        if (this.waiting(o) || !this.triggerHit(o)) continue;
        o.status = 'triggered';
        o.statusTimestamp = now;
        this.cancelSiblings(o, now);
        if (o.positionTpsl) o.sz = this.position(coin).szi.abs();
        if (o.trigger.isMarket || this.crosses(o, o.limitPx)) {
          out.push(...this.take(o, now, liquidity));
          // A market trigger is an IOC: what the touch did not fill is cancelled.
          if ((o.status as OrderStatus) !== 'filled' && o.trigger.isMarket) this.cancel(o, now);
        }
        continue;
      }
      const q = this.quote(coin);
      const through = o.side === 'B' ? q.ask.lte(o.limitPx) : q.bid.gte(o.limitPx);
      if (!through) continue;
      let sz = this.fillable(o);
      if (liquidity?.lt(sz)) sz = liquidity;
      if (sz.gt(0)) out.push(this.book(o, sz, o.limitPx, false, now));
    }
    return out;
  }

  cancel(o: Order, now: number, status: OrderStatus = 'canceled'): void {
    o.status = status;
    o.statusTimestamp = now;
    // A normalTpsl parent that ends without a fill takes its children with it; one that filled leaves
    // them resting for what it filled.
    if (o.children === undefined || o.origSz.minus(o.sz).gt(0)) return;
    for (const oid of o.children) {
      const child = this.order(oid);
      if (child && child.status === 'open') this.cancel(child, now, status);
    }
  }

  /** Funding on one coin: longs pay shorts when the rate is positive (szi × mark × rate). */
  applyFunding(coin: Coin, rate: Dec, now: number): FundingPayment {
    const p = this.position(coin);
    const usdc = usd(p.szi.times(this.quote(coin).mark).times(rate).neg());
    this.cash = this.cash.plus(usdc);
    p.fundingSinceOpen = p.fundingSinceOpen.plus(usdc.neg());
    p.fundingAllTime = p.fundingAllTime.plus(usdc.neg());
    const payment = { coin, time: now, rate, szi: p.szi, usdc };
    this.funding.push(payment);
    return payment;
  }
}
