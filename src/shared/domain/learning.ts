// What the learning loop shows (../shared/spec/learning.md): lessons with their evidence and the effect
// they propose, execution quality per venue and order type, and the advised-versus-holdout evaluation.
// Statistics are plain numbers (basis points, ratios, milliseconds): they are estimates, not money.

/** The trader controls it: proposed (not applied), active (applied), dismissed (not proposed again). */
export type LessonState = 'proposed' | 'active' | 'dismissed';

/** The one change a lesson proposes to the next execution; never one that lifts a limit. */
export type LessonEffect =
  | { kind: 'prefer_venue'; venue: string; over: string[] }
  | { kind: 'marketable_limit'; offsetBps: number }
  | { kind: 'scale_size'; factor: number };

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
