// Braid's Hyperliquid perpetuals adapter: the live venue port (../venue.ts) through ccxt's real
// `hyperliquid` class. An API wallet (`privateKey`) signs for the account (`walletAddress`).
//
// - connect() takes the one-process-per-wallet lock, loads the perps (instruments), proves the signer
//   with a signed `noop`, arms the dead-man switch where the account may use it (else says why in its
//   health) and starts polling REST. WebSocket is not used this round: Hyperliquid's socket does not
//   replay what was missed, so REST is what reconciles anyway.
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
import type { Market } from 'ccxt';
import { OrderNotFound } from 'ccxt';
import { type Dec, type DecStr, dec, str } from '../../../shared/domain/decimal.ts';
import { redact } from '../credentials.ts';
import { acquireKeyLock, type KeyLock } from '../key-lock.ts';
import { VenueEvents } from '../kraken/venue-events.ts';
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
  VenueRead,
  VenueTicker,
} from '../venue.ts';
import { type Called, HyperliquidCalls } from './calls.ts';
import { closeClient, createClient, type HyperliquidExchange, signedAction } from './client.ts';
import { ConnectionState } from './connection-state.ts';
import { deadManProblem, realTimers, type Timers } from './dead-man.ts';
import { DeadManKeeper } from './dead-man-keeper.ts';
import { outcomeOf, readFailed } from './errors.ts';
import {
  asRaw,
  balancesOf,
  type FundingPayment,
  fillOf,
  fundingOf,
  type HyperliquidPositionReport,
  positionsOf,
  type RawFill,
  type RawOrder,
  rawFillOf,
  rawOrderOf,
  reportOf,
} from './mapping.ts';
import { MarketData } from './market-data.ts';
import { HyperliquidMarkets } from './markets.ts';
import { OrderIds } from './order-ids.ts';
import { buildOrder, type CcxtOrder } from './orders.ts';
import { exchangeWeight, infoWeight, WeightBudget } from './rate-budget.ts';

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
}

export const HYPERLIQUID_CAPABILITIES: VenueCapabilities = {
  // Hyperliquid has normalTpsl brackets, but this adapter does not submit them: the engine places the
  // stop and target once the entry fills (both reduce-only, so both can rest on a perp).
  nativeBrackets: false,
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
};

/** How far behind its cursor a fill read starts again (venue time may lag ours; dedupe by tid). */
const LOOKBACK_MS = 60_000;
/** After an order moves, how long polls keep reading fills (a fill can land after the cancel). */
const SETTLE_MS = 10_000;
const KNOWN_CAP = 20_000;
const FILLS_PAGE = 2_000;
const MAX_PAGES = 10;
/** An order as one answer showed it. */
interface Seen {
  raw: RawOrder;
  status: string;
  time: number;
}
const seenKey = (x: Seen) =>
  [x.status, x.raw.sz, x.raw.origSz, x.raw.limitPx, x.raw.triggerPx ?? ''].join('|');

const reportKey = (r: VenueOrderReport) =>
  [r.venueOrderId, r.state, r.filledQuantity, r.quantity, r.price ?? '', r.stopPrice ?? ''].join('|');
const isTerminal = (r: VenueOrderReport) =>
  r.state !== 'open' && r.state !== 'partially_filled' && r.state !== 'pending';
export class HyperliquidVenue implements LiveVenue {
  readonly name = 'hyperliquid';
  readonly capabilities = HYPERLIQUID_CAPABILITIES;

  private readonly options: HyperliquidVenueOptions;
  private readonly clock: () => number;
  private readonly timers: Timers;
  private readonly slippage: Dec;
  private readonly budget: WeightBudget;
  private readonly events: VenueEvents;
  private readonly connection: ConnectionState;
  private readonly calls: HyperliquidCalls;
  private readonly markets = new HyperliquidMarkets();
  private readonly marketData: MarketData;
  private readonly deadMan: DeadManKeeper;
  private keyLock: KeyLock | null = null;

  private readonly ids = new OrderIds();
  private readonly emittedTids = new Map<string, number>();
  private readonly reported = new Map<string, string>();
  /** What the last status poll saw of each oid (did it move?). */
  private readonly seenKeys = new Map<string, string>();
  /** Orders believed working at Hyperliquid: polled by orderStatus. */
  private readonly working = new Set<string>();
  private fillCursor = 0;
  private readingUntil = 0;
  private lastFullPollAt: number | null = null;
  private catchUp = false;
  private pollTimer: unknown = null;
  private polling: Promise<void> | null = null;

  constructor(options: HyperliquidVenueOptions) {
    this.options = options;
    const clock = options.clock ?? Date.now;
    const timers = options.timers ?? realTimers;
    const random = options.random ?? Math.random;
    const clean = (message: string) => this.clean(message);
    const running = () => this.connection.running;
    this.clock = clock;
    this.timers = timers;
    this.slippage = dec(options.marketSlippage ?? '0.01');
    this.budget = new WeightBudget({
      clock,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      ...(options.weightPerMinute !== undefined ? { perMinute: options.weightPerMinute } : {}),
    });
    const events = new VenueEvents(clock, clean);
    this.events = events;
    // Back after trouble: whatever happened while away is read in full on the next poll.
    this.connection = new ConnectionState(events, clock, () => {
      this.catchUp = true;
    });
    const calls = new HyperliquidCalls({
      budget: this.budget,
      clock,
      random,
      clean,
      answered: (result) => this.connection.answered(result),
    });
    this.calls = calls;
    this.marketData = new MarketData(calls, this.markets, clock);
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

  private get user(): string {
    return this.options.walletAddress;
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

    this.fillCursor = connectStart;
    this.connection.started();
    this.schedulePoll();
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
    if (this.pollTimer !== null) this.timers.clearTimeout(this.pollTimer);
    this.pollTimer = null;
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

  // ---------------------------------------------------------------------------------------------
  // Orders

  /** The oid an order answer names (`resting`, `filled`), if any. */
  private static oidOf(answer: unknown): string | undefined {
    const info = asRaw(asRaw(answer).info);
    for (const k of ['resting', 'filled']) {
      const oid = asRaw(info[k]).oid;
      if (typeof oid === 'number' || typeof oid === 'string') return String(oid);
    }
    const id = asRaw(answer).id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  async submit(order: VenueOrderRequest): Promise<VenueOutcome> {
    if (!this.calls.exchange)
      return { kind: 'rejected', reason: 'venue_unavailable', message: 'Hyperliquid is not connected' };
    const perp = this.markets.perp(order.symbol);
    if (!perp)
      return {
        kind: 'rejected',
        reason: 'invalid_order',
        message: `Hyperliquid has no perpetual ${order.symbol}`,
      };
    const cloid = this.ids.cloidFor(order.clientOrderId);
    let mark: Dec | undefined;
    if (order.type === 'market') {
      const read = await this.marketData.mark(perp);
      if (!read.ok) {
        // Nothing was sent: a failed read is not an unknown order.
        return read.failure.kind === 'throttled'
          ? outcomeOf(read.failure, this.calls.retryAfter(read.failure))
          : {
              kind: 'rejected',
              reason: 'venue_unavailable',
              message: `cannot read the mark: ${read.failure.message}`,
            };
      }
      mark = read.value;
    }
    const built = buildOrder(order, { perp, cloid, slippage: this.slippage, ...(mark ? { mark } : {}) });
    if (!built.ok) return built.outcome;
    this.ids.remember({
      clientOrderId: order.clientOrderId,
      cloid,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      quantity: built.order.amount,
      ...(order.type === 'limit' || order.type === 'stop_limit' ? { price: built.order.price } : {}),
      ...(built.order.params.stopLossPrice !== undefined
        ? { stopPrice: String(built.order.params.stopLossPrice) }
        : {}),
      ...(order.timeInForce ? { timeInForce: order.timeInForce } : {}),
      ...(order.postOnly ? { postOnly: true } : {}),
      ...(order.reduceOnly ? { reduceOnly: true } : {}),
    });
    const result = await this.calls.call((ex) => this.place(ex, built.order), exchangeWeight());
    if (!result.ok) return outcomeOf(result.failure, this.calls.retryAfter(result.failure));
    let oid = HyperliquidVenue.oidOf(result.value);
    if (oid === undefined) {
      // Accepted without an oid (a trigger "waitingForTrigger"): the cloid finds it.
      const status = await this.orderStatus({ clientOrderId: order.clientOrderId });
      oid = status.ok && status.value ? status.value.venueOrderId : undefined;
      if (oid === undefined)
        return {
          kind: 'unknown',
          message: 'Hyperliquid accepted the order without naming it: ask by client id',
        };
    }
    const time = this.clock();
    this.ids.rememberOid(oid, order.symbol, cloid);
    this.ids.setCurrent(cloid, oid);
    this.working.add(oid);
    this.readingUntil = Math.max(this.readingUntil, time + SETTLE_MS);
    return { kind: 'accepted', venueOrderId: oid, time };
  }

  private place(ex: HyperliquidExchange, o: CcxtOrder) {
    // Decimal strings straight through: ccxt's precision helpers read strings (no float on the way).
    return ex.createOrder(
      o.symbol,
      o.type,
      o.side,
      o.amount as unknown as number,
      o.price as unknown as number,
      o.params,
    );
  }

  /** The symbol and current oid of Braid's order, asking Hyperliquid by cloid when not known here. */
  private async locate(ref: {
    clientOrderId: string;
    venueOrderId?: string;
  }): Promise<
    | { ok: true; symbol: string; oid: string; report: VenueOrderReport | null }
    | { ok: false; outcome: VenueOutcome }
  > {
    const cloid = this.ids.cloidFor(ref.clientOrderId);
    const oid = this.ids.currentOf(cloid) ?? ref.venueOrderId;
    const symbol =
      (oid ? this.ids.oid(oid)?.symbol : undefined) ?? this.ids.placed(ref.clientOrderId)?.symbol;
    if (oid && symbol) return { ok: true, symbol, oid, report: null };
    const status = await this.orderStatus(ref);
    if (!status.ok)
      return { ok: false, outcome: { kind: 'unknown', message: `cannot find the order: ${status.message}` } };
    if (!status.value)
      return {
        ok: false,
        outcome: { kind: 'rejected', reason: 'unknown_order', message: 'Hyperliquid has no such order' },
      };
    return { ok: true, symbol: status.value.symbol, oid: status.value.venueOrderId, report: status.value };
  }

  async cancel(ref: { clientOrderId: string; venueOrderId?: string }): Promise<VenueOutcome> {
    if (!this.calls.exchange)
      return { kind: 'rejected', reason: 'venue_unavailable', message: 'Hyperliquid is not connected' };
    const found = await this.locate(ref);
    if (!found.ok) return found.outcome;
    const result = await this.calls.call((ex) => ex.cancelOrder(found.oid, found.symbol), exchangeWeight());
    if (!result.ok) return outcomeOf(result.failure, this.calls.retryAfter(result.failure));
    // Keep watching it: its end is reported by the next poll, and a fill may still land.
    this.working.add(found.oid);
    this.readingUntil = Math.max(this.readingUntil, this.clock() + SETTLE_MS);
    return { kind: 'accepted', venueOrderId: found.oid, time: this.clock() };
  }

  /**
   * The kill switch's cancel. Hyperliquid has no cancel-all: the open orders are read and cancelled in
   * one signed action (every symbol at once). Hyperliquid answers per order and ccxt raises on the first
   * refusal (one filled or was replaced in between), so then the list is read again, up to three rounds.
   */
  async cancelAll(): Promise<VenueOutcome> {
    if (!this.calls.exchange)
      return { kind: 'rejected', reason: 'venue_unavailable', message: 'Hyperliquid is not connected' };
    for (let round = 0; round < 3; round++) {
      const open = await this.calls.read<unknown[]>({ type: 'frontendOpenOrders', user: this.user });
      if (!open.ok) return outcomeOf(open.failure, this.calls.retryAfter(open.failure));
      const orders = (Array.isArray(open.value) ? open.value : [])
        .map(rawOrderOf)
        .filter((o): o is RawOrder => o !== null && this.markets.symbolOf(o.coin) !== undefined);
      if (orders.length === 0) return { kind: 'accepted', venueOrderId: '', time: this.clock() };
      const list = orders.map((o) => ({ id: o.oid, symbol: this.markets.symbolOf(o.coin)! }));
      for (const o of orders) this.working.add(o.oid);
      const result = await this.calls.call(
        (ex) => ex.cancelOrdersForSymbols(list),
        exchangeWeight(list.length),
      );
      this.readingUntil = Math.max(this.readingUntil, this.clock() + SETTLE_MS);
      if (result.ok) return { kind: 'accepted', venueOrderId: '', time: this.clock() };
      if (result.failure.kind !== 'rejected' || result.failure.reason !== 'unknown_order')
        return outcomeOf(result.failure, this.calls.retryAfter(result.failure));
    }
    return {
      kind: 'unknown',
      message: 'orders were still open after three rounds of cancels: read the open orders',
    };
  }

  /**
   * Cancel-replace (batchModify): the replacement keeps the cloid and gets a new oid, which the outcome
   * carries. `quantity` is the order's whole size: the replacement is sized to what is left of it after
   * what has filled so far (on this oid and the ones it replaced).
   */
  async modify(
    ref: { clientOrderId: string; venueOrderId?: string },
    change: { quantity?: DecStr; price?: DecStr; stopPrice?: DecStr },
  ): Promise<VenueOutcome> {
    if (!this.calls.exchange)
      return { kind: 'rejected', reason: 'venue_unavailable', message: 'Hyperliquid is not connected' };
    if (change.quantity === undefined && change.price === undefined && change.stopPrice === undefined)
      return { kind: 'rejected', reason: 'invalid_order', message: 'nothing to change' };
    // The order as Hyperliquid holds it now: its remaining size decides the replacement's.
    const status = await this.orderStatus({ clientOrderId: ref.clientOrderId });
    if (!status.ok) return { kind: 'unknown', message: `cannot read the order to modify: ${status.message}` };
    const now = status.value;
    if (!now || isTerminal(now))
      return { kind: 'rejected', reason: 'unknown_order', message: 'Hyperliquid has no such working order' };
    const perp = this.markets.perp(now.symbol);
    if (!perp)
      return {
        kind: 'rejected',
        reason: 'invalid_order',
        message: `Hyperliquid has no perpetual ${now.symbol}`,
      };
    const placed = this.ids.placed(ref.clientOrderId);
    const total = dec(change.quantity ?? now.quantity);
    const left = total.minus(now.filledQuantity);
    if (left.lte(0))
      return {
        kind: 'rejected',
        reason: 'invalid_order',
        message: `${str(total)} is not above the ${now.filledQuantity} already filled`,
      };
    const type = placed?.type ?? now.type;
    const request: VenueOrderRequest = {
      clientOrderId: ref.clientOrderId,
      symbol: now.symbol,
      side: now.side,
      // A market order is an IOC: it never rests, so what rests is a limit.
      type: type === 'market' ? 'limit' : type,
      quantity: str(left),
      ...((change.price ?? placed?.price ?? now.price) !== undefined
        ? { price: change.price ?? placed?.price ?? now.price }
        : {}),
      ...((change.stopPrice ?? placed?.stopPrice ?? now.stopPrice) !== undefined
        ? { stopPrice: change.stopPrice ?? placed?.stopPrice ?? now.stopPrice }
        : {}),
      ...(placed?.timeInForce ? { timeInForce: placed.timeInForce } : {}),
      ...(placed?.postOnly ? { postOnly: true } : {}),
      ...(placed?.reduceOnly ? { reduceOnly: true } : {}),
    };
    const cloid = this.ids.cloidFor(ref.clientOrderId);
    const built = buildOrder(request, { perp, cloid, slippage: this.slippage });
    if (!built.ok) return built.outcome;
    const o = built.order;
    const oldOid = now.venueOrderId;
    const result = await this.calls.call(
      (ex) =>
        ex.editOrder(
          oldOid,
          o.symbol,
          o.type,
          o.side,
          o.amount as unknown as number,
          o.price as unknown as number,
          o.params,
        ),
      exchangeWeight(),
    );
    if (!result.ok) {
      // Replaced or not, only the cloid can tell: until then the old oid's end is not the order's.
      if (result.failure.kind === 'ambiguous') this.ids.replacing.add(cloid);
      return outcomeOf(result.failure, this.calls.retryAfter(result.failure));
    }
    const newOid = HyperliquidVenue.oidOf(result.value);
    if (newOid === undefined)
      return {
        kind: 'unknown',
        message: 'Hyperliquid replaced the order without naming the new one: ask by client id',
      };
    this.ids.rememberOid(newOid, o.symbol, cloid);
    this.ids.setCurrent(cloid, newOid);
    this.working.delete(oldOid);
    this.working.add(newOid);
    this.readingUntil = Math.max(this.readingUntil, this.clock() + SETTLE_MS);
    this.ids.remember({
      ...(placed ?? {
        clientOrderId: ref.clientOrderId,
        cloid,
        symbol: o.symbol,
        side: o.side,
        type: request.type,
      }),
      quantity: str(total),
      ...(request.price !== undefined ? { price: o.price } : {}),
      ...(o.params.stopLossPrice !== undefined ? { stopPrice: String(o.params.stopLossPrice) } : {}),
    });
    return { kind: 'accepted', venueOrderId: newOid, time: this.clock() };
  }

  // ---------------------------------------------------------------------------------------------
  // Reports

  /** A report from a raw order and its status, named by Braid's id, counting replaced oids' fills. */
  private reportFrom(raw: RawOrder, status: string, time: number): VenueOrderReport | null {
    const symbol = this.markets.symbolOf(raw.coin);
    if (!symbol) return null;
    this.ids.rememberOid(raw.oid, symbol, raw.cloid);
    const report = reportOf(raw, status, time, symbol, str(this.ids.filledBefore(raw.cloid, raw.oid)));
    if (!report) return null;
    const braidId = this.ids.braidOf(raw.cloid);
    if (braidId !== undefined) {
      report.clientOrderId = braidId;
      const placed = this.ids.placed(braidId);
      // Braid's market order rests at the venue as an IOC limit: it is reported as what Braid sent.
      if (placed?.type === 'market' && report.type === 'limit') {
        report.type = 'market';
        delete report.price;
      }
    }
    const average = this.ids.averagePrice(raw.oid);
    if (average !== undefined) report.avgFillPrice = average;
    return report;
  }

  /** orderStatus's answer as Hyperliquid put it (null: no such order; undefined: unreadable). */
  private static seenOf(answer: unknown): Seen | null | undefined {
    const a = asRaw(answer);
    if (a.status === 'unknownOid') return null;
    const wrapped = asRaw(a.order);
    const raw = rawOrderOf(wrapped.order);
    if (!raw || typeof wrapped.status !== 'string') return undefined;
    const time = typeof wrapped.statusTimestamp === 'number' ? wrapped.statusTimestamp : raw.timestamp;
    return { raw, status: wrapped.status, time };
  }

  private async statusSeen(oidOrCloid: string): Promise<Called<Seen | null>> {
    const ref = /^\d+$/.test(oidOrCloid) ? Number(oidOrCloid) : oidOrCloid;
    const result = await this.calls.read<unknown>({ type: 'orderStatus', user: this.user, oid: ref });
    if (!result.ok) {
      // ccxt raises {"status":"unknownOid"} as OrderNotFound: the order does not exist.
      if (result.error instanceof OrderNotFound) return { ok: true, value: null };
      return result;
    }
    const seen = HyperliquidVenue.seenOf(result.value);
    if (seen === undefined) {
      this.events.unreadable(
        'hyperliquid_unreadable_order',
        `an order Hyperliquid reported could not be read (${oidOrCloid})`,
      );
      return { ok: true, value: null };
    }
    return { ok: true, value: seen };
  }

  private async statusRaw(oidOrCloid: string): Promise<Called<VenueOrderReport | null>> {
    const seen = await this.statusSeen(oidOrCloid);
    if (!seen.ok || seen.value === null) return seen as Called<null>;
    return { ok: true, value: this.reportFrom(seen.value.raw, seen.value.status, seen.value.time) };
  }

  async orderStatus(ref: {
    clientOrderId?: string;
    venueOrderId?: string;
  }): Promise<VenueRead<VenueOrderReport | null>> {
    if (ref.clientOrderId === undefined && ref.venueOrderId === undefined)
      return {
        ok: false,
        message: 'orderStatus needs a client order id or a venue order id',
        retryable: false,
      };
    // By cloid when Braid's id is known: Hyperliquid answers the newest order carrying it (after a
    // modify, the replacement).
    const cloid = ref.clientOrderId !== undefined ? this.ids.cloidFor(ref.clientOrderId) : undefined;
    const result = await this.statusRaw(cloid ?? ref.venueOrderId!);
    if (!result.ok) return readFailed(result.failure);
    const report = result.value;
    if (cloid) this.ids.replacing.delete(cloid);
    if (report && cloid) {
      report.clientOrderId = ref.clientOrderId;
      this.ids.setCurrent(cloid, report.venueOrderId);
      if (!isTerminal(report)) this.working.add(report.venueOrderId);
    }
    return { ok: true, value: report };
  }

  private async openSeen(): Promise<Called<Seen[]>> {
    const result = await this.calls.read<unknown[]>({ type: 'frontendOpenOrders', user: this.user });
    if (!result.ok) return result;
    const out: Seen[] = [];
    for (const x of Array.isArray(result.value) ? result.value : []) {
      const raw = rawOrderOf(x);
      if (!raw || this.markets.symbolOf(raw.coin) === undefined) {
        this.events.unreadable(
          'hyperliquid_unreadable_order',
          `an open order Hyperliquid listed could not be read (${String(asRaw(x).oid)})`,
        );
        continue;
      }
      out.push({ raw, status: 'open', time: raw.timestamp });
    }
    return { ok: true, value: out };
  }

  private reportsOf(seen: Seen[]): VenueOrderReport[] {
    return seen
      .map((x) => this.reportFrom(x.raw, x.status, x.time))
      .filter((r): r is VenueOrderReport => r !== null);
  }

  private async openRaw(): Promise<Called<VenueOrderReport[]>> {
    const seen = await this.openSeen();
    return seen.ok ? { ok: true, value: this.reportsOf(seen.value) } : seen;
  }

  async openOrders(): Promise<VenueRead<VenueOrderReport[]>> {
    const result = await this.openRaw();
    return result.ok ? result : readFailed(result.failure);
  }

  /** Fills from `since` (inclusive), paged by time (2,000 an answer). */
  private async fillsRaw(since: number): Promise<Called<RawFill[]>> {
    const all = new Map<string, RawFill>();
    let start = Math.max(0, since);
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.calls.read<unknown[]>({
        type: 'userFillsByTime',
        user: this.user,
        startTime: start,
      });
      if (!result.ok) return result;
      const list = Array.isArray(result.value) ? result.value : [];
      let last = start;
      for (const x of list) {
        const raw = rawFillOf(x);
        if (!raw) {
          this.events.unreadable(
            'hyperliquid_unreadable_fill',
            `a fill Hyperliquid reported could not be read (${String(asRaw(x).tid)})`,
          );
          continue;
        }
        all.set(raw.tid, raw);
        last = Math.max(last, raw.time);
      }
      if (list.length < FILLS_PAGE || last === start) break;
      start = last;
    }
    return {
      ok: true,
      value: [...all.values()].sort((a, b) => a.time - b.time || a.tid.localeCompare(b.tid)),
    };
  }

  private fillFrom(raw: RawFill): VenueFill | null {
    const symbol = this.markets.symbolOf(raw.coin);
    if (!symbol) return null;
    const cloid = raw.cloid ?? this.ids.oid(raw.oid)?.cloid;
    if (!this.ids.oid(raw.oid)) this.ids.rememberOid(raw.oid, symbol, cloid);
    return fillOf(raw, symbol, this.ids.braidOf(cloid));
  }

  async fillsSince(cursor: FillCursor): Promise<VenueRead<VenueFill[]>> {
    const result = await this.fillsRaw(cursor.since);
    if (!result.ok) return readFailed(result.failure);
    const fills = result.value.map((r) => this.fillFrom(r)).filter((f): f is VenueFill => f !== null);
    return { ok: true, value: fills.filter((f) => f.time >= cursor.since) };
  }

  private async clearinghouse(): Promise<Called<unknown>> {
    return this.calls.read<unknown>({ type: 'clearinghouseState', user: this.user });
  }

  /** Signed sizes with entry price, leverage, margin mode, unrealized P&L and funding since open. */
  async positions(): Promise<VenueRead<HyperliquidPositionReport[]>> {
    const result = await this.clearinghouse();
    if (!result.ok) return readFailed(result.failure);
    return { ok: true, value: positionsOf(result.value, (c) => this.markets.symbolOf(c)) };
  }

  async balances(): Promise<VenueRead<VenueBalance[]>> {
    const result = await this.clearinghouse();
    if (!result.ok) return readFailed(result.failure);
    const balances = balancesOf(result.value);
    return balances
      ? { ok: true, value: balances }
      : { ok: false, message: "Hyperliquid's account state was unreadable", retryable: true };
  }

  async massStatus(cursor: FillCursor): Promise<VenueRead<VenueMassStatus>> {
    const open = await this.openOrders();
    if (!open.ok) return open;
    const fills = await this.fillsSince(cursor);
    if (!fills.ok) return fills;
    const state = await this.clearinghouse();
    if (!state.ok) return readFailed(state.failure);
    const balances = balancesOf(state.value);
    if (!balances)
      return { ok: false, message: "Hyperliquid's account state was unreadable", retryable: true };
    return {
      ok: true,
      value: {
        openOrders: open.value,
        fills: fills.value,
        positions: positionsOf(state.value, (c) => this.markets.symbolOf(c)),
        balances,
        time: this.clock(),
      },
    };
  }

  /** Funding paid or received on positions since `since` (userFunding): not a fill, a cash movement. */
  async fundingSince(since: number): Promise<VenueRead<FundingPayment[]>> {
    const result = await this.calls.read<unknown[]>({
      type: 'userFunding',
      user: this.user,
      startTime: since,
    });
    if (!result.ok) return readFailed(result.failure);
    const out: FundingPayment[] = [];
    for (const x of Array.isArray(result.value) ? result.value : []) {
      const p = fundingOf(x, (c) => this.markets.symbolOf(c));
      if (p) out.push(p);
    }
    return { ok: true, value: out.sort((a, b) => a.time - b.time) };
  }

  // ---------------------------------------------------------------------------------------------
  // Market data

  ticker(symbol: string): Promise<VenueRead<VenueTicker>> {
    return this.marketData.ticker(symbol);
  }

  candles(symbol: string, intervalMinutes: number, since?: number): Promise<VenueRead<VenueCandle[]>> {
    return this.marketData.candles(symbol, intervalMinutes, since);
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

  // ---------------------------------------------------------------------------------------------
  // Polling

  private schedulePoll(delayMs = this.options.pollMs ?? 2_000): void {
    if (!this.connection.running) return;
    if (this.pollTimer !== null) this.timers.clearTimeout(this.pollTimer);
    this.pollTimer = this.timers.setTimeout(() => {
      this.pollTimer = null;
      void this.pollNow();
    }, delayMs);
  }

  /** One poll now (or the one in flight). */
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
   * One poll: the status of each order believed working (2 weight each); then, when something moved
   * (or lately did), after a reconnection, or every fullPollMs: fills since the cursor and the open
   * list. Fills are emitted before reports, so the state a report shows is explained by fills booked.
   */
  private async pollOnce(): Promise<void> {
    if (!this.connection.running) return;
    const seen: Seen[] = [];
    let moved = false;
    // A modify without an answer: the newest order carrying the cloid is the one to follow.
    for (const cloid of [...this.ids.replacing]) {
      const newest = await this.statusSeen(cloid);
      if (!newest.ok || !this.connection.running) return;
      this.ids.replacing.delete(cloid);
      if (!newest.value) continue;
      const symbol = this.markets.symbolOf(newest.value.raw.coin);
      if (symbol) this.ids.rememberOid(newest.value.raw.oid, symbol, cloid);
      this.ids.setCurrent(cloid, newest.value.raw.oid);
      this.working.add(newest.value.raw.oid);
      moved = true;
    }
    for (const oid of [...this.working]) {
      const status = await this.statusSeen(oid);
      if (!status.ok || !this.connection.running) return;
      if (!status.value) {
        this.working.delete(oid);
        continue;
      }
      const key = seenKey(status.value);
      const before = this.seenKeys.get(oid);
      // First sight of an order counts as a move only if it has filled or ended.
      const fresh = status.value.status === 'open' && status.value.raw.sz === status.value.raw.origSz;
      if (before === undefined ? !fresh : before !== key) moved = true;
      this.seenKeys.set(oid, key);
      seen.push(status.value);
    }
    const now = this.clock();
    if (moved) this.readingUntil = Math.max(this.readingUntil, now + SETTLE_MS);
    const full =
      this.catchUp ||
      this.lastFullPollAt === null ||
      now < this.readingUntil ||
      now - this.lastFullPollAt >= (this.options.fullPollMs ?? 30_000);
    let fills: VenueFill[] = [];
    if (full) {
      const from = this.fillCursor - LOOKBACK_MS;
      const read = await this.fillsRaw(from);
      if (!read.ok || !this.connection.running) return;
      fills = read.value.map((r) => this.fillFrom(r)).filter((f): f is VenueFill => f !== null);
      const open = await this.openSeen();
      if (!open.ok || !this.connection.running) return;
      const polled = new Set(seen.map((x) => x.raw.oid));
      for (const x of open.value) {
        if (!polled.has(x.raw.oid)) {
          seen.push(x);
          this.seenKeys.set(x.raw.oid, seenKey(x));
        }
        // Braid's own orders are watched until they end; another's is shown while it works.
        if (this.ids.isBraids(x.raw.cloid)) this.working.add(x.raw.oid);
      }
      this.lastFullPollAt = now;
      // This read was the catch-up (a reconnection during it is caught up by it too).
      this.catchUp = false;
    }
    // Fills first, then the reports built from them (a replaced oid's fills count in its successor's).
    for (const fill of fills) this.bookFill(fill);
    for (const report of this.reportsOf(seen)) this.bookReport(report);
    this.prune();
  }

  /** A fill, once per tid. */
  private bookFill(fill: VenueFill): void {
    if (this.emittedTids.has(fill.tradeId)) return;
    this.emittedTids.set(fill.tradeId, fill.time);
    this.ids.addFill(fill.venueOrderId, dec(fill.quantity), fill.price);
    this.fillCursor = Math.max(this.fillCursor, fill.time);
    this.events.emit({ type: 'fill', fill });
  }

  /**
   * An order report, unless the last one said the same. A replaced oid's end is not the order's end
   * (the replacement carries it on): it is not reported.
   */
  private bookReport(report: VenueOrderReport): void {
    const cloid = this.ids.oid(report.venueOrderId)?.cloid;
    const current = this.ids.currentOf(cloid);
    if (isTerminal(report)) this.working.delete(report.venueOrderId);
    if (current !== undefined && current !== report.venueOrderId) return;
    if (cloid !== undefined && this.ids.replacing.has(cloid) && isTerminal(report)) return;
    const key = reportKey(report);
    if (this.reported.get(report.venueOrderId) === key) return;
    this.reported.set(report.venueOrderId, key);
    this.events.emit({ type: 'order', report });
  }

  /** Forgets trade ids no later read can bring back (behind the cursor by more than the lookback). */
  private prune(): void {
    const horizon = this.fillCursor - 2 * LOOKBACK_MS;
    for (const [tid, time] of this.emittedTids) if (time < horizon) this.emittedTids.delete(tid);
    if (this.reported.size > KNOWN_CAP) {
      for (const id of [...this.reported.keys()].slice(0, this.reported.size - KNOWN_CAP))
        this.reported.delete(id);
    }
  }
}
