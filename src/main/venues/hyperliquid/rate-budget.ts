// Hyperliquid's REST budget, modelled on our side so Braid stays under 80 % of it (venues.md): 1,200
// weight per rolling minute per IP. /exchange costs 1 + floor(n / 40) for a batch of n; /info 2 for the
// light reads (l2Book, allMids, clearinghouseState, orderStatus, spotClearinghouseState, exchangeStatus),
// 60 for userRole, 20 for the rest, and the history reads another 1 per 20 items answered (candles per
// 60). ccxt's own limiter is off: it knows one token bucket, not these weights.
//
// A call waits until its weight fits under the ceiling; the items weight is charged once answered. Order
// actions come first: polls (the `read` lane) stop short of the ceiling by a reserve kept for actions
// (a tenth of the minute's weight), and wait while an action is waiting, so an order or a cancel is never
// held behind a poll; only actions themselves can fill the reserve. On an
// HTTP 429 the model was behind (another process on this IP, a venue change): every call holds off for
// a doubling backoff with jitter (1 s, 2 s … 60 s). The
// per-address budget (10,000 requests + 1 per USDC traded) is not modelled: Braid's polling spends a
// request every pollMs, and Hyperliquid's "Too many cumulative requests" answer is read as throttled.

export const WEIGHT_PER_MINUTE = 1_200;
export const BUDGET_CEILING = 0.8;
const WINDOW_MS = 60_000;
export const MAX_BACKOFF_MS = 60_000;
/** Share of the minute's weight polls leave to order actions. */
export const ACTION_RESERVE = 0.1;

/** `action`: orders, cancels, modifies (and connect); `read`: polls and reads, which yield to actions. */
export type Lane = 'action' | 'read';

const LIGHT = new Set([
  'l2Book',
  'allMids',
  'clearinghouseState',
  'orderStatus',
  'spotClearinghouseState',
  'exchangeStatus',
]);
const PER_20 = new Set([
  'userFills',
  'userFillsByTime',
  'historicalOrders',
  'userFunding',
  'fundingHistory',
  'userNonFundingLedgerUpdates',
  'recentTrades',
]);

/** Weight of an /info read before its answer. */
export const infoWeight = (type: string): number => (LIGHT.has(type) ? 2 : type === 'userRole' ? 60 : 20);

/** Weight an /info answer adds for its length. */
export function itemsWeight(type: string, items: number): number {
  if (PER_20.has(type)) return Math.floor(items / 20);
  if (type === 'candleSnapshot') return Math.floor(items / 60);
  return 0;
}

/** Weight of an /exchange action batching `n` orders or cancels. */
export const exchangeWeight = (n = 1): number => 1 + Math.floor(n / 40);

export interface WeightBudgetOptions {
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  perMinute?: number;
  ceiling?: number;
  /** Share of the minute's weight reads leave to actions (ACTION_RESERVE). */
  reserve?: number;
}

export class WeightBudget {
  private readonly spent: Array<{ at: number; w: number }> = [];
  private holdUntil = 0;
  private streak = 0;
  /** Actions waiting for room: reads wait behind them. */
  private actionsWaiting = 0;
  private readonly options: WeightBudgetOptions;
  readonly perMinute: number;
  readonly ceiling: number;
  readonly reserve: number;

  constructor(options: WeightBudgetOptions) {
    this.options = options;
    this.perMinute = options.perMinute ?? WEIGHT_PER_MINUTE;
    this.ceiling = options.ceiling ?? BUDGET_CEILING;
    this.reserve = options.reserve ?? ACTION_RESERVE;
  }

  /** The most weight a lane may have in use in the minute. */
  limitOf(lane: Lane): number {
    const top = this.ceiling * this.perMinute;
    return lane === 'action' ? top : Math.max(0, top - this.reserve * this.perMinute);
  }

  /** Weight spent in the last minute. */
  usedWeight(now = this.options.clock()): number {
    while (this.spent.length > 0 && this.spent[0]!.at <= now - WINDOW_MS) this.spent.shift();
    return this.spent.reduce((a, x) => a + x.w, 0);
  }

  /** Share of the minute's budget in use, 0..1. */
  used(): number {
    return Math.min(1, this.usedWeight() / this.perMinute);
  }

  /** Milliseconds until `weight` more fits under the lane's limit. */
  waitFor(weight: number, now = this.options.clock(), lane: Lane = 'action'): number {
    const limit = this.limitOf(lane);
    let level = this.usedWeight(now) + weight;
    if (level <= limit) return 0;
    // Entries leave the window oldest first: wait until enough of them have.
    for (const x of this.spent) {
      level -= x.w;
      if (level <= limit) return Math.max(1, x.at + WINDOW_MS - now + 1);
    }
    return WINDOW_MS;
  }

  /** Whether a read of `weight` would have to wait now (a poll near the ceiling skips its round). */
  readWouldWait(weight: number): boolean {
    const now = this.options.clock();
    return this.actionsWaiting > 0 || this.holdUntil > now || this.waitFor(weight, now, 'read') > 0;
  }

  /**
   * Resolves once `weight` fits in its lane (and any 429 hold-off is over), having charged it. A read
   * also waits while any action does. Never rejects.
   */
  async take(weight: number, lane: Lane = 'action'): Promise<void> {
    const acting = lane === 'action';
    if (acting) this.actionsWaiting++;
    try {
      for (;;) {
        const now = this.options.clock();
        let wait = Math.max(this.holdUntil - now, this.waitFor(weight, now, lane));
        // Behind a waiting action: look again soon (its wait is not ours to know).
        if (!acting && wait <= 0 && this.actionsWaiting > 0) wait = 50;
        if (wait <= 0) break;
        await this.options.sleep(wait);
      }
    } finally {
      if (acting) this.actionsWaiting--;
    }
    this.charge(weight);
  }

  /** Charges weight now (an answer's items weight). */
  charge(weight: number): void {
    if (weight > 0) this.spent.push({ at: this.options.clock(), w: weight });
  }

  /** Hyperliquid answered 429: hold every call off for a doubling backoff. Returns it (ms). */
  rateLimited(random: number): number {
    this.streak++;
    const base = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (this.streak - 1));
    const backoff = Math.round(base * (1 + 0.2 * random));
    this.holdUntil = this.options.clock() + backoff;
    return backoff;
  }

  /** Every call waits `ms` from now (the per-address budget: one request every 10 s once spent). */
  holdFor(ms: number): void {
    this.holdUntil = Math.max(this.holdUntil, this.options.clock() + ms);
  }

  /** An answer that was not a 429: the streak is over. */
  answered(): void {
    this.streak = 0;
  }
}
