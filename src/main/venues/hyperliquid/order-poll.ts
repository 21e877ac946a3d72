// The REST poll: what brings Braid its order reports and fills (Hyperliquid's socket does not replay
// what was missed, so REST is what reconciles anyway). Each poll asks orderStatus of every order
// believed working (weight 2 each) and follows a modify that had no answer to its newest oid; fills
// (userFillsByTime) and the open list only when something moved or lately did, after a reconnection,
// and at least every fullPollMs (orders placed elsewhere on the account).
import type { VenueFill } from '../venue.ts';
import type { AccountReads, Seen } from './account-reads.ts';
import type { Timers } from './dead-man.ts';
import type { HyperliquidMarkets } from './markets.ts';
import type { OrderIds } from './order-ids.ts';
import { LOOKBACK_MS, type ReportBook } from './report-book.ts';
import type { WorkingOrders } from './working-orders.ts';

/** What a status answer shows of an order: a change in it is a move. */
const seenKey = (x: Seen) =>
  [x.status, x.raw.sz, x.raw.origSz, x.raw.limitPx, x.raw.triggerPx ?? ''].join('|');

export interface OrderPollOptions {
  reads: AccountReads;
  book: ReportBook;
  ids: OrderIds;
  markets: HyperliquidMarkets;
  working: WorkingOrders;
  timers: Timers;
  clock: () => number;
  /** Connected and not stopping: a poll that finds this false reports nothing. */
  running: () => boolean;
  /** Between the end of one poll and the start of the next. Default 2 s. */
  pollMs?: number;
  /** At least this often a poll reads fills and the open list. Default 30 s. */
  fullPollMs?: number;
}

export class OrderPoll {
  private readonly o: OrderPollOptions;
  /** What the last status poll saw of each oid (did it move?). */
  private readonly seenKeys = new Map<string, string>();
  private lastFullPollAt: number | null = null;
  /** A full read is owed (a reconnection: whatever happened while away). */
  private catchUp = false;
  private timer: unknown = null;
  private polling: Promise<void> | null = null;

  constructor(options: OrderPollOptions) {
    this.o = options;
  }

  /** The next poll reads fills and the open list in full. */
  askCatchUp(): void {
    this.catchUp = true;
  }

  schedule(delayMs = this.o.pollMs ?? 2_000): void {
    if (!this.o.running()) return;
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = null;
      void this.now();
    }, delayMs);
  }

  /** One poll now (or the one in flight). */
  now(): Promise<void> {
    if (!this.polling) {
      this.polling = this.once().finally(() => {
        this.polling = null;
        this.schedule();
      });
    }
    return this.polling;
  }

  /** No more polls; one in flight reports nothing (running is off). */
  stop(): void {
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * One poll. Fills are emitted before reports, so the state a report shows is explained by fills
   * booked (and a replaced oid's fills count in its successor's).
   */
  private async once(): Promise<void> {
    const { reads, book, ids, markets, working, clock, running } = this.o;
    if (!running()) return;
    const seen: Seen[] = [];
    let moved = false;
    // A modify without an answer: the newest order carrying the cloid is the one to follow.
    for (const cloid of ids.unsettledReplacements()) {
      const newest = await reads.statusSeen(cloid);
      if (!newest.ok || !running()) return;
      ids.replaceSettled(cloid);
      if (!newest.value) continue;
      const symbol = markets.symbolOf(newest.value.raw.coin);
      if (symbol) ids.rememberOid(newest.value.raw.oid, symbol, cloid);
      ids.setCurrent(cloid, newest.value.raw.oid);
      working.watch(newest.value.raw.oid);
      moved = true;
    }
    for (const oid of working.list()) {
      const status = await reads.statusSeen(oid);
      if (!status.ok || !running()) return;
      if (!status.value) {
        working.drop(oid);
        continue;
      }
      const key = seenKey(status.value);
      const before = this.seenKeys.get(oid);
      // First sight of an order counts as a move only if it has filled or ended.
      const fresh = status.value.status === 'open' && status.value.raw.sz === status.value.raw.origSz;
      if (before === undefined ? !fresh : before !== key) moved = true;
      this.seenKeys.set(oid, key);
      seen.push(status.value);
    }
    const now = clock();
    if (moved) working.moved(now);
    const full =
      this.catchUp ||
      this.lastFullPollAt === null ||
      working.settling(now) ||
      now - this.lastFullPollAt >= (this.o.fullPollMs ?? 30_000);
    let fills: VenueFill[] = [];
    if (full) {
      const read = await reads.fillsRaw(book.fillCursor - LOOKBACK_MS);
      if (!read.ok || !running()) return;
      fills = reads.fillsOf(read.value);
      const open = await reads.openSeen();
      if (!open.ok || !running()) return;
      const polled = new Set(seen.map((x) => x.raw.oid));
      for (const x of open.value) {
        if (!polled.has(x.raw.oid)) {
          seen.push(x);
          this.seenKeys.set(x.raw.oid, seenKey(x));
        }
        // Braid's own orders are watched until they end; another's is shown while it works.
        if (ids.isBraids(x.raw.cloid)) working.watch(x.raw.oid);
      }
      this.lastFullPollAt = now;
      // This read was the catch-up (a reconnection during it is caught up by it too).
      this.catchUp = false;
    }
    for (const fill of fills) book.bookFill(fill);
    for (const report of reads.reportsOf(seen)) book.bookReport(report);
    book.prune();
  }
}
