// Kraken's private WebSocket, v2 (wss://ws-auth.kraken.com/v2), the `executions` channel: what ccxt 4.5.84's
// pro `kraken` speaks for watchOrders and watchMyTrades. A client connects, is greeted with a `status`
// message, subscribes with a token from REST GetWebSocketsToken, gets the acknowledgement, the snapshot
// (open orders unless snap_orders=false, the last 50 trades when snap_trades=true) and then an update for
// every order change and every trade, a heartbeat a second, and a pong for every ping.
//
// Pushes come from comparing the book with what was last published (the sim calls publish() after every
// request and every scripted event), so whatever moves an order (REST, a price, a manual fill, the
// dead-man switch) is pushed, in Kraken's order: pending_new, new, the trades, then filled / canceled /
// expired / amended. A trade's exec_id is its REST TradesHistory txid.
//
// Each execution travels in a message of its own, and the snapshot as one message per kind: ccxt routes a
// whole message by its first entry's exec_type (`trade` to myTrades, anything else to orders).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { dec, ZERO } from '../../../../src/shared/domain/decimal.ts';
import type { Book, Order, Trade } from './book.ts';
import type { Json } from './wire.ts';

/** Kraken's answer to a subscribe with a token that is unknown or past its 15 minutes. */
export const INVALID_SESSION = 'ESession:Invalid session';

export interface SimWsSession {
  id: number;
  /** Sim clock, ms. */
  openedAt: number;
  closedAt: number | null;
  /** When the executions subscription was acknowledged (sim clock), null while not subscribed. */
  subscribedAt: number | null;
  /** What the client sent, parsed. */
  received: Json[];
  /** What the sim sent, heartbeats included. */
  sent: Json[];
}

interface Session {
  view: SimWsSession;
  socket: WebSocket;
  sequence: number;
  heartbeat: ReturnType<typeof setInterval> | null;
}

interface Published {
  status: Order['status'];
  volExec: string;
  vol: string;
  price: string;
  price2: string;
}

export interface FeedOptions {
  book: Book;
  now: () => number;
  heartbeatMs: number;
  tokenTtlSeconds: number;
  maxRateCount: number;
}

const num = (d: { toString(): string }) => Number(d.toString());
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

/** Kraken v2's order_status for an order. */
function statusOf(o: Order): string {
  switch (o.status) {
    case 'pending':
      return 'pending_new';
    case 'open':
      return o.volExec.gt(0) ? 'partially_filled' : 'new';
    case 'closed':
      return 'filled';
    default:
      return o.status;
  }
}

const isStop = (o: Order) => o.ordertype !== 'market' && o.ordertype !== 'limit';

function ids(o: Order): Record<string, Json> {
  const out: Record<string, Json> = { order_id: o.txid, order_userref: o.userref ?? 0 };
  if (o.clOrdId !== null) out.cl_ord_id = o.clOrdId;
  return out;
}

function filled(o: Order): Record<string, Json> {
  const avg = o.volExec.gt(0) ? o.cost.div(o.volExec).round(10) : ZERO;
  return {
    cum_qty: num(o.volExec),
    cum_cost: num(o.cost),
    avg_price: num(avg),
    fee_usd_equiv: num(o.fee),
  };
}

/** The order's terms: the limit price (price2 for a stop-limit) and a stop's trigger. */
function terms(o: Order): Record<string, Json> {
  const out: Record<string, Json> = { order_qty: num(o.vol) };
  const limit = o.ordertype === 'limit' ? o.price : o.ordertype.endsWith('-limit') ? o.price2 : null;
  if (limit !== null) {
    out.limit_price = num(limit);
    out.limit_price_type = 'static';
  }
  if (isStop(o) && o.price !== null) {
    out.triggers = {
      reference: 'last',
      price: num(o.price),
      price_type: 'static',
      status: o.triggered ? 'triggered' : 'untriggered',
    };
  }
  return out;
}

/** The whole order, as pending_new and the snapshot carry it. */
function fullOrder(o: Order, execType: string, status: string, at: number): Record<string, Json> {
  const out: Record<string, Json> = {
    ...ids(o),
    exec_type: execType,
    order_status: status,
    symbol: o.pair.symbol,
    side: o.side,
    order_type: o.ordertype,
    time_in_force: o.timeinforce,
    ...terms(o),
    ...filled(o),
    fee_ccy_pref: o.oflags.includes('fcib') ? 'fcib' : 'fciq',
    timestamp: iso(at),
  };
  if (o.oflags.includes('post')) out.post_only = true;
  if (o.reduceOnly) out.reduce_only = true;
  return out;
}

function tradeExecution(t: Trade, o: Order | undefined): Record<string, Json> {
  const out: Record<string, Json> = {
    ...(o ? ids(o) : { order_id: t.ordertxid, order_userref: 0 }),
    exec_id: t.txid,
    exec_type: 'trade',
    trade_id: t.tradeId,
    symbol: t.pair.symbol,
    side: t.side,
    last_qty: num(t.vol),
    last_price: num(t.price),
    liquidity_ind: t.maker ? 'm' : 't',
    cost: num(t.cost),
    // Kraken: a trade event can say partially_filled even when it fills the whole order; a separate
    // `filled` update reports completion.
    order_status: o && (o.status === 'canceled' || o.status === 'expired') ? o.status : 'partially_filled',
    order_type: t.ordertype,
    fee_usd_equiv: num(t.fee),
    fees: [{ asset: t.pair.symbol.split('/')[1] ?? 'USD', qty: num(t.fee) }],
    timestamp: iso(t.time),
  };
  return out;
}

const published = (o: Order): Published => ({
  status: o.status,
  volExec: o.volExec.toString(),
  vol: o.vol.toString(),
  price: o.price?.toString() ?? '',
  price2: o.price2?.toString() ?? '',
});

export class PrivateFeed {
  private readonly o: FeedOptions;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions: Session[] = [];
  private readonly tokens = new Map<string, number>();
  private readonly last = new Map<string, Published>();
  private tradesPublished: number;
  private refusing = false;
  private nextId = 1;
  private connectionId = 1_000_000;

  constructor(o: FeedOptions) {
    this.o = o;
    this.tradesPublished = o.book.trades.length;
    for (const order of o.book.orders) this.last.set(order.txid, published(order));
  }

  /** GetWebSocketsToken's result: a token to subscribe with within `expires` seconds. */
  issueToken(): Json {
    const token = randomBytes(32).toString('base64');
    this.tokens.set(token, this.o.now());
    return { token, expires: this.o.tokenTtlSeconds };
  }

  /** While refusing, a WebSocket upgrade is answered 503 (the endpoint unreachable). */
  refuse(refusing: boolean): void {
    this.refusing = refusing;
  }

  /** Cuts every open socket as a network failure would (no close frame); how many were cut. */
  drop(): number {
    const open = this.sessions.filter((s) => s.view.closedAt === null);
    for (const s of open) s.socket.terminate();
    return open.length;
  }

  views(): SimWsSession[] {
    return this.sessions.map((s) => ({ ...s.view, received: [...s.view.received], sent: [...s.view.sent] }));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // The HTTP server hands the socket over with no error listener: a client that resets it (a refused
    // or dropped connection) must not become an uncaught ECONNRESET that fails the whole test run.
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/v2' || this.refusing) {
      const status = path !== '/v2' ? '404 Not Found' : '503 Service Unavailable';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws));
  }

  private open(socket: WebSocket): void {
    const session: Session = {
      view: {
        id: this.nextId++,
        openedAt: this.o.now(),
        closedAt: null,
        subscribedAt: null,
        received: [],
        sent: [],
      },
      socket,
      sequence: 0,
      heartbeat: null,
    };
    this.sessions.push(session);
    socket.on('message', (data) => this.receive(session, data.toString()));
    socket.on('close', () => this.closed(session));
    socket.on('error', () => this.closed(session));
    this.send(session, {
      channel: 'status',
      type: 'update',
      data: [{ version: '2.0.10', system: 'online', api_version: 'v2', connection_id: this.connectionId++ }],
    });
  }

  private closed(session: Session): void {
    if (session.view.closedAt === null) session.view.closedAt = this.o.now();
    session.view.subscribedAt = null;
    if (session.heartbeat) clearInterval(session.heartbeat);
    session.heartbeat = null;
  }

  private send(session: Session, message: Json): void {
    if (session.socket.readyState !== session.socket.OPEN) return;
    session.view.sent.push(message);
    session.socket.send(JSON.stringify(message));
  }

  private answer(
    session: Session,
    method: string,
    reqId: unknown,
    timeIn: string,
    outcome: { result: Json } | { error: string },
  ): void {
    const base: Record<string, Json> = { method };
    if (typeof reqId === 'number' || typeof reqId === 'string') base.req_id = reqId;
    const body =
      'error' in outcome
        ? { ...base, error: outcome.error, success: false }
        : { ...base, result: outcome.result, success: true };
    this.send(session, { ...body, time_in: timeIn, time_out: iso(this.o.now()) });
  }

  private receive(session: Session, raw: string): void {
    const timeIn = iso(this.o.now());
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      message = parsed as Record<string, unknown>;
    } catch {
      session.view.received.push(raw);
      this.send(session, { error: 'Malformed request', success: false, time_in: timeIn, time_out: timeIn });
      return;
    }
    session.view.received.push(message as Json);
    const method = message.method;
    const params = (message.params ?? {}) as Record<string, unknown>;
    if (method === 'ping') {
      const pong: Record<string, Json> = { method: 'pong', time_in: timeIn, time_out: iso(this.o.now()) };
      if (typeof message.req_id === 'number') pong.req_id = message.req_id;
      this.send(session, pong);
      return;
    }
    if (method !== 'subscribe' && method !== 'unsubscribe') {
      this.answer(session, String(method), message.req_id, timeIn, { error: 'EGeneral:Invalid arguments' });
      return;
    }
    if (params.channel !== 'executions') {
      this.answer(session, method, message.req_id, timeIn, { error: 'EGeneral:Invalid arguments' });
      return;
    }
    if (!this.tokenValid(params.token)) {
      this.answer(session, method, message.req_id, timeIn, { error: INVALID_SESSION });
      return;
    }
    if (method === 'unsubscribe') {
      session.view.subscribedAt = null;
      if (session.heartbeat) clearInterval(session.heartbeat);
      session.heartbeat = null;
      this.answer(session, method, message.req_id, timeIn, { result: { channel: 'executions' } });
      return;
    }
    if (session.view.subscribedAt !== null) {
      this.answer(session, method, message.req_id, timeIn, { error: 'Already subscribed' });
      return;
    }
    session.view.subscribedAt = this.o.now();
    this.answer(session, method, message.req_id, timeIn, {
      result: { channel: 'executions', maxratecount: this.o.maxRateCount, snapshot: true },
    });
    const at = this.o.now();
    if (params.snap_orders !== false) {
      const open = this.o.book.openOrders().map((o) => fullOrder(o, 'new', statusOf(o), at));
      this.execution(session, 'snapshot', open);
    }
    if (params.snap_trades === true) {
      const trades = this.o.book.trades
        .slice(-50)
        .map((t) => tradeExecution(t, this.o.book.order(t.ordertxid)));
      this.execution(session, 'snapshot', trades);
    }
    session.heartbeat = setInterval(() => this.send(session, { channel: 'heartbeat' }), this.o.heartbeatMs);
    session.heartbeat.unref();
  }

  /** Kraken: a token is good for subscribing within 15 minutes of its creation. */
  private tokenValid(token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const issued = this.tokens.get(token);
    return issued !== undefined && this.o.now() < issued + this.o.tokenTtlSeconds * 1000;
  }

  private execution(session: Session, type: 'snapshot' | 'update', data: Json[]): void {
    session.sequence += 1;
    this.send(session, { channel: 'executions', type, data, sequence: session.sequence });
  }

  /** Pushes what changed in the book since the last call to every subscribed socket. */
  publish(): void {
    const book = this.o.book;
    const at = this.o.now();
    const out: Json[] = [];
    for (const o of book.orders) {
      if (this.last.has(o.txid)) continue;
      // A new order: announced whole, then live; its fills and its end follow below.
      const fresh: Order = { ...o, volExec: ZERO, cost: ZERO, fee: ZERO, status: 'pending' };
      out.push(fullOrder(fresh, 'pending_new', 'pending_new', o.opentm));
      out.push({ ...ids(o), exec_type: 'new', order_status: 'new', timestamp: iso(o.opentm) });
      this.last.set(o.txid, { ...published(o), status: 'open', volExec: '0' });
    }
    for (const t of book.trades.slice(this.tradesPublished)) {
      const o = book.order(t.ordertxid);
      out.push(tradeExecution(t, o));
      const before = this.last.get(t.ordertxid);
      if (before) before.volExec = dec(before.volExec).plus(t.vol).toString();
    }
    this.tradesPublished = book.trades.length;
    for (const o of book.orders) {
      const before = this.last.get(o.txid);
      const now = published(o);
      if (!before || JSON.stringify(before) === JSON.stringify(now)) continue;
      this.last.set(o.txid, now);
      const ended = before.status !== o.status && o.status !== 'open' && o.status !== 'pending';
      if (ended && o.status === 'closed') {
        out.push({
          ...ids(o),
          exec_type: 'filled',
          order_status: 'filled',
          ...filled(o),
          timestamp: iso(at),
        });
      } else if (ended) {
        const reason = o.reason ?? 'User requested';
        out.push({
          ...ids(o),
          exec_type: o.status,
          order_status: o.status,
          ...filled(o),
          cancel_reason: reason,
          reason,
          timestamp: iso(o.closetm ?? at),
        });
      } else if (before.vol !== now.vol || before.price !== now.price || before.price2 !== now.price2) {
        out.push({
          ...ids(o),
          exec_type: 'amended',
          order_status: statusOf(o),
          ...terms(o),
          ...filled(o),
          amended: true,
          timestamp: iso(at),
        });
      }
    }
    if (out.length === 0) return;
    for (const s of this.sessions) {
      if (s.view.subscribedAt === null || s.view.closedAt !== null) continue;
      for (const entry of out) this.execution(s, 'update', [entry]);
    }
  }

  close(): Promise<void> {
    for (const s of this.sessions) {
      if (s.heartbeat) clearInterval(s.heartbeat);
      s.heartbeat = null;
      s.socket.terminate();
    }
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}
