// The execution bridge: the engine's synchronous venue port (engine/venues/venue.ts) in front of an
// asynchronous live venue (venues/venue.ts). The engine calls submit/cancel/amend and returns at once; the
// bridge rounds the order to the venue's instrument, sends the commands one at a time in the order they
// came (per venue), and turns outcomes and the venue's reports into engine events, delivered one at a time
// and never inside the engine's own call stack.
//
// The rules that keep orders single (venues.md "Orders"):
// - An `unknown` outcome is resolved by asking the venue for the order by client id, with backoff, until
//   it answers. The request is never sent again.
// - A `throttled` request did nothing at the venue: it stays at the head of the queue and is sent again
//   after the venue's retry-after (with jitter). A cancel of an order still in the queue takes it out and
//   reports it cancelled without a word to the venue.
// - insufficient funds with `scaleDownOnInsufficientFunds`: one retry at 90 % of the size, with the SAME
//   client order id. Braid's id is unique for life at Braid; Kraken refuses a duplicate `cl_ord_id` only
//   among OPEN orders, and the first request was refused (never opened), so the retry is the one order
//   with that id at the venue. The engine learns the new size by an `amended` event, and a notice says why.
import Big from 'big.js';
import { type DecStr, dec, str } from '../../shared/domain/decimal.ts';
import { WORKING_STATUSES } from '../../shared/domain/order.ts';
import type { Side } from '../../shared/domain/plan.ts';
import type { Venue, VenueEvent, VenueOrder, VenuePosition } from '../engine/venues/venue.ts';
import {
  type BackoffPolicy,
  backoffDelay,
  QUERY_BACKOFF,
  realTimers,
  THROTTLE_BACKOFF,
  type Timers,
} from './backoff.ts';
import { mergeInstruments, prepareOrder, quoteOf } from './order-rounding.ts';
import type {
  Disposer,
  VenueEvent as LiveEvent,
  LiveVenue,
  VenueFill,
  VenueInstrument,
  VenueOrderReport,
  VenueOrderRequest,
  VenueOrderState,
  VenueOutcome,
  VenueRead,
} from './venue.ts';

export interface BridgeNotice {
  level: 'info' | 'warning' | 'error';
  code: string;
  message: string;
  clientOrderId?: string;
  time: number;
}

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
}

type Phase = 'queued' | 'sending' | 'sent' | 'unknown' | 'ended';

interface Tracked {
  id: string;
  symbol: string;
  side: Side;
  type: VenueOrder['type'];
  quantity: DecStr;
  price?: DecStr;
  venueOrderId?: string;
  phase: Phase;
  /** The engine has been told the venue holds it (accepted, or a status that says so). */
  told: boolean;
  /** The last status passed on from an unsolicited report (reports repeat with every poll). */
  lastStatus?: string;
  scaledDown: boolean;
  /** A cancel or change whose answer was lost: the next query's answer settles it. */
  unsettled?: { kind: 'cancel' } | { kind: 'modify'; change: { quantity?: DecStr; price?: DecStr } };
  querying: boolean;
  queryAttempt: number;
  notFound: number;
  queryTimer: unknown;
  confirmTimer: unknown;
}

type Command =
  | { kind: 'submit'; id: string; request: VenueOrderRequest }
  | { kind: 'cancel'; id: string }
  | { kind: 'amend'; id: string; change: { quantity?: DecStr; price?: DecStr } }
  | { kind: 'cancel_all'; id: ''; done: (outcome: VenueOutcome) => void };

type Step = { kind: 'done' } | { kind: 'again' } | { kind: 'throttled'; retryAfterMs: number };

const WORKING: ReadonlySet<string> = WORKING_STATUSES;
const DEFAULT_CONFIRM_AFTER_MS = 5_000;
const DEFAULT_NOT_FOUND_CONFIRMATIONS = 2;
const SCALE_DOWN = new Big('0.9');

type StatusState = NonNullable<Extract<VenueEvent, { type: 'status' }>['state']>;

function statusState(state: VenueOrderState): StatusState {
  // Pending: the venue has it, not yet in its book. To the engine it is working.
  return state === 'pending' ? 'open' : state;
}

function isEnded(state: VenueOrderState): boolean {
  return state === 'filled' || state === 'cancelled' || state === 'expired' || state === 'rejected';
}

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

// ------------------------------------------------------------------------------------------ the bridge

export class ExecutionBridge implements Venue {
  readonly name: string;
  readonly asynchronous = true;
  /** Spot without one-cancels-other or reduce-only (Kraken): a resting stop holds the coins a resting
   *  take-profit would need, so the engine holds the take-profit itself. */
  readonly exitLegsShareBalance: boolean;

  private readonly live: LiveVenue;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly overrides: Record<string, { lot?: DecStr; tick?: DecStr }>;
  private readonly scaleDown: boolean;
  private readonly isBraidOrder: (id: string) => boolean;
  private readonly onNotice: (notice: BridgeNotice) => void;
  private readonly defer: (fn: () => void) => void;
  private readonly queryBackoff: BackoffPolicy;
  private readonly throttleBackoff: BackoffPolicy;
  private readonly confirmAfterMs: number;
  private readonly notFoundConfirmations: number;

  private instrumentMap: Map<string, VenueInstrument>;
  private readonly orders = new Map<string, Tracked>();
  private readonly byVenueId = new Map<string, string>();
  /** Trade ids passed on in this run: a fill that comes by two paths (a poll and a reconciliation) once. */
  private readonly deliveredTrades = new Set<string>();
  /** External orders already shown, by venue id and state (polls repeat them). */
  private readonly externalSeen = new Map<string, string>();

  private readonly queue: Command[] = [];
  private busy = false;
  private throttleTimer: unknown = null;
  private throttleAttempt = 0;
  private pumpScheduled = false;

  private readonly listeners = new Set<(event: VenueEvent) => void>();
  private readonly outbox: VenueEvent[] = [];
  private drainScheduled = false;
  private emitted = 0;
  private delivered = 0;
  private waiters: Array<{ until: number; resolve: () => void }> = [];

  private disposed = false;
  private readonly disposeLive: Disposer;

  constructor(options: ExecutionBridgeOptions) {
    this.live = options.live;
    this.name = options.live.name;
    const can = options.live.capabilities;
    this.exitLegsShareBalance = !can.oco && !can.reduceOnly;
    this.now = options.now;
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    this.overrides = options.instruments ?? {};
    this.scaleDown = options.scaleDownOnInsufficientFunds ?? false;
    this.isBraidOrder = options.isBraidOrder ?? (() => false);
    this.onNotice = options.onNotice ?? (() => {});
    this.defer = options.defer ?? ((fn) => setImmediate(fn));
    this.queryBackoff = options.queryBackoff ?? QUERY_BACKOFF;
    this.throttleBackoff = options.throttleBackoff ?? THROTTLE_BACKOFF;
    this.confirmAfterMs = options.confirmAfterMs ?? DEFAULT_CONFIRM_AFTER_MS;
    this.notFoundConfirmations = options.notFoundConfirmations ?? DEFAULT_NOT_FOUND_CONFIRMATIONS;
    this.instrumentMap = mergeInstruments([], this.overrides);
    this.disposeLive = this.live.onEvent((e) => this.onLive(e));
  }

  // ---------------------------------------------------------------------------- engine port

  /** Loads the venue's instruments; the registry connects the live venue itself. */
  async connect(): Promise<void> {
    await this.loadInstruments();
  }

  async disconnect(): Promise<void> {
    this.dispose();
  }

  submit(order: VenueOrder, now: number): void {
    if (this.disposed) return;
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
    const t = this.track({ ...order, phase: 'queued' });
    const prepared = prepareOrder(order, this.instrumentMap.get(order.symbol));
    if (!prepared.ok) {
      t.phase = 'ended';
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
    };
    this.queue.push({ kind: 'submit', id: order.clientOrderId, request });
    this.schedulePump();
  }

  cancel(clientOrderId: string, now: number): void {
    if (this.disposed) return;
    const t =
      this.orders.get(clientOrderId) ??
      this.track({ clientOrderId, symbol: '', side: 'buy', type: 'limit', quantity: '0', phase: 'sent' });
    // Its end is already on its way to the engine (a report, a refusal): nothing to cancel.
    if (t.phase === 'ended') return;
    const at = this.unsentSubmit(clientOrderId);
    if (at >= 0) {
      this.dropQueued(clientOrderId);
      t.phase = 'ended';
      this.emit({ type: 'cancelled', clientOrderId, reason: 'cancelled before it was sent', time: now });
      return;
    }
    this.queue.push({ kind: 'cancel', id: clientOrderId });
    this.schedulePump();
  }

  amend(clientOrderId: string, change: { quantity?: DecStr; price?: DecStr }, now: number): void {
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
    const at = this.unsentSubmit(clientOrderId);
    if (at >= 0) {
      // Not sent yet: the request changes in place.
      const cmd = this.queue[at] as Extract<Command, { kind: 'submit' }>;
      const { quantity, price } = rounded.change;
      cmd.request = {
        ...cmd.request,
        ...(quantity !== undefined ? { quantity } : {}),
        ...(price !== undefined ? (t.type === 'stop' ? { stopPrice: price } : { price }) : {}),
      };
      this.applyAmend(t, rounded.change, now);
      return;
    }
    this.queue.push({ kind: 'amend', id: clientOrderId, change: rounded.change });
    this.schedulePump();
  }

  query(clientOrderId: string): VenueOrder | undefined {
    const t = this.orders.get(clientOrderId);
    return t ? this.asVenueOrder(t) : undefined;
  }

  openOrders(): VenueOrder[] {
    return [...this.orders.values()].filter((t) => t.phase !== 'ended').map((t) => this.asVenueOrder(t));
  }

  /** A spot venue holds balances, not positions; reconciliation compares them (reconcile.ts). */
  positions(): VenuePosition[] {
    return [];
  }

  onEvent(listener: (event: VenueEvent) => void): Disposer {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
    for (const o of orders) {
      // Held by the engine, not at the venue: when it is sent, it is a new order to the bridge.
      if (o.status === 'held') continue;
      const t = this.orders.get(o.clientOrderId);
      if (t && t.symbol !== '') {
        if (o.venueOrderId && !t.venueOrderId) this.setVenueId(t, o.venueOrderId);
        continue;
      }
      const confirmed = o.status !== 'submitted' && o.status !== 'unknown';
      const phase: Phase = !WORKING.has(o.status) ? 'ended' : confirmed ? 'sent' : 'unknown';
      const adopted = this.track({ ...o, phase });
      adopted.told = confirmed;
      if (o.venueOrderId) this.setVenueId(adopted, o.venueOrderId);
    }
  }

  /** Passes events found by reconciliation to the engine through the same ordered delivery; resolves once
   *  the engine has had them all. */
  deliver(events: VenueEvent[]): Promise<void> {
    for (const e of events) {
      if (e.type === 'status' || e.type === 'filled' || e.type === 'accepted') {
        const t = this.orders.get(e.clientOrderId);
        if (t) this.noteToEngine(t, e);
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
    return new Promise((done) => {
      this.queue.splice(this.busy ? 1 : 0, 0, { kind: 'cancel_all', id: '', done });
      this.schedulePump();
    });
  }

  /** The bridge is still finding out about this order (queued, on the wire, or asking): reconciliation
   *  leaves it to the bridge. */
  settling(clientOrderId: string): boolean {
    const t = this.orders.get(clientOrderId);
    return t !== undefined && (t.phase === 'queued' || t.phase === 'sending' || t.querying);
  }

  /** A command for this order is queued or on the wire, or a cancel's confirmation is awaited. */
  commandPending(clientOrderId: string): boolean {
    if (this.queue.some((c) => c.id === clientOrderId)) return true;
    const t = this.orders.get(clientOrderId);
    return t !== undefined && t.confirmTimer !== null;
  }

  /** Resolves once every event emitted so far has reached the listeners. */
  whenDelivered(): Promise<void> {
    const until = this.emitted;
    if (this.delivered >= until || this.disposed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ until, resolve }));
  }

  /** Commands waiting or on their way, and orders whose outcome is being asked for. */
  pending(): { queued: number; inFlight: boolean; querying: number; undelivered: number } {
    let querying = 0;
    for (const t of this.orders.values()) if (t.querying) querying++;
    return { queued: this.queue.length, inFlight: this.busy, querying, undelivered: this.outbox.length };
  }

  /** Stops every retry, query and delivery; nothing reaches the engine after it. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeLive();
    if (this.throttleTimer !== null) this.timers.clearTimeout(this.throttleTimer);
    this.throttleTimer = null;
    for (const t of this.orders.values()) this.stopTimers(t);
    for (const c of this.queue)
      if (c.kind === 'cancel_all')
        c.done({ kind: 'rejected', reason: 'venue_unavailable', message: 'stopped' });
    this.queue.length = 0;
    this.outbox.length = 0;
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  // ---------------------------------------------------------------------------- the command queue

  private schedulePump(): void {
    // Out of the engine's stack: the engine finishes its command (and its checkpoint) first.
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy || this.disposed || this.throttleTimer !== null) return;
    const cmd = this.queue[0];
    if (!cmd) return;
    this.busy = true;
    const orderTracked = this.orders.get(cmd.id);
    if (cmd.kind === 'submit' && orderTracked) orderTracked.phase = 'sending';
    void this.execute(cmd).then((step) => {
      this.busy = false;
      if (this.disposed) return;
      if (step.kind === 'throttled') {
        if (cmd.kind === 'submit' && orderTracked?.phase === 'sending') orderTracked.phase = 'queued';
        const wait = backoffDelay(
          this.throttleBackoff,
          this.throttleAttempt++,
          this.random,
          step.retryAfterMs,
        );
        this.throttleTimer = this.timers.setTimeout(() => {
          this.throttleTimer = null;
          this.pump();
        }, wait);
        return;
      }
      this.throttleAttempt = 0;
      if (step.kind === 'done' && this.queue[0] === cmd) this.queue.shift();
      this.pump();
    });
  }

  private async execute(cmd: Command): Promise<Step> {
    if (cmd.kind === 'cancel_all') return this.executeCancelAll(cmd);
    const t = this.orders.get(cmd.id);
    if (!t) return { kind: 'done' };
    switch (cmd.kind) {
      case 'submit':
        return this.executeSubmit(t, cmd);
      case 'cancel':
        return this.executeCancel(t);
      case 'amend':
        return this.executeAmend(t, cmd.change);
    }
  }

  private async outcomeOf(call: () => Promise<VenueOutcome>): Promise<VenueOutcome> {
    try {
      return await call();
    } catch (e) {
      // The adapter broke its promise not to throw: the request may have gone out.
      return { kind: 'unknown', message: `the venue adapter failed: ${describe(e)}` };
    }
  }

  private async executeSubmit(t: Tracked, cmd: Extract<Command, { kind: 'submit' }>): Promise<Step> {
    const outcome = await this.outcomeOf(() => this.live.submit(cmd.request));
    if (this.disposed) return { kind: 'done' };
    const now = this.now();
    switch (outcome.kind) {
      case 'accepted':
        this.setVenueId(t, outcome.venueOrderId);
        if (t.phase === 'sending') t.phase = 'sent';
        if (!t.told && t.phase !== 'ended') {
          t.told = true;
          this.emit({
            type: 'accepted',
            clientOrderId: t.id,
            venueOrderId: outcome.venueOrderId,
            time: outcome.time,
          });
        }
        return { kind: 'done' };
      case 'rejected': {
        if (outcome.reason === 'insufficient_funds' && this.scaleDown && !t.scaledDown) {
          const smaller = this.scaledDown(t, cmd.request);
          if (smaller !== null) {
            t.scaledDown = true;
            this.notice(
              'warning',
              'scaled_down',
              `order ${t.id}: insufficient funds for ${cmd.request.quantity}; sent again once at 90 %: ${smaller}`,
              t.id,
            );
            // A new request object: the adapter may keep the one it was given.
            cmd.request = { ...cmd.request, quantity: smaller };
            this.applyAmend(t, { quantity: smaller }, now);
            return { kind: 'again' };
          }
        }
        if (t.phase !== 'ended' && !t.told) {
          t.phase = 'ended';
          this.emit({ type: 'rejected', clientOrderId: t.id, reason: outcome.reason, time: now });
        }
        return { kind: 'done' };
      }
      case 'unknown':
        if (t.phase === 'sending') {
          t.phase = 'unknown';
          this.emit({ type: 'unknown', clientOrderId: t.id, reason: outcome.message, time: now });
          this.startQuery(t);
        }
        return { kind: 'done' };
      case 'throttled':
        return { kind: 'throttled', retryAfterMs: outcome.retryAfterMs };
    }
  }

  private async executeCancel(t: Tracked): Promise<Step> {
    if (t.phase === 'ended') return { kind: 'done' };
    const outcome = await this.outcomeOf(() =>
      this.live.cancel({ clientOrderId: t.id, ...(t.venueOrderId ? { venueOrderId: t.venueOrderId } : {}) }),
    );
    if (this.disposed) return { kind: 'done' };
    // Whatever the venue says next about this order is news: pass it on even if it repeats.
    t.lastStatus = undefined;
    switch (outcome.kind) {
      case 'accepted':
        // The venue's report ends the order; without one in time, ask.
        this.confirmLater(t);
        return { kind: 'done' };
      case 'rejected':
        this.emit({ type: 'cancel_rejected', clientOrderId: t.id, reason: outcome.reason, time: this.now() });
        // "No such open order": it ended some other way (a fill?): find out how.
        if (outcome.reason === 'unknown_order') this.startQuery(t);
        return { kind: 'done' };
      case 'unknown':
        t.unsettled = { kind: 'cancel' };
        this.startQuery(t);
        return { kind: 'done' };
      case 'throttled':
        return { kind: 'throttled', retryAfterMs: outcome.retryAfterMs };
    }
  }

  private async executeCancelAll(cmd: Extract<Command, { kind: 'cancel_all' }>): Promise<Step> {
    const outcome = await this.outcomeOf(() => this.live.cancelAll());
    if (this.disposed) return { kind: 'done' };
    if (outcome.kind === 'throttled') return { kind: 'throttled', retryAfterMs: outcome.retryAfterMs };
    if (outcome.kind === 'accepted') {
      // The one request did what the queued cancels were going to: they go, and each order's end comes by
      // its report (or, without one in time, a query).
      for (let i = this.queue.length - 1; i >= 0; i--) {
        const c = this.queue[i];
        if (c?.kind !== 'cancel') continue;
        this.queue.splice(i, 1);
        const t = this.orders.get(c.id);
        if (t) this.confirmLater(t);
      }
    }
    cmd.done(outcome);
    return { kind: 'done' };
  }

  /** Asks the venue about an order if no report has ended it by `confirmAfterMs`. */
  private confirmLater(t: Tracked): void {
    if (gone(t)) return;
    t.lastStatus = undefined;
    this.clearConfirm(t);
    t.confirmTimer = this.timers.setTimeout(() => {
      t.confirmTimer = null;
      if (!gone(t)) this.startQuery(t);
    }, this.confirmAfterMs);
  }

  private async executeAmend(t: Tracked, change: { quantity?: DecStr; price?: DecStr }): Promise<Step> {
    if (t.phase === 'ended') return { kind: 'done' };
    const venueChange = {
      ...(change.quantity !== undefined ? { quantity: change.quantity } : {}),
      ...(change.price !== undefined
        ? t.type === 'stop'
          ? { stopPrice: change.price }
          : { price: change.price }
        : {}),
    };
    const outcome = await this.outcomeOf(() =>
      this.live.modify(
        { clientOrderId: t.id, ...(t.venueOrderId ? { venueOrderId: t.venueOrderId } : {}) },
        venueChange,
      ),
    );
    if (this.disposed) return { kind: 'done' };
    t.lastStatus = undefined;
    switch (outcome.kind) {
      case 'accepted':
        // Cancel-replace venues give the replacement a new venue id.
        this.setVenueId(t, outcome.venueOrderId);
        this.applyAmend(t, change, this.now());
        return { kind: 'done' };
      case 'rejected':
        this.emit({ type: 'modify_rejected', clientOrderId: t.id, reason: outcome.reason, time: this.now() });
        return { kind: 'done' };
      case 'unknown':
        t.unsettled = { kind: 'modify', change };
        this.startQuery(t);
        return { kind: 'done' };
      case 'throttled':
        return { kind: 'throttled', retryAfterMs: outcome.retryAfterMs };
    }
  }

  private unsentSubmit(id: string): number {
    const at = this.queue.findIndex((c) => c.kind === 'submit' && c.id === id);
    if (at < 0) return -1;
    // The head is on the wire while a request is in flight.
    return at === 0 && this.busy ? -1 : at;
  }

  private dropQueued(id: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]?.id === id) this.queue.splice(i, 1);
  }

  private scaledDown(t: Tracked, request: VenueOrderRequest): DecStr | null {
    const instrument = this.instrumentMap.get(t.symbol);
    const prepared = prepareOrder(
      {
        symbol: t.symbol,
        side: t.side,
        type: t.type,
        quantity: str(dec(request.quantity).times(SCALE_DOWN)),
        ...(t.price !== undefined ? { price: t.price } : {}),
      },
      instrument,
    );
    return prepared.ok ? prepared.quantity : null;
  }

  private roundChange(
    t: Tracked,
    change: { quantity?: DecStr; price?: DecStr },
  ): { ok: true; change: { quantity?: DecStr; price?: DecStr } } | { ok: false; reason: string } {
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

  private applyAmend(t: Tracked, change: { quantity?: DecStr; price?: DecStr }, now: number): void {
    if (change.quantity !== undefined) t.quantity = change.quantity;
    if (change.price !== undefined) t.price = change.price;
    this.emit({
      type: 'amended',
      clientOrderId: t.id,
      quantity: t.quantity,
      ...(t.price !== undefined ? { price: t.price } : {}),
      time: now,
    });
  }

  // ---------------------------------------------------------------------------- asking the venue

  private startQuery(t: Tracked): void {
    if (t.querying || this.disposed) return;
    t.querying = true;
    t.queryAttempt = 0;
    t.notFound = 0;
    this.scheduleQuery(t);
  }

  private scheduleQuery(t: Tracked): void {
    const wait = backoffDelay(this.queryBackoff, t.queryAttempt++, this.random);
    t.queryTimer = this.timers.setTimeout(() => {
      t.queryTimer = null;
      void this.runQuery(t);
    }, wait);
  }

  private async runQuery(t: Tracked): Promise<void> {
    let read: VenueRead<VenueOrderReport | null>;
    try {
      read = await this.live.orderStatus({
        clientOrderId: t.id,
        ...(t.venueOrderId ? { venueOrderId: t.venueOrderId } : {}),
      });
    } catch (e) {
      read = { ok: false, message: describe(e), retryable: true };
    }
    // A report may have answered meanwhile.
    if (this.disposed || !t.querying) return;
    if (!read.ok) {
      this.scheduleQuery(t);
      return;
    }
    if (read.value === null) {
      if (t.phase === 'unknown' && ++t.notFound < this.notFoundConfirmations) {
        this.scheduleQuery(t);
        return;
      }
      t.querying = false;
      if (t.unsettled?.kind === 'modify')
        this.emit({
          type: 'modify_rejected',
          clientOrderId: t.id,
          reason: 'the order is gone',
          time: this.now(),
        });
      t.unsettled = undefined;
      if (t.told && t.phase !== 'unknown')
        this.notice('warning', 'order_not_found', `order ${t.id}: the venue has no record of it`, t.id);
      // Never arrived (the request is not sent again), or gone: the engine ends it.
      t.phase = 'ended';
      this.emit({ type: 'status', clientOrderId: t.id, time: this.now() });
      return;
    }
    t.querying = false;
    this.settle(t, read.value);
    this.passStatus(t, read.value, true);
  }

  /** A cancel or change whose answer was lost, settled by what the venue shows now. */
  private settle(t: Tracked, report: VenueOrderReport): void {
    const unsettled = t.unsettled;
    t.unsettled = undefined;
    if (!unsettled || isEnded(report.state)) return;
    const now = this.now();
    if (unsettled.kind === 'cancel') {
      this.emit({
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
    if (took) this.applyAmend(t, unsettled.change, now);
    else
      this.emit({
        type: 'modify_rejected',
        clientOrderId: t.id,
        reason: 'the venue kept the order as it was',
        time: now,
      });
  }

  // ---------------------------------------------------------------------------- the venue's reports

  private onLive(e: LiveEvent): void {
    if (this.disposed) return;
    switch (e.type) {
      case 'order':
        this.onReport(e.report);
        return;
      case 'fill':
        this.onFill(e.fill);
        return;
      case 'notice':
        this.notice(e.level, e.code, e.message);
        return;
      default:
        // Connection events are the registry's (reconciliation, the Venues panel).
        return;
    }
  }

  /** Braid's client order id for a report or fill, or null when nobody at Braid placed it. */
  private braidId(clientOrderId: string | undefined, venueOrderId: string): string | null {
    if (clientOrderId !== undefined && (this.orders.has(clientOrderId) || this.isBraidOrder(clientOrderId)))
      return clientOrderId;
    return this.byVenueId.get(venueOrderId) ?? null;
  }

  private onReport(report: VenueOrderReport): void {
    const id = this.braidId(report.clientOrderId, report.venueOrderId);
    if (id === null) {
      this.passExternal(report);
      return;
    }
    const t = this.orders.get(id) ?? this.track({ ...report, clientOrderId: id, phase: 'sent' });
    // A report is an answer too: no need to keep asking (unless a lost cancel or change waits on a
    // query's answer: a poll may have read the order before the request reached it).
    const wasUnknown = t.querying && t.unsettled === undefined;
    if (wasUnknown) {
      t.querying = false;
      if (t.queryTimer !== null) this.timers.clearTimeout(t.queryTimer);
      t.queryTimer = null;
    }
    this.passStatus(t, report, wasUnknown);
  }

  /** A venue's word on one of Braid's orders, as the engine takes it: `accepted` the first time the venue
   *  shows it working, then `status` on each change. `solicited`: a query's answer, always passed on. */
  private passStatus(t: Tracked, report: VenueOrderReport, solicited: boolean): void {
    this.setVenueId(t, report.venueOrderId);
    const ended = isEnded(report.state);
    if (t.phase === 'sending' || t.phase === 'queued') t.phase = 'sent';
    if (!t.told && !ended && t.phase !== 'unknown') {
      t.told = true;
      t.lastStatus = statusKey(report);
      this.emit({
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
      t.phase = 'ended';
      this.clearConfirm(t);
    } else if (t.phase === 'unknown') {
      t.phase = 'sent';
    }
    const price = t.type === 'stop' ? (report.stopPrice ?? report.price) : report.price;
    this.emit({
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

  private passExternal(report: VenueOrderReport): void {
    const key = statusKey(report);
    if (this.externalSeen.get(report.venueOrderId) === key) return;
    const first = !this.externalSeen.has(report.venueOrderId);
    this.externalSeen.set(report.venueOrderId, key);
    // Shown once, while it works: its later changes are not Braid's to book.
    if (!first || isEnded(report.state)) return;
    this.emit({
      type: 'external_order',
      venueOrderId: report.venueOrderId,
      symbol: report.symbol,
      side: report.side,
      quantity: report.quantity,
      ...(report.price !== undefined ? { price: report.price } : {}),
      time: report.time,
    });
  }

  private onFill(fill: VenueFill): void {
    if (this.deliveredTrades.has(fill.tradeId)) return;
    const id = this.braidId(fill.clientOrderId, fill.venueOrderId);
    const t = id === null ? undefined : this.orders.get(id);
    if (t) {
      this.setVenueId(t, fill.venueOrderId);
      if (!t.told && t.phase !== 'unknown' && t.phase !== 'ended') {
        t.told = true;
        this.emit({
          type: 'accepted',
          clientOrderId: t.id,
          venueOrderId: fill.venueOrderId,
          time: fill.time,
        });
      }
    }
    // A fill for an order nobody at Braid placed goes through as it is: the engine books no position from
    // it and raises its notice (venues.md: never a silent change).
    this.emit(this.filledEvent(fill, id ?? fill.clientOrderId ?? `external:${fill.venueOrderId}`));
  }

  /** The engine's `filled` from a venue fill; the fee only when it is in the quote currency. */
  filledEvent(fill: VenueFill, clientOrderId: string): Extract<VenueEvent, { type: 'filled' }> {
    const quote = this.instrumentMap.get(fill.symbol)?.quote ?? quoteOf(fill.symbol);
    let fee = fill.fee;
    if (fill.feeCurrency.toUpperCase() !== quote.toUpperCase() && !dec(fill.fee).eq(0)) {
      fee = '0';
      this.notice(
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

  // ---------------------------------------------------------------------------- delivery

  /** What the engine hears from reconciliation changes what the bridge knows of the order too. */
  private noteToEngine(t: Tracked, e: Extract<VenueEvent, { type: 'status' | 'filled' | 'accepted' }>): void {
    if (e.venueOrderId) this.setVenueId(t, e.venueOrderId);
    if (e.type === 'accepted') t.told = true;
    if (e.type !== 'status') return;
    if (t.querying && t.unsettled === undefined) {
      t.querying = false;
      if (t.queryTimer !== null) this.timers.clearTimeout(t.queryTimer);
      t.queryTimer = null;
    }
    if (e.state === undefined || ['filled', 'cancelled', 'expired', 'rejected'].includes(e.state)) {
      t.phase = 'ended';
      this.clearConfirm(t);
    } else {
      t.told = true;
      if (t.phase === 'unknown') t.phase = 'sent';
    }
  }

  private emit(e: VenueEvent): void {
    if (this.disposed) return;
    // Only fills of Braid's orders count as passed on: a fill that went through as external (its order not
    // known yet) may come again by reconciliation, mapped to its order.
    if (e.type === 'filled' && e.tradeId !== undefined && this.orders.has(e.clientOrderId)) {
      if (this.deliveredTrades.has(e.tradeId)) return;
      this.deliveredTrades.add(e.tradeId);
    }
    this.outbox.push(e);
    this.emitted++;
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.disposed) return;
    this.drainScheduled = true;
    this.defer(() => {
      this.drainScheduled = false;
      if (this.disposed) return;
      // One event per call: the engine applies it, checkpoints, and host commands may run between.
      const e = this.outbox.shift();
      if (e !== undefined) {
        this.delivered++;
        for (const listener of [...this.listeners]) {
          try {
            listener(e);
          } catch (error) {
            this.notice('error', 'listener_failed', `the engine failed on ${e.type}: ${describe(error)}`);
          }
        }
      }
      this.waiters = this.waiters.filter((w) => {
        if (this.delivered < w.until) return true;
        w.resolve();
        return false;
      });
      if (this.outbox.length > 0) this.scheduleDrain();
    });
  }

  // ---------------------------------------------------------------------------- bookkeeping

  private track(o: {
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
      querying: false,
      queryAttempt: 0,
      notFound: 0,
      queryTimer: null,
      confirmTimer: null,
    };
    this.orders.set(t.id, t);
    return t;
  }

  private setVenueId(t: Tracked, venueOrderId: string): void {
    if (venueOrderId === '' || t.venueOrderId === venueOrderId) return;
    t.venueOrderId = venueOrderId;
    this.byVenueId.set(venueOrderId, t.id);
  }

  private clearConfirm(t: Tracked): void {
    if (t.confirmTimer !== null) this.timers.clearTimeout(t.confirmTimer);
    t.confirmTimer = null;
  }

  private stopTimers(t: Tracked): void {
    this.clearConfirm(t);
    if (t.queryTimer !== null) this.timers.clearTimeout(t.queryTimer);
    t.queryTimer = null;
    t.querying = false;
  }

  private asVenueOrder(t: Tracked): VenueOrder {
    return {
      clientOrderId: t.id,
      symbol: t.symbol,
      side: t.side,
      type: t.type,
      quantity: t.quantity,
      ...(t.price !== undefined ? { price: t.price } : {}),
    };
  }

  private notice(level: BridgeNotice['level'], code: string, message: string, clientOrderId?: string): void {
    this.onNotice({ level, code, message, ...(clientOrderId ? { clientOrderId } : {}), time: this.now() });
  }
}

/** Read through a function: the phase changes across an await, which narrowing does not see. */
function gone(t: Tracked): boolean {
  return t.phase === 'ended';
}

function statusKey(r: VenueOrderReport): string {
  return `${r.state}|${r.quantity}|${r.filledQuantity}|${r.price ?? ''}|${r.stopPrice ?? ''}`;
}
