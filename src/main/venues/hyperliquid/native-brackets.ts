// A Braid bracket as one Hyperliquid `order` action grouped `normalTpsl`: the entry (the parent), then its
// take-profit and its stop-loss as reduce-only tp/sl triggers on the other side. Hyperliquid holds the
// children until the parent fills, sizes them to what it filled, and cancels one when the other triggers.
//
// ccxt 4.5.84 builds this grouping itself when ONE order carries `stopLoss` and `takeProfit` params
// (createOrdersRequest), but it copies the parent's params, its `clientOrderId` included, into both
// children: three orders with one cloid, which Hyperliquid refuses and which would leave Braid unable to
// name each leg. So each leg is built by ccxt's own createOrderRequest (its wire shape, its precision)
// with its own cloid, and the action is signed by ccxt's signL1Action (client.ts signedAction), as ccxt
// signs its own.
//
// Answers: one status per leg (`resting`/`filled` with the oid, `waitingForFill`/`waitingForTrigger`
// without one: the cloid finds it). ccxt raises on the first leg in error, which loses the others, so a
// refused action is settled by asking each leg by cloid: one Hyperliquid holds is accepted, one it does
// not is rejected, never guessed. An ambiguous answer is `unknown` for all three (resolved by a query).
import type { Dec } from '../../../shared/domain/decimal.ts';
import type { VenueBracketOutcome, VenueBracketRequest, VenueOrderRequest, VenueOutcome } from '../venue.ts';
import { signedAction } from './client.ts';
import { outcomeOf } from './errors.ts';
import { asRaw } from './mapping.ts';
import { notConnected, type OrderRequestsOptions, oidOf } from './order-requests.ts';
import { buildOrder, type CcxtOrder } from './orders.ts';
import { exchangeWeight } from './rate-budget.ts';

type Leg = 'entry' | 'takeProfit' | 'stopLoss';
/** The wire order of the legs: parent first, then take-profit and stop-loss, as ccxt orders them. */
const LEGS: readonly Leg[] = ['entry', 'takeProfit', 'stopLoss'];

interface CcxtRequestBuilder {
  createOrderRequest(
    symbol: string,
    type: string,
    side: string,
    amount: string,
    price: string,
    params: Record<string, unknown>,
  ): Record<string, unknown>;
}

const all = (outcome: VenueOutcome): VenueBracketOutcome => ({
  entry: outcome,
  stopLoss: outcome,
  takeProfit: outcome,
});

/** The ccxt arguments of one leg. The take-profit, a limit for Braid, becomes a `tp` trigger at its price
 *  with that price as its limit (Hyperliquid's children are triggers). */
function legOrder(
  leg: Leg,
  request: VenueOrderRequest,
  ctx: Parameters<typeof buildOrder>[1],
): { ok: true; order: CcxtOrder } | { ok: false; outcome: VenueOutcome } {
  const built = buildOrder(leg === 'takeProfit' ? { ...request, timeInForce: 'GTC' } : request, ctx);
  if (!built.ok || leg !== 'takeProfit') return built;
  const { timeInForce: _tif, postOnly: _po, ...params } = built.order.params;
  return {
    ok: true,
    order: { ...built.order, params: { ...params, takeProfitPrice: built.order.price, reduceOnly: true } },
  };
}

export async function submitNativeBracket(
  o: OrderRequestsOptions,
  bracket: VenueBracketRequest,
): Promise<VenueBracketOutcome> {
  const { calls, markets, marketData, reads, ids, working, clock, slippage } = o;
  if (!calls.exchange) return all(notConnected);
  const perp = markets.perp(bracket.entry.symbol);
  if (!perp)
    return all({
      kind: 'rejected',
      reason: 'invalid_order',
      message: `Hyperliquid has no perpetual ${bracket.entry.symbol}`,
    });
  let mark: Dec | undefined;
  if (bracket.entry.type === 'market') {
    const read = await marketData.mark(perp);
    if (!read.ok)
      return all(
        read.failure.kind === 'throttled'
          ? outcomeOf(read.failure, calls.retryAfter(read.failure))
          : {
              kind: 'rejected',
              reason: 'venue_unavailable',
              message: `cannot read the mark: ${read.failure.message}`,
            },
      );
    mark = read.value;
  }
  const built = new Map<Leg, CcxtOrder>();
  for (const leg of LEGS) {
    const request = bracket[leg];
    const cloid = ids.cloidFor(request.clientOrderId);
    const one = legOrder(leg, request, { perp, cloid, slippage, ...(mark ? { mark } : {}) });
    // One leg that cannot be sent: nothing is sent (a bracket goes whole or not at all).
    if (!one.ok) return all(one.outcome);
    built.set(leg, one.order);
    ids.remember({
      clientOrderId: request.clientOrderId,
      cloid,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      quantity: one.order.amount,
      ...(request.type === 'limit' ? { price: one.order.price } : {}),
      ...(one.order.params.stopLossPrice !== undefined
        ? { stopPrice: String(one.order.params.stopLossPrice) }
        : {}),
      ...(request.timeInForce ? { timeInForce: request.timeInForce } : {}),
      ...(request.reduceOnly ? { reduceOnly: true } : {}),
    });
  }
  const result = await calls.call((ex) => {
    const b = ex as unknown as CcxtRequestBuilder;
    const orders = LEGS.map((leg) => {
      const c = built.get(leg)!;
      return b.createOrderRequest(c.symbol, c.type, c.side, c.amount, c.price, c.params);
    });
    return signedAction(ex, { type: 'order', orders, grouping: 'normalTpsl' });
  }, exchangeWeight(LEGS.length));
  const time = clock();
  if (!result.ok) {
    const outcome = outcomeOf(result.failure, calls.retryAfter(result.failure));
    if (outcome.kind !== 'rejected') return all(outcome);
    // ccxt raised on a leg in error: what Hyperliquid holds, leg by leg.
    return settleByCloid(o, bracket, outcome);
  }
  const statuses = asRaw(asRaw(asRaw(result.value.answer).response).data).statuses;
  const list = Array.isArray(statuses) ? statuses : [];
  const out: Partial<VenueBracketOutcome> = {};
  for (const [i, leg] of LEGS.entries()) {
    const request = bracket[leg];
    let oid = oidOf({ info: list[i] });
    if (oid === undefined) {
      const status = await reads.orderStatus({ clientOrderId: request.clientOrderId });
      oid = status.ok && status.value ? status.value.venueOrderId : undefined;
    }
    if (oid === undefined) {
      out[leg] = { kind: 'unknown', message: 'Hyperliquid answered the bracket without naming this leg' };
      continue;
    }
    const cloid = ids.cloidFor(request.clientOrderId);
    ids.rememberOid(oid, request.symbol, cloid);
    ids.setCurrent(cloid, oid);
    working.watch(oid);
    out[leg] = { kind: 'accepted', venueOrderId: oid, time };
  }
  working.moved(time);
  return out as VenueBracketOutcome;
}

/** After a refused action: each leg as Hyperliquid holds it (by its cloid), else refused. */
async function settleByCloid(
  o: OrderRequestsOptions,
  bracket: VenueBracketRequest,
  refused: Extract<VenueOutcome, { kind: 'rejected' }>,
): Promise<VenueBracketOutcome> {
  const out: Partial<VenueBracketOutcome> = {};
  for (const leg of LEGS) {
    const request = bracket[leg];
    const status = await o.reads.orderStatus({ clientOrderId: request.clientOrderId });
    if (!status.ok) {
      out[leg] = { kind: 'unknown', message: `the bracket was refused in part: ${status.message}` };
    } else if (status.value === null) {
      out[leg] = refused;
    } else {
      const oid = status.value.venueOrderId;
      const cloid = o.ids.cloidFor(request.clientOrderId);
      o.ids.rememberOid(oid, request.symbol, cloid);
      o.ids.setCurrent(cloid, oid);
      o.working.watch(oid);
      out[leg] = { kind: 'accepted', venueOrderId: oid, time: o.clock() };
    }
  }
  return out as VenueBracketOutcome;
}
