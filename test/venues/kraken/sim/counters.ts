// Kraken's two rate limiters: the REST call counter per API key (+1 a call, +2 for trade and ledger
// history; AddOrder/CancelOrder/AmendOrder are not on it) and the matching-engine counter per pair (+1 an
// order, a cancel or amend penalty that shrinks with the order's age). Both are leaky buckets; a call that
// would take a counter past its maximum is refused and not charged.

export interface CounterView {
  level: number;
  /** The highest level reached so far: a client can be asserted to stay under a share of `max`. */
  peak: number;
  max: number;
}

export class LeakyCounter {
  private level = 0;
  private peak = 0;
  private at: number;
  readonly max: number;
  readonly decayPerSecond: number;

  constructor(max: number, decayPerSecond: number, now: number) {
    this.max = max;
    this.decayPerSecond = decayPerSecond;
    this.at = now;
  }

  private decay(now: number): void {
    const elapsed = Math.max(0, now - this.at) / 1000;
    this.level = Math.max(0, this.level - elapsed * this.decayPerSecond);
    this.at = Math.max(this.at, now);
  }

  /** Charges `cost` if it fits under the maximum; false (and nothing charged) otherwise. */
  charge(cost: number, now: number): boolean {
    this.decay(now);
    if (this.level + cost > this.max) return false;
    this.level += cost;
    this.peak = Math.max(this.peak, this.level);
    return true;
  }

  view(now: number): CounterView {
    this.decay(now);
    return { level: this.level, peak: this.peak, max: this.max };
  }
}

const HISTORY = new Set(['TradesHistory', 'QueryTrades', 'Ledgers', 'QueryLedgers']);
const MATCHING = new Set([
  'AddOrder',
  'AddOrderBatch',
  'CancelOrder',
  'CancelOrderBatch',
  'EditOrder',
  'AmendOrder',
]);

/** The call-counter cost of a private method (0: the matching-engine counter meters it instead). */
export function callCost(method: string): number {
  if (MATCHING.has(method)) return 0;
  return HISTORY.has(method) ? 2 : 1;
}

/** Matching-engine penalty for cancelling an order `ageMs` old (Kraken's spot trading-limits table). */
export function cancelPenalty(ageMs: number): number {
  if (ageMs < 5_000) return 8;
  if (ageMs < 10_000) return 6;
  if (ageMs < 15_000) return 5;
  if (ageMs < 45_000) return 4;
  if (ageMs < 90_000) return 2;
  if (ageMs < 300_000) return 1;
  return 0;
}

/** Matching-engine cost of amending an order `ageMs` old. */
export function amendPenalty(ageMs: number): number {
  if (ageMs < 5_000) return 3;
  if (ageMs < 10_000) return 2;
  if (ageMs < 45_000) return 1;
  return 0;
}
