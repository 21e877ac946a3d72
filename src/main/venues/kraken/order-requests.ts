// Placing, amending and cancelling orders: each request sent once, its answer an outcome (accepted,
// rejected, throttled with a wait, or unknown: an ambiguous answer is never sent again, orderStatus by
// Braid's id resolves it). An accepted order is remembered as working with its pair and Braid's id, and
// a cancel or amend is charged what Kraken charges for an order that young.
import type { VenueOrderRequest, VenueOutcome } from '../venue.ts';
import type { AccountReads } from './account-reads.ts';
import type { KrakenCalls } from './calls.ts';
import { outcomeOf } from './errors.ts';
import type { KnownOrders } from './known-orders.ts';
import type { KrakenMarkets } from './markets.ts';
import { refusalOf } from './order-checks.ts';
import { amendCost, cancelPenalty, chargesFor } from './rate-budget.ts';

export interface OrderRequestsOptions {
  calls: KrakenCalls;
  known: KnownOrders;
  markets: KrakenMarkets;
  reads: AccountReads;
  clock: () => number;
}

type OrderRef = { clientOrderId: string; venueOrderId?: string };

export class OrderRequests {
  private readonly o: OrderRequestsOptions;

  constructor(options: OrderRequestsOptions) {
    this.o = options;
  }

  async submit(order: VenueOrderRequest): Promise<VenueOutcome> {
    const { calls, known, markets, clock } = this.o;
    if (!calls.exchange)
      return { kind: 'rejected', reason: 'venue_unavailable', message: 'Kraken is not connected' };
    const refused = refusalOf(order, markets.instrument(order.symbol));
    if (refused) return refused;
    const params: Record<string, unknown> = { clientOrderId: known.clOrdIdOf(order.clientOrderId) };
    if (order.postOnly) params.postOnly = true;
    if (order.timeInForce && order.timeInForce !== 'GTC') params.timeInForce = order.timeInForce;
    // Stops are Kraken's stop-loss (a triggered market order) and stop-loss-limit (price = the trigger,
    // price2 = the limit); ccxt builds them from `stopLossPrice`.
    if (order.type === 'stop' || order.type === 'stop_limit') params.stopLossPrice = order.stopPrice;
    const ccxtType = order.type === 'limit' || order.type === 'stop_limit' ? 'limit' : 'market';
    // Decimal strings straight through: ccxt's precision helpers read strings (no float on the way).
    const amount = order.quantity as unknown as number;
    const price = ccxtType === 'limit' ? (order.price as unknown as number) : undefined;
    const charges = chargesFor('AddOrder', markets.pairOf(order.symbol));
    const result = await calls.call(
      (ex) => ex.createOrder(order.symbol, ccxtType, order.side, amount, price, params),
      charges,
    );
    if (!result.ok) return outcomeOf(result.failure, calls.retryAfter(result.failure, charges));
    const venueOrderId = result.value.id;
    if (typeof venueOrderId !== 'string' || venueOrderId === '') {
      return { kind: 'unknown', message: "Kraken's answer to the order had no txid: ask by client id" };
    }
    const time = clock();
    known.remember(venueOrderId, {
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      placedAt: time,
    });
    known.markWorking(venueOrderId);
    return { kind: 'accepted', venueOrderId, time };
  }

  async cancel(ref: OrderRef): Promise<VenueOutcome> {
    const { calls, known, markets, clock } = this.o;
    const txid = ref.venueOrderId ?? known.txidOf(ref.clientOrderId);
    const order = txid ? known.get(txid) : undefined;
    const age = order?.placedAt !== undefined ? clock() - order.placedAt : undefined;
    const charges = order ? chargesFor('CancelOrder', markets.pairOf(order.symbol), cancelPenalty(age)) : [];
    // The txid is unique for ever; the cl_ord_id only among open orders, which is all a cancel needs.
    const result = await calls.call(
      (ex) =>
        ref.venueOrderId !== undefined
          ? ex.cancelOrder(ref.venueOrderId)
          : ex.cancelOrder(undefined as unknown as string, undefined, {
              cl_ord_id: known.clOrdIdOf(ref.clientOrderId),
            }),
      charges,
    );
    if (!result.ok) return outcomeOf(result.failure, calls.retryAfter(result.failure, charges));
    const count = Number(
      (result.value.info as { result?: { count?: unknown } } | undefined)?.result?.count ?? 1,
    );
    if (count === 0)
      return {
        kind: 'rejected',
        reason: 'unknown_order',
        message: 'Kraken cancelled nothing: no such open order',
      };
    return { kind: 'accepted', venueOrderId: txid ?? '', time: clock() };
  }

  async cancelAll(): Promise<VenueOutcome> {
    const { calls, clock } = this.o;
    const charges = chargesFor('CancelAll');
    const result = await calls.call((ex) => ex.cancelAllOrders(), charges, { urgent: true });
    if (!result.ok) return outcomeOf(result.failure, calls.retryAfter(result.failure, charges));
    return { kind: 'accepted', venueOrderId: '', time: clock() };
  }

  /** AmendOrder: price and quantity in place (same txid), the stop's trigger as stopLossPrice. */
  async modify(
    ref: OrderRef,
    change: { quantity?: string; price?: string; stopPrice?: string },
  ): Promise<VenueOutcome> {
    const { calls, known, markets, reads, clock } = this.o;
    if (change.quantity === undefined && change.price === undefined && change.stopPrice === undefined) {
      return { kind: 'rejected', reason: 'invalid_order', message: 'nothing to change' };
    }
    let txid = ref.venueOrderId ?? known.txidOf(ref.clientOrderId);
    let order = txid ? known.get(txid) : undefined;
    if (!order) {
      // AmendOrder needs the pair (ccxt's editOrder takes the symbol): ask Kraken which order it is.
      const status = await reads.orderStatus(ref);
      if (!status.ok)
        return { kind: 'unknown', message: `cannot find the order to amend: ${status.message}` };
      if (!status.value)
        return { kind: 'rejected', reason: 'unknown_order', message: 'Kraken has no such order' };
      txid = status.value.venueOrderId;
      order = { symbol: status.value.symbol, clientOrderId: ref.clientOrderId };
      known.remember(txid, order);
    }
    const age = order.placedAt !== undefined ? clock() - order.placedAt : undefined;
    const charges = chargesFor('AmendOrder', markets.pairOf(order.symbol), amendCost(age));
    const params: Record<string, unknown> = txid ? {} : { clientOrderId: known.clOrdIdOf(ref.clientOrderId) };
    if (change.stopPrice !== undefined) params.stopLossPrice = change.stopPrice;
    const symbol = order.symbol;
    const result = await calls.call(
      (ex) =>
        ex.editOrder(
          (txid ?? undefined) as unknown as string,
          symbol,
          'limit',
          'buy', // AmendOrder does not take a side; ccxt's signature does
          change.quantity as unknown as number,
          change.price as unknown as number,
          params,
        ),
      charges,
    );
    if (!result.ok) return outcomeOf(result.failure, calls.retryAfter(result.failure, charges));
    return { kind: 'accepted', venueOrderId: txid ?? '', time: clock() };
  }
}
