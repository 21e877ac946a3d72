// Kraken's rate limits, modelled on our side so that Braid never reaches them (venues.md: stay under 80 %
// of each published budget). ccxt's own limiter is off (`enableRateLimit: false`): it knows one token
// bucket per exchange, not Kraken's two counters.
//
// - The REST call counter, per API key: +1 per private call, +2 for trade and ledger history, decaying by
//   a fixed amount per second (by verification tier). AddOrder/CancelOrder and friends are not on it.
// - The matching-engine counter, per pair, shared by REST, WebSocket and FIX: +1 per order placed, and on
//   a cancel or amend a penalty that shrinks with the order's age (a quick cancel costs most).
//
// Each counter is a leaky bucket. A call waits (FIFO per counter, so commands keep their order) until its
// cost fits under the ceiling, then queues for the wire; as it goes out it is checked again against what
// was actually sent (a request can wait in the private lane, so the pace at which requests leave is what
// the venue sees, not the pace at which they were cleared), and charged when answered. Urgent calls (the kill switch's CancelAll, the dead-man
// refresh) skip the wait and use the 20 % the ceiling keeps free. When Kraken answers "rate limit
// exceeded" anyway, the model was behind: the counter is marked full so the next calls back off.
// Sources: docs.kraken.com/api/docs/guides/spot-rest-ratelimits and spot-ratelimits (trading limits).

export type KrakenTier = 'starter' | 'intermediate' | 'pro';

export interface CounterLimit {
  /** The counter's maximum: Kraken refuses a call that would take it past this. */
  max: number;
  decayPerSecond: number;
}

export interface KrakenLimits {
  calls: CounterLimit;
  /** Per pair. */
  matching: CounterLimit;
}

export const KRAKEN_LIMITS: Record<KrakenTier, KrakenLimits> = {
  starter: { calls: { max: 15, decayPerSecond: 0.33 }, matching: { max: 60, decayPerSecond: 1 } },
  intermediate: { calls: { max: 20, decayPerSecond: 0.5 }, matching: { max: 125, decayPerSecond: 2.34 } },
  pro: { calls: { max: 20, decayPerSecond: 1 }, matching: { max: 180, decayPerSecond: 3.75 } },
};

export const BUDGET_CEILING = 0.8;

/** The private methods the matching-engine counter meters instead of the call counter. */
const MATCHING_METHODS = new Set([
  'AddOrder',
  'AddOrderBatch',
  'CancelOrder',
  'CancelOrderBatch',
  'EditOrder',
  'AmendOrder',
]);
const HISTORY_METHODS = new Set(['TradesHistory', 'QueryTrades', 'Ledgers', 'QueryLedgers']);

/** Call-counter cost of a private REST method (0 for the ones on the matching-engine counter). */
export function callCost(method: string): number {
  if (MATCHING_METHODS.has(method)) return 0;
  return HISTORY_METHODS.has(method) ? 2 : 1;
}

/** Matching-engine penalty of cancelling an order `ageMs` old (unknown age: the highest). */
export function cancelPenalty(ageMs: number | undefined): number {
  if (ageMs === undefined || ageMs < 5_000) return 8;
  if (ageMs < 10_000) return 6;
  if (ageMs < 15_000) return 5;
  if (ageMs < 45_000) return 4;
  if (ageMs < 90_000) return 2;
  if (ageMs < 300_000) return 1;
  return 0;
}

/** Matching-engine cost of amending an order `ageMs` old: counted as an add plus the amend penalty. */
export function amendCost(ageMs: number | undefined): number {
  if (ageMs === undefined || ageMs < 5_000) return 1 + 3;
  if (ageMs < 10_000) return 1 + 2;
  if (ageMs < 45_000) return 1 + 1;
  return 1;
}

/** A leaky bucket: `cost` in, `decayPerSecond` out, never below zero. */
export class LeakyCounter {
  private level = 0;
  private at: number;
  readonly limit: CounterLimit;

  constructor(limit: CounterLimit, now: number) {
    this.limit = limit;
    this.at = now;
  }

  levelAt(now: number): number {
    const elapsed = Math.max(0, now - this.at) / 1000;
    return Math.max(0, this.level - this.limit.decayPerSecond * elapsed);
  }

  add(cost: number, now: number): void {
    this.level = this.levelAt(now) + cost;
    this.at = Math.max(this.at, now);
  }

  /** Milliseconds until `cost` more keeps the counter at or under `ceiling` of its maximum. */
  waitFor(cost: number, now: number, ceiling: number): number {
    const over = this.levelAt(now) + cost - ceiling * this.limit.max;
    if (over <= 0) return 0;
    return Math.ceil((over / this.limit.decayPerSecond) * 1000);
  }

  /** The venue said the limit was reached: take the counter to its maximum. */
  fill(now: number): void {
    this.level = this.limit.max;
    this.at = now;
  }

  /** Milliseconds a full counter takes to come back down to `ceiling`. */
  drainMs(ceiling: number): number {
    return Math.ceil(((1 - ceiling) * this.limit.max * 1000) / this.limit.decayPerSecond);
  }
}

export interface Charge {
  /** `calls` (the REST call counter) or a pair's venue id (its matching-engine counter). */
  counter: string;
  cost: number;
}

export const CALLS = 'calls';

/** What a private call costs: on the call counter, or on `pair`'s matching-engine counter. */
export function chargesFor(method: string, pair?: string, extra = 0): Charge[] {
  if (MATCHING_METHODS.has(method)) {
    return pair === undefined ? [] : [{ counter: pair, cost: (method.startsWith('Add') ? 1 : 0) + extra }];
  }
  return [{ counter: CALLS, cost: callCost(method) }];
}

export interface RateBudgetOptions {
  limits: KrakenLimits;
  clock: () => number;
  /** How a call waits; tests drive a clock with it. */
  sleep: (ms: number) => Promise<void>;
  ceiling?: number;
}

export class KrakenRateBudget {
  /** Charged when a call is cleared to go: paces a burst without holding up the private lane. */
  private readonly planned = new Map<string, LeakyCounter>();
  /** Charged as each request goes on the wire: the venue's own picture, give or take the trip there. */
  private readonly sent = new Map<string, LeakyCounter>();
  /** The tail of each counter's queue: a call waits for the calls before it on the same counter. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly ceiling: number;
  private readonly options: RateBudgetOptions;

  constructor(options: RateBudgetOptions) {
    this.options = options;
    this.ceiling = options.ceiling ?? BUDGET_CEILING;
  }

  private counter(set: Map<string, LeakyCounter>, name: string): LeakyCounter {
    let c = set.get(name);
    if (!c) {
      c = new LeakyCounter(
        name === CALLS ? this.options.limits.calls : this.options.limits.matching,
        this.options.clock(),
      );
      set.set(name, c);
    }
    return c;
  }

  private async waitUntil(fits: (now: number) => number): Promise<void> {
    for (;;) {
      const wait = fits(this.options.clock());
      if (wait <= 0) return;
      await this.options.sleep(wait);
    }
  }

  /**
   * Stage one, before the call queues for the wire: resolves when its charges fit under the ceiling,
   * having charged them to the plan; calls on the same counter go in the order they asked. Urgent calls
   * pass at once. Never rejects.
   */
  async reserve(charges: readonly Charge[], options: { urgent?: boolean } = {}): Promise<void> {
    const live = charges.filter((c) => c.cost > 0);
    if (live.length === 0) return;
    const charge = () => {
      const now = this.options.clock();
      for (const c of live) this.counter(this.planned, c.counter).add(c.cost, now);
    };
    if (options.urgent) return charge();
    const before = live.map((c) => this.tails.get(c.counter) ?? Promise.resolve());
    const turn = Promise.all(before)
      .then(() =>
        this.waitUntil((now) =>
          Math.max(
            ...live.map((c) => this.counter(this.planned, c.counter).waitFor(c.cost, now, this.ceiling)),
          ),
        ),
      )
      .then(charge);
    const tail = turn.catch(() => undefined);
    for (const c of live) this.tails.set(c.counter, tail);
    await tail;
  }

  /**
   * Stage two, in the private lane just before the request goes on the wire: waits, if it must, until
   * the charges fit under the ceiling as the venue counts them. Urgent calls do not wait. Never rejects.
   */
  async clearToSend(charges: readonly Charge[], options: { urgent?: boolean } = {}): Promise<void> {
    const live = charges.filter((c) => c.cost > 0);
    if (live.length === 0 || options.urgent) return;
    await this.waitUntil((now) =>
      Math.max(...live.map((c) => this.counter(this.sent, c.counter).waitFor(c.cost, now, this.ceiling))),
    );
  }

  /**
   * The request has been answered (or has failed): charge it now. The venue charged it when it arrived,
   * earlier; charged later here, it has decayed less here than there, so this picture of the counter is
   * never below the venue's. (With one request on the wire at a time, every earlier request is answered,
   * and so charged, before the next is cleared.)
   */
  spent(charges: readonly Charge[]): void {
    const now = this.options.clock();
    for (const c of charges) if (c.cost > 0) this.counter(this.sent, c.counter).add(c.cost, now);
  }

  /** Kraken refused for its rate limit: the counters this call used are full now. Returns their drain time. */
  rateLimited(charges: readonly Charge[]): number {
    const now = this.options.clock();
    const names = charges.length > 0 ? charges.map((c) => c.counter) : [CALLS];
    for (const name of names) {
      this.counter(this.planned, name).fill(now);
      this.counter(this.sent, name).fill(now);
    }
    return this.drainMs(charges);
  }

  /** How long the counters these charges use take to drain from full to the ceiling. */
  drainMs(charges: readonly Charge[]): number {
    const names = charges.length > 0 ? charges.map((c) => c.counter) : [CALLS];
    return Math.max(...names.map((name) => this.counter(this.sent, name).drainMs(this.ceiling)));
  }

  /** The share of the fullest counter in use now (as sent), 0..1. */
  used(): number {
    const now = this.options.clock();
    let used = 0;
    for (const c of this.sent.values()) used = Math.max(used, c.levelAt(now) / c.limit.max);
    return Math.min(1, used);
  }

  /** Each counter's level now (as sent), by name (the Venues panel, tests). */
  levels(): Record<string, number> {
    const now = this.options.clock();
    return Object.fromEntries([...this.sent].map(([name, c]) => [name, c.levelAt(now)]));
  }
}
