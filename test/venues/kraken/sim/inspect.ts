// What a test sees of the simulator's orders and trades: plain values, decimals as exact strings, times
// in seconds as Kraken gives them.
import type { Order, Trade } from './book.ts';

export interface SimOrderView {
  txid: string;
  cl_ord_id: string | null;
  userref: number | null;
  pair: string;
  symbol: string;
  status: Order['status'];
  type: Order['side'];
  ordertype: Order['ordertype'];
  price: string | null;
  price2: string | null;
  vol: string;
  vol_exec: string;
  cost: string;
  fee: string;
  oflags: string[];
  timeinforce: string;
  /** Seconds, as Kraken gives them. */
  opentm: number;
  closetm: number | null;
  reason: string | null;
  trades: string[];
}

export interface SimTradeView {
  txid: string;
  ordertxid: string;
  pair: string;
  symbol: string;
  type: Order['side'];
  ordertype: Order['ordertype'];
  price: string;
  vol: string;
  cost: string;
  fee: string;
  maker: boolean;
  trade_id: number;
  /** Seconds. */
  time: number;
}

export const orderView = (o: Order): SimOrderView => ({
  txid: o.txid,
  cl_ord_id: o.clOrdId,
  userref: o.userref,
  pair: o.pair.name,
  symbol: o.pair.symbol,
  status: o.status,
  type: o.side,
  ordertype: o.ordertype,
  price: o.price?.toString() ?? null,
  price2: o.price2?.toString() ?? null,
  vol: o.vol.toString(),
  vol_exec: o.volExec.toString(),
  cost: o.cost.toString(),
  fee: o.fee.toString(),
  oflags: [...o.oflags],
  timeinforce: o.timeinforce,
  opentm: o.opentm / 1000,
  closetm: o.closetm === null ? null : o.closetm / 1000,
  reason: o.reason,
  trades: [...o.trades],
});

export const tradeView = (t: Trade): SimTradeView => ({
  txid: t.txid,
  ordertxid: t.ordertxid,
  pair: t.pair.name,
  symbol: t.pair.symbol,
  type: t.side,
  ordertype: t.ordertype,
  price: t.price.toString(),
  vol: t.vol.toString(),
  cost: t.cost.toString(),
  fee: t.fee.toString(),
  maker: t.maker,
  trade_id: t.tradeId,
  time: t.time / 1000,
});
