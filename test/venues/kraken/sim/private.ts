// The private endpoints: each reads its parameters as Kraken does and answers Kraken's `result`, or
// Kraken's error text. The caller has authenticated the request and charged the call counter; the
// matching-engine counter (per pair, for AddOrder/CancelOrder/AmendOrder/EditOrder) is charged here,
// where the pair and the order's age are known.
import { type Dec, dec, isDecimalText, ZERO } from '../../../../src/shared/domain/decimal.ts';
import type { Book, Order, Trade } from './book.ts';
import { amendPenalty, cancelPenalty } from './counters.ts';
import { fixed, isoSeconds, krakenId, type Pair } from './market.ts';
import { isTrue, type Params, readNewOrder, text } from './orders.ts';
import { type Json, orderSentence, orderView, tradeView } from './wire.ts';

export type Answer = { ok: true; result: Json } | { ok: false; error: string };

export interface PrivateContext {
  book: Book;
  now: number;
  /** Charges the pair's matching-engine counter; false when that would exceed its maximum. */
  chargeMatching(pair: Pair, cost: number): boolean;
  /** GetWebSocketsToken: a token for the private WebSocket. */
  issueWsToken(): Json;
}

const fail = (error: string): Answer => ({ ok: false, error });
const ok = (result: Json): Answer => ({ ok: true, result });
const PAGE = 50;

export function handlePrivate(method: string, params: Params, ctx: PrivateContext): Answer {
  switch (method) {
    case 'Balance':
      return ok(balances(ctx.book, false));
    case 'BalanceEx':
      return ok(balances(ctx.book, true));
    case 'TradeBalance':
      return tradeBalance(ctx.book);
    case 'AddOrder':
      return addOrder(params, ctx);
    case 'CancelOrder':
      return cancelOrder(params, ctx);
    case 'CancelAll':
      return ok({ count: ctx.book.cancelAll(ctx.now) });
    case 'CancelAllOrdersAfter':
      return cancelAllOrdersAfter(params, ctx);
    case 'AmendOrder':
      return amendOrder(params, ctx);
    case 'EditOrder':
      return editOrder(params, ctx);
    case 'OpenOrders':
      return openOrders(params, ctx.book);
    case 'ClosedOrders':
      return closedOrders(params, ctx.book);
    case 'QueryOrders':
      return queryOrders(params, ctx.book);
    case 'TradesHistory':
      return tradesHistory(params, ctx.book);
    case 'QueryTrades':
      return queryTrades(params, ctx.book);
    case 'GetWebSocketsToken':
      return ok(ctx.issueWsToken());
    default:
      return fail('EGeneral:Unknown method');
  }
}

function balances(book: Book, extended: boolean): Json {
  const out: Record<string, Json> = {};
  for (const a of book.assets) {
    const total = book.balance(a.id);
    if (!extended) {
      out[a.id] = fixed(total, a.decimals);
      continue;
    }
    out[a.id] = {
      balance: fixed(total, a.decimals),
      hold_trade: fixed(book.hold(a.id), a.decimals),
    };
  }
  return out;
}

/** Equivalent balance in USD, priced at the last price of each asset's USD pair. */
function tradeBalance(book: Book): Answer {
  let eb = ZERO;
  for (const a of book.assets) {
    const amount = book.balance(a.id);
    if (a.id === 'ZUSD') eb = eb.plus(amount);
    else {
      const pair = book.pairs.find((p) => p.base === a.id && p.quote === 'ZUSD');
      const last = pair ? book.quotes.get(pair.name)?.last : undefined;
      if (last) eb = eb.plus(amount.times(last));
    }
  }
  const e = fixed(eb.round(4), 4);
  return ok({ eb: e, tb: e, m: '0.0000', n: '0.0000', c: '0.0000', v: '0.0000', e, mf: e, uv: '0.0000' });
}

function addOrder(params: Params, ctx: PrivateContext): Answer {
  const read = readNewOrder(params, ctx.book);
  if (!read.ok) return fail(read.error);
  const n = read.value;
  if (isTrue(text(params, 'validate'))) return ok({ descr: { order: orderSentence(n) } });
  if (n.clOrdId !== null && ctx.book.openOrders().some((o) => o.clOrdId === n.clOrdId)) {
    return fail('EOrder:Duplicate order');
  }
  if (!ctx.chargeMatching(n.pair, 1)) return fail('EOrder:Rate limit exceeded');
  const placed = ctx.book.place(n, ctx.now);
  if (!placed.ok) return fail(placed.error);
  return ok({ descr: { order: orderSentence(placed.value) }, txid: [placed.value.txid] });
}

/** The open orders a cancel or amend names: a txid, a userref (all orders carrying it) or a cl_ord_id. */
function openOrdersNamed(params: Params, book: Book): Order[] {
  const clOrdId = text(params, 'cl_ord_id');
  const open = book.openOrders();
  if (clOrdId !== undefined) return open.filter((o) => o.clOrdId === clOrdId);
  const ref = text(params, 'txid');
  if (ref === undefined) return [];
  const byTxid = open.filter((o) => o.txid === ref);
  if (byTxid.length > 0) return byTxid;
  if (/^-?\d+$/.test(ref)) return open.filter((o) => o.userref === Number(ref));
  return [];
}

function cancelOrder(params: Params, ctx: PrivateContext): Answer {
  if (text(params, 'txid') === undefined && text(params, 'cl_ord_id') === undefined) {
    return fail('EGeneral:Invalid arguments:txid');
  }
  const orders = openOrdersNamed(params, ctx.book);
  if (orders.length === 0) return fail('EOrder:Unknown order');
  const byPair = new Map<Pair, number>();
  for (const o of orders) byPair.set(o.pair, (byPair.get(o.pair) ?? 0) + cancelPenalty(ctx.now - o.opentm));
  for (const [pair, cost] of byPair)
    if (!ctx.chargeMatching(pair, cost)) return fail('EOrder:Rate limit exceeded');
  for (const o of orders) ctx.book.cancel(o, ctx.now);
  return ok({ count: orders.length });
}

function cancelAllOrdersAfter(params: Params, ctx: PrivateContext): Answer {
  const t = text(params, 'timeout');
  if (t === undefined || !/^\d+$/.test(t) || Number(t) > 86_400)
    return fail('EGeneral:Invalid arguments:timeout');
  const armed = ctx.book.armDeadMan(Number(t), ctx.now);
  return ok({ currentTime: isoSeconds(ctx.now), triggerTime: armed ? isoSeconds(armed.triggerAt) : '0' });
}

function decimalParam(params: Params, key: string): Dec | undefined | null {
  const t = text(params, key);
  if (t === undefined) return undefined;
  return isDecimalText(t) && dec(t).gt(0) ? dec(t) : null;
}

function amendOrder(params: Params, ctx: PrivateContext): Answer {
  const [o] = openOrdersNamed({ txid: params.txid, cl_ord_id: params.cl_ord_id }, ctx.book);
  if (!o) return fail('EOrder:Unknown order');
  const qty = decimalParam(params, 'order_qty');
  const limit = decimalParam(params, 'limit_price');
  const trigger = decimalParam(params, 'trigger_price');
  if (qty === null) return fail('EGeneral:Invalid arguments:order_qty');
  if (limit === null) return fail('EGeneral:Invalid arguments:limit_price');
  if (trigger === null) return fail('EGeneral:Invalid arguments:trigger_price');
  if (qty !== undefined && !qty.eq(qty.round(o.pair.lotDecimals)))
    return fail('EGeneral:Invalid arguments:order_qty');
  for (const p of [limit, trigger]) {
    if (p !== undefined && !p.mod(o.pair.tick).eq(0)) return fail('EOrder:Tick size check failed');
  }
  if (!ctx.chargeMatching(o.pair, amendPenalty(ctx.now - o.opentm)))
    return fail('EOrder:Rate limit exceeded');
  if (isTrue(text(params, 'post_only')) && !o.oflags.includes('post')) o.oflags.push('post');
  const change: { qty?: Dec; limit?: Dec; trigger?: Dec } = {};
  if (qty !== undefined) change.qty = qty;
  if (limit !== undefined) change.limit = limit;
  if (trigger !== undefined) change.trigger = trigger;
  const amended = ctx.book.amend(o, change, ctx.now);
  if (!amended.ok) return fail(amended.error);
  return ok({ amend_id: krakenId('T') });
}

/** The legacy EditOrder: the old order is cancelled and a new one (new txid) placed in its stead. */
function editOrder(params: Params, ctx: PrivateContext): Answer {
  const [old] = openOrdersNamed({ txid: params.txid }, ctx.book);
  if (!old) return fail('EOrder:Unknown order');
  if (old.volExec.gt(0)) return fail('EOrder:Invalid order:partially filled orders cannot be edited');
  const merged: Params = {
    pair: old.pair.name,
    type: old.side,
    ordertype: old.ordertype,
    volume: text(params, 'volume') ?? old.vol.toString(),
    oflags: text(params, 'oflags') ?? old.oflags.join(','),
  };
  const price = text(params, 'price') ?? old.price?.toString();
  const price2 = text(params, 'price2') ?? old.price2?.toString();
  if (price !== undefined) merged.price = price;
  if (price2 !== undefined) merged.price2 = price2;
  if (old.userref !== null) merged.userref = String(old.userref);
  const read = readNewOrder(merged, ctx.book);
  if (!read.ok) return fail(read.error);
  if (!ctx.chargeMatching(old.pair, 1 + amendPenalty(ctx.now - old.opentm)))
    return fail('EOrder:Rate limit exceeded');
  ctx.book.cancel(old, ctx.now, 'Order replaced');
  const placed = ctx.book.place(read.value, ctx.now);
  if (!placed.ok) return fail(placed.error);
  const o = placed.value;
  return ok({
    descr: { order: orderSentence(o) },
    txid: o.txid,
    originaltxid: old.txid,
    volume: o.vol.toString(),
    price: o.price?.toString() ?? '0',
    price2: o.price2?.toString() ?? '0',
    orders_cancelled: 1,
    status: 'ok',
  });
}

/** Kraken reads `userref` as an int32: anything else is refused, not matched against nothing. */
function userrefProblem(params: Params): Answer | null {
  const u = text(params, 'userref');
  return u === undefined || /^-?\d{1,10}$/.test(u) ? null : fail('EGeneral:Invalid arguments:userref');
}

function filterByRefs(orders: Order[], params: Params): Order[] {
  const userref = text(params, 'userref');
  const clOrdId = text(params, 'cl_ord_id');
  return orders.filter(
    (o) =>
      (userref === undefined || String(o.userref) === userref) &&
      (clOrdId === undefined || o.clOrdId === clOrdId),
  );
}

const newestFirst = <T extends { opentm: number }>(xs: T[]) => [...xs].sort((a, b) => b.opentm - a.opentm);

function openOrders(params: Params, book: Book): Answer {
  const bad = userrefProblem(params);
  if (bad) return bad;
  const withTrades = isTrue(text(params, 'trades'));
  const open: Record<string, Json> = {};
  for (const o of newestFirst(filterByRefs(book.openOrders(), params)))
    open[o.txid] = orderView(o, withTrades);
  return ok({ open });
}

/** A bound given as unix seconds or as an id (of an order or trade): its time in ms. */
function bound(t: string | undefined, timeOf: (id: string) => number | undefined): number | undefined {
  if (t === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  return timeOf(t);
}

function closedOrders(params: Params, book: Book): Answer {
  const bad = userrefProblem(params);
  if (bad) return bad;
  const withTrades = isTrue(text(params, 'trades'));
  const closetime = text(params, 'closetime') ?? 'both';
  const timeOf = (o: Order) => (closetime === 'open' ? o.opentm : (o.closetm ?? o.opentm));
  const orderTime = (id: string) => {
    const o = book.order(id);
    return o ? timeOf(o) : undefined;
  };
  const start = bound(text(params, 'start'), orderTime);
  const end = bound(text(params, 'end'), orderTime);
  const ofs = Number(text(params, 'ofs') ?? 0) || 0;
  const ended = filterByRefs(
    book.orders.filter((o) => o.status !== 'open' && o.status !== 'pending'),
    params,
  )
    .filter((o) => (start === undefined || timeOf(o) > start) && (end === undefined || timeOf(o) <= end))
    .sort((a, b) => timeOf(b) - timeOf(a));
  const closed: Record<string, Json> = {};
  for (const o of ended.slice(ofs, ofs + PAGE)) closed[o.txid] = orderView(o, withTrades);
  return ok({ closed, count: ended.length });
}

function ids(params: Params): string[] {
  return (text(params, 'txid') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function queryOrders(params: Params, book: Book): Answer {
  const bad = userrefProblem(params);
  if (bad) return bad;
  const withTrades = isTrue(text(params, 'trades'));
  const wanted = ids(params);
  if (wanted.length > 50) return fail('EGeneral:Invalid arguments:txid');
  let found: Order[];
  if (wanted.length > 0)
    found = wanted.map((id) => book.order(id)).filter((o): o is Order => o !== undefined);
  else if (text(params, 'cl_ord_id') !== undefined || text(params, 'userref') !== undefined)
    found = book.orders;
  else return fail('EGeneral:Invalid arguments:txid');
  found = filterByRefs(found, params);
  if (found.length === 0) return fail('EOrder:Invalid order');
  const result: Record<string, Json> = {};
  for (const o of found) result[o.txid] = orderView(o, withTrades);
  return ok(result);
}

function tradesHistory(params: Params, book: Book): Answer {
  const tradeTime = (id: string) => book.trades.find((t) => t.txid === id)?.time;
  const start = bound(text(params, 'start'), tradeTime);
  const end = bound(text(params, 'end'), tradeTime);
  const ofs = Number(text(params, 'ofs') ?? 0) || 0;
  const all = book.trades
    .filter((t) => (start === undefined || t.time > start) && (end === undefined || t.time <= end))
    .sort((a, b) => b.time - a.time || b.tradeId - a.tradeId);
  const trades: Record<string, Json> = {};
  for (const t of all.slice(ofs, ofs + PAGE)) trades[t.txid] = tradeView(t);
  return ok({ trades, count: all.length });
}

function queryTrades(params: Params, book: Book): Answer {
  const wanted = ids(params);
  if (wanted.length === 0 || wanted.length > 20) return fail('EGeneral:Invalid arguments:txid');
  const found = wanted.map((id) => book.trades.find((t) => t.txid === id)).filter((t): t is Trade => !!t);
  if (found.length === 0) return fail('EGeneral:Invalid arguments:txid');
  const result: Record<string, Json> = {};
  for (const t of found) result[t.txid] = tradeView(t);
  return ok(result);
}
