// Finding out what became of an order by asking the venue for it by client id, with backoff, until it
// answers: after an `unknown` outcome (the request is never sent again), after a cancel or change whose
// answer was lost (the answer settles it), after "no such open order" on a cancel (how did it end?), and
// when an accepted cancel's report has not come by `confirmAfterMs`. A report that arrives meanwhile is an
// answer too. An order never heard of is taken as never arrived only after `notFoundConfirmations`
// answers: a request that timed out may still be on its way into the venue.
import { dec } from '../../../shared/domain/decimal.ts';
import { type BackoffPolicy, backoffDelay, type Timers } from '../backoff.ts';
import type { VenueOrderReport, VenueRead } from '../venue.ts';
import { type BridgeCore, describe } from './core.ts';
import { applyChange, gone, isEnded, type OrderChange, type Tracked } from './tracked-orders.ts';

/** A cancel or change whose answer was lost: the next query's answer settles it. */
export type Unsettled = { kind: 'cancel' } | { kind: 'modify'; change: OrderChange };

interface Asking {
  querying: boolean;
  attempt: number;
  notFound: number;
  queryTimer: unknown;
  confirmTimer: unknown;
  unsettled?: Unsettled;
}

export interface OutcomeQueryOptions {
  timers: Timers;
  random: () => number;
  backoff: BackoffPolicy;
  confirmAfterMs: number;
  notFoundConfirmations: number;
  /** The venue's answer about the order, passed on to the engine as its status. */
  answered: (t: Tracked, report: VenueOrderReport) => void;
}

export class OutcomeQueries {
  /** Only orders being asked about, or awaiting a confirmation: the entry goes once it is idle. */
  private readonly asking = new Map<Tracked, Asking>();

  private readonly core: BridgeCore;
  private readonly o: OutcomeQueryOptions;

  constructor(core: BridgeCore, o: OutcomeQueryOptions) {
    this.core = core;
    this.o = o;
  }

  /** Starts asking about the order, unless already asking. */
  start(t: Tracked): void {
    const a = this.stateOf(t);
    if (a.querying || this.core.disposed()) {
      this.tidy(t, a);
      return;
    }
    a.querying = true;
    a.attempt = 0;
    a.notFound = 0;
    this.schedule(t, a);
  }

  /** A cancel or change whose answer was lost: the next answer about the order settles it. */
  unsettle(t: Tracked, unsettled: Unsettled): void {
    this.stateOf(t).unsettled = unsettled;
  }

  isAsking(t: Tracked): boolean {
    return this.asking.get(t)?.querying ?? false;
  }

  awaitingConfirmation(t: Tracked): boolean {
    const timer = this.asking.get(t)?.confirmTimer;
    return timer !== undefined && timer !== null;
  }

  /** How many of these orders are being asked about. */
  askingAmong(orders: Iterable<Tracked>): number {
    let n = 0;
    for (const t of orders) if (this.isAsking(t)) n++;
    return n;
  }

  /**
   * Word about the order came another way (a report, reconciliation): no need to keep asking, unless a
   * lost cancel or change waits on a query's answer (a poll may have read the order before the request
   * reached it). True when it stopped a query.
   */
  answeredElsewhere(t: Tracked): boolean {
    const a = this.asking.get(t);
    if (!a?.querying || a.unsettled !== undefined) return false;
    a.querying = false;
    if (a.queryTimer !== null) this.o.timers.clearTimeout(a.queryTimer);
    a.queryTimer = null;
    this.tidy(t, a);
    return true;
  }

  /** Asks the venue about an order if no report has ended it by `confirmAfterMs`. */
  confirmLater(t: Tracked): void {
    if (gone(t)) return;
    t.lastStatus = undefined;
    this.clearConfirm(t);
    const a = this.stateOf(t);
    a.confirmTimer = this.o.timers.setTimeout(() => {
      const waited = this.asking.get(t);
      if (waited) {
        waited.confirmTimer = null;
        this.tidy(t, waited);
      }
      if (!gone(t)) this.start(t);
    }, this.o.confirmAfterMs);
  }

  clearConfirm(t: Tracked): void {
    const a = this.asking.get(t);
    if (!a) return;
    if (a.confirmTimer !== null) this.o.timers.clearTimeout(a.confirmTimer);
    a.confirmTimer = null;
    this.tidy(t, a);
  }

  /** Stops every query and confirmation wait (dispose). */
  stopAll(): void {
    for (const a of this.asking.values()) {
      if (a.confirmTimer !== null) this.o.timers.clearTimeout(a.confirmTimer);
      if (a.queryTimer !== null) this.o.timers.clearTimeout(a.queryTimer);
      a.confirmTimer = null;
      a.queryTimer = null;
      a.querying = false;
    }
    this.asking.clear();
  }

  private stateOf(t: Tracked): Asking {
    let a = this.asking.get(t);
    if (!a) {
      a = { querying: false, attempt: 0, notFound: 0, queryTimer: null, confirmTimer: null };
      this.asking.set(t, a);
    }
    return a;
  }

  private tidy(t: Tracked, a: Asking): void {
    if (!a.querying && a.queryTimer === null && a.confirmTimer === null && a.unsettled === undefined)
      this.asking.delete(t);
  }

  private schedule(t: Tracked, a: Asking): void {
    const wait = backoffDelay(this.o.backoff, a.attempt++, this.o.random);
    a.queryTimer = this.o.timers.setTimeout(() => {
      a.queryTimer = null;
      void this.ask(t);
    }, wait);
  }

  private async ask(t: Tracked): Promise<void> {
    let read: VenueRead<VenueOrderReport | null>;
    try {
      read = await this.core.live.orderStatus({
        clientOrderId: t.id,
        ...(t.venueOrderId ? { venueOrderId: t.venueOrderId } : {}),
      });
    } catch (e) {
      read = { ok: false, message: describe(e), retryable: true };
    }
    // A report may have answered meanwhile (read the state again: it may have changed across the await).
    const a = this.asking.get(t);
    if (this.core.disposed() || !a?.querying) return;
    if (!read.ok) {
      this.schedule(t, a);
      return;
    }
    const now = () => this.core.now();
    if (read.value === null) {
      if (t.phase === 'unknown' && ++a.notFound < this.o.notFoundConfirmations) {
        this.schedule(t, a);
        return;
      }
      a.querying = false;
      if (a.unsettled?.kind === 'modify')
        this.core.emit({
          type: 'modify_rejected',
          clientOrderId: t.id,
          reason: 'the order is gone',
          time: now(),
        });
      a.unsettled = undefined;
      this.tidy(t, a);
      if (t.told && t.phase !== 'unknown')
        this.core.notice('warning', 'order_not_found', `order ${t.id}: the venue has no record of it`, t.id);
      // Never arrived (the request is not sent again), or gone: the engine ends it.
      this.core.orders.end(t);
      this.core.emit({ type: 'status', clientOrderId: t.id, time: now() });
      return;
    }
    a.querying = false;
    const unsettled = a.unsettled;
    a.unsettled = undefined;
    this.tidy(t, a);
    this.settle(t, unsettled, read.value);
    this.o.answered(t, read.value);
  }

  /** A cancel or change whose answer was lost, settled by what the venue shows now. */
  private settle(t: Tracked, unsettled: Unsettled | undefined, report: VenueOrderReport): void {
    if (!unsettled || isEnded(report.state)) return;
    const now = this.core.now();
    if (unsettled.kind === 'cancel') {
      this.core.emit({
        type: 'cancel_rejected',
        clientOrderId: t.id,
        reason: 'the cancel did not reach the venue: the order still works there',
        time: now,
      });
      return;
    }
    const { quantity, price } = unsettled.change;
    const shown = t.type === 'stop' ? (report.stopPrice ?? report.price) : report.price;
    const took =
      (quantity === undefined || dec(report.quantity).eq(quantity)) &&
      (price === undefined || (shown !== undefined && dec(shown).eq(price)));
    if (took) this.core.emit(applyChange(t, unsettled.change, now));
    else
      this.core.emit({
        type: 'modify_rejected',
        clientOrderId: t.id,
        reason: 'the venue kept the order as it was',
        time: now,
      });
  }
}
