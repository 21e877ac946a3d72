// Outbound pacing toward the gateway: IB disconnects a client that sends more than 50 messages a second,
// so Braid keeps to 40 (venues.md "Rate limits": under 80 %). A sliding window of the last sends, not a
// refilling bucket, so no one-second window ever holds more than the limit, bursts included. Sends wait
// their turn in order (a bracket's three placeOrders stay in sequence).

export interface PacingOptions {
  /** Messages in any one second. Default 40. */
  perSecond?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class Pacing {
  readonly perSecond: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Send times within the last second, oldest first. */
  private readonly sent: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(options: PacingOptions = {}) {
    this.perSecond = options.perSecond ?? 40;
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Resolves when one more message may go out; the caller sends it at once. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.slot());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Sends `send` in its turn. */
  async send(send: () => void): Promise<void> {
    await this.take();
    send();
  }

  /** Share of the window in use, 0..1 (the Venues panel's rate budget). */
  used(): number {
    this.forget(this.clock());
    return this.sent.length / this.perSecond;
  }

  private async slot(): Promise<void> {
    for (;;) {
      const now = this.clock();
      this.forget(now);
      if (this.sent.length < this.perSecond) {
        this.sent.push(now);
        return;
      }
      const oldest = this.sent[0] ?? now;
      await this.sleep(Math.max(1, oldest + 1000 - now));
    }
  }

  private forget(now: number): void {
    while (this.sent.length > 0 && (this.sent[0] ?? 0) <= now - 1000) this.sent.shift();
  }
}
