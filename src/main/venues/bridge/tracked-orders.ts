// What the bridge knows of each of Braid's orders at this venue: its shape as last sent, how far it has got
// (queued, on the wire, sent, of unknown outcome, ended), whether the engine has heard the venue holds it,
// and its venue id, so a report or a fill that carries only the venue's id still finds Braid's order.
import type { DecStr } from '../../../shared/domain/decimal.ts';
import type { Side } from '../../../shared/domain/plan.ts';
import type { VenueEvent, VenueOrder } from '../../engine/venues/venue.ts';
import type { VenueOrderReport, VenueOrderState } from '../venue.ts';

export type Phase = 'queued' | 'sending' | 'sent' | 'unknown' | 'ended';

export type OrderChange = { quantity?: DecStr; price?: DecStr };

export interface Tracked {
  id: string;
  symbol: string;
  side: Side;
  type: VenueOrder['type'];
  quantity: DecStr;
  price?: DecStr;
  venueOrderId?: string;
  /** Set to 'ended' only through TrackedOrders.end (the trade-id memory follows it). */
  phase: Phase;
  /** The engine has been told the venue holds it (accepted, or a status that says so). */
  told: boolean;
  /** The last status passed on from an unsolicited report (reports repeat with every poll). */
  lastStatus?: string;
  scaledDown: boolean;
}

export class TrackedOrders {
  private readonly byId = new Map<string, Tracked>();
  private readonly byVenueId = new Map<string, string>();

  /** `isBraidOrder`: an order of an earlier run the bridge has not seen. `onEnded`: an order ended. */
  private readonly isBraidOrder: (clientOrderId: string) => boolean;
  private readonly onEnded: (clientOrderId: string) => void;

  constructor(isBraidOrder: (clientOrderId: string) => boolean, onEnded: (clientOrderId: string) => void) {
    this.isBraidOrder = isBraidOrder;
    this.onEnded = onEnded;
  }

  get(id: string): Tracked | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  values(): IterableIterator<Tracked> {
    return this.byId.values();
  }

  track(o: {
    clientOrderId: string;
    symbol: string;
    side: Side;
    type: VenueOrder['type'] | VenueOrderReport['type'];
    quantity: DecStr;
    price?: DecStr;
    stopPrice?: DecStr;
    phase: Phase;
  }): Tracked {
    const type: VenueOrder['type'] = o.type === 'stop_limit' ? 'stop' : o.type;
    const price = type === 'stop' ? (o.stopPrice ?? o.price) : o.price;
    const t: Tracked = {
      id: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      type,
      quantity: o.quantity,
      ...(price !== undefined ? { price } : {}),
      phase: o.phase,
      told: false,
      scaledDown: false,
    };
    this.byId.set(t.id, t);
    if (t.phase === 'ended') this.onEnded(t.id);
    return t;
  }

  /** The order is over at the venue (or never got there): nothing more is sent for it. */
  end(t: Tracked): void {
    if (t.phase === 'ended') return;
    t.phase = 'ended';
    this.onEnded(t.id);
  }

  /** Not Braid's order at this venue after all (a native bracket's leg the venue refused): the engine's
   *  own submit of that id is then a new order. */
  forget(id: string): void {
    const t = this.byId.get(id);
    if (!t) return;
    this.byId.delete(id);
    if (t.venueOrderId !== undefined && this.byVenueId.get(t.venueOrderId) === id)
      this.byVenueId.delete(t.venueOrderId);
  }

  setVenueId(t: Tracked, venueOrderId: string): void {
    if (venueOrderId === '' || t.venueOrderId === venueOrderId) return;
    t.venueOrderId = venueOrderId;
    this.byVenueId.set(venueOrderId, t.id);
  }

  /** Braid's client order id for a report or fill, or null when nobody at Braid placed it. */
  braidId(clientOrderId: string | undefined, venueOrderId: string): string | null {
    if (clientOrderId !== undefined && (this.byId.has(clientOrderId) || this.isBraidOrder(clientOrderId)))
      return clientOrderId;
    return this.byVenueId.get(venueOrderId) ?? null;
  }
}

export function asVenueOrder(t: Tracked): VenueOrder {
  return {
    clientOrderId: t.id,
    symbol: t.symbol,
    side: t.side,
    type: t.type,
    quantity: t.quantity,
    ...(t.price !== undefined ? { price: t.price } : {}),
  };
}

/** A change the venue took (or that waits unsent in the queue): the record follows, and the engine's
 *  `amended` says so. */
export function applyChange(
  t: Tracked,
  change: OrderChange,
  now: number,
): Extract<VenueEvent, { type: 'amended' }> {
  if (change.quantity !== undefined) t.quantity = change.quantity;
  if (change.price !== undefined) t.price = change.price;
  return {
    type: 'amended',
    clientOrderId: t.id,
    quantity: t.quantity,
    ...(t.price !== undefined ? { price: t.price } : {}),
    time: now,
  };
}

type StatusState = NonNullable<Extract<VenueEvent, { type: 'status' }>['state']>;

export function statusState(state: VenueOrderState): StatusState {
  // Pending: the venue has it, not yet in its book. To the engine it is working.
  return state === 'pending' ? 'open' : state;
}

export function isEnded(state: VenueOrderState): boolean {
  return state === 'filled' || state === 'cancelled' || state === 'expired' || state === 'rejected';
}

/** Ended at the venue as cancelled or expired (its last word was a status that says so). */
export function endedUnfilled(t: Tracked): boolean {
  return (
    t.phase === 'ended' &&
    (t.lastStatus?.startsWith('cancelled|') === true || t.lastStatus?.startsWith('expired|') === true)
  );
}

/** Read through a function: the phase changes across an await, which narrowing does not see. */
export function gone(t: Tracked): boolean {
  return t.phase === 'ended';
}

/** What makes one report different from the last (polls repeat the same one). */
export function statusKey(r: VenueOrderReport): string {
  return `${r.state}|${r.quantity}|${r.filledQuantity}|${r.price ?? ''}|${r.stopPrice ?? ''}`;
}
