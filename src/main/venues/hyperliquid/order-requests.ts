// Placing and cancelling orders: each action signed and sent once, its answer an outcome (accepted,
// rejected, throttled with a wait, or unknown: an ambiguous answer is never sent again; orderStatus by
// Braid's id resolves it through the cloid). A market order is priced from the mark first (a read that
// fails sent nothing). What is placed or cancelled is watched by the poll until it ends.
import type { Dec } from '../../../shared/domain/decimal.ts';
import type {
  VenueBracketOutcome,
  VenueBracketRequest,
  VenueOrderReport,
  VenueOrderRequest,
  VenueOutcome,
} from '../venue.ts';
import type { AccountReads } from './account-reads.ts';
import type { HyperliquidCalls } from './calls.ts';
import type { HyperliquidExchange } from './client.ts';
import { outcomeOf } from './errors.ts';
import { asRaw, type RawOrder, rawOrderOf } from './mapping.ts';
import type { MarketData } from './market-data.ts';
import type { HyperliquidMarkets } from './markets.ts';
import { submitNativeBracket } from './native-brackets.ts';
import type { OrderIds } from './order-ids.ts';
import { buildOrder, type CcxtOrder } from './orders.ts';
import { exchangeWeight } from './rate-budget.ts';
import type { WorkingOrders } from './working-orders.ts';

export type OrderRef = { clientOrderId: string; venueOrderId?: string };

export const notConnected: VenueOutcome = {
  kind: 'rejected',
  reason: 'venue_unavailable',
  message: 'Hyperliquid is not connected',
};

/** The oid an order answer names (`resting`, `filled`), if any. */
export function oidOf(answer: unknown): string | undefined {
  const info = asRaw(asRaw(answer).info);
  for (const k of ['resting', 'filled']) {
    const oid = asRaw(info[k]).oid;
    if (typeof oid === 'number' || typeof oid === 'string') return String(oid);
  }
  const id = asRaw(answer).id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function place(ex: HyperliquidExchange, o: CcxtOrder) {
  // Decimal strings straight through: ccxt's precision helpers read strings (no float on the way).
  return ex.createOrder(
    o.symbol,
    o.type,
    o.side,
    o.amount as unknown as number,
    o.price as unknown as number,
    o.params,
  );
}

export interface OrderRequestsOptions {
  calls: HyperliquidCalls;
  markets: HyperliquidMarkets;
  marketData: MarketData;
  reads: AccountReads;
  ids: OrderIds;
  working: WorkingOrders;
  clock: () => number;
  /** A market order's limit: the mark ± this share. */
  slippage: Dec;
  /** The account address (the open list cancelAll reads). */
  user: string;
}

export class OrderRequests {
  private readonly o: OrderRequestsOptions;

  constructor(options: OrderRequestsOptions) {
    this.o = options;
  }

  async submit(order: VenueOrderRequest): Promise<VenueOutcome> {
    const { calls, markets, marketData, reads, ids, working, clock, slippage } = this.o;
    if (!calls.exchange) return notConnected;
    const perp = markets.perp(order.symbol);
    if (!perp)
      return {
        kind: 'rejected',
        reason: 'invalid_order',
        message: `Hyperliquid has no perpetual ${order.symbol}`,
      };
    const cloid = ids.cloidFor(order.clientOrderId);
    let mark: Dec | undefined;
    if (order.type === 'market') {
      const read = await marketData.mark(perp);
      if (!read.ok) {
        // Nothing was sent: a failed read is not an unknown order.
        return read.failure.kind === 'throttled'
          ? outcomeOf(read.failure, calls.retryAfter(read.failure))
          : {
              kind: 'rejected',
              reason: 'venue_unavailable',
              message: `cannot read the mark: ${read.failure.message}`,
            };
      }
      mark = read.value;
    }
    const built = buildOrder(order, { perp, cloid, slippage, ...(mark ? { mark } : {}) });
    if (!built.ok) return built.outcome;
    ids.remember({
      clientOrderId: order.clientOrderId,
      cloid,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      quantity: built.order.amount,
      ...(order.type === 'limit' || order.type === 'stop_limit' ? { price: built.order.price } : {}),
      ...(built.order.params.stopLossPrice !== undefined
        ? { stopPrice: String(built.order.params.stopLossPrice) }
        : {}),
      ...(order.timeInForce ? { timeInForce: order.timeInForce } : {}),
      ...(order.postOnly ? { postOnly: true } : {}),
      ...(order.reduceOnly ? { reduceOnly: true } : {}),
    });
    const result = await calls.call((ex) => place(ex, built.order), exchangeWeight());
    if (!result.ok) return outcomeOf(result.failure, calls.retryAfter(result.failure));
    let oid = oidOf(result.value);
    if (oid === undefined) {
      // Accepted without an oid (a trigger "waitingForTrigger"): the cloid finds it.
      const status = await reads.orderStatus({ clientOrderId: order.clientOrderId });
      oid = status.ok && status.value ? status.value.venueOrderId : undefined;
      if (oid === undefined)
        return {
          kind: 'unknown',
          message: 'Hyperliquid accepted the order without naming it: ask by client id',
        };
    }
    const time = clock();
    ids.rememberOid(oid, order.symbol, cloid);
    ids.setCurrent(cloid, oid);
    working.watch(oid);
    working.moved(time);
    return { kind: 'accepted', venueOrderId: oid, time };
  }

  /** An entry with its take-profit and stop-loss as one normalTpsl action (native-brackets.ts). */
  submitBracket(bracket: VenueBracketRequest): Promise<VenueBracketOutcome> {
    return submitNativeBracket(this.o, bracket);
  }

  /** The symbol and current oid of Braid's order, asking Hyperliquid by cloid when not known here. */
  private async locate(
    ref: OrderRef,
  ): Promise<
    | { ok: true; symbol: string; oid: string; report: VenueOrderReport | null }
    | { ok: false; outcome: VenueOutcome }
  > {
    const { ids, reads } = this.o;
    const cloid = ids.cloidFor(ref.clientOrderId);
    const oid = ids.currentOf(cloid) ?? ref.venueOrderId;
    const symbol = (oid ? ids.oid(oid)?.symbol : undefined) ?? ids.placed(ref.clientOrderId)?.symbol;
    if (oid && symbol) return { ok: true, symbol, oid, report: null };
    const status = await reads.orderStatus(ref);
    if (!status.ok)
      return { ok: false, outcome: { kind: 'unknown', message: `cannot find the order: ${status.message}` } };
    if (!status.value)
      return {
        ok: false,
        outcome: { kind: 'rejected', reason: 'unknown_order', message: 'Hyperliquid has no such order' },
      };
    return { ok: true, symbol: status.value.symbol, oid: status.value.venueOrderId, report: status.value };
  }

  async cancel(ref: OrderRef): Promise<VenueOutcome> {
    const { calls, working, clock } = this.o;
    if (!calls.exchange) return notConnected;
    const found = await this.locate(ref);
    if (!found.ok) return found.outcome;
    const result = await calls.call((ex) => ex.cancelOrder(found.oid, found.symbol), exchangeWeight());
    if (!result.ok) return outcomeOf(result.failure, calls.retryAfter(result.failure));
    // Keep watching it: its end is reported by the next poll, and a fill may still land.
    working.watch(found.oid);
    working.moved(clock());
    return { kind: 'accepted', venueOrderId: found.oid, time: clock() };
  }

  /**
   * The kill switch's cancel. Hyperliquid has no cancel-all: the open orders are read and cancelled in
   * one signed action (every symbol at once). Hyperliquid answers per order and ccxt raises on the first
   * refusal (one filled or was replaced in between), so then the list is read again, up to three rounds.
   */
  async cancelAll(): Promise<VenueOutcome> {
    const { calls, markets, working, clock, user } = this.o;
    if (!calls.exchange) return notConnected;
    for (let round = 0; round < 3; round++) {
      const open = await calls.read<unknown[]>({ type: 'frontendOpenOrders', user });
      if (!open.ok) return outcomeOf(open.failure, calls.retryAfter(open.failure));
      const orders = (Array.isArray(open.value) ? open.value : [])
        .map(rawOrderOf)
        .filter((o): o is RawOrder => o !== null && markets.symbolOf(o.coin) !== undefined);
      if (orders.length === 0) return { kind: 'accepted', venueOrderId: '', time: clock() };
      const list = orders.map((o) => ({ id: o.oid, symbol: markets.symbolOf(o.coin)! }));
      for (const o of orders) working.watch(o.oid);
      const result = await calls.call((ex) => ex.cancelOrdersForSymbols(list), exchangeWeight(list.length));
      working.moved(clock());
      if (result.ok) return { kind: 'accepted', venueOrderId: '', time: clock() };
      if (result.failure.kind !== 'rejected' || result.failure.reason !== 'unknown_order')
        return outcomeOf(result.failure, calls.retryAfter(result.failure));
    }
    return {
      kind: 'unknown',
      message: 'orders were still open after three rounds of cancels: read the open orders',
    };
  }
}
