// The replay report's additions (learning.md "Report additions"): strands, lessons and the
// advised-versus-holdout evaluation, rounded like the rest of the report so that it is deterministic.
import type { LearningEvaluation, LessonView } from '../../../shared/domain/learning.ts';
import type { LearningBook } from './learning-book.ts';

const r4 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1e4) / 1e4);
const pair = (p: [number, number] | null) => (p === null ? null : ([r4(p[0]), r4(p[1])] as const));

export function learningReportOf(book: LearningBook) {
  const e: LearningEvaluation = book.evaluation();
  return {
    strands: book.allStrands().map((s) => ({
      orderId: s.orderId,
      planId: s.planId,
      venue: s.venue,
      orderType: s.orderType,
      symbol: s.symbol,
      side: s.side,
      role: s.role,
      arm: s.arm,
      propensity: r4(s.propensity),
      arrivalPrice: Number(s.arrivalPrice),
      avgFillPrice: s.avgFillPrice === null ? null : Number(s.avgFillPrice),
      slippageBps: r4(s.slippageBps),
      shortfallBps: r4(s.shortfallBps),
      fillRatio: r4(s.fillRatio),
      markout1Bps: r4(s.markout1Bps),
      markout5Bps: r4(s.markout5Bps),
      lessonsApplied: [...s.lessonsApplied],
    })),
    lessons: book.allLessons().map((l: LessonView) => ({
      id: l.id,
      text: l.text,
      key: l.key,
      effect: l.effect,
      state: l.state,
      evidence: {
        n: l.evidence.n,
        altN: l.evidence.altN,
        meanBps: l.evidence.meanBps,
        altMeanBps: l.evidence.altMeanBps,
        ci95: l.evidence.ci95,
      },
      createdAt: new Date(l.createdAt).toISOString(),
    })),
    learning: {
      enabled: book.config.enabled,
      advised: { n: e.advised.n, meanSlippageBps: r4(e.advised.meanSlippageBps), ci95: pair(e.advised.ci95) },
      holdout: { n: e.holdout.n, meanSlippageBps: r4(e.holdout.meanSlippageBps), ci95: pair(e.holdout.ci95) },
      improvementBps: r4(e.improvementBps),
      improvementCi95: pair(e.improvementCi95),
      guardrails: { fillRatio: r4(e.guardrails.fillRatio), markout5: r4(e.guardrails.markout5) },
    },
  };
}

export type LearningReport = ReturnType<typeof learningReportOf>;
