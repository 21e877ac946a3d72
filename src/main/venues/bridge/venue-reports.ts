// The venue's word turned into the engine's: order reports become `accepted` (the first time the venue
// shows the order working) and then `status` on each change (polls repeat reports: a repeat is dropped);
// fills become `filled`, the fee kept only in the quote currency. Orders nobody at Braid placed are shown
// once as `external_order`; their fills go through for the engine to notice (never a silent change).
import { dec } from '../../../shared/domain/decimal.ts';
import type { VenueEvent } from '../../engine/venues/venue.ts';
import { quoteOf } from '../order-rounding.ts';
import type { VenueEvent as LiveEvent, VenueFill, VenueOrderReport } from '../venue.ts';
import type { BridgeCore } from './core.ts';
import type { OutcomeQueries } from './outcome-queries.ts';
import { isEnded, statusKey, statusState, type Tracked } from './tracked-orders.ts';

export class VenueReports {
  /** External orders already shown, by venue id and state (polls repeat them). */
  private readonly externalSeen = new Map<string, string>();

  private readonly core: BridgeCore;
  private readonly queries: OutcomeQueries;
  /** Was this trade passed to the engine already? */
  private readonly delivered: (tradeId: string) => boolean;

  constructor(core: BridgeCore, queries: OutcomeQueries, delivered: (tradeId: string) => boolean) {
    this.core = core;
    this.queries = queries;
    this.delivered = delivered;
  }

  onLive(e: LiveEvent): void {
    if (this.core.disposed()) return;
    switch (e.type) {
      case 'order':
        this.onReport(e.report);
        return;
      case 'fill':
        this.onFill(e.fill);
        return;
      case 'notice':
        this.core.notice(e.level, e.code, e.message);
        return;
      case 'fee':
        this.onFee(e);
        return;
      default:
        // Connection events are the registry's (reconciliation, the Venues panel).
        return;
    }
  }

  /** A venue's word on one of Braid's orders, as the engine takes it: `accepted` the first time the venue
   *  shows it working, then `status` on each change. `solicited`: a query's answer, always passed on. */
  passStatus(t: Tracked, report: VenueOrderReport, solicited: boolean): void {
    const { orders } = this.core;
    orders.setVenueId(t, report.venueOrderId);
    const ended = isEnded(report.state);
    if (t.phase === 'sending' || t.phase === 'queued') t.phase = 'sent';
    if (!t.told && !ended && t.phase !== 'unknown') {
      t.told = true;
      t.lastStatus = statusKey(report);
      this.core.emit({
        type: 'accepted',
        clientOrderId: t.id,
        venueOrderId: report.venueOrderId,
        time: report.time,
      });
      return;
    }
    const key = statusKey(report);
    if (!solicited && key === t.lastStatus) return;
    t.lastStatus = key;
    t.told = true;
    if (ended) {
      orders.end(t);
      this.queries.clearConfirm(t);
    } else if (t.phase === 'unknown') {
      t.phase = 'sent';
    }
    const price = t.type === 'stop' ? (report.stopPrice ?? report.price) : report.price;
    this.core.emit({
      type: 'status',
      clientOrderId: t.id,
      venueOrderId: report.venueOrderId,
      state: statusState(report.state),
      quantity: report.quantity,
      filledQuantity: report.filledQuantity,
      ...(price !== undefined ? { price } : {}),
      time: report.time,
    });
  }

  /** The engine's `filled` from a venue fill; the fee only when it is in the quote currency. */
  filledEvent(fill: VenueFill, clientOrderId: string): Extract<VenueEvent, { type: 'filled' }> {
    const quote = this.core.instrument(fill.symbol)?.quote ?? quoteOf(fill.symbol);
    let fee = fill.fee;
    // A stock (no quote in its name) before the venue's instruments are read (a fill IB pushes while it
    // connects): its commission is in the account's currency, as the broker charges it; kept.
    const unknownQuote = quote === '';
    if (!unknownQuote && fill.feeCurrency.toUpperCase() !== quote.toUpperCase() && !dec(fill.fee).eq(0)) {
      fee = '0';
      this.core.notice(
        'warning',
        'fee_not_converted',
        `trade ${fill.tradeId}: fee ${fill.fee} ${fill.feeCurrency} is not in ${quote}; booked without it`,
        clientOrderId,
      );
    }
    return {
      type: 'filled',
      clientOrderId,
      time: fill.time,
      price: fill.price,
      quantity: fill.quantity,
      fee,
      liquidity: fill.liquidity,
      tradeId: fill.tradeId,
      venueOrderId: fill.venueOrderId,
    };
  }

  /** A late fee: to the engine (it books it once per trade id) when in the account's currency. */
  private onFee(e: Extract<LiveEvent, { type: 'fee' }>): void {
    const id = this.core.orders.braidId(e.clientOrderId, e.venueOrderId);
    if (id === null) return;
    this.core.emit({ type: 'fee', clientOrderId: id, tradeId: e.tradeId, fee: e.fee, time: e.time });
  }

  private onReport(report: VenueOrderReport): void {
    const { orders } = this.core;
    const id = orders.braidId(report.clientOrderId, report.venueOrderId);
    if (id === null) {
      this.passExternal(report);
      return;
    }
    const t = orders.get(id) ?? orders.track({ ...report, clientOrderId: id, phase: 'sent' });
    // A report is an answer too: no need to keep asking (unless a lost cancel or change waits on a
    // query's answer: a poll may have read the order before the request reached it).
    const wasUnknown = this.queries.answeredElsewhere(t);
    this.passStatus(t, report, wasUnknown);
  }

  private passExternal(report: VenueOrderReport): void {
    const key = statusKey(report);
    if (this.externalSeen.get(report.venueOrderId) === key) return;
    const first = !this.externalSeen.has(report.venueOrderId);
    this.externalSeen.set(report.venueOrderId, key);
    // Shown once, while it works: its later changes are not Braid's to book.
    if (!first || isEnded(report.state)) return;
    this.core.emit({
      type: 'external_order',
      venueOrderId: report.venueOrderId,
      symbol: this.core.toBraid(report.symbol),
      side: report.side,
      quantity: report.quantity,
      ...(report.price !== undefined ? { price: report.price } : {}),
      time: report.time,
    });
  }

  private onFill(fill: VenueFill): void {
    if (this.delivered(fill.tradeId)) return;
    const { orders } = this.core;
    const id = orders.braidId(fill.clientOrderId, fill.venueOrderId);
    const t = id === null ? undefined : orders.get(id);
    if (t) {
      orders.setVenueId(t, fill.venueOrderId);
      if (!t.told && t.phase !== 'unknown' && t.phase !== 'ended') {
        t.told = true;
        this.core.emit({
          type: 'accepted',
          clientOrderId: t.id,
          venueOrderId: fill.venueOrderId,
          time: fill.time,
        });
      }
    }
    // A fill for an order nobody at Braid placed goes through as it is: the engine books no position from
    // it and raises its notice (venues.md: never a silent change).
    this.core.emit(this.filledEvent(fill, id ?? fill.clientOrderId ?? `external:${fill.venueOrderId}`));
  }
}
