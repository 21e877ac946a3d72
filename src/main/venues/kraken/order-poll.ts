// The REST poll: what brings Braid its order reports and fills when nothing is pushed, and what catches
// up after the socket was away. Each poll reads OpenOrders (1 point on Kraken's call counter, which
// decays by 0.33 a second on a starter key); ClosedOrders and TradesHistory (3 more) only when something
// moved, and at least every fullPollMs for orders placed elsewhere on the account. While the private
// WebSocket carries the pushes it polls only every reconcileMs; a catch-up asked for (a subscription, a
// drop) is a full read at once.
import { dec } from '../../../shared/domain/decimal.ts';
import type { VenueFill, VenueOrderReport } from '../venue.ts';
import type { AccountReads } from './account-reads.ts';
import type { Timers } from './dead-man.ts';
import type { KnownOrders } from './known-orders.ts';
import type { ReportBook } from './report-book.ts';

/**
 * How far behind its cursor each poll reads trades and closed orders again: Kraken's `start` is
 * exclusive and in whole seconds, venue time may run behind ours, and a trade can be reported after
 * later ones. What comes twice is dropped by trade id and by the order's last report.
 */
const LOOKBACK_MS = 60_000;
/** After an order moves, how long polls keep reading closed orders and trades (late fills). */
const SETTLE_MS = 10_000;
/**
 * REST cadence while the WebSocket carries the pushes: a reconciliation poll costs 1 point on the call
 * counter (4 when it reads closed orders and trades, at least every fullPollMs), the dead-man refresh
 * 1 every 15 s: about 0.2 a second, under a starter key's decay of 0.33.
 */
const RECONCILE_MS = 20_000;

export interface OrderPollOptions {
  reads: AccountReads;
  book: ReportBook;
  known: KnownOrders;
  timers: Timers;
  clock: () => number;
  /** Connected and not stopping: a poll that finds this false reports nothing. */
  running: () => boolean;
  pollMs?: number;
  fullPollMs?: number;
  reconcileMs?: number;
}

export class OrderPoll {
  private readonly o: OrderPollOptions;
  private lastFullPollAt: number | null = null;
  private readingUntil = 0;
  private timer: unknown = null;
  private polling: Promise<void> | null = null;
  /** The WebSocket is subscribed: REST polls at the reconciliation cadence. */
  private pushed = false;
  /**
   * Catch-ups asked for (a subscription, a drop) and done: a full read (closed orders, trades) started
   * after the last ask settles it, so one asked for while a read is in flight gets a read of its own.
   */
  private catchUpAsked = 0;
  private catchUpDone = 0;

  constructor(options: OrderPollOptions) {
    this.o = options;
  }

  /** Between polls now: the reconciliation cadence while the WebSocket is subscribed, else pollMs. */
  interval(): number {
    return this.pushed ? (this.o.reconcileMs ?? RECONCILE_MS) : (this.o.pollMs ?? 1_000);
  }

  /** A full read is owed: after a (re)subscription or a drop. */
  catchingUp(): boolean {
    return this.catchUpAsked > this.catchUpDone;
  }

  /** The WebSocket is (or is not any more) what brings the pushes: the cadence follows. */
  pushesFlowing(up: boolean): void {
    this.pushed = up;
  }

  /** The next full poll settles whatever was missed so far. */
  askCatchUp(): void {
    this.catchUpAsked++;
  }

  /** The next poll after the cadence (at once while a catch-up is owed). */
  schedule(delayMs = this.catchingUp() ? 0 : this.interval()): void {
    if (!this.o.running()) return;
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = null;
      void this.now();
    }, delayMs);
  }

  /** A poll at once, or right after the one in flight. */
  soon(): void {
    if (!this.o.running()) return;
    if (this.polling) return; // its end schedules the next, at once while a catch-up is owed
    this.schedule(0);
  }

  /** One poll now (or the one in flight): open orders, closed orders and trades since the cursors. */
  now(): Promise<void> {
    if (!this.polling) {
      this.polling = this.once().finally(() => {
        this.polling = null;
        this.schedule();
      });
    }
    return this.polling;
  }

  /** No more polls; one in flight sends nothing more and reports nothing (running is off). */
  stop(): void {
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timer = null;
    this.pushed = false;
  }

  /**
   * One poll. ClosedOrders and TradesHistory only when something moved: an order we hold as working left
   * the open list, an open order's executed volume changed, a report shows more executed than the fills
   * seen, a pushed report waits for its fills, or within SETTLE_MS of such a move (a fill can be reported
   * after the cancel that ended its order); and at least every fullPollMs.
   */
  private async once(): Promise<void> {
    const { reads, book, known, clock, running } = this.o;
    if (!running()) return;
    const started = clock();
    const open = await reads.openOrdersRaw();
    if (!open.ok || !running()) return;
    const openReports = reads.reportsOf(open.value);
    const openIds = new Set(openReports.map((r) => r.venueOrderId));
    const now = clock();
    const vanished = known.anyWorkingLeft(openIds);
    const progressed = openReports.some(
      (r) => !dec(r.filledQuantity).eq(book.reportedFilled(r.venueOrderId)),
    );
    if (vanished || progressed) this.readingUntil = Math.max(this.readingUntil, now + SETTLE_MS);
    const asked = this.catchUpAsked;
    const full =
      this.catchingUp() ||
      this.lastFullPollAt === null ||
      now < this.readingUntil ||
      book.owedFills(now) ||
      book.holding ||
      now - this.lastFullPollAt >= (this.o.fullPollMs ?? 30_000);

    let closedReports: VenueOrderReport[] = [];
    let fills: VenueFill[] = [];
    if (full) {
      const closed = await reads.closedOrdersRaw(book.closedCursor - LOOKBACK_MS);
      if (!closed.ok || !running()) return;
      // Trades after orders: every fill an order report counts is then already in hand.
      const tradesFrom = book.fillCursor - LOOKBACK_MS;
      const trades = await reads.tradesRaw(tradesFrom);
      if (!trades.ok || !running()) return;
      closedReports = reads.reportsOf(closed.value);
      fills = reads.fillsOf(trades.value, tradesFrom);
      this.lastFullPollAt = now;
      this.catchUpDone = Math.max(this.catchUpDone, asked);
    }

    // Open orders were read first: an order in both lists closed in between, and its closed report wins.
    const latest = new Map<string, VenueOrderReport>();
    for (const r of [...openReports, ...closedReports]) latest.set(r.venueOrderId, r);
    // Fills first: the state an order report shows is then explained by fills already booked.
    for (const fill of fills) {
      book.bookFill(fill);
      book.releaseHeld(fill.venueOrderId);
    }
    for (const report of latest.values()) {
      // REST has the whole order: a pushed report held for its fills is superseded.
      book.dropHeld(report.venueOrderId);
      book.bookReport(report, now);
    }
    known.workingFrom(openIds, started);
    // Forgets what no later poll can bring back (behind both cursors by more than their margin).
    book.forgetBefore(Math.min(book.fillCursor, book.closedCursor) - 2 * LOOKBACK_MS);
  }
}
