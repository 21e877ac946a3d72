// Braid's Kraken spot adapter: the live venue port (../venue.ts) through ccxt's real `kraken` class.
//
// - connect() loads the markets (the instruments), reads the balance (which proves the key), arms the
//   dead-man switch and starts polling REST: open orders, orders closed since the last poll and trades
//   since the fill cursor, reported as `order` and `fill` events (each trade once).
// - Every signed request goes through one lane (one in flight per key: nonces must arrive in order) and
//   through the rate budget (Kraken's call counter and per-pair matching-engine counter, kept under 80 %).
// - Every call returns an outcome or a VenueRead; nothing rejects, and no message carries a secret.
// - An ambiguous answer to an order (timeout, dropped connection, 5xx, internal error) is `unknown` and
//   is never sent again; orderStatus({clientOrderId}) resolves it by reading OpenOrders and ClosedOrders
//   for the `cl_ord_id` (ccxt's fetchOrder would look up `userref`, a different id).
// - With `wsUrl`, order changes and trades are also pushed over Kraken's private WebSocket (ccxt pro,
//   private-feed.ts) into the same fill and report path, each trade booked once whichever way it came.
//   While the socket is subscribed REST polls only every reconcileMs (what a starter key's call counter
//   affords); when it drops, REST polls at pollMs again at once, with a full catch-up, and the socket
//   reconnects with backoff (another catch-up once it is back). Market data stays on REST.
//
// This file is the facade: it wires the parts (each file says its job) and arms the dead-man at connect.
import type { BackoffPolicy } from '../backoff.ts';
import { redact } from '../credentials.ts';
import { acquireKeyLock, type KeyLock } from '../key-lock.ts';
import type {
  Disposer,
  FillCursor,
  LiveVenue,
  VenueBalance,
  VenueCandle,
  VenueCapabilities,
  VenueEvent,
  VenueFill,
  VenueHealth,
  VenueInstrument,
  VenueMassStatus,
  VenueOrderReport,
  VenueOrderRequest,
  VenueOutcome,
  VenuePositionReport,
  VenueRead,
  VenueTicker,
} from '../venue.ts';
import { VenueEvents } from '../venue-events.ts';
import { AccountReads } from './account-reads.ts';
import { KrakenCalls } from './calls.ts';
import { ConnectionState } from './connection-state.ts';
import { DeadManSwitch, deadManProblem, realTimers, type Timers } from './dead-man.ts';
import { readFailed } from './errors.ts';
import { closeExchange, createExchange } from './exchange.ts';
import { FeedLink } from './feed-link.ts';
import { KnownOrders } from './known-orders.ts';
import { triggerTimeOf } from './mapping.ts';
import { MarketData } from './market-data.ts';
import { KrakenMarkets } from './markets.ts';
import { OrderPoll } from './order-poll.ts';
import { OrderRequests } from './order-requests.ts';
import type { FeedState } from './private-feed.ts';
import { PushedUpdates } from './pushed-updates.ts';
import {
  chargesFor,
  KRAKEN_LIMITS,
  type KrakenLimits,
  KrakenRateBudget,
  type KrakenTier,
} from './rate-budget.ts';
import { ReportBook } from './report-book.ts';

export interface KrakenVenueOptions {
  /** REST base (`https://api.kraken.com`; a simulator's `http://127.0.0.1:PORT`). */
  url?: string;
  apiKey: string;
  /** Base64, as Kraken issues it. */
  apiSecret: string;
  /** Between the end of one poll and the start of the next (the budget may space them further). */
  pollMs?: number;
  /**
   * A poll reads OpenOrders (1 point on Kraken's call counter); closed orders and trades (3 more) only
   * when something moved, and at least this often (for orders placed elsewhere on the account).
   */
  fullPollMs?: number;
  /** The dead-man timeout armed at connect and refreshed; 0 leaves the switch alone. */
  deadManSeconds?: number;
  /** Per request. */
  timeoutMs?: number;
  /** The key's verification tier: its rate limits. */
  tier?: KrakenTier;
  /** Overrides the tier's limits (tests, a tier Kraken changes). */
  limits?: KrakenLimits;
  /** Epoch ms: nonces, latency, the rate budget. */
  clock?: () => number;
  /** Poll and dead-man timers (tests run them by hand). */
  timers?: Timers;
  /** How the rate budget waits. */
  sleep?: (ms: number) => Promise<void>;
  /** 0..1 for backoff jitter. */
  random?: () => number;
  /** Takes the one-process-per-key lock in this folder at connect (key-lock.ts). */
  keyLockDir?: string;
  /**
   * Kraken's WebSocket, v2: `wss://ws.kraken.com/v2` as config names it reaches the private twin
   * `wss://ws-auth.kraken.com/v2` (privateFeedUrl); a simulator's `ws://127.0.0.1:PORT/v2` is used as it
   * is. Order changes and trades come over it; market data stays on REST. Unset: REST polling alone.
   */
  wsUrl?: string;
  /** While the WebSocket is subscribed, between REST reconciliation polls. Default 20 s. */
  reconcileMs?: number;
  /** Waits between WebSocket reconnection attempts. */
  wsBackoff?: BackoffPolicy;
  /** How long Kraken may take to acknowledge the executions subscription. Default 10 s. */
  wsSubscribeTimeoutMs?: number;
}

/** What the adapter's private WebSocket is doing, for the Venues panel and tests. */
export interface KrakenFeedStatus {
  /** `off`: no wsUrl configured. */
  state: FeedState | 'off';
  /** Subscriptions Kraken acknowledged (the first and every one after a reconnect). */
  subscriptions: number;
  /** Between REST polls now. */
  pollEveryMs: number;
  /** A full REST read (closed orders, trades) is owed: after a (re)subscription or a drop. */
  catchingUp: boolean;
}

export const KRAKEN_CAPABILITIES: VenueCapabilities = {
  nativeBrackets: false,
  oco: false,
  stopOrders: true,
  // AmendOrder (ccxt editOrder) changes price and quantity in place: same txid, and the queue priority
  // kept when only the quantity shrinks.
  amend: 'native',
  // Kraken's reduce_only applies to margin positions; a spot order has no position to reduce.
  reduceOnly: false,
  postOnly: true,
  cancelAll: true,
  deadManSwitch: true,
  nativeTrailing: false,
  dayOrders: false,
  outsideRth: false,
};

export class KrakenVenue implements LiveVenue {
  readonly name = 'kraken';
  readonly capabilities = KRAKEN_CAPABILITIES;

  private readonly options: KrakenVenueOptions;
  private readonly clock: () => number;
  private readonly timers: Timers;
  private readonly budget: KrakenRateBudget;
  private readonly events: VenueEvents;
  private readonly connection: ConnectionState;
  private readonly calls: KrakenCalls;
  private readonly markets = new KrakenMarkets();
  private readonly known = new KnownOrders();
  private readonly book: ReportBook;
  private readonly reads: AccountReads;
  private readonly poll: OrderPoll;
  private readonly feed: FeedLink;
  private readonly orders: OrderRequests;
  private readonly marketData: MarketData;
  private keyLock: KeyLock | null = null;
  private deadMan: DeadManSwitch | null = null;

  constructor(options: KrakenVenueOptions) {
    this.options = options;
    const clock = options.clock ?? Date.now;
    const timers = options.timers ?? realTimers;
    const random = options.random ?? Math.random;
    const clean = (message: string) => this.clean(message);
    const running = () => this.connection.running;
    const { known, markets } = this;
    this.clock = clock;
    this.timers = timers;
    this.budget = new KrakenRateBudget({
      limits: options.limits ?? KRAKEN_LIMITS[options.tier ?? 'starter'],
      clock,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    });
    const events = new VenueEvents(clock, clean);
    this.events = events;
    this.connection = new ConnectionState(events, clock);
    const calls = new KrakenCalls({
      budget: this.budget,
      clock,
      random,
      clean,
      answered: (result) => this.connection.answered(result),
    });
    this.calls = calls;
    const book = new ReportBook({ emit: (e) => events.emit(e), clock, ended: (id) => known.markDone(id) });
    this.book = book;
    const reads = new AccountReads(calls, known, events, clock);
    this.reads = reads;
    const { pollMs, fullPollMs, reconcileMs, wsUrl, wsBackoff, wsSubscribeTimeoutMs } = options;
    const poll = new OrderPoll({
      reads,
      book,
      known,
      timers,
      clock,
      running,
      pollMs,
      fullPollMs,
      reconcileMs,
    });
    this.poll = poll;
    const currencyCode = (asset: string) => calls.currencyCode(asset);
    const pushed = new PushedUpdates({ book, known, markets, poll, events, clock, running, currencyCode });
    const socket = { wsUrl, wsBackoff, wsSubscribeTimeoutMs, pollMs };
    this.feed = new FeedLink({ ...socket, calls, pushed, poll, events, timers, random, running });
    this.orders = new OrderRequests({ calls, known, markets, reads, clock });
    this.marketData = new MarketData(calls, markets, clock);
  }

  // ---------------------------------------------------------------------------------------------
  // Events and health

  onEvent(listener: (event: VenueEvent) => void): Disposer {
    return this.events.listen(listener);
  }

  health(): VenueHealth {
    const { state, detail } = this.connection;
    return {
      state,
      latencyMs: this.calls.latencyMs,
      rateBudgetUsed: this.budget.used(),
      ...(detail ? { detail } : {}),
    };
  }

  /** Each rate counter's level now (calls, and one per pair by Kraken's pair id). */
  rateLevels(): Record<string, number> {
    return this.budget.levels();
  }

  /** What the private WebSocket is doing and how often REST polls because of it. */
  feedStatus(): KrakenFeedStatus {
    return {
      state: this.feed.state,
      subscriptions: this.feed.subscriptions,
      pollEveryMs: this.poll.interval(),
      catchingUp: this.poll.catchingUp(),
    };
  }

  private clean(message: string): string {
    return redact(message, this.options.apiKey, this.options.apiSecret);
  }

  // ---------------------------------------------------------------------------------------------
  // Connection

  async connect(): Promise<VenueRead<null>> {
    if (this.connection.running) return { ok: true, value: null };
    this.connection.set('connecting');
    if (this.options.keyLockDir !== undefined && !this.keyLock) {
      const lock = acquireKeyLock(this.options.keyLockDir, 'Kraken', this.options.apiKey);
      if (!lock.ok) return this.connectFailed('failed', lock.message, false);
      this.keyLock = lock.lock;
    }
    const connectStart = this.clock();
    const ex = createExchange(this.options, this.clock);
    this.calls.use(ex);

    const markets = await this.calls.call((e) => e.loadMarkets(), [], { signed: false });
    if (!markets.ok)
      return this.connectFailed(
        'disconnected',
        `cannot load Kraken's markets: ${markets.failure.message}`,
        true,
      );
    this.markets.load(ex);

    const balance = await this.calls.call((e) => e.fetchBalance(), chargesFor('BalanceEx'));
    if (!balance.ok) {
      const bad = balance.failure.kind === 'rejected';
      return this.connectFailed(
        bad ? 'failed' : 'disconnected',
        `Kraken refused the balance read: ${balance.failure.message}`,
        !bad,
      );
    }

    const seconds = this.options.deadManSeconds ?? 60;
    if (seconds > 0) {
      const problem = deadManProblem(seconds);
      if (problem) return this.connectFailed('failed', problem, false);
      const deadMan = new DeadManSwitch({
        seconds,
        arm: (s) => this.armDeadMan(s),
        timers: this.timers,
        onRefreshFailed: (message) =>
          this.events.notice(
            'warning',
            'dead_man_refresh_failed',
            `Kraken's dead-man switch was not refreshed: ${message}`,
          ),
      });
      const armed = await deadMan.start();
      if (!armed.ok) {
        await deadMan.stop(false);
        return this.connectFailed(
          'disconnected',
          `cannot arm Kraken's dead-man switch: ${armed.message}`,
          armed.retryable,
        );
      }
      this.deadMan = deadMan;
    }

    this.book.startAt(connectStart);
    this.connection.started();
    this.poll.schedule();
    await this.feed.start(ex);
    return { ok: true, value: null };
  }

  private async connectFailed(
    state: 'failed' | 'disconnected',
    message: string,
    retryable: boolean,
  ): Promise<VenueRead<null>> {
    const clean = this.clean(message);
    await this.closeExchange();
    this.keyLock?.release();
    this.keyLock = null;
    this.connection.set(state, clean);
    return { ok: false, message: clean, retryable };
  }

  /**
   * Stops polling and refreshing, closes ccxt's connections. A planned stop disarms the dead-man switch
   * first (the default): left armed, Kraken would cancel every resting order, stops included, a minute
   * after Braid went away, and a restart would find the book empty (Kraken's own advice: disable before
   * planned maintenance). Pass `{ disarmDeadMan: false }` to leave it to fire.
   */
  async disconnect(options: { disarmDeadMan?: boolean } = {}): Promise<void> {
    const wasRunning = this.connection.stopping();
    this.poll.stop();
    this.feed.stop();
    const deadMan = this.deadMan;
    this.deadMan = null;
    if (deadMan) {
      const off = await deadMan.stop(wasRunning && options.disarmDeadMan !== false);
      if (off && !off.ok) {
        this.events.notice(
          'warning',
          'dead_man_not_disarmed',
          `Kraken's dead-man switch is still armed: ${off.message}`,
        );
      }
    }
    // A poll in flight is not awaited (it may be waiting on the budget): it sends nothing more and
    // reports nothing once `running` is off.
    await this.closeExchange();
    this.keyLock?.release();
    this.keyLock = null;
    if (this.connection.state !== 'disconnected') this.connection.set('disconnected');
  }

  private async closeExchange(): Promise<void> {
    const ex = this.calls.exchange;
    this.calls.use(null);
    if (ex) await closeExchange(ex);
  }

  // ---------------------------------------------------------------------------------------------
  // Instruments, orders, reads, market data: the parts that do them

  async instruments(): Promise<VenueRead<VenueInstrument[]>> {
    return this.markets.instruments();
  }

  submit(order: VenueOrderRequest): Promise<VenueOutcome> {
    return this.orders.submit(order);
  }

  cancel(ref: { clientOrderId: string; venueOrderId?: string }): Promise<VenueOutcome> {
    return this.orders.cancel(ref);
  }

  cancelAll(): Promise<VenueOutcome> {
    return this.orders.cancelAll();
  }

  modify(
    ref: { clientOrderId: string; venueOrderId?: string },
    change: { quantity?: string; price?: string; stopPrice?: string },
  ): Promise<VenueOutcome> {
    return this.orders.modify(ref, change);
  }

  orderStatus(ref: {
    clientOrderId?: string;
    venueOrderId?: string;
  }): Promise<VenueRead<VenueOrderReport | null>> {
    return this.reads.orderStatus(ref);
  }

  openOrders(): Promise<VenueRead<VenueOrderReport[]>> {
    return this.reads.openOrders();
  }

  fillsSince(cursor: FillCursor): Promise<VenueRead<VenueFill[]>> {
    return this.reads.fillsSince(cursor);
  }

  async positions(): Promise<VenueRead<VenuePositionReport[]>> {
    // Spot: the holdings are the balances.
    return { ok: true, value: [] };
  }

  balances(): Promise<VenueRead<VenueBalance[]>> {
    return this.reads.balances();
  }

  massStatus(cursor: FillCursor): Promise<VenueRead<VenueMassStatus>> {
    return this.reads.massStatus(cursor);
  }

  ticker(symbol: string): Promise<VenueRead<VenueTicker>> {
    return this.marketData.ticker(symbol);
  }

  candles(symbol: string, intervalMinutes: number, since?: number): Promise<VenueRead<VenueCandle[]>> {
    return this.marketData.candles(symbol, intervalMinutes, since);
  }

  /** One poll now (or the one in flight): open orders, closed orders and trades since the cursors. */
  pollNow(): Promise<void> {
    return this.poll.now();
  }

  // ---------------------------------------------------------------------------------------------
  // Dead-man switch

  /** Arms (seconds ≥ 1) or disarms (0) Kraken's CancelAllOrdersAfter. Whole seconds only (fact 4). */
  async armDeadMan(seconds: number): Promise<VenueRead<{ triggerTime: number | null }>> {
    const problem = deadManProblem(seconds);
    if (problem) return { ok: false, message: problem, retryable: false };
    const result = await this.calls.call(
      (ex) => ex.cancelAllOrdersAfter(seconds * 1000),
      chargesFor('CancelAllOrdersAfter'),
      { urgent: true },
    );
    if (!result.ok) return readFailed(result.failure);
    return { ok: true, value: { triggerTime: seconds === 0 ? null : triggerTimeOf(result.value) } };
  }

  /** Re-arms the dead-man switch now with the configured timeout (what the refresh timer does). */
  async refreshDeadMan(): Promise<VenueRead<{ triggerTime: number | null }>> {
    if (!this.deadMan) return { ok: false, message: 'the dead-man switch is not in use', retryable: false };
    return this.deadMan.refresh();
  }
}
