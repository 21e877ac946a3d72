// The adapter's side of the private WebSocket (private-feed.ts drives the socket itself): starts it with
// a token fetched through the key's lane and budget, hands its pushes on, and tells the poll and the
// trader what its coming and going means. Up: REST slows to the reconciliation cadence, after a catch-up
// of what nobody pushed before. Down: REST polls at pollMs again at once, with a catch-up; a retry that
// fails again is not announced again until the socket has been up.
import type { BackoffPolicy } from '../backoff.ts';
import { FeedPresence } from '../feed-presence.ts';
import type { VenueEvents } from '../venue-events.ts';
import type { KrakenCalls } from './calls.ts';
import type { Timers } from './dead-man.ts';
import type { Exchange } from './exchange.ts';
import type { OrderPoll } from './order-poll.ts';
import {
  FEED_BACKOFF,
  type FeedState,
  PrivateFeed,
  privateFeedUrl,
  type TokenRead,
  WatchedKraken,
} from './private-feed.ts';
import type { PushedUpdates } from './pushed-updates.ts';
import { chargesFor } from './rate-budget.ts';

export interface FeedLinkOptions {
  /** As configured; unset: no socket. */
  wsUrl?: string;
  wsBackoff?: BackoffPolicy;
  wsSubscribeTimeoutMs?: number;
  /** The cadence REST falls back to (said in the drop notice). */
  pollMs?: number;
  calls: KrakenCalls;
  pushed: PushedUpdates;
  poll: OrderPoll;
  events: VenueEvents;
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
      socket: "Kraken's private WebSocket",
      code: 'kraken_ws',
      pushes: 'fills',
      pollMs: options.pollMs ?? 1_000,
      poll: options.poll,
      catchUp: () => options.poll.askCatchUp(),
      events: options.events,
      running: options.running,
    });
  }

  /** `off` when no socket is configured (or it was stopped). */
  get state(): FeedState | 'off' {
    return this.feed ? this.feed.state : 'off';
  }

  /** Subscriptions Kraken acknowledged (the first and every one after a reconnect). */
  get subscriptions(): number {
    return this.feed?.subscriptions ?? 0;
  }

  async start(ex: Exchange): Promise<void> {
    const url = this.o.wsUrl ? privateFeedUrl(this.o.wsUrl) : undefined;
    if (!url || !(ex instanceof WatchedKraken)) return;
    // ccxt refuses a plain ws:// socket until its http agent is loaded.
    if (url.startsWith('ws://')) await ex.loadHttpProxyAgent();
    if (this.o.calls.exchange !== ex || !this.o.running()) return;
    const feed = new PrivateFeed({
      exchange: ex,
      url,
      token: () => this.webSocketToken(),
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

  /** GetWebSocketsToken: a private REST call like the others (the lane's nonce order, the budget). */
  private async webSocketToken(): Promise<TokenRead> {
    const result = await this.o.calls.call(
      (ex) =>
        (
          ex as unknown as { privatePostGetWebSocketsToken(): Promise<unknown> }
        ).privatePostGetWebSocketsToken(),
      chargesFor('GetWebSocketsToken'),
    );
    if (!result.ok) return { ok: false, message: result.failure.message };
    const answer = (result.value as { result?: { token?: unknown; expires?: unknown } } | undefined)?.result;
    if (typeof answer?.token !== 'string' || answer.token === '')
      return { ok: false, message: 'Kraken answered GetWebSocketsToken without a token' };
    return { ok: true, token: answer.token, expires: Number(answer.expires ?? 900) || 900 };
  }
}
