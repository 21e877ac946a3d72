// What the adapter has told Braid: each fill once per trade id (what it filled is counted against its
// oid, for a replacement's size and the average price), and an order report only when it says
// something new. A replaced oid's end is not the order's end (the replacement carries it on), so it is
// not reported. The fill cursor (the latest fill booked) says where polls read fills from.
import { dec } from '../../../shared/domain/decimal.ts';
import type { VenueEvent, VenueFill, VenueOrderReport } from '../venue.ts';
import type { OrderIds } from './order-ids.ts';
import type { WorkingOrders } from './working-orders.ts';

/** How far behind its cursor a fill read starts again (venue time may lag ours; dedupe by tid). */
export const LOOKBACK_MS = 60_000;
/** Reports remembered (to say nothing twice) before the oldest are forgotten. */
const REPORTED_CAP = 20_000;

const reportKey = (r: VenueOrderReport) =>
  [r.venueOrderId, r.state, r.filledQuantity, r.quantity, r.price ?? '', r.stopPrice ?? ''].join('|');

/** Filled, cancelled, rejected, expired: no later report changes it. */
export const isTerminal = (r: VenueOrderReport) =>
  r.state !== 'open' && r.state !== 'partially_filled' && r.state !== 'pending';

export interface ReportBookOptions {
  ids: OrderIds;
  working: WorkingOrders;
  emit: (event: VenueEvent) => void;
}

export class ReportBook {
  private readonly o: ReportBookOptions;
  private readonly emittedTids = new Map<string, number>();
  private readonly reported = new Map<string, string>();
  private cursor = 0;

  constructor(options: ReportBookOptions) {
    this.o = options;
  }

  /** The latest fill booked (epoch ms). */
  get fillCursor(): number {
    return this.cursor;
  }

  /** The cursor at `time` (connect: nothing before it is Braid's news). */
  startAt(time: number): void {
    this.cursor = time;
  }

  /** A fill, once per tid. */
  bookFill(fill: VenueFill): void {
    if (this.emittedTids.has(fill.tradeId)) return;
    this.emittedTids.set(fill.tradeId, fill.time);
    this.o.ids.addFill(fill.venueOrderId, dec(fill.quantity), fill.price);
    this.cursor = Math.max(this.cursor, fill.time);
    this.o.emit({ type: 'fill', fill });
  }

  /** An order report, unless the last one said the same or it is the end of a replaced oid. */
  bookReport(report: VenueOrderReport): void {
    const { ids, working } = this.o;
    const cloid = ids.oid(report.venueOrderId)?.cloid;
    const current = ids.currentOf(cloid);
    if (isTerminal(report)) working.drop(report.venueOrderId);
    if (current !== undefined && current !== report.venueOrderId) return;
    if (cloid !== undefined && ids.isReplacing(cloid) && isTerminal(report)) return;
    const key = reportKey(report);
    if (this.reported.get(report.venueOrderId) === key) return;
    this.reported.set(report.venueOrderId, key);
    this.o.emit({ type: 'order', report });
  }

  /** Forgets trade ids no later read can bring back (behind the cursor by more than the lookback). */
  prune(): void {
    const horizon = this.cursor - 2 * LOOKBACK_MS;
    for (const [tid, time] of this.emittedTids) if (time < horizon) this.emittedTids.delete(tid);
    if (this.reported.size > REPORTED_CAP) {
      for (const id of [...this.reported.keys()].slice(0, this.reported.size - REPORTED_CAP))
        this.reported.delete(id);
    }
  }
}
