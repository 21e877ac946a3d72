// The life of a venue's private socket, whatever venue it is (Kraken's executions, Hyperliquid's
// orderUpdates + userFills through ccxt pro): attempts numbered by a generation so that callbacks of an
// older attempt do nothing, an acknowledgement awaited with a timeout, the watches delivering pushes, and
// after every failure a backoff before the next attempt, until stop(). A venue says how to open the
// socket (token, client, subscriptions) and how to close it; "up" is its acknowledgement seen on the wire.
import type { Order, Trade } from 'ccxt';
import { type BackoffPolicy, backoffDelay, type Timers } from './backoff.ts';

export type FeedState = 'connecting' | 'up' | 'down' | 'stopped';

export const FEED_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 30_000, jitter: 0.25 };

export interface WatchedFeedOptions {
  onOrders: (orders: Order[]) => void;
  onTrades: (trades: Trade[]) => void;
  /** Subscribed (again): pushes flow from now on. */
  onUp: () => void;
  /** Not subscribed any more (or the attempt failed): `wasUp` tells an outage from a failed retry. */
  onDown: (reason: string, wasUp: boolean) => void;
  timers: Timers;
  random: () => number;
  backoff: BackoffPolicy;
  /** How long the venue may take to acknowledge the subscriptions. */
  subscribeTimeoutMs: number;
}

export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export abstract class WatchedFeed<O extends WatchedFeedOptions = WatchedFeedOptions> {
  protected readonly o: O;
  private stateNow: FeedState = 'down';
  /** Bumped by every failure and by stop(): callbacks of an older attempt do nothing. */
  protected generation = 0;
  private failures = 0;
  private timer: unknown = null;
  private subscribedCount = 0;

  constructor(options: O) {
    this.o = options;
  }

  get state(): FeedState {
    return this.stateNow;
  }

  /** Subscriptions the venue acknowledged so far (the first and every one after a reconnect). */
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

  /** Opens the socket for this attempt and starts its watches (`watch`); throws or calls `fail` when it
   *  cannot. Called with the state `connecting`. */
  protected abstract open(generation: number): Promise<void>;

  /** Closes what is left of the socket, marked closed by Braid (ccxt then leaves its registry alone). */
  protected abstract closeSocket(): void;

  /** Whether this attempt is still the live one. */
  protected current(generation: number): boolean {
    return generation === this.generation && this.stateNow !== 'stopped';
  }

  protected get connecting(): boolean {
    return this.stateNow === 'connecting';
  }

  private clearTimer(): void {
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private async attempt(generation: number): Promise<void> {
    if (!this.current(generation)) return;
    this.stateNow = 'connecting';
    try {
      await this.open(generation);
    } catch (e) {
      this.fail(generation, messageOf(e));
    }
  }

  /** The acknowledgement must come within subscribeTimeoutMs, or the attempt fails with `reason`. */
  protected awaitAck(generation: number, reason: string): void {
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = null;
      this.fail(generation, reason);
    }, this.o.subscribeTimeoutMs);
  }

  /** The venue acknowledged: the feed is up. */
  protected acknowledged(): void {
    this.clearTimer();
    this.stateNow = 'up';
    this.failures = 0;
    this.subscribedCount++;
    this.o.onUp();
  }

  protected async watch<T>(generation: number, next: () => Promise<T[]>, deliver: (xs: T[]) => void) {
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

  /** This attempt or connection is over: close what is left of it, say so, try again after a wait. */
  protected fail(generation: number, reason: string): void {
    if (!this.current(generation)) return;
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
