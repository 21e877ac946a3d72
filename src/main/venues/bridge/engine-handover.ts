// What the engine hands the bridge about orders it already has: at a restart and after every reconnect,
// its working orders (adopt), so reports and fills for them are Braid's (a late fill on an order ended in
// an earlier run too) and cancels and changes find their venue ids; and what reconciliation found and
// tells the engine, which changes what the bridge knows of the order too (noteToEngine).
import type { DecStr } from '../../../shared/domain/decimal.ts';
import { WORKING_STATUSES } from '../../../shared/domain/order.ts';
import type { Side } from '../../../shared/domain/plan.ts';
import type { VenueEvent, VenueOrder } from '../../engine/venues/venue.ts';
import type { OutcomeQueries } from './outcome-queries.ts';
import type { Phase, Tracked, TrackedOrders } from './tracked-orders.ts';

/** The engine's working order, handed over at start and after a reconnect so the bridge knows it. */
export interface AdoptedOrder {
  clientOrderId: string;
  venueOrderId?: string;
  symbol: string;
  side: Side;
  type: VenueOrder['type'];
  quantity: DecStr;
  price?: DecStr;
  /** The engine's status: `submitted` and `unknown` have not been confirmed by the venue. */
  status: string;
}

const WORKING: ReadonlySet<string> = WORKING_STATUSES;

/** Orders already tracked keep what the bridge knows. */
export function adoptOrders(orders: TrackedOrders, adopted: AdoptedOrder[]): void {
  for (const o of adopted) {
    // Held by the engine, not at the venue: when it is sent, it is a new order to the bridge.
    if (o.status === 'held') continue;
    const t = orders.get(o.clientOrderId);
    if (t && t.symbol !== '') {
      if (o.venueOrderId && !t.venueOrderId) orders.setVenueId(t, o.venueOrderId);
      continue;
    }
    const confirmed = o.status !== 'submitted' && o.status !== 'unknown';
    const phase: Phase = !WORKING.has(o.status) ? 'ended' : confirmed ? 'sent' : 'unknown';
    const known = orders.track({ ...o, phase });
    known.told = confirmed;
    if (o.venueOrderId) orders.setVenueId(known, o.venueOrderId);
  }
}

/** What the engine hears from reconciliation changes what the bridge knows of the order too. */
export function noteToEngine(
  orders: TrackedOrders,
  queries: OutcomeQueries,
  t: Tracked,
  e: Extract<VenueEvent, { type: 'status' | 'filled' | 'accepted' }>,
): void {
  if (e.venueOrderId) orders.setVenueId(t, e.venueOrderId);
  if (e.type === 'accepted') t.told = true;
  if (e.type !== 'status') return;
  queries.answeredElsewhere(t);
  if (e.state === undefined || ['filled', 'cancelled', 'expired', 'rejected'].includes(e.state)) {
    // Kept as a report would keep it: a cancel asked after a late fill is answered from it.
    if (e.state !== undefined) t.lastStatus = `${e.state}|`;
    orders.end(t);
    queries.clearConfirm(t);
  } else {
    t.told = true;
    if (t.phase === 'unknown') t.phase = 'sent';
  }
}
