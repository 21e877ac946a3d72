// From ccxt's unified Kraken structures to the port's types. Amounts and prices are read from the raw
// Kraken fields ccxt keeps in `info` (strings as Kraken sent them) wherever they exist, so no decimal
// passes through a float; ccxt's numbers are the fallback. Anything unreadable gives null (the caller
// skips it and says so) rather than a made-up value.
import { createHash } from 'node:crypto';
import type { Balances, Market, OHLCV, Order, Ticker, Trade } from 'ccxt';
import { type DecStr, dec, str } from '../../../shared/domain/decimal.ts';
import type {
  VenueBalance,
  VenueCandle,
  VenueFill,
  VenueInstrument,
  VenueOrderReport,
  VenueOrderState,
  VenueOrderType,
  VenueTicker,
} from '../venue.ts';

type Raw = Record<string, unknown>;

const asRaw = (x: unknown): Raw => (x !== null && typeof x === 'object' ? (x as Raw) : {});

/** A decimal from a Kraken string or a ccxt number, canonical; undefined when absent or unreadable. */
export function decOf(x: unknown): DecStr | undefined {
  if (typeof x !== 'string' && typeof x !== 'number') return undefined;
  if (typeof x === 'number' && !Number.isFinite(x)) return undefined;
  if (typeof x === 'string' && x.trim() === '') return undefined;
  try {
    return str(dec(typeof x === 'string' ? x.trim() : x));
  } catch {
    return undefined;
  }
}

/** Kraken's epoch seconds (a float such as 1733815269.370054) as epoch ms. */
export function msOfSeconds(x: unknown): number | undefined {
  const s = typeof x === 'string' ? Number(x) : x;
  return typeof s === 'number' && Number.isFinite(s) && s > 0 ? Math.round(s * 1000) : undefined;
}

const positive = (d: DecStr | undefined) => (d !== undefined && dec(d).gt(0) ? d : undefined);

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const SHORT_UUID = /^[0-9a-fA-F]{32}$/;
const FREE_TEXT = /^[\x21-\x7e]{1,18}$/;

/**
 * Braid's client order id as Kraken's `cl_ord_id`. Kraken takes a UUID (long or the 32-hex short form)
 * or free text of at most 18 characters (docs.kraken.com spot-clordid); Braid's ids (`PLAN:E1`, up to
 * 160 characters) often do not fit, so those travel as a UUID made from their SHA-256: the same id for
 * the same order every time, so a query by Braid's id after a crash finds it.
 */
export function krakenClientOrderId(braidId: string): string {
  if (UUID.test(braidId) || SHORT_UUID.test(braidId) || FREE_TEXT.test(braidId)) return braidId;
  const h = createHash('sha256').update(braidId, 'utf8').digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** An instrument from a ccxt market (precision is TICK_SIZE for Kraken: tick and lot themselves). */
export function instrumentOf(market: Market): VenueInstrument | null {
  if (market?.spot !== true) return null;
  const tick = positive(decOf(market.precision?.price));
  const lot = positive(decOf(market.precision?.amount));
  if (tick === undefined || lot === undefined) return null;
  const info = asRaw(market.info);
  const minSize = decOf(info.ordermin) ?? decOf(market.limits?.amount?.min) ?? lot;
  const minNotional = positive(decOf(info.costmin) ?? decOf(market.limits?.cost?.min)) ?? null;
  return {
    symbol: market.symbol,
    venueSymbol: typeof info.altname === 'string' ? info.altname : String(market.id),
    base: market.base,
    quote: market.quote,
    tick,
    lot,
    minSize,
    minNotional,
  };
}

/** Kraken's `descr.ordertype` in the port's four types (take-profits and trailing stops are triggers). */
export function orderTypeOf(krakenType: string | undefined): VenueOrderType | null {
  switch (krakenType) {
    case 'market':
    case 'settle-position':
      return 'market';
    case 'limit':
    case 'iceberg':
      return 'limit';
    case 'stop-loss':
    case 'take-profit':
    case 'trailing-stop':
      return 'stop';
    case 'stop-loss-limit':
    case 'take-profit-limit':
    case 'trailing-stop-limit':
      return 'stop_limit';
    default:
      return null;
  }
}

/** Kraken's order status (REST or WebSocket v2) in the port's states. */
export function stateOf(status: string | undefined, filled: DecStr): VenueOrderState | null {
  switch (status) {
    case 'pending':
    case 'pending_new':
      return 'pending';
    case 'open':
    case 'new':
    case 'partially_filled':
      return dec(filled).gt(0) ? 'partially_filled' : 'open';
    case 'closed':
    case 'filled':
      return 'filled';
    case 'canceled':
    case 'cancelled':
      return 'cancelled';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
    default:
      return null;
  }
}

/**
 * An order report from a ccxt order (OpenOrders, ClosedOrders, QueryOrders). Braid's id is Kraken's
 * `cl_ord_id` only: ccxt's `clientOrderId` falls back to `userref`, which Braid never sets ("0" for none).
 */
export function orderReportOf(order: Order, fallbackTime: number): VenueOrderReport | null {
  const info = asRaw(order.info);
  const descr = asRaw(info.descr);
  const venueOrderId = typeof order.id === 'string' && order.id !== '' ? order.id : undefined;
  const side = (descr.type ?? order.side) as string | undefined;
  const krakenType = typeof descr.ordertype === 'string' ? descr.ordertype : undefined;
  const type = orderTypeOf(krakenType) ?? orderTypeOf(order.type ?? undefined);
  const quantity = decOf(info.vol) ?? decOf(order.amount);
  const filledQuantity = decOf(info.vol_exec) ?? decOf(order.filled) ?? '0';
  const status = typeof info.status === 'string' ? info.status : (order.status ?? undefined);
  const state = stateOf(status, filledQuantity);
  if (!venueOrderId || !order.symbol || (side !== 'buy' && side !== 'sell') || !type || !quantity || !state) {
    return null;
  }
  const report: VenueOrderReport = {
    venueOrderId,
    symbol: order.symbol,
    side,
    type,
    state,
    quantity,
    filledQuantity,
    time:
      msOfSeconds(info.closetm) ?? msOfSeconds(info.lastupdated) ?? msOfSeconds(info.opentm) ?? fallbackTime,
  };
  const clientOrderId = info.cl_ord_id;
  if (typeof clientOrderId === 'string' && clientOrderId !== '') report.clientOrderId = clientOrderId;
  // descr.price is the limit price of a limit order and the trigger of a stop; descr.price2 the limit
  // price of a stop-limit.
  const price = positive(decOf(descr.price)) ?? positive(decOf(order.price));
  const price2 = positive(decOf(descr.price2));
  if (type === 'limit' && price) report.price = price;
  if (type === 'stop' && price) report.stopPrice = price;
  if (type === 'stop_limit') {
    if (price) report.stopPrice = price;
    if (price2) report.price = price2;
  }
  const average = positive(decOf(info.price)) ?? positive(decOf(order.average));
  if (average && dec(filledQuantity).gt(0)) report.avgFillPrice = average;
  return report;
}

/** A fill from a ccxt trade (TradesHistory); `clientOrderIdOf` knows Braid's id by Kraken's order txid. */
export function fillOf(
  trade: Trade,
  clientOrderIdOf: (venueOrderId: string) => string | undefined,
): VenueFill | null {
  const info = asRaw(trade.info);
  const tradeId = typeof trade.id === 'string' && trade.id !== '' ? trade.id : undefined;
  const venueOrderId = typeof trade.order === 'string' && trade.order !== '' ? trade.order : undefined;
  const side = (info.type ?? trade.side) as string | undefined;
  const price = positive(decOf(info.price) ?? decOf(trade.price));
  const quantity = positive(decOf(info.vol) ?? decOf(trade.amount));
  const fee = decOf(info.fee) ?? decOf(trade.fee?.cost) ?? '0';
  const time = msOfSeconds(info.time) ?? trade.timestamp ?? undefined;
  if (
    !tradeId ||
    !venueOrderId ||
    !trade.symbol ||
    (side !== 'buy' && side !== 'sell') ||
    !price ||
    !quantity
  ) {
    return null;
  }
  if (time === undefined) return null;
  const feeCurrency = trade.fee?.currency ?? trade.symbol.split('/')[1] ?? '';
  const maker = info.maker ?? (trade.takerOrMaker === 'maker' ? true : undefined);
  const fill: VenueFill = {
    tradeId,
    venueOrderId,
    symbol: trade.symbol,
    side,
    price,
    quantity,
    fee,
    feeCurrency,
    liquidity: maker === true ? 'maker' : 'taker',
    time,
  };
  const clientOrderId = clientOrderIdOf(venueOrderId);
  if (clientOrderId !== undefined) fill.clientOrderId = clientOrderId;
  return fill;
}

/**
 * Balances from ccxt's fetchBalance (Kraken BalanceEx): total is `balance`, free is `balance` less
 * `hold_trade`, both from Kraken's own strings when present.
 */
export function balancesOf(balance: Balances, codeOf: (krakenAsset: string) => string): VenueBalance[] {
  const out: VenueBalance[] = [];
  const raw = asRaw(asRaw(balance.info).result);
  for (const [asset, entry] of Object.entries(raw)) {
    const e = asRaw(entry);
    const total = decOf(e.balance);
    if (total === undefined) continue;
    const hold = decOf(e.hold_trade) ?? '0';
    out.push({ asset: codeOf(asset), total, free: str(dec(total).minus(hold)) });
  }
  if (out.length > 0 || Object.keys(raw).length > 0)
    return out.sort((a, b) => a.asset.localeCompare(b.asset));
  // No raw answer (a different endpoint shape): ccxt's unified totals.
  for (const [asset, total] of Object.entries((balance.total ?? {}) as unknown as Record<string, unknown>)) {
    const t = decOf(total);
    if (t === undefined) continue;
    const free = decOf(((balance.free ?? {}) as unknown as Record<string, unknown>)[asset]) ?? t;
    out.push({ asset, total: t, free });
  }
  return out.sort((a, b) => a.asset.localeCompare(b.asset));
}

/** A ticker from ccxt's fetchTicker: Kraken's `b`, `a` and `c` arrays hold the strings. */
export function tickerOf(symbol: string, ticker: Ticker, time: number): VenueTicker | null {
  const info = asRaw(ticker.info);
  const first = (x: unknown) => (Array.isArray(x) ? x[0] : undefined);
  const bid = decOf(first(info.b)) ?? decOf(ticker.bid);
  const ask = decOf(first(info.a)) ?? decOf(ticker.ask);
  const last = decOf(first(info.c)) ?? decOf(ticker.last) ?? decOf(ticker.close);
  if (bid === undefined || ask === undefined || last === undefined) return null;
  return { symbol, bid, ask, last, time: ticker.timestamp ?? time };
}

/** A candle from one ccxt OHLCV row ([time ms, open, high, low, close, volume]). */
export function candleOf(symbol: string, row: OHLCV): VenueCandle | null {
  const [time, open, high, low, close, volume] = row.map((x, i) => (i === 0 ? x : decOf(x)));
  if (typeof time !== 'number' || !open || !high || !low || !close) return null;
  return {
    symbol,
    time,
    open: open as DecStr,
    high: high as DecStr,
    low: low as DecStr,
    close: close as DecStr,
    volume: (volume as DecStr | undefined) ?? '0',
  };
}

/** CancelAllOrdersAfter's `triggerTime` (ISO 8601; "0" or absent when disarmed) as epoch ms. */
export function triggerTimeOf(response: unknown): number | null {
  const t = asRaw(asRaw(response).result).triggerTime;
  if (typeof t !== 'string' || t === '0' || t === '') return null;
  const ms = Date.parse(t);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}
