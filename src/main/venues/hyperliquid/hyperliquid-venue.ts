// Braid's Hyperliquid perpetuals adapter: the live venue port (../venue.ts) through ccxt's real
// `hyperliquid` class. An API wallet (`privateKey`) signs for the account (`walletAddress`).
//
// - connect() takes the one-process-per-wallet lock, loads the perps (instruments), proves the signer
//   with a signed `noop`, arms the dead-man switch where the account may use it (else says why in its
//   health) and starts polling REST.
// - With `wsUrl`, order updates and fills are also pushed over Hyperliquid's WebSocket (ccxt pro,
//   private-feed.ts) into the same report path, each fill booked once (by tid) whichever way it came.
//   The socket does not replay what was missed: every (re)subscription is followed by a REST catch-up,
//   and one after an outage is a reconnection (`reconnected`). While it is subscribed REST polls only
//   every reconcileMs; while it is down, every pollMs.
// - Orders, cancels and modifies go through ccxt (its signing, with its builder fee and referrer off:
//   client.ts); reads are raw /info requests through ccxt, so every decimal is Hyperliquid's string.
// - Every request is paced by the weight budget (1,200 a minute per IP, kept under 80 %); nothing
//   rejects, and no message carries a key.
// - An ambiguous answer to an action (timeout, dropped connection, 5xx) is `unknown` and is never sent
//   again; orderStatus({clientOrderId}) resolves it by the order's cloid.
// - Modify is Hyperliquid's cancel-replace (batchModify): a new oid with the same cloid. Reports name the
//   order by the newest oid and count what the replaced oids filled; a replaced oid's own end is not
//   reported (the order lives on), its fills are.
// - Polls: orderStatus for each order believed working (weight 2 each); fills (userFillsByTime) and the
//   open list when something moved, for a while after, after a reconnection, and every fullPollMs.
//
// This file is the facade: it wires the parts (each file says its job), takes the wallet lock, creates
// the ccxt client and proves the signer at connect.
import type { Market } from 'ccxt';
import { type Dec, type DecStr, dec, str } from '../../../shared/domain/decimal.ts';
import type { BackoffPolicy } from '../backoff.ts';
import { redact } from '../credentials.ts';
import { acquireKeyLock, type KeyLock } from '../key-lock.ts';
import type {
  Disposer,
  FillCursor,
  LiveVenue,
  VenueBalance,
  VenueBracketOutcome,
  VenueBracketRequest,
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
  VenueRead,
  VenueTicker,
} from '../venue.ts';
import { VenueEvents } from '../venue-events.ts';
import { AccountReads } from './account-reads.ts';
import { HyperliquidCalls } from './calls.ts';
import { CancelReplace } from './cancel-replace.ts';
import { closeClient, createClient, signedAction } from './client.ts';
import { ConnectionState } from './connection-state.ts';
import { deadManProblem, realTimers, type Timers } from './dead-man.ts';
import { DeadManKeeper } from './dead-man-keeper.ts';
import { FeedLink } from './feed-link.ts';
import type { FundingPayment, HyperliquidPositionReport } from './mapping.ts';
import { MarketData } from './market-data.ts';
import { HyperliquidMarkets } from './markets.ts';
import { OrderIds } from './order-ids.ts';
import { OrderPoll } from './order-poll.ts';
import { OrderRequests } from './order-requests.ts';
import type { FeedState } from './private-feed.ts';
import { PushedUpdates } from './pushed-updates.ts';
import { exchangeWeight, infoWeight, WeightBudget } from './rate-budget.ts';
import { ReportBook } from './report-book.ts';
import { WorkingOrders } from './working-orders.ts';

export interface HyperliquidVenueOptions {
  /** REST base (`https://api.hyperliquid.xyz`; a simulator's `http://127.0.0.1:PORT`). */
  url?: string;
  /** The account address the API wallet trades for (ccxt's walletAddress). */
  walletAddress: string;
  /** The API wallet's 0x private key (or the account's own). */
  privateKey: string;
  /** Sign for testnet (phantom-agent source 'b') and default to its url. */
  testnet?: boolean;
  /** Between the end of one poll and the start of the next. Default 2 s. */
  pollMs?: number;
  /** At least this often a poll reads fills and the open list (orders placed elsewhere). Default 30 s. */
  fullPollMs?: number;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** A market order's limit: the mark ± this share. Default 0.01 (ccxt's own is 0.05). */
  marketSlippage?: DecStr | number;
  /** scheduleCancel armed at connect and refreshed; 0 leaves the switch alone. Default 60. */
  deadManSeconds?: number;
  /** Takes the one-process-per-wallet lock in this folder at connect (key-lock.ts). */
  keyLockDir?: string;
  /** Epoch ms: nonces, latency, the weight budget. */
  clock?: () => number;
  /** Poll and dead-man timers. */
  timers?: Timers;
  /** How the weight budget waits. */
  sleep?: (ms: number) => Promise<void>;
  /** 0..1 for backoff jitter. */
  random?: () => number;
  /** Hyperliquid's per-IP weight a minute (1,200). */
  weightPerMinute?: number;
  /**
   * The account's WebSocket (`wss://api.hyperliquid.xyz/ws`; a simulator's `ws://127.0.0.1:PORT/ws`).
   * Unset: REST polling alone.
   */
  wsUrl?: string;
  /** Between REST polls while the WebSocket pushes. Default 20 s. */
  reconcileMs?: number;
  /** Between attempts to bring the WebSocket back. Default 1 s doubling to 30 s. */
  wsBackoff?: BackoffPolicy;
  /** How long Hyperliquid may take to acknowledge the subscriptions. Default 10 s. */
  wsSubscribeTimeoutMs?: number;
}

export interface HyperliquidFeedStatus {
  /** `off`: no wsUrl configured. */
  state: FeedState | 'off';
  /** Times both subscriptions were acknowledged (the first and every one after a reconnect). */
  subscriptions: number;
}

export const HYPERLIQUID_CAPABILITIES: VenueCapabilities = {
  // normalTpsl: an entry and its take-profit and stop-loss in one action (native-brackets.ts); the
  // children wait for the entry's fill, are sized to it and cancel each other.
  nativeBrackets: true,
  oco: false,
  stopOrders: true,
  // batchModify: a new oid with the same cloid.
  amend: 'cancel_replace',
  reduceOnly: true,
  postOnly: true,
  // No single call: cancelAll() reads the open orders and cancels them in one signed action.
  cancelAll: false,
  // scheduleCancel, where the account may use it (health says when it may not).
  deadManSwitch: true,
  nativeTrailing: false,
  dayOrders: false,
  outsideRth: false,
};
export class HyperliquidVenue implements LiveVenue {
  readonly name = 'hyperliquid';
  readonly capabilities = HYPERLIQUID_CAPABILITIES;

  private readonly options: HyperliquidVenueOptions;
  private readonly clock: () => number;
  private readonly slippage: Dec;
  private readonly budget: WeightBudget;
  private readonly events: VenueEvents;
  private readonly connection: ConnectionState;
  private readonly calls: HyperliquidCalls;
  private readonly markets = new HyperliquidMarkets();
  private readonly ids = new OrderIds();
  private readonly working = new WorkingOrders();
  private readonly book: ReportBook;
  private readonly reads: AccountReads;
  private readonly poll: OrderPoll;
  private readonly orders: OrderRequests;
  private readonly replace: CancelReplace;
  private readonly marketData: MarketData;
  private readonly deadMan: DeadManKeeper;
  private readonly feed: FeedLink;
  private keyLock: KeyLock | null = null;

  constructor(options: HyperliquidVenueOptions) {
    this.options = options;
    const clock = options.clock ?? Date.now;
    const timers = options.timers ?? realTimers;
    const random = options.random ?? Math.random;
    const clean = (message: string) => this.clean(message);
    const running = () => this.connection.running;
    const { ids, markets, working } = this;
    const user = options.walletAddress;
    const slippage = dec(options.marketSlippage ?? '0.01');
    this.clock = clock;
    this.slippage = slippage;
    this.budget = new WeightBudget({
      clock,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      ...(options.weightPerMinute !== undefined ? { perMinute: options.weightPerMinute } : {}),
    });
    const events = new VenueEvents(clock, clean);
    this.events = events;
    // Back after trouble: whatever happened while away is read in full on the next poll.
    this.connection = new ConnectionState(events, clock, () => this.poll.askCatchUp());
    const calls = new HyperliquidCalls({
      budget: this.budget,
      clock,
      random,
      clean,
      answered: (result) => this.connection.answered(result),
    });
    const { connection } = this;
    this.calls = calls;
    this.book = new ReportBook({ ids, working, emit: (e) => events.emit(e) });
    const reads = new AccountReads({ calls, markets, ids, working, events, clock, user });
    this.reads = reads;
    const { pollMs, fullPollMs, reconcileMs } = options;
    const book = this.book;
    const poll = new OrderPoll({
      reads,
      book,
      ids,
      markets,
      working,
      timers,
      clock,
      running,
      pollMs,
      fullPollMs,
      reconcileMs,
      inDoubt: () => connection.inDoubt,
      budgetTight: (weight) => calls.readWouldWait(weight),
    });
    this.poll = poll;
    const pushed = new PushedUpdates({ reads, book, ids, working, poll, events, clock, running });
    const { wsUrl, wsBackoff, wsSubscribeTimeoutMs } = options;
    this.feed = new FeedLink({
      ...{ wsUrl, wsBackoff, wsSubscribeTimeoutMs, pollMs, user },
      ...{ pushed, poll, events, clock, timers, random, running },
    });
    const marketData = new MarketData(calls, markets, clock);
    this.marketData = marketData;
    this.orders = new OrderRequests({
      calls,
      markets,
      marketData,
      reads,
      ids,
      working,
      clock,
      slippage,
      user,
    });
    this.replace = new CancelReplace({ calls, markets, reads, ids, working, clock, slippage });
    this.deadMan = new DeadManKeeper({ calls, events, timers, running });
  }

  // ---------------------------------------------------------------------------------------------
  // Events and health

  onEvent(listener: (event: VenueEvent) => void): Disposer {
    return this.events.listen(listener);
  }

  health(): VenueHealth {
    const { state } = this.connection;
    const detail =
      this.connection.detail ?? (state === 'connected' ? this.deadMan.unavailableReason : undefined);
    return {
      state,
      latencyMs: this.calls.latencyMs,
      rateBudgetUsed: this.budget.used(),
      ...(detail ? { detail } : {}),
    };
  }

  /** Where the WebSocket stands. */
  feedStatus(): HyperliquidFeedStatus {
    return { state: this.feed.state, subscriptions: this.feed.subscriptions };
  }

  private clean(message: string): string {
    return redact(message, this.options.privateKey, this.options.privateKey.replace(/^0x/, ''));
  }

  // ---------------------------------------------------------------------------------------------
  // Connection

  async connect(): Promise<VenueRead<null>> {
    if (this.connection.running) return { ok: true, value: null };
    this.connection.set('connecting');
    const seconds = this.options.deadManSeconds ?? 60;
    const problem = deadManProblem(seconds);
    if (problem) return this.connectFailed('failed', problem, false);
    if (this.options.keyLockDir !== undefined && !this.keyLock) {
      const lock = acquireKeyLock(this.options.keyLockDir, 'Hyperliquid', this.options.privateKey);
      if (!lock.ok)
        return this.connectFailed('failed', lock.message.replaceAll('API key', 'API wallet'), false);
      this.keyLock = lock.lock;
    }
    const connectStart = this.clock();
    const ex = createClient({
      walletAddress: this.options.walletAddress,
      privateKey: this.options.privateKey,
      timeoutMs: this.options.timeoutMs ?? 10_000,
      marketSlippage: str(this.slippage),
      clock: this.clock,
      ...(this.options.url !== undefined ? { url: this.options.url } : {}),
      ...(this.options.testnet !== undefined ? { testnet: this.options.testnet } : {}),
    });
    this.calls.use(ex);

    // metaAndAssetCtxs (20); ccxt's loadMarkets may read its currencies too (spotMeta, 20).
    const markets = await this.calls.call((e) => e.loadMarkets(), infoWeight('metaAndAssetCtxs') * 2);
    if (!markets.ok)
      return this.connectFailed(
        'disconnected',
        `cannot load Hyperliquid's markets: ${markets.failure.message}`,
        true,
      );
    this.markets.load(Object.values(this.calls.exchange?.markets ?? {}) as Market[]);

    // A signed no-op proves the API wallet acts for the account (a read would not).
    const proof = await this.calls.call((e) => signedAction(e, { type: 'noop' }), exchangeWeight());
    if (!proof.ok) {
      const refused = proof.failure.kind === 'rejected';
      return this.connectFailed(
        refused ? 'failed' : 'disconnected',
        `Hyperliquid refused a signed request: ${proof.failure.message}`,
        proof.failure.kind !== 'rejected' || proof.failure.retryable === true,
      );
    }

    const armed = await this.deadMan.start(seconds);
    if (!armed.ok) return this.connectFailed('disconnected', armed.message, armed.retryable);

    this.book.startAt(connectStart);
    this.connection.started();
    this.poll.schedule();
    this.feed.start(ex);
    return { ok: true, value: null };
  }

  private async connectFailed(
    state: 'failed' | 'disconnected',
    message: string,
    retryable: boolean,
  ): Promise<VenueRead<null>> {
    const clean = this.clean(message);
    await this.closeClient();
    this.keyLock?.release();
    this.keyLock = null;
    this.connection.set(state, clean);
    return { ok: false, message: clean, retryable };
  }

  /**
   * Stops polling and refreshing, closes ccxt's connections. A planned stop clears the dead-man switch
   * first (the default): left armed, Hyperliquid would cancel every resting order, stops included.
   */
  async disconnect(options: { disarmDeadMan?: boolean } = {}): Promise<void> {
    const wasRunning = this.connection.stopping();
    this.feed.stop();
    this.poll.stop();
    await this.deadMan.stop(wasRunning && options.disarmDeadMan !== false);
    await this.closeClient();
    this.keyLock?.release();
    this.keyLock = null;
    if (this.connection.state !== 'disconnected') this.connection.set('disconnected');
  }

  private async closeClient(): Promise<void> {
    const ex = this.calls.exchange;
    this.calls.use(null);
    if (ex) await closeClient(ex);
  }

  // ---------------------------------------------------------------------------------------------
  // Instruments, orders, reads, market data: the parts that do them

  async instruments(): Promise<VenueRead<VenueInstrument[]>> {
    return this.markets.instruments();
  }

  /**
   * Braid's ids from the journal (after a restart): their cloids are derived now, so fills and open
   * orders that carry them are named by Braid's id before anything asks for them by id.
   */
  knowClientOrderIds(clientOrderIds: Iterable<string>): void {
    for (const id of clientOrderIds) this.ids.cloidFor(id);
  }

  submit(order: VenueOrderRequest): Promise<VenueOutcome> {
    return this.orders.submit(order);
  }

  cancel(ref: { clientOrderId: string; venueOrderId?: string }): Promise<VenueOutcome> {
    return this.orders.cancel(ref);
  }

  /** An entry with its exits as one normalTpsl action (native-brackets.ts). */
  submitBracket(bracket: VenueBracketRequest): Promise<VenueBracketOutcome> {
    return this.orders.submitBracket(bracket);
  }

  /** The kill switch's cancel: the open list read and cancelled in one signed action, up to 3 rounds. */
  cancelAll(): Promise<VenueOutcome> {
    return this.orders.cancelAll();
  }

  /**
   * Cancel-replace (batchModify): the replacement keeps the cloid and gets a new oid, which the outcome
   * carries. `quantity` is the order's whole size: the replacement is sized to what is left of it after
   * what has filled so far (on this oid and the ones it replaced).
   */
  modify(
    ref: { clientOrderId: string; venueOrderId?: string },
    change: { quantity?: DecStr; price?: DecStr; stopPrice?: DecStr },
  ): Promise<VenueOutcome> {
    return this.replace.modify(ref, change);
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

  /** Signed sizes with entry price, leverage, margin mode, unrealized P&L and funding since open. */
  positions(): Promise<VenueRead<HyperliquidPositionReport[]>> {
    return this.reads.positions();
  }

  balances(): Promise<VenueRead<VenueBalance[]>> {
    return this.reads.balances();
  }

  massStatus(cursor: FillCursor): Promise<VenueRead<VenueMassStatus>> {
    return this.reads.massStatus(cursor);
  }

  /** Funding paid or received on positions since `since` (userFunding): not a fill, a cash movement. */
  fundingSince(since: number): Promise<VenueRead<FundingPayment[]>> {
    return this.reads.fundingSince(since);
  }

  ticker(symbol: string): Promise<VenueRead<VenueTicker>> {
    return this.marketData.ticker(symbol);
  }

  candles(symbol: string, intervalMinutes: number, since?: number): Promise<VenueRead<VenueCandle[]>> {
    return this.marketData.candles(symbol, intervalMinutes, since);
  }

  /** One poll now (or the one in flight). */
  pollNow(): Promise<void> {
    return this.poll.now();
  }

  // ---------------------------------------------------------------------------------------------
  // Dead-man switch

  /**
   * Arms scheduleCancel `seconds` ahead (at least 5), or clears it (0: the action without a time).
   * Hyperliquid's refusal for a small account comes back as a failed read with its words.
   */
  armDeadMan(seconds: number): Promise<VenueRead<{ triggerTime: number | null }>> {
    return this.deadMan.arm(seconds);
  }

  /** Re-arms the dead-man switch now (what the refresh timer does). */
  refreshDeadMan(): Promise<VenueRead<{ triggerTime: number | null }>> {
    return this.deadMan.refresh();
  }
}
