// The adapter's side of Hyperliquid's WebSocket (private-feed.ts drives the socket itself): starts it
// for the account once REST has loaded the markets, hands its pushes on, and tells the poll and the
// trader what its coming and going means. Nothing missed is replayed, so every subscription is followed
// by a REST catch-up. Up: REST slows to the reconciliation cadence after that catch-up; a subscription
// after an outage is a reconnection (`reconnected`: the engine reconciles too). Down: REST polls at
// pollMs again at once, with a catch-up; a retry that fails again is not announced again until the socket
// has been up.
import type { Market } from 'ccxt';
import type { BackoffPolicy, Timers } from '../backoff.ts';
import { FeedPresence } from '../feed-presence.ts';
import type { VenueEvents } from '../venue-events.ts';
import type { HyperliquidExchange } from './client.ts';
import type { OrderPoll } from './order-poll.ts';
import { FEED_BACKOFF, type FeedState, PrivateFeed } from './private-feed.ts';
import type { PushedUpdates } from './pushed-updates.ts';

export interface FeedLinkOptions {
  /** As configured; unset: no socket. */
  wsUrl?: string;
  wsBackoff?: BackoffPolicy;
  wsSubscribeTimeoutMs?: number;
  /** The cadence REST falls back to (said in the drop notice). */
  pollMs?: number;
  /** The account the socket follows. */
  user: string;
  pushed: PushedUpdates;
  poll: OrderPoll;
  events: VenueEvents;
  clock: () => number;
  timers: Timers;
  random: () => number;
  running: () => boolean;
}

export class FeedLink {
  private readonly o: FeedLinkOptions;
  private feed: PrivateFeed | null = null;
  private readonly presence: FeedPresence;

  constructor(options: FeedLinkOptions) {
    this.o = options;
    this.presence = new FeedPresence({
      socket: "Hyperliquid's WebSocket",
      code: 'hyperliquid_ws',
      pushes: 'orders and fills',
      pollMs: options.pollMs ?? 2_000,
      poll: options.poll,
      catchUp: () => options.poll.askCatchUp(true),
      events: options.events,
      running: options.running,
      // A subscription after an outage is a reconnection: the engine reconciles too.
      onBackAgain: () => options.events.emit({ type: 'reconnected', time: options.clock() }),
    });
  }

  /** `off` when no socket is configured (or it was stopped). */
  get state(): FeedState | 'off' {
    return this.feed ? this.feed.state : 'off';
  }

  /** Times Hyperliquid acknowledged both subscriptions (the first and every one after a reconnect). */
  get subscriptions(): number {
    return this.feed?.subscriptions ?? 0;
  }

  /** After connect: the REST client's markets are what the socket's pushes are read with. */
  start(ex: HyperliquidExchange): void {
    const url = this.o.wsUrl;
    if (!url || !this.o.running() || this.feed) return;
    const feed = new PrivateFeed({
      url,
      user: this.o.user,
      markets: (ex.markets ?? {}) as Record<string, Market>,
      onOrders: (orders) => this.o.pushed.orders(orders),
      onTrades: (trades) => this.o.pushed.trades(trades),
      onUp: () => this.presence.restored(this.subscriptions > 1),
      onDown: (reason, wasUp) => this.presence.lost(reason, wasUp),
      timers: this.o.timers,
      random: this.o.random,
      backoff: this.o.wsBackoff ?? FEED_BACKOFF,
      subscribeTimeoutMs: this.o.wsSubscribeTimeoutMs ?? 10_000,
    });
    this.feed = feed;
    feed.start();
  }

  stop(): void {
    this.feed?.stop();
    this.feed = null;
  }
}
