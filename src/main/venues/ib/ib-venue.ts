// Braid's Interactive Brokers adapter: the live venue port (../venue.ts) through @stoqey/ib's IBApi
// against IB Gateway or TWS. US stocks (STK, SMART, USD); no credentials (the gateway holds the login).
//
// - connect() opens the socket (gateway-link.ts), takes nextValidId against Braid's persisted order-id
//   mark (order-ids.ts: never below an id Braid used, whatever the gateway says after its restart),
//   then reads what happened while away: reqExecutions since the last booked fill, reqAllOpenOrders,
//   reqPositions, reqAccountSummary. After every reconnection (a new socket, or 1101/1102 after 1100)
//   the same read runs and `reconnected` follows, so the engine reconciles before entries resume.
// - Orders carry Braid's client order id in orderRef; permId is recorded (known-orders.ts). submit()
//   waits for IB's first word on the order (openOrder or orderStatus: accepted; error 201: rejected);
//   no word in `ackTimeoutMs` is `unknown`, and the order is never sent again.
// - Brackets are IB's own: parent, take-profit and stop with parentId set, the two exits in one OCA
//   group, transmit false on all but the last, so the stop exists at IB the moment the entry fills.
// - Fills once per execId, held for their commission (report-book.ts); order reports only on change.
// - Every outbound message is paced to 40 a second (pacing.ts). No dead-man switch exists on the socket
//   API: health says so.
import type { Contract, ContractDetails, Execution, IBApi, Order, OrderState } from '@stoqey/ib';
import { EventName } from '@stoqey/ib';
import type { DecStr } from '../../../shared/domain/decimal.ts';
import { QUERY_BACKOFF, realTimers, type Timers } from '../backoff.ts';
import type {
  Disposer,
  FillCursor,
  LiveVenue,
  VenueBalance,
  VenueBracketOutcome,
  VenueBracketRequest,
  VenueCandle,
  VenueCapabilities,
  VenueConnectionState,
  VenueEvent,
  VenueFill,
  VenueHealth,
  VenueInstrument,
  VenueMassStatus,
  VenueOrderReport,
  VenueOutcome,
  VenuePositionReport,
  VenueRead,
  VenueTicker,
} from '../venue.ts';
import { VenueEvents } from '../venue-events.ts';
import { AccountReads, type IbAccountSummary, type SummaryRow } from './account-reads.ts';
import { OrderAcks } from './acks.ts';
import {
  CANCEL_REFUSED,
  DUPLICATE_ORDER_ID,
  isOrderWarning,
  ORDER_CANCELLED,
  rejectReason,
} from './errors.ts';
import { GatewayLink } from './gateway-link.ts';
import {
  addExecution,
  isWorking,
  type KnownOrder,
  KnownOrders,
  reportOf,
  venueIdOf,
} from './known-orders.ts';
import {
  decOf,
  fillOf,
  type IbOrderPlacement,
  type IbOrderRequest,
  isUnset,
  stockContract,
} from './mapping.ts';
import { MarketData } from './market-data.ts';
import { OrderIdMark, type OrderIdStore } from './order-ids.ts';
import { OrderRequests, type OrderTerms } from './order-requests.ts';
import { Pacing } from './pacing.ts';
import { ReportBook } from './report-book.ts';
import { Collector, Requests } from './requests.ts';

export interface IbVenueOptions {
  host: string;
  port: number;
  clientId: number;
  /** The IB account orders go to and reads are for (`DU1234567`); absent: the login's first account. */
  account?: string;
  /** Braid's order-id high-water mark (the lead backs it with the engine journal). */
  idStore: OrderIdStore;
  /** Symbols whose contract details instruments() reads. Default AAPL. */
  symbols?: string[];
  /** reqMarketDataType: 1 live, 3 delayed where the account has no subscription. Default 3. */
  marketDataType?: number;
  /** How long a fill waits for its commission report before it goes with fee 0. Default 2 s. */
  commissionWaitMs?: number;
  /** IB's first word on an order. Default 5 s. */
  ackTimeoutMs?: number;
  /** A read's answer. Default 10 s. */
  readTimeoutMs?: number;
  /** A connection attempt's handshake. Default 10 s. */
  connectTimeoutMs?: number;
  /** Least wait after 326 (client id in use). Default 5 s. */
  clientIdWaitMs?: number;
  /** How far before the last booked fill reqExecutions asks (dedupe by execId). Default 60 s. */
  fillLookbackMs?: number;
  /** The last fill Braid booked (epoch ms, from the journal): the first reqExecutions asks from here. */
  fillsBookedUntil?: number | (() => number | undefined);
  /** Outbound messages a second. Default 40 (IB's limit is 50). */
  messagesPerSecond?: number;
  /** The pacing itself (tests hold messages back with it); default a 40-a-second window. */
  pacing?: { take(): Promise<void>; used(): number };
  clock?: () => number;
  timers?: Timers;
  random?: () => number;
  /** How the pacing waits. */
  sleep?: (ms: number) => Promise<void>;
}

export const IB_CAPABILITIES: VenueCapabilities = {
  nativeBrackets: true,
  oco: true,
  stopOrders: true,
  // placeOrder again with the same orderId changes the order in place.
  amend: 'native',
  // No IB meaning: the engine sizes exits so that none exceeds its position.
  reduceOnly: false,
  postOnly: false,
  cancelAll: true,
  deadManSwitch: false,
  nativeTrailing: true,
  dayOrders: true,
  outsideRth: true,
};

/** How long the kill switch waits for IB to confirm its global cancel before the flattening goes. */
const KILL_CONFIRM_MS = 3_000;

export const NO_DEAD_MAN =
  'no dead-man switch: the TWS socket API has none; working orders stay at IB if Braid stops (use TWS precautionary settings or the kill switch)';

export type { IbAccountSummary } from './account-reads.ts';

export function createIbVenue(options: IbVenueOptions): IbVenue {
  return new IbVenue(options);
}

export class IbVenue implements LiveVenue {
  readonly name = 'ib';
  readonly capabilities = IB_CAPABILITIES;

  private readonly o: IbVenueOptions;
  private readonly clock: () => number;
  private readonly timers: Timers;
  private readonly events: VenueEvents;
  private readonly pacing: { take(): Promise<void>; used(): number };
  private readonly link: GatewayLink;
  private readonly ids: OrderIdMark;
  private readonly orders = new KnownOrders();
  private readonly placements = new Map<number, IbOrderPlacement>();
  private readonly terms = new Map<number, OrderTerms>();
  private readonly book: ReportBook;
  private readonly requests: Requests;
  private readonly openOrderReads: Collector<KnownOrder>;
  private readonly positionReads: Collector<VenuePositionReport>;
  private readonly marketData: MarketData;
  private readonly acks: OrderAcks;
  private readonly requestsOut: OrderRequests;
  private readonly reads: AccountReads;
  private state: VenueConnectionState = 'disconnected';
  /** The account traded: the config's, else the login's first (managedAccounts). */
  private account: string;
  private why: string | undefined;
  private running = false;
  /** Ids the gateway offered below Braid's mark, over the adapter's life (the rollback count). */
  rolledBackIds = 0;
  /** Error 103 (duplicate order id) heard: must stay 0. */
  duplicateIdErrors = 0;

  constructor(options: IbVenueOptions) {
    this.o = options;
    this.account = options.account ?? '';
    this.clock = options.clock ?? Date.now;
    this.timers = options.timers ?? realTimers;
    const timers = this.timers;
    const readMs = options.readTimeoutMs ?? 10_000;
    this.events = new VenueEvents(this.clock, (m) => m);
    this.pacing =
      options.pacing ??
      new Pacing({
        perSecond: options.messagesPerSecond ?? 40,
        clock: this.clock,
        ...(options.sleep ? { sleep: options.sleep } : {}),
      });
    this.ids = new OrderIdMark(options.idStore);
    this.book = new ReportBook({
      emit: (e) => this.events.emit(e),
      notice: (level, code, message) => this.events.notice(level, code, message),
      timers,
      commissionWaitMs: options.commissionWaitMs ?? 2_000,
    });
    this.requests = new Requests(timers, readMs);
    if (typeof options.fillsBookedUntil === 'number') this.book.startAt(options.fillsBookedUntil);
    this.openOrderReads = new Collector('the open orders', timers, readMs);
    this.positionReads = new Collector('the positions', timers, readMs);
    this.marketData = new MarketData({
      newId: () => this.requests.newId(),
      subscribe: (id, contract) => this.send((api) => api.reqMktData(id, contract, '', false, false)),
      contract: stockContract,
      clock: this.clock,
      wait: (ready) => this.within(ready, readMs),
    });
    this.acks = new OrderAcks(timers, this.clock, options.ackTimeoutMs ?? 5_000);
    const send = (call: (api: IBApi) => void) => this.send(call);
    const account = () => this.account;
    this.requestsOut = new OrderRequests({
      send,
      unavailable: () => this.unavailable(),
      ids: this.ids,
      orders: this.orders,
      placements: this.placements,
      terms: this.terms,
      acks: this.acks,
      book: this.book,
      events: this.events,
      account,
      clock: this.clock,
    });
    this.reads = new AccountReads({
      send,
      requests: this.requests,
      openOrderReads: this.openOrderReads,
      positionReads: this.positionReads,
      orders: this.orders,
      acks: this.acks,
      book: this.book,
      account,
      clock: this.clock,
      symbols: options.symbols ?? ['AAPL'],
      fillLookbackMs: options.fillLookbackMs ?? 60_000,
    });
    this.link = new GatewayLink({
      host: options.host,
      port: options.port,
      clientId: options.clientId,
      maxReqPerSec: Math.max(50, options.messagesPerSecond ?? 40),
      timers,
      random: options.random ?? Math.random,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      backoff: QUERY_BACKOFF,
      clientIdWaitMs: options.clientIdWaitMs ?? 5_000,
      attach: (api) => this.attach(api),
      ready: (id, again) => this.ready(id, again),
      lost: (detail) => this.lost(detail),
      upstream: (event) => this.upstream(event),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Events, health, connection

  onEvent(listener: (event: VenueEvent) => void): Disposer {
    return this.events.listen(listener);
  }

  health(): VenueHealth {
    const detail = this.why ?? (this.state === 'connected' ? NO_DEAD_MAN : undefined);
    return {
      state: this.state,
      latencyMs: this.acks.latencyMs,
      rateBudgetUsed: this.pacing.used(),
      ...(detail ? { detail } : {}),
    };
  }

  /** Connection attempts so far (a 326 must wait between them, not spin). */
  get connectionAttempts(): number {
    return this.link.attemptsMade;
  }

  /** Fills waiting for their commission report. */
  get fillsAwaitingCommission(): number {
    return this.book.heldCount;
  }

  /** Books every held fill now with the fee known so far (what the wait's end does). */
  releaseHeldFills(): void {
    this.book.releaseAll();
  }

  private setState(state: VenueConnectionState, detail?: string): void {
    this.state = state;
    this.why = detail;
    this.events.emit({ type: 'connection', state, time: this.clock(), ...(detail ? { detail } : {}) });
  }

  async connect(): Promise<VenueRead<null>> {
    if (this.running) return { ok: true, value: null };
    this.running = true;
    // Read at connect (the journal may be opened after this adapter was built): the first
    // reqExecutions asks from the last booked fill, not from everything IB still holds.
    if (typeof this.o.fillsBookedUntil === 'function') {
      const until = this.o.fillsBookedUntil();
      if (until !== undefined) this.book.startAt(until);
    }
    this.setState('connecting');
    this.firstReady = new Promise((r) => {
      this.firstReadyDone = r;
    });
    const started = await this.link.start();
    if (!started.ok) {
      this.running = false;
      this.link.stop();
      this.setState('disconnected', started.message);
      return { ok: false, message: started.message, retryable: true };
    }
    const caughtUp = await this.firstReady;
    if (!caughtUp.ok) {
      this.running = false;
      this.link.stop();
      this.setState('disconnected', caughtUp.message);
      return caughtUp;
    }
    return { ok: true, value: null };
  }

  private firstReady: Promise<VenueRead<null>> = Promise.resolve({ ok: true, value: null });
  private firstReadyDone: (r: VenueRead<null>) => void = () => undefined;

  async disconnect(): Promise<void> {
    this.running = false;
    // A connect() still waiting for its first catch-up answers now rather than never.
    this.firstReadyDone({ ok: false, message: 'disconnected', retryable: true });
    this.link.stop();
    this.requests.failAll('disconnected');
    this.openOrderReads.fail('disconnected');
    this.positionReads.fail('disconnected');
    this.acks.failAll('the adapter disconnected before IB answered');
    this.book.releaseAll();
    if (this.state !== 'disconnected') this.setState('disconnected');
  }

  /** A socket is up: sync the order-id mark, then read everything missed before entries resume. */
  private ready(nextValidId: number, again: boolean): void {
    const rolledBack = this.ids.gatewayNext(nextValidId);
    if (rolledBack > 0) {
      this.rolledBackIds += rolledBack;
      this.events.notice(
        'warning',
        'ib_next_valid_id_rolled_back',
        `IB Gateway offered order id ${nextValidId}, below ids Braid has used: Braid continues from its own mark`,
      );
    }
    void this.catchUp(again ? 'reconnect' : 'start');
  }

  /**
   * What happened while away, read before entries resume. A new socket asks for market data again (the
   * old subscriptions died with it), as does 1101 (the gateway lost them); after 1102 they stand.
   */
  private async catchUp(why: 'start' | 'reconnect' | 'restored_data_lost' | 'restored'): Promise<void> {
    const api = this.link.api;
    if (why === 'start' || why === 'reconnect')
      await this.send((a) => a.reqMarketDataType(this.o.marketDataType ?? 3)).catch(() => undefined);
    if (why === 'reconnect' || why === 'restored_data_lost')
      await this.marketData.resubscribe().catch(() => undefined);
    const fills = await this.reads.fillsSince({ since: this.book.fillCursor });
    const open = await this.reads.openOrders();
    const positions = await this.reads.positions();
    const summary = await this.reads.summary();
    const failed = [fills, open, positions, summary].find((r) => !r.ok);
    if (this.link.api !== api) return; // a newer socket runs its own catch-up
    if (failed && !failed.ok) {
      if (why === 'start') this.firstReadyDone({ ok: false, message: failed.message, retryable: true });
      else this.events.notice('warning', 'ib_reconcile_read_failed', failed.message);
      if (why === 'start') return;
    }
    this.setState('connected');
    if (why === 'start') this.firstReadyDone({ ok: true, value: null });
    else this.events.emit({ type: 'reconnected', time: this.clock() });
  }

  private lost(detail: string): void {
    // Lost before the first catch-up finished: connect() fails (the registry tries again) rather than
    // waiting for a catch-up the next socket runs as a reconnect.
    if (this.state === 'connecting') this.firstReadyDone({ ok: false, message: detail, retryable: true });
    this.requests.failAll(detail);
    this.openOrderReads.fail(detail);
    this.positionReads.fail(detail);
    this.acks.failAll(`the connection to IB dropped before IB answered: ${detail}`);
    if (this.running && this.state !== 'connecting')
      this.setState('disconnected', `${detail}; entries paused, reconnecting`);
  }

  private upstream(event: 'lost' | 'restored_data_lost' | 'restored'): void {
    if (!this.running) return;
    if (event === 'lost') {
      this.setState(
        'disconnected',
        'IB Gateway lost its connection to IB (1100): entries paused until it is restored',
      );
      return;
    }
    void this.catchUp(event);
  }

  // ---------------------------------------------------------------------------------------------
  // What IB says

  private attach(api: IBApi): void {
    // managedAccounts comes before nextValidId: the login's first account when the config names none.
    api.on(EventName.managedAccounts, (list: string) => {
      if (this.o.account === undefined) this.account = list.split(',')[0]?.trim() ?? '';
    });
    api.on(EventName.openOrder, (orderId: number, contract: Contract, order: Order, state: OrderState) =>
      this.onOpenOrder(orderId, contract, order, state),
    );
    api.on(EventName.openOrderEnd, () => this.openOrderReads.end());
    api.on(
      EventName.orderStatus,
      (
        orderId: number,
        status: string,
        filled: number,
        _remaining: number,
        avgFillPrice: number,
        permId?: number,
        _parentId?: number,
        _lastFillPrice?: number,
        clientId?: number,
      ) => this.onOrderStatus(this.ownId(orderId, clientId), status, filled, avgFillPrice, permId),
    );
    api.on(EventName.execDetails, (reqId: number, contract: Contract, execution: Execution) =>
      this.onExecution(reqId, contract, execution),
    );
    api.on(EventName.execDetailsEnd, (reqId: number) => this.requests.end(reqId));
    api.on(
      EventName.commissionReport,
      (report: { execId?: string; commission?: number; currency?: string }) => {
        if (report.execId) this.book.commission(report.execId, report.commission ?? 0, report.currency);
      },
    );
    api.on(EventName.position, (account: string, contract: Contract, pos: number, avgCost?: number) => {
      if (account !== this.account || !this.positionReads.active) return;
      this.positionReads.item({
        symbol: contract.symbol ?? '',
        quantity: decOf(pos),
        ...(avgCost !== undefined && !isUnset(avgCost) && pos !== 0 ? { entryPrice: decOf(avgCost) } : {}),
      });
    });
    api.on(EventName.positionEnd, () => {
      this.positionReads.end();
      void this.send((a) => a.cancelPositions()).catch(() => undefined);
    });
    api.on(
      EventName.accountSummary,
      (reqId: number, account: string, tag: string, value: string, currency: string) =>
        this.requests.item(reqId, { account, tag, value, currency } satisfies SummaryRow),
    );
    api.on(EventName.accountSummaryEnd, (reqId: number) => {
      this.requests.end(reqId);
      void this.send((a) => a.cancelAccountSummary(reqId)).catch(() => undefined);
    });
    api.on(EventName.contractDetails, (reqId: number, details: ContractDetails) =>
      this.requests.item(reqId, details),
    );
    api.on(EventName.contractDetailsEnd, (reqId: number) => this.requests.end(reqId));
    api.on(EventName.tickPrice, (reqId: number, field: number, value: number) =>
      this.marketData.tick(reqId, field, value),
    );
    api.on(
      EventName.historicalData,
      (
        reqId: number,
        time: string,
        open: number,
        high: number,
        low: number,
        close: number,
        volume: number,
      ) => {
        if (time.startsWith('finished')) this.requests.end(reqId);
        else this.requests.item(reqId, { time, open, high, low, close, volume });
      },
    );
    api.on(EventName.error, (error: Error, code: number, reqId: number) =>
      this.onError(error.message, code, reqId),
    );
  }

  /**
   * An orderId is per client id: another client's (reqAllOpenOrders, executions) is no name for an
   * order here, and would collide with Braid's; such an order goes by its permId, as TWS's own do.
   */
  private ownId(orderId: number, clientId: number | undefined): number {
    return clientId === undefined || clientId === this.o.clientId ? orderId : 0;
  }

  private onOpenOrder(rawId: number, contract: Contract, order: Order, state: OrderState): void {
    const now = this.clock();
    const orderId = this.ownId(rawId, order.clientId);
    if (orderId > 0) this.ids.seen(orderId);
    const known = this.orders.fromOpenOrder(orderId, contract, order, state, now);
    if (this.openOrderReads.active) this.openOrderReads.item(known);
    if (
      !known.clientOrderId &&
      this.externalSaid.size < 20_000 &&
      !this.externalSaid.has(reportOf(known).venueOrderId)
    ) {
      this.externalSaid.add(reportOf(known).venueOrderId);
      this.events.notice(
        'info',
        'ib_external_order',
        `IB holds an order Braid did not place: ${known.side} ${known.quantity} ${known.symbol} (permId ${order.permId ?? '?'})`,
      );
    }
    this.acks.answered(orderId, known);
    this.book.report(reportOf(known));
  }

  private readonly externalSaid = new Set<string>();

  private onOrderStatus(
    orderId: number,
    status: string,
    filled: number,
    avgFillPrice: number,
    permId?: number,
  ): void {
    const known = this.orders.byOrderId(orderId, permId);
    if (!known) return; // openOrder comes first for any order this adapter has not placed
    if (permId !== undefined) this.orders.permId(known, permId);
    known.status = status;
    if (!isUnset(filled)) known.filled = Math.max(known.filled, filled);
    if (!isUnset(avgFillPrice) && avgFillPrice > 0) known.avgFillPrice = avgFillPrice;
    known.time = this.clock();
    this.acks.answered(orderId, known);
    this.book.report(reportOf(known));
  }

  private onExecution(reqId: number, contract: Contract, execution: Execution): void {
    const orderId = this.ownId(execution.orderId ?? 0, execution.clientId);
    const known = this.orders.byOrderId(orderId, execution.permId);
    if (known && execution.permId !== undefined) this.orders.permId(known, execution.permId);
    const clientOrderId = known?.clientOrderId ?? (execution.orderRef || undefined);
    const venueOrderId = known ? reportOf(known).venueOrderId : venueIdOf(orderId, execution.permId);
    const fill = fillOf(execution, contract, clientOrderId, venueOrderId, this.clock());
    if (!fill) return;
    if (this.requests.has(reqId)) this.requests.item(reqId, fill);
    if (known && execution.shares !== undefined && addExecution(known, fill.tradeId, execution.shares)) {
      known.time = this.clock();
      if (known.filled > 0 && isWorking(known)) this.book.report(reportOf(known));
    }
    if (!known && !clientOrderId)
      this.events.notice(
        'warning',
        'ib_external_fill',
        `IB reports a fill Braid did not place: ${fill.side} ${fill.quantity} ${fill.symbol} at ${fill.price} (execId ${fill.tradeId})`,
      );
    this.book.execution(fill);
  }

  private onError(message: string, code: number, id: number): void {
    if (code === DUPLICATE_ORDER_ID) this.duplicateIdErrors += 1;
    if (this.requests.failed(id, `IB error ${code}: ${message}`)) return;
    if (this.marketData.isTicker(id)) {
      if (!isOrderWarning(code)) this.marketData.refused(id);
      return;
    }
    const known = this.orders.byOrderId(id);
    if (!known) {
      if (!isOrderWarning(code)) this.events.notice('warning', `ib_${code}`, `IB error ${code}: ${message}`);
      return;
    }
    if (isOrderWarning(code)) return;
    const ack = this.acks.get(id);
    if (CANCEL_REFUSED.has(code)) {
      if (ack?.forCancel)
        this.acks.settle(id, {
          kind: 'rejected',
          reason: 'unknown_order',
          message: `IB ${code}: ${message}`,
        });
      return;
    }
    if (code === ORDER_CANCELLED) {
      known.status = 'Cancelled';
      if (ack?.forCancel)
        this.acks.settle(id, { kind: 'accepted', venueOrderId: String(id), time: this.clock() });
      else if (ack)
        this.acks.settle(id, { kind: 'rejected', reason: 'rejected', message: `IB ${code}: ${message}` });
    } else {
      known.status = 'Inactive';
      known.why = `IB ${code}: ${message}`;
      if (ack)
        this.acks.settle(id, { kind: 'rejected', reason: rejectReason(code, message), message: known.why });
    }
    known.time = this.clock();
    this.book.report(reportOf(known));
  }

  // ---------------------------------------------------------------------------------------------
  // Orders

  /** Puts one message on the wire in its pacing turn; throws when there is no socket. */
  private async send(call: (api: IBApi) => void): Promise<void> {
    await this.pacing.take();
    const api = this.link.api;
    if (!api?.isConnected) throw new Error('not connected to IB Gateway');
    call(api);
  }

  private unavailable(): VenueOutcome | null {
    if (this.running && this.link.api?.isConnected) return null;
    return {
      kind: 'rejected',
      reason: 'venue_unavailable',
      message: this.why ?? 'not connected to IB Gateway',
    };
  }

  submit(order: IbOrderRequest): Promise<VenueOutcome> {
    return this.requestsOut.submit(order);
  }

  /** Parent, take-profit and stop: parentId set, the exits in one OCA group, transmit on the last only. */
  submitBracket(bracket: VenueBracketRequest): Promise<VenueBracketOutcome> {
    return this.requestsOut.submitBracket(bracket);
  }

  /** In place: placeOrder again with the same orderId and the changed price or size. */
  modify(
    ref: { clientOrderId: string; venueOrderId?: string },
    change: { quantity?: DecStr; price?: DecStr; stopPrice?: DecStr },
  ): Promise<VenueOutcome> {
    return this.requestsOut.modify(ref, change);
  }

  cancel(ref: { clientOrderId: string; venueOrderId?: string }): Promise<VenueOutcome> {
    return this.requestsOut.cancel(ref);
  }

  /** The kill switch: reqGlobalCancel cancels every open order of the account, however placed. */
  /**
   * The kill switch's reqGlobalCancel, answered once IB has ended every order it knows of Braid's (or
   * after KILL_CONFIRM_MS): the flattening market orders queue behind this answer, and IB has no
   * reduce-only, so a stop still working when they go could close the position a second time.
   */
  async cancelAll(): Promise<VenueOutcome> {
    const sent = await this.requestsOut.cancelAll();
    if (sent.kind !== 'accepted') return sent;
    const deadline = this.clock() + KILL_CONFIRM_MS;
    while (this.orders.all().some(isWorking) && this.clock() < deadline && this.running)
      await new Promise<void>((r) => this.timers.setTimeout(() => r(), 20));
    const left = this.orders.all().filter(isWorking).length;
    if (left > 0)
      this.events.notice(
        'warning',
        'ib_cancel_all_unconfirmed',
        `reqGlobalCancel sent; IB has not confirmed ${left} order(s) cancelled after ${KILL_CONFIRM_MS} ms`,
      );
    return sent;
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  instruments(): Promise<VenueRead<VenueInstrument[]>> {
    return this.reads.instruments();
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

  positions(): Promise<VenueRead<VenuePositionReport[]>> {
    return this.reads.positions();
  }

  /** IB's own day-trade count and the account's equity (an IB-only read for the Day trades region). */
  accountSummary(): Promise<VenueRead<IbAccountSummary>> {
    return this.reads.accountSummary();
  }

  balances(): Promise<VenueRead<VenueBalance[]>> {
    return this.reads.balances();
  }

  massStatus(cursor: FillCursor): Promise<VenueRead<VenueMassStatus>> {
    return this.reads.massStatus(cursor);
  }

  candles(symbol: string, intervalMinutes: number, since?: number): Promise<VenueRead<VenueCandle[]>> {
    return this.reads.candles(symbol, intervalMinutes, since);
  }

  ticker(symbol: string): Promise<VenueRead<VenueTicker>> {
    if (!this.link.api?.isConnected)
      return Promise.resolve({ ok: false, message: 'not connected to IB Gateway', retryable: true });
    return this.marketData.ticker(symbol);
  }

  /** Resolves true when `ready` settles first, false after `ms`. */
  private within(ready: Promise<void>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.timers.setTimeout(() => resolve(false), ms);
      void ready.then(() => {
        this.timers.clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
