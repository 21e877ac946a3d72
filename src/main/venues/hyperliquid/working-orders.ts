// The orders believed working at Hyperliquid, which each poll asks about by oid (orderStatus, weight 2
// each), and the settle window after any order moved: a fill can land after the cancel that ended its
// order, so for a while after a move polls keep reading fills and the open list.
/** After an order moves, how long polls keep reading fills. */
const SETTLE_MS = 10_000;

export class WorkingOrders {
  private readonly oids = new Set<string>();
  private settleUntil = 0;

  watch(oid: string): void {
    this.oids.add(oid);
  }

  /** It ended, was replaced, or Hyperliquid has no such order. */
  drop(oid: string): void {
    this.oids.delete(oid);
  }

  /** The oids to ask about, as they are now (the poll may change the set as it goes). */
  list(): string[] {
    return [...this.oids];
  }

  /** Something moved at `now`: keep reading fills for a while. */
  moved(now: number): void {
    this.settleUntil = Math.max(this.settleUntil, now + SETTLE_MS);
  }

  /** Still within the settle window of the last move. */
  settling(now: number): boolean {
    return now < this.settleUntil;
  }
}
