// What the adapter has told Braid, per trade and per order, whichever way it came (REST poll or
// WebSocket push): each trade id booked once; an order report only when it says something new; a pushed
// report that counts fills not booked yet held until they are (Braid never sees an order filled further
// than its fills). The cursors (the latest fill, the latest final report) say where polls read from.
import { dec } from '../../../shared/domain/decimal.ts';
import type { VenueEvent, VenueFill, VenueOrderReport } from '../venue.ts';

/** How long a report whose fills have not all been seen keeps polls reading trades. */
const OWED_WINDOW_MS = 120_000;

const reportKey = (r: VenueOrderReport) =>
  [r.state, r.filledQuantity, r.quantity, r.price ?? '', r.stopPrice ?? '', r.avgFillPrice ?? ''].join('|');

/** Filled, cancelled, rejected, expired: no later report changes it. */
export function isTerminal(report: VenueOrderReport): boolean {
  return report.state !== 'open' && report.state !== 'partially_filled' && report.state !== 'pending';
}

export interface ReportBookOptions {
  emit: (event: VenueEvent) => void;
  clock: () => number;
  /** A held report was released and ended its order. */
  ended: (venueOrderId: string) => void;
}

export class ReportBook {
  private readonly o: ReportBookOptions;
  private readonly reported = new Map<
    string,
    { key: string; terminal: boolean; time: number; filled: string; seenAt: number }
  >();
  private readonly emittedTrades = new Map<string, number>();
  /** Quantity of the fills emitted, per Kraken order: a report that shows more is owed fills. */
  private readonly emittedFilled = new Map<string, ReturnType<typeof dec>>();
  /** Pushed reports that count fills not booked yet: sent once those fills are. */
  private readonly heldReports = new Map<string, VenueOrderReport>();
  private fills = 0;
  private closed = 0;

  constructor(options: ReportBookOptions) {
    this.o = options;
  }

  /** The latest fill booked (epoch ms). */
  get fillCursor(): number {
    return this.fills;
  }

  /** The latest final order report booked (epoch ms). */
  get closedCursor(): number {
    return this.closed;
  }

  /** Both cursors at `time` (connect: nothing before it is Braid's news). */
  startAt(time: number): void {
    this.fills = time;
    this.closed = time;
  }

  /** A fill, once per trade id whichever way it came (poll or push). */
  bookFill(fill: VenueFill): void {
    if (this.emittedTrades.has(fill.tradeId)) return;
    this.emittedTrades.set(fill.tradeId, fill.time);
    const sum = this.emittedFilled.get(fill.venueOrderId) ?? dec(0);
    this.emittedFilled.set(fill.venueOrderId, sum.plus(fill.quantity));
    this.o.emit({ type: 'fill', fill });
    this.fills = Math.max(this.fills, fill.time);
  }

  /** An order report, unless the last one said the same. */
  bookReport(report: VenueOrderReport, now: number): void {
    const key = reportKey(report);
    if (this.reported.get(report.venueOrderId)?.key === key) return;
    const terminal = isTerminal(report);
    this.reported.set(report.venueOrderId, {
      key,
      terminal,
      time: report.time,
      filled: report.filledQuantity,
      seenAt: now,
    });
    this.o.emit({ type: 'order', report });
    if (terminal) this.closed = Math.max(this.closed, report.time);
  }

  /** The filled quantity of the fills booked for an order ('0' if none). */
  bookedFilled(venueOrderId: string): string {
    return this.emittedFilled.get(venueOrderId)?.toString() ?? '0';
  }

  /** The filled quantity the order's last report showed ('0' if none). */
  reportedFilled(venueOrderId: string): string {
    return this.reported.get(venueOrderId)?.filled ?? '0';
  }

  /** Holds a report until the fills it counts are booked. */
  hold(venueOrderId: string, report: VenueOrderReport): void {
    this.heldReports.set(venueOrderId, report);
  }

  /** A held report is not wanted any more (a newer one is booked in its place). */
  dropHeld(venueOrderId: string): void {
    this.heldReports.delete(venueOrderId);
  }

  /** Reports are held for fills not booked yet. */
  get holding(): boolean {
    return this.heldReports.size > 0;
  }

  /** Books the order's held report once its fills are booked. */
  releaseHeld(venueOrderId: string): void {
    const held = this.heldReports.get(venueOrderId);
    if (!held) return;
    if (dec(held.filledQuantity).gt(this.emittedFilled.get(venueOrderId) ?? 0)) return;
    this.heldReports.delete(venueOrderId);
    this.bookReport(held, this.o.clock());
    if (isTerminal(held)) this.o.ended(venueOrderId);
  }

  /** Does a recent report count more executed than the fills seen for it? */
  owedFills(now: number): boolean {
    for (const [id, r] of this.reported) {
      if (now - r.seenAt > OWED_WINDOW_MS) continue;
      if (dec(r.filled).gt(this.emittedFilled.get(id) ?? 0)) return true;
    }
    return false;
  }

  /** Forgets trades and final reports from before `horizon`, which no later poll can bring back. */
  forgetBefore(horizon: number): void {
    for (const [id, time] of this.emittedTrades) if (time < horizon) this.emittedTrades.delete(id);
    for (const [id, r] of this.reported) {
      if (r.terminal && r.time < horizon) {
        this.reported.delete(id);
        this.emittedFilled.delete(id);
      }
    }
  }
}
