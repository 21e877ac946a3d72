// Order updates and fills pushed over Hyperliquid's WebSocket, booked through the same reads' mapping
// and the same report book as the poll's: each fill once per tid whichever way it came, each report
// only when it says something new. The socket carries Hyperliquid's raw entries (ccxt keeps them as
// `info`): orderUpdates' `{order, status, statusTimestamp}` is what orderStatus answers, userFills'
// entries are what userFillsByTime lists.
//
// - orderUpdates and userFills are separate channels in no promised order: a report that counts fills
//   not booked yet is held until they are (or the poll reads the order again), so fills always come
//   before the report they explain.
// - A partial fill changes no order status, so Hyperliquid pushes no order update for it: a pushed fill
//   of a working order asks the poll for the order's state at once (orderStatus, weight 2).
// - Fills older than the poll's own window (the snapshot's history) are left out: they were Braid's
//   news before this session, or have been booked and forgotten.
import type { Order, Trade } from 'ccxt';
import { type Dec, dec } from '../../../shared/domain/decimal.ts';
import type { VenueEvents } from '../venue-events.ts';
import type { AccountReads, Seen } from './account-reads.ts';
import { asRaw, type RawFill, rawFillOf, rawOrderOf } from './mapping.ts';
import type { OrderIds } from './order-ids.ts';
import type { OrderPoll } from './order-poll.ts';
import { isTerminal, LOOKBACK_MS, type ReportBook } from './report-book.ts';
import type { WorkingOrders } from './working-orders.ts';

export interface PushedUpdatesOptions {
  reads: AccountReads;
  book: ReportBook;
  ids: OrderIds;
  working: WorkingOrders;
  poll: OrderPoll;
  events: VenueEvents;
  clock: () => number;
  /** Connected and not stopping: pushes that arrive otherwise are dropped. */
  running: () => boolean;
}

/** Held reports and booked sizes are forgotten past this many orders (oldest first). */
const CAP = 5_000;

export class PushedUpdates {
  private readonly o: PushedUpdatesOptions;
  /** What each oid has filled in fills booked (by any path: the book's fill events). */
  private readonly booked = new Map<string, Dec>();
  /** Pushed order updates waiting for their fills, by oid. */
  private readonly held = new Map<string, Seen>();

  constructor(options: PushedUpdatesOptions) {
    this.o = options;
    options.events.listen((e) => {
      if (e.type !== 'fill') return;
      const id = e.fill.venueOrderId;
      this.booked.set(id, (this.booked.get(id) ?? dec(0)).plus(e.fill.quantity));
      if (this.booked.size > CAP) this.booked.delete(this.booked.keys().next().value!);
    });
  }

  /** Pushed order entries (ccxt's orders, Hyperliquid's entry in `info`). */
  orders(orders: Order[]): void {
    if (!this.o.running()) return;
    for (const order of orders) {
      const entry = asRaw(order.info);
      const raw = rawOrderOf(entry.order);
      if (!raw || typeof entry.status !== 'string') {
        this.o.events.unreadable(
          'hyperliquid_unreadable_order',
          `an order Hyperliquid pushed could not be read (${String(order.id)})`,
        );
        continue;
      }
      const time = typeof entry.statusTimestamp === 'number' ? entry.statusTimestamp : raw.timestamp;
      this.held.set(raw.oid, { raw, status: entry.status, time });
      if (this.held.size > CAP) this.held.delete(this.held.keys().next().value!);
      this.bookHeld(raw.oid);
    }
  }

  /** Pushed fills (ccxt's trades, Hyperliquid's entry in `info`). */
  trades(trades: Trade[]): void {
    if (!this.o.running()) return;
    const { reads, book, working, poll, events } = this.o;
    const raws: RawFill[] = [];
    for (const trade of trades) {
      const raw = rawFillOf(trade.info);
      if (!raw) {
        events.unreadable(
          'hyperliquid_unreadable_fill',
          `a fill Hyperliquid pushed could not be read (${String(trade.id)})`,
        );
        continue;
      }
      if (raw.time >= book.fillCursor - LOOKBACK_MS) raws.push(raw);
    }
    const fills = reads.fillsOf(raws);
    let stillWorking = false;
    for (const fill of fills) {
      book.bookFill(fill);
      if (this.held.has(fill.venueOrderId)) this.bookHeld(fill.venueOrderId);
      if (working.list().includes(fill.venueOrderId)) stillWorking = true;
    }
    if (fills.length > 0) working.moved(this.o.clock());
    // Its state moved too (filled in part): the poll reads it now.
    if (stillWorking) poll.soon();
  }

  /** Books an order's pushed report once the fills it counts are booked. */
  private bookHeld(oid: string): void {
    const seen = this.held.get(oid);
    if (!seen) return;
    const { reads, book, ids, working, poll } = this.o;
    const filledHere = dec(seen.raw.origSz).minus(seen.raw.sz);
    if (filledHere.gt(this.booked.get(oid) ?? dec(0))) {
      // Its fills are on their way (the other channel) or were missed: REST settles it if they do not come.
      poll.soon();
      return;
    }
    this.held.delete(oid);
    const [report] = reads.reportsOf([seen]);
    if (!report) {
      // A coin this adapter does not trade, or a status it cannot read: REST knows.
      poll.askCatchUp(true);
      poll.soon();
      return;
    }
    if (!isTerminal(report) && ids.isBraids(seen.raw.cloid)) working.watch(oid);
    book.bookReport(report);
  }
}
