// Hyperliquid's REST budget: 1200 weight per rolling minute per IP. /exchange costs 1 + floor(n/40) for a
// batch of n; /info costs 2 for the light reads, 60 for userRole, 20 for the rest, and the history reads
// (userFills, userFillsByTime, historicalOrders, …) another 1 per 20 items answered, candleSnapshot per 60.
const LIGHT = new Set([
  'l2Book',
  'allMids',
  'clearinghouseState',
  'orderStatus',
  'spotClearinghouseState',
  'exchangeStatus',
]);
const PER_20 = new Set([
  'userFills',
  'userFillsByTime',
  'historicalOrders',
  'userFunding',
  'fundingHistory',
  'userNonFundingLedgerUpdates',
  'recentTrades',
]);

export const infoWeight = (type: string): number => (LIGHT.has(type) ? 2 : type === 'userRole' ? 60 : 20);

/** The weight charged after the answer, for its length. */
export function itemsWeight(type: string, items: number): number {
  if (PER_20.has(type)) return Math.floor(items / 20);
  if (type === 'candleSnapshot') return Math.floor(items / 60);
  return 0;
}

export const exchangeWeight = (batch: number): number => 1 + Math.floor(batch / 40);

export interface WeightView {
  used: number;
  peak: number;
  max: number;
}

/** One rolling-minute window per IP; a request that would pass the limit is refused and not charged. */
export class WeightWindow {
  private readonly spent = new Map<string, Array<{ at: number; w: number }>>();
  private peak = 0;
  readonly max: number;
  constructor(max: number) {
    this.max = max;
  }

  used(ip: string, now: number): number {
    const list = (this.spent.get(ip) ?? []).filter((x) => x.at > now - 60_000);
    this.spent.set(ip, list);
    return list.reduce((a, x) => a + x.w, 0);
  }

  charge(ip: string, w: number, now: number): boolean {
    const used = this.used(ip, now);
    if (used + w > this.max) return false;
    this.spent.get(ip)!.push({ at: now, w });
    this.peak = Math.max(this.peak, used + w);
    return true;
  }

  /** Post-answer weight (history items) is charged even past the limit: the next request pays. */
  add(ip: string, w: number, now: number): void {
    if (w <= 0) return;
    this.used(ip, now);
    this.spent.get(ip)!.push({ at: now, w });
    this.peak = Math.max(this.peak, this.used(ip, now));
  }

  view(ip: string, now: number): WeightView {
    return { used: this.used(ip, now), peak: this.peak, max: this.max };
  }
}
