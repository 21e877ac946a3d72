// Fans state changes out to subscribers: a snapshot when one joins, then batches of events, at most one
// message per frame per subscriber so a burst of engine events (a kill switch, a replay catch-up) costs
// the UI one render, not hundreds.
import type { AppEvent, AppSnapshot, PushMessage } from '../../shared/contract.ts';
import { FRAME_MS } from '../../shared/contract.ts';
import type { Disposer } from './types.ts';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface PushHub {
  publish(event: AppEvent): void;
  subscribe(listener: (message: PushMessage) => void): Disposer;
  /** Drops pending events and subscribers; no message is sent after it. */
  dispose(): void;
  /** Subscribers and events waiting for the next frame: both zero once every client has left. */
  stats(): { subscribers: number; pending: number };
}

interface Subscriber {
  listener: (message: PushMessage) => void;
  /** Pending events already contained in this subscriber's snapshot. */
  skip: number;
}

export function createPushHub(options: {
  snapshot: () => AppSnapshot;
  frameMs?: number;
  timers?: Timers;
  onListenerError?: (error: unknown) => void;
}): PushHub {
  const frameMs = options.frameMs ?? FRAME_MS;
  const timers = options.timers ?? realTimers;
  const subscribers = new Set<Subscriber>();
  let pending: AppEvent[] = [];
  let timer: unknown = null;
  let disposed = false;

  const deliver = (sub: Subscriber, message: PushMessage) => {
    try {
      sub.listener(message);
    } catch (error) {
      options.onListenerError?.(error);
    }
  };

  const flush = () => {
    timer = null;
    const events = pending;
    pending = [];
    for (const sub of subscribers) {
      const mine = sub.skip > 0 ? events.slice(sub.skip) : events;
      sub.skip = 0;
      if (mine.length > 0) deliver(sub, { kind: 'events', events: mine });
    }
  };

  return {
    publish(event) {
      if (disposed || subscribers.size === 0) return;
      pending.push(event);
      // The timer starts at the first event of a batch: latency at most one frame, and two messages to
      // one subscriber are always at least a frame apart.
      if (timer === null) timer = timers.setTimeout(flush, frameMs);
    },
    subscribe(listener) {
      if (disposed) return () => {};
      // The snapshot already contains the pending events: this subscriber skips them at the next flush.
      const sub: Subscriber = { listener, skip: pending.length };
      subscribers.add(sub);
      deliver(sub, { kind: 'snapshot', snapshot: options.snapshot() });
      return () => {
        subscribers.delete(sub);
        // The last one gone: nothing is kept for no one (publish keeps nothing either while empty).
        if (subscribers.size === 0) {
          if (timer !== null) timers.clearTimeout(timer);
          timer = null;
          pending = [];
        }
      };
    },
    dispose() {
      disposed = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      pending = [];
      subscribers.clear();
    },
    stats: () => ({ subscribers: subscribers.size, pending: pending.length }),
  };
}
