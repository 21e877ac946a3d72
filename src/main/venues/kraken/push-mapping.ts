// From Kraken's WebSocket v2 `executions` entries (as ccxt pro hands them over, the raw entry in `info`)
// to the port's types. Pushed numbers are JSON numbers; each is read as the shortest decimal that prints
// it (decOf), which is the decimal Kraken sent. An order's entries are deltas: pending_new carries its
// terms, later ones only what changed, so the adapter merges them and maps the merged record.
import type { Trade } from 'ccxt';
import { type DecStr, dec, max, str } from '../../../shared/domain/decimal.ts';
import type { VenueFill, VenueOrderReport } from '../venue.ts';
import { decOf, orderTypeOf, stateOf } from './mapping.ts';

export type PushedOrder = Record<string, unknown>;

const asRaw = (x: unknown): Record<string, unknown> =>
  x !== null && typeof x === 'object' ? (x as Record<string, unknown>) : {};
const text = (x: unknown) => (typeof x === 'string' && x !== '' ? x : undefined);
const positive = (d: DecStr | undefined) => (d !== undefined && dec(d).gt(0) ? d : undefined);
const msOf = (x: unknown) => {
  const ms = typeof x === 'string' ? Date.parse(x) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
};

/** Statuses an order does not leave: a trade entry's `partially_filled` must not undo them. */
export const FINAL_STATUSES = new Set(['filled', 'canceled', 'expired']);

/**
 * A fill from a pushed trade (exec_type `trade`). Its id is `exec_id`, the txid REST TradesHistory
 * gives the same trade, so a trade that comes both ways is booked once.
 */
export function pushedFillOf(
  trade: Trade,
  clientOrderIdOf: (venueOrderId: string) => string | undefined,
  codeOf: (asset: string) => string,
): VenueFill | null {
  const info = asRaw(trade.info);
  const tradeId = text(info.exec_id) ?? text(trade.id);
  const venueOrderId = text(info.order_id) ?? text(trade.order);
  const symbol = text(info.symbol) ?? text(trade.symbol);
  const side = info.side ?? trade.side;
  const price = positive(decOf(info.last_price));
  const quantity = positive(decOf(info.last_qty));
  const time = msOf(info.timestamp) ?? trade.timestamp ?? undefined;
  if (!tradeId || !venueOrderId || !symbol || (side !== 'buy' && side !== 'sell') || !price || !quantity) {
    return null;
  }
  if (time === undefined) return null;
  const fees = Array.isArray(info.fees) ? info.fees.map(asRaw) : [];
  const fee = fees.reduce((sum, f) => sum.plus(decOf(f.qty) ?? '0'), dec(0));
  const asset = text(fees[0]?.asset);
  const fill: VenueFill = {
    tradeId,
    venueOrderId,
    symbol,
    side,
    price,
    quantity,
    fee: str(fee),
    feeCurrency: asset ? codeOf(asset) : (symbol.split('/')[1] ?? ''),
    liquidity: info.liquidity_ind === 'm' ? 'maker' : 'taker',
    time,
  };
  const clientOrderId = clientOrderIdOf(venueOrderId);
  if (clientOrderId !== undefined) fill.clientOrderId = clientOrderId;
  return fill;
}

/**
 * An order report from an order's merged entries; null while they lack its terms (an order first seen
 * by a later delta: REST tells the rest). `booked` is the quantity of the fills booked for it: a trade
 * entry says the order traded but not how much in all, so the report counts at least what was booked.
 */
export function pushedOrderReportOf(
  order: PushedOrder,
  booked: DecStr,
  fallbackTime: number,
): VenueOrderReport | null {
  const venueOrderId = text(order.order_id);
  const symbol = text(order.symbol);
  const side = order.side;
  const type = orderTypeOf(text(order.order_type));
  const quantity = positive(decOf(order.order_qty));
  const cumulative = decOf(order.cum_qty) ?? '0';
  const filledQuantity = str(max(dec(cumulative), dec(booked)));
  const state = stateOf(text(order.order_status), filledQuantity);
  if (!venueOrderId || !symbol || (side !== 'buy' && side !== 'sell') || !type || !quantity || !state) {
    return null;
  }
  const report: VenueOrderReport = {
    venueOrderId,
    symbol,
    side,
    type,
    state,
    quantity,
    filledQuantity,
    time: msOf(order.timestamp) ?? fallbackTime,
  };
  const clientOrderId = text(order.cl_ord_id);
  if (clientOrderId !== undefined) report.clientOrderId = clientOrderId;
  const limit = positive(decOf(order.limit_price));
  const trigger = positive(decOf(asRaw(order.triggers).price)) ?? positive(decOf(order.stop_price));
  if ((type === 'limit' || type === 'stop_limit') && limit) report.price = limit;
  if ((type === 'stop' || type === 'stop_limit') && trigger) report.stopPrice = trigger;
  const average = positive(decOf(order.avg_price));
  if (average && dec(filledQuantity).gt(0)) report.avgFillPrice = average;
  return report;
}
