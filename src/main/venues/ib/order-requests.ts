// Placing, changing and cancelling orders at IB: one placeOrder per order under a fresh id from Braid's
// mark (persisted before it goes out), Braid's id in orderRef; a bracket as IB holds it natively (parent,
// take-profit and stop with parentId set, the exits in one OCA group, transmit on the last only); modify
// in place (placeOrder again under the same orderId); cancel, and reqGlobalCancel for the kill switch.
import type { IBApi } from '@stoqey/ib';
import type { DecStr } from '../../../shared/domain/decimal.ts';
import type { VenueBracketOutcome, VenueBracketRequest, VenueOutcome } from '../venue.ts';
import type { VenueEvents } from '../venue-events.ts';
import type { OrderAcks } from './acks.ts';
import { isWorking, type KnownOrders, reportOf } from './known-orders.ts';
import {
  type IbOrderPlacement,
  type IbOrderRequest,
  ibOrder,
  requestProblem,
  stockContract,
} from './mapping.ts';
import type { OrderIdMark } from './order-ids.ts';
import type { ReportBook } from './report-book.ts';

export interface OrderRequestsDeps {
  /** Puts one message on the wire in its pacing turn; throws when there is no socket. */
  send: (call: (api: IBApi) => void) => Promise<void>;
  /** Why no order may go now (not connected), or null. */
  unavailable: () => VenueOutcome | null;
  ids: OrderIdMark;
  orders: KnownOrders;
  placements: Map<number, IbOrderPlacement>;
  /** Per orderId: what it was sent with that a modify must send again. */
  terms: Map<number, OrderTerms>;
  acks: OrderAcks;
  book: ReportBook;
  events: VenueEvents;
  account: () => string;
  clock: () => number;
}

export class OrderRequests {
  private readonly d: OrderRequestsDeps;

  constructor(deps: OrderRequestsDeps) {
    this.d = deps;
  }

  private get orders(): KnownOrders {
    return this.d.orders;
  }

  private get account(): string {
    return this.d.account();
  }

  private send(call: (api: IBApi) => void): Promise<void> {
    return this.d.send(call);
  }

  private unavailable(): VenueOutcome | null {
    return this.d.unavailable();
  }

  private clock(): number {
    return this.d.clock();
  }

  private waitAck(orderId: number, forCancel: boolean, sentAt: number): Promise<VenueOutcome> {
    return this.d.acks.wait(orderId, forCancel, sentAt);
  }

  private settle(orderId: number, outcome: VenueOutcome): void {
    this.d.acks.settle(orderId, outcome);
  }

  submit(order: IbOrderRequest): Promise<VenueOutcome> {
    return this.place([{ request: order, placement: {} }]).then((outcomes) => outcomes[0] as VenueOutcome);
  }

  /** Parent, take-profit and stop: parentId set, the exits in one OCA group, transmit on the last only. */
  async submitBracket(bracket: VenueBracketRequest): Promise<VenueBracketOutcome> {
    const group = `braid-${bracket.entry.clientOrderId}`;
    const [entry, takeProfit, stopLoss] = (await this.place([
      { request: bracket.entry, placement: { transmit: false } },
      // The children rest until the position closes: GTC, so they outlive the day the entry was made.
      {
        request: { ...bracket.takeProfit, timeInForce: 'GTC' },
        placement: { transmit: false, ocaGroup: group, parentOf: 0 },
      },
      {
        request: { ...bracket.stopLoss, timeInForce: 'GTC' },
        placement: { transmit: true, ocaGroup: group, parentOf: 0 },
      },
    ])) as [VenueOutcome, VenueOutcome, VenueOutcome];
    // Never an entry without its stop, never exits without their entry: what IB took of a broken
    // bracket is cancelled (cancelling the parent cancels its children at IB).
    if (entry.kind === 'accepted' && stopLoss.kind === 'rejected') {
      const cancelled = await this.cancel({ clientOrderId: bracket.entry.clientOrderId });
      this.d.events.notice(
        'warning',
        'ib_bracket_stop_rejected',
        `IB rejected the stop-loss of ${bracket.entry.clientOrderId} (${stopLoss.message}): its entry is cancelled (${cancelled.kind})`,
      );
    } else if (entry.kind === 'rejected') {
      for (const [leg, outcome] of [
        [bracket.takeProfit, takeProfit],
        [bracket.stopLoss, stopLoss],
      ] as const) {
        if (outcome.kind === 'accepted') await this.cancel({ clientOrderId: leg.clientOrderId });
      }
    }
    return { entry, takeProfit, stopLoss };
  }

  /** Sends orders in sequence (a bracket's legs), then waits for IB's word on each. */
  private async place(
    legs: {
      request: IbOrderRequest;
      placement: { transmit?: boolean; ocaGroup?: string; parentOf?: number };
    }[],
  ): Promise<VenueOutcome[]> {
    const down = this.unavailable();
    if (down) return legs.map(() => down);
    for (const { request } of legs) {
      const problem = requestProblem(request);
      if (problem) return legs.map(() => ({ kind: 'rejected', reason: 'invalid_order', message: problem }));
      if (this.orders.byClient(request.clientOrderId))
        return legs.map(() => ({
          kind: 'rejected',
          reason: 'rejected',
          message: `client order id ${request.clientOrderId} was already sent to IB`,
        }));
    }
    const ids: number[] = [];
    const acks: Promise<VenueOutcome>[] = [];
    const now = this.clock();
    for (const { request, placement } of legs) {
      const orderId = this.d.ids.take();
      ids.push(orderId);
      const parentId = placement.parentOf !== undefined ? ids[placement.parentOf] : undefined;
      const full: IbOrderPlacement = {
        orderId,
        account: this.account,
        ...(parentId !== undefined ? { parentId } : {}),
        ...(placement.ocaGroup !== undefined ? { ocaGroup: placement.ocaGroup } : {}),
        ...(placement.transmit !== undefined ? { transmit: placement.transmit } : {}),
      };
      this.d.placements.set(orderId, full);
      this.d.terms.set(orderId, termsOf(request));
      this.orders.placing(orderId, request, now);
      acks.push(this.waitAck(orderId, false, this.clock()));
      const sent = await this.send((api) =>
        api.placeOrder(orderId, stockContract(request.symbol), ibOrder(request, full)),
      ).then(
        () => true,
        () => false,
      );
      if (!sent)
        this.settle(orderId, {
          kind: 'rejected',
          reason: 'venue_unavailable',
          message: 'not connected to IB Gateway',
        });
    }
    // Legs sent with transmit false wait at the gateway for the last: if IB refuses the last, they are
    // never transmitted, never answered, and are dropped.
    const last = await acks[acks.length - 1];
    if (legs.length > 1 && last?.kind === 'rejected') {
      for (const orderId of ids.slice(0, -1)) {
        const known = this.orders.byOrderId(orderId);
        if (known?.status !== 'ApiPending') continue;
        this.settle(orderId, {
          kind: 'rejected',
          reason: 'rejected',
          message: `never transmitted: IB refused the bracket's last order (${last.message})`,
        });
        known.status = 'Inactive';
        this.d.book.report(reportOf(known));
        await this.send((api) => api.cancelOrder(orderId)).catch(() => undefined);
      }
    }
    return Promise.all(acks);
  }

  /** In place: placeOrder again with the same orderId and the changed price or size. */
  async modify(
    ref: { clientOrderId: string; venueOrderId?: string },
    change: { quantity?: DecStr; price?: DecStr; stopPrice?: DecStr },
  ): Promise<VenueOutcome> {
    const down = this.unavailable();
    if (down) return down;
    const known = this.orders.find(ref);
    if (!known || !isWorking(known) || known.orderId <= 0)
      return {
        kind: 'rejected',
        reason: 'unknown_order',
        message: `no working IB order for ${ref.clientOrderId}`,
      };
    const request: IbOrderRequest = {
      clientOrderId: known.clientOrderId ?? ref.clientOrderId,
      symbol: known.symbol,
      side: known.side,
      type: known.type,
      quantity: change.quantity ?? known.quantity,
      ...((change.price ?? known.price) ? { price: change.price ?? known.price } : {}),
      ...((change.stopPrice ?? known.stopPrice) ? { stopPrice: change.stopPrice ?? known.stopPrice } : {}),
      // A modify is the whole order again: what it was sent with stays (time in force, hours, trail).
      ...this.d.terms.get(known.orderId),
    };
    const placement = {
      ...(this.d.placements.get(known.orderId) ?? { orderId: known.orderId, account: this.account }),
      transmit: true,
    };
    const ack = this.waitAck(known.orderId, false, this.clock());
    try {
      await this.send((api) =>
        api.placeOrder(known.orderId, stockContract(known.symbol), ibOrder(request, placement)),
      );
    } catch {
      this.settle(known.orderId, {
        kind: 'rejected',
        reason: 'venue_unavailable',
        message: 'not connected to IB Gateway',
      });
    }
    const outcome = await ack;
    if (outcome.kind === 'accepted') {
      known.quantity = request.quantity;
      if (request.price) known.price = request.price;
      if (request.stopPrice) known.stopPrice = request.stopPrice;
    }
    return outcome;
  }

  async cancel(ref: { clientOrderId: string; venueOrderId?: string }): Promise<VenueOutcome> {
    const down = this.unavailable();
    if (down) return down;
    const known = this.orders.find(ref);
    if (!known || known.orderId <= 0)
      return { kind: 'rejected', reason: 'unknown_order', message: `no IB order for ${ref.clientOrderId}` };
    if (!isWorking(known)) {
      if (known.status === 'Cancelled' || known.status === 'ApiCancelled')
        return { kind: 'accepted', venueOrderId: String(known.orderId), time: this.clock() };
      return {
        kind: 'rejected',
        reason: 'unknown_order',
        message: `IB order ${known.orderId} is ${known.status}`,
      };
    }
    const ack = this.waitAck(known.orderId, true, this.clock());
    try {
      await this.send((api) => api.cancelOrder(known.orderId));
    } catch {
      this.settle(known.orderId, {
        kind: 'unknown',
        message: 'the connection to IB dropped while cancelling',
      });
    }
    return ack;
  }

  /** The kill switch: reqGlobalCancel cancels every open order of the account, however placed. */
  async cancelAll(): Promise<VenueOutcome> {
    const down = this.unavailable();
    if (down) return down;
    try {
      await this.send((api) => api.reqGlobalCancel());
    } catch {
      return { kind: 'unknown', message: 'the connection to IB dropped while sending reqGlobalCancel' };
    }
    return { kind: 'accepted', venueOrderId: '', time: this.clock() };
  }
}

/** What a modify sends again unchanged: IB takes a modify as the whole order. */
export type OrderTerms = Pick<
  IbOrderRequest,
  'timeInForce' | 'outsideRth' | 'trailingPercent' | 'trailingAmount'
>;

function termsOf(request: IbOrderRequest): OrderTerms {
  const terms: OrderTerms = {};
  if (request.timeInForce !== undefined) terms.timeInForce = request.timeInForce;
  if (request.outsideRth !== undefined) terms.outsideRth = request.outsideRth;
  if (request.trailingPercent !== undefined) terms.trailingPercent = request.trailingPercent;
  if (request.trailingAmount !== undefined) terms.trailingAmount = request.trailingAmount;
  return terms;
}
