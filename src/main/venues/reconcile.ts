// Reconciliation (venues.md "Reconciliation"; NautilusTrader live/execution_engine.py): what the engine
// holds set against what the venue says, at start and after every reconnect, as engine venue events.
// Pure: the registry reads the venue (mass status, then the orders it did not list) and the engine, and
// applies what comes out through the bridge. Trust the venue; note every disagreement.
//
// The events come in an order the engine can apply one by one:
//   1. fills the journal lacks, oldest first, each trade id once (a fill before the status that ends its order);
//   2. the venue's state of Braid's orders (ended ones as the venue ended them, never-arrived ones with no
//      state, unconfirmed or changed working ones as they work);
//   3. orders at the venue that Braid did not place (external: shown, not managed);
//   4. holdings that disagree with the engine's positions once those fills are booked.
import { type Dec, type DecStr, dec, str, ZERO } from '../../shared/domain/decimal.ts';
import type { OrderStatus } from '../../shared/domain/order.ts';
import { WORKING_STATUSES } from '../../shared/domain/order.ts';
import type { Side } from '../../shared/domain/plan.ts';
import type { VenueEvent } from '../engine/venues/venue.ts';
import type { VenueFill, VenueMassStatus, VenueOrderReport, VenueOrderState } from './venue.ts';

/** One of the engine's orders on this venue (any status: ended ones still own their late fills). */
export interface EngineOrderView {
  id: string;
  venueOrderId?: string;
  status: OrderStatus;
  symbol: string;
  side: Side;
  quantity: DecStr;
  filledQuantity: DecStr;
  price?: DecStr;
}

export type Holdings =
  /** The venue reports positions (derivatives, IB). */
  | { kind: 'positions' }
  /** Spot: the balances are the holdings; `base` of each symbol the engine trades here. */
  | { kind: 'spot'; bases: Record<string, string> };

export interface ReconcileInput {
  /** Every order the engine holds on this venue, read after the venue was read. */
  engineOrders: EngineOrderView[];
  /** Venue trade ids the journal has booked. */
  bookedTradeIds: ReadonlySet<string>;
  /** The engine's positions on this venue, signed (negative: short). Absent: holdings are not compared
   *  here (the registry compares them after the fills are booked: compareHoldings). */
  enginePositions?: { symbol: string; quantity: DecStr }[];
  mass: VenueMassStatus;
  /** What the venue said of the engine's working orders it did not list as open (order status by id). */
  ended: VenueOrderReport[];
  /** Client ids of working orders the venue has no record of: they never arrived. */
  missing: string[];
  holdings?: Holdings;
  time: number;
}

export interface ReconcileNotice {
  level: 'info' | 'warning' | 'error';
  code: string;
  message: string;
}

export interface Reconciliation {
  events: VenueEvent[];
  notices: ReconcileNotice[];
}

const WORKING: ReadonlySet<OrderStatus> = WORKING_STATUSES;
/** Statuses the venue's word settles: the engine has not heard the venue confirm the order or its change. */
const UNSETTLED: ReadonlySet<OrderStatus> = new Set([
  'submitted',
  'unknown',
  'pending_cancel',
  'pending_modify',
]);

export const isWorkingStatus = (status: OrderStatus): boolean => WORKING.has(status);
/** Working at the venue: an order the engine holds (`held`) is not there, by design, and is never asked for
 *  nor taken as missing. */
const atVenue = (status: OrderStatus): boolean => status !== 'held' && isWorkingStatus(status);

type StatusState = NonNullable<Extract<VenueEvent, { type: 'status' }>['state']>;
const stateOf = (s: VenueOrderState): StatusState => (s === 'pending' ? 'open' : s);

/** The engine's working orders the venue's open orders do not list: ask the venue for each by id. */
export function ordersToQuery(
  engineOrders: EngineOrderView[],
  openOrders: VenueOrderReport[],
): EngineOrderView[] {
  const open = new Set<string>();
  for (const r of openOrders) {
    if (r.clientOrderId !== undefined) open.add(`c:${r.clientOrderId}`);
    open.add(`v:${r.venueOrderId}`);
  }
  return engineOrders.filter(
    (o) =>
      atVenue(o.status) &&
      !open.has(`c:${o.id}`) &&
      !(o.venueOrderId !== undefined && open.has(`v:${o.venueOrderId}`)),
  );
}

/**
 * Where the fill query starts: the last booked fill on this venue minus a margin (venue clocks and
 * late-booked trades), or, with none booked, the oldest working order's creation. With neither there is
 * nothing of Braid's to find: from now on (minus the margin).
 */
export function fillCursorSince(input: {
  lastFillTime: number | null;
  oldestWorkingCreatedAt: number | null;
  now: number;
  marginMs: number;
}): number {
  const from = input.lastFillTime ?? input.oldestWorkingCreatedAt ?? input.now;
  return Math.max(0, from - input.marginMs);
}

function signedFill(f: VenueFill): Dec {
  return f.side === 'buy' ? dec(f.quantity) : dec(f.quantity).neg();
}

export function reconcile(input: ReconcileInput): Reconciliation {
  const events: VenueEvent[] = [];
  const notices: ReconcileNotice[] = [];
  const { mass, time } = input;

  const byId = new Map(input.engineOrders.map((o) => [o.id, o]));
  const byVenueId = new Map<string, EngineOrderView>();
  for (const o of input.engineOrders) if (o.venueOrderId !== undefined) byVenueId.set(o.venueOrderId, o);
  // Reports carry both ids: they tie a venue id to Braid's order even before the engine heard of it.
  for (const r of [...mass.openOrders, ...input.ended]) {
    const o = r.clientOrderId !== undefined ? byId.get(r.clientOrderId) : undefined;
    if (o && !byVenueId.has(r.venueOrderId)) byVenueId.set(r.venueOrderId, o);
  }
  const orderOf = (clientOrderId: string | undefined, venueOrderId: string) =>
    (clientOrderId !== undefined ? byId.get(clientOrderId) : undefined) ?? byVenueId.get(venueOrderId);

  // 1. Fills the journal lacks, oldest first, each trade once.
  const seen = new Set(input.bookedTradeIds);
  const fills = [...mass.fills]
    .sort((a, b) => a.time - b.time || (a.tradeId < b.tradeId ? -1 : a.tradeId > b.tradeId ? 1 : 0))
    .filter((f) => {
      if (seen.has(f.tradeId)) return false;
      seen.add(f.tradeId);
      return true;
    });
  const newlyFilled = new Map<string, Dec>();
  const positionChange = new Map<string, Dec>();
  for (const f of fills) {
    const order = orderOf(f.clientOrderId, f.venueOrderId);
    if (order) {
      newlyFilled.set(order.id, (newlyFilled.get(order.id) ?? ZERO).plus(f.quantity));
      positionChange.set(f.symbol, (positionChange.get(f.symbol) ?? ZERO).plus(signedFill(f)));
    }
    // Not Braid's: it goes through as it is, and the engine raises its notice (never a silent change).
    events.push({
      type: 'filled',
      clientOrderId: order?.id ?? f.clientOrderId ?? `external:${f.venueOrderId}`,
      time: f.time,
      price: f.price,
      quantity: f.quantity,
      fee: f.fee,
      liquidity: f.liquidity,
      tradeId: f.tradeId,
      venueOrderId: f.venueOrderId,
    });
  }

  // A venue that filled more than the journal holds plus the fills found: some are older than the cursor.
  const checkFilled = (order: EngineOrderView, report: VenueOrderReport) => {
    const booked = dec(order.filledQuantity).plus(newlyFilled.get(order.id) ?? ZERO);
    if (dec(report.filledQuantity).gt(booked)) {
      notices.push({
        level: 'error',
        code: 'fill_gap',
        message: `order ${order.id}: the venue filled ${report.filledQuantity}, the journal holds ${str(booked)} with the fills found`,
      });
    }
  };
  const status = (order: EngineOrderView, r: VenueOrderReport): VenueEvent => {
    const price = r.type === 'stop' || r.type === 'stop_limit' ? (r.stopPrice ?? r.price) : r.price;
    return {
      type: 'status',
      clientOrderId: order.id,
      venueOrderId: r.venueOrderId,
      state: stateOf(r.state),
      quantity: r.quantity,
      filledQuantity: r.filledQuantity,
      ...(price !== undefined ? { price } : {}),
      time: r.time,
    };
  };

  // 2a. Orders the engine holds as working that the venue has ended.
  const statusDone = new Set<string>();
  for (const r of input.ended) {
    const order = orderOf(r.clientOrderId, r.venueOrderId);
    if (!order || !atVenue(order.status) || statusDone.has(order.id)) continue;
    statusDone.add(order.id);
    checkFilled(order, r);
    events.push(status(order, r));
  }
  // 2b. Working orders the venue never heard of.
  for (const id of input.missing) {
    const order = byId.get(id);
    if (!order || !atVenue(order.status) || statusDone.has(id)) continue;
    statusDone.add(id);
    events.push({ type: 'status', clientOrderId: id, time });
  }

  // 2c and 3. Open orders: Braid's (settle what the engine has not heard), or external.
  const external: VenueEvent[] = [];
  for (const r of mass.openOrders) {
    const order = orderOf(r.clientOrderId, r.venueOrderId);
    if (!order) {
      external.push({
        type: 'external_order',
        venueOrderId: r.venueOrderId,
        symbol: r.symbol,
        side: r.side,
        quantity: r.quantity,
        ...(r.price !== undefined ? { price: r.price } : {}),
        time: r.time,
      });
      continue;
    }
    if (statusDone.has(order.id)) continue;
    statusDone.add(order.id);
    checkFilled(order, r);
    const changed =
      !dec(r.quantity).eq(order.quantity) ||
      (order.price !== undefined &&
        r.price !== undefined &&
        r.type === 'limit' &&
        !dec(r.price).eq(order.price));
    if (order.status === 'held') {
      // Never sent, yet at the venue under its id (nothing Braid does leaves it so): said, not applied to
      // an order the engine holds; the operator decides.
      notices.push({
        level: 'error',
        code: 'held_order_at_venue',
        message: `order ${order.id} is held by Braid (not sent) but works at the venue`,
      });
    } else if (!isWorkingStatus(order.status)) {
      // Braid's id on an order the engine holds as ended: the venue is right, the engine must hear it.
      notices.push({
        level: 'error',
        code: 'ended_order_working',
        message: `order ${order.id} is ${order.status} in the journal but working at the venue`,
      });
      events.push(status(order, r));
    } else if (UNSETTLED.has(order.status) || changed) {
      events.push(status(order, r));
    }
  }
  events.push(...external);

  // 4. Holdings, once the fills above are booked.
  if (input.enginePositions !== undefined && input.holdings !== undefined) {
    const compared = compareHoldings({
      enginePositions: input.enginePositions,
      engineSymbols: input.engineOrders.map((o) => o.symbol),
      mass,
      holdings: input.holdings,
      time,
      positionChange,
    });
    events.push(...compared.events);
    notices.push(...compared.notices);
  }
  return { events, notices };
}

export interface HoldingsInput {
  /** Signed. */
  enginePositions: { symbol: string; quantity: DecStr }[];
  /** Symbols Braid trades on this venue (its orders'): only these are judged. */
  engineSymbols: string[];
  mass: Pick<VenueMassStatus, 'positions' | 'balances'>;
  holdings: Holdings;
  time: number;
  /** Signed quantities still to be booked per symbol (fills found by reconciliation). */
  positionChange?: ReadonlyMap<string, Dec>;
}

/** The venue's holdings against the engine's positions: a `position_mismatch` per disagreement. */
export function compareHoldings(input: HoldingsInput): Reconciliation {
  const notices: ReconcileNotice[] = [];
  const expected = new Map<string, Dec>();
  for (const p of input.enginePositions)
    expected.set(p.symbol, (expected.get(p.symbol) ?? ZERO).plus(p.quantity));
  for (const [symbol, change] of input.positionChange ?? [])
    expected.set(symbol, (expected.get(symbol) ?? ZERO).plus(change));
  const out: VenueEvent[] = [];
  const time = input.time;

  if (input.holdings.kind === 'positions') {
    const venue = new Map<string, Dec>();
    for (const p of input.mass.positions) venue.set(p.symbol, (venue.get(p.symbol) ?? ZERO).plus(p.quantity));
    // Only symbols Braid trades here: the account's other positions are not Braid's to judge.
    const traded = new Set([...expected.keys(), ...input.engineSymbols]);
    for (const symbol of [...traded].sort()) {
      const v = venue.get(symbol) ?? ZERO;
      const e = expected.get(symbol) ?? ZERO;
      if (!v.eq(e))
        out.push({ type: 'position_mismatch', symbol, venueQuantity: str(v), engineQuantity: str(e), time });
    }
    return { events: out, notices };
  }

  // Spot: a base currency's balance against the engine's positions in every symbol on that base. A balance
  // may hold coins Braid never bought; the notice says so.
  const bases = input.holdings.bases;
  const symbolsByBase = new Map<string, string[]>();
  for (const [symbol, base] of Object.entries(bases)) {
    const list = symbolsByBase.get(base) ?? [];
    list.push(symbol);
    symbolsByBase.set(base, list);
  }
  const balance = new Map(input.mass.balances.map((b) => [b.asset.toUpperCase(), dec(b.total)]));
  for (const base of [...symbolsByBase.keys()].sort()) {
    const symbols = (symbolsByBase.get(base) ?? []).sort();
    const e = symbols.reduce((sum, s) => sum.plus(expected.get(s) ?? ZERO), ZERO);
    const v = balance.get(base.toUpperCase()) ?? ZERO;
    if (v.eq(e)) continue;
    const symbol = symbols.length === 1 ? (symbols[0] as string) : base;
    out.push({ type: 'position_mismatch', symbol, venueQuantity: str(v), engineQuantity: str(e), time });
    notices.push({
      level: 'warning',
      code: 'spot_balance',
      message: `${symbol}: spot account: the ${base} balance is ${str(v)}, Braid's position ${str(e)} (a balance may hold coins Braid did not buy)`,
    });
  }
  return { events: out, notices };
}
