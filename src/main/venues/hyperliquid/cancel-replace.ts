// Modify is Hyperliquid's cancel-replace (batchModify through ccxt's editOrder): the replacement keeps
// the cloid and gets a new oid, which the outcome carries. It is sized from the order as Hyperliquid
// holds it now (what is left after what has filled, on this oid and the ones it replaced) and sent with
// the terms Braid placed it with. Without a definite answer only the cloid can tell whether it was
// replaced, so until the poll learns the newest oid the old oid's end is not the order's.
import { type Dec, type DecStr, dec, str } from '../../../shared/domain/decimal.ts';
import type { VenueOrderRequest, VenueOutcome } from '../venue.ts';
import type { AccountReads } from './account-reads.ts';
import type { HyperliquidCalls } from './calls.ts';
import { outcomeOf } from './errors.ts';
import type { HyperliquidMarkets } from './markets.ts';
import type { OrderIds } from './order-ids.ts';
import { notConnected, type OrderRef, oidOf } from './order-requests.ts';
import { buildOrder } from './orders.ts';
import { exchangeWeight } from './rate-budget.ts';
import { isTerminal } from './report-book.ts';
import type { WorkingOrders } from './working-orders.ts';

export interface CancelReplaceOptions {
  calls: HyperliquidCalls;
  markets: HyperliquidMarkets;
  reads: AccountReads;
  ids: OrderIds;
  working: WorkingOrders;
  clock: () => number;
  slippage: Dec;
}

export class CancelReplace {
  private readonly o: CancelReplaceOptions;

  constructor(options: CancelReplaceOptions) {
    this.o = options;
  }

  /** `quantity` is the order's whole size: the replacement is sized to what is left of it. */
  async modify(
    ref: OrderRef,
    change: { quantity?: DecStr; price?: DecStr; stopPrice?: DecStr },
  ): Promise<VenueOutcome> {
    const { calls, markets, reads, ids, working, clock, slippage } = this.o;
    if (!calls.exchange) return notConnected;
    if (change.quantity === undefined && change.price === undefined && change.stopPrice === undefined)
      return { kind: 'rejected', reason: 'invalid_order', message: 'nothing to change' };
    // The order as Hyperliquid holds it now: its remaining size decides the replacement's.
    const status = await reads.orderStatus({ clientOrderId: ref.clientOrderId });
    if (!status.ok) return { kind: 'unknown', message: `cannot read the order to modify: ${status.message}` };
    const now = status.value;
    if (!now || isTerminal(now))
      return { kind: 'rejected', reason: 'unknown_order', message: 'Hyperliquid has no such working order' };
    const perp = markets.perp(now.symbol);
    if (!perp)
      return {
        kind: 'rejected',
        reason: 'invalid_order',
        message: `Hyperliquid has no perpetual ${now.symbol}`,
      };
    const placed = ids.placed(ref.clientOrderId);
    const total = dec(change.quantity ?? now.quantity);
    const left = total.minus(now.filledQuantity);
    if (left.lte(0))
      return {
        kind: 'rejected',
        reason: 'invalid_order',
        message: `${str(total)} is not above the ${now.filledQuantity} already filled`,
      };
    const type = placed?.type ?? now.type;
    const request: VenueOrderRequest = {
      clientOrderId: ref.clientOrderId,
      symbol: now.symbol,
      side: now.side,
      // A market order is an IOC: it never rests, so what rests is a limit.
      type: type === 'market' ? 'limit' : type,
      quantity: str(left),
      ...((change.price ?? placed?.price ?? now.price) !== undefined
        ? { price: change.price ?? placed?.price ?? now.price }
        : {}),
      ...((change.stopPrice ?? placed?.stopPrice ?? now.stopPrice) !== undefined
        ? { stopPrice: change.stopPrice ?? placed?.stopPrice ?? now.stopPrice }
        : {}),
      ...(placed?.timeInForce ? { timeInForce: placed.timeInForce } : {}),
      ...(placed?.postOnly ? { postOnly: true } : {}),
      ...(placed?.reduceOnly ? { reduceOnly: true } : {}),
    };
    const cloid = ids.cloidFor(ref.clientOrderId);
    const built = buildOrder(request, { perp, cloid, slippage });
    if (!built.ok) return built.outcome;
    const o = built.order;
    const oldOid = now.venueOrderId;
    const result = await calls.call(
      (ex) =>
        ex.editOrder(
          oldOid,
          o.symbol,
          o.type,
          o.side,
          o.amount as unknown as number,
          o.price as unknown as number,
          o.params,
        ),
      exchangeWeight(),
    );
    if (!result.ok) {
      // Replaced or not, only the cloid can tell: until then the old oid's end is not the order's.
      if (result.failure.kind === 'ambiguous') ids.replacing(cloid);
      return outcomeOf(result.failure, calls.retryAfter(result.failure));
    }
    const newOid = oidOf(result.value);
    if (newOid === undefined)
      return {
        kind: 'unknown',
        message: 'Hyperliquid replaced the order without naming the new one: ask by client id',
      };
    ids.rememberOid(newOid, o.symbol, cloid);
    ids.setCurrent(cloid, newOid);
    working.drop(oldOid);
    working.watch(newOid);
    working.moved(clock());
    ids.remember({
      ...(placed ?? {
        clientOrderId: ref.clientOrderId,
        cloid,
        symbol: o.symbol,
        side: o.side,
        type: request.type,
      }),
      quantity: str(total),
      ...(request.price !== undefined ? { price: o.price } : {}),
      ...(o.params.stopLossPrice !== undefined ? { stopPrice: String(o.params.stopLossPrice) } : {}),
    });
    return { kind: 'accepted', venueOrderId: newOid, time: clock() };
  }
}
