// The venue trade ids the bridge has passed to the engine in this run, so a fill that comes by two paths
// (the venue's push and a poll, a poll and reconciliation) reaches the engine once.

export class DeliveredTrades {
  private readonly ids = new Set<string>();

  has(tradeId: string): boolean {
    return this.ids.has(tradeId);
  }

  remember(tradeId: string): void {
    this.ids.add(tradeId);
  }
}
