// Kraken's JSON shapes for what the book holds: AssetPairs, Assets, Ticker, OHLC, Depth, and the order
// and trade objects of OpenOrders/ClosedOrders/QueryOrders/TradesHistory. Times are seconds with
// decimals, amounts are strings padded to the pair's decimals (never rounded away).
import { type Dec, dec, ZERO } from '../../../../src/shared/domain/decimal.ts';
import type { Order, Tick, Trade } from './book.ts';
import { fixed, type Pair, type SimAssetConfig } from './market.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const seconds = (ms: number) => ms / 1000;

export function assetPairView(p: Pair, makerFeeBps: number, takerFeeBps: number): Json {
  return {
    altname: p.altname,
    wsname: p.wsname,
    aclass_base: 'currency',
    base: p.base,
    aclass_quote: 'currency',
    quote: p.quote,
    lot: 'unit',
    cost_decimals: p.costDecimals,
    pair_decimals: p.pairDecimals,
    lot_decimals: p.lotDecimals,
    lot_multiplier: 1,
    leverage_buy: [],
    leverage_sell: [],
    fees: [[0, takerFeeBps / 100]],
    fees_maker: [[0, makerFeeBps / 100]],
    fee_volume_currency: 'ZUSD',
    margin_call: 80,
    margin_stop: 40,
    ordermin: p.ordermin,
    costmin: p.costmin,
    tick_size: p.tickSize,
    status: 'online',
  };
}

export function assetView(a: SimAssetConfig): Json {
  return {
    aclass: 'currency',
    altname: a.altname,
    decimals: a.decimals,
    display_decimals: a.displayDecimals,
    status: 'enabled',
  };
}

const px = (p: Pair, x: Dec) => fixed(x, p.pairDecimals);
const qty = (p: Pair, x: Dec) => fixed(x, p.lotDecimals);
const money = (p: Pair, x: Dec) => fixed(x, p.costDecimals);

/** The `descr.order` sentence, e.g. `buy 0.00010000 XBTUSD @ limit 70000.0` (ccxt parses its words). */
export function orderSentence(
  o: Pick<Order, 'pair' | 'side' | 'ordertype' | 'price' | 'price2' | 'vol'>,
): string {
  const p = o.pair;
  const price = o.price === null ? '0' : px(p, o.price);
  const price2 = o.price2 === null ? '0' : px(p, o.price2);
  const how: Record<Order['ordertype'], string> = {
    market: 'market',
    limit: `limit ${price}`,
    'stop-loss': `stop loss ${price}`,
    'take-profit': `take profit ${price}`,
    'stop-loss-limit': `stop loss ${price} -> limit ${price2}`,
    'take-profit-limit': `take profit ${price} -> limit ${price2}`,
  };
  return `${o.side} ${qty(p, o.vol)} ${p.altname} @ ${how[o.ordertype]}`;
}

export function oflagsText(o: Order): string {
  const flags = o.oflags.filter((f) => f !== 'fciq' && f !== 'fcib');
  flags.push(o.oflags.includes('fcib') ? 'fcib' : 'fciq');
  return flags.join(',');
}

export function orderView(o: Order, withTrades: boolean): { [k: string]: Json } {
  const p = o.pair;
  const avg = o.volExec.gt(0) ? o.cost.div(o.volExec).round(10) : ZERO;
  const view: { [k: string]: Json } = {
    refid: null,
    userref: o.userref ?? (o.clOrdId === null ? 0 : null),
  };
  if (o.clOrdId !== null) view.cl_ord_id = o.clOrdId;
  Object.assign(view, {
    status: o.status,
    reason: o.reason,
    opentm: seconds(o.opentm),
    starttm: 0,
    expiretm: 0,
    descr: {
      pair: p.altname,
      type: o.side,
      ordertype: o.ordertype,
      price: o.price === null ? '0' : px(p, o.price),
      price2: o.price2 === null ? '0' : px(p, o.price2),
      leverage: 'none',
      order: orderSentence(o),
      close: '',
    },
    vol: qty(p, o.vol),
    vol_exec: qty(p, o.volExec),
    cost: money(p, o.cost),
    fee: money(p, o.fee),
    price: px(p, avg),
    stopprice: o.triggered && o.price !== null ? px(p, o.price) : px(p, ZERO),
    limitprice: o.triggered && o.price2 !== null ? px(p, o.price2) : px(p, ZERO),
    misc: '',
    oflags: oflagsText(o),
  });
  if (o.closetm !== null) view.closetm = seconds(o.closetm);
  if (o.reduceOnly) view.reduce_only = true;
  if (withTrades && o.trades.length > 0) view.trades = [...o.trades];
  return view;
}

export function tradeView(t: Trade): { [k: string]: Json } {
  const p = t.pair;
  return {
    ordertxid: t.ordertxid,
    postxid: t.postxid,
    pair: p.name,
    time: seconds(t.time),
    type: t.side,
    ordertype: t.ordertype,
    price: px(p, t.price),
    cost: money(p, t.cost),
    fee: money(p, t.fee),
    vol: qty(p, t.vol),
    margin: money(p, ZERO),
    leverage: '0',
    misc: '',
    trade_id: t.tradeId,
    maker: t.maker,
  };
}

export interface QuoteLike {
  bid: Dec;
  ask: Dec;
  last: Dec;
}

/** Ticker over the last 24 h of scripted prices and the account's own trades (volume). */
export function tickerView(p: Pair, q: QuoteLike, ticks: Tick[], trades: Trade[], now: number): Json {
  const day = ticks.filter((t) => t.time > now - 86_400_000);
  const prices = day.length > 0 ? day.map((t) => t.price) : [q.last];
  const high = prices.reduce((a, b) => (b.gt(a) ? b : a));
  const low = prices.reduce((a, b) => (b.lt(a) ? b : a));
  const mine = trades.filter((t) => t.pair === p && t.time > now - 86_400_000);
  const volume = mine.reduce((a, t) => a.plus(t.vol), ZERO);
  const notional = mine.reduce((a, t) => a.plus(t.cost), ZERO);
  const vwap = volume.gt(0) ? notional.div(volume).round(10) : q.last;
  const lastVol = mine.length > 0 ? mine[mine.length - 1]!.vol : ZERO;
  const v = qty(p, volume);
  return {
    a: [px(p, q.ask), '1', '1.000'],
    b: [px(p, q.bid), '1', '1.000'],
    c: [px(p, q.last), qty(p, lastVol)],
    v: [v, v],
    p: [px(p, vwap), px(p, vwap)],
    t: [mine.length, mine.length],
    l: [px(p, low), px(p, low)],
    h: [px(p, high), px(p, high)],
    o: px(p, prices[0]!),
  };
}

export interface Candle {
  /** Bar start, ms. */
  time: number;
  open: Dec;
  high: Dec;
  low: Dec;
  close: Dec;
  vwap: Dec;
  volume: Dec;
  count: number;
}

/** Bars of `minutes` from the scripted prices (and the account's trades for volume), gaps carried flat. */
export function candlesFromTicks(ticks: Tick[], trades: Trade[], minutes: number, now: number): Candle[] {
  if (ticks.length === 0) return [];
  const span = minutes * 60_000;
  const start = (t: number) => Math.floor(t / span) * span;
  const bars = new Map<number, Candle>();
  for (const t of ticks) {
    const at = start(t.time);
    const bar = bars.get(at);
    if (!bar) {
      bars.set(at, {
        time: at,
        open: t.price,
        high: t.price,
        low: t.price,
        close: t.price,
        vwap: ZERO,
        volume: ZERO,
        count: 0,
      });
    } else {
      if (t.price.gt(bar.high)) bar.high = t.price;
      if (t.price.lt(bar.low)) bar.low = t.price;
      bar.close = t.price;
    }
  }
  const notional = new Map<number, Dec>();
  for (const tr of trades) {
    const bar = bars.get(start(tr.time));
    if (!bar) continue;
    bar.volume = bar.volume.plus(tr.vol);
    bar.count += 1;
    notional.set(bar.time, (notional.get(bar.time) ?? ZERO).plus(tr.cost));
  }
  for (const bar of bars.values()) {
    if (bar.volume.gt(0)) bar.vwap = (notional.get(bar.time) ?? ZERO).div(bar.volume).round(10);
  }
  const first = start(ticks[0]!.time);
  const lastAt = Math.max(start(now), start(ticks[ticks.length - 1]!.time));
  const out: Candle[] = [];
  let prev: Candle | undefined;
  for (let at = Math.max(first, lastAt - 719 * span); at <= lastAt; at += span) {
    const bar = bars.get(at);
    if (bar) {
      out.push(bar);
      prev = bar;
    } else {
      const c = prev?.close ?? closeBefore(ticks, at);
      if (c === undefined) continue;
      const flat: Candle = {
        time: at,
        open: c,
        high: c,
        low: c,
        close: c,
        vwap: ZERO,
        volume: ZERO,
        count: 0,
      };
      out.push(flat);
      prev = flat;
    }
  }
  return out;
}

function closeBefore(ticks: Tick[], at: number): Dec | undefined {
  let c: Dec | undefined;
  for (const t of ticks) if (t.time < at) c = t.price;
  return c;
}

export function candleView(p: Pair, c: Candle): Json {
  return [
    Math.floor(c.time / 1000),
    px(p, c.open),
    px(p, c.high),
    px(p, c.low),
    px(p, c.close),
    px(p, c.vwap),
    qty(p, c.volume),
    c.count,
  ];
}

export function depthView(p: Pair, q: QuoteLike, now: number): Json {
  const ts = Math.floor(now / 1000);
  return { asks: [[px(p, q.ask), '1.000', ts]], bids: [[px(p, q.bid), '1.000', ts]] };
}

export const parseCandle = (c: {
  time: number;
  open: string | number;
  high: string | number;
  low: string | number;
  close: string | number;
  volume?: string | number;
  vwap?: string | number;
  count?: number;
}): Candle => ({
  time: c.time,
  open: dec(c.open),
  high: dec(c.high),
  low: dec(c.low),
  close: dec(c.close),
  vwap: dec(c.vwap ?? c.close),
  volume: dec(c.volume ?? 0),
  count: c.count ?? 0,
});
