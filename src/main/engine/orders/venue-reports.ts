// Venue reports applied to the engine's orders through the order state machine (NautilusTrader's
// ExecutionEngine, its event side). The paper venue answers inside the caller's stack and exactly as
// replay.md says; a live (asynchronous) venue's reports arrive later and may not fit what the engine
// believes: `unknown` resolved by a status, refused cancels and changes, late and duplicate fills, orders
// Braid does not know. Those never throw: what does not fit is a notice. Fills are booked once per venue
// trade id; what a fill does to cash, positions and plans is the booking's (hooks.filled).
import { type Dec, dec, str, ZERO } from '../../../shared/domain/decimal.ts';
import type { FillRecord, OrderRecord, OrderStatus } from '../../../shared/domain/order.ts';
import type { Side } from '../../../shared/domain/plan.ts';
import type { EventSink } from '../events.ts';
import type { Store } from '../store/store.ts';
import type { VenueEvent } from '../venues/venue.ts';
import type { OrderRouter } from './order-router.ts';
import { canTransition, isWorking } from './order-state.ts';

/** An order at a live venue that Braid did not place (reconciliation): shown, never managed. */
export interface ExternalOrder {
  venue: string;
  venueOrderId: string;
  symbol: string;
  side: Side;
  quantity: string;
  price?: string;
  time: number;
}

/** Venue reports about one of the engine's orders. */
export type OrderEvent = Exclude<VenueEvent, { type: 'external_order' | 'position_mismatch' }>;
const EXTERNAL_ORDERS_KEPT = 500;

/** What a report does beyond the order itself. */
export interface ReportHooks {
  /** A live venue's report time moves engine time on. */
  advance(time: number): void;
  /** A new fill applied to its order (`order` as it was before): cash, position, trade. */
  filled(order: OrderRecord, qty: Dec, value: Dec, fee: Dec, time: number): void;
  /** The venue refused the order: its plan follows. */
  rejected(order: OrderRecord, reason: string): void;
  /** A live venue ended a working order (`asked`: the cancel the engine asked for, if any). */
  ended(order: OrderRecord, as: 'cancelled' | 'expired', asked: 'cancelled' | 'expired' | undefined): void;
  /** After any live report about an order (`order` as it was before, `report` what came): its position's
   *  brackets follow. */
  reported(order: OrderRecord, report: OrderEvent): void;
  /** A funding payment on a position held at a live venue (perpetuals): booked by the portfolio. */
  funding?(venue: string, payment: { symbol: string; amount: string; time: number }): void;
  /** A late fee for a booked fill (`fill` as corrected): cash, and the position's or closed trade's P&L. */
  lateFee?(fill: FillRecord, fee: Dec): void;
}

export class VenueReports {
  private externals: ExternalOrder[] = [];
  /** Fills ignored because their trade id was booked already (a debug figure). */
  private duplicateFillCount = 0;
  private readonly router: OrderRouter;
  private readonly store: Store;
  private readonly events: EventSink;
  private readonly hooks: ReportHooks;

  constructor(router: OrderRouter, parts: { store: Store; events: EventSink }, hooks: ReportHooks) {
    this.router = router;
    this.store = parts.store;
    this.events = parts.events;
    this.hooks = hooks;
  }

  get duplicateFills(): number {
    return this.duplicateFillCount;
  }

  externalOrders(): readonly ExternalOrder[] {
    return this.externals;
  }

  onVenueEvent(venueName: string, e: VenueEvent): void {
    const live = this.router.isAsync(venueName);
    // A live venue reports later, outside any command: its time moves the engine's on (never back).
    if (live) this.hooks.advance(e.time);
    if (e.type === 'external_order') {
      this.noteExternal(venueName, e);
      return;
    }
    if (e.type === 'funding') {
      if (this.hooks.funding) this.hooks.funding(venueName, e);
      else
        this.events.notice(
          'warning',
          'funding_not_booked',
          `${venueName}: funding on ${e.symbol} not booked`,
        );
      return;
    }
    if (e.type === 'fee') {
      this.applyLateFee(venueName, e);
      return;
    }
    if (e.type === 'position_mismatch') {
      this.events.notice(
        'error',
        'position_mismatch',
        `${e.symbol}: the venue holds ${e.venueQuantity}, Braid ${e.engineQuantity}`,
      );
      return;
    }
    const known = this.store.orders.get(e.clientOrderId);
    const order = known && known.venue === venueName ? known : undefined;
    if (!order) {
      if (e.type === 'filled') {
        // Never a silent change: a fill Braid cannot place is shown, not booked.
        this.events.notice(
          'error',
          'external_fill',
          `${venueName} filled ${e.quantity} at ${e.price} for order ${e.clientOrderId}, which Braid did not place: not booked`,
        );
        return;
      }
      this.events.notice(
        'error',
        'unknown_order',
        `venue reported ${e.type} for unknown order ${e.clientOrderId}`,
      );
      return;
    }
    if (live) {
      if (order.status === 'held' && e.type !== 'filled') {
        // Held by the engine, not at the venue: nothing the venue says about it applies (a fill would be
        // money that moved, and is booked).
        this.events.notice(
          'warning',
          'venue_report_ignored',
          `${venueName} reported ${e.type} for ${order.id}, which Braid holds and has not sent`,
          order.planId,
        );
        return;
      }
      this.applyLiveEvent(order, e);
      // Brackets follow at once what the venue reported (an entry's fill, a leg's fill or change).
      this.hooks.reported(order, e);
      return;
    }
    switch (e.type) {
      case 'accepted':
        this.router.setOrder(order.id, { status: 'accepted', venueOrderId: e.venueOrderId });
        return;
      case 'rejected':
        this.router.setOrder(order.id, { status: 'rejected', rejectReason: e.reason });
        this.hooks.rejected(order, e.reason);
        return;
      case 'cancelled': {
        const as = this.router.cancelAs.get(order.id) ?? 'cancelled';
        this.router.cancelAs.delete(order.id);
        if (isWorking(order.status)) this.router.setOrder(order.id, { status: as });
        return;
      }
      case 'amended':
        this.router.setOrder(order.id, {
          quantity: e.quantity,
          ...(e.price !== undefined ? { price: e.price } : {}),
        });
        return;
      case 'filled':
        this.applyFill(order, e);
        return;
      default:
        // unknown, cancel_rejected, modify_rejected, status: asynchronous venues only.
        this.events.notice(
          'warning',
          e.type,
          `order ${order.id}: ${e.type} from ${order.venue}`,
          order.planId,
        );
        return;
    }
  }

  /** A live venue's report, applied through the order state machine. Never throws: a report that does not
   *  fit the order's state is a notice. */
  private applyLiveEvent(order: OrderRecord, e: OrderEvent): void {
    const id = order.id;
    switch (e.type) {
      case 'accepted':
        if (order.status === 'submitted' || order.status === 'unknown')
          this.router.setOrder(id, { status: 'accepted', venueOrderId: e.venueOrderId });
        else if (order.venueOrderId === undefined) this.router.setOrder(id, { venueOrderId: e.venueOrderId });
        return;
      case 'rejected':
        if (!this.tryStatus(order, 'rejected', { rejectReason: e.reason })) return;
        this.hooks.rejected(order, e.reason);
        return;
      case 'cancelled':
        this.endAsVenueSays(order, this.router.cancelAs.get(id) ?? 'cancelled');
        return;
      case 'amended': {
        const back = order.status === 'pending_modify' ? { status: workingStatus(order) } : {};
        this.router.setOrder(id, {
          ...back,
          quantity: e.quantity,
          ...(e.price !== undefined ? { price: e.price } : {}),
        });
        return;
      }
      case 'filled':
        this.applyFill(order, e);
        return;
      case 'unknown':
        if (!isWorking(order.status) || order.status === 'unknown') return;
        this.router.setOrder(id, { status: 'unknown' });
        this.events.notice(
          'warning',
          'order_unknown',
          `order ${id}: the answer from ${order.venue} was lost (${e.reason}); unknown until ${order.venue} is asked`,
          order.planId,
        );
        return;
      case 'cancel_rejected':
        if (order.status !== 'pending_cancel') return;
        this.router.cancelAs.delete(id);
        this.router.setOrder(id, { status: workingStatus(order) });
        this.events.notice(
          'warning',
          'cancel_rejected',
          `${order.venue} refused to cancel ${id}: ${e.reason}`,
          order.planId,
        );
        return;
      case 'modify_rejected':
        if (order.status !== 'pending_modify') return;
        this.router.setOrder(id, { status: workingStatus(order) });
        this.events.notice(
          'warning',
          'modify_rejected',
          `${order.venue} refused to change ${id}: ${e.reason}`,
          order.planId,
        );
        return;
      case 'status':
        this.applyStatus(order, e);
        return;
    }
  }

  /** What a query or a reconciliation found. Quantities come from the fill events, never from here. */
  private applyStatus(order: OrderRecord, e: Extract<VenueEvent, { type: 'status' }>): void {
    const id = order.id;
    if (e.venueOrderId !== undefined && order.venueOrderId === undefined)
      this.router.setOrder(id, { venueOrderId: e.venueOrderId });
    const now = this.store.orders.get(id)!;
    if (!isWorking(now.status)) return;
    switch (e.state) {
      case undefined:
        if (dec(now.filledQuantity).eq(0) && (now.status === 'unknown' || now.status === 'submitted')) {
          // The request never reached the venue: nothing works there, nothing is sent again.
          this.router.setOrder(id, { status: 'rejected', rejectReason: 'not at the venue' });
          this.hooks.rejected(now, 'not at the venue');
        } else {
          this.events.notice(
            'warning',
            'order_missing',
            `${now.venue} no longer holds ${id}: ended`,
            now.planId,
          );
          this.endAsVenueSays(now, this.router.cancelAs.get(id) ?? 'cancelled');
        }
        return;
      case 'open':
      case 'partially_filled':
      case 'filled':
        // At the venue: an unknown order resolves to working (its fills arrive as fill events).
        if (now.status === 'unknown' || now.status === 'submitted') {
          this.router.setOrder(id, {
            status: workingStatus(now),
            ...(e.quantity !== undefined ? { quantity: e.quantity } : {}),
            ...(e.price !== undefined ? { price: e.price } : {}),
          });
          if (this.router.cancelAs.has(id) && e.state !== 'filled') {
            this.events.notice(
              'error',
              'cancel_lost',
              `${id} still works at ${now.venue}: the answer to its cancel was lost; cancel it again`,
              now.planId,
            );
            this.router.cancelAs.delete(id);
          }
        }
        return;
      case 'cancelled':
      case 'expired':
        this.endAsVenueSays(now, e.state);
        return;
      case 'rejected':
        if (this.tryStatus(now, 'rejected', { rejectReason: 'rejected by the venue' }, true)) {
          this.hooks.rejected(now, 'rejected by the venue');
        } else {
          this.endAsVenueSays(now, 'cancelled');
        }
        return;
    }
  }

  /** Sets a status if the state machine allows it; otherwise a notice (live reports never throw). */
  private tryStatus(
    order: OrderRecord,
    status: OrderStatus,
    patch: Partial<OrderRecord>,
    quiet = false,
  ): boolean {
    const now = this.store.orders.get(order.id)!;
    if (now.status !== status && !canTransition(now.status, status)) {
      if (!quiet)
        this.events.notice(
          'warning',
          'venue_report_ignored',
          `${now.venue} reported ${status} for ${now.id}, which is ${now.status}`,
          now.planId,
        );
      return false;
    }
    this.router.setOrder(order.id, { ...patch, status });
    return true;
  }

  /** The venue ended a working order (cancelled or expired, asked for or not); its plan follows. */
  private endAsVenueSays(order: OrderRecord, as: 'cancelled' | 'expired'): void {
    const id = order.id;
    const asked = this.router.cancelAs.get(id);
    this.router.cancelAs.delete(id);
    const now = this.store.orders.get(id)!;
    if (!isWorking(now.status)) return;
    this.router.setOrder(id, { status: as });
    this.hooks.ended(order, as, asked);
  }

  /** An order at a live venue that Braid did not place: listed and shown, never managed. */
  private noteExternal(venue: string, e: Extract<VenueEvent, { type: 'external_order' }>): void {
    const seen = this.externals.findIndex((x) => x.venue === venue && x.venueOrderId === e.venueOrderId);
    const entry: ExternalOrder = {
      venue,
      venueOrderId: e.venueOrderId,
      symbol: e.symbol,
      side: e.side,
      quantity: e.quantity,
      ...(e.price !== undefined ? { price: e.price } : {}),
      time: e.time,
    };
    if (seen >= 0) {
      this.externals[seen] = entry;
      return;
    }
    this.externals.push(entry);
    if (this.externals.length > EXTERNAL_ORDERS_KEPT) this.externals.shift();
    this.events.notice(
      'warning',
      'external_order',
      `${e.symbol}: order ${e.venueOrderId} at ${venue} was not placed by Braid (${e.side} ${e.quantity}${e.price !== undefined ? ` at ${e.price}` : ''}): shown, not managed`,
    );
  }

  /** A fee that came after its fill was booked with none: once per trade id; the fill record is
   *  corrected under its own id (emitted again, so the journal holds the corrected fill). */
  private applyLateFee(venue: string, e: Extract<VenueEvent, { type: 'fee' }>): void {
    const i = this.store.fillIndexOfTrade(venue, e.tradeId);
    const fill = this.store.fills[i];
    if (!fill) {
      this.events.notice(
        'warning',
        'fee_unknown_trade',
        `${venue}: fee ${e.fee} for unknown trade ${e.tradeId}`,
      );
      return;
    }
    if (fill.feeLate === true || !dec(fill.fee).eq(0)) {
      this.events.notice(
        'warning',
        'fee_duplicate',
        `${venue}: fee ${e.fee} for trade ${e.tradeId} (${fill.id}) already booked as ${fill.fee}: not booked again`,
        fill.planId,
      );
      return;
    }
    const corrected: FillRecord = { ...fill, fee: e.fee, feeLate: true };
    this.store.replaceFill(i, corrected);
    this.events.emit({ type: 'fill', fill: corrected });
    this.hooks.lateFee?.(corrected, dec(e.fee));
  }

  /** The filled notional of an order from its fills (a late fill on a finished order). */
  private notionalFromFills(orderId: string): string {
    let sum = ZERO;
    for (const f of this.store.fills)
      if (f.orderId === orderId) sum = sum.plus(dec(f.price).times(f.quantity));
    return str(sum);
  }

  // ---------------------------------------------------------------- fills and positions

  private applyFill(order: OrderRecord, e: Extract<VenueEvent, { type: 'filled' }>): void {
    if (e.tradeId !== undefined && !this.router.bookTrade(order.venue, e.tradeId, order.id)) {
      this.duplicateFillCount++;
      return;
    }
    const qty = dec(e.quantity);
    const price = dec(e.price);
    const fee = dec(e.fee);
    // An order's first fill needs no look through the fills booked so far (a scan per fill made a long
    // replay quadratic); one with fills but no running figure (read back at a restart) is summed once.
    const unfilled = dec(order.filledQuantity).eq(0);
    const filled = dec(order.filledQuantity).plus(qty);
    const before =
      this.router.orderNotional.get(order.id) ?? (unfilled ? '0' : this.notionalFromFills(order.id));
    const notional = dec(before).plus(price.times(qty));
    this.router.orderNotional.set(order.id, str(notional));
    // Set before the order's update, which drops both running figures of an order that has finished.
    const n =
      (this.router.fillCount.get(order.id) ??
        (unfilled ? 0 : this.store.fills.filter((f) => f.orderId === order.id).length)) + 1;
    this.router.fillCount.set(order.id, n);
    if (!isWorking(order.status)) {
      this.events.notice(
        'warning',
        'late_fill',
        `fill on ${order.status} order ${order.id} applied`,
        order.planId,
      );
    }
    this.router.setOrder(order.id, {
      ...this.statusAfterFill(order, filled),
      filledQuantity: str(filled),
      avgFillPrice: str(notional.div(filled)),
    });
    if (filled.gt(order.quantity)) {
      this.events.notice(
        'error',
        'overfill',
        `${order.venue} filled ${str(filled)} of order ${order.id} for ${order.quantity}: booked`,
        order.planId,
      );
    }
    const fill: FillRecord = {
      id: `${order.id}#${n}`,
      orderId: order.id,
      planId: order.planId,
      symbol: order.symbol,
      side: order.side,
      time: e.time,
      price: e.price,
      quantity: e.quantity,
      fee: e.fee,
      liquidity: e.liquidity,
      // A live venue's own ids, for the audit trail (paper fills carry none).
      ...(e.tradeId !== undefined ? { venue: order.venue, tradeId: e.tradeId } : {}),
    };
    this.store.addFill(fill);
    this.events.emit({ type: 'fill', fill });
    this.hooks.filled(order, qty, price.times(qty), fee, e.time);
  }

  /** Filled when complete; a partial fill keeps a request on its way shown (`pending_cancel`,
   *  `pending_modify`); a fill on an order believed never to have arrived is booked, its status kept. */
  private statusAfterFill(order: OrderRecord, filled: Dec): { status?: OrderStatus } {
    if (order.status === 'rejected') {
      this.events.notice(
        'error',
        'fill_on_rejected',
        `${order.venue} filled ${order.id}, recorded as rejected: booked`,
      );
      return {};
    }
    if (filled.gte(order.quantity)) return { status: 'filled' };
    if (order.status === 'pending_cancel' || order.status === 'pending_modify') return {};
    return { status: 'partially_filled' };
  }
}

/** Where an order works when nothing is on its way: accepted, or partially filled. */
function workingStatus(order: OrderRecord): OrderStatus {
  return dec(order.filledQuantity).gt(0) ? 'partially_filled' : 'accepted';
}
