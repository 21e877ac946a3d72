// What the adapter has told Braid: each fill once per execId, whichever path brings it (the live
// execDetails, reqExecutions at a reconnect), and an order report only when it says something new (IB
// repeats orderStatus freely). A fill's commission comes later, in its own commissionReport keyed by
// execId: the fill is held until it arrives, or until `commissionWaitMs` passes, then goes with fee 0;
// a commission after that goes as a `fee` event, which the engine books once per trade id.
import { dec, str } from '../../../shared/domain/decimal.ts';
import type { Timers } from '../backoff.ts';
import type { VenueEvent, VenueFill, VenueOrderReport } from '../venue.ts';

const reportKey = (r: VenueOrderReport) =>
  [r.state, r.filledQuantity, r.quantity, r.price ?? '', r.stopPrice ?? '', r.avgFillPrice ?? ''].join('|');

/** execIds and reports remembered before the oldest are forgotten (a bound, not a policy). */
const CAP = 50_000;

export interface ReportBookOptions {
  emit: (event: VenueEvent) => void;
  notice: (level: 'info' | 'warning', code: string, message: string) => void;
  timers: Timers;
  /** How long a fill waits for its commission. */
  commissionWaitMs: number;
}

interface Held {
  fill: VenueFill;
  timer: unknown;
}

export class ReportBook {
  private readonly o: ReportBookOptions;
  /** execId → booked (emitted) or held. */
  private readonly booked = new Set<string>();
  private readonly held = new Map<string, Held>();
  /** Commissions that came before their execution. */
  private readonly early = new Map<string, { fee: string; currency: string }>();
  private readonly reported = new Map<string, string>();
  private cursor = 0;
  /** Fills booked (for the chaos counts). */
  fillsBooked = 0;
  duplicateFillsIgnored = 0;

  constructor(options: ReportBookOptions) {
    this.o = options;
  }

  /** The latest booked fill (epoch ms): the next reqExecutions asks from here. */
  get fillCursor(): number {
    return this.cursor;
  }

  startAt(time: number): void {
    this.cursor = Math.max(this.cursor, time);
  }

  /** Fills waiting for their commission. */
  get heldCount(): number {
    return this.held.size;
  }

  /** An execution: booked once; held for its commission unless that came first. */
  execution(fill: VenueFill): void {
    const id = fill.tradeId;
    if (this.booked.has(id) || this.held.has(id)) {
      this.duplicateFillsIgnored += 1;
      return;
    }
    this.cursor = Math.max(this.cursor, fill.time);
    const early = this.early.get(id);
    if (early) {
      this.early.delete(id);
      this.book({ ...fill, fee: early.fee, feeCurrency: early.currency });
      return;
    }
    if (this.o.commissionWaitMs <= 0) {
      this.book(fill);
      return;
    }
    const timer = this.o.timers.setTimeout(() => this.release(id), this.o.commissionWaitMs);
    this.held.set(id, { fill, timer });
  }

  /** A commissionReport. */
  commission(execId: string, commission: number, currency: string | undefined): void {
    const fee = Number.isFinite(commission) && commission < 1e300 ? str(dec(commission)) : '0';
    const held = this.held.get(execId);
    if (held) {
      this.o.timers.clearTimeout(held.timer);
      this.held.delete(execId);
      this.book({ ...held.fill, fee, feeCurrency: currency || held.fill.feeCurrency });
      return;
    }
    if (this.booked.has(execId)) {
      // Repeated by IB after a reqExecutions, or later than the wait: only the latter is news.
      if (this.lateSaid.has(execId)) return;
      this.lateSaid.add(execId);
      const released = this.releasedWithoutFee.get(execId);
      if (fee !== '0' && released) {
        this.releasedWithoutFee.delete(execId);
        // The engine books it against the fill's trade id (once: it refuses a second).
        this.o.emit({
          type: 'fee',
          tradeId: execId,
          venueOrderId: released.venueOrderId,
          ...(released.clientOrderId !== undefined ? { clientOrderId: released.clientOrderId } : {}),
          fee,
          currency: currency || released.feeCurrency,
          time: released.time,
        });
      }
      return;
    }
    this.early.set(execId, { fee, currency: currency || 'USD' });
    if (this.early.size > CAP) this.early.delete(this.early.keys().next().value as string);
  }

  /** Fills sent on with fee 0 after the wait, by execId, until their commission comes. */
  private readonly releasedWithoutFee = new Map<string, VenueFill>();
  private readonly lateSaid = new Set<string>();

  /** The wait passed: the fill goes with fee 0. */
  release(execId: string): void {
    const held = this.held.get(execId);
    if (!held) return;
    this.held.delete(execId);
    this.releasedWithoutFee.set(execId, held.fill);
    if (this.releasedWithoutFee.size > CAP)
      this.releasedWithoutFee.delete(this.releasedWithoutFee.keys().next().value as string);
    this.book(held.fill);
  }

  /** Every held fill goes now (disconnect: nothing is kept back from Braid). */
  releaseAll(): void {
    for (const id of [...this.held.keys()]) {
      const held = this.held.get(id);
      if (held) this.o.timers.clearTimeout(held.timer);
      this.release(id);
    }
  }

  private book(fill: VenueFill): void {
    this.booked.add(fill.tradeId);
    if (this.booked.size > CAP) this.booked.delete(this.booked.values().next().value as string);
    this.fillsBooked += 1;
    this.o.emit({ type: 'fill', fill });
  }

  /** An order report, unless the last one for the order said the same. */
  report(report: VenueOrderReport): void {
    const key = reportKey(report);
    if (this.reported.get(report.venueOrderId) === key) return;
    this.reported.set(report.venueOrderId, key);
    if (this.reported.size > CAP) this.reported.delete(this.reported.keys().next().value as string);
    this.o.emit({ type: 'order', report });
  }
}
