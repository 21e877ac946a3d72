// The adapter's listeners and what it tells them. A listener's failure is its own (the others still
// hear the event), every message is redacted of the key before it leaves, and a thing the venue reported
// that could not be read is said once, not every poll.
import type { Disposer, VenueEvent } from './venue.ts';

/** Messages remembered as said before the memory starts over (a bound, not a policy). */
const SAID_CAP = 20_000;

export class VenueEvents {
  private readonly listeners = new Set<(event: VenueEvent) => void>();
  private readonly unreadableSaid = new Set<string>();

  private readonly clock: () => number;
  /** Takes the key and secret out of a message. */
  private readonly clean: (message: string) => string;

  constructor(clock: () => number, clean: (message: string) => string) {
    this.clock = clock;
    this.clean = clean;
  }

  listen(listener: (event: VenueEvent) => void): Disposer {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: VenueEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // a listener's failure is its own; the others still hear the event
      }
    }
  }

  notice(level: 'info' | 'warning' | 'error', code: string, message: string): void {
    this.emit({ type: 'notice', level, code, message: this.clean(message), time: this.clock() });
  }

  /** Says once (not every poll) that something the venue reported could not be read. */
  unreadable(code: string, message: string): void {
    if (this.unreadableSaid.has(message)) return;
    if (this.unreadableSaid.size > SAID_CAP) this.unreadableSaid.clear();
    this.unreadableSaid.add(message);
    this.notice('warning', code, message);
  }
}
