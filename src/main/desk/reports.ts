// What the desk hears from the engine, as the seed notes' strands: the decision on each plan and every
// plan status change, order, fill and learning strand after it, each with its tags and a key that names
// the fact itself (so a report written again after a crash, or read again from a snapshot, is written once).
import type { EngineEvent } from '../../shared/domain/engine-view.ts';
import type { Strand } from '../../shared/domain/learning.ts';
import type { FillRecord, OrderRecord } from '../../shared/domain/order.ts';
import type { PlanRecord } from '../../shared/domain/plan.ts';

/** Tags (seed notes "Communication Protocol"): plan and order outcomes go to the decision maker. */
export const TAGS = {
  decision: ['dm:execution_report'],
  planStatus: ['dm:execution_report'],
  order: ['dm:execution_report', 'trader:order_status'],
  fill: ['dm:execution_report', 'trader:order_status', 'cil:execution_insights'],
  insight: ['trader:execution_insights', 'cil:execution_insights'],
} as const;

export type ReportKind = 'decision' | 'plan_status' | 'order' | 'fill' | 'strand';

export interface Report {
  key: string;
  planId: string;
  kind: ReportKind;
  tags: readonly string[];
  body: Record<string, unknown>;
}

/** What a door answered for the plan: the engine's decision. */
export function decisionReport(
  planId: string,
  outcome: { outcome: string; status?: string; reason?: string; message?: string },
): Report {
  return {
    key: `decision:${planId}`,
    planId,
    kind: 'decision',
    tags: TAGS.decision,
    body: { ...outcome },
  };
}

export function planReport(plan: PlanRecord): Report {
  return {
    key: `plan:${plan.id}:${plan.status}`,
    planId: plan.id,
    kind: 'plan_status',
    tags: TAGS.planStatus,
    body: {
      status: plan.status,
      ...(plan.reason !== undefined ? { reason: plan.reason } : {}),
      ...(plan.quantity !== undefined ? { quantity: plan.quantity } : {}),
      ...(plan.entryOrderId !== undefined ? { entryOrderId: plan.entryOrderId } : {}),
      at: plan.updatedAt,
    },
  };
}

export function orderReport(order: OrderRecord): Report {
  return {
    key: `order:${order.id}:${order.status}:${order.filledQuantity}`,
    planId: order.planId,
    kind: 'order',
    tags: TAGS.order,
    body: {
      orderId: order.id,
      role: order.role,
      symbol: order.symbol,
      venue: order.venue,
      side: order.side,
      type: order.type,
      quantity: order.quantity,
      ...(order.price !== undefined ? { price: order.price } : {}),
      status: order.status,
      filledQuantity: order.filledQuantity,
      ...(order.avgFillPrice !== undefined ? { avgFillPrice: order.avgFillPrice } : {}),
      ...(order.venueOrderId !== undefined ? { venueOrderId: order.venueOrderId } : {}),
    },
  };
}

export function fillReport(fill: FillRecord): Report {
  return {
    key: `fill:${fill.id}`,
    planId: fill.planId,
    kind: 'fill',
    tags: TAGS.fill,
    body: { ...fill },
  };
}

/** A finished order's strand (learning.md), with its own tags and the CIL's, as the seed notes contribute
 *  execution insights. Keyed by what it knows: recorded again once its markouts are in, it is a second
 *  report; heard twice (a re-sent event, a replayed outbox), the same one. A counter would not do: the
 *  count of recordings is not in the strand, so a restarted engine could not name the same report again. */
export function strandReport(strand: Strand): Report {
  const known = strand.markout5Bps !== null ? 'markout5' : strand.markout1Bps !== null ? 'markout1' : 'ended';
  return {
    key: `strand:${strand.orderId}:${known}`,
    planId: strand.planId,
    kind: 'strand',
    tags: [...new Set([...(strand.tags ?? []), ...TAGS.insight])],
    body: { ...strand },
  };
}

/** The reports an engine event makes for plans the desk gave this engine (`mine`); others are not the desk's. */
export function reportsOf(event: EngineEvent, mine: (planId: string) => boolean): Report[] {
  switch (event.type) {
    case 'plan':
      return mine(event.plan.id) ? [planReport(event.plan)] : [];
    case 'order':
      return mine(event.order.planId) ? [orderReport(event.order)] : [];
    case 'fill':
      return mine(event.fill.planId) ? [fillReport(event.fill)] : [];
    case 'strand':
      return mine(event.strand.planId) ? [strandReport(event.strand)] : [];
    default:
      return [];
  }
}
