// The REST poll: what brings Braid its order reports and fills when nothing is pushed, and what
// reconciles when something is (Hyperliquid's socket does not replay what was missed). Each poll asks
// orderStatus of every order believed working (weight 2 each) and follows a modify that had no answer
// to its newest oid; fills (userFillsByTime) and the open list only when something moved or lately did,
// after a reconnection or a (re)subscription of the socket, while the connection is in doubt (a failed
// read: the next poll is what mends it, so it must ask), and at least every fullPollMs (orders placed
// elsewhere on the account). While the socket pushes, polls come every reconcileMs instead of pollMs.
// Near the weight ceiling a poll skips its round: order actions come first.
import type { VenueFill } from '../venue.ts';
import type { AccountReads, Seen } from './account-reads.ts';
import type { Timers } from './dead-man.ts';
import type { HyperliquidMarkets } from './markets.ts';
import type { OrderIds } from './order-ids.ts';
import { LOOKBACK_MS, type ReportBook } from './report-book.ts';
import type { WorkingOrders } from './working-orders.ts';

/** Between polls while the WebSocket pushes: a reconciliation, not the way news arrives. */
export const RECONCILE_MS = 20_000;

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
  /** Between polls while the WebSocket pushes. Default RECONCILE_MS. */
  reconcileMs?: number;
  /** The connection is in doubt (a call failed): the next poll reads in full, so an answer mends it. */
  inDoubt?: () => boolean;
  /** Would a read of this weight wait for the budget (actions first)? Then the round is skipped. */
  budgetTight?: (weight: number) => boolean;
}

export class OrderPoll {
  private readonly o: OrderPollOptions;
  /** What the last status poll saw of each oid (did it move?). */
  private readonly seenKeys = new Map<string, string>();
  private lastFullPollAt: number | null = null;
  /** A full read is owed after a reconnection: the read in flight, whose answers mended it, will do. */
  private catchUp = false;
  /**
   * Full reads owed since a (re)subscription of the socket, and settled: only a full read started after
   * the ask settles it (what happened while the read was in flight was pushed to nobody).
   */
  private catchUpAsked = 0;
  private catchUpDone = 0;
  /** The WebSocket is subscribed: REST polls at the reconciliation cadence. */
  private pushed = false;
  private timer: unknown = null;
  private polling: Promise<void> | null = null;
  /** soon() was asked during a poll: the next one starts when it ends. */
  private again = false;

  constructor(options: OrderPollOptions) {
    this.o = options;
  }

  /** The next full poll reads fills and the open list in full (`afterNow`: one that starts after now). */
  askCatchUp(afterNow = false): void {
    if (afterNow) this.catchUpAsked++;
    else this.catchUp = true;
  }

  /** A full read is owed. */
  catchingUp(): boolean {
    return this.catchUp || this.catchUpAsked > this.catchUpDone;
  }

  /** The WebSocket is (or is not any more) what brings the news: the cadence follows. */
  pushesFlowing(up: boolean): void {
    this.pushed = up;
  }

  /** Between polls now: reconcileMs while the WebSocket pushes, else pollMs. */
  interval(): number {
    return this.pushed ? (this.o.reconcileMs ?? RECONCILE_MS) : (this.o.pollMs ?? 2_000);
  }

  /** A poll at once, or right after the one in flight. */
  soon(): void {
    if (!this.o.running()) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  schedule(delayMs = this.interval()): void {
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
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.interval());
      });
    }
    return this.polling;
  }

  /** No more polls; one in flight reports nothing (running is off). */
  stop(): void {
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timer = null;
    this.pushed = false;
  }

  /**
   * One poll. Fills are emitted before reports, so the state a report shows is explained by fills
   * booked (and a replaced oid's fills count in its successor's).
   */
  private async once(): Promise<void> {
    const { reads, book, ids, markets, working, clock, running } = this.o;
    if (!running()) return;
    // Near the ceiling the round is skipped (an order may need the room); the next one comes as usual.
    if (this.o.budgetTight?.(2 * Math.max(1, working.list().length))) return;
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
    const inDoubt = this.o.inDoubt?.() ?? false;
    const full =
      this.catchingUp() ||
      inDoubt ||
      this.lastFullPollAt === null ||
      working.settling(now) ||
      now - this.lastFullPollAt >= (this.o.fullPollMs ?? 30_000);
    let fills: VenueFill[] = [];
    if (full) {
      const asked = this.catchUpAsked;
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
      // This read was the catch-up of a reconnection, and of what the socket asked before it began.
      this.catchUp = false;
      this.catchUpDone = Math.max(this.catchUpDone, asked);
    }
    for (const fill of fills) book.bookFill(fill);
    for (const report of reads.reportsOf(seen)) book.bookReport(report);
    book.prune();
  }
}
