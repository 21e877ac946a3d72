// The way out to the engine: events wait here and go one per turn, in the order they were queued, never
// inside the caller's stack (the engine applies each one, checkpoints, and host commands may run between).
// Callers can wait until everything queued so far has been delivered (reconciliation does).

import type { VenueEvent } from '../../engine/venues/venue.ts';
import type { Disposer } from '../venue.ts';

export class EventOutbox {
  private readonly listeners = new Set<(event: VenueEvent) => void>();
  private readonly queue: VenueEvent[] = [];
  private drainScheduled = false;
  private emitted = 0;
  private delivered = 0;
  private waiters: Array<{ until: number; resolve: () => void }> = [];
  private stopped = false;

  /** Runs a delivery out of the caller's stack. */
  private readonly defer: (fn: () => void) => void;
  /** A listener threw: the engine failed on this event. */
  private readonly onListenerFailed: (e: VenueEvent, error: unknown) => void;
  /** After each delivery (the engine has applied the event). */
  private readonly onDelivered: () => void;

  constructor(
    defer: (fn: () => void) => void,
    onListenerFailed: (e: VenueEvent, error: unknown) => void,
    onDelivered: () => void = () => {},
  ) {
    this.defer = defer;
    this.onListenerFailed = onListenerFailed;
    this.onDelivered = onDelivered;
  }

  listen(listener: (event: VenueEvent) => void): Disposer {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queues an event; returns its place in line (1 for the first of the run). */
  push(e: VenueEvent): number {
    this.queue.push(e);
    this.emitted++;
    this.scheduleDrain();
    return this.emitted;
  }

  /** Has the event at this place in line reached the listeners? */
  hasDelivered(place: number): boolean {
    return this.delivered >= place;
  }

  undelivered(): number {
    return this.queue.length;
  }

  /** Resolves once every event queued so far has reached the listeners. */
  whenDelivered(): Promise<void> {
    const until = this.emitted;
    if (this.delivered >= until || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ until, resolve }));
  }

  /** Nothing more is delivered; whoever waits is let go. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.stopped) return;
    this.drainScheduled = true;
    this.defer(() => {
      this.drainScheduled = false;
      if (this.stopped) return;
      // One event per call: the engine applies it, checkpoints, and host commands may run between.
      const e = this.queue.shift();
      if (e !== undefined) {
        this.delivered++;
        for (const listener of [...this.listeners]) {
          try {
            listener(e);
          } catch (error) {
            this.onListenerFailed(e, error);
          }
        }
        this.onDelivered();
      }
      this.waiters = this.waiters.filter((w) => {
        if (this.delivered < w.until) return true;
        w.resolve();
        return false;
      });
      if (this.queue.length > 0) this.scheduleDrain();
    });
  }
}
