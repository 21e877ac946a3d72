// The venue trade ids the bridge has passed to the engine, so a fill that comes by two paths (the venue's
// push and a poll, a poll and reconciliation) reaches the engine once.
//
// Bounded, so a long run does not grow it without end: an order's trade ids are kept while the order
// works; once it has ended they join the last `keptAfterEnd` trade ids of ended orders, and the oldest of
// those is forgotten only once the engine has had it (its delivery is done). A repeat of a forgotten trade
// then reaches the engine, whose own dedupe drops it: engine/orders/order-router.ts bookTrade keeps every
// trade id of a working order and the venue's last 1,000 (BOOKED_TRADES_KEPT) of the rest, and events reach
// the engine in the order they were queued, so the first copy is always booked before a repeat arrives.
// A restart starts this memory empty anyway: the engine's is the one that lasts.

/** Trade ids of ended orders kept by default: as many as the engine keeps of its own. */
export const TRADES_KEPT_AFTER_END = 1_000;

export class DeliveredTrades {
  /** Every trade id remembered, with its place in the delivery line. */
  private readonly places = new Map<string, number>();
  /** Trade ids of orders still working, by order. */
  private readonly working = new Map<string, string[]>();
  /** Trade ids of ended orders, oldest first. */
  private readonly ended: string[] = [];

  private readonly keptAfterEnd: number;
  /** Has the event at this place in the delivery line reached the engine? */
  private readonly delivered: (place: number) => boolean;

  constructor(keptAfterEnd: number, delivered: (place: number) => boolean) {
    this.keptAfterEnd = keptAfterEnd;
    this.delivered = delivered;
  }

  has(tradeId: string): boolean {
    return this.places.has(tradeId);
  }

  /** A fill of Braid's order queued for the engine at `place`; `orderEnded`: a late fill. */
  remember(tradeId: string, orderId: string, place: number, orderEnded: boolean): void {
    this.places.set(tradeId, place);
    if (orderEnded) {
      this.ended.push(tradeId);
      this.forgetBooked();
      return;
    }
    const list = this.working.get(orderId);
    if (list) list.push(tradeId);
    else this.working.set(orderId, [tradeId]);
  }

  /** The order ended: its trade ids may be forgotten in their turn. */
  orderEnded(orderId: string): void {
    const list = this.working.get(orderId);
    if (!list) return;
    this.working.delete(orderId);
    this.ended.push(...list);
    this.forgetBooked();
  }

  /** Forgets the oldest trade ids of ended orders past the kept number, as far as the engine has them. */
  forgetBooked(): void {
    while (this.ended.length > this.keptAfterEnd) {
      const oldest = this.ended[0]!;
      const place = this.places.get(oldest);
      if (place !== undefined && !this.delivered(place)) return;
      this.ended.shift();
      this.places.delete(oldest);
    }
  }

  /** How many trade ids are remembered. */
  size(): number {
    return this.places.size;
  }
}
