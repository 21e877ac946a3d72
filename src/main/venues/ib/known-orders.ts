// The orders the adapter knows, by IB orderId, by Braid's client order id (orderRef) and by permId:
// what each was (symbol, side, type, size, prices) and what IB last said of it (status, filled, average
// price). An order placed in TWS or by another client arrives with orderId 0 and no orderRef: only its
// permId names it (`perm:<permId>`), and it is external.
import type { Contract, Order, OrderState } from '@stoqey/ib';
import type { DecStr } from '../../../shared/domain/decimal.ts';
import type { Side } from '../../../shared/domain/plan.ts';
import type { VenueOrderReport, VenueOrderType } from '../venue.ts';
import {
  braidSide,
  braidState,
  braidType,
  decOf,
  type IbOrderRequest,
  isUnset,
  portType,
} from './mapping.ts';

export interface KnownOrder {
  orderId: number;
  clientOrderId?: string;
  /** Every permId IB gave this order (a modify during an outage can leave two: nautilus #4564). */
  permIds: Set<number>;
  symbol: string;
  side: Side;
  type: VenueOrderType | 'trailing';
  quantity: DecStr;
  price?: DecStr;
  stopPrice?: DecStr;
  status: string;
  /** Shares filled: the larger of IB's status and the executions booked for it. */
  filled: number;
  /** Shares by execId (a fill IB's status has not told yet, or will never tell after an outage). */
  executions: Map<string, number>;
  avgFillPrice?: number;
  /** The error text that ended it (201, 202), for the report's reader. */
  why?: string;
  time: number;
}

/** The venue order id Braid is given: the orderId for Braid's, the permId for an external one. */
export const venueIdOf = (orderId: number, permId: number | undefined) =>
  orderId > 0 ? String(orderId) : `perm:${permId ?? 0}`;

export class KnownOrders {
  private readonly byVenueId = new Map<string, KnownOrder>();
  private readonly byClientId = new Map<string, KnownOrder>();
  private readonly byPermId = new Map<number, KnownOrder>();

  /** An order Braid is placing, before it goes on the wire. */
  placing(orderId: number, request: IbOrderRequest, time: number): KnownOrder {
    const order: KnownOrder = {
      orderId,
      clientOrderId: request.clientOrderId,
      permIds: new Set(),
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      quantity: request.quantity,
      ...(request.price !== undefined ? { price: request.price } : {}),
      ...(request.stopPrice !== undefined ? { stopPrice: request.stopPrice } : {}),
      status: 'ApiPending',
      filled: 0,
      executions: new Map(),
      time,
    };
    this.byVenueId.set(String(orderId), order);
    this.byClientId.set(request.clientOrderId, order);
    return order;
  }

  byClient(clientOrderId: string): KnownOrder | undefined {
    return this.byClientId.get(clientOrderId);
  }

  byVenue(venueOrderId: string): KnownOrder | undefined {
    return this.byVenueId.get(venueOrderId);
  }

  byOrderId(orderId: number, permId?: number): KnownOrder | undefined {
    if (orderId > 0) return this.byVenueId.get(String(orderId));
    return permId !== undefined ? this.byPermId.get(permId) : undefined;
  }

  find(ref: { clientOrderId?: string; venueOrderId?: string }): KnownOrder | undefined {
    return (
      (ref.clientOrderId !== undefined ? this.byClientId.get(ref.clientOrderId) : undefined) ??
      (ref.venueOrderId !== undefined ? this.byVenueId.get(ref.venueOrderId) : undefined)
    );
  }

  all(): KnownOrder[] {
    return [...this.byVenueId.values()];
  }

  /** What openOrder says: the order as IB holds it (an order from an earlier run or elsewhere too). */
  fromOpenOrder(
    orderId: number,
    contract: Contract,
    order: Order,
    state: OrderState,
    now: number,
  ): KnownOrder {
    const permId = order.permId;
    let known = this.byOrderId(orderId, permId);
    // Braid's order from an earlier run (or before this process knew it): orderRef names it.
    if (!known && order.orderRef) known = this.byClientId.get(order.orderRef);
    if (!known) {
      known = {
        orderId,
        ...(order.orderRef ? { clientOrderId: order.orderRef } : {}),
        permIds: new Set(),
        symbol: contract.symbol ?? '',
        side: braidSide(order.action),
        type: braidType(order.orderType),
        quantity: decOf(order.totalQuantity ?? 0),
        status: state.status ?? 'Submitted',
        filled: 0,
        executions: new Map(),
        time: now,
      };
      this.byVenueId.set(venueIdOf(orderId, permId), known);
      if (known.clientOrderId) this.byClientId.set(known.clientOrderId, known);
    }
    if (permId !== undefined && permId > 0) this.permId(known, permId);
    if (order.totalQuantity !== undefined && !isUnset(order.totalQuantity))
      known.quantity = decOf(order.totalQuantity);
    const type = braidType(order.orderType);
    if (type === 'limit' || type === 'stop_limit') {
      if (!isUnset(order.lmtPrice)) known.price = decOf(order.lmtPrice ?? 0);
    }
    if ((type === 'stop' || type === 'stop_limit') && !isUnset(order.auxPrice))
      known.stopPrice = decOf(order.auxPrice ?? 0);
    if (type === 'trailing' && !isUnset(order.trailStopPrice))
      known.stopPrice = decOf(order.trailStopPrice ?? 0);
    if (state.status) known.status = state.status;
    return known;
  }

  permId(known: KnownOrder, permId: number): void {
    if (!(permId > 0)) return;
    known.permIds.add(permId);
    this.byPermId.set(permId, known);
  }

  /** Forgets an order placing never sent (its id is still burnt: the mark has moved past it). */
  forget(known: KnownOrder): void {
    this.byVenueId.delete(String(known.orderId));
    if (known.clientOrderId && this.byClientId.get(known.clientOrderId) === known)
      this.byClientId.delete(known.clientOrderId);
  }
}

/** The report Braid is given for a known order. */
export function reportOf(known: KnownOrder): VenueOrderReport {
  const permId = [...known.permIds][0];
  return {
    ...(known.clientOrderId ? { clientOrderId: known.clientOrderId } : {}),
    venueOrderId: venueIdOf(known.orderId, permId),
    symbol: known.symbol,
    side: known.side,
    type: portType(known.type),
    state: braidState(known.status, known.filled),
    quantity: known.quantity,
    filledQuantity: decOf(known.filled),
    ...(known.price !== undefined ? { price: known.price } : {}),
    ...(known.stopPrice !== undefined ? { stopPrice: known.stopPrice } : {}),
    ...(known.avgFillPrice !== undefined && known.filled > 0
      ? { avgFillPrice: decOf(known.avgFillPrice) }
      : {}),
    time: known.time,
  };
}

/** An execution of this order: counted once per execId. Returns whether it was new. */
export function addExecution(known: KnownOrder, execId: string, shares: number): boolean {
  if (known.executions.has(execId)) return false;
  known.executions.set(execId, shares);
  let sum = 0;
  for (const n of known.executions.values()) sum += n;
  known.filled = Math.max(known.filled, sum);
  return true;
}

export const isWorking = (known: KnownOrder) => {
  const state = braidState(known.status, known.filled);
  return state === 'open' || state === 'partially_filled' || state === 'pending';
};
