// What the adapter knows of Braid's orders at Hyperliquid: Braid's id by its cloid, each oid's symbol and
// cloid, the newest oid of each cloid (a modify is cancel-replace: a new oid, the same cloid), what each
// oid has filled, and the terms each order was sent with (a cancel-replace sends them again). Kept in
// memory, capped; after a restart a query by Braid's id (orderStatus) teaches it again.
import { type Dec, type DecStr, dec, str } from '../../../shared/domain/decimal.ts';
import type { VenueOrderRequest } from '../venue.ts';
import { cloidOf } from './pricing.ts';

const CAP = 20_000;

/** One of Braid's orders as it was sent: its terms, for a cancel-replace. */
export interface Placed {
  clientOrderId: string;
  cloid: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: VenueOrderRequest['type'];
  /** The whole order (across replacements). */
  quantity: DecStr;
  price?: DecStr;
  stopPrice?: DecStr;
  timeInForce?: VenueOrderRequest['timeInForce'];
  postOnly?: boolean;
  reduceOnly?: boolean;
}

/** Sets `key` last in insertion order, dropping the oldest entry past the cap. */
function put<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > CAP) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

export class OrderIds {
  private readonly braidByCloid = new Map<string, string>();
  private readonly oids = new Map<string, { symbol: string; cloid?: string }>();
  private readonly newest = new Map<string, string>();
  private readonly filled = new Map<string, Dec>();
  private readonly notional = new Map<string, Dec>();
  private readonly sent = new Map<string, Placed>();
  /** Cloids whose modify had no definite answer: the old oid's end is not the order's until the newest is known. */
  private readonly unsettled = new Set<string>();

  /** Braid's id as its cloid, remembered both ways. */
  cloidFor(clientOrderId: string): string {
    const cloid = cloidOf(clientOrderId);
    put(this.braidByCloid, cloid, clientOrderId);
    return cloid;
  }

  braidOf(cloid: string | undefined): string | undefined {
    return cloid === undefined ? undefined : this.braidByCloid.get(cloid);
  }

  isBraids(cloid: string | undefined): boolean {
    return cloid !== undefined && this.braidByCloid.has(cloid);
  }

  rememberOid(oid: string, symbol: string, cloid: string | undefined): void {
    const before = this.oids.get(oid)?.cloid;
    const c = cloid ?? before;
    put(this.oids, oid, { symbol, ...(c ? { cloid: c } : {}) });
  }

  oid(oid: string): { symbol: string; cloid?: string } | undefined {
    return this.oids.get(oid);
  }

  /** The newest oid carrying `cloid`: the one reports speak of. */
  currentOf(cloid: string | undefined): string | undefined {
    return cloid === undefined ? undefined : this.newest.get(cloid);
  }

  setCurrent(cloid: string, oid: string): void {
    put(this.newest, cloid, oid);
  }

  /** A modify of this cloid had no definite answer: replaced or not, only the cloid can tell. */
  replacing(cloid: string): void {
    this.unsettled.add(cloid);
  }

  /** The newest order carrying the cloid is known again (or there is none). */
  replaceSettled(cloid: string): void {
    this.unsettled.delete(cloid);
  }

  isReplacing(cloid: string): boolean {
    return this.unsettled.has(cloid);
  }

  /** The cloids whose newest order is not known, as they are now. */
  unsettledReplacements(): string[] {
    return [...this.unsettled];
  }

  remember(placed: Placed): void {
    put(this.sent, placed.clientOrderId, placed);
  }

  placed(clientOrderId: string): Placed | undefined {
    return this.sent.get(clientOrderId);
  }

  addFill(oid: string, size: Dec, price: DecStr): void {
    put(this.filled, oid, (this.filled.get(oid) ?? dec(0)).plus(size));
    put(this.notional, oid, (this.notional.get(oid) ?? dec(0)).plus(size.times(price)));
  }

  /** Average price of the fills booked for `oid`, if any. */
  averagePrice(oid: string): DecStr | undefined {
    const size = this.filled.get(oid);
    const notional = this.notional.get(oid);
    return size?.gt(0) && notional ? str(notional.div(size).round(8)) : undefined;
  }

  /** What the oids this cloid replaced filled (a modify's new oid starts from its own size). */
  filledBefore(cloid: string | undefined, oid: string): Dec {
    if (!cloid) return dec(0);
    let sum = dec(0);
    for (const [id, size] of this.filled) {
      if (id !== oid && this.oids.get(id)?.cloid === cloid) sum = sum.plus(size);
    }
    return sum;
  }
}
