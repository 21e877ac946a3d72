// The execution bridge: the engine's synchronous venue port (engine/venues/venue.ts) in front of an
// asynchronous live venue (venues/venue.ts). The engine calls submit/cancel/amend and returns at once; the
// bridge rounds the order to the venue's instrument, sends the commands one at a time in the order they
// came (per venue), and turns outcomes and the venue's reports into engine events, delivered one at a time
// and never inside the engine's own call stack.
//
// This file is the facade: the engine's port and the registry's calls. The work is in bridge/:
// - tracked-orders.ts   what the bridge knows of each order (phase, venue id, last status);
// - command-lane.ts     one command at a time per venue; throttled requests keep their place;
// - command-sender.ts   each command sent, and what it came to as engine events (scale-down too);
// - outcome-queries.ts  `unknown` outcomes and lost answers resolved by a query with backoff, never resent;
// - venue-reports.ts    the venue's reports and fills as engine events; external orders;
// - event-outbox.ts     delivery to the engine, one event per turn, in order;
// - delivered-trades.ts a trade reaches the engine once (bounded memory);
// - engine-handover.ts  the engine's orders adopted after a restart; reconciliation's word;
// - native-brackets.ts  an entry and its exits as one bracket the venue holds, its children adopted.
//
// The rules that keep orders single (venues.md "Orders"): an `unknown` outcome is resolved by asking the
// venue, never by sending again; a `throttled` request did nothing at the venue and goes again in its turn;
// a cancel of an order still in the queue takes it out and reports it cancelled without a word to the venue.
import { type DecStr, dec } from '../../shared/domain/decimal.ts';
import type { Venue, VenueEvent, VenueOrder, VenuePosition } from '../engine/venues/venue.ts';
import { type BackoffPolicy, QUERY_BACKOFF, realTimers, THROTTLE_BACKOFF, type Timers } from './backoff.ts';
import { CommandLane } from './bridge/command-lane.ts';
import { CommandSender } from './bridge/command-sender.ts';
import { type BridgeCore, type BridgeNotice, describe } from './bridge/core.ts';
import { DeliveredTrades, TRADES_KEPT_AFTER_END } from './bridge/delivered-trades.ts';
import { type AdoptedOrder, adoptOrders, noteToEngine } from './bridge/engine-handover.ts';
import { EventOutbox } from './bridge/event-outbox.ts';
import { type BracketedOrder, NativeBrackets, type NativeChild } from './bridge/native-brackets.ts';
import { OutcomeQueries } from './bridge/outcome-queries.ts';
import {
  applyChange,
  asVenueOrder,
  endedUnfilled,
  type OrderChange,
  TrackedOrders,
} from './bridge/tracked-orders.ts';
import { VenueReports } from './bridge/venue-reports.ts';
import { mergeInstruments, prepareOrder } from './order-rounding.ts';
import type {
  Disposer,
  VenueEvent as LiveEvent,
  LiveVenue,
  VenueBracketRequest,
  VenueFill,
  VenueInstrument,
  VenueOrderRequest,
  VenueOutcome,
  VenueRead,
} from './venue.ts';

export type { BridgeNotice } from './bridge/core.ts';
export type { AdoptedOrder } from './bridge/engine-handover.ts';

export interface ExecutionBridgeOptions {
  live: LiveVenue;
  now: () => number;
  timers?: Timers;
  /** 0..1, for jitter. */
  random?: () => number;
  /** Config `instruments`: overrides the venue's tick and lot per symbol. */
  instruments?: Record<string, { lot?: DecStr; tick?: DecStr }>;
  /** Config `risk.scaleDownOnInsufficientFunds`. */
  scaleDownOnInsufficientFunds?: boolean;
  /** Is this client order id Braid's (an order of an earlier run the bridge has not seen)? Reports and
   *  fills of orders nobody at Braid placed are external. */
  isBraidOrder?: (clientOrderId: string) => boolean;
  onNotice?: (notice: BridgeNotice) => void;
  /** Runs a delivery out of the caller's stack: setImmediate by default. */
  defer?: (fn: () => void) => void;
  queryBackoff?: BackoffPolicy;
  throttleBackoff?: BackoffPolicy;
  /** After a cancel is accepted, the venue's report should end the order; without one by then, ask. */
  confirmAfterMs?: number;
  /** Answers "no such order" needed before an order of unknown outcome is taken as never arrived: a
   *  request that timed out may still be on its way into the venue. */
  notFoundConfirmations?: number;
  /** Trade ids of ended orders the bridge keeps for dedupe (the engine's own dedupe is the last guard). */
  tradesKeptAfterEnd?: number;
  /** Braid's name for an instrument the venue names its own way (config `venueSymbols`): an external
   *  order is shown under it. */
  toBraidSymbol?: (venueSymbol: string) => string;
}

const DEFAULT_CONFIRM_AFTER_MS = 5_000;
const DEFAULT_NOT_FOUND_CONFIRMATIONS = 2;

export class ExecutionBridge implements Venue {
  readonly name: string;
  readonly asynchronous = true;
  /** Spot without one-cancels-other or reduce-only (Kraken): a resting stop holds the coins a resting
   *  take-profit would need, so the engine holds the take-profit itself. */
  readonly exitLegsShareBalance: boolean;

  private readonly live: LiveVenue;
  private readonly now: () => number;
  private readonly overrides: Record<string, { lot?: DecStr; tick?: DecStr }>;
  private readonly onNotice: (notice: BridgeNotice) => void;
  private instrumentMap: Map<string, VenueInstrument>;

  private readonly orders: TrackedOrders;
  private readonly trades: DeliveredTrades;
  private readonly outbox: EventOutbox;
  private readonly queries: OutcomeQueries;
  private readonly reports: VenueReports;
  private readonly lane: CommandLane;
  private readonly natives = new NativeBrackets();

  private disposed = false;
  private readonly disposeLive: Disposer;

  constructor(options: ExecutionBridgeOptions) {
    this.live = options.live;
    this.name = options.live.name;
    const can = options.live.capabilities;
    this.exitLegsShareBalance = !can.oco && !can.reduceOnly;
    this.now = options.now;
    const timers = options.timers ?? realTimers;
    const random = options.random ?? Math.random;
    this.overrides = options.instruments ?? {};
    this.onNotice = options.onNotice ?? (() => {});
    this.instrumentMap = mergeInstruments([], this.overrides);

    this.outbox = new EventOutbox(
      options.defer ?? ((fn) => setImmediate(fn)),
      (e, error) =>
        this.notice('error', 'listener_failed', `the engine failed on ${e.type}: ${describe(error)}`),
      () => this.trades.forgetBooked(),
    );
    this.trades = new DeliveredTrades(options.tradesKeptAfterEnd ?? TRADES_KEPT_AFTER_END, (place) =>
      this.outbox.hasDelivered(place),
    );
    this.orders = new TrackedOrders(options.isBraidOrder ?? (() => false), (id) =>
      this.trades.orderEnded(id),
    );
    const core: BridgeCore = {
      live: this.live,
      orders: this.orders,
      now: () => this.now(),
      disposed: () => this.disposed,
      instrument: (symbol) => this.instrumentMap.get(symbol),
      toBraid: options.toBraidSymbol ?? ((symbol) => symbol),
      emit: (e) => this.emit(e),
      notice: (level, code, message, clientOrderId) => this.notice(level, code, message, clientOrderId),
    };
    this.queries = new OutcomeQueries(core, {
      timers,
      random,
      backoff: options.queryBackoff ?? QUERY_BACKOFF,
      confirmAfterMs: options.confirmAfterMs ?? DEFAULT_CONFIRM_AFTER_MS,
      notFoundConfirmations: options.notFoundConfirmations ?? DEFAULT_NOT_FOUND_CONFIRMATIONS,
      answered: (t, report) => this.reports.passStatus(t, report, true),
    });
    this.reports = new VenueReports(core, this.queries, (tradeId) => this.trades.has(tradeId));
    const sender = new CommandSender(core, this.queries, options.scaleDownOnInsufficientFunds ?? false, () =>
      this.lane.takeCancels(),
    );
    sender.onChildRefused = (id) => {
      this.natives.refused(id);
      this.orders.forget(id);
    };
    this.lane = new CommandLane(sender, timers, random, options.throttleBackoff ?? THROTTLE_BACKOFF);
    this.disposeLive = this.live.onEvent((e) => {
      this.recogniseChild(e);
      this.reports.onLive(e);
    });
  }

  /** The venue holds a bracket itself: the engine journals an entry's exits with it and attaches them
   *  (`bracket`), and the bridge sends the three as one (bridge/native-brackets.ts). Asked each time: the
   *  registry's seat may put another adapter behind the bridge. */
  get nativeBrackets(): boolean {
    return this.live.capabilities.nativeBrackets && typeof this.live.submitBracket === 'function';
  }

  /** What the venue behind the bridge holds itself (asked each time, as `nativeBrackets`). */
  get dayOrders(): boolean {
    return this.live.capabilities.dayOrders;
  }

  get outsideRth(): boolean {
    return this.live.capabilities.outsideRth;
  }

  get nativeTrailing(): boolean {
    return this.live.capabilities.nativeTrailing;
  }

  // ---------------------------------------------------------------------------- engine port

  /** Loads the venue's instruments; the registry connects the live venue itself. */
  async connect(): Promise<void> {
    await this.loadInstruments();
  }

  async disconnect(): Promise<void> {
    this.dispose();
  }

  submit(order: BracketedOrder, now: number): void {
    if (this.disposed) return;
    const child = this.natives.child(order.clientOrderId);
    if (child && !child.adopted) {
      this.adoptChild(child, order);
      return;
    }
    if (this.orders.has(order.clientOrderId)) {
      // The id is unique for life: a second submit of it must never reach the venue.
      this.notice(
        'error',
        'duplicate_submit',
        `order ${order.clientOrderId} was already sent; not sent again`,
        order.clientOrderId,
      );
      return;
    }
    const t = this.orders.track({ ...order, phase: 'queued' });
    const prepared = prepareOrder(order, this.instrumentMap.get(order.symbol));
    if (!prepared.ok) {
      this.orders.end(t);
      this.notice('warning', prepared.reason, prepared.message, order.clientOrderId);
      this.emit({ type: 'rejected', clientOrderId: order.clientOrderId, reason: prepared.reason, time: now });
      return;
    }
    if (prepared.quantity !== order.quantity || prepared.price !== order.price) {
      // The engine's record says what goes to the venue.
      t.quantity = prepared.quantity;
      t.price = prepared.price;
      this.emit({
        type: 'amended',
        clientOrderId: order.clientOrderId,
        quantity: prepared.quantity,
        ...(prepared.price !== undefined ? { price: prepared.price } : {}),
        time: now,
      });
    }
    const request: VenueOrderRequest = {
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      quantity: prepared.quantity,
      ...(prepared.price !== undefined
        ? order.type === 'stop'
          ? { stopPrice: prepared.price }
          : { price: prepared.price }
        : {}),
      ...(order.timeInForce !== undefined ? { timeInForce: order.timeInForce } : {}),
      ...(order.outsideRth === true && this.live.capabilities.outsideRth ? { outsideRth: true } : {}),
      ...(order.trailingPercent !== undefined &&
      order.type === 'stop' &&
      this.live.capabilities.nativeTrailing
        ? { trailingPercent: order.trailingPercent }
        : {}),
      // Where the venue has it (perpetuals): an exit can never open a position the other way.
      ...(order.reduceOnly === true && this.live.capabilities.reduceOnly ? { reduceOnly: true } : {}),
    };
    const bracket = this.bracketFor(order, request);
    if (bracket) this.natives.reserve(bracket);
    this.lane.push({ kind: 'submit', id: order.clientOrderId, request, ...(bracket ? { bracket } : {}) });
  }

  /** The entry with its exits as one native bracket, or null when it goes alone (native-brackets.ts). */
  private bracketFor(order: BracketedOrder, request: VenueOrderRequest): VenueBracketRequest | null {
    if (!order.bracket || !this.nativeBrackets) return null;
    const instrument = this.instrumentMap.get(order.symbol);
    const exitSide = order.side === 'buy' ? 'sell' : 'buy';
    const round = (type: 'stop' | 'limit', price: string) => {
      const p = prepareOrder(
        { symbol: order.symbol, side: exitSide, type, quantity: request.quantity, price },
        instrument,
      );
      return p.ok ? (p.price ?? '') : '';
    };
    const b = order.bracket;
    return this.natives.requestFor(
      {
        ...order,
        bracket: {
          stopLoss: { ...b.stopLoss, price: round('stop', b.stopLoss.price) },
          takeProfit: { ...b.takeProfit, price: round('limit', b.takeProfit.price) },
        },
      },
      request,
      this.live.capabilities,
      this.nativeBrackets,
    );
  }

  /** The engine submits an exit the venue already holds as a bracket's child: nothing is sent; what the
   *  venue said of it so far reaches the engine now, in order. */
  private adoptChild(child: NativeChild, order: VenueOrder): void {
    const t = this.orders.get(child.id);
    const kept = this.natives.adopt(child);
    if (!t) return;
    // The engine's record: its size (what has filled so far; the venue follows the entry's fills).
    t.quantity = order.quantity;
    for (const e of kept) this.outbox.push(e);
  }

  cancel(clientOrderId: string, now: number): void {
    if (this.disposed) return;
    const t =
      this.orders.get(clientOrderId) ??
      this.orders.track({
        clientOrderId,
        symbol: '',
        side: 'buy',
        type: 'limit',
        quantity: '0',
        phase: 'sent',
      });
    if (t.phase === 'ended') {
      // The venue said it is over without filling it all, and the engine asks to cancel it anyway: a late
      // fill reopened it there. Nothing goes to the venue; the engine hears it is cancelled, or it would
      // wait in pending_cancel for ever. Otherwise its end is already on its way: nothing to say.
      if (endedUnfilled(t))
        this.emit({ type: 'cancelled', clientOrderId, reason: 'already ended at the venue', time: now });
      return;
    }
    const child = this.natives.child(clientOrderId);
    if (child?.adopted && !child.ended && this.natives.siblingFilled(child)) {
      // The venue cancels it itself (its OCA group, normalTpsl): its report answers the engine; without
      // one in time, a query does.
      this.queries.confirmLater(t);
      return;
    }
    if (this.lane.unsentSubmit(clientOrderId)) {
      this.lane.drop(clientOrderId);
      this.natives.forget(clientOrderId);
      this.orders.end(t);
      this.emit({ type: 'cancelled', clientOrderId, reason: 'cancelled before it was sent', time: now });
      return;
    }
    this.lane.push({ kind: 'cancel', id: clientOrderId });
  }

  amend(clientOrderId: string, change: OrderChange, now: number): void {
    if (this.disposed) return;
    const t = this.orders.get(clientOrderId);
    if (!t || t.phase === 'ended') {
      this.emit({
        type: 'modify_rejected',
        clientOrderId,
        reason: 'the order is not working at the venue',
        time: now,
      });
      return;
    }
    const rounded = this.roundChange(t, change);
    if (!rounded.ok) {
      this.emit({ type: 'modify_rejected', clientOrderId, reason: rounded.reason, time: now });
      return;
    }
    const child = this.natives.child(clientOrderId);
    if (child?.adopted && change.price === undefined && change.quantity !== undefined) {
      const q = change.quantity;
      if (this.natives.entryWorking(child) || dec(q).eq(child.venueQuantity)) {
        // The venue sizes the child to the entry's fills itself: the engine's resize is already so.
        t.quantity = q;
        this.outbox.push({
          type: 'amended',
          clientOrderId,
          quantity: q,
          ...(t.price !== undefined ? { price: t.price } : {}),
          time: now,
        });
        return;
      }
    }
    const unsent = this.lane.unsentSubmit(clientOrderId);
    if (unsent) {
      // Not sent yet: the request changes in place.
      const { quantity, price } = rounded.change;
      unsent.request = {
        ...unsent.request,
        ...(quantity !== undefined ? { quantity } : {}),
        ...(price !== undefined ? (t.type === 'stop' ? { stopPrice: price } : { price }) : {}),
      };
      if (unsent.bracket) {
        // The bracket goes as the entry now is: its exits are sized to it.
        const q = unsent.request.quantity;
        const b = unsent.bracket;
        unsent.bracket = {
          entry: unsent.request,
          stopLoss: { ...b.stopLoss, quantity: q },
          takeProfit: { ...b.takeProfit, quantity: q },
        };
      }
      this.emit(applyChange(t, rounded.change, now));
      return;
    }
    this.lane.push({ kind: 'amend', id: clientOrderId, change: rounded.change });
  }

  query(clientOrderId: string): VenueOrder | undefined {
    const t = this.orders.get(clientOrderId);
    return t ? asVenueOrder(t) : undefined;
  }

  openOrders(): VenueOrder[] {
    return [...this.orders.values()].filter((t) => t.phase !== 'ended').map(asVenueOrder);
  }

  /** A spot venue holds balances, not positions; reconciliation compares them (reconcile.ts). */
  positions(): VenuePosition[] {
    return [];
  }

  onEvent(listener: (event: VenueEvent) => void): Disposer {
    return this.outbox.listen(listener);
  }

  // ---------------------------------------------------------------------------- for the registry

  async loadInstruments(): Promise<VenueRead<null>> {
    let read: VenueRead<VenueInstrument[]>;
    try {
      read = await this.live.instruments();
    } catch (e) {
      read = { ok: false, message: describe(e), retryable: true };
    }
    if (!read.ok) return read;
    this.instrumentMap = mergeInstruments(read.value, this.overrides);
    return { ok: true, value: null };
  }

  instrument(symbol: string): VenueInstrument | undefined {
    return this.instrumentMap.get(symbol);
  }

  /** The engine's orders on this venue (a restart, a reconnect): reports and fills for them are Braid's
   *  (a late fill on an order ended in an earlier run too), and cancels and changes find their venue ids.
   *  Orders already tracked keep what the bridge knows. */
  adopt(orders: AdoptedOrder[]): void {
    adoptOrders(this.orders, orders);
  }

  /** Passes events found by reconciliation to the engine through the same ordered delivery; resolves once
   *  the engine has had them all. */
  deliver(events: VenueEvent[]): Promise<void> {
    for (const e of events) {
      if (e.type === 'status' || e.type === 'filled' || e.type === 'accepted') {
        const t = this.orders.get(e.clientOrderId);
        if (t) noteToEngine(this.orders, this.queries, t, e);
      }
      this.emit(e);
    }
    return this.whenDelivered();
  }

  /**
   * The venue's cancel-all (the kill switch), ahead of every queued command: the engine's own cancels,
   * queued just before, are then dropped, and the flattening orders queued after them still go.
   */
  cancelAll(): Promise<VenueOutcome> {
    if (this.disposed)
      return Promise.resolve({ kind: 'rejected', reason: 'venue_unavailable', message: 'stopped' });
    return new Promise((done) => this.lane.pushAhead({ kind: 'cancel_all', id: '', done }));
  }

  /** The bridge is still finding out about this order (queued, on the wire, or asking): reconciliation
   *  leaves it to the bridge. */
  settling(clientOrderId: string): boolean {
    const t = this.orders.get(clientOrderId);
    return t !== undefined && (t.phase === 'queued' || t.phase === 'sending' || this.queries.isAsking(t));
  }

  /** A command for this order is queued or on the wire, or a cancel's confirmation is awaited. */
  commandPending(clientOrderId: string): boolean {
    if (this.lane.has(clientOrderId)) return true;
    const t = this.orders.get(clientOrderId);
    return t !== undefined && this.queries.awaitingConfirmation(t);
  }

  /** Resolves once every event emitted so far has reached the listeners. */
  whenDelivered(): Promise<void> {
    return this.outbox.whenDelivered();
  }

  /** Commands waiting or on their way, and orders whose outcome is being asked for. */
  pending(): { queued: number; inFlight: boolean; querying: number; undelivered: number } {
    return {
      queued: this.lane.size(),
      inFlight: this.lane.inFlight(),
      querying: this.queries.askingAmong(this.orders.values()),
      undelivered: this.outbox.undelivered(),
    };
  }

  /** How many trade ids the bridge remembers for dedupe (bounded: see bridge/delivered-trades.ts). */
  rememberedTrades(): number {
    return this.trades.size();
  }

  /** The engine's `filled` from a venue fill; the fee only when it is in the quote currency. */
  filledEvent(fill: VenueFill, clientOrderId: string): Extract<VenueEvent, { type: 'filled' }> {
    return this.reports.filledEvent(fill, clientOrderId);
  }

  /** Stops every retry, query and delivery; nothing reaches the engine after it. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeLive();
    this.lane.stop();
    this.queries.stopAll();
    this.outbox.stop();
  }

  // ---------------------------------------------------------------------------- inside

  private emit(e: VenueEvent): void {
    if (this.disposed) return;
    const seen = this.natives.observe(e);
    if (seen.resize) {
      // The entry ended part filled: its children are brought to what it filled.
      for (const id of seen.resize.ids)
        this.lane.push({ kind: 'amend', id, change: { quantity: seen.resize.quantity } });
    }
    if (seen.keep) return;
    // Only fills of Braid's orders count as passed on: a fill that went through as external (its order not
    // known yet) may come again by reconciliation, mapped to its order.
    const t = e.type === 'filled' && e.tradeId !== undefined ? this.orders.get(e.clientOrderId) : undefined;
    if (e.type === 'filled' && e.tradeId !== undefined && t) {
      if (this.trades.has(e.tradeId)) return;
      const place = this.outbox.push(e);
      this.trades.remember(e.tradeId, t.id, place, t.phase === 'ended');
      return;
    }
    this.outbox.push(e);
  }

  /** A change on the venue's grid, or why it cannot be made. */
  private roundChange(
    t: {
      symbol: string;
      side: VenueOrder['side'];
      type: VenueOrder['type'];
      quantity: DecStr;
      price?: DecStr;
    },
    change: OrderChange,
  ): { ok: true; change: OrderChange } | { ok: false; reason: string } {
    const instrument = this.instrumentMap.get(t.symbol);
    if (!instrument) return { ok: true, change };
    const prepared = prepareOrder(
      {
        symbol: t.symbol,
        side: t.side,
        type: t.type,
        quantity: change.quantity ?? t.quantity,
        ...((change.price ?? t.price) !== undefined ? { price: change.price ?? t.price } : {}),
      },
      instrument,
    );
    if (!prepared.ok) return { ok: false, reason: prepared.reason };
    return {
      ok: true,
      change: {
        ...(change.quantity !== undefined ? { quantity: prepared.quantity } : {}),
        ...(change.price !== undefined && prepared.price !== undefined ? { price: prepared.price } : {}),
      },
    };
  }

  /**
   * After a restart the bridge has no record of a bracket sent by the run before: a report of one of
   * Braid's exits nobody submitted yet (`<plan>:SL<n>` / `<plan>:TP<n>`, the engine's names) whose plan's
   * entry is known is a native child, kept for the engine's submit of it.
   */
  private recogniseChild(e: LiveEvent): void {
    if (!this.nativeBrackets || (e.type !== 'order' && e.type !== 'fill')) return;
    const id = e.type === 'order' ? e.report.clientOrderId : e.fill.clientOrderId;
    if (id === undefined || this.orders.has(id)) return;
    const m = /^(.*):(SL|TP)(\d+)$/.exec(id);
    if (!m) return;
    const plan = m[1]!;
    const entry = [...this.orders.values()].find((t) => t.id.startsWith(`${plan}:E`));
    if (!entry) return;
    const sibling = `${plan}:${m[2] === 'SL' ? 'TP' : 'SL'}${m[3]}`;
    const slId = m[2] === 'SL' ? id : sibling;
    const tpId = m[2] === 'SL' ? sibling : id;
    const exit = { symbol: entry.symbol, side: entry.side === 'buy' ? ('sell' as const) : ('buy' as const) };
    if (!this.natives.child(id))
      this.natives.reserve({
        entry: {
          clientOrderId: entry.id,
          symbol: entry.symbol,
          side: entry.side,
          type: 'limit',
          quantity: entry.quantity,
        },
        stopLoss: { ...exit, clientOrderId: slId, type: 'stop', quantity: entry.quantity },
        takeProfit: { ...exit, clientOrderId: tpId, type: 'limit', quantity: entry.quantity },
      });
    const r = e.type === 'order' ? e.report : undefined;
    this.orders.track({
      clientOrderId: id,
      symbol: entry.symbol,
      side: exit.side,
      type: r?.type ?? (m[2] === 'SL' ? 'stop' : 'limit'),
      quantity: r?.quantity ?? entry.quantity,
      ...(r?.price !== undefined ? { price: r.price } : {}),
      ...(r?.stopPrice !== undefined ? { stopPrice: r.stopPrice } : {}),
      phase: 'sent',
    });
    if (entry.phase === 'ended')
      this.natives.observe({ type: 'cancelled', clientOrderId: entry.id, reason: '', time: 0 });
  }

  private notice(level: BridgeNotice['level'], code: string, message: string, clientOrderId?: string): void {
    this.onNotice({ level, code, message, ...(clientOrderId ? { clientOrderId } : {}), time: this.now() });
  }
}
