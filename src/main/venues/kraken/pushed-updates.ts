// Order changes and trades pushed over the private WebSocket, booked through the same report book as the
// poll's (each trade once, whichever way it came). Kraken pushes an order's changes as deltas: they are
// merged per order until it is final. A report that counts fills not booked yet is held until they are;
// a delta for an order whose terms never came by the socket asks the poll to read it from REST.
import type { Order, Trade } from 'ccxt';
import { dec } from '../../../shared/domain/decimal.ts';
import type { VenueEvents } from '../venue-events.ts';
import type { KnownOrders } from './known-orders.ts';
import type { KrakenMarkets } from './markets.ts';
import type { OrderPoll } from './order-poll.ts';
import { FINAL_STATUSES, type PushedOrder, pushedFillOf, pushedOrderReportOf } from './push-mapping.ts';
import { isTerminal, type ReportBook } from './report-book.ts';

export interface PushedUpdatesOptions {
  book: ReportBook;
  known: KnownOrders;
  markets: KrakenMarkets;
  poll: OrderPoll;
  events: VenueEvents;
  clock: () => number;
  /** Connected and not stopping: pushes that arrive otherwise are dropped. */
  running: () => boolean;
  /** Braid's asset code for Kraken's. */
  currencyCode: (asset: string) => string;
}

export class PushedUpdates {
  private readonly o: PushedUpdatesOptions;
  /** Each order's WebSocket entries merged (they are deltas). */
  private readonly pushedOrders = new Map<string, PushedOrder>();

  constructor(options: PushedUpdatesOptions) {
    this.o = options;
  }

  /** Pushed order entries (ccxt has merged each with what it holds of the order). */
  orders(orders: Order[]): void {
    if (!this.o.running()) return;
    for (const order of orders) {
      const info = (order.info ?? {}) as PushedOrder;
      const id = typeof info.order_id === 'string' ? info.order_id : undefined;
      if (!id) continue;
      this.pushedOrders.set(id, { ...this.pushedOrders.get(id), ...info });
      this.bookOrder(id);
    }
  }

  trades(trades: Trade[]): void {
    if (!this.o.running()) return;
    const { book, known, markets, events } = this.o;
    for (const trade of trades) {
      const fill = pushedFillOf(
        trade,
        (txid) => known.clientOrderIdOf(txid),
        (asset) => this.o.currencyCode(asset),
      );
      if (!fill || !markets.has(fill.symbol)) {
        events.unreadable(
          'kraken_unreadable_fill',
          `a trade Kraken pushed could not be read (${String(trade.id)})`,
        );
        continue;
      }
      book.bookFill(fill);
      // The trade entry says what became of its order (not how much it has filled in all).
      const status = (trade.info as PushedOrder | undefined)?.order_status;
      const order = this.pushedOrders.get(fill.venueOrderId);
      if (order && typeof status === 'string' && !FINAL_STATUSES.has(String(order.order_status))) {
        order.order_status = status;
      }
      if (order) this.bookOrder(fill.venueOrderId);
      book.releaseHeld(fill.venueOrderId);
    }
  }

  private bookOrder(venueOrderId: string): void {
    const order = this.pushedOrders.get(venueOrderId);
    if (!order) return;
    const { book, known, markets, poll, clock } = this.o;
    const booked = book.bookedFilled(venueOrderId);
    const report = pushedOrderReportOf(order, booked, clock());
    if (!report || !markets.has(report.symbol)) {
      // A delta for an order whose terms never came by the socket: REST knows it.
      poll.askCatchUp();
      poll.soon();
      return;
    }
    if (report.clientOrderId !== undefined) report.clientOrderId = known.braidIdOf(report.clientOrderId);
    known.remember(report.venueOrderId, { symbol: report.symbol, clientOrderId: report.clientOrderId });
    if (dec(report.filledQuantity).gt(booked)) {
      book.hold(venueOrderId, report);
      return;
    }
    book.dropHeld(venueOrderId);
    book.bookReport(report, clock());
    if (isTerminal(report)) {
      known.markDone(venueOrderId);
      this.pushedOrders.delete(venueOrderId);
    } else known.markWorking(venueOrderId);
  }
}
