// The queue's Score cell: the curators' score (the weighted sum the engine recorded at arrival) with
// its breakdown in the tooltip, one line per curator: value x weight and why. A plan the engine did not
// score shows its own confidence, as before, and nothing more.
import type { PlanRecord, PlanScore } from '../../../../shared/domain/plan.ts';
import * as fmt from '../../lib/format.ts';

export interface ScoreCell {
  text: string;
  /** The breakdown, one line per curator; undefined when the plan carries no score. */
  title: string | undefined;
  /** The cell has a breakdown to hover for. */
  scored: boolean;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** One curator's line: `venue 0.60 × 25 %: market on paper-b slipped 5.0 bps ...`. */
export function scorePartLine(part: PlanScore['parts'][number]): string {
  const value = finite(part.value) ? part.value.toFixed(2) : '\u2014';
  const weight = finite(part.weight) ? `${Math.round(part.weight * 100)} %` : '\u2014';
  return `${part.curator} ${value} \u00d7 ${weight}: ${part.why}`;
}

export function scoreCell(plan: Pick<PlanRecord, 'input' | 'score'>): ScoreCell {
  const score = plan.score;
  if (score === undefined || score === null || !finite(score.total))
    return { text: fmt.score(plan.input.confidence), title: undefined, scored: false };
  const parts = Array.isArray(score.parts) ? score.parts : [];
  const head = `Curators' score ${score.total.toFixed(2)}: the weighted sum of`;
  return {
    text: score.total.toFixed(2),
    title: [head, ...parts.map(scorePartLine)].join('\n'),
    scored: true,
  };
}
