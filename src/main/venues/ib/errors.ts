// IB's message codes as Braid reads them (stoqey ErrorCode; IB's "message codes" page). System messages
// come with id -1, which @stoqey/ib turns into `info` events, not errors: an adapter listening to
// `error` alone would never see connectivity lost.
import type { VenueRejectReason } from '../venue.ts';

export const CONNECTIVITY_LOST = 1100;
export const RESTORED_DATA_LOST = 1101;
export const RESTORED_DATA_KEPT = 1102;
export const CLIENT_ID_IN_USE = 326;
export const DUPLICATE_ORDER_ID = 103;
export const ORDER_REJECTED = 201;
export const ORDER_CANCELLED = 202;
/** "Order cannot be cancelled" / unknown order on cancel: the order is already gone. */
export const CANCEL_REFUSED = new Set([161, 10147, 10148]);
/** Client-side: the socket could not connect, is not connected. */
export const CONNECT_FAILED = new Set([502, 504, 1300]);

/** Codes about an order that are warnings, not its end (399: held until the open; 2100+: notices). */
export function isOrderWarning(code: number): boolean {
  return code === 399 || code === 404 || code === 10167 || code === 10168 || code >= 2100;
}

/** Why IB refused an order, from its code and text. */
export function rejectReason(code: number, text: string): VenueRejectReason {
  const t = text.toLowerCase();
  if (t.includes('insufficient') || t.includes('margin') || t.includes('buying power'))
    return 'insufficient_funds';
  if (code === 110 || code === 200 || code === 320 || code === 321 || code === 388) return 'invalid_order';
  if (t.includes('minimum') && t.includes('size')) return 'size_below_min';
  return 'rejected';
}
