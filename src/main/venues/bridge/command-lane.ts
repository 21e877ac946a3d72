// One command at a time per venue, in the order the engine gave them: a venue's answers and reports only
// make sense against requests it got in that order. A `throttled` request did nothing at the venue: it
// stays at the head of the line and goes again after the venue's retry-after (with jitter), and everything
// behind it waits. The lane starts out of the engine's stack, so the engine finishes its command first.
import type { DecStr } from '../../../shared/domain/decimal.ts';
import { type BackoffPolicy, backoffDelay, type Timers } from '../backoff.ts';
import type { VenueBracketRequest, VenueOrderRequest, VenueOutcome } from '../venue.ts';

export type Command =
  /** `bracket`: the entry goes with its exits as one native bracket (native-brackets.ts). */
  | { kind: 'submit'; id: string; request: VenueOrderRequest; bracket?: VenueBracketRequest }
  | { kind: 'cancel'; id: string }
  | { kind: 'amend'; id: string; change: { quantity?: DecStr; price?: DecStr } }
  | { kind: 'cancel_all'; id: ''; done: (outcome: VenueOutcome) => void };

/** What a sent command came to: done (leave the line), send it again now, or wait out the venue's limit. */
export type Step = { kind: 'done' } | { kind: 'again' } | { kind: 'throttled'; retryAfterMs: number };

export interface LaneDriver {
  /** Sends one command and says what came of it. */
  send(cmd: Command): Promise<Step>;
  /** The command is about to go on the wire. */
  sending(cmd: Command): void;
  /** The venue refused it for its rate limit: it waits its turn again. */
  throttled(cmd: Command): void;
}

export class CommandLane {
  private readonly queue: Command[] = [];
  private busy = false;
  private throttleTimer: unknown = null;
  private throttleAttempt = 0;
  private pumpScheduled = false;
  private stopped = false;

  private readonly driver: LaneDriver;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly throttleBackoff: BackoffPolicy;

  constructor(driver: LaneDriver, timers: Timers, random: () => number, throttleBackoff: BackoffPolicy) {
    this.driver = driver;
    this.timers = timers;
    this.random = random;
    this.throttleBackoff = throttleBackoff;
  }

  push(cmd: Command): void {
    this.queue.push(cmd);
    this.schedulePump();
  }

  /** Goes after the request on the wire and ahead of everything queued (the kill switch's cancel-all). */
  pushAhead(cmd: Command): void {
    this.queue.splice(this.busy ? 1 : 0, 0, cmd);
    this.schedulePump();
  }

  /** The submit of this order if it has not gone yet (the head is on the wire while a request is out). */
  unsentSubmit(id: string): Extract<Command, { kind: 'submit' }> | undefined {
    const at = this.queue.findIndex((c) => c.kind === 'submit' && c.id === id);
    if (at < 0 || (at === 0 && this.busy)) return undefined;
    return this.queue[at] as Extract<Command, { kind: 'submit' }>;
  }

  /** Takes every queued command of this order out of the line. */
  drop(id: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]?.id === id) this.queue.splice(i, 1);
  }

  /** Takes the queued cancels out (a cancel-all did their work); their order ids, last queued first. */
  takeCancels(): string[] {
    const ids: string[] = [];
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const c = this.queue[i];
      if (c?.kind !== 'cancel') continue;
      this.queue.splice(i, 1);
      ids.push(c.id);
    }
    return ids;
  }

  /** A command for this order is queued or on the wire. */
  has(id: string): boolean {
    return this.queue.some((c) => c.id === id);
  }

  size(): number {
    return this.queue.length;
  }

  inFlight(): boolean {
    return this.busy;
  }

  /** Stops the line: no retry waits, a waiting cancel-all hears the venue is unavailable. */
  stop(): void {
    this.stopped = true;
    if (this.throttleTimer !== null) this.timers.clearTimeout(this.throttleTimer);
    this.throttleTimer = null;
    for (const c of this.queue)
      if (c.kind === 'cancel_all')
        c.done({ kind: 'rejected', reason: 'venue_unavailable', message: 'stopped' });
    this.queue.length = 0;
  }

  private schedulePump(): void {
    // Out of the engine's stack: the engine finishes its command (and its checkpoint) first.
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy || this.stopped || this.throttleTimer !== null) return;
    const cmd = this.queue[0];
    if (!cmd) return;
    this.busy = true;
    this.driver.sending(cmd);
    void this.driver.send(cmd).then((step) => {
      this.busy = false;
      if (this.stopped) return;
      if (step.kind === 'throttled') {
        this.driver.throttled(cmd);
        const wait = backoffDelay(
          this.throttleBackoff,
          this.throttleAttempt++,
          this.random,
          step.retryAfterMs,
        );
        this.throttleTimer = this.timers.setTimeout(() => {
          this.throttleTimer = null;
          this.pump();
        }, wait);
        return;
      }
      this.throttleAttempt = 0;
      if (step.kind === 'done' && this.queue[0] === cmd) this.queue.shift();
      this.pump();
    });
  }
}
