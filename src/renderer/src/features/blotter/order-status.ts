// How an order reads in the Orders blotter and what a trader may do with it (pure, so tests pin it):
// the status word and its style, the role and type words, and whether Cancel and Modify apply.
// The engine decides again; these only keep a button off a row where it could not work.
import type { OrderRecord } from '../../../../shared/domain/order.ts';
import { WORKING_STATUSES } from '../../../../shared/domain/order.ts';

type Status = OrderRecord['status'];

export const STATUS_LABEL: Readonly<Record<Status, string>> = {
  submitted: 'SUBMITTED',
  accepted: 'WORKING',
  partially_filled: 'PARTIAL',
  pending_cancel: 'CANCELLING',
  pending_modify: 'MODIFYING',
  unknown: 'UNKNOWN',
  held: 'HELD',
  filled: 'FILLED',
  cancelled: 'CANCELLED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
};

/**
 * The status's style class: `working` (at the venue), `pending` (a cancel or change on its way: the
 * order may still fill as it was), `unknown` (the warning colour: the answer was lost), then the ends.
 */
export type StatusTone = 'working' | 'pending' | 'unknown' | 'filled' | 'ended' | 'rejected';

const TONE: Readonly<Record<Status, StatusTone>> = {
  submitted: 'working',
  accepted: 'working',
  partially_filled: 'working',
  pending_cancel: 'pending',
  pending_modify: 'pending',
  unknown: 'unknown',
  held: 'working',
  filled: 'filled',
  cancelled: 'ended',
  expired: 'ended',
  rejected: 'rejected',
};

/** What a status means, for the status cell's tooltip (the codes that need saying). */
const MEANING: Partial<Readonly<Record<Status, string>>> = {
  submitted: 'Sent, not yet acknowledged by the venue',
  pending_cancel: 'Cancel on its way to the venue: the order may still fill until the venue confirms',
  pending_modify: 'Change on its way to the venue: the order works as it was until the venue confirms',
  unknown: 'Outcome unknown, checking with the venue (never resent)',
  held: 'Held by Braid, not at the venue: sent (limit, immediate-or-cancel) once the price reaches it and the stop is cancelled',
  expired: 'Expired at the venue',
};

/** What the learning loop did to an order, for its tooltip: the lessons applied (what each changed), or
 *  that it was a holdout or an exploration; undefined with learning off. */
export function adviceTitle(o: OrderRecord): string | undefined {
  const a = o.advice;
  if (!a) return undefined;
  const chance = `${Math.round(a.propensity * 100)} %`;
  if (a.arm !== 'advised' || a.lessons.length === 0)
    return `${o.id}: ${a.arm === 'holdout' ? 'holdout' : a.arm === 'explore' ? 'exploration' : 'advised'}, no lesson applied (venue chosen with ${chance})`;
  const changes = a.lessons.map(
    (l) => `${l.id}: ${l.effect.replace('_', ' ')} ${l.before} \u2192 ${l.after}`,
  );
  return `${o.id}: lessons applied (venue chosen with ${chance}):\n${changes.join('\n')}`;
}

export const ROLE_LABEL: Readonly<Record<OrderRecord['role'], string>> = {
  entry: 'ENTRY',
  stop_loss: 'STOP',
  take_profit: 'TARGET',
  exit: 'EXIT',
};

export const TYPE_LABEL: Readonly<Record<OrderRecord['type'], string>> = {
  market: 'MKT',
  limit: 'LMT',
  stop: 'STP',
};

/** The type as the blotter shows it: a stop the venue trails itself (IB) is TRAIL. */
export function typeLabel(o: Pick<OrderRecord, 'type' | 'trailPct'>): string {
  return o.type === 'stop' && o.trailPct !== undefined ? 'TRAIL' : TYPE_LABEL[o.type];
}

export const statusLabel = (status: Status): string => STATUS_LABEL[status] ?? String(status).toUpperCase();
export const statusTone = (status: Status): StatusTone => TONE[status] ?? 'ended';

/** The status cell's tooltip: why it was rejected, else what the status means, else nothing. */
export function statusTitle(o: Pick<OrderRecord, 'status' | 'rejectReason'>): string | undefined {
  if (o.rejectReason) return o.rejectReason;
  return MEANING[o.status];
}

const WORKING: ReadonlySet<Status> = WORKING_STATUSES;

/** It may still fill (a pending cancel or change, an unknown outcome, or held by Braid until its price). */
export const isWorking = (o: Pick<OrderRecord, 'status'>): boolean => WORKING.has(o.status);

/** Cancel applies to any working order (an entry, one bracket leg, an exit) not already being cancelled. */
export const canCancel = (o: Pick<OrderRecord, 'status'>): boolean =>
  isWorking(o) && o.status !== 'pending_cancel';

/** Modify applies to a working limit or stop order with nothing on its way to the venue (a held one is
 *  changed in Braid alone). */
export function canModify(o: Pick<OrderRecord, 'status' | 'type' | 'price'>): boolean {
  const settled =
    o.status === 'submitted' ||
    o.status === 'accepted' ||
    o.status === 'partially_filled' ||
    o.status === 'held';
  return settled && o.type !== 'market' && o.price !== undefined;
}
