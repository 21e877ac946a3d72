// The adapter's side of Hyperliquid's WebSocket (private-feed.ts drives the socket itself): starts it
// for the account once REST has loaded the markets, hands its pushes on, and tells the poll and the
// trader what its coming and going means. Nothing missed is replayed, so every subscription is followed
// by a REST catch-up. Up: REST slows to the reconciliation cadence after that catch-up; a subscription
// after an outage is a reconnection (`reconnected`: the engine reconciles too). Down: REST polls at
// pollMs again at once, with a catch-up; a retry that fails again is not announced again until the socket
// has been up.
import type { Market } from 'ccxt';
import type { BackoffPolicy, Timers } from '../backoff.ts';
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
  /** A failed attempt was reported; the next ones are not, until the socket is up again. */
  private troubleSaid = false;

  constructor(options: FeedLinkOptions) {
    this.o = options;
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
      onUp: () => this.restored(),
      onDown: (reason, wasUp) => this.lost(reason, wasUp),
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

  private restored(): void {
    if (!this.o.running()) return;
    const { poll, events } = this.o;
    const again = this.subscriptions > 1;
    poll.pushesFlowing(true);
    this.troubleSaid = false;
    // Whatever happened before the subscription (or during the gap) was pushed to nobody: read it.
    poll.askCatchUp(true);
    if (again) {
      events.notice(
        'info',
        'hyperliquid_ws_restored',
        "Hyperliquid's WebSocket is back: orders and fills are pushed again",
      );
      events.emit({ type: 'reconnected', time: this.o.clock() });
    }
    poll.soon();
  }

  private lost(reason: string, wasUp: boolean): void {
    if (!this.o.running()) return;
    const { poll, events } = this.o;
    poll.pushesFlowing(false);
    if (!wasUp) {
      if (!this.troubleSaid)
        events.notice(
          'warning',
          'hyperliquid_ws_unavailable',
          `Hyperliquid's WebSocket is not available (${reason}): polling REST, trying again`,
        );
      this.troubleSaid = true;
      return;
    }
    this.troubleSaid = true;
    poll.askCatchUp(true);
    events.notice(
      'warning',
      'hyperliquid_ws_down',
      `Hyperliquid's WebSocket dropped (${reason}): polling REST every ${this.o.pollMs ?? 2_000} ms until it is back`,
    );
    poll.soon();
  }
}
