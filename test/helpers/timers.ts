// Timers run by hand: time only moves when the test says, so nothing depends on how busy the machine is.
import type { Timers } from '../../src/main/host/push-hub.ts';

export interface ManualTimers {
  timers: Timers;
  /** Moves time on by `ms`, running every timer that falls due, earliest first (and those they set). */
  advance(ms: number): void;
  /** Timers set and not yet run or cleared. */
  pending(): number;
}

export function manualTimers(): ManualTimers {
  let now = 0;
  let queue: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  const timers: Timers = {
    setTimeout(fn, ms) {
      const id = nextId++;
      queue.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(id) {
      queue = queue.filter((t) => t.id !== id);
    },
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = queue.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      queue = queue.filter((t) => t !== due);
      now = due.at;
      due.fn();
    }
    now = until;
  };
  return { timers, advance, pending: () => queue.length };
}
