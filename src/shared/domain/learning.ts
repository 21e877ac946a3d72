// What the learning loop shows (../shared/spec/learning.md): lessons with their evidence and the effect
// they propose, execution quality per venue and order type, and the advised-versus-holdout evaluation.
// Statistics are plain numbers (basis points, ratios, milliseconds): they are estimates, not money.
import type { AppliedLesson, OrderRole, OrderType } from './order.ts';
import type { Side } from './plan.ts';

/** The trader controls it: proposed (not applied), active (applied), dismissed (not proposed again). */
export type LessonState = 'proposed' | 'active' | 'dismissed';

/** The one change a lesson proposes to the next execution; never one that lifts a limit. */
export type LessonEffect =
  | { kind: 'prefer_venue'; venue: string; over: string[] }
  | { kind: 'marketable_limit'; offsetBps: number }
  /** Entries at or above `minParticipation` of the last bar's volume go at `factor` of their size,
   *  floored to the lot, never below one lot, never up. */
  | { kind: 'scale_size'; factor: number; minParticipation: number };

export interface LessonEvidence {
  /** Strands in the lesson's braid, and in the alternatives it is compared with. */
  n: number;
  altN: number;
  /** Mean arrival slippage, bps (positive = cost), of the braid and of its alternatives. */
  meanBps: number;
  altMeanBps: number;
  /** 95 % interval of the difference (Welch, errors clustered by trading day), bps. */
  ci95: [number, number];
}

export interface LessonView {
  /** Follows from the key: the same braid is the same lesson. */
  id: string;
  /** The sentence, with its evidence (a template's; an optional hook may reword it, never the effect). */
  text: string;
  /** The template's own sentence, kept when a hook reworded `text`. */
  templateText?: string;
  /** venue|orderType|symbol|timeBucket|regime, `*` for any. */
  key: string;
  effect: LessonEffect;
  state: LessonState;
  evidence: LessonEvidence;
  createdAt: number;
}

/** Execution quality of one venue and order type over the strands Braid has. */
export interface ExecutionQualityRow {
  venue: string;
  orderType: string;
  n: number;
  meanSlippageBps: number;
  /** Null below two trading days of strands (no clustered interval yet). */
  ci95: [number, number] | null;
  meanShortfallBps: number;
  fillRatio: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  markout1Bps: number | null;
  markout5Bps: number | null;
}

export interface ArmFigure {
  n: number;
  meanSlippageBps: number | null;
  ci95: [number, number] | null;
}

/** Whether learning helps: advised orders against the holdout (learning.md "staying honest"). */
export interface LearningEvaluation {
  advised: ArmFigure;
  holdout: ArmFigure;
  /** Holdout minus advised mean slippage, bps: positive = the lessons saved money. */
  improvementBps: number | null;
  /** 95 % interval of that difference (Welch, clustered by day); learning helps when it excludes zero. */
  improvementCi95: [number, number] | null;
  /** Advised relative to holdout: worse beyond 10 % is a breach. */
  guardrails: { fillRatio: number | null; markout5: number | null };
}

export interface LearningView {
  enabled: boolean;
  lessons: LessonView[];
  quality: ExecutionQualityRow[];
  evaluation: LearningEvaluation | null;
}

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
  /** Quantity planned / the last bar's volume when the order was sent (null without a bar's volume);
   *  absent on strands journaled before it was measured. */
  participation?: number | null;
  /** A marketable limit's distance beyond the arrival price, bps (limit orders only). */
  limitOffsetBps: number | null;
  arm: Arm;
  /** The probability with which its venue was chosen (Li, Chu, Langford, Wang 2011). */
  propensity: number;
  lessonsApplied: string[];
  tags: string[];
}
