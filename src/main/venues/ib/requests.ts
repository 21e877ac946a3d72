// Reads that IB answers as a stream of messages closed by an end message (contract details,
// executions, account summary, historical bars), matched by request id; and the reads without one
// (open orders, positions), one at a time. Each read ends with its items, an IB error for its id, a
// dropped connection, or a time limit: never a promise that hangs.
import type { Timers } from '../backoff.ts';
import type { VenueRead } from '../venue.ts';

/**
 * Request ids start far above any order id: IB's error message carries either in one field, so the two
 * must never meet.
 */
const FIRST_REQ_ID = 2_000_000_000;

interface Pending {
  items: unknown[];
  done: (read: VenueRead<unknown[]>) => void;
  timer: unknown;
}

export class Requests {
  private nextId = FIRST_REQ_ID;
  private readonly pending = new Map<number, Pending>();
  private readonly timers: Timers;
  private readonly timeoutMs: number;

  constructor(timers: Timers, timeoutMs: number) {
    this.timers = timers;
    this.timeoutMs = timeoutMs;
  }

  newId(): number {
    this.nextId += 1;
    if (this.nextId >= 2_147_000_000) this.nextId = FIRST_REQ_ID;
    return this.nextId;
  }

  /** Starts a read under a fresh id (`send` puts it on the wire) and resolves when it ends. */
  read<T>(
    what: string,
    send: (reqId: number) => void | Promise<void>,
    reqId = this.newId(),
  ): Promise<VenueRead<T[]>> {
    return new Promise((resolve) => {
      const timer = this.timers.setTimeout(() => {
        this.finish(reqId, { ok: false, message: `IB did not answer ${what} in time`, retryable: true });
      }, this.timeoutMs);
      this.pending.set(reqId, { items: [], done: resolve as (r: VenueRead<unknown[]>) => void, timer });
      Promise.resolve(send(reqId)).catch((e: unknown) =>
        this.finish(reqId, { ok: false, message: `${what}: ${(e as Error).message}`, retryable: true }),
      );
    });
  }

  has(reqId: number): boolean {
    return this.pending.has(reqId);
  }

  item(reqId: number, item: unknown): void {
    this.pending.get(reqId)?.items.push(item);
  }

  end(reqId: number): void {
    const p = this.pending.get(reqId);
    if (p) this.finish(reqId, { ok: true, value: p.items });
  }

  /** An IB error for this id: the read failed. Returns whether the id was a read's. */
  failed(reqId: number, message: string): boolean {
    if (!this.pending.has(reqId)) return false;
    this.finish(reqId, { ok: false, message, retryable: true });
    return true;
  }

  /** The connection dropped: every read in flight fails (the caller may ask again). */
  failAll(message: string): void {
    for (const id of [...this.pending.keys()]) this.finish(id, { ok: false, message, retryable: true });
  }

  private finish(reqId: number, read: VenueRead<unknown[]>): void {
    const p = this.pending.get(reqId);
    if (!p) return;
    this.pending.delete(reqId);
    this.timers.clearTimeout(p.timer);
    p.done(read);
  }
}

/** Open orders and positions have no request id: the stream runs from the request to its end message. */
export class Collector<T> {
  private current: { items: T[]; waiters: ((r: VenueRead<T[]>) => void)[]; timer: unknown } | null = null;
  private readonly timers: Timers;
  private readonly timeoutMs: number;
  private readonly what: string;

  constructor(what: string, timers: Timers, timeoutMs: number) {
    this.what = what;
    this.timers = timers;
    this.timeoutMs = timeoutMs;
  }

  /** Joins the read in flight, or starts one with `send`. */
  read(send: () => void | Promise<void>): Promise<VenueRead<T[]>> {
    return new Promise((resolve) => {
      if (this.current) {
        this.current.waiters.push(resolve);
        return;
      }
      const timer = this.timers.setTimeout(
        () => this.finish({ ok: false, message: `IB did not answer ${this.what} in time`, retryable: true }),
        this.timeoutMs,
      );
      this.current = { items: [], waiters: [resolve], timer };
      Promise.resolve(send()).catch((e: unknown) =>
        this.finish({ ok: false, message: `${this.what}: ${(e as Error).message}`, retryable: true }),
      );
    });
  }

  get active(): boolean {
    return this.current !== null;
  }

  item(item: T): void {
    this.current?.items.push(item);
  }

  end(): void {
    if (this.current) this.finish({ ok: true, value: this.current.items });
  }

  fail(message: string): void {
    this.finish({ ok: false, message, retryable: true });
  }

  private finish(read: VenueRead<T[]>): void {
    const c = this.current;
    if (!c) return;
    this.current = null;
    this.timers.clearTimeout(c.timer);
    for (const w of c.waiters) w(read);
  }
}
