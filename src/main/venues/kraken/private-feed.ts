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
import { ExchangeClosedByUser, pro } from 'ccxt';
import { WatchedFeed, type WatchedFeedOptions } from '../watched-feed.ts';

export { FEED_BACKOFF, type FeedState } from '../watched-feed.ts';

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

export type TokenRead = { ok: true; token: string; expires: number } | { ok: false; message: string };

export interface PrivateFeedOptions extends WatchedFeedOptions {
  exchange: WatchedKraken;
  /** The v2 private endpoint (ccxt's urls.api.ws.privateV2). */
  url: string;
  /** GetWebSocketsToken, through the adapter's lane. */
  token: () => Promise<TokenRead>;
}

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

export class PrivateFeed extends WatchedFeed<PrivateFeedOptions> {
  constructor(options: PrivateFeedOptions) {
    super(options);
    options.exchange.onWire = (m) => this.wire(m);
  }

  protected async open(generation: number): Promise<void> {
    const token = await this.o.token();
    if (generation !== this.generation) return;
    if (!token.ok) return this.fail(generation, `no WebSocket token: ${token.message}`);
    const ex = this.o.exchange;
    // ccxt's authenticate() reads the token it cached on the `private` client: put ours there, so it
    // sends no GetWebSocketsToken of its own (that one would bypass the lane's nonce order).
    const holder = ex.client(String((ex.urls.api as { ws: { private: string } }).ws.private));
    holder.subscriptions.authenticated = { token: token.token, expires: token.expires, start: ex.seconds() };
    this.awaitAck(generation, 'Kraken did not acknowledge the executions subscription');
    // watchOrders first: its subscription (snap_orders) is the one sent; watchMyTrades shares it.
    void this.watch(generation, () => ex.watchOrders(), this.o.onOrders);
    void this.watch(generation, () => ex.watchMyTrades(), this.o.onTrades);
  }

  private wire(m: Record<string, unknown>): void {
    if (m.method !== 'subscribe' || !this.connecting) return;
    const result = m.result as { channel?: unknown } | undefined;
    if (m.success === true && result?.channel === 'executions') this.acknowledged();
    else if (m.success === false)
      this.fail(this.generation, `Kraken refused the executions subscription: ${String(m.error)}`);
  }

  protected closeSocket(): void {
    const ex = this.o.exchange;
    const client = ex.clients?.[this.o.url];
    if (!client) return;
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
}
