// What a private socket's coming and going means to the poll and to the trader, for any venue whose
// REST poll stands in while the socket is down. Up: pushes flow, REST slows to its reconciliation
// cadence after a catch-up of what nobody pushed before. Down: REST polls at pollMs again at once, with a
// catch-up. A retry that fails again is not announced again until the socket has been up.
import type { VenueEvents } from './venue-events.ts';

export interface FeedPresenceOptions {
  /** In the trader's words: "Kraken's private WebSocket". */
  socket: string;
  /** Notice codes: `<code>_restored`, `_unavailable`, `_down`. */
  code: string;
  /** What flows again when it is back: "fills", "orders and fills". */
  pushes: string;
  pollMs: number;
  poll: { pushesFlowing(flowing: boolean): void; soon(): void };
  /** Read over REST what nobody pushed (the venue's catch-up). */
  catchUp: () => void;
  events: VenueEvents;
  running: () => boolean;
  /** Subscribed again after an outage (not the first time). */
  onBackAgain?: () => void;
}

export class FeedPresence {
  private readonly o: FeedPresenceOptions;
  /** A failed attempt was reported; the next ones are not, until the socket is up again. */
  private troubleSaid = false;

  constructor(options: FeedPresenceOptions) {
    this.o = options;
  }

  /** The socket is subscribed; `again` when it was before. */
  restored(again: boolean): void {
    if (!this.o.running()) return;
    const { poll, events } = this.o;
    poll.pushesFlowing(true);
    this.troubleSaid = false;
    // Whatever happened before the subscription (or during the gap) was pushed to nobody: read it.
    this.o.catchUp();
    if (again) {
      events.notice(
        'info',
        `${this.o.code}_restored`,
        `${this.o.socket} is back: ${this.o.pushes} are pushed again`,
      );
      this.o.onBackAgain?.();
    }
    poll.soon();
  }

  lost(reason: string, wasUp: boolean): void {
    if (!this.o.running()) return;
    const { poll, events } = this.o;
    poll.pushesFlowing(false);
    if (!wasUp) {
      if (!this.troubleSaid)
        events.notice(
          'warning',
          `${this.o.code}_unavailable`,
          `${this.o.socket} is not available (${reason}): polling REST, trying again`,
        );
      this.troubleSaid = true;
      return;
    }
    this.troubleSaid = true;
    this.o.catchUp();
    events.notice(
      'warning',
      `${this.o.code}_down`,
      `${this.o.socket} dropped (${reason}): polling REST every ${this.o.pollMs} ms until it is back`,
    );
    poll.soon();
  }
}
