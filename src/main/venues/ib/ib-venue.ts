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
import { dec, str } from '../../../shared/domain/decimal.ts';
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
  executionFilterTime,
  fillOf,
  type IbOrderPlacement,
  type IbOrderRequest,
  ibOrder,
  isUnset,
  requestProblem,
  stockContract,
} from './mapping.ts';
import { MarketData } from './market-data.ts';
import { OrderIdMark, type OrderIdStore } from './order-ids.ts';
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
  fillsBookedUntil?: number;
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
};

export const NO_DEAD_MAN =
  'no dead-man switch: the TWS socket API has none; working orders stay at IB if Braid stops (use TWS precautionary settings or the kill switch)';

export interface IbAccountSummary {
  /** IB's own count for the pattern-day-trader rule; null where IB sends none (cash, > $25,000). */
  dayTradesRemaining: number | null;
  /** NetLiquidation, for the $25,000 rule. */
  equity: DecStr | null;
}

interface Ack {
  resolve: (outcome: VenueOutcome) => void;
  timer: unknown;
  /** A cancel waits for the end, not the first word. */
  forCancel: boolean;
}

interface SummaryRow {
  tag: string;
  value: string;
  currency: string;
  account: string;
}

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
  private readonly book: ReportBook;
  private readonly requests: Requests;
  private readonly openOrderReads: Collector<KnownOrder>;
  private readonly positionReads: Collector<VenuePositionReport>;
  private readonly marketData: MarketData;
  private readonly acks = new Map<number, Ack>();
  private readonly instrumentCache = new Map<string, VenueInstrument>();
  private state: VenueConnectionState = 'disconnected';
  /** The account traded: the config's, else the login's first (managedAccounts). */
  private account: string;
  private why: string | undefined;
  private running = false;
  private latency: number | null = null;
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
    if (options.fillsBookedUntil !== undefined) this.book.startAt(options.fillsBookedUntil);
    this.openOrderReads = new Collector('the open orders', timers, readMs);
    this.positionReads = new Collector('the positions', timers, readMs);
    this.marketData = new MarketData({
      newId: () => this.requests.newId(),
      subscribe: (id, contract) => this.send((api) => api.reqMktData(id, contract, '', false, false)),
      contract: stockContract,
      clock: this.clock,
      wait: (ready) => this.within(ready, readMs),
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
      latencyMs: this.latency,
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
    this.link.stop();
    this.requests.failAll('disconnected');
    this.openOrderReads.fail('disconnected');
    this.positionReads.fail('disconnected');
    this.failAcks('the adapter disconnected before IB answered');
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
    const fills = await this.fillsSince({ since: this.book.fillCursor });
    const open = await this.openOrders();
    const positions = await this.positions();
    const summary = await this.summary();
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
    this.requests.failAll(detail);
    this.openOrderReads.fail(detail);
    this.positionReads.fail(detail);
    this.failAcks(`the connection to IB dropped before IB answered: ${detail}`);
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
    this.answered(orderId, known);
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
    this.answered(orderId, known);
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
        this.settle(id, { kind: 'rejected', reason: 'unknown_order', message: `IB ${code}: ${message}` });
      return;
    }
    if (code === ORDER_CANCELLED) {
      known.status = known.filled > 0 || known.status !== 'ApiPending' ? 'Cancelled' : 'Cancelled';
      if (ack?.forCancel) this.settle(id, { kind: 'accepted', venueOrderId: String(id), time: this.clock() });
      else if (ack)
        this.settle(id, { kind: 'rejected', reason: 'rejected', message: `IB ${code}: ${message}` });
    } else {
      known.status = 'Inactive';
      known.why = `IB ${code}: ${message}`;
      if (ack) this.settle(id, { kind: 'rejected', reason: rejectReason(code, message), message: known.why });
    }
    known.time = this.clock();
    this.book.report(reportOf(known));
  }

  /** IB's first word on an order answers its submit (or modify); a cancel waits for the end. */
  private answered(orderId: number, known: KnownOrder): void {
    const ack = this.acks.get(orderId);
    if (!ack) return;
    if (ack.forCancel) {
      if (!isWorking(known))
        this.settle(orderId, { kind: 'accepted', venueOrderId: String(orderId), time: this.clock() });
      return;
    }
    if (known.status === 'Inactive')
      this.settle(orderId, {
        kind: 'rejected',
        reason: 'rejected',
        message: known.why ?? 'IB holds the order inactive',
      });
    else this.settle(orderId, { kind: 'accepted', venueOrderId: String(orderId), time: this.clock() });
  }

  private waitAck(orderId: number, forCancel: boolean, sentAt: number): Promise<VenueOutcome> {
    return new Promise((resolve) => {
      const timer = this.timers.setTimeout(
        () =>
          this.settle(orderId, { kind: 'unknown', message: `IB did not answer order ${orderId} in time` }),
        this.o.ackTimeoutMs ?? 5_000,
      );
      this.acks.set(orderId, {
        resolve: (outcome) => {
          this.latency = this.clock() - sentAt;
          resolve(outcome);
        },
        timer,
        forCancel,
      });
    });
  }

  private settle(orderId: number, outcome: VenueOutcome): void {
    const ack = this.acks.get(orderId);
    if (!ack) return;
    this.acks.delete(orderId);
    this.timers.clearTimeout(ack.timer);
    ack.resolve(outcome);
  }

  private failAcks(message: string): void {
    for (const id of [...this.acks.keys()]) this.settle(id, { kind: 'unknown', message });
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
    return this.place([{ request: order, placement: {} }]).then((outcomes) => outcomes[0] as VenueOutcome);
  }

  /** Parent, take-profit and stop: parentId set, the exits in one OCA group, transmit on the last only. */
  async submitBracket(bracket: VenueBracketRequest): Promise<VenueBracketOutcome> {
    const group = `braid-${bracket.entry.clientOrderId}`;
    const [entry, takeProfit, stopLoss] = (await this.place([
      { request: bracket.entry, placement: { transmit: false } },
      { request: bracket.takeProfit, placement: { transmit: false, ocaGroup: group, parentOf: 0 } },
      { request: bracket.stopLoss, placement: { transmit: true, ocaGroup: group, parentOf: 0 } },
    ])) as [VenueOutcome, VenueOutcome, VenueOutcome];
    // Never an entry without its stop, never exits without their entry: what IB took of a broken
    // bracket is cancelled (cancelling the parent cancels its children at IB).
    if (entry.kind === 'accepted' && stopLoss.kind === 'rejected') {
      const cancelled = await this.cancel({ clientOrderId: bracket.entry.clientOrderId });
      this.events.notice(
        'warning',
        'ib_bracket_stop_rejected',
        `IB rejected the stop-loss of ${bracket.entry.clientOrderId} (${stopLoss.message}): its entry is cancelled (${cancelled.kind})`,
      );
    } else if (entry.kind === 'rejected') {
      for (const [leg, outcome] of [
        [bracket.takeProfit, takeProfit],
        [bracket.stopLoss, stopLoss],
      ] as const) {
        if (outcome.kind === 'accepted') await this.cancel({ clientOrderId: leg.clientOrderId });
      }
    }
    return { entry, takeProfit, stopLoss };
  }

  /** Sends orders in sequence (a bracket's legs), then waits for IB's word on each. */
  private async place(
    legs: {
      request: IbOrderRequest;
      placement: { transmit?: boolean; ocaGroup?: string; parentOf?: number };
    }[],
  ): Promise<VenueOutcome[]> {
    const down = this.unavailable();
    if (down) return legs.map(() => down);
    for (const { request } of legs) {
      const problem = requestProblem(request);
      if (problem) return legs.map(() => ({ kind: 'rejected', reason: 'invalid_order', message: problem }));
      if (this.orders.byClient(request.clientOrderId))
        return legs.map(() => ({
          kind: 'rejected',
          reason: 'rejected',
          message: `client order id ${request.clientOrderId} was already sent to IB`,
        }));
    }
    const ids: number[] = [];
    const acks: Promise<VenueOutcome>[] = [];
    const now = this.clock();
    for (const { request, placement } of legs) {
      const orderId = this.ids.take();
      ids.push(orderId);
      const parentId = placement.parentOf !== undefined ? ids[placement.parentOf] : undefined;
      const full: IbOrderPlacement = {
        orderId,
        account: this.account,
        ...(parentId !== undefined ? { parentId } : {}),
        ...(placement.ocaGroup !== undefined ? { ocaGroup: placement.ocaGroup } : {}),
        ...(placement.transmit !== undefined ? { transmit: placement.transmit } : {}),
      };
      this.placements.set(orderId, full);
      this.orders.placing(orderId, request, now);
      acks.push(this.waitAck(orderId, false, this.clock()));
      const sent = await this.send((api) =>
        api.placeOrder(orderId, stockContract(request.symbol), ibOrder(request, full)),
      ).then(
        () => true,
        () => false,
      );
      if (!sent)
        this.settle(orderId, {
          kind: 'rejected',
          reason: 'venue_unavailable',
          message: 'not connected to IB Gateway',
        });
    }
    // Legs sent with transmit false wait at the gateway for the last: if IB refuses the last, they are
    // never transmitted, never answered, and are dropped.
    const last = await acks[acks.length - 1];
    if (legs.length > 1 && last?.kind === 'rejected') {
      for (const orderId of ids.slice(0, -1)) {
        const known = this.orders.byOrderId(orderId);
        if (known?.status !== 'ApiPending') continue;
        this.settle(orderId, {
          kind: 'rejected',
          reason: 'rejected',
          message: `never transmitted: IB refused the bracket's last order (${last.message})`,
        });
        known.status = 'Inactive';
        this.book.report(reportOf(known));
        await this.send((api) => api.cancelOrder(orderId)).catch(() => undefined);
      }
    }
    return Promise.all(acks);
  }

  /** In place: placeOrder again with the same orderId and the changed price or size. */
  async modify(
    ref: { clientOrderId: string; venueOrderId?: string },
    change: { quantity?: DecStr; price?: DecStr; stopPrice?: DecStr },
  ): Promise<VenueOutcome> {
    const down = this.unavailable();
    if (down) return down;
    const known = this.orders.find(ref);
    if (!known || !isWorking(known) || known.orderId <= 0)
      return {
        kind: 'rejected',
        reason: 'unknown_order',
        message: `no working IB order for ${ref.clientOrderId}`,
      };
    const request: IbOrderRequest = {
      clientOrderId: known.clientOrderId ?? ref.clientOrderId,
      symbol: known.symbol,
      side: known.side,
      type: known.type,
      quantity: change.quantity ?? known.quantity,
      ...((change.price ?? known.price) ? { price: change.price ?? known.price } : {}),
      ...((change.stopPrice ?? known.stopPrice) ? { stopPrice: change.stopPrice ?? known.stopPrice } : {}),
    };
    const placement = {
      ...(this.placements.get(known.orderId) ?? { orderId: known.orderId, account: this.account }),
      transmit: true,
    };
    const ack = this.waitAck(known.orderId, false, this.clock());
    try {
      await this.send((api) =>
        api.placeOrder(known.orderId, stockContract(known.symbol), ibOrder(request, placement)),
      );
    } catch {
      this.settle(known.orderId, {
        kind: 'rejected',
        reason: 'venue_unavailable',
        message: 'not connected to IB Gateway',
      });
    }
    const outcome = await ack;
    if (outcome.kind === 'accepted') {
      known.quantity = request.quantity;
      if (request.price) known.price = request.price;
      if (request.stopPrice) known.stopPrice = request.stopPrice;
    }
    return outcome;
  }

  async cancel(ref: { clientOrderId: string; venueOrderId?: string }): Promise<VenueOutcome> {
    const down = this.unavailable();
    if (down) return down;
    const known = this.orders.find(ref);
    if (!known || known.orderId <= 0)
      return { kind: 'rejected', reason: 'unknown_order', message: `no IB order for ${ref.clientOrderId}` };
    if (!isWorking(known)) {
      if (known.status === 'Cancelled' || known.status === 'ApiCancelled')
        return { kind: 'accepted', venueOrderId: String(known.orderId), time: this.clock() };
      return {
        kind: 'rejected',
        reason: 'unknown_order',
        message: `IB order ${known.orderId} is ${known.status}`,
      };
    }
    const ack = this.waitAck(known.orderId, true, this.clock());
    try {
      await this.send((api) => api.cancelOrder(known.orderId));
    } catch {
      this.settle(known.orderId, {
        kind: 'unknown',
        message: 'the connection to IB dropped while cancelling',
      });
    }
    return ack;
  }

  /** The kill switch: reqGlobalCancel cancels every open order of the account, however placed. */
  async cancelAll(): Promise<VenueOutcome> {
    const down = this.unavailable();
    if (down) return down;
    try {
      await this.send((api) => api.reqGlobalCancel());
    } catch {
      return { kind: 'unknown', message: 'the connection to IB dropped while sending reqGlobalCancel' };
    }
    return { kind: 'accepted', venueOrderId: '', time: this.clock() };
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  async instruments(): Promise<VenueRead<VenueInstrument[]>> {
    const out: VenueInstrument[] = [];
    for (const symbol of this.o.symbols ?? ['AAPL']) {
      const one = await this.instrument(symbol);
      if (!one.ok) return one;
      out.push(one.value);
    }
    return { ok: true, value: out };
  }

  /** One stock's contract details: minTick is the tick, the lot is one share. */
  async instrument(symbol: string): Promise<VenueRead<VenueInstrument>> {
    const cached = this.instrumentCache.get(symbol);
    if (cached) return { ok: true, value: cached };
    const read = await this.requests.read<ContractDetails>(`contract details for ${symbol}`, (id) =>
      this.send((api) => api.reqContractDetails(id, stockContract(symbol))),
    );
    if (!read.ok) return read;
    const details = read.value[0];
    if (!details) return { ok: false, message: `IB knows no US stock ${symbol}`, retryable: false };
    const tick = details.minTick !== undefined && !isUnset(details.minTick) ? decOf(details.minTick) : '0.01';
    const instrument: VenueInstrument = {
      symbol,
      venueSymbol: `${details.contract.symbol ?? symbol} STK ${details.contract.primaryExch || details.contract.exchange || 'SMART'}`,
      base: symbol,
      quote: details.contract.currency ?? 'USD',
      tick,
      lot: '1',
      minSize: '1',
      minNotional: null,
    };
    this.instrumentCache.set(symbol, instrument);
    return { ok: true, value: instrument };
  }

  async orderStatus(ref: {
    clientOrderId?: string;
    venueOrderId?: string;
  }): Promise<VenueRead<VenueOrderReport | null>> {
    let known = this.orders.find(ref);
    if (!known || isWorking(known)) {
      const open = await this.openOrders();
      if (!open.ok) return open;
      known = this.orders.find(ref);
    }
    return { ok: true, value: known ? reportOf(known) : null };
  }

  /** reqAllOpenOrders: this client's, other clients' and TWS's (external: no orderRef). */
  async openOrders(): Promise<VenueRead<VenueOrderReport[]>> {
    const read = await this.openOrderReads.read(() => this.send((api) => api.reqAllOpenOrders()));
    if (!read.ok) return read;
    const seen = new Set<KnownOrder>(read.value);
    this.endAbsent(seen);
    return { ok: true, value: [...seen].filter(isWorking).map(reportOf) };
  }

  /**
   * Braid's orders IB no longer lists as open have ended while their end was not heard (an outage, a
   * dropped socket): filled if their executions cover them, else cancelled. One still being placed
   * (no word from IB yet) is left alone.
   */
  private endAbsent(open: Set<KnownOrder>): void {
    for (const known of this.orders.all()) {
      if (open.has(known) || !isWorking(known) || known.orderId <= 0 || known.status === 'ApiPending')
        continue;
      if (this.acks.has(known.orderId) && !this.acks.get(known.orderId)?.forCancel) continue;
      known.status = known.filled >= Number(known.quantity) ? 'Filled' : 'Cancelled';
      known.time = this.clock();
      this.answered(known.orderId, known);
      this.book.report(reportOf(known));
    }
  }

  /** reqExecutions from a little before the cursor (IB keeps about a day; older is the journal's). */
  async fillsSince(cursor: FillCursor): Promise<VenueRead<VenueFill[]>> {
    const from = Math.max(0, cursor.since - (this.o.fillLookbackMs ?? 60_000));
    const read = await this.requests.read<VenueFill>('the executions', (id) =>
      this.send((api) =>
        api.reqExecutions(id, {
          acctCode: this.account,
          ...(from > 0 ? { time: executionFilterTime(from) } : {}),
        }),
      ),
    );
    if (!read.ok) return read;
    return { ok: true, value: read.value.filter((f) => f.time >= cursor.since) };
  }

  async positions(): Promise<VenueRead<VenuePositionReport[]>> {
    const read = await this.positionReads.read(() => this.send((api) => api.reqPositions()));
    if (!read.ok) return read;
    return { ok: true, value: read.value.filter((p) => dec(p.quantity).abs().gt(0)) };
  }

  private async summary(): Promise<VenueRead<SummaryRow[]>> {
    const read = await this.requests.read<SummaryRow>('the account summary', (id) =>
      this.send((api) =>
        api.reqAccountSummary(id, 'All', 'NetLiquidation,TotalCashValue,AvailableFunds,DayTradesRemaining'),
      ),
    );
    if (!read.ok) return read;
    this.lastSummary = read.value.filter((r) => r.account === this.account);
    return { ok: true, value: this.lastSummary };
  }

  private lastSummary: SummaryRow[] = [];

  /** IB's own day-trade count and the account's equity (an IB-only read for the Day trades region). */
  async accountSummary(): Promise<VenueRead<IbAccountSummary>> {
    const read = await this.summary();
    if (!read.ok) return read;
    const tag = (name: string) => read.value.find((r) => r.tag === name)?.value;
    const trades = Number(tag('DayTradesRemaining'));
    const equity = tag('NetLiquidation');
    return {
      ok: true,
      value: {
        // IB sends -1 where the rule does not apply (no limit).
        dayTradesRemaining:
          tag('DayTradesRemaining') !== undefined && Number.isFinite(trades) && trades >= 0 ? trades : null,
        equity:
          equity !== undefined && equity !== '' && Number.isFinite(Number(equity)) ? str(dec(equity)) : null,
      },
    };
  }

  async balances(): Promise<VenueRead<VenueBalance[]>> {
    const read = await this.summary();
    if (!read.ok) return read;
    const tag = (name: string) => read.value.find((r) => r.tag === name);
    const cash = tag('TotalCashValue');
    if (!cash) return { ok: true, value: [] };
    const free = tag('AvailableFunds')?.value ?? cash.value;
    return {
      ok: true,
      value: [{ asset: cash.currency || 'USD', total: str(dec(cash.value)), free: str(dec(free)) }],
    };
  }

  async massStatus(cursor: FillCursor): Promise<VenueRead<VenueMassStatus>> {
    const openOrders = await this.openOrders();
    if (!openOrders.ok) return openOrders;
    const fills = await this.fillsSince(cursor);
    if (!fills.ok) return fills;
    const positions = await this.positions();
    if (!positions.ok) return positions;
    const balances = await this.balances();
    if (!balances.ok) return balances;
    return {
      ok: true,
      value: {
        openOrders: openOrders.value,
        fills: fills.value,
        positions: positions.value,
        balances: balances.value,
        time: this.clock(),
      },
    };
  }

  ticker(symbol: string): Promise<VenueRead<VenueTicker>> {
    if (!this.link.api?.isConnected)
      return Promise.resolve({ ok: false, message: 'not connected to IB Gateway', retryable: true });
    return this.marketData.ticker(symbol);
  }

  /** reqHistoricalData (TRADES, all hours, epoch-second times). */
  async candles(symbol: string, intervalMinutes: number, since?: number): Promise<VenueRead<VenueCandle[]>> {
    const bar = BAR_SIZES[intervalMinutes];
    if (!bar) return { ok: false, message: `IB has no ${intervalMinutes}-minute bars`, retryable: false };
    const read = await this.requests.read<{
      time: string;
      open: number;
      high: number;
      low: number;
      close: number;
      volume: number;
    }>(`${symbol} bars`, (id) =>
      this.send((api) =>
        api.reqHistoricalData(
          id,
          stockContract(symbol),
          '',
          bar.duration,
          bar.size as never,
          'TRADES',
          0,
          2,
          false,
        ),
      ),
    );
    if (!read.ok) return read;
    const candles = read.value
      .map((b) => ({
        symbol,
        time: /^\d+$/.test(b.time) ? Number(b.time) * 1000 : Date.parse(b.time),
        open: decOf(b.open),
        high: decOf(b.high),
        low: decOf(b.low),
        close: decOf(b.close),
        volume: decOf(Math.max(0, b.volume)),
      }))
      .filter((c) => Number.isFinite(c.time) && (since === undefined || c.time >= since));
    return { ok: true, value: candles };
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

const BAR_SIZES: Record<number, { size: string; duration: string }> = {
  1: { size: '1 min', duration: '1 D' },
  5: { size: '5 mins', duration: '2 D' },
  15: { size: '15 mins', duration: '5 D' },
  30: { size: '30 mins', duration: '10 D' },
  60: { size: '1 hour', duration: '1 M' },
  1440: { size: '1 day', duration: '1 Y' },
};
