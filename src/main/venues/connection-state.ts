// Where an adapter stands with its venue, as the Venues panel shows it: connecting, connected,
// disconnected (transport trouble, which the next answer mends) or failed (nothing works until someone
// acts). `running` is between a successful connect() and disconnect(): every timer, poll and push checks
// it before it reports anything. What an answer means is the venue's own (`answered` in each adapter).
import type { VenueConnectionState } from './venue.ts';
import type { VenueEvents } from './venue-events.ts';

export class ConnectionStateBase {
  protected readonly events: VenueEvents;
  protected readonly clock: () => number;
  private current: VenueConnectionState = 'disconnected';
  private why: string | undefined;
  /** connect() succeeded at least once (so a later success is a reconnection). */
  protected established = false;
  private live = false;

  constructor(events: VenueEvents, clock: () => number) {
    this.events = events;
    this.clock = clock;
  }

  get state(): VenueConnectionState {
    return this.current;
  }

  get detail(): string | undefined {
    return this.why;
  }

  get running(): boolean {
    return this.live;
  }

  /** Running but not connected: the next poll must ask something (its answer says which it is). */
  get inDoubt(): boolean {
    return this.live && this.current === 'disconnected';
  }

  set(state: VenueConnectionState, detail?: string): void {
    this.current = state;
    this.why = detail;
    this.events.emit({ type: 'connection', state, time: this.clock(), ...(detail ? { detail } : {}) });
  }

  /** connect() got through: polls and pushes may report from now on. */
  started(): void {
    this.live = true;
    this.established = true;
    this.set('connected');
  }

  /** disconnect() began: nothing reports any more. Whether it was running. */
  stopping(): boolean {
    const was = this.live;
    this.live = false;
    return was;
  }

  /** A success: after trouble it is a reconnection, and whatever happened while away is owed a full
   *  read (`reconnected`). `before` runs ahead of that event. Whether it was one. */
  protected succeeded(before?: () => void): boolean {
    if (!(this.established && this.live && this.current !== 'connected')) return false;
    this.set('connected');
    before?.();
    this.events.emit({ type: 'reconnected', time: this.clock() });
    return true;
  }

  /** Whether an answer may change the state at all (after the first connect, while running). */
  protected get listening(): boolean {
    return this.established && this.live;
  }
}
