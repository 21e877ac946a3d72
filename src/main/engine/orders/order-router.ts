// The order router (NautilusTrader's ExecutionEngine): the venues by name and where new orders go (PAPER /
// LIVE), client order ids (ours, deterministic, unique for life; the venue's id recorded beside them),
// intents journaled before a venue sees an order, the calls to venues with their pending states, and the
// order state machine every change goes through. What venues report back is applied by venue-reports.ts.
import { z } from 'zod';
import {
  type BraidConfig,
  DEFAULT_LOT,
  type VenueFallback,
  venueSymbolOf,
} from '../../../shared/domain/config.ts';
import { type Dec, dec, str } from '../../../shared/domain/decimal.ts';
import type { OrderRecord, OrderRole, OrderType } from '../../../shared/domain/order.ts';
import type { PlanInput, PlanRecord, Side } from '../../../shared/domain/plan.ts';
import { err, ok, type Result } from '../../../shared/result.ts';
import type { Clock } from '../clock.ts';
import type { EventSink } from '../events.ts';
import type { Journal } from '../journal/journal.ts';
import { type LearningBook, learningStateSchema } from '../learning/learning-book.ts';
import { cancelAsSchema, count, decimalText } from '../state-schema.ts';
import type { Store } from '../store/store.ts';
import type { CheckpointedVenue, Venue, VenueOrder } from '../venues/venue.ts';
import { canTransition, IllegalOrderTransition, isHeld, isWorking } from './order-state.ts';

const ROLE_CODE: Record<OrderRole, string> = { entry: 'E', stop_loss: 'SL', take_profit: 'TP', exit: 'X' };

export interface OrderRouterState {
  orderSeq: Record<string, number>;
  orderNotional: Record<string, string>;
  cancelAs: Record<string, 'cancelled' | 'expired'>;
  fillCount: Record<string, number>;
  /** Venue trade ids booked, per venue. */
  bookedTrades: Record<string, BookedTrade[]>;
  /** With `routing.candidates`: the next candidate's turn and the venue chosen for each plan not yet
   *  ended (absent without candidates: a checkpoint reads as it always did). */
  candidateTurn?: number;
  candidateChoice?: Record<string, string>;
  /** The learning loop's pending state (with a `learning` config only). */
  learning?: unknown;
}

export const orderRouterStateSchema = z.strictObject({
  orderSeq: z.record(z.string(), count),
  orderNotional: z.record(z.string(), decimalText),
  cancelAs: z.record(z.string(), cancelAsSchema),
  fillCount: z.record(z.string(), count),
  bookedTrades: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
  candidateTurn: count.optional(),
  candidateChoice: z.record(z.string(), z.string()).optional(),
  learning: learningStateSchema
    .extend({
      closes: z.record(z.string(), z.string()),
      volumes: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

/** Chooses a venue among a plan's candidates when it arrives (the execution advisor, with learning on);
 *  absent, round-robin by arrival. */
export type CandidateChooser = (plan: PlanInput, candidates: readonly string[], turn: number) => string;

/** A venue trade id booked, and the order it filled: kept while the order works, then among the last
 *  BOOKED_TRADES_KEPT of its venue (a venue re-sends only recent fills: a report since a cursor, a
 *  reconnect's catch-up). */
export type BookedTrade = [tradeId: string, orderId: string];
const BOOKED_TRADES_KEPT = 1_000;

/** Why a live venue is not ready now: still reconciling (start, reconnect) or its connection lost. */
export type VenueNotReady = 'reconciling' | 'disconnected';

/** Where a new entry goes: its venue, or that venue's fallback (and why) when it is not ready; or why
 *  neither can take it. */
export type EntryRoute =
  | { ok: true; venue: string; routedFrom?: { venue: string; reason: string } }
  | { ok: false; problem: string };

/** What the router needs from the rest of the engine. */
export interface RouterHooks {
  /** The venue refused an order (or it could not be sent): its plan follows. */
  rejected(order: OrderRecord, reason: string): void;
}

export class OrderRouter {
  readonly paper: CheckpointedVenue;
  private readonly live = new Map<string, Venue>();
  /** The paper venues other than `paper` (the config's `"kind": "paper"` venues). */
  private readonly otherPapers = new Map<string, Venue>();
  /** The next candidate's turn (round-robin by plan arrival) and each live plan's chosen venue. */
  private candidateTurn = 0;
  private candidateChoice = new Map<string, string>();
  chooser: CandidateChooser | null = null;
  /** null: PAPER (every new order to paper); a list: LIVE with those venues. Never checkpointed: PAPER
   *  after every start (venues.md "Modes"). */
  private routing: string[] | null = null;
  /** Live venues not ready (reconciling at start or after a reconnect, or disconnected), and why: entries
   *  refused there (or sent to the fallback), exits allowed. */
  private readonly reconciling = new Map<string, VenueNotReady>();
  private orderSeq = new Map<string, number>();
  /** Filled notional and fill count of working orders (a finished order's are recounted from its fills). */
  orderNotional = new Map<string, string>();
  fillCount = new Map<string, number>();
  /** Cancels asked for, and what the order becomes when the venue confirms. */
  cancelAs = new Map<string, 'cancelled' | 'expired'>();
  private bookedTrades = new Map<string, BookedTrade[]>();
  private bookedIndex = new Set<string>();
  hooks: RouterHooks = { rejected: () => {} };
  private readonly config: BraidConfig;
  private readonly store: Store;
  private readonly events: EventSink;
  private readonly clock: Clock;
  private readonly journal: Journal | null;
  private readonly onIntentCommitted: ((id: string) => void) | undefined;
  private readonly learning: LearningBook | null;

  constructor(
    config: BraidConfig,
    parts: { store: Store; events: EventSink; clock: Clock; journal: Journal | null },
    venues: {
      paper: CheckpointedVenue;
      live: readonly Venue[];
      onIntentCommitted?: (id: string) => void;
      learning?: LearningBook | null;
    },
  ) {
    this.config = config;
    this.store = parts.store;
    this.events = parts.events;
    this.clock = parts.clock;
    this.journal = parts.journal;
    this.paper = venues.paper;
    this.onIntentCommitted = venues.onIntentCommitted;
    this.learning = venues.learning ?? null;
    // Learning on: the advisor chooses among the candidates (holdout and exploration included).
    if (this.learning?.config.enabled)
      this.chooser = (input, candidates, turn) =>
        this.learning!.choose(input, candidates, turn, this.clock.time);
    for (const v of (venues.paper as { siblings?: () => readonly Venue[] }).siblings?.() ?? [])
      this.otherPapers.set(v.name, v);
    for (const v of venues.live) {
      if (v.name === this.paper.name || this.live.has(v.name) || this.otherPapers.has(v.name))
        throw new Error(`venue ${v.name} is registered twice`);
      this.live.set(v.name, v);
    }
  }

  /** Every venue, paper first. */
  venues(): Venue[] {
    return [this.paper, ...this.otherPapers.values(), ...this.live.values()];
  }

  /** Paper venues take orders in both modes and are always ready. */
  isPaper(name: string): boolean {
    return name === this.paper.name || this.otherPapers.has(name);
  }

  /** The venues a plan without `venue` may go to now: the configured candidates that can take entries. */
  candidates(): string[] {
    const named = this.config.routing?.candidates ?? [];
    return named.filter((v) => (this.routing === null ? this.isPaper(v) : this.venueNamed(v) !== undefined));
  }

  /** A plan arrived: a plan without `venue` gets its candidate now (round-robin by arrival, or the
   *  advisor's choice), kept until the plan ends. */
  planArrived(input: PlanInput): void {
    if (input.venue !== undefined || this.candidateChoice.has(input.id)) return;
    const candidates = this.candidates();
    if (candidates.length === 0) return;
    const turn = this.candidateTurn++;
    const chosen = this.chooser?.(input, candidates, turn) ?? candidates[turn % candidates.length]!;
    this.candidateChoice.set(input.id, chosen);
  }

  /** The candidate chosen for this plan at its arrival, if any. */
  chosenVenue(planId: string): string | undefined {
    return this.candidateChoice.get(planId);
  }

  // ---------------------------------------------------------------- routing

  setRouting(live: string[] | null): Result<boolean> {
    for (const name of live ?? []) {
      if (!this.live.has(name)) return err('unknown_venue', `no live venue ${name} is registered`);
    }
    const next = live === null ? null : [...new Set(live)];
    if (JSON.stringify(next) === JSON.stringify(this.routing)) return ok(false);
    this.routing = next;
    this.events.notice(
      'info',
      'routing',
      next === null ? 'PAPER: new orders go to the paper venue' : `LIVE: new orders go to ${next.join(', ')}`,
    );
    return ok(true);
  }

  get liveRouting(): readonly string[] | null {
    return this.routing;
  }

  /** `why`: what the venue is meanwhile (the order's `routedFrom` says it); reconciling unless told. */
  setReconciling(name: string, reconciling: boolean, why: VenueNotReady = 'reconciling'): Result<null> {
    if (!this.live.has(name)) return err('unknown_venue', `no live venue ${name} is registered`);
    if (reconciling === this.reconciling.has(name)) {
      // Still not ready, for a new reason (lost, then back and reconciling): said on the next fallback.
      if (reconciling) this.reconciling.set(name, why);
      return ok(null);
    }
    if (reconciling) this.reconciling.set(name, why);
    else this.reconciling.delete(name);
    this.events.notice(
      'info',
      reconciling ? 'venue_reconciling' : 'venue_reconciled',
      reconciling ? `${name} is ${why}: exits only there` : `${name} is reconciled`,
    );
    return ok(null);
  }

  /** The venue a new entry for this plan is meant for (venues.md "Modes"). */
  entryVenue(input: PlanInput): string {
    const chosen = this.candidateChoice.get(input.id);
    if (this.routing === null) {
      // PAPER: every order to a paper venue (a plan's own paper venue, or its candidate).
      if (input.venue !== undefined) return this.isPaper(input.venue) ? input.venue : this.paper.name;
      return chosen !== undefined && this.isPaper(chosen) ? chosen : this.paper.name;
    }
    return input.venue ?? chosen ?? this.config.defaultVenue ?? this.paper.name;
  }

  /** Where a new entry for this plan goes: its venue when ready; else, in LIVE, the venue's configured
   *  fallback when that one is ready and trades the symbol; else nowhere, and why. One hop only: a
   *  fallback's own fallback is not followed. Only entries: exits stay where their position is. */
  entryRoute(input: PlanInput): EntryRoute {
    const venue = this.entryVenue(input);
    const why = this.notReady(venue);
    if (why === null) return { ok: true, venue };
    const fallback = this.fallbackOf(venue);
    if (fallback === undefined) return { ok: false, problem: `${venue} is ${why}` };
    const fallbackWhy = this.notReady(fallback);
    if (fallbackWhy !== null)
      return { ok: false, problem: `${venue} is ${why}, and its fallback ${fallback} is ${fallbackWhy}` };
    if (!this.trades(fallback, input.symbol))
      return {
        ok: false,
        problem: `${venue} is ${why}, and its fallback ${fallback} has no instrument ${input.symbol} configured`,
      };
    return { ok: true, venue: fallback, routedFrom: { venue, reason: why } };
  }

  /** What keeps entries from this venue now, in a word or two, or null when it is ready. */
  private notReady(name: string): string | null {
    if (this.isPaper(name)) return null;
    if (!this.live.has(name)) return 'not connected';
    if (this.routing === null || !this.routing.includes(name)) return 'not live';
    return this.reconciling.get(name) ?? null;
  }

  /** The venue's configured fallback (venues.NAME.fallback), if any. */
  private fallbackOf(name: string): string | undefined {
    const venues = this.config.venues as Record<string, VenueFallback | undefined>;
    return Object.hasOwn(venues, name) ? venues[name]?.fallback : undefined;
  }

  /** A fallback takes an entry only for an instrument the config names (paper trades whatever has
   *  prices): a live venue listing under another name needs the config's venueSymbols anyway. */
  private trades(name: string, symbol: string): boolean {
    return this.isPaper(name) || Object.hasOwn(this.config.instruments, symbol);
  }

  /** The venue a plan's exits and legs go to: where its entry is. */
  private planVenue(plan: PlanRecord): string {
    const entry = plan.entryOrderId === undefined ? undefined : this.store.orders.get(plan.entryOrderId);
    return entry?.venue ?? this.paper.name;
  }

  venueNamed(name: string): Venue | undefined {
    return name === this.paper.name ? this.paper : (this.otherPapers.get(name) ?? this.live.get(name));
  }

  /** The venue a plan's entry would go to holds DAY orders (IB); the others have GTC only. */
  dayOrders(input: PlanInput): boolean {
    return this.venueNamed(this.entryVenue(input))?.dayOrders === true;
  }

  knownVenue(name: string | undefined): boolean {
    return name === undefined || this.venueNamed(name) !== undefined;
  }

  /** Reports from this venue arrive later than the calls: pending states, engine-side OCO. */
  isAsync(name: string): boolean {
    return this.live.get(name)?.asynchronous === true;
  }

  /** Both bracket exits resting at this venue would hold the same balance: the engine holds the take-profit. */
  holdsExitLeg(name: string): boolean {
    return this.live.get(name)?.exitLegsShareBalance === true;
  }

  // ---------------------------------------------------------------- ids and intents

  newOrder(
    plan: PlanRecord,
    role: OrderRole,
    side: Side,
    type: OrderType,
    quantity: Dec,
    price: string | undefined,
    extra: Partial<OrderRecord> = {},
  ): OrderRecord {
    const key = `${plan.id}:${ROLE_CODE[role]}`;
    const n = (this.orderSeq.get(key) ?? 0) + 1;
    this.orderSeq.set(key, n);
    // The risk gate refused an entry with no route; were one sent all the same, its venue would refuse it.
    const route = role === 'entry' ? this.entryRoute(plan.input) : null;
    const venue =
      route === null ? this.planVenue(plan) : route.ok ? route.venue : this.entryVenue(plan.input);
    // The advisor shapes an entry after the risk gate sized it: a market order may go as a marketable
    // limit, a large one smaller; the lessons applied go on the order's intent, before the venue sees
    // it (and the risk gate checks the result again: lifecycle.submitEntry).
    const instrument = this.config.instruments[plan.input.symbol];
    const advice =
      role === 'entry' && this.learning?.config.enabled
        ? this.learning.shapeEntry(
            plan.id,
            { symbol: plan.input.symbol, side, type, venue, quantity: str(quantity) },
            { tick: instrument?.tick, lot: instrument?.lot ?? DEFAULT_LOT },
            this.clock.time,
          )
        : null;
    const sentType = advice?.type ?? type;
    const sentPrice = advice?.price ?? price;
    const recorded = advice ? this.learning!.adviceFor(plan.id) : undefined;
    const terms = this.orderTerms(plan.input, role, sentType, venue);
    return {
      id: `${key}${n}`,
      planId: plan.id,
      symbol: plan.input.symbol,
      venue,
      ...(route?.ok && route.routedFrom ? { routedFrom: route.routedFrom } : {}),
      role,
      side,
      type: sentType,
      quantity: advice?.quantity ?? str(quantity),
      ...(sentPrice !== undefined ? { price: sentPrice } : {}),
      status: 'submitted',
      filledQuantity: '0',
      createdAt: this.clock.time,
      updatedAt: this.clock.time,
      ...terms,
      ...extra,
      ...this.nativeTrail(plan.input, role, venue),
      ...(recorded ? { advice: recorded } : {}),
    };
  }

  /**
   * Time in force and outside-hours, on the intent (journaled) so a resize keeps them. On a venue with day
   * orders (IB): the entry takes the plan's (absent: the venue's DAY), a resting exit is GTC so it outlives
   * the day, a market exit DAY. Elsewhere only the plan's GTC is recorded (DAY was refused at intake), and
   * outsideRth only where the venue has it.
   */
  private orderTerms(
    input: PlanInput,
    role: OrderRole,
    type: OrderType,
    venueName: string,
  ): Pick<OrderRecord, 'timeInForce' | 'outsideRth'> {
    const venue = this.venueNamed(venueName);
    const terms: Pick<OrderRecord, 'timeInForce' | 'outsideRth'> = {};
    if (venue?.dayOrders === true) {
      if (role === 'entry') {
        if (input.timeInForce !== undefined) terms.timeInForce = input.timeInForce;
      } else terms.timeInForce = type === 'market' ? 'DAY' : 'GTC';
    } else if (role === 'entry' && input.timeInForce === 'GTC') terms.timeInForce = 'GTC';
    if (input.outsideRth === true && venue?.outsideRth === true) terms.outsideRth = true;
    return terms;
  }

  /** A plan's trailing stop on a venue that trails natively (IB TRAIL): the venue moves it, not Braid. */
  private nativeTrail(input: PlanInput, role: OrderRole, venueName: string): Partial<OrderRecord> {
    if (role !== 'stop_loss' || input.trailPct === undefined) return {};
    if (this.venueNamed(venueName)?.nativeTrailing !== true) return {};
    return { trailPct: input.trailPct, trailing: true, exitReason: 'trailing_stop' };
  }

  /** Records an order the engine holds (`held`): journaled with the other orders, never at a venue until
   *  `release`. Its intent is journaled then, when it goes out. */
  hold(order: OrderRecord): void {
    const held: OrderRecord = { ...order, status: 'held' };
    this.store.orders.set(held.id, held);
    this.events.emit({ type: 'order', order: held });
  }

  /** Sends a held order to its venue as it is now, with `patch` (its size, its time in force). */
  release(id: string, patch: Partial<OrderRecord>): void {
    const order = this.store.orders.get(id);
    if (!order || !isHeld(order.status)) return;
    this.send({ ...order, ...patch, status: 'submitted', updatedAt: this.clock.time });
  }

  /** Journals the intent (durably) and only then hands the order to its venue. */
  send(order: OrderRecord): void {
    const before = this.store.orders.get(order.id);
    if (before && before.status !== order.status && !canTransition(before.status, order.status))
      throw new IllegalOrderTransition(order.id, before.status, order.status);
    this.store.orders.set(order.id, order);
    this.events.emit({ type: 'order', order });
    // A native bracket's exit was journaled with its entry (nativeBracketOf) and the venue holds it
    // already: that intent stands (a second one with other contents would diverge).
    const preJournaled =
      (order.role === 'stop_loss' || order.role === 'take_profit') &&
      this.journal?.hasIntent(order.id) === true;
    if (!preJournaled)
      this.journal?.commitIntent(order.id, order.planId, this.clock.time, JSON.stringify(order));
    this.onIntentCommitted?.(order.id);
    this.learning?.orderSent(order, this.clock.time);
    const venue = this.venueNamed(order.venue);
    if (!venue) {
      const reason = `venue ${order.venue} is not registered`;
      this.setOrder(order.id, { status: 'rejected', rejectReason: reason });
      this.hooks.rejected(this.store.orders.get(order.id)!, reason);
      return;
    }
    const bracket = this.nativeBracketOf(order, venue);
    venue.submit(
      {
        clientOrderId: order.id,
        // The venue's own name for the instrument; the engine's records keep Braid's (reports come back by
        // client order id).
        symbol: venueSymbolOf(this.config, order.venue, order.symbol),
        side: order.side,
        type: order.type,
        quantity: order.quantity,
        ...(order.price !== undefined ? { price: order.price } : {}),
        ...(order.ocoGroup !== undefined ? { ocoGroup: order.ocoGroup } : {}),
        ...(order.role === 'stop_loss' || order.role === 'take_profit' ? { bracketLeg: order.role } : {}),
        ...(order.timeInForce !== undefined ? { timeInForce: order.timeInForce } : {}),
        ...(order.outsideRth === true ? { outsideRth: true } : {}),
        // IB's trailingPercent is in percent: the plan's fraction x 100.
        ...(order.trailPct !== undefined ? { trailingPercent: str(dec(order.trailPct).times(100)) } : {}),
        // Paper holds its own positions (and its orders travel in the checkpoint): live venues only.
        ...(venue.asynchronous && order.role !== 'entry' ? { reduceOnly: true } : {}),
        ...(bracket ? { bracket } : {}),
      },
      this.clock.time,
    );
  }

  /**
   * On a venue that holds brackets itself, an entry of a plan with a stop-loss and a take-profit goes with
   * them: their intents are journaled now, before the venue sees anything, under the ids brackets.ts gives
   * them after the fill (the next of each role's sequence, not taken here), sized to the whole entry. Not
   * for a trailing stop (the engine moves it), an engine-held take-profit, or an entry that is not a limit
   * or market order; nor twice for the same ids (a second entry of the plan goes alone).
   */
  private nativeBracketOf(order: OrderRecord, venue: Venue): VenueOrder['bracket'] {
    if (order.role !== 'entry' || venue.nativeBrackets !== true) return undefined;
    if (order.type !== 'limit' && order.type !== 'market') return undefined;
    const input = this.store.plans.get(order.planId)?.input;
    if (input?.stopLoss === undefined || input.takeProfit === undefined || input.trailPct !== undefined)
      return undefined;
    if (this.holdsExitLeg(order.venue)) return undefined;
    const idOf = (role: 'stop_loss' | 'take_profit') => {
      const key = `${order.planId}:${ROLE_CODE[role]}`;
      return `${key}${(this.orderSeq.get(key) ?? 0) + 1}`;
    };
    const legs: Array<['stop_loss' | 'take_profit', OrderType, string]> = [
      ['stop_loss', 'stop', input.stopLoss],
      ['take_profit', 'limit', input.takeProfit],
    ];
    if (legs.some(([role]) => this.journal?.hasIntent(idOf(role)) === true)) return undefined;
    for (const [role, type, price] of legs) {
      const leg: OrderRecord = {
        id: idOf(role),
        planId: order.planId,
        symbol: order.symbol,
        venue: order.venue,
        role,
        side: order.side === 'buy' ? 'sell' : 'buy',
        type,
        quantity: order.quantity,
        price,
        status: 'submitted',
        filledQuantity: '0',
        createdAt: this.clock.time,
        updatedAt: this.clock.time,
        ocoGroup: `${order.planId}:OCO`,
        exitReason: role,
      };
      this.journal?.commitIntent(leg.id, leg.planId, this.clock.time, JSON.stringify(leg));
    }
    return {
      stopLoss: { clientOrderId: idOf('stop_loss'), price: input.stopLoss },
      takeProfit: { clientOrderId: idOf('take_profit'), price: input.takeProfit },
    };
  }

  /** A finished plan sends no more orders (plan ids are never reused), so its id counters can go. */
  planEnded(planId: string): void {
    for (const code of Object.values(ROLE_CODE)) this.orderSeq.delete(`${planId}:${code}`);
    this.candidateChoice.delete(planId);
  }

  /** A late fill reopened a finished plan: its spent order ids must stay spent. */
  planReopened(planId: string): void {
    for (const o of this.store.orders.values()) if (o.planId === planId) this.reserveOrderId(o.id);
  }

  reserveOrderId(id: string): void {
    const m = /^(.*\D)(\d+)$/.exec(id);
    if (!m) return;
    const n = Number(m[2]);
    if ((this.orderSeq.get(m[1]!) ?? 0) < n) this.orderSeq.set(m[1]!, n);
  }

  // ---------------------------------------------------------------- calls

  isOrderWorking(id: string): boolean {
    const o = this.store.orders.get(id);
    return o !== undefined && isWorking(o.status);
  }

  /** Asks the order's venue to cancel. A live venue's order shows `pending_cancel` until the venue says;
   *  an `unknown` one stays unknown (only a query says whether it exists), its cancel sent all the same. */
  requestCancel(id: string, as: 'cancelled' | 'expired'): void {
    const order = this.store.orders.get(id);
    if (!order || !isWorking(order.status)) return;
    if (isHeld(order.status)) {
      // Never at the venue: the engine's word ends it.
      this.setOrder(id, { status: as });
      return;
    }
    const venue = this.venueNamed(order.venue);
    if (!venue) return;
    if (this.isAsync(order.venue)) {
      if (order.status === 'pending_cancel' || (order.status === 'unknown' && this.cancelAs.has(id))) return;
      this.cancelAs.set(id, as);
      if (order.status !== 'unknown') this.setOrder(id, { status: 'pending_cancel' });
    } else {
      this.cancelAs.set(id, as);
    }
    venue.cancel(id, this.clock.time);
  }

  /** Asks the order's venue to change it; false when a live venue's order cannot take a change now (not
   *  acknowledged yet, or a request on its way: the next sync tries again). */
  requestAmend(id: string, change: { quantity?: string; price?: string }): boolean {
    const order = this.store.orders.get(id)!;
    if (isHeld(order.status)) {
      // Held by the engine: the change is the engine's alone.
      this.setOrder(id, change);
      return true;
    }
    const venue = this.venueNamed(order.venue);
    if (!venue) return false;
    if (this.isAsync(order.venue)) {
      if (order.status !== 'accepted' && order.status !== 'partially_filled') return false;
      this.setOrder(id, { status: 'pending_modify' });
    }
    venue.amend(id, change, this.clock.time);
    return true;
  }

  /** Whether a change may go to the order's venue now. */
  amendable(order: OrderRecord): boolean {
    if (!isWorking(order.status)) return false;
    if (isHeld(order.status) || !this.isAsync(order.venue)) return true;
    return order.status === 'accepted' || order.status === 'partially_filled';
  }

  /** Every change of an order goes through here, and through the state machine. */
  setOrder(id: string, patch: Partial<OrderRecord>): OrderRecord {
    const order = this.store.orders.get(id)!;
    if (
      patch.status !== undefined &&
      patch.status !== order.status &&
      !canTransition(order.status, patch.status)
    ) {
      throw new IllegalOrderTransition(id, order.status, patch.status);
    }
    const next: OrderRecord = { ...order, ...patch, updatedAt: this.clock.time };
    this.store.orders.set(id, next);
    if (!isWorking(next.status)) {
      // Keep the checkpoint small: a finished order needs no running sums (a late fill recounts them).
      this.orderNotional.delete(id);
      this.fillCount.delete(id);
    }
    this.events.emit({ type: 'order', order: next });
    if (!isWorking(next.status) && isWorking(order.status)) this.learning?.orderEnded(next);
    return next;
  }

  // ---------------------------------------------------------------- trade ids

  /** Books a venue trade id once; false when it was booked before. */
  bookTrade(venue: string, tradeId: string, orderId: string): boolean {
    const key = `${venue}\u0000${tradeId}`;
    if (this.bookedIndex.has(key)) return false;
    this.bookedIndex.add(key);
    let list = this.bookedTrades.get(venue);
    if (!list) {
      list = [];
      this.bookedTrades.set(venue, list);
    }
    list.push([tradeId, orderId]);
    if (list.length > 2 * BOOKED_TRADES_KEPT) this.pruneBooked(venue, list);
    return true;
  }

  /** Keeps the trade ids of working orders and the last BOOKED_TRADES_KEPT of the venue. */
  private pruneBooked(venue: string, list: BookedTrade[]): void {
    const cut = list.length - BOOKED_TRADES_KEPT;
    const kept = list.filter(([, orderId], i) => i >= cut || this.isOrderWorking(orderId));
    for (const [tradeId] of list) this.bookedIndex.delete(`${venue}\u0000${tradeId}`);
    for (const [tradeId] of kept) this.bookedIndex.add(`${venue}\u0000${tradeId}`);
    this.bookedTrades.set(venue, kept);
  }

  // ---------------------------------------------------------------- checkpoint

  state(): OrderRouterState {
    return {
      orderSeq: Object.fromEntries(this.orderSeq),
      orderNotional: Object.fromEntries(this.orderNotional),
      cancelAs: Object.fromEntries(this.cancelAs),
      fillCount: Object.fromEntries(this.fillCount),
      bookedTrades: Object.fromEntries(
        [...this.bookedTrades].map(([venue, list]) => [venue, list.map(([t, o]) => [t, o] as BookedTrade)]),
      ),
      ...(this.config.routing !== undefined
        ? { candidateTurn: this.candidateTurn, candidateChoice: Object.fromEntries(this.candidateChoice) }
        : {}),
      ...(this.learning ? { learning: this.learning.state() } : {}),
    };
  }

  restore(s: OrderRouterState): void {
    this.orderSeq = new Map(Object.entries(s.orderSeq));
    this.orderNotional = new Map(Object.entries(s.orderNotional));
    this.cancelAs = new Map(Object.entries(s.cancelAs));
    this.fillCount = new Map(Object.entries(s.fillCount));
    this.bookedTrades = new Map(
      Object.entries(s.bookedTrades).map(([venue, list]) => [venue, list.map(([t, o]) => [t, o])]),
    );
    this.candidateTurn = s.candidateTurn ?? 0;
    if (this.learning && s.learning !== undefined) this.learning.restore(s.learning);
    this.candidateChoice = new Map(Object.entries(s.candidateChoice ?? {}));
    this.bookedIndex = new Set();
    for (const [venue, list] of this.bookedTrades)
      for (const [tradeId] of list) this.bookedIndex.add(`${venue}\u0000${tradeId}`);
  }
}
