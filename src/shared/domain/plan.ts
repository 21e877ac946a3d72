import type { DecStr } from './decimal.ts';

export type Side = 'buy' | 'sell';
export type EntryType = 'market' | 'limit' | 'stop';

/** A trading plan as it arrives from upstream (decimals as canonical strings). */
export interface PlanInput {
  id: string;
  symbol: string;
  side: Side;
  entry: { type: EntryType; price?: DecStr };
  condition?: { kind: 'price_above' | 'price_below'; price: DecStr };
  stopLoss?: DecStr;
  takeProfit?: DecStr;
  trailPct?: DecStr;
  quantity?: DecStr;
  confidence?: number;
  expected?: { returnPct?: number; holdMinutes?: number };
  /** Epoch milliseconds. */
  expiresAt?: number;
  venue?: string;
  timeframe?: string;
  /** Absent: the venue's default (GTC; DAY on IB). DAY needs a venue with day orders (IB). */
  timeInForce?: 'DAY' | 'GTC';
  /** Let the entry work outside regular trading hours (IB's outsideRth); ignored off IB. */
  outsideRth?: boolean;
}

export type PlanStatus =
  | 'pending_approval'
  | 'armed'
  | 'working'
  | 'open'
  | 'closed'
  | 'rejected'
  | 'expired'
  | 'cancelled';

export const TERMINAL_PLAN_STATUSES: ReadonlySet<PlanStatus> = new Set([
  'closed',
  'rejected',
  'expired',
  'cancelled',
]);

/** Why a plan was refused. Every code is named in docs/architecture.md and pinned by a test. */
export type RejectReason =
  // semantic validation at intake
  | 'unknown_symbol'
  | 'invalid_quantity'
  | 'invalid_price'
  | 'invalid_stop_loss'
  | 'invalid_take_profit'
  | 'invalid_trail'
  | 'unknown_venue'
  // DAY asked of a venue that has good-till-cancelled only (Kraken, Hyperliquid through ccxt)
  | 'time_in_force_unsupported'
  // sizing and risk at submission
  | 'size_below_min'
  | 'halted'
  | 'reducing'
  | 'max_open_positions'
  | 'position_exists'
  | 'max_notional'
  | 'insufficient_funds'
  | 'daily_loss_limit'
  | 'pdt_limit'
  | 'no_price'
  // routing: the plan's venue is not live, not connected or still reconciling
  | 'venue_unavailable'
  // operator
  | 'operator';

export interface PlanRecord {
  id: string;
  input: PlanInput;
  status: PlanStatus;
  reason?: RejectReason | string;
  /** Sized quantity once the entry was sized. */
  quantity?: DecStr;
  receivedAt: number;
  updatedAt: number;
  /** The entry order's client id once submitted. */
  entryOrderId?: string;
  /** While waiting for approval: the engine's sizing at arrival (it sizes again when approved). */
  preview?: { quantity: DecStr; ref: DecStr };
  /** The curators' score at arrival (the seed notes' curators): shown with its breakdown in the approval
   *  queue; above `autoApproveAboveScore` the plan executes without a click. Absent: not scored. */
  score?: PlanScore;
}

export type CuratorName = 'execution' | 'venue' | 'risk' | 'position';

/** Each curator's contribution in [0, 1] from what Braid knows, weighted; `total` is the weighted sum. */
export interface PlanScore {
  total: number;
  parts: Array<{ curator: CuratorName; value: number; weight: number; why: string }>;
}

/** What a plan would become if sent now: the engine's own sizing and checks, nothing recorded. */
export interface PlanPreview {
  quantity: DecStr | null;
  ref: DecStr | null;
  notional: DecStr | null;
  /** |ref - stop| x quantity; null without a stop. */
  risk: DecStr | null;
  problems: { field: string; code: string; message: string }[];
}
