// Signed Kraken requests go one at a time per API key, each with a nonce above the last.
//
// Kraken wants every nonce of a key bigger than the one before, in the order the requests ARRIVE.
// Two requests in flight at once (a poll and an order) can arrive swapped, and the later-signed one
// overtakes: `EAPI:Invalid nonce`, the order refused. Kraken's "nonce window" key setting tolerates that,
// but it is off by default. So signed requests queue: one in flight, the next signed after it is answered.
// Urgent ones (the kill switch, the dead-man refresh) go to the front of the queue.
//
// ccxt's Kraken nonce is `Date.now()` in ms, with nothing stopping two requests in one millisecond from
// sharing it; the lane's nonce is max(clock, last + 1), kept per key for the whole process, so two
// adapters on one key in one process (a restart in place, tests) cannot collide either.
import { createHash } from 'node:crypto';

const lastNonceByKey = new Map<string, number>();

const keyId = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex');

/** A nonce generator for `apiKey`: strictly increasing across every caller in this process. */
export function nonceFor(apiKey: string, clock: () => number): () => number {
  const id = keyId(apiKey);
  return () => {
    const nonce = Math.max(Math.floor(clock()), (lastNonceByKey.get(id) ?? 0) + 1);
    lastNonceByKey.set(id, nonce);
    return nonce;
  };
}

/** One task at a time, in order, urgent ones first. */
export class PrivateLane {
  private busy = false;
  private readonly waiting: Array<{ urgent: boolean; go: () => void }> = [];

  async run<T>(task: () => Promise<T>, urgent = false): Promise<T> {
    await this.turn(urgent);
    try {
      return await task();
    } finally {
      this.next();
    }
  }

  /** Tasks waiting for their turn (not counting the one in flight). */
  get queued(): number {
    return this.waiting.length;
  }

  private turn(urgent: boolean): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((go) => {
      const entry = { urgent, go };
      if (urgent) {
        const firstNormal = this.waiting.findIndex((w) => !w.urgent);
        this.waiting.splice(firstNormal < 0 ? this.waiting.length : firstNormal, 0, entry);
      } else {
        this.waiting.push(entry);
      }
    });
  }

  private next(): void {
    const entry = this.waiting.shift();
    if (entry) entry.go();
    else this.busy = false;
  }
}
