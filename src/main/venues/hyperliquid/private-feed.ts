// Hyperliquid's WebSocket for the account through ccxt pro (4.5.84 pro/hyperliquid.js): watchOrders
// subscribes `orderUpdates` and watchMyTrades `userFills` for the account's address on
// wss://api.hyperliquid.xyz/ws. Neither is signed (the address is all it takes), so the socket has a ccxt
// instance of its own, given the REST client's markets: it never sends a REST request.
//
// - "Up" is Hyperliquid's `subscriptionResponse` for both channels, seen on the wire (ccxt does not
//   surface it); "down" is the socket closing (ccxt rejects the watches), an `error` message, or no
//   acknowledgement in time. After down the feed reconnects with backoff until stop(); the adapter polls
//   REST meanwhile. Nothing missed is replayed: every up is the adapter's cue to reconcile over REST.
// - The userFills snapshot (`isSnapshot: true`, the latest fills) comes through watchMyTrades like any
//   push; the adapter books what is in its window (each tid once).
import { type Dictionary, ExchangeClosedByUser, type Market, type Order, pro, type Trade } from 'ccxt';
import { type BackoffPolicy, backoffDelay, type Timers } from '../backoff.ts';

/** ccxt pro's hyperliquid, with a look at every message before ccxt handles it. */
export class WatchedHyperliquid extends pro.hyperliquid {
  onWire: ((message: Record<string, unknown>) => void) | undefined;

  override handleMessage(
    client: Parameters<InstanceType<typeof pro.hyperliquid>['handleMessage']>[0],
    message: Record<string, unknown>,
  ): void {
    this.onWire?.(message);
    super.handleMessage(client, message);
  }
}

export type FeedState = 'connecting' | 'up' | 'down' | 'stopped';

export const FEED_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 30_000, jitter: 0.25 };

const CHANNELS = ['orderUpdates', 'userFills'] as const;

export interface PrivateFeedOptions {
  /** The socket (Hyperliquid's wss://api.hyperliquid.xyz/ws, a simulator's ws://…/ws). */
  url: string;
  /** The account whose orders and fills are pushed. */
  user: string;
  /** The REST client's markets (ccxt parses the pushes with them; no loadMarkets of its own). */
  markets: Dictionary<Market>;
  onOrders: (orders: Order[]) => void;
  onTrades: (trades: Trade[]) => void;
  /** Subscribed (again): pushes flow from now on. */
  onUp: () => void;
  /** Not subscribed any more (or the attempt failed): `wasUp` tells an outage from a failed retry. */
  onDown: (reason: string, wasUp: boolean) => void;
  timers: Timers;
  random: () => number;
  backoff: BackoffPolicy;
  /** How long Hyperliquid may take to acknowledge both subscriptions. */
  subscribeTimeoutMs: number;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A ccxt pro client for the socket alone: no key, no REST, Braid's markets. */
export async function socketClient(url: string, user: string, markets: Dictionary<Market>) {
  const ex = new WatchedHyperliquid({
    walletAddress: user,
    enableRateLimit: false,
    urls: { api: { ws: { public: url } } },
  });
  ex.setMarkets(markets);
  // ccxt refuses a plain ws:// socket until its http agent is loaded.
  if (url.startsWith('ws://')) await ex.loadHttpProxyAgent();
  return ex;
}

export class PrivateFeed {
  private readonly o: PrivateFeedOptions;
  private ex: WatchedHyperliquid | null = null;
  private stateNow: FeedState = 'down';
  /** Bumped by every failure and by stop(): callbacks of an older attempt do nothing. */
  private generation = 0;
  private failures = 0;
  private timer: unknown = null;
  private acked = new Set<string>();
  private subscribedCount = 0;

  constructor(options: PrivateFeedOptions) {
    this.o = options;
  }

  get state(): FeedState {
    return this.stateNow;
  }

  /** Times both subscriptions were acknowledged (the first and every one after a reconnect). */
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
    this.closeSocket();
  }

  private clearTimer(): void {
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private async attempt(generation: number): Promise<void> {
    if (generation !== this.generation || this.stateNow === 'stopped') return;
    this.stateNow = 'connecting';
    this.acked = new Set();
    let ex: WatchedHyperliquid;
    try {
      ex = await socketClient(this.o.url, this.o.user, this.o.markets);
    } catch (e) {
      return this.fail(generation, messageOf(e));
    }
    if (generation !== this.generation) {
      void ex.close().catch(() => undefined);
      return;
    }
    this.ex = ex;
    ex.onWire = (m) => this.wire(generation, m);
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = null;
      this.fail(generation, 'Hyperliquid did not acknowledge the orderUpdates and userFills subscriptions');
    }, this.o.subscribeTimeoutMs);
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

  private wire(generation: number, m: Record<string, unknown>): void {
    if (generation !== this.generation) return;
    if (m.channel === 'error') {
      this.fail(generation, `Hyperliquid refused a subscription: ${String(m.data)}`);
      return;
    }
    if (m.channel !== 'subscriptionResponse' || this.stateNow !== 'connecting') return;
    const data = m.data as { method?: unknown; subscription?: { type?: unknown } } | undefined;
    const type = data?.subscription?.type;
    if (data?.method !== 'subscribe' || typeof type !== 'string') return;
    this.acked.add(type);
    if (!CHANNELS.every((c) => this.acked.has(c))) return;
    this.clearTimer();
    this.stateNow = 'up';
    this.failures = 0;
    this.subscribedCount++;
    this.o.onUp();
  }

  /** Closes the socket, marked closed by Braid (ccxt then leaves its registry alone). */
  private closeSocket(): void {
    const ex = this.ex;
    this.ex = null;
    if (!ex) return;
    ex.onWire = undefined;
    const client = ex.clients?.[this.o.url];
    if (client) client.error = new ExchangeClosedByUser('Braid closed the Hyperliquid socket');
    try {
      void Promise.resolve(ex.close()).catch(() => undefined);
    } catch {
      // a socket that will not close is dropped all the same
    }
  }

  /** This attempt or connection is over: close what is left of it, say so, try again after a wait. */
  private fail(generation: number, reason: string): void {
    if (generation !== this.generation || this.stateNow === 'stopped') return;
    this.generation++;
    this.clearTimer();
    const wasUp = this.stateNow === 'up';
    this.stateNow = 'down';
    this.closeSocket();
    this.o.onDown(reason, wasUp);
    const wait = backoffDelay(this.o.backoff, this.failures++, this.o.random);
    const next = this.generation;
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = null;
      void this.attempt(next);
    }, wait);
  }
}
