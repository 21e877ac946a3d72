// A TWS API gateway (IB Gateway / TWS socket API) on 127.0.0.1 for tests that drive the REAL @stoqey/ib
// client (and Braid's IB adapter) against it. It speaks the wire of server version 193: the "API\0"
// hello with a length-prefixed version range, then 4-byte-length frames of NUL-terminated fields
// (sim/wire.ts); PLACE_ORDER is decoded field by field as @stoqey/ib 1.6.10 encodes it
// (sim/place-order.ts) and every answer is laid out as its decoder reads it (sim/outbound.ts).
// The broker's side (orders, fills, brackets, OCA, stops, trailing, positions) is sim/book.ts.
//
// Connecting: new IBApi({ host: '127.0.0.1', port: sim.port, clientId }) — always all three: @stoqey/ib
// reads .env and IB_* otherwise. After START_API the client gets managedAccounts, nextValidId, its
// open orders, and the farm notices 2104/2106/2158 (error messages with id -1: `info` in @stoqey/ib).
//
// Scripted faults: rejectNext (201 …), cancelByBroker (202), 103 on an id at or below one the client
// has used, 326 on a second client with a clientId in use (then the socket closes), connectivityLost /
// connectivityRestored (1100, then 1101 or 1102; while lost, order events, fills and ticks are not
// delivered, as LEAN saw: they must be asked for again), dropConnections, restartGateway (down, then
// back with a rolled-back nextValidId), fills while nobody is connected, commission reports held back,
// execDetails after the status, a late fill after a cancel (fill() on a Cancelled order).
//
// Worth knowing when writing an adapter against it (each as TWS does, as far as the sources say):
// - an order sent without `transmit` (the field empty) is held, like transmit=false: nothing is sent
//   back for a held order until a later leg of its bracket or OCA group is transmitted;
// - 326 comes as an error with id -1, so @stoqey/ib surfaces it as `info`, like 1100/1101/1102;
// - a fill's messages: execDetails, orderStatus, openOrder, orderStatus (a duplicate), then the
//   commissionReport; an OCA sibling ends Cancelled without a 202 (202 answers a cancel request);
// - bracket children work once the parent is completely filled (not on a partial fill);
// - permIds start above 2^31 (3000000001…), as 64-bit permIds do since server version 191.

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { Book, type BookEvent, type BookOrder, type Execution, execTime, isWorking } from './sim/book.ts';
import * as out from './sim/outbound.ts';
import { decodePlaceOrder } from './sim/place-order.ts';
import { DEFAULT_SUMMARY, longName, MSG, NO_CURRENCY, stockContract } from './sim/reference.ts';
import {
  accountSummaryRequest,
  contractRequest,
  executionFilter,
  intAfterVersion,
  marketDataRequest,
  sideMatches,
} from './sim/requests.ts';
import { type Field, frame, highestClientVersion, InboundReader } from './sim/wire.ts';

export interface IbSimOptions {
  accounts?: string[] /* default ['DU1234567'] */;
  nextValidId?: number /* default 1 */;
  prices?: Record<string, number> /* symbol -> last, default AAPL 190 */;
  /** The version the hello is answered with (default 193); the layouts are 193's whatever it says. */
  serverVersion?: number /* 193 */;
  /** The gateway's clock (connection time, execution times, reqCurrentTime); default the wall clock. */
  now?: () => Date;
}

export interface SimOrder {
  orderId: number;
  permId: number;
  clientId: number;
  orderRef: string;
  symbol: string;
  action: 'BUY' | 'SELL';
  orderType: string;
  totalQuantity: number;
  lmtPrice?: number;
  auxPrice?: number;
  trailingPercent?: number;
  /** A TRAIL's current stop: as placed, then as the book trails it. */
  trailStopPrice?: number;
  tif: string;
  outsideRth: boolean;
  parentId: number;
  ocaGroup: string;
  transmit: boolean;
  status: 'PendingSubmit' | 'PreSubmitted' | 'Submitted' | 'Filled' | 'Cancelled' | 'Inactive';
  filled: number;
  avgFillPrice: number;
}

export interface SimExecution {
  execId: string;
  orderId: number;
  permId: number;
  orderRef: string;
  symbol: string;
  side: 'BOT' | 'SLD';
  shares: number;
  price: number;
  time: string;
  commission: number;
}

export interface IbSimulator {
  readonly port: number;
  setPrice(symbol: string, price: number): void;
  fill(orderId: number, shares?: number, price?: number): void;
  cancelByBroker(orderId: number): void;
  rejectNext(code: number, text: string): void;
  orders(): SimOrder[];
  executions(): SimExecution[];
  placeOrderMessages(): Array<{ orderId: number; clientId: number }>;
  /**
   * Every inbound message, fields[0] being the message id as sent (so indices match IB's layouts);
   * `at` is its arrival (performance.now() ms), for pacing checks.
   */
  received(): Array<{ msgId: number; fields: string[]; at: number }>;
  setAccountSummary(values: Record<string, string>): void;
  setPosition(account: string, symbol: string, qty: number, avgCost: number): void;
  connectivityLost(): void;
  connectivityRestored(dataLost: boolean): void;
  dropConnections(): void;
  restartGateway(opts: { nextValidId: number; downUntil?: Promise<void> }): Promise<void>;
  delayCommissionReports(on: boolean): void;
  delayExecDetailsAfterStatus(on: boolean): void;
  clients(): number;
  close(): Promise<void>;
}

interface Session {
  socket: Socket;
  reader: InboundReader;
  clientId: number;
  ready: boolean;
  autoBind: boolean;
  marketDataType: number;
  ticks: Map<number, string>;
  summaries: Map<number, string[]>;
  positions: boolean;
}

class Gateway implements IbSimulator {
  port = 0;
  private readonly server: Server;
  private readonly sessions = new Set<Session>();
  private readonly book: Book;
  private readonly accounts: string[];
  private readonly serverVersion: number;
  private readonly now: () => Date;
  private reportedNextId: number;
  private readonly summary: Record<string, string> = { ...DEFAULT_SUMMARY };
  private pendingReject: { code: number; text: string } | undefined;
  private readonly placed: Array<{ orderId: number; clientId: number }> = [];
  private readonly inbound: Array<{ msgId: number; fields: string[]; at: number }> = [];
  private holdCommissions = false;
  private readonly heldCommissions: Execution[] = [];
  private execAfterStatus = false;
  private connectivityDown = false;
  private down = false;

  constructor(opts: IbSimOptions) {
    this.accounts = opts.accounts ?? ['DU1234567'];
    this.serverVersion = opts.serverVersion ?? 193;
    this.now = opts.now ?? (() => new Date());
    this.reportedNextId = opts.nextValidId ?? 1;
    this.book = new Book({
      prices: opts.prices ?? { AAPL: 190 },
      contracts: (symbol) => this.contractFor(symbol),
      now: () => this.now(),
    });
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  // ---- connections --------------------------------------------------------------------------

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    if (this.down) {
      socket.destroy();
      return;
    }
    const s: Session = {
      socket,
      reader: new InboundReader(),
      clientId: -1,
      ready: false,
      autoBind: false,
      marketDataType: 1,
      ticks: new Map(),
      summaries: new Map(),
      positions: false,
    };
    this.sessions.add(s);
    socket.on('data', (chunk: Buffer) => {
      for (const m of s.reader.push(chunk)) {
        if (m.kind === 'bad') socket.destroy();
        else if (m.kind === 'hello') this.hello(s, m.versions);
        else this.message(s, m.fields);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => this.sessions.delete(s));
  }

  private hello(s: Session, versions: string): void {
    if (highestClientVersion(versions) === undefined) {
      s.socket.destroy();
      return;
    }
    // Answered as configured, even outside the client's range: that is how a test shows a gateway
    // @stoqey/ib does not support ("Unsupported Version"). The layouts stay version 193's.
    this.write(s, [this.serverVersion, execTime(this.now())]);
  }

  private startApi(s: Session, clientId: number): void {
    for (const other of this.sessions) {
      if (other !== s && other.ready && !other.socket.destroyed && other.clientId === clientId) {
        this.write(
          s,
          out.errorMessage(
            -1,
            326,
            'Unable to connect as the client id is already in use. Retry with a unique client id.',
          ),
        );
        s.socket.end();
        return;
      }
    }
    s.clientId = clientId;
    s.ready = true;
    this.write(s, out.managedAccounts(this.accounts));
    this.write(s, out.nextValidId(this.nextId()));
    for (const o of this.book.orders()) {
      if (o.clientId === clientId && o.transmitted && isWorking(o)) this.sendOrder(s, o);
    }
    this.write(s, out.errorMessage(-1, 2104, 'Market data farm connection is OK:usfarm'));
    this.write(s, out.errorMessage(-1, 2106, 'HMDS data farm connection is OK:ushmds'));
    this.write(s, out.errorMessage(-1, 2158, 'Sec-def data farm connection is OK:secdefnj'));
  }

  private nextId(): number {
    return this.reportedNextId;
  }

  // ---- inbound ------------------------------------------------------------------------------

  private message(s: Session, fields: string[]): void {
    const msgId = Number.parseInt(fields[0] ?? '', 10);
    this.inbound.push({ msgId, fields, at: performance.now() });
    if (msgId === MSG.startApi) {
      // [71, version 2, clientId, optionalCapabilities]
      this.startApi(s, intAfterVersion(fields));
      return;
    }
    if (!s.ready) return;
    switch (msgId) {
      case MSG.placeOrder:
        this.placeOrder(s, fields);
        return;
      case MSG.cancelOrder:
        this.apply(this.book.cancelRequest(s.clientId, Number.parseInt(fields[1] ?? '', 10)), s);
        return;
      case MSG.reqOpenOrders:
        this.openOrders(s, (o) => o.clientId === s.clientId);
        return;
      case MSG.reqAllOpenOrders:
        this.openOrders(s, () => true);
        return;
      case MSG.reqAutoOpenOrders:
        // Binds TWS's own orders to client 0; other clients' requests are ignored here.
        if (s.clientId === 0) s.autoBind = fields[2] === '1';
        return;
      case MSG.reqGlobalCancel:
        this.apply(this.book.cancelAll(), s);
        return;
      case MSG.reqExecutions:
        this.reqExecutions(s, fields);
        return;
      case MSG.reqIds:
        this.write(s, out.nextValidId(this.nextId()));
        return;
      case MSG.reqCurrentTime:
        this.write(s, out.currentTime(Math.floor(this.now().getTime() / 1000)));
        return;
      case MSG.reqPositions:
        s.positions = true;
        for (const p of this.book.positionList()) this.sendPosition(s, p.account, p.symbol);
        this.write(s, out.positionEnd());
        return;
      case MSG.cancelPositions:
        s.positions = false;
        return;
      case MSG.reqAccountSummary:
        this.reqAccountSummary(s, fields);
        return;
      case MSG.cancelAccountSummary:
        s.summaries.delete(intAfterVersion(fields));
        return;
      case MSG.reqMarketDataType:
        s.marketDataType = intAfterVersion(fields) || 1;
        return;
      case MSG.reqMktData:
        this.reqMktData(s, fields);
        return;
      case MSG.cancelMktData:
        s.ticks.delete(intAfterVersion(fields));
        return;
      case MSG.reqContractDetails:
        this.reqContractDetails(s, fields);
        return;
      case MSG.reqCompletedOrders:
        this.write(s, [102]);
        return;
      default:
        return;
    }
  }

  private placeOrder(s: Session, fields: string[]): void {
    const decoded = decodePlaceOrder(fields);
    const orderId = Number.parseInt(fields[1] ?? '0', 10);
    this.placed.push({ orderId, clientId: s.clientId });
    if (!decoded.ok) {
      this.write(
        s,
        out.errorMessage(orderId, 320, `Error reading request. Message id ${orderId}. ${decoded.why}`),
      );
      return;
    }
    if (this.pendingReject) {
      const { code, text } = this.pendingReject;
      this.pendingReject = undefined;
      if (!this.book.order(s.clientId, orderId)) this.book.markUsed(s.clientId, orderId);
      this.write(s, out.errorMessage(orderId, code, text));
      return;
    }
    const events = this.book.place(s.clientId, decoded.value, this.accounts[0] ?? '');
    if (orderId >= this.reportedNextId && !events.some((e) => e.type === 'error' && e.code === 103)) {
      this.reportedNextId = orderId + 1;
    }
    this.apply(events, s);
  }

  private openOrders(s: Session, which: (o: BookOrder) => boolean): void {
    for (const o of this.book.orders()) if (o.transmitted && isWorking(o) && which(o)) this.sendOrder(s, o);
    this.write(s, out.openOrderEnd());
  }

  private reqExecutions(s: Session, fields: string[]): void {
    const f = executionFilter(fields);
    const matched: Execution[] = [];
    for (const e of this.book.executions()) {
      if (f.clientId !== 0 && e.clientId !== f.clientId) continue;
      if (f.account && e.account !== f.account) continue;
      if (f.since !== undefined && e.at.getTime() < f.since) continue;
      if (f.symbol && e.symbol !== f.symbol) continue;
      if (f.secType && f.secType !== 'STK') continue;
      if (f.side && !sideMatches(f.side, e.side)) continue;
      this.write(s, out.execDetails(this.execView(e, f.reqId)));
      matched.push(e);
    }
    this.write(s, out.execDetailsEnd(f.reqId));
    // Commission reports go to the client that placed the order (or client 0, the master here).
    for (const e of matched) if (e.clientId === s.clientId || s.clientId === 0) this.commission(s, e);
  }

  private reqAccountSummary(s: Session, fields: string[]): void {
    const { reqId, tags } = accountSummaryRequest(fields);
    s.summaries.set(reqId, tags);
    this.sendSummary(s, reqId, tags);
    this.write(s, out.accountSummaryEnd(reqId));
  }

  private sendSummary(s: Session, reqId: number, tags: readonly string[]): void {
    for (const account of this.accounts) {
      for (const tag of tags) {
        const value = this.summary[tag];
        if (value === undefined) continue;
        this.write(s, out.accountSummary(reqId, account, tag, value, NO_CURRENCY.has(tag) ? '' : 'USD'));
      }
    }
  }

  private reqMktData(s: Session, fields: string[]): void {
    const { reqId, symbol, secType, snapshot } = marketDataRequest(fields);
    if (secType !== 'STK' || this.book.mark(symbol) === undefined) {
      this.write(s, out.errorMessage(reqId, 200, 'No security definition has been found for the request'));
      return;
    }
    const delayed = s.marketDataType === 3 || s.marketDataType === 4;
    if (delayed) {
      this.write(
        s,
        out.errorMessage(
          reqId,
          10167,
          'Requested market data is not subscribed. Displaying delayed market data.',
        ),
      );
      this.write(s, out.marketDataType(reqId, s.marketDataType));
    }
    if (!snapshot) s.ticks.set(reqId, symbol);
    this.sendTicks(s, reqId, symbol);
    if (snapshot) this.write(s, out.tickSnapshotEnd(reqId));
  }

  private sendTicks(s: Session, reqId: number, symbol: string): void {
    const last = this.book.mark(symbol);
    if (last === undefined || this.connectivityDown) return;
    const delayed = s.marketDataType === 3 || s.marketDataType === 4;
    // BID 1, ASK 2, LAST 4 (their sizes follow from the decoder); delayed: 66, 67, 68.
    const [bid, ask, lastType] = delayed ? [66, 67, 68] : [1, 2, 4];
    this.write(s, out.tickPrice(reqId, bid, Number((last - 0.01).toFixed(2)), 300));
    this.write(s, out.tickPrice(reqId, ask, Number((last + 0.01).toFixed(2)), 200));
    this.write(s, out.tickPrice(reqId, lastType, last, 100));
  }

  private reqContractDetails(s: Session, fields: string[]): void {
    const { reqId, symbol, secType, currency } = contractRequest(fields);
    const contract = this.contractFor(symbol);
    if (!contract || (secType !== '' && secType !== 'STK') || (currency !== '' && currency !== 'USD')) {
      this.write(s, out.errorMessage(reqId, 200, 'No security definition has been found for the request'));
      return;
    }
    this.write(s, out.contractDetails(reqId, contract, 0.01, longName(symbol)));
    this.write(s, out.contractDetailsEnd(reqId));
  }

  private contractFor(symbol: string): out.StockContract | undefined {
    return stockContract(symbol, this.book.mark(symbol) !== undefined);
  }

  // ---- outbound -----------------------------------------------------------------------------

  private write(s: Session, fields: Field[]): void {
    if (!s.socket.destroyed && s.socket.writable) s.socket.write(frame(fields));
  }

  /**
   * Sessions told about an order: the client that placed it. (TWS's own orders carry clientId 0, so
   * client 0 bound with reqAutoOpenOrders(true) hears of them by the same rule.)
   */
  private owners(clientId: number): Session[] {
    if (this.connectivityDown) return [];
    return [...this.sessions].filter((s) => s.ready && s.clientId === clientId);
  }

  private sendOrder(s: Session, o: BookOrder): void {
    this.write(s, out.openOrder(o));
    this.write(s, out.orderStatus(o));
  }

  private sendPosition(s: Session, account: string, symbol: string): void {
    const c = this.contractFor(symbol);
    const p = this.book.positionList().find((x) => x.account === account && x.symbol === symbol);
    if (!c || !p) return;
    this.write(s, out.position(account, c, p.position.qty, p.position.avgCost));
  }

  private execView(e: Execution, reqId: number): out.ExecView {
    const contract = this.contractFor(e.symbol) ?? {
      conId: 0,
      symbol: e.symbol,
      exchange: 'SMART',
      primaryExch: 'NYSE',
      currency: 'USD',
    };
    return { ...e, reqId, contract };
  }

  private commission(s: Session, e: Execution): void {
    if (this.holdCommissions) {
      if (!this.heldCommissions.includes(e)) this.heldCommissions.push(e);
      return;
    }
    this.write(s, out.commissionReport(e.execId, e.commission, 'USD'));
  }

  /** Turns the book's changes into messages for the clients that should hear of them. */
  private apply(events: BookEvent[], requester?: Session): void {
    for (const e of events) {
      if (e.type === 'error') {
        if (requester) this.write(requester, out.errorMessage(e.id, e.code, e.text));
        continue;
      }
      if (e.type === 'position') {
        for (const s of this.sessions)
          if (s.ready && s.positions && !this.connectivityDown) this.sendPosition(s, e.account, e.symbol);
        continue;
      }
      const targets = this.owners(e.order.clientId);
      for (const s of targets) {
        if (e.type === 'order') this.sendOrder(s, e.order);
        else if (e.type === 'cancelled') {
          if (e.notice) this.write(s, out.errorMessage(e.order.orderId, 202, 'Order Canceled - reason:'));
          this.sendOrder(s, e.order);
        } else {
          const exec = out.execDetails(this.execView(e.exec, -1));
          if (!this.execAfterStatus) this.write(s, exec);
          // IB repeats the status: a client must take duplicates in its stride.
          this.write(s, out.orderStatus(e.order));
          this.sendOrder(s, e.order);
          if (this.execAfterStatus) this.write(s, exec);
          this.commission(s, e.exec);
        }
      }
    }
  }

  // ---- scripted controls --------------------------------------------------------------------

  setPrice(symbol: string, price: number): void {
    this.apply(this.book.setPrice(symbol, price));
    for (const s of this.sessions) {
      for (const [reqId, sym] of s.ticks) if (sym === symbol) this.sendTicks(s, reqId, symbol);
    }
  }

  fill(orderId: number, shares?: number, price?: number): void {
    const o = this.book.findById(orderId);
    if (o) this.apply(this.book.fill(o, shares, price));
  }

  cancelByBroker(orderId: number): void {
    const o = this.book.findById(orderId);
    if (o) this.apply(this.book.cancel(o, true));
  }

  rejectNext(code: number, text: string): void {
    this.pendingReject = { code, text };
  }

  orders(): SimOrder[] {
    return this.book.orders().map((o) => ({
      orderId: o.orderId,
      permId: o.permId,
      clientId: o.clientId,
      orderRef: o.orderRef,
      symbol: o.symbol,
      action: o.action,
      orderType: o.orderType,
      totalQuantity: o.totalQuantity,
      lmtPrice: o.lmtPrice,
      auxPrice: o.auxPrice,
      trailingPercent: o.trailingPercent,
      trailStopPrice: o.trailStopPrice,
      tif: o.tif,
      outsideRth: o.outsideRth,
      parentId: o.parentId,
      ocaGroup: o.ocaGroup,
      transmit: o.transmit,
      status: o.status,
      filled: o.filled,
      avgFillPrice: o.avgFillPrice,
    }));
  }

  executions(): SimExecution[] {
    return this.book.executions().map((e) => ({
      execId: e.execId,
      orderId: e.orderId,
      permId: e.permId,
      orderRef: e.orderRef,
      symbol: e.symbol,
      side: e.side,
      shares: e.shares,
      price: e.price,
      time: e.time,
      commission: e.commission,
    }));
  }

  placeOrderMessages(): Array<{ orderId: number; clientId: number }> {
    return [...this.placed];
  }

  received(): Array<{ msgId: number; fields: string[]; at: number }> {
    return this.inbound.map((m) => ({ msgId: m.msgId, fields: [...m.fields], at: m.at }));
  }

  setAccountSummary(values: Record<string, string>): void {
    Object.assign(this.summary, values);
    const tags = Object.keys(values);
    for (const s of this.sessions) {
      for (const [reqId, wanted] of s.summaries)
        this.sendSummary(
          s,
          reqId,
          tags.filter((t) => wanted.includes(t)),
        );
    }
  }

  setPosition(account: string, symbol: string, qty: number, avgCost: number): void {
    this.apply(this.book.setPosition(account, symbol, qty, avgCost));
  }

  connectivityLost(): void {
    this.connectivityDown = true;
    this.broadcastInfo(1100, 'Connectivity between IB and Trader Workstation has been lost.');
  }

  connectivityRestored(dataLost: boolean): void {
    this.connectivityDown = false;
    if (dataLost) {
      for (const s of this.sessions) s.ticks.clear();
      this.broadcastInfo(
        1101,
        'Connectivity between IB and Trader Workstation has been restored - data lost.',
      );
    } else {
      this.broadcastInfo(
        1102,
        'Connectivity between IB and Trader Workstation has been restored - data maintained.',
      );
    }
  }

  private broadcastInfo(code: number, text: string): void {
    for (const s of this.sessions) if (s.ready) this.write(s, out.errorMessage(-1, code, text));
  }

  dropConnections(): void {
    for (const s of this.sessions) s.socket.destroy();
    this.sessions.clear();
  }

  async restartGateway(opts: { nextValidId: number; downUntil?: Promise<void> }): Promise<void> {
    this.down = true;
    this.dropConnections();
    this.connectivityDown = false;
    if (opts.downUntil) await opts.downUntil;
    this.reportedNextId = opts.nextValidId;
    this.down = false;
  }

  delayCommissionReports(on: boolean): void {
    this.holdCommissions = on;
    if (on) return;
    const held = this.heldCommissions.splice(0);
    for (const e of held) for (const s of this.owners(e.clientId)) this.commission(s, e);
  }

  delayExecDetailsAfterStatus(on: boolean): void {
    this.execAfterStatus = on;
  }

  clients(): number {
    let n = 0;
    for (const s of this.sessions) if (s.ready && !s.socket.destroyed) n++;
    return n;
  }

  close(): Promise<void> {
    this.dropConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export async function startIbSimulator(opts: IbSimOptions = {}): Promise<IbSimulator> {
  const gateway = new Gateway(opts);
  await gateway.listen();
  return gateway;
}
