// The plan book: plans as a state table (like orders/order-state.ts), the plans still in play in arrival
// order, and what the engine tracks for each while it trades (its bracket legs, its exit). Records live in
// the store; this module is the only writer of their status.
import { z } from 'zod';
import type { PlanRecord, PlanStatus, RejectReason } from '../../../shared/domain/plan.ts';
import type { Clock } from '../clock.ts';
import type { EventSink } from '../events.ts';
import { decimalText } from '../state-schema.ts';
import type { Store } from '../store/store.ts';

/** What the engine tracks for a plan while it trades: its bracket legs and exit. */
export interface PlanExec {
  stopOrderId?: string;
  takeProfitOrderId?: string;
  exitOrderId?: string;
  /** The stop has been set or moved by the trailing rule. */
  trailing: boolean;
  /** Live venues: the last stop level asked for (the venue rounds to its tick; a level no better than what
   *  was asked is not asked again). */
  trailAsked?: string;
  /** Its held take-profit was triggered: it goes to the venue once the venue confirms this stop cancelled. */
  releasingStop?: string;
  /** The venue ended this order with `filled` done, more than the engine has booked yet: what follows its
   *  end (the take-profit sent, the position protected again) waits for those fills. */
  awaitFills?: { orderId: string; filled: string };
}

export interface PlanBookState {
  exec: Record<string, PlanExec>;
  duplicatePlanIds: string[];
}

export const planBookStateSchema = z.strictObject({
  exec: z.record(
    z.string(),
    z.strictObject({
      stopOrderId: z.string().optional(),
      takeProfitOrderId: z.string().optional(),
      exitOrderId: z.string().optional(),
      trailing: z.boolean(),
      trailAsked: decimalText.optional(),
      // Version 2 (engine-held take-profits): absent in version 1.
      releasingStop: z.string().optional(),
      awaitFills: z.strictObject({ orderId: z.string(), filled: decimalText }).optional(),
    }),
  ),
  duplicatePlanIds: z.array(z.string()),
});

// A finished plan comes back to `open` when a fill arrives late (the venue filled before it saw the cancel,
// or before the plan was closed): the money is real.
const LATE_FILL: readonly PlanStatus[] = ['open'];
const TRANSITIONS: Record<PlanStatus, readonly PlanStatus[]> = {
  pending_approval: ['armed', 'working', 'rejected', 'expired', 'cancelled'],
  armed: ['working', 'rejected', 'expired', 'cancelled'],
  working: ['open', 'rejected', 'expired', 'cancelled'],
  open: ['closed'],
  closed: LATE_FILL,
  rejected: LATE_FILL,
  expired: LATE_FILL,
  cancelled: LATE_FILL,
};

export function canPlanTransition(from: PlanStatus, to: PlanStatus): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

export class IllegalPlanTransition extends Error {
  constructor(planId: string, from: PlanStatus, to: PlanStatus) {
    super(`plan ${planId}: illegal transition ${from} -> ${to}`);
    this.name = 'IllegalPlanTransition';
  }
}

export function isTerminalPlan(status: PlanStatus): boolean {
  return status === 'closed' || status === 'rejected' || status === 'expired' || status === 'cancelled';
}

/** Called when a plan finishes (its order id counters can go) or comes back (its spent ids stay spent). */
export interface PlanBookHooks {
  ended(planId: string): void;
  reopened(planId: string): void;
}

export class PlanBook {
  /** Plans not yet terminal, in arrival order: what bars and commands must look at. */
  private active = new Set<string>();
  private exec = new Map<string, PlanExec>();
  private duplicateIds: string[] = [];
  private readonly store: Store;
  private readonly events: EventSink;
  private readonly clock: Clock;
  hooks: PlanBookHooks = { ended: () => {}, reopened: () => {} };

  constructor(store: Store, events: EventSink, clock: Clock) {
    this.store = store;
    this.events = events;
    this.clock = clock;
  }

  get(planId: string): PlanRecord | undefined {
    return this.store.plans.get(planId);
  }

  /** A copy, so that plans may change status while the caller walks the list. */
  activePlans(): PlanRecord[] {
    const list: PlanRecord[] = [];
    for (const id of this.active) list.push(this.store.plans.get(id)!);
    return list;
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** The plan's execution record (created on first use). */
  execOf(planId: string): PlanExec {
    let ex = this.exec.get(planId);
    if (!ex) {
      ex = { trailing: false };
      this.exec.set(planId, ex);
    }
    return ex;
  }

  /** The plan's execution record if it has one (a view must not create it). */
  execIfAny(planId: string): PlanExec | undefined {
    return this.exec.get(planId);
  }

  /** A plan arriving (not yet announced: the caller emits once it is judged). */
  add(plan: PlanRecord): void {
    this.store.plans.set(plan.id, plan);
    this.active.add(plan.id);
  }

  set(planId: string, patch: Partial<PlanRecord>): void {
    const plan = this.store.plans.get(planId)!;
    const next: PlanRecord = { ...plan, ...patch, updatedAt: this.clock.time };
    if (!canPlanTransition(plan.status, next.status))
      throw new IllegalPlanTransition(planId, plan.status, next.status);
    this.store.plans.set(planId, next);
    if (isTerminalPlan(next.status)) {
      this.exec.delete(planId);
      this.active.delete(planId);
      this.hooks.ended(planId);
    } else {
      this.active.add(planId);
      if (isTerminalPlan(plan.status)) this.hooks.reopened(planId);
    }
    this.events.emit({ type: 'plan', plan: next });
  }

  emit(planId: string): void {
    this.events.emit({ type: 'plan', plan: this.store.plans.get(planId)! });
  }

  reject(planId: string, reason: RejectReason, detail: string): void {
    this.set(planId, { status: 'rejected', reason });
    this.events.notice('warning', reason, `plan ${planId} rejected: ${detail}`, planId);
  }

  /** A plan id seen before: noted once (true the first time). */
  noteDuplicate(planId: string): boolean {
    if (this.duplicateIds.includes(planId)) return false;
    this.duplicateIds.push(planId);
    return true;
  }

  get duplicates(): readonly string[] {
    return this.duplicateIds;
  }

  state(): PlanBookState {
    return {
      exec: Object.fromEntries([...this.exec].map(([k, v]) => [k, { ...v }])),
      duplicatePlanIds: [...this.duplicateIds],
    };
  }

  /** The live state; the plans themselves are the store's (rebuilt from the journal first). */
  restore(s: PlanBookState): void {
    this.exec = new Map(Object.entries(s.exec).map(([k, v]) => [k, { ...v }]));
    this.duplicateIds = [...s.duplicatePlanIds];
    this.active = new Set(
      [...this.store.plans.values()].filter((p) => !isTerminalPlan(p.status)).map((p) => p.id),
    );
  }
}
