// Kraken's private WebSocket through ccxt pro: the v2 `executions` channel that ccxt 4.5.84's watchOrders
// and watchMyTrades subscribe to (wss://ws-auth.kraken.com/v2). It pushes every order change and every
// trade as it happens, where REST polling on a starter or intermediate key can only afford to ask every
// few seconds.
//
// - The token comes from REST GetWebSocketsToken, fetched by the adapter through its private lane (the
//   key's one nonce sequence, its call budget) and handed to ccxt, so ccxt never signs a request of its
//   own. A fresh token for every connection (Kraken: tokens are short-lived; a used one lives on only
//   while its connection does).
// - "Up" is Kraken's acknowledgement of the subscription, seen on the wire (ccxt does not surface it);
//   "down" is the socket closing, a refused subscription, or no acknowledgement in time. After down the
//   feed reconnects with backoff until stop(); the adapter polls REST meanwhile.
import { ExchangeClosedByUser, type Order, pro, type Trade } from 'ccxt';
import { type BackoffPolicy, backoffDelay, type Timers } from '../backoff.ts';

/** ccxt pro's kraken, with a look at every message before ccxt handles it. */
export class WatchedKraken extends pro.kraken {
  onWire: ((message: Record<string, unknown>) => void) | undefined;

  override handleMessage(
    client: Parameters<InstanceType<typeof pro.kraken>['handleMessage']>[0],
    message: Record<string, unknown>,
  ): void {
    this.onWire?.(message);
    super.handleMessage(client, message);
  }
}

export type FeedState = 'connecting' | 'up' | 'down' | 'stopped';

export type TokenRead = { ok: true; token: string; expires: number } | { ok: false; message: string };

export interface PrivateFeedOptions {
  exchange: WatchedKraken;
  /** The v2 private endpoint (ccxt's urls.api.ws.privateV2). */
  url: string;
  /** GetWebSocketsToken, through the adapter's lane. */
  token: () => Promise<TokenRead>;
  onOrders: (orders: Order[]) => void;
  onTrades: (trades: Trade[]) => void;
  /** Subscribed (again): pushes flow from now on. */
  onUp: () => void;
  /** Not subscribed any more (or the attempt failed): `wasUp` tells an outage from a failed retry. */
  onDown: (reason: string, wasUp: boolean) => void;
  timers: Timers;
  random: () => number;
  backoff: BackoffPolicy;
  /** How long Kraken may take to acknowledge the subscription. */
  subscribeTimeoutMs: number;
}

export const FEED_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 30_000, jitter: 0.25 };

/** Kraken's public socket hosts and their private (authenticated) twins. */
const PRIVATE_HOSTS: Record<string, string> = {
  'ws.kraken.com': 'ws-auth.kraken.com',
  'beta-ws.kraken.com': 'beta-ws-auth.kraken.com',
};

/**
 * The v2 private endpoint for a configured WebSocket url. Config names Kraken's socket as
 * `wss://ws.kraken.com/v2` (the public host); executions are served only by its `ws-auth` twin. A url
 * without a path gets v2's `/v2` (ccxt 4.5.84 speaks v2 only). Any other host (a simulator) is kept.
 */
export function privateFeedUrl(wsUrl: string): string {
  let url: URL;
  try {
    url = new URL(wsUrl);
  } catch {
    return wsUrl;
  }
  const host = PRIVATE_HOSTS[url.hostname];
  if (host) url.hostname = host;
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/v2';
  return url.toString();
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class PrivateFeed {
  private readonly o: PrivateFeedOptions;
  private stateNow: FeedState = 'down';
  /** Bumped by every failure and by stop(): callbacks of an older attempt do nothing. */
  private generation = 0;
  private failures = 0;
  private timer: unknown = null;
  private subscribedCount = 0;

  constructor(options: PrivateFeedOptions) {
    this.o = options;
    options.exchange.onWire = (m) => this.wire(m);
  }

  get state(): FeedState {
    return this.stateNow;
  }

  /** Subscriptions Kraken acknowledged so far (the first and every resubscription). */
  get subscriptions(): number {
    return this.subscribedCount;
  }

  start(): void {
    if (this.stateNow === 'stopped') return;
    void this.attempt(this.generation);
  }

  stop(): void {
    this.stateNow = 'stopped';
    this.generation++;
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private async attempt(generation: number): Promise<void> {
    if (generation !== this.generation || this.stateNow === 'stopped') return;
    this.stateNow = 'connecting';
    const token = await this.o.token();
    if (generation !== this.generation) return;
    if (!token.ok) return this.fail(generation, `no WebSocket token: ${token.message}`);
    const ex = this.o.exchange;
    // ccxt's authenticate() reads the token it cached on the `private` client: put ours there, so it
    // sends no GetWebSocketsToken of its own (that one would bypass the lane's nonce order).
    const holder = ex.client(String((ex.urls.api as { ws: { private: string } }).ws.private));
    holder.subscriptions.authenticated = { token: token.token, expires: token.expires, start: ex.seconds() };
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = null;
      this.fail(generation, 'Kraken did not acknowledge the executions subscription');
    }, this.o.subscribeTimeoutMs);
    // watchOrders first: its subscription (snap_orders) is the one sent; watchMyTrades shares it.
    void this.watch(generation, () => ex.watchOrders(), this.o.onOrders);
    void this.watch(generation, () => ex.watchMyTrades(), this.o.onTrades);
  }

  private async watch<T>(generation: number, next: () => Promise<T[]>, deliver: (xs: T[]) => void) {
    for (;;) {
      let got: T[];
      try {
        got = await next();
      } catch (e) {
        this.fail(generation, messageOf(e));
        return;
      }
      if (generation !== this.generation) return;
      try {
        deliver(got);
      } catch {
        // the adapter's handling is its own; the feed goes on
      }
    }
  }

  private wire(m: Record<string, unknown>): void {
    if (m.method !== 'subscribe' || this.stateNow !== 'connecting') return;
    const result = m.result as { channel?: unknown } | undefined;
    if (m.success === true && result?.channel === 'executions') {
      this.clearTimer();
      this.stateNow = 'up';
      this.failures = 0;
      this.subscribedCount++;
      this.o.onUp();
    } else if (m.success === false) {
      this.fail(this.generation, `Kraken refused the executions subscription: ${String(m.error)}`);
    }
  }

  /** This attempt or connection is over: close what is left of it, say so, try again after a wait. */
  private fail(generation: number, reason: string): void {
    if (generation !== this.generation || this.stateNow === 'stopped') return;
    this.generation++;
    this.clearTimer();
    const wasUp = this.stateNow === 'up';
    this.stateNow = 'down';
    const ex = this.o.exchange;
    const client = ex.clients?.[this.o.url];
    if (client) {
      // Marked closed by us: ccxt's close handler then leaves its registry alone, where the next
      // attempt's client may already sit under the same url.
      client.error = new ExchangeClosedByUser('Braid closed the Kraken executions socket');
      delete ex.clients[this.o.url];
      try {
        void Promise.resolve(client.close()).catch(() => undefined);
      } catch {
        // a socket that will not close is dropped all the same
      }
    }
    this.o.onDown(reason, wasUp);
    const wait = backoffDelay(this.o.backoff, this.failures++, this.o.random);
    const next = this.generation;
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = null;
      void this.attempt(next);
    }, wait);
  }
}
