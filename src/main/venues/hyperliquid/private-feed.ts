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
import { type Dictionary, ExchangeClosedByUser, type Market, pro } from 'ccxt';
import { WatchedFeed, type WatchedFeedOptions } from '../watched-feed.ts';

export { FEED_BACKOFF, type FeedState } from '../watched-feed.ts';

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

const CHANNELS = ['orderUpdates', 'userFills'] as const;

export interface PrivateFeedOptions extends WatchedFeedOptions {
  /** The socket (Hyperliquid's wss://api.hyperliquid.xyz/ws, a simulator's ws://…/ws). */
  url: string;
  /** The account whose orders and fills are pushed. */
  user: string;
  /** The REST client's markets (ccxt parses the pushes with them; no loadMarkets of its own). */
  markets: Dictionary<Market>;
}

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

export class PrivateFeed extends WatchedFeed<PrivateFeedOptions> {
  private ex: WatchedHyperliquid | null = null;
  private acked = new Set<string>();

  protected async open(generation: number): Promise<void> {
    this.acked = new Set();
    const ex = await socketClient(this.o.url, this.o.user, this.o.markets);
    if (generation !== this.generation) {
      void ex.close().catch(() => undefined);
      return;
    }
    this.ex = ex;
    ex.onWire = (m) => this.wire(generation, m);
    this.awaitAck(generation, 'Hyperliquid did not acknowledge the orderUpdates and userFills subscriptions');
    void this.watch(generation, () => ex.watchOrders(), this.o.onOrders);
    void this.watch(generation, () => ex.watchMyTrades(), this.o.onTrades);
  }

  private wire(generation: number, m: Record<string, unknown>): void {
    if (generation !== this.generation) return;
    if (m.channel === 'error') {
      this.fail(generation, `Hyperliquid refused a subscription: ${String(m.data)}`);
      return;
    }
    if (m.channel !== 'subscriptionResponse' || !this.connecting) return;
    const data = m.data as { method?: unknown; subscription?: { type?: unknown } } | undefined;
    const type = data?.subscription?.type;
    if (data?.method !== 'subscribe' || typeof type !== 'string') return;
    this.acked.add(type);
    if (CHANNELS.every((c) => this.acked.has(c))) this.acknowledged();
  }

  protected closeSocket(): void {
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
}
