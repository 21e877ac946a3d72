// Kraken's dead-man switch (CancelAllOrdersAfter): while Braid runs it re-arms the timer well before it
// expires; if Braid dies or loses the venue, Kraken cancels every open order when the timer runs out.
// Kraken takes whole seconds (1..86400; 0 disables) and ccxt takes milliseconds, truncating: 999 ms
// would go out as 0, which DISABLES the switch (wire notes, fact 4). So this module speaks seconds and
// refuses anything that is not a whole number of them. After it fires the switch stays off until armed
// again, which the next refresh does.
import type { VenueRead } from '../venue.ts';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const DEAD_MAN_MAX_SECONDS = 86_400;

/** What is wrong with `seconds` as a dead-man timeout, or null (0 disarms). */
export function deadManProblem(seconds: number): string | null {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > DEAD_MAN_MAX_SECONDS) {
    return `the dead-man timeout must be a whole number of seconds from 1 to ${DEAD_MAN_MAX_SECONDS} (0 disarms); got ${seconds}`;
  }
  return null;
}

/**
 * How often to re-arm a `seconds` timeout: a quarter of it (Kraken's advice: 60 s re-armed every 15 to
 * 30 s), not more often than every 15 s, and never later than half the timeout, so one lost refresh is
 * survived.
 */
export function refreshIntervalMs(seconds: number): number {
  return Math.round(Math.min(Math.max(seconds / 4, 15), seconds / 2) * 1000);
}

export interface DeadManOptions {
  seconds: number;
  /** One arm request (CancelAllOrdersAfter with `seconds`; 0 disarms). */
  arm: (seconds: number) => Promise<VenueRead<{ triggerTime: number | null }>>;
  timers: Timers;
  /** A refresh failed: the switch may fire (the venue then cancels everything). */
  onRefreshFailed: (message: string) => void;
}

/** Keeps the switch armed: `start` arms and schedules refreshes, `stop` ends them (and may disarm). */
export class DeadManSwitch {
  private timer: unknown = null;
  private running = false;
  private readonly options: DeadManOptions;
  /** The venue's trigger time after the last successful arm; null when disarmed or never armed. */
  triggerTime: number | null = null;

  constructor(options: DeadManOptions) {
    this.options = options;
  }

  /** Arms now; refreshes follow every refreshIntervalMs(seconds) until stop(). */
  async start(): Promise<VenueRead<{ triggerTime: number | null }>> {
    this.running = true;
    const armed = await this.refresh();
    return armed;
  }

  /** Re-arms now (also what the timer runs), then schedules the next refresh. */
  async refresh(): Promise<VenueRead<{ triggerTime: number | null }>> {
    this.clearTimer();
    const armed = await this.options.arm(this.options.seconds);
    if (armed.ok) this.triggerTime = armed.value.triggerTime;
    else if (this.running) this.options.onRefreshFailed(armed.message);
    if (this.running) {
      this.clearTimer(); // a refresh asked for by hand may have overlapped the timer's own
      this.timer = this.options.timers.setTimeout(() => {
        void this.refresh();
      }, refreshIntervalMs(this.options.seconds));
    }
    return armed;
  }

  /** Stops refreshing; with `disarm`, also turns the venue's timer off (a planned stop). */
  async stop(disarm: boolean): Promise<VenueRead<{ triggerTime: number | null }> | null> {
    this.running = false;
    this.clearTimer();
    if (!disarm) return null;
    const off = await this.options.arm(0);
    if (off.ok) this.triggerTime = null;
    return off;
  }

  private clearTimer(): void {
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
