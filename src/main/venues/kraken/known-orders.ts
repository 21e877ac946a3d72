// What the adapter remembers of the orders it placed or saw: each one's pair (for the per-pair rate
// counter and AmendOrder), Braid's client id (fills name it; Kraken's trades do not), when it was placed
// (cancel penalties, and the open list read before it was), and whether it is believed open at Kraken.
// Braid's id travels as a cl_ord_id Kraken accepts (krakenClientOrderId); the two are remembered so a
// report names the order by Braid's id again. Bounded: the oldest are forgotten first.
import { krakenClientOrderId } from './mapping.ts';

export interface KnownOrder {
  clientOrderId?: string;
  symbol: string;
  placedAt?: number;
}

const KNOWN_ORDERS_CAP = 20_000;

export class KnownOrders {
  private readonly known = new Map<string, KnownOrder>();
  /** Braid's id by the cl_ord_id it travels as (where the two differ). */
  private readonly braidIds = new Map<string, string>();
  /** Orders believed open at Kraken: the last open list, and those placed or pushed open since. */
  private working = new Set<string>();

  get(venueOrderId: string): KnownOrder | undefined {
    return this.known.get(venueOrderId);
  }

  /** Braid's id for a Kraken order, if known. */
  clientOrderIdOf(venueOrderId: string): string | undefined {
    return this.known.get(venueOrderId)?.clientOrderId;
  }

  /** What is known of an order, merged with what was known before (the newest last). */
  remember(venueOrderId: string, order: KnownOrder): void {
    const before = this.known.get(venueOrderId);
    this.known.delete(venueOrderId);
    this.known.set(venueOrderId, {
      symbol: order.symbol,
      clientOrderId: order.clientOrderId ?? before?.clientOrderId,
      placedAt: order.placedAt ?? before?.placedAt,
    });
    if (this.known.size > KNOWN_ORDERS_CAP) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  /** The cl_ord_id Braid's id travels as, remembered so reports name the order by Braid's id. */
  clOrdIdOf(clientOrderId: string): string {
    const clOrdId = krakenClientOrderId(clientOrderId);
    if (clOrdId !== clientOrderId) {
      this.braidIds.set(clOrdId, clientOrderId);
      if (this.braidIds.size > KNOWN_ORDERS_CAP) {
        const oldest = this.braidIds.keys().next().value;
        if (oldest !== undefined) this.braidIds.delete(oldest);
      }
    }
    return clOrdId;
  }

  /** Braid's id for the cl_ord_id Kraken reported. */
  braidIdOf(clOrdId: string): string {
    return this.braidIds.get(clOrdId) ?? clOrdId;
  }

  /** Kraken's txid for Braid's id, if the order was seen. */
  txidOf(clientOrderId: string): string | undefined {
    for (const [txid, k] of this.known) if (k.clientOrderId === clientOrderId) return txid;
    return undefined;
  }

  markWorking(venueOrderId: string): void {
    this.working.add(venueOrderId);
  }

  markDone(venueOrderId: string): void {
    this.working.delete(venueOrderId);
  }

  /** Has an order believed open left this open list? */
  anyWorkingLeft(openIds: Set<string>): boolean {
    return [...this.working].some((id) => !openIds.has(id));
  }

  /** Working from here: what the open list held, and what was placed while it was being read. */
  workingFrom(openIds: Set<string>, listReadAt: number): void {
    const placedSince = [...this.working].filter((id) => (this.known.get(id)?.placedAt ?? 0) >= listReadAt);
    this.working = new Set([...openIds, ...placedSince]);
  }
}
