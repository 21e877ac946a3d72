// Braid's words to IB's and back: the stock contract, an order request as an IB Order, IB's order
// states, an execution as a fill, IB's times. Nothing here talks to the gateway.
import type { Contract, Execution, Order, OrderAction, OrderType, SecType } from '@stoqey/ib';
import { type DecStr, dec, str } from '../../../shared/domain/decimal.ts';
import type { Side } from '../../../shared/domain/plan.ts';
import type { VenueFill, VenueOrderRequest, VenueOrderState, VenueOrderType } from '../venue.ts';

/**
 * An order as the IB adapter takes it: the port's request, plus what the port has no field for yet
 * (IB's own trailing type; `trailingPercent` on a stop is TRAIL too, see ibOrder).
 */
export interface IbOrderRequest extends Omit<VenueOrderRequest, 'type'> {
  type: VenueOrderType | 'trailing';
  /** Trailing stop: the distance in price (IB auxPrice) ... */
  trailingAmount?: DecStr;
  /** ... or in percent (IB trailingPercent). */
  trailingPercent?: DecStr;
  /** Let the order work outside regular trading hours (IB outsideRth). */
  outsideRth?: boolean;
}

/** A US stock as IB routes it: `AAPL` → STK, SMART, USD. */
export function stockContract(symbol: string): Contract {
  return { symbol, secType: 'STK' as SecType, exchange: 'SMART', currency: 'USD' };
}

const ORDER_TYPES: Record<IbOrderRequest['type'], string> = {
  market: 'MKT',
  limit: 'LMT',
  stop: 'STP',
  stop_limit: 'STP LMT',
  trailing: 'TRAIL',
};

const num = (x: DecStr | undefined): number | undefined => (x === undefined ? undefined : Number(x));

export interface IbOrderPlacement {
  orderId: number;
  account: string;
  parentId?: number;
  ocaGroup?: string;
  /** false holds the order at the gateway until a later one of its group goes with transmit true. */
  transmit?: boolean;
}

/**
 * The IB Order for a request. reduceOnly has no IB meaning and is not sent: the engine sizes exits, so
 * an exit never exceeds the position it closes. IOC passes through; anything else is DAY or GTC.
 */
export function ibOrder(asked: IbOrderRequest, placement: IbOrderPlacement): Order {
  const request = asTrailing(asked);
  const order: Order = {
    orderId: placement.orderId,
    action: (request.side === 'buy' ? 'BUY' : 'SELL') as OrderAction,
    totalQuantity: Number(request.quantity),
    orderType: ORDER_TYPES[request.type] as OrderType,
    tif: request.timeInForce ?? 'DAY',
    orderRef: request.clientOrderId,
    account: placement.account,
    transmit: placement.transmit ?? true,
    outsideRth: request.outsideRth === true,
  };
  if (request.type === 'limit' || request.type === 'stop_limit') order.lmtPrice = num(request.price);
  if (request.type === 'stop' || request.type === 'stop_limit') order.auxPrice = num(request.stopPrice);
  if (request.type === 'trailing') {
    if (request.trailingPercent !== undefined) order.trailingPercent = num(request.trailingPercent);
    else order.auxPrice = num(request.trailingAmount);
    if (request.stopPrice !== undefined) order.trailStopPrice = num(request.stopPrice);
  }
  if (placement.parentId !== undefined) order.parentId = placement.parentId;
  if (placement.ocaGroup !== undefined) {
    order.ocaGroup = placement.ocaGroup;
    // 3: a fill reduces the other orders of the group by what filled (no block). Not 1 (cancel the rest):
    // a take-profit filled in part would cancel the whole stop and leave the rest of the position bare.
    order.ocaType = 3;
  }
  return order;
}

/** A stop the port asks to be trailed (`trailingPercent`) is IB's TRAIL, starting at its stop price. */
function asTrailing(request: IbOrderRequest): IbOrderRequest {
  return request.type === 'stop' && request.trailingPercent !== undefined
    ? { ...request, type: 'trailing' }
    : request;
}

/** What a request is missing for its type, in words; null when it can be sent. */
export function requestProblem(asked: IbOrderRequest): string | null {
  const request = asTrailing(asked);
  if (!(Number(request.quantity) > 0)) return `quantity ${request.quantity} is not positive`;
  if ((request.type === 'limit' || request.type === 'stop_limit') && request.price === undefined)
    return `a ${request.type} order needs a price`;
  if ((request.type === 'stop' || request.type === 'stop_limit') && request.stopPrice === undefined)
    return `a ${request.type} order needs a stop price`;
  if (
    request.type === 'trailing' &&
    request.trailingAmount === undefined &&
    request.trailingPercent === undefined
  )
    return 'a trailing stop needs a trailing amount or percent';
  return null;
}

export function braidType(orderType: string | undefined): VenueOrderType | 'trailing' {
  switch (orderType) {
    case 'LMT':
      return 'limit';
    case 'STP':
      return 'stop';
    case 'STP LMT':
      return 'stop_limit';
    case 'TRAIL':
      return 'trailing';
    default:
      return 'market';
  }
}

/** The port has no trailing type: a trailing stop is reported as the stop it is. */
export function portType(type: VenueOrderType | 'trailing'): VenueOrderType {
  return type === 'trailing' ? 'stop' : type;
}

export function braidSide(action: string | undefined): Side {
  return action === 'SELL' || action === 'SSHORT' || action === 'SLD' ? 'sell' : 'buy';
}

/**
 * IB's status in Braid's states. PendingCancel is still working (a fill may come); Inactive is a
 * rejection (or a hold the error text explains; either way not working).
 */
export function braidState(status: string, filled: number): VenueOrderState {
  switch (status) {
    case 'Filled':
      return 'filled';
    case 'Cancelled':
    case 'ApiCancelled':
      return 'cancelled';
    case 'Inactive':
      return 'rejected';
    case 'PreSubmitted':
    case 'Submitted':
    case 'PendingCancel':
      return filled > 0 ? 'partially_filled' : 'open';
    default:
      return filled > 0 ? 'partially_filled' : 'pending';
  }
}

/** IB's "unset" numbers: absent, NaN or the Double.MAX_VALUE sentinel. */
export function isUnset(x: number | undefined): boolean {
  return x === undefined || !Number.isFinite(x) || x >= 1.7e308 || x === 2147483647;
}

/** A price or size from the wire as a decimal string (numbers from the decoder are doubles). */
export function decOf(x: number): DecStr {
  return str(dec(Number(x.toPrecision(15))));
}

/**
 * An execution's time (`20261202 14:30:05`, `20261202-14:30:05`, with a zone such as `UTC` or
 * `US/Eastern`, TWS's own) as epoch ms. No zone, or one this runtime does not know, is read as UTC.
 */
export function ibTime(text: string | undefined, fallback: number): number {
  const m = /^(\d{4})(\d{2})(\d{2})[\s-]+(\d{2}):(\d{2}):(\d{2})\s*(\S*)/.exec(text?.trim() ?? '');
  if (!m) {
    const seconds = Number(text);
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallback;
  }
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const zone = m[7] ?? '';
  if (zone === '' || zone === 'UTC' || zone === 'GMT') return asUtc;
  return asUtc - zoneOffsetMs(zone, asUtc);
}

/** How far `zone`'s wall clock is ahead of UTC near `at` (0 for a zone the runtime does not know). */
function zoneOffsetMs(zone: string, at: number): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(at));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const wall = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
    );
    return wall - at;
  } catch {
    return 0;
  }
}

/** A reqExecutions filter time: `yyyymmdd-hh:mm:ss` in UTC. */
export function executionFilterTime(epochMs: number): string {
  const t = new Date(epochMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}-${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}`;
}

/** An execution as Braid's fill; the fee is filled in when its commission report arrives. */
export function fillOf(
  execution: Execution,
  contract: Contract,
  clientOrderId: string | undefined,
  venueOrderId: string,
  now: number,
): VenueFill | null {
  if (!execution.execId || execution.shares === undefined || execution.price === undefined) return null;
  return {
    tradeId: execution.execId,
    venueOrderId,
    ...(clientOrderId ? { clientOrderId } : {}),
    symbol: contract.symbol ?? '',
    side: braidSide(execution.side),
    price: decOf(execution.price),
    quantity: decOf(execution.shares),
    fee: '0',
    feeCurrency: contract.currency ?? 'USD',
    // lastLiquidity 1 is "added liquidity"; IB sends it only when asked for, so taker by default.
    liquidity: (execution.lastLiquidity as { value?: number } | undefined)?.value === 1 ? 'maker' : 'taker',
    time: ibTime(execution.time, now),
  };
}
