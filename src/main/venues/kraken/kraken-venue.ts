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
import { AuthenticationError, InvalidNonce, type Market, type Order, type Trade } from 'ccxt';
import { dec } from '../../../shared/domain/decimal.ts';
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
  VenueConnectionState,
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
import { DeadManSwitch, deadManProblem, realTimers, type Timers } from './dead-man.ts';
import {
  backoffMs,
  classifyKrakenError,
  isConnectionTrouble,
  type KrakenFailure,
  outcomeOf,
  readFailed,
} from './errors.ts';
import { closeExchange, createExchange, type Exchange } from './exchange.ts';
import {
  balancesOf,
  candleOf,
  fillOf,
  instrumentOf,
  krakenClientOrderId,
  orderReportOf,
  tickerOf,
  triggerTimeOf,
} from './mapping.ts';
import { refusalOf } from './order-checks.ts';
import {
  FEED_BACKOFF,
  type FeedState,
  PrivateFeed,
  privateFeedUrl,
  type TokenRead,
  WatchedKraken,
} from './private-feed.ts';
import { PrivateLane } from './private-lane.ts';
import { FINAL_STATUSES, type PushedOrder, pushedFillOf, pushedOrderReportOf } from './push-mapping.ts';
import {
  amendCost,
  type Charge,
  cancelPenalty,
  chargesFor,
  KRAKEN_LIMITS,
  type KrakenLimits,
  KrakenRateBudget,
  type KrakenTier,
} from './rate-budget.ts';

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
};

/** Kraken's TradesHistory and ClosedOrders pages. */
const PAGE = 50;
const MAX_PAGES = 40;
/**
 * How far behind its cursor each poll reads trades and closed orders again: Kraken's `start` is
 * exclusive and in whole seconds, venue time may run behind ours, and a trade can be reported after
 * later ones. What comes twice is dropped by trade id and by the order's last report.
 */
const LOOKBACK_MS = 60_000;
const KNOWN_ORDERS_CAP = 20_000;
/** After an order moves, how long polls keep reading closed orders and trades (late fills). */
const SETTLE_MS = 10_000;
/** How long a report whose fills have not all been seen keeps polls reading trades. */
const OWED_WINDOW_MS = 120_000;
/**
 * REST cadence while the WebSocket carries the pushes: a reconciliation poll costs 1 point on the call
 * counter (4 when it reads closed orders and trades, at least every fullPollMs), the dead-man refresh
 * 1 every 15 s: about 0.2 a second, under a starter key's decay of 0.33.
 */
const RECONCILE_MS = 20_000;
const TIMEFRAMES: Record<number, string> = {
  1: '1m',
  5: '5m',
  15: '15m',
  30: '30m',
  60: '1h',
  240: '4h',
  1440: '1d',
  10080: '1w',
  21600: '2w',
};

/** What the adapter remembers of an order it placed or saw, for fills and cancel penalties. */
interface KnownOrder {
  clientOrderId?: string;
  symbol: string;
  placedAt?: number;
}

type Called<T> = { ok: true; value: T } | { ok: false; failure: KrakenFailure; error: unknown };

const reportKey = (r: VenueOrderReport) =>
  [r.state, r.filledQuantity, r.quantity, r.price ?? '', r.stopPrice ?? '', r.avgFillPrice ?? ''].join('|');

export class KrakenVenue implements LiveVenue {
  readonly name = 'kraken';
  readonly capabilities = KRAKEN_CAPABILITIES;

  private readonly options: KrakenVenueOptions;
  private readonly clock: () => number;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly budget: KrakenRateBudget;
  private readonly lane = new PrivateLane();
  private readonly listeners = new Set<(event: VenueEvent) => void>();
  private readonly unreadableSaid = new Set<string>();

  private exchange: Exchange | null = null;
  private state: VenueConnectionState = 'disconnected';
  private detail: string | undefined;
  /** connect() succeeded at least once (so a later success is a reconnection). */
  private established = false;
  private running = false;
  private latencyMs: number | null = null;
  private throttleStreak = 0;
  private keyLock: KeyLock | null = null;
  private deadMan: DeadManSwitch | null = null;

  private markets = new Map<string, Market>();
  private instrumentList: VenueInstrument[] = [];
  private readonly known = new Map<string, KnownOrder>();
  /** Braid's id by the cl_ord_id it travels as (where the two differ: krakenClientOrderId). */
  private readonly braidIds = new Map<string, string>();
  private readonly reported = new Map<
    string,
    { key: string; terminal: boolean; time: number; filled: string; seenAt: number }
  >();
  private readonly emittedTrades = new Map<string, number>();
  /** Quantity of the fills emitted, per Kraken order: a report that shows more is owed fills. */
  private readonly emittedFilled = new Map<string, ReturnType<typeof dec>>();
  /** Orders believed open at Kraken: the last open list, and those placed since it was read. */
  private working = new Set<string>();
  private lastFullPollAt: number | null = null;
  private readingUntil = 0;
  private fillCursor = 0;
  private closedCursor = 0;
  private pollTimer: unknown = null;
  private polling: Promise<void> | null = null;
  private feed: PrivateFeed | null = null;
  /** The WebSocket is subscribed: REST polls at the reconciliation cadence. */
  private feedUp = false;
  /** A failed attempt was reported; the next ones are not, until the socket is up again. */
  private feedTroubleSaid = false;
  /**
   * Catch-ups asked for (a subscription, a drop) and done: a full read (closed orders, trades) started
   * after the last ask settles it, so one asked for while a read is in flight gets a read of its own.
   */
  private catchUpAsked = 0;
  private catchUpDone = 0;
  /** Each order's WebSocket entries merged (they are deltas). */
  private readonly pushedOrders = new Map<string, PushedOrder>();
  /** Pushed reports that count fills not booked yet: sent once those fills are. */
  private readonly heldReports = new Map<string, VenueOrderReport>();

  constructor(options: KrakenVenueOptions) {
    this.options = options;
    this.clock = options.clock ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    this.budget = new KrakenRateBudget({
      limits: options.limits ?? KRAKEN_LIMITS[options.tier ?? 'starter'],
      clock: this.clock,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Events and health

  onEvent(listener: (event: VenueEvent) => void): Disposer {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(event: VenueEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // a listener's failure is its own; the others still hear the event
      }
    }
  }

  private setState(state: VenueConnectionState, detail?: string): void {
    this.state = state;
    this.detail = detail;
    this.emit({ type: 'connection', state, time: this.clock(), ...(detail ? { detail } : {}) });
  }

  private notice(level: 'info' | 'warning' | 'error', code: string, message: string): void {
    this.emit({ type: 'notice', level, code, message: this.clean(message), time: this.clock() });
  }

  /** Says once (not every poll) that something Kraken reported could not be read. */
  private unreadable(code: string, message: string): void {
    if (this.unreadableSaid.has(message)) return;
    if (this.unreadableSaid.size > KNOWN_ORDERS_CAP) this.unreadableSaid.clear();
    this.unreadableSaid.add(message);
    this.notice('warning', code, message);
  }

  health(): VenueHealth {
    return {
      state: this.state,
      latencyMs: this.latencyMs,
      rateBudgetUsed: this.budget.used(),
      ...(this.detail ? { detail: this.detail } : {}),
    };
  }

  /** Each rate counter's level now (calls, and one per pair by Kraken's pair id). */
  rateLevels(): Record<string, number> {
    return this.budget.levels();
  }

  private clean(message: string): string {
    return redact(message, this.options.apiKey, this.options.apiSecret);
  }

  // ---------------------------------------------------------------------------------------------
  // The one way to Kraken

  /**
   * Runs one ccxt call: through the budget and, when signed, the private lane. Classifies a failure,
   * flips the connection state on transport trouble and back on the next success. Never rejects.
   */
  private async call<T>(
    run: (ex: Exchange) => Promise<T>,
    charges: Charge[],
    options: { signed?: boolean; urgent?: boolean; retryNonce?: boolean } = {},
  ): Promise<Called<T>> {
    const ex = this.exchange;
    if (!ex) {
      return {
        ok: false,
        failure: {
          kind: 'rejected',
          reason: 'venue_unavailable',
          message: 'Kraken is not connected',
          retryable: true,
        },
        error: null,
      };
    }
    const signed = options.signed ?? true;
    const gone: Called<T> = {
      ok: false,
      failure: {
        kind: 'rejected',
        reason: 'venue_unavailable',
        message: 'Kraken was disconnected before the request went out',
        retryable: true,
      },
      error: null,
    };
    const attempt = async (): Promise<Called<T>> => {
      await this.budget.reserve(charges, { urgent: options.urgent });
      const send = async (): Promise<Called<T>> => {
        if (this.exchange !== ex) return gone;
        await this.budget.clearToSend(charges, { urgent: options.urgent });
        if (this.exchange !== ex) return gone;
        const started = this.clock();
        try {
          const value = await run(ex);
          this.latencyMs = Math.max(0, this.clock() - started);
          return { ok: true, value };
        } catch (error) {
          const failure = classifyKrakenError(error);
          return {
            ok: false,
            error,
            failure: { ...failure, message: this.clean(failure.message) } as KrakenFailure,
          };
        } finally {
          // Charged once answered, whatever the answer (a request that failed may still have arrived).
          this.budget.spent(charges);
        }
      };
      return signed ? this.lane.run(send, options.urgent) : send();
    };
    let result = await attempt();
    // An invalid nonce means Kraken did nothing (it checks the nonce first): one more try, new nonce.
    if (!result.ok && result.error instanceof InvalidNonce && options.retryNonce !== false)
      result = await attempt();
    this.afterCall(result, charges);
    return result;
  }

  private afterCall(result: Called<unknown>, charges: Charge[]): void {
    if (result.ok) {
      this.throttleStreak = 0;
      if (this.established && this.running && this.state !== 'connected') {
        this.setState('connected');
        this.emit({ type: 'reconnected', time: this.clock() });
      }
      return;
    }
    if (result.failure.kind === 'throttled') {
      this.throttleStreak++;
      this.budget.rateLimited(charges);
      return;
    }
    if (!this.established || !this.running) return;
    // A refused key, or nonces still refused after a fresh one (another process signs with this key):
    // nothing will work until someone acts, so the Venues panel says why.
    if (result.error instanceof AuthenticationError || result.error instanceof InvalidNonce) {
      if (this.state !== 'failed') this.setState('failed', result.failure.message);
    } else if (isConnectionTrouble(result.error) && this.state === 'connected') {
      this.setState('disconnected', result.failure.message);
    }
  }

  private retryAfter(failure: KrakenFailure, charges: Charge[]): number {
    const lockout = failure.kind === 'throttled' && failure.lockout;
    const drainMs = this.budget.drainMs(charges);
    return backoffMs({ drainMs, streak: Math.max(1, this.throttleStreak), random: this.random() }, lockout);
  }

  private pairOf(symbol: string): string | undefined {
    const m = this.markets.get(symbol);
    return m ? String(m.id) : undefined;
  }

  private remember(venueOrderId: string, order: KnownOrder): void {
    const before = this.known.get(venueOrderId);
    this.known.delete(venueOrderId);
    this.known.set(venueOrderId, {
      symbol: order.symbol,
      clientOrderId: order.clientOrderId ?? before?.clientOrderId,
      placedAt: order.placedAt ?? before?.placedAt,
    });
    if (this.known.size > KNOWN_ORDERS_CAP) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  /** The cl_ord_id Braid's id travels as, remembered so reports name the order by Braid's id. */
  private clOrdIdOf(clientOrderId: string): string {
    const clOrdId = krakenClientOrderId(clientOrderId);
    if (clOrdId !== clientOrderId) {
      this.braidIds.set(clOrdId, clientOrderId);
      if (this.braidIds.size > KNOWN_ORDERS_CAP) {
        const oldest = this.braidIds.keys().next().value;
        if (oldest !== undefined) this.braidIds.delete(oldest);
      }
    }
    return clOrdId;
  }

  private txidOf(clientOrderId: string): string | undefined {
    for (const [txid, k] of this.known) if (k.clientOrderId === clientOrderId) return txid;
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Connection

  async connect(): Promise<VenueRead<null>> {
    if (this.running) return { ok: true, value: null };
    this.setState('connecting');
    if (this.options.keyLockDir !== undefined && !this.keyLock) {
      const lock = acquireKeyLock(this.options.keyLockDir, 'Kraken', this.options.apiKey);
      if (!lock.ok) return this.connectFailed('failed', lock.message, false);
      this.keyLock = lock.lock;
    }
    const connectStart = this.clock();
    const ex = createExchange(this.options, this.clock);
    this.exchange = ex;

    const markets = await this.call((e) => e.loadMarkets(), [], { signed: false });
    if (!markets.ok)
      return this.connectFailed(
        'disconnected',
        `cannot load Kraken's markets: ${markets.failure.message}`,
        true,
      );
    this.markets = new Map(Object.values(ex.markets ?? {}).map((m) => [m.symbol, m] as [string, Market]));
    this.instrumentList = [...this.markets.values()]
      .map(instrumentOf)
      .filter((i): i is VenueInstrument => i !== null)
      .sort((a, b) => a.symbol.localeCompare(b.symbol));

    const balance = await this.call((e) => e.fetchBalance(), chargesFor('BalanceEx'));
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
          this.notice(
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

    this.fillCursor = connectStart;
    this.closedCursor = connectStart;
    this.running = true;
    this.established = true;
    this.setState('connected');
    this.schedulePoll();
    await this.startFeed(ex);
    return { ok: true, value: null };
  }

  // ---------------------------------------------------------------------------------------------
  // The private WebSocket

  private async startFeed(ex: Exchange): Promise<void> {
    const url = this.options.wsUrl ? privateFeedUrl(this.options.wsUrl) : undefined;
    if (!url || !(ex instanceof WatchedKraken)) return;
    // ccxt refuses a plain ws:// socket until its http agent is loaded.
    if (url.startsWith('ws://')) await ex.loadHttpProxyAgent();
    if (this.exchange !== ex || !this.running) return;
    const feed = new PrivateFeed({
      exchange: ex,
      url,
      token: () => this.webSocketToken(),
      onOrders: (orders) => this.pushedOrderUpdates(orders),
      onTrades: (trades) => this.pushedTrades(trades),
      onUp: () => this.feedRestored(),
      onDown: (reason, wasUp) => this.feedLost(reason, wasUp),
      timers: this.timers,
      random: this.random,
      backoff: this.options.wsBackoff ?? FEED_BACKOFF,
      subscribeTimeoutMs: this.options.wsSubscribeTimeoutMs ?? 10_000,
    });
    this.feed = feed;
    feed.start();
  }

  /** GetWebSocketsToken: a private REST call like the others (the lane's nonce order, the budget). */
  private async webSocketToken(): Promise<TokenRead> {
    const result = await this.call(
      (ex) =>
        (
          ex as unknown as { privatePostGetWebSocketsToken(): Promise<unknown> }
        ).privatePostGetWebSocketsToken(),
      chargesFor('GetWebSocketsToken'),
    );
    if (!result.ok) return { ok: false, message: result.failure.message };
    const answer = (result.value as { result?: { token?: unknown; expires?: unknown } } | undefined)?.result;
    if (typeof answer?.token !== 'string' || answer.token === '')
      return { ok: false, message: 'Kraken answered GetWebSocketsToken without a token' };
    return { ok: true, token: answer.token, expires: Number(answer.expires ?? 900) || 900 };
  }

  private feedRestored(): void {
    if (!this.running) return;
    const first = (this.feed?.subscriptions ?? 0) <= 1;
    this.feedUp = true;
    this.feedTroubleSaid = false;
    // Whatever happened before the subscription (or during the gap) was pushed to nobody: read it.
    this.catchUpAsked++;
    if (!first)
      this.notice('info', 'kraken_ws_restored', "Kraken's private WebSocket is back: fills are pushed again");
    this.pollSoon();
  }

  private feedLost(reason: string, wasUp: boolean): void {
    if (!this.running) return;
    this.feedUp = false;
    if (!wasUp) {
      if (!this.feedTroubleSaid)
        this.notice(
          'warning',
          'kraken_ws_unavailable',
          `Kraken's private WebSocket is not available (${reason}): polling REST, trying again`,
        );
      this.feedTroubleSaid = true;
      return;
    }
    this.feedTroubleSaid = true;
    this.catchUpAsked++;
    this.notice(
      'warning',
      'kraken_ws_down',
      `Kraken's private WebSocket dropped (${reason}): polling REST every ${this.options.pollMs ?? 1_000} ms until it is back`,
    );
    this.pollSoon();
  }

  /** Pushed order entries (ccxt has merged each with what it holds of the order). */
  private pushedOrderUpdates(orders: Order[]): void {
    if (!this.running) return;
    for (const order of orders) {
      const info = (order.info ?? {}) as PushedOrder;
      const id = typeof info.order_id === 'string' ? info.order_id : undefined;
      if (!id) continue;
      this.pushedOrders.set(id, { ...this.pushedOrders.get(id), ...info });
      this.bookPushedOrder(id);
    }
  }

  private pushedTrades(trades: Trade[]): void {
    if (!this.running) return;
    const ex = this.exchange;
    for (const trade of trades) {
      const fill = pushedFillOf(
        trade,
        (txid) => this.known.get(txid)?.clientOrderId,
        (asset) => ex?.safeCurrencyCode(asset) ?? asset,
      );
      if (!fill || !this.markets.has(fill.symbol)) {
        this.unreadable(
          'kraken_unreadable_fill',
          `a trade Kraken pushed could not be read (${String(trade.id)})`,
        );
        continue;
      }
      this.bookFill(fill);
      // The trade entry says what became of its order (not how much it has filled in all).
      const status = (trade.info as PushedOrder | undefined)?.order_status;
      const order = this.pushedOrders.get(fill.venueOrderId);
      if (order && typeof status === 'string' && !FINAL_STATUSES.has(String(order.order_status))) {
        order.order_status = status;
      }
      if (order) this.bookPushedOrder(fill.venueOrderId);
      this.releaseHeld(fill.venueOrderId);
    }
  }

  private bookPushedOrder(venueOrderId: string): void {
    const order = this.pushedOrders.get(venueOrderId);
    if (!order) return;
    const booked = this.emittedFilled.get(venueOrderId)?.toString() ?? '0';
    const report = pushedOrderReportOf(order, booked, this.clock());
    if (!report || !this.markets.has(report.symbol)) {
      // A delta for an order whose terms never came by the socket: REST knows it.
      this.catchUpAsked++;
      this.pollSoon();
      return;
    }
    if (report.clientOrderId !== undefined)
      report.clientOrderId = this.braidIds.get(report.clientOrderId) ?? report.clientOrderId;
    this.remember(report.venueOrderId, { symbol: report.symbol, clientOrderId: report.clientOrderId });
    if (dec(report.filledQuantity).gt(booked)) {
      this.heldReports.set(venueOrderId, report);
      return;
    }
    this.heldReports.delete(venueOrderId);
    this.bookReport(report, this.clock());
    if (this.isTerminal(report)) {
      this.working.delete(venueOrderId);
      this.pushedOrders.delete(venueOrderId);
    } else this.working.add(venueOrderId);
  }

  private releaseHeld(venueOrderId: string): void {
    const held = this.heldReports.get(venueOrderId);
    if (!held) return;
    if (dec(held.filledQuantity).gt(this.emittedFilled.get(venueOrderId) ?? 0)) return;
    this.heldReports.delete(venueOrderId);
    this.bookReport(held, this.clock());
    if (this.isTerminal(held)) this.working.delete(venueOrderId);
  }

  /** What the private WebSocket is doing and how often REST polls because of it. */
  feedStatus(): KrakenFeedStatus {
    return {
      state: this.feed ? this.feed.state : 'off',
      subscriptions: this.feed?.subscriptions ?? 0,
      pollEveryMs: this.pollInterval(),
      catchingUp: this.catchingUp(),
    };
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
    this.setState(state, clean);
    return { ok: false, message: clean, retryable };
  }

  /**
   * Stops polling and refreshing, closes ccxt's connections. A planned stop disarms the dead-man switch
   * first (the default): left armed, Kraken would cancel every resting order, stops included, a minute
   * after Braid went away, and a restart would find the book empty (Kraken's own advice: disable before
   * planned maintenance). Pass `{ disarmDeadMan: false }` to leave it to fire.
   */
  async disconnect(options: { disarmDeadMan?: boolean } = {}): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    if (this.pollTimer !== null) this.timers.clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.feed?.stop();
    this.feed = null;
    this.feedUp = false;
    const deadMan = this.deadMan;
    this.deadMan = null;
    if (deadMan) {
      const off = await deadMan.stop(wasRunning && options.disarmDeadMan !== false);
      if (off && !off.ok) {
        this.notice(
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
    if (this.state !== 'disconnected') this.setState('disconnected');
  }

  private async closeExchange(): Promise<void> {
    const ex = this.exchange;
    this.exchange = null;
    if (ex) await closeExchange(ex);
  }

  // ---------------------------------------------------------------------------------------------
  // Instruments

  async instruments(): Promise<VenueRead<VenueInstrument[]>> {
    if (this.instrumentList.length === 0) {
      return { ok: false, message: 'Kraken is not connected: its markets are not loaded', retryable: true };
    }
    return { ok: true, value: this.instrumentList.map((i) => ({ ...i })) };
  }

  // ---------------------------------------------------------------------------------------------
  // Orders

  async submit(order: VenueOrderRequest): Promise<VenueOutcome> {
    if (!this.exchange)
      return { kind: 'rejected', reason: 'venue_unavailable', message: 'Kraken is not connected' };
    const refused = refusalOf(
      order,
      this.instrumentList.find((i) => i.symbol === order.symbol),
    );
    if (refused) return refused;
    const params: Record<string, unknown> = { clientOrderId: this.clOrdIdOf(order.clientOrderId) };
    if (order.postOnly) params.postOnly = true;
    if (order.timeInForce && order.timeInForce !== 'GTC') params.timeInForce = order.timeInForce;
    // Stops are Kraken's stop-loss (a triggered market order) and stop-loss-limit (price = the trigger,
    // price2 = the limit); ccxt builds them from `stopLossPrice`.
    if (order.type === 'stop' || order.type === 'stop_limit') params.stopLossPrice = order.stopPrice;
    const ccxtType = order.type === 'limit' || order.type === 'stop_limit' ? 'limit' : 'market';
    // Decimal strings straight through: ccxt's precision helpers read strings (no float on the way).
    const amount = order.quantity as unknown as number;
    const price = ccxtType === 'limit' ? (order.price as unknown as number) : undefined;
    const charges = chargesFor('AddOrder', this.pairOf(order.symbol));
    const result = await this.call(
      (ex) => ex.createOrder(order.symbol, ccxtType, order.side, amount, price, params),
      charges,
    );
    if (!result.ok) return outcomeOf(result.failure, this.retryAfter(result.failure, charges));
    const venueOrderId = result.value.id;
    if (typeof venueOrderId !== 'string' || venueOrderId === '') {
      return { kind: 'unknown', message: "Kraken's answer to the order had no txid: ask by client id" };
    }
    const time = this.clock();
    this.remember(venueOrderId, { clientOrderId: order.clientOrderId, symbol: order.symbol, placedAt: time });
    this.working.add(venueOrderId);
    return { kind: 'accepted', venueOrderId, time };
  }

  async cancel(ref: { clientOrderId: string; venueOrderId?: string }): Promise<VenueOutcome> {
    const txid = ref.venueOrderId ?? this.txidOf(ref.clientOrderId);
    const known = txid ? this.known.get(txid) : undefined;
    const age = known?.placedAt !== undefined ? this.clock() - known.placedAt : undefined;
    const charges = known ? chargesFor('CancelOrder', this.pairOf(known.symbol), cancelPenalty(age)) : [];
    // The txid is unique for ever; the cl_ord_id only among open orders, which is all a cancel needs.
    const result = await this.call(
      (ex) =>
        ref.venueOrderId !== undefined
          ? ex.cancelOrder(ref.venueOrderId)
          : ex.cancelOrder(undefined as unknown as string, undefined, {
              cl_ord_id: this.clOrdIdOf(ref.clientOrderId),
            }),
      charges,
    );
    if (!result.ok) return outcomeOf(result.failure, this.retryAfter(result.failure, charges));
    const count = Number(
      (result.value.info as { result?: { count?: unknown } } | undefined)?.result?.count ?? 1,
    );
    if (count === 0)
      return {
        kind: 'rejected',
        reason: 'unknown_order',
        message: 'Kraken cancelled nothing: no such open order',
      };
    return { kind: 'accepted', venueOrderId: txid ?? '', time: this.clock() };
  }

  async cancelAll(): Promise<VenueOutcome> {
    const charges = chargesFor('CancelAll');
    const result = await this.call((ex) => ex.cancelAllOrders(), charges, { urgent: true });
    if (!result.ok) return outcomeOf(result.failure, this.retryAfter(result.failure, charges));
    return { kind: 'accepted', venueOrderId: '', time: this.clock() };
  }

  async modify(
    ref: { clientOrderId: string; venueOrderId?: string },
    change: { quantity?: string; price?: string; stopPrice?: string },
  ): Promise<VenueOutcome> {
    if (change.quantity === undefined && change.price === undefined && change.stopPrice === undefined) {
      return { kind: 'rejected', reason: 'invalid_order', message: 'nothing to change' };
    }
    let txid = ref.venueOrderId ?? this.txidOf(ref.clientOrderId);
    let known = txid ? this.known.get(txid) : undefined;
    if (!known) {
      // AmendOrder needs the pair (ccxt's editOrder takes the symbol): ask Kraken which order it is.
      const status = await this.orderStatus(ref);
      if (!status.ok)
        return { kind: 'unknown', message: `cannot find the order to amend: ${status.message}` };
      if (!status.value)
        return { kind: 'rejected', reason: 'unknown_order', message: 'Kraken has no such order' };
      txid = status.value.venueOrderId;
      known = { symbol: status.value.symbol, clientOrderId: ref.clientOrderId };
      this.remember(txid, known);
    }
    const age = known.placedAt !== undefined ? this.clock() - known.placedAt : undefined;
    const charges = chargesFor('AmendOrder', this.pairOf(known.symbol), amendCost(age));
    const params: Record<string, unknown> = txid ? {} : { clientOrderId: this.clOrdIdOf(ref.clientOrderId) };
    if (change.stopPrice !== undefined) params.stopLossPrice = change.stopPrice;
    const symbol = known.symbol;
    const result = await this.call(
      (ex) =>
        ex.editOrder(
          (txid ?? undefined) as unknown as string,
          symbol,
          'limit',
          'buy', // AmendOrder does not take a side; ccxt's signature does
          change.quantity as unknown as number,
          change.price as unknown as number,
          params,
        ),
      charges,
    );
    if (!result.ok) return outcomeOf(result.failure, this.retryAfter(result.failure, charges));
    return { kind: 'accepted', venueOrderId: txid ?? '', time: this.clock() };
  }

  // ---------------------------------------------------------------------------------------------
  // Reports

  private reportsOf(orders: Order[]): VenueOrderReport[] {
    const out: VenueOrderReport[] = [];
    for (const order of orders) {
      const report = orderReportOf(order, this.clock());
      if (report?.clientOrderId !== undefined) {
        report.clientOrderId = this.braidIds.get(report.clientOrderId) ?? report.clientOrderId;
      }
      if (!report) {
        this.unreadable(
          'kraken_unreadable_order',
          `an order Kraken reported could not be read (${String(order.id)})`,
        );
        continue;
      }
      this.remember(report.venueOrderId, { symbol: report.symbol, clientOrderId: report.clientOrderId });
      out.push(report);
    }
    return out;
  }

  /** Pages a Kraken list (50 a page, `ofs` offset) until a short page or one with nothing new. */
  private async paged<T extends { id?: string | undefined }>(
    method: string,
    fetchPage: (ex: Exchange, ofs: number) => Promise<T[]>,
  ): Promise<Called<T[]>> {
    const all = new Map<string, T>();
    let ofs = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.call((ex) => fetchPage(ex, ofs), chargesFor(method));
      if (!result.ok) return result;
      let fresh = 0;
      for (const item of result.value) {
        const id = String(item.id);
        if (!all.has(id)) fresh++;
        all.set(id, item);
      }
      if (result.value.length < PAGE || fresh === 0) break;
      ofs += result.value.length;
    }
    return { ok: true, value: [...all.values()] };
  }

  private async openOrdersRaw(params: Record<string, unknown> = {}): Promise<Called<Order[]>> {
    return this.call(
      (ex) => ex.fetchOpenOrders(undefined, undefined, undefined, params),
      chargesFor('OpenOrders'),
    );
  }

  /**
   * Closed orders from `sinceMs`. `start` goes in the params, not as ccxt's `since`: ccxt would then drop
   * every order OPENED before it, however recently it closed.
   */
  private async closedOrdersRaw(
    sinceMs: number | null,
    params: Record<string, unknown> = {},
  ): Promise<Called<Order[]>> {
    const start = sinceMs !== null && sinceMs > 0 ? { start: Math.floor(sinceMs / 1000) - 1 } : {};
    return this.paged('ClosedOrders', (ex, ofs) =>
      ex.fetchClosedOrders(undefined, undefined, undefined, {
        ...params,
        ...start,
        ...(ofs > 0 ? { ofs } : {}),
      }),
    );
  }

  private async tradesRaw(sinceMs: number): Promise<Called<Trade[]>> {
    const start = sinceMs > 0 ? { start: Math.floor(sinceMs / 1000) - 1 } : {};
    return this.paged('TradesHistory', (ex, ofs) =>
      ex.fetchMyTrades(undefined, undefined, undefined, { ...start, ...(ofs > 0 ? { ofs } : {}) }),
    );
  }

  private fillsOf(trades: Trade[], sinceMs: number): VenueFill[] {
    const fills: VenueFill[] = [];
    for (const trade of trades) {
      const fill = fillOf(trade, (txid) => this.known.get(txid)?.clientOrderId);
      if (!fill) {
        this.unreadable(
          'kraken_unreadable_fill',
          `a trade Kraken reported could not be read (${String(trade.id)})`,
        );
        continue;
      }
      if (fill.time >= sinceMs) fills.push(fill);
    }
    return fills.sort((a, b) => a.time - b.time || a.tradeId.localeCompare(b.tradeId));
  }

  async orderStatus(ref: {
    clientOrderId?: string;
    venueOrderId?: string;
  }): Promise<VenueRead<VenueOrderReport | null>> {
    const matches = (r: VenueOrderReport) =>
      (ref.venueOrderId === undefined || r.venueOrderId === ref.venueOrderId) &&
      (ref.clientOrderId === undefined || r.clientOrderId === ref.clientOrderId);
    if (ref.clientOrderId === undefined && ref.venueOrderId === undefined) {
      return {
        ok: false,
        message: 'orderStatus needs a client order id or a venue order id',
        retryable: false,
      };
    }
    // Kraken filters both lists by cl_ord_id; the match is checked here too in case it did not.
    const filter = ref.clientOrderId !== undefined ? { cl_ord_id: this.clOrdIdOf(ref.clientOrderId) } : {};
    const open = await this.openOrdersRaw(filter);
    if (!open.ok) return readFailed(open.failure);
    const inOpen = this.reportsOf(open.value).find(matches);
    if (inOpen) return { ok: true, value: inOpen };
    const closed = await this.closedOrdersRaw(null, filter);
    if (!closed.ok) return readFailed(closed.failure);
    const inClosed = this.reportsOf(closed.value)
      .filter(matches)
      .sort((a, b) => b.time - a.time)[0];
    return { ok: true, value: inClosed ?? null };
  }

  async openOrders(): Promise<VenueRead<VenueOrderReport[]>> {
    const open = await this.openOrdersRaw();
    if (!open.ok) return readFailed(open.failure);
    return { ok: true, value: this.reportsOf(open.value) };
  }

  async fillsSince(cursor: FillCursor): Promise<VenueRead<VenueFill[]>> {
    const trades = await this.tradesRaw(cursor.since);
    if (!trades.ok) return readFailed(trades.failure);
    return { ok: true, value: this.fillsOf(trades.value, cursor.since) };
  }

  async positions(): Promise<VenueRead<VenuePositionReport[]>> {
    // Spot: the holdings are the balances.
    return { ok: true, value: [] };
  }

  async balances(): Promise<VenueRead<VenueBalance[]>> {
    const result = await this.call((ex) => ex.fetchBalance(), chargesFor('BalanceEx'));
    if (!result.ok) return readFailed(result.failure);
    const ex = this.exchange;
    return { ok: true, value: balancesOf(result.value, (id) => ex?.safeCurrencyCode(id) ?? id) };
  }

  async massStatus(cursor: FillCursor): Promise<VenueRead<VenueMassStatus>> {
    const openOrders = await this.openOrders();
    if (!openOrders.ok) return openOrders;
    const fills = await this.fillsSince(cursor);
    if (!fills.ok) return fills;
    const balances = await this.balances();
    if (!balances.ok) return balances;
    return {
      ok: true,
      value: {
        openOrders: openOrders.value,
        fills: fills.value,
        positions: [],
        balances: balances.value,
        time: this.clock(),
      },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Market data (public: no nonce, not on the key's counter)

  async ticker(symbol: string): Promise<VenueRead<VenueTicker>> {
    if (this.exchange && !this.markets.has(symbol))
      return { ok: false, message: `Kraken has no spot market ${symbol}`, retryable: false };
    const result = await this.call((ex) => ex.fetchTicker(symbol), [], { signed: false });
    if (!result.ok) return readFailed(result.failure);
    const ticker = tickerOf(symbol, result.value, this.clock());
    return ticker
      ? { ok: true, value: ticker }
      : { ok: false, message: `Kraken's ticker for ${symbol} was unreadable`, retryable: true };
  }

  async candles(symbol: string, intervalMinutes: number, since?: number): Promise<VenueRead<VenueCandle[]>> {
    const timeframe = TIMEFRAMES[intervalMinutes];
    if (!timeframe) {
      return {
        ok: false,
        message: `Kraken has no ${intervalMinutes}-minute candles (it has ${Object.keys(TIMEFRAMES).join(', ')})`,
        retryable: false,
      };
    }
    if (this.exchange && !this.markets.has(symbol))
      return { ok: false, message: `Kraken has no spot market ${symbol}`, retryable: false };
    const result = await this.call((ex) => ex.fetchOHLCV(symbol, timeframe, since), [], { signed: false });
    if (!result.ok) return readFailed(result.failure);
    const candles = result.value
      .map((row) => candleOf(symbol, row))
      .filter((c): c is VenueCandle => c !== null);
    return { ok: true, value: candles };
  }

  // ---------------------------------------------------------------------------------------------
  // Dead-man switch

  /** Arms (seconds ≥ 1) or disarms (0) Kraken's CancelAllOrdersAfter. Whole seconds only (fact 4). */
  async armDeadMan(seconds: number): Promise<VenueRead<{ triggerTime: number | null }>> {
    const problem = deadManProblem(seconds);
    if (problem) return { ok: false, message: problem, retryable: false };
    const result = await this.call(
      (ex) => ex.cancelAllOrdersAfter(seconds * 1000),
      chargesFor('CancelAllOrdersAfter'),
      {
        urgent: true,
      },
    );
    if (!result.ok) return readFailed(result.failure);
    return { ok: true, value: { triggerTime: seconds === 0 ? null : triggerTimeOf(result.value) } };
  }

  /** Re-arms the dead-man switch now with the configured timeout (what the refresh timer does). */
  async refreshDeadMan(): Promise<VenueRead<{ triggerTime: number | null }>> {
    if (!this.deadMan) return { ok: false, message: 'the dead-man switch is not in use', retryable: false };
    return this.deadMan.refresh();
  }

  // ---------------------------------------------------------------------------------------------
  // Polling

  /** Between polls now: the reconciliation cadence while the WebSocket is subscribed, else pollMs. */
  private pollInterval(): number {
    return this.feedUp ? (this.options.reconcileMs ?? RECONCILE_MS) : (this.options.pollMs ?? 1_000);
  }

  private catchingUp(): boolean {
    return this.catchUpAsked > this.catchUpDone;
  }

  private schedulePoll(delayMs = this.catchingUp() ? 0 : this.pollInterval()): void {
    if (!this.running) return;
    if (this.pollTimer !== null) this.timers.clearTimeout(this.pollTimer);
    this.pollTimer = this.timers.setTimeout(() => {
      this.pollTimer = null;
      void this.pollNow();
    }, delayMs);
  }

  /** A poll at once, or right after the one in flight. */
  private pollSoon(): void {
    if (!this.running) return;
    if (this.polling) return; // its end schedules the next, at once while a catch-up is owed
    this.schedulePoll(0);
  }

  /** One poll now (or the one in flight): open orders, closed orders and trades since the cursors. */
  pollNow(): Promise<void> {
    if (!this.polling) {
      this.polling = this.pollOnce().finally(() => {
        this.polling = null;
        this.schedulePoll();
      });
    }
    return this.polling;
  }

  /**
   * One poll. OpenOrders always; ClosedOrders and TradesHistory (3 of the 4 points a full poll costs on
   * Kraken's call counter, which decays by 0.33 a second on a starter key) only when something moved: an
   * order we hold as working left the open list, an open order's executed volume changed, a report shows
   * more executed than the fills seen, or within SETTLE_MS of such a move (a fill can be reported after
   * the cancel that ended its order); and at least every fullPollMs for orders placed elsewhere.
   */
  private async pollOnce(): Promise<void> {
    if (!this.running) return;
    const started = this.clock();
    const open = await this.openOrdersRaw();
    if (!open.ok || !this.running) return;
    const openReports = this.reportsOf(open.value);
    const openIds = new Set(openReports.map((r) => r.venueOrderId));
    const now = this.clock();
    const vanished = [...this.working].some((id) => !openIds.has(id));
    const progressed = openReports.some((r) => {
      const before = this.reported.get(r.venueOrderId)?.filled ?? '0';
      return !dec(r.filledQuantity).eq(before);
    });
    if (vanished || progressed) this.readingUntil = Math.max(this.readingUntil, now + SETTLE_MS);
    const asked = this.catchUpAsked;
    const full =
      this.catchingUp() ||
      this.lastFullPollAt === null ||
      now < this.readingUntil ||
      this.owedFills(now) ||
      this.heldReports.size > 0 ||
      now - this.lastFullPollAt >= (this.options.fullPollMs ?? 30_000);

    let closedReports: VenueOrderReport[] = [];
    let fills: VenueFill[] = [];
    if (full) {
      const closed = await this.closedOrdersRaw(this.closedCursor - LOOKBACK_MS);
      if (!closed.ok || !this.running) return;
      // Trades after orders: every fill an order report counts is then already in hand.
      const tradesFrom = this.fillCursor - LOOKBACK_MS;
      const trades = await this.tradesRaw(tradesFrom);
      if (!trades.ok || !this.running) return;
      closedReports = this.reportsOf(closed.value);
      fills = this.fillsOf(trades.value, tradesFrom);
      this.lastFullPollAt = now;
      this.catchUpDone = Math.max(this.catchUpDone, asked);
    }

    // Open orders were read first: an order in both lists closed in between, and its closed report wins.
    const latest = new Map<string, VenueOrderReport>();
    for (const r of [...openReports, ...closedReports]) latest.set(r.venueOrderId, r);
    // Fills first: the state an order report shows is then explained by fills already booked.
    for (const fill of fills) {
      this.bookFill(fill);
      this.releaseHeld(fill.venueOrderId);
    }
    for (const report of latest.values()) {
      // REST has the whole order: a pushed report held for its fills is superseded.
      this.heldReports.delete(report.venueOrderId);
      this.bookReport(report, now);
    }
    // Working from here: what the list held, and what was placed while it was being read.
    const placedSince = [...this.working].filter((id) => (this.known.get(id)?.placedAt ?? 0) >= started);
    this.working = new Set([...openIds, ...placedSince]);
    this.prune();
  }

  /** A fill, once per trade id whichever way it came (poll or push). */
  private bookFill(fill: VenueFill): void {
    if (this.emittedTrades.has(fill.tradeId)) return;
    this.emittedTrades.set(fill.tradeId, fill.time);
    const sum = this.emittedFilled.get(fill.venueOrderId) ?? dec(0);
    this.emittedFilled.set(fill.venueOrderId, sum.plus(fill.quantity));
    this.emit({ type: 'fill', fill });
    this.fillCursor = Math.max(this.fillCursor, fill.time);
  }

  private isTerminal(report: VenueOrderReport): boolean {
    return report.state !== 'open' && report.state !== 'partially_filled' && report.state !== 'pending';
  }

  /** An order report, unless the last one said the same. */
  private bookReport(report: VenueOrderReport, now: number): void {
    const key = reportKey(report);
    if (this.reported.get(report.venueOrderId)?.key === key) return;
    const terminal = this.isTerminal(report);
    this.reported.set(report.venueOrderId, {
      key,
      terminal,
      time: report.time,
      filled: report.filledQuantity,
      seenAt: now,
    });
    this.emit({ type: 'order', report });
    if (terminal) this.closedCursor = Math.max(this.closedCursor, report.time);
  }

  /** Does a recent report count more executed than the fills seen for it? */
  private owedFills(now: number): boolean {
    for (const [id, r] of this.reported) {
      if (now - r.seenAt > OWED_WINDOW_MS) continue;
      if (dec(r.filled).gt(this.emittedFilled.get(id) ?? 0)) return true;
    }
    return false;
  }

  /** Forgets what no later poll can bring back (behind both cursors by more than their margin). */
  private prune(): void {
    const horizon = Math.min(this.fillCursor, this.closedCursor) - 2 * LOOKBACK_MS;
    for (const [id, time] of this.emittedTrades) if (time < horizon) this.emittedTrades.delete(id);
    for (const [id, r] of this.reported) {
      if (r.terminal && r.time < horizon) {
        this.reported.delete(id);
        this.emittedFilled.delete(id);
      }
    }
  }
}
