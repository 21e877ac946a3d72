// Hyperliquid's WebSocket (wss://api.hyperliquid.xyz/ws) for one account: what ccxt 4.5.84's pro
// `hyperliquid` speaks for watchOrders and watchMyTrades. A client sends
// `{"method":"subscribe","subscription":{"type":"orderUpdates"|"userFills","user":ADDR}}` and gets a
// `subscriptionResponse` echoing it; `userFills` then sends a snapshot of the latest fills
// (`isSnapshot: true`), and from then on every fill and every order status change is pushed:
//   {"channel":"orderUpdates","data":[{"order":{coin,side,limitPx,sz,oid,timestamp,origSz,cloid?},
//                                      "status","statusTimestamp"}]}
//   {"channel":"userFills","data":{"user","fills":[{coin,px,sz,side,time,startPosition,dir,closedPnl,
//                                  hash,oid,crossed,fee,tid,feeToken,cloid?}]}}
// `{"method":"ping"}` is answered `{"channel":"pong"}`; anything unreadable on the `error` channel.
// Nothing missed while a client was away is replayed (beyond the fills snapshot), as on Hyperliquid.
//
// Pushes come from comparing the account with what was last published: the simulator calls publish()
// after every request and every scripted event, so whatever moves an order (REST, a price, a manual
// fill, the dead-man switch) is pushed from the same state /info answers from. An order is pushed when
// first seen and whenever its status changes (a partial fill changes no status: its fill is pushed).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Account, Fill, Order } from './account.ts';
import type { Wire } from './signing.ts';

/** Fills a userFills snapshot carries at most (Hyperliquid's is the latest few). */
export const SNAPSHOT_FILLS = 100;

export interface SimWsSession {
  id: number;
  /** Sim clock, ms. */
  openedAt: number;
  closedAt: number | null;
  /** `orderUpdates:0xabc…`, `userFills:0xabc…` as acknowledged. */
  subscriptions: string[];
  /** What the client sent, parsed. */
  received: unknown[];
  /** What the sim sent. */
  sent: Wire[];
}

interface Session {
  view: SimWsSession;
  socket: WebSocket;
}

export interface AccountFeedOptions {
  account: Account;
  /** The account's address (lowercase). */
  user: string;
  now: () => number;
  /** An order as orderStatus shows it (`{order, status, statusTimestamp}`). */
  orderWire: (o: Order) => Wire;
  /** A fill as userFills shows it. */
  fillWire: (f: Fill) => Wire;
  /** Fills the snapshot carries at most (0: an empty snapshot, so only REST can tell what was missed). */
  snapshotFills?: number;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const BASIC = ['coin', 'side', 'limitPx', 'sz', 'oid', 'timestamp', 'origSz', 'cloid'];

export class AccountFeed {
  private readonly o: AccountFeedOptions;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions: Session[] = [];
  private nextId = 1;
  private refusing = false;
  /** Each oid's status as last published. */
  private readonly published = new Map<number, string>();
  private fillsPublished = 0;

  constructor(options: AccountFeedOptions) {
    this.o = options;
    this.wss.on('error', () => undefined);
    // Whatever the account holds at start is not news.
    for (const order of options.account.orders) this.published.set(order.oid, order.status);
    this.fillsPublished = options.account.fills.length;
  }

  /** While refusing, an upgrade is answered 503 (the endpoint unreachable). */
  refuse(refusing: boolean): void {
    this.refusing = refusing;
  }

  /**
   * Ends every open socket: `close` with a close frame (Hyperliquid restarting), `reset` by destroying
   * it (no close frame, a network failure). How many were ended.
   */
  drop(how: 'close' | 'reset' = 'reset'): number {
    const open = this.sessions.filter((s) => s.view.closedAt === null);
    for (const s of open) {
      if (how === 'close') s.socket.close(1012, 'restarting');
      else s.socket.terminate();
    }
    return open.length;
  }

  views(): SimWsSession[] {
    return this.sessions.map((s) => ({ ...s.view, subscriptions: [...s.view.subscriptions] }));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const status = path !== '/ws' ? '404 Not Found' : this.refusing ? '503 Service Unavailable' : null;
    if (status) {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws));
  }

  private open(socket: WebSocket): void {
    const session: Session = {
      socket,
      view: {
        id: this.nextId++,
        openedAt: this.o.now(),
        closedAt: null,
        subscriptions: [],
        received: [],
        sent: [],
      },
    };
    this.sessions.push(session);
    socket.on('error', () => this.closed(session));
    socket.on('close', () => this.closed(session));
    socket.on('message', (data) => this.message(session, String(data)));
  }

  private closed(session: Session): void {
    if (session.view.closedAt === null) session.view.closedAt = this.o.now();
  }

  private send(session: Session, message: Wire): void {
    if (session.view.closedAt !== null || session.socket.readyState !== session.socket.OPEN) return;
    session.view.sent.push(message);
    session.socket.send(JSON.stringify(message));
  }

  private message(session: Session, text: string): void {
    let m: unknown;
    try {
      m = JSON.parse(text);
    } catch {
      m = undefined;
    }
    session.view.received.push(m ?? text);
    const refuse = () =>
      this.send(session, {
        channel: 'error',
        data: `Error parsing JSON into valid websocket request: ${text}`,
      });
    if (isObj(m) && m.method === 'ping') {
      this.send(session, { channel: 'pong' });
      return;
    }
    const sub = isObj(m) ? m.subscription : undefined;
    const readable =
      isObj(m) &&
      m.method === 'subscribe' &&
      isObj(sub) &&
      typeof sub.user === 'string' &&
      (sub.type === 'orderUpdates' || sub.type === 'userFills');
    if (!readable || !isObj(sub)) {
      refuse();
      return;
    }
    const key = `${String(sub.type)}:${String(sub.user).toLowerCase()}`;
    if (session.view.subscriptions.includes(key)) {
      this.send(session, { channel: 'error', data: `Already subscribed: ${JSON.stringify(sub)}` });
      return;
    }
    session.view.subscriptions.push(key);
    this.send(session, {
      channel: 'subscriptionResponse',
      data: { method: 'subscribe', subscription: sub as Wire },
    });
    if (sub.type === 'userFills') {
      const mine = String(sub.user).toLowerCase() === this.o.user;
      const all = this.o.account.fills;
      const from = Math.max(0, all.length - (this.o.snapshotFills ?? SNAPSHOT_FILLS));
      const fills = mine ? all.slice(from).map(this.o.fillWire) : [];
      this.send(session, { channel: 'userFills', data: { isSnapshot: true, user: String(sub.user), fills } });
    }
  }

  /** Pushes what changed in the account since the last publish: order updates, then fills. */
  publish(): void {
    const { account, user } = this.o;
    const orders: Wire[] = [];
    for (const order of account.orders) {
      if (this.published.get(order.oid) === order.status) continue;
      this.published.set(order.oid, order.status);
      orders.push(this.wsOrder(order));
    }
    const fills = account.fills.slice(this.fillsPublished).map(this.o.fillWire);
    this.fillsPublished = account.fills.length;
    for (const s of this.sessions) {
      if (orders.length > 0 && s.view.subscriptions.includes(`orderUpdates:${user}`))
        this.send(s, { channel: 'orderUpdates', data: orders });
      if (fills.length > 0 && s.view.subscriptions.includes(`userFills:${user}`))
        this.send(s, { channel: 'userFills', data: { user, fills } });
    }
  }

  /** orderStatus's entry with its order cut to what the socket carries (WsBasicOrder). */
  private wsOrder(order: Order): Wire {
    const full = this.o.orderWire(order) as Obj;
    const inner = isObj(full.order) ? full.order : {};
    const basic: Record<string, Wire> = {};
    for (const k of BASIC) if (inner[k] !== undefined && inner[k] !== null) basic[k] = inner[k] as Wire;
    return { order: basic, status: full.status as Wire, statusTimestamp: full.statusTimestamp as Wire };
  }

  async close(): Promise<void> {
    for (const s of this.sessions) if (s.view.closedAt === null) s.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
