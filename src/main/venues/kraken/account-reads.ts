// Reading the account over REST: open orders, closed orders and trades (Kraken's lists of 50 a page),
// balances, and one order by Braid's id or Kraken's txid. Each list comes raw (the poll maps it when it
// is ready to book it) or as Braid's reports and fills; something Kraken sent that cannot be read is
// said once and left out. Every order read is remembered (its pair, Braid's id).
import type { Order, Trade } from 'ccxt';
import type {
  FillCursor,
  VenueBalance,
  VenueFill,
  VenueMassStatus,
  VenueOrderReport,
  VenueRead,
} from '../venue.ts';
import type { VenueEvents } from '../venue-events.ts';
import type { Called, KrakenCalls } from './calls.ts';
import { readFailed } from './errors.ts';
import type { Exchange } from './exchange.ts';
import type { KnownOrders } from './known-orders.ts';
import { balancesOf, fillOf, orderReportOf } from './mapping.ts';
import { chargesFor } from './rate-budget.ts';

/** Kraken's TradesHistory and ClosedOrders pages. */
const PAGE = 50;
const MAX_PAGES = 40;

/** Kraken's `start`: exclusive and in whole seconds, so a second before. */
const startOf = (sinceMs: number) => ({ start: Math.floor(sinceMs / 1000) - 1 });

export class AccountReads {
  private readonly calls: KrakenCalls;
  private readonly known: KnownOrders;
  private readonly events: VenueEvents;
  private readonly clock: () => number;

  constructor(calls: KrakenCalls, known: KnownOrders, events: VenueEvents, clock: () => number) {
    this.calls = calls;
    this.known = known;
    this.events = events;
    this.clock = clock;
  }

  openOrdersRaw(params: Record<string, unknown> = {}): Promise<Called<Order[]>> {
    return this.calls.call(
      (ex) => ex.fetchOpenOrders(undefined, undefined, undefined, params),
      chargesFor('OpenOrders'),
    );
  }

  /**
   * Closed orders from `sinceMs`. `start` goes in the params, not as ccxt's `since`: ccxt would then drop
   * every order OPENED before it, however recently it closed.
   */
  closedOrdersRaw(sinceMs: number | null, params: Record<string, unknown> = {}): Promise<Called<Order[]>> {
    const start = sinceMs !== null && sinceMs > 0 ? startOf(sinceMs) : {};
    return this.paged('ClosedOrders', (ex, ofs) =>
      ex.fetchClosedOrders(undefined, undefined, undefined, {
        ...params,
        ...start,
        ...(ofs > 0 ? { ofs } : {}),
      }),
    );
  }

  tradesRaw(sinceMs: number): Promise<Called<Trade[]>> {
    const start = sinceMs > 0 ? startOf(sinceMs) : {};
    return this.paged('TradesHistory', (ex, ofs) =>
      ex.fetchMyTrades(undefined, undefined, undefined, { ...start, ...(ofs > 0 ? { ofs } : {}) }),
    );
  }

  /** Pages a Kraken list (50 a page, `ofs` offset) until a short page or one with nothing new. */
  private async paged<T extends { id?: string | undefined }>(
    method: string,
    fetchPage: (ex: Exchange, ofs: number) => Promise<T[]>,
  ): Promise<Called<T[]>> {
    const all = new Map<string, T>();
    let ofs = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.calls.call((ex) => fetchPage(ex, ofs), chargesFor(method));
      if (!result.ok) return result;
      let fresh = 0;
      for (const item of result.value) {
        const id = String(item.id);
        if (!all.has(id)) fresh++;
        all.set(id, item);
      }
      if (result.value.length < PAGE || fresh === 0) break;
      ofs += result.value.length;
    }
    return { ok: true, value: [...all.values()] };
  }

  /** Braid's reports of Kraken's orders, named by Braid's ids. */
  reportsOf(orders: Order[]): VenueOrderReport[] {
    const out: VenueOrderReport[] = [];
    for (const order of orders) {
      const report = orderReportOf(order, this.clock());
      if (report?.clientOrderId !== undefined)
        report.clientOrderId = this.known.braidIdOf(report.clientOrderId);
      if (!report) {
        this.events.unreadable(
          'kraken_unreadable_order',
          `an order Kraken reported could not be read (${String(order.id)})`,
        );
        continue;
      }
      this.known.remember(report.venueOrderId, {
        symbol: report.symbol,
        clientOrderId: report.clientOrderId,
      });
      out.push(report);
    }
    return out;
  }

  /** Braid's fills of Kraken's trades from `sinceMs`, oldest first. */
  fillsOf(trades: Trade[], sinceMs: number): VenueFill[] {
    const fills: VenueFill[] = [];
    for (const trade of trades) {
      const fill = fillOf(trade, (txid) => this.known.clientOrderIdOf(txid));
      if (!fill) {
        this.events.unreadable(
          'kraken_unreadable_fill',
          `a trade Kraken reported could not be read (${String(trade.id)})`,
        );
        continue;
      }
      if (fill.time >= sinceMs) fills.push(fill);
    }
    return fills.sort((a, b) => a.time - b.time || a.tradeId.localeCompare(b.tradeId));
  }

  /**
   * One order, open or closed. By Braid's id this reads OpenOrders and ClosedOrders for the `cl_ord_id`
   * (ccxt's fetchOrder would look up `userref`, a different id): what resolves an `unknown` answer.
   */
  async orderStatus(ref: {
    clientOrderId?: string;
    venueOrderId?: string;
  }): Promise<VenueRead<VenueOrderReport | null>> {
    const matches = (r: VenueOrderReport) =>
      (ref.venueOrderId === undefined || r.venueOrderId === ref.venueOrderId) &&
      (ref.clientOrderId === undefined || r.clientOrderId === ref.clientOrderId);
    if (ref.clientOrderId === undefined && ref.venueOrderId === undefined) {
      return {
        ok: false,
        message: 'orderStatus needs a client order id or a venue order id',
        retryable: false,
      };
    }
    // Kraken filters both lists by cl_ord_id; the match is checked here too in case it did not.
    const filter =
      ref.clientOrderId !== undefined ? { cl_ord_id: this.known.clOrdIdOf(ref.clientOrderId) } : {};
    const open = await this.openOrdersRaw(filter);
    if (!open.ok) return readFailed(open.failure);
    const inOpen = this.reportsOf(open.value).find(matches);
    if (inOpen) return { ok: true, value: inOpen };
    const closed = await this.closedOrdersRaw(null, filter);
    if (!closed.ok) return readFailed(closed.failure);
    const inClosed = this.reportsOf(closed.value)
      .filter(matches)
      .sort((a, b) => b.time - a.time)[0];
    return { ok: true, value: inClosed ?? null };
  }

  async openOrders(): Promise<VenueRead<VenueOrderReport[]>> {
    const open = await this.openOrdersRaw();
    if (!open.ok) return readFailed(open.failure);
    return { ok: true, value: this.reportsOf(open.value) };
  }

  async fillsSince(cursor: FillCursor): Promise<VenueRead<VenueFill[]>> {
    const trades = await this.tradesRaw(cursor.since);
    if (!trades.ok) return readFailed(trades.failure);
    return { ok: true, value: this.fillsOf(trades.value, cursor.since) };
  }

  async balances(): Promise<VenueRead<VenueBalance[]>> {
    const result = await this.calls.call((ex) => ex.fetchBalance(), chargesFor('BalanceEx'));
    if (!result.ok) return readFailed(result.failure);
    return { ok: true, value: balancesOf(result.value, (id) => this.calls.currencyCode(id)) };
  }

  /** Open orders, fills since the cursor, balances: one picture for reconciliation (spot: no positions). */
  async massStatus(cursor: FillCursor): Promise<VenueRead<VenueMassStatus>> {
    const openOrders = await this.openOrders();
    if (!openOrders.ok) return openOrders;
    const fills = await this.fillsSince(cursor);
    if (!fills.ok) return fills;
    const balances = await this.balances();
    if (!balances.ok) return balances;
    return {
      ok: true,
      value: {
        openOrders: openOrders.value,
        fills: fills.value,
        positions: [],
        balances: balances.value,
        time: this.clock(),
      },
    };
  }
}
