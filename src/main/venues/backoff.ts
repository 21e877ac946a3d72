// Waiting between attempts at a live venue: a query that got no answer, a request the venue throttled.
// Exponential with jitter, so a fleet of retries does not hit the venue in step (venues.md "Rate limits").
// Timers are injected: tests move time by hand, nothing here sleeps.

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface BackoffPolicy {
  /** The first wait, ms. */
  baseMs: number;
  /** No wait grows past this, ms (before jitter). */
  maxMs: number;
  /** Extra share of the wait added at random, 0..1 (0.25: up to a quarter more). */
  jitter: number;
}

export const QUERY_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 10_000, jitter: 0.25 };
export const THROTTLE_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 30_000, jitter: 0.25 };

/** The wait before attempt `attempt` (0 = the first retry), never shorter than `floorMs` (a venue's
 *  retry-after). `random` returns 0..1. */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number,
  floorMs = 0,
): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  const wait = Math.max(floorMs, exponential);
  return Math.round(wait * (1 + policy.jitter * random()));
}
