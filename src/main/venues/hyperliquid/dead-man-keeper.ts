// Hyperliquid's dead-man switch for this account: armed at connect and refreshed (DeadManSwitch), cleared
// on a planned stop, and armed or cleared on request (the registry may keep the switch itself). When
// Hyperliquid refuses it for the account (too little volume traded) that is the account's state, not a
// failure: the reason is kept in Hyperliquid's words for the Venues panel and the venue trades on.

import type { VenueRead } from '../venue.ts';
import type { VenueEvents } from '../venue-events.ts';
import type { HyperliquidCalls } from './calls.ts';
import { signedAction } from './client.ts';
import { DeadManSwitch, deadManProblem, isDeadManRefusal, type Timers } from './dead-man.ts';
import { readFailed, venueText } from './errors.ts';
import { exchangeWeight } from './rate-budget.ts';

type Armed = VenueRead<{ triggerTime: number | null }>;

export interface DeadManKeeperOptions {
  calls: HyperliquidCalls;
  events: VenueEvents;
  timers: Timers;
  /** Connected and not stopping: a failed refresh is only told while it is. */
  running: () => boolean;
}

export class DeadManKeeper {
  private readonly o: DeadManKeeperOptions;
  private refresher: DeadManSwitch | null = null;
  /** Why the switch is not in use, in Hyperliquid's words (a small account). */
  private unavailable: string | undefined;

  constructor(options: DeadManKeeperOptions) {
    this.o = options;
  }

  /** Why the account may not use the switch, if Hyperliquid said so. */
  get unavailableReason(): string | undefined {
    return this.unavailable;
  }

  /**
   * At connect: arms `seconds` ahead and keeps refreshing (0: leaves the switch alone). A refusal for the
   * account is said and traded through; any other failure fails the connect.
   */
  async start(seconds: number): Promise<VenueRead<null>> {
    this.unavailable = undefined;
    if (seconds <= 0) return { ok: true, value: null };
    const { events, timers, running } = this.o;
    const refresher = new DeadManSwitch({
      seconds,
      arm: (s) => this.arm(s),
      timers,
      onRefreshFailed: (message) => {
        // While connecting, connect() itself says what came of the first arm.
        if (!running()) return;
        events.notice(
          'warning',
          'dead_man_refresh_failed',
          `Hyperliquid's dead-man switch was not refreshed: ${message}`,
        );
      },
    });
    const armed = await refresher.start();
    if (!armed.ok) {
      await refresher.stop(false);
      if (!isDeadManRefusal(armed.message)) {
        return {
          ok: false,
          message: `cannot arm Hyperliquid's dead-man switch: ${armed.message}`,
          retryable: armed.retryable,
        };
      }
      // The account may not use it (volume too small): trade without it, and say so.
      events.notice('warning', 'dead_man_unavailable', `dead-man switch unavailable: ${armed.message}`);
    } else this.refresher = refresher;
    return { ok: true, value: null };
  }

  /** Stops refreshing; with `disarm` (a planned stop) clears the switch first, and says if it could not. */
  async stop(disarm: boolean): Promise<void> {
    const refresher = this.refresher;
    this.refresher = null;
    if (!refresher) return;
    const off = await refresher.stop(disarm);
    if (off && !off.ok)
      this.o.events.notice(
        'warning',
        'dead_man_not_disarmed',
        `Hyperliquid's dead-man switch is still armed: ${off.message}`,
      );
  }

  /**
   * Arms scheduleCancel `seconds` ahead (at least 5), or clears it (0: the action without a time).
   * Hyperliquid's refusal for a small account comes back as a failed read with its words.
   */
  async arm(seconds: number): Promise<Armed> {
    const problem = deadManProblem(seconds);
    if (problem) return { ok: false, message: problem, retryable: false };
    const result = await this.o.calls.call(
      (ex) =>
        seconds === 0
          ? signedAction(ex, { type: 'scheduleCancel' })
          : signedAction(ex, { type: 'scheduleCancel' }, (nonce) => ({ time: nonce + seconds * 1000 })),
      exchangeWeight(),
    );
    if (!result.ok) {
      if (isDeadManRefusal(result.failure.message)) {
        // The account may not use it: in Hyperliquid's own words, kept for the Venues panel (health),
        // whoever keeps the switch (this adapter's loop or the registry's).
        const words =
          result.error instanceof Error ? venueText(result.error.message) : result.failure.message;
        this.unavailable = `dead-man switch unavailable: ${words}`;
        return { ok: false, message: words, retryable: false };
      }
      return readFailed(result.failure);
    }
    if (seconds > 0) this.unavailable = undefined;
    return { ok: true, value: { triggerTime: seconds === 0 ? null : result.value.nonce + seconds * 1000 } };
  }

  /** Re-arms now (what the refresh timer does). */
  async refresh(): Promise<Armed> {
    if (!this.refresher)
      return {
        ok: false,
        message: this.unavailable ?? 'the dead-man switch is not in use',
        retryable: false,
      };
    return this.refresher.refresh();
  }
}
