// A strand: one record per finished execution (learning.md "Strand"), with the measures of measures.ts.
import type { AppliedLesson, OrderRole, OrderType } from '../../../shared/domain/order.ts';
import type { Side } from '../../../shared/domain/plan.ts';

/** How an order's venue and type were chosen: the control arm, uniform exploration, a lesson's advice,
 *  or the neutral baseline (round-robin; learning off, or no active lesson covers the plan). */
export type Arm = 'holdout' | 'explore' | 'advised' | 'baseline';

/** A lesson applied to an order, as its journaled intent records it (before the venue sees it). */
export type LessonApplied = AppliedLesson;

export interface Strand {
  orderId: string;
  planId: string;
  symbol: string;
  venue: string;
  orderType: OrderType;
  side: Side;
  role: OrderRole;
  status: string;
  /** Exchange hour (UTC) when the order was sent. */
  timeBucket: number;
  regime: 'low' | 'normal' | 'high';
  /** The trading day (UTC date) it ended: the cluster of its errors. */
  day: string;
  sentAt: number;
  endedAt: number;
  arrivalPrice: string;
  decisionPrice: string;
  planned: string;
  filled: string;
  avgFillPrice: string | null;
  fees: string;
  /** Filled notional at the arrival price (the evaluation's weight). */
  notional: number;
  latencyMs: { ack: number; firstFill: number | null; lastFill: number | null };
  slippageBps: number | null;
  shortfallBps: number;
  fillRatio: number;
  markout1Bps: number | null;
  markout5Bps: number | null;
  /** A marketable limit's distance beyond the arrival price, bps (limit orders only). */
  limitOffsetBps: number | null;
  arm: Arm;
  /** The probability with which its venue was chosen (Li, Chu, Langford, Wang 2011). */
  propensity: number;
  lessonsApplied: string[];
  tags: string[];
}

export const STRAND_TAGS = ['trader:execution_insights', 'dm:execution_report'];
