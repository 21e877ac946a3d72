// The learning loop in the trader's words (pure, so tests pin them): a lesson's effect and evidence, the
// advised-versus-holdout figure, and execution-quality figures.
import type {
  ArmFigure,
  ExecutionQualityRow,
  LearningEvaluation,
  LessonEffect,
  LessonEvidence,
  LessonState,
} from '../../../../shared/domain/learning.ts';

const bps = (x: number, dp = 1): string => `${x.toFixed(dp)} bps`;
const signedBps = (x: number, dp = 1): string => `${x > 0 ? '+' : ''}${x.toFixed(dp)} bps`;
const interval = (ci: [number, number], dp = 1): string => `${ci[0].toFixed(dp)} to ${ci[1].toFixed(dp)}`;

export const STATE_LABEL: Readonly<Record<LessonState, string>> = {
  proposed: 'PROPOSED',
  active: 'ACTIVE',
  dismissed: 'DISMISSED',
};

/** What the lesson changes in the next execution. */
export function effectText(effect: LessonEffect): string {
  switch (effect.kind) {
    case 'prefer_venue':
      return effect.over.length > 0
        ? `Send to ${effect.venue} rather than ${effect.over.join(', ')}`
        : `Send to ${effect.venue}`;
    case 'marketable_limit':
      return `Marketable limit ${effect.offsetBps} bps through the touch instead of a market order`;
    case 'scale_size':
      return `Scale size to ${Math.round(effect.factor * 100)} % at ${Math.round(effect.minParticipation * 1000) / 10} % of the bar's volume or more (never up)`;
  }
}

/** n, both means and the interval of the difference, as the evidence line under a lesson. */
export function evidenceText(e: LessonEvidence): string {
  return `n = ${e.n} vs ${e.altN} · mean ${bps(e.meanBps)} vs ${bps(e.altMeanBps)} · 95 % CI of the difference ${interval(e.ci95)} bps`;
}

/** The two switches a lesson offers, by its state: a proposed one is applied or dismissed, an active one
 *  dismissed, a dismissed one reopened (proposed again). */
export function lessonActions(state: LessonState): Array<{ to: LessonState; label: string }> {
  switch (state) {
    case 'proposed':
      return [
        { to: 'active', label: 'Apply' },
        { to: 'dismissed', label: 'Dismiss' },
      ];
    case 'active':
      return [{ to: 'dismissed', label: 'Dismiss' }];
    case 'dismissed':
      return [{ to: 'proposed', label: 'Reopen' }];
  }
}

const armText = (name: string, a: ArmFigure): string =>
  a.n === 0 || a.meanSlippageBps === null
    ? `${name}: no orders yet`
    : `${name} ${bps(a.meanSlippageBps)} (n = ${a.n}${a.ci95 ? `, 95 % CI ${interval(a.ci95)}` : ''})`;

export type EvaluationTone = 'helps' | 'hurts' | 'unclear' | 'none';

/** The figure at the top of the learning view: does learning help, with its interval and guardrails. */
export function evaluationView(ev: LearningEvaluation | null): {
  headline: string;
  detail: string;
  tone: EvaluationTone;
  guardrailBreached: boolean;
} {
  if (ev === null || ev.improvementBps === null)
    return {
      headline: 'Not enough orders to say whether learning helps',
      detail:
        ev === null
          ? 'No strands yet'
          : `${armText('Advised', ev.advised)} · ${armText('Holdout', ev.holdout)}`,
      tone: 'none',
      guardrailBreached: false,
    };
  const breached = [ev.guardrails.fillRatio, ev.guardrails.markout5].some((g) => g !== null && g < -0.1);
  // Helps (or hurts) only when the interval of the difference excludes zero.
  const ci = ev.improvementCi95;
  const tone: EvaluationTone =
    ci === null ? 'unclear' : ci[0] > 0 ? 'helps' : ci[1] < 0 ? 'hurts' : 'unclear';
  return {
    headline: `Advised orders ${ev.improvementBps >= 0 ? 'saved' : 'cost'} ${bps(Math.abs(ev.improvementBps))} against the holdout${ci ? ` (95 % CI ${interval(ci)})` : ''}`,
    detail: `${armText('Advised', ev.advised)} · ${armText('Holdout', ev.holdout)}`,
    tone,
    guardrailBreached: breached,
  };
}

/** One execution-quality row's cells, in column order. */
export function qualityCells(r: ExecutionQualityRow): string[] {
  const ms = (x: number | null) => (x === null ? '\u2014' : `${Math.round(x)} ms`);
  const opt = (x: number | null) => (x === null ? '\u2014' : signedBps(x));
  return [
    r.venue,
    r.orderType,
    String(r.n),
    signedBps(r.meanSlippageBps),
    r.ci95 ? interval(r.ci95) : '\u2014',
    signedBps(r.meanShortfallBps),
    `${(r.fillRatio * 100).toFixed(1)} %`,
    `${ms(r.latencyP50Ms)} / ${ms(r.latencyP99Ms)}`,
    `${opt(r.markout1Bps)} / ${opt(r.markout5Bps)}`,
  ];
}

export const QUALITY_COLUMNS = [
  'Venue',
  'Type',
  'n',
  'Slippage',
  '95 % CI',
  'Shortfall',
  'Fill ratio',
  'Latency p50 / p99',
  'Markout 1 / 5',
] as const;

/** The chart's scale: every row's mean and interval in view, zero included. */
export function chartDomain(rows: readonly ExecutionQualityRow[]): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const r of rows) {
    lo = Math.min(lo, r.meanSlippageBps, r.ci95?.[0] ?? r.meanSlippageBps);
    hi = Math.max(hi, r.meanSlippageBps, r.ci95?.[1] ?? r.meanSlippageBps);
  }
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}
