// Hyperliquid's dead-man switch, `scheduleCancel`: at `time` every open order is cancelled (stops too)
// unless the time was moved first. Rules (wire notes fact 3): `time` at least 5 s ahead; omitting it
// clears the switch (ccxt's cancelAllOrdersAfter(0) would send time = nonce, not clear it); at most 10
// firings a UTC day; refused outright for accounts that have not traded enough ("Cannot set scheduled
// cancel time until enough volume traded. Required: $1000000 …"). That refusal is the account's state,
// not a failure: the adapter says so in its health and trades without the switch.
// The refresh loop itself is Kraken's (DeadManSwitch): re-armed every quarter of the timeout.

export { DeadManSwitch, realTimers, type Timers } from '../kraken/dead-man.ts';

export const DEAD_MAN_MIN_SECONDS = 5;
export const DEAD_MAN_MAX_SECONDS = 86_400;

/** What is wrong with `seconds` as a Hyperliquid dead-man timeout, or null (0 disarms). */
export function deadManProblem(seconds: number): string | null {
  if (
    !Number.isInteger(seconds) ||
    seconds < 0 ||
    (seconds > 0 && seconds < DEAD_MAN_MIN_SECONDS) ||
    seconds > DEAD_MAN_MAX_SECONDS
  ) {
    return `the dead-man timeout must be a whole number of seconds from ${DEAD_MAN_MIN_SECONDS} to ${DEAD_MAN_MAX_SECONDS} (0 disarms); got ${seconds}`;
  }
  return null;
}

/** Is this Hyperliquid's refusal of the switch for the account (not a passing failure)? */
export const isDeadManRefusal = (message: string): boolean =>
  message.includes('Cannot set scheduled cancel time') || message.includes('enough volume traded');
