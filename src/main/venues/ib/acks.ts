// What each order request waits for: IB's first word on a placeOrder (openOrder or orderStatus: accepted;
// an error for its id: rejected), the end of an order after cancelOrder, or nothing within the time
// limit (unknown: the order may exist, and is never sent again). One waiter per orderId.
import type { Timers } from '../backoff.ts';
import type { VenueOutcome } from '../venue.ts';
import { isWorking, type KnownOrder } from './known-orders.ts';

interface Ack {
  resolve: (outcome: VenueOutcome) => void;
  timer: unknown;
  /** A cancel waits for the end, not the first word. */
  forCancel: boolean;
}

export class OrderAcks {
  private readonly pending = new Map<number, Ack>();
  private readonly timers: Timers;
  private readonly clock: () => number;
  private readonly timeoutMs: number;
  /** From the last request sent to its answer (the Venues panel's latency). */
  latencyMs: number | null = null;

  constructor(timers: Timers, clock: () => number, timeoutMs: number) {
    this.timers = timers;
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  get(orderId: number): Ack | undefined {
    return this.pending.get(orderId);
  }

  has(orderId: number): boolean {
    return this.pending.has(orderId);
  }

  /** IB's first word on an order answers its submit (or modify); a cancel waits for the end. */
  answered(orderId: number, known: KnownOrder): void {
    const ack = this.pending.get(orderId);
    if (!ack) return;
    if (ack.forCancel) {
      if (!isWorking(known))
        this.settle(orderId, { kind: 'accepted', venueOrderId: String(orderId), time: this.clock() });
      return;
    }
    if (known.status === 'Inactive')
      this.settle(orderId, {
        kind: 'rejected',
        reason: 'rejected',
        message: known.why ?? 'IB holds the order inactive',
      });
    else this.settle(orderId, { kind: 'accepted', venueOrderId: String(orderId), time: this.clock() });
  }

  wait(orderId: number, forCancel: boolean, sentAt: number): Promise<VenueOutcome> {
    // One waiter per order: an earlier one still waiting is answered, never left hanging.
    if (this.pending.has(orderId))
      this.settle(orderId, { kind: 'unknown', message: `superseded by a later request on order ${orderId}` });
    return new Promise((resolve) => {
      const timer = this.timers.setTimeout(
        () =>
          this.settle(orderId, { kind: 'unknown', message: `IB did not answer order ${orderId} in time` }),
        this.timeoutMs,
      );
      this.pending.set(orderId, {
        resolve: (outcome) => {
          this.latencyMs = this.clock() - sentAt;
          resolve(outcome);
        },
        timer,
        forCancel,
      });
    });
  }

  settle(orderId: number, outcome: VenueOutcome): void {
    const ack = this.pending.get(orderId);
    if (!ack) return;
    this.pending.delete(orderId);
    this.timers.clearTimeout(ack.timer);
    ack.resolve(outcome);
  }

  failAll(message: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { kind: 'unknown', message });
  }
}
