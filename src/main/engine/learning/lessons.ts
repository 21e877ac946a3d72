// Braids and lessons (learning.md "Braid and lesson"): strands grouped by a key, compared with their
// alternatives by Welch's interval with day-clustered errors; a braid whose interval excludes zero
// becomes a lesson with a template sentence, its evidence and one proposed effect. Pure: strands in,
// candidate lessons out. Only strands no lesson steered (baseline, holdout, explore) are evidence, so a
// lesson never feeds on its own advice.
import type { LessonEffect, LessonEvidence } from '../../../shared/domain/learning.ts';
import { estimate, type Interval, welchInterval } from './measures.ts';
import type { Strand } from './strand.ts';

export interface LessonCandidate {
  id: string;
  key: string;
  text: string;
  effect: LessonEffect;
  evidence: LessonEvidence;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const fmt = (x: number) => round1(x).toFixed(1);
const TYPE_WORD: Record<string, string> = { market: 'Market', limit: 'Limit', stop: 'Stop' };

/** The lesson id follows from its key: the same braid is the same lesson. */
export const lessonId = (kind: LessonEffect['kind'], key: string) => `${kind}:${key}`;

function evidenceOf(braid: Strand[], alt: Strand[]): { evidence: LessonEvidence; interval: Interval } | null {
  const a = estimate(alt.map((s) => ({ value: s.slippageBps!, day: s.day })));
  const b = estimate(braid.map((s) => ({ value: s.slippageBps!, day: s.day })));
  const interval = welchInterval(a, b);
  if (interval === null) return null;
  return {
    interval,
    evidence: {
      n: b.n,
      altN: a.n,
      meanBps: round1(b.mean),
      altMeanBps: round1(a.mean),
      ci95: [round1(interval.ci95[0]), round1(interval.ci95[1])],
    },
  };
}

/** The lessons the evidence supports now, in a stable order. */
export function deriveLessons(strands: readonly Strand[], minEvidence: number): LessonCandidate[] {
  const evidence = strands.filter((s) => s.role === 'entry' && s.slippageBps !== null && s.arm !== 'advised');
  const groups = new Map<string, Strand[]>();
  for (const s of evidence) {
    const k = `${s.symbol}\u0000${s.orderType}\u0000${s.venue}`;
    const g = groups.get(k) ?? [];
    groups.set(k, g);
    g.push(s);
  }
  const out: LessonCandidate[] = [];
  const symbols = [...new Set(evidence.map((s) => s.symbol))].sort();
  for (const symbol of symbols) {
    // Venue: within one order type, the cheapest venue against the others together.
    for (const type of ['market', 'limit'] as const) {
      const venues = [
        ...new Set(evidence.filter((s) => s.symbol === symbol && s.orderType === type).map((s) => s.venue)),
      ].sort();
      if (venues.length < 2) continue;
      let best: LessonCandidate | null = null;
      let bestGap = 0;
      for (const venue of venues) {
        const braid = groups.get(`${symbol}\u0000${type}\u0000${venue}`) ?? [];
        const alts = venues.filter((v) => v !== venue);
        const alt = alts.flatMap((v) => groups.get(`${symbol}\u0000${type}\u0000${v}`) ?? []);
        if (braid.length < minEvidence || alt.length < minEvidence) continue;
        const e = evidenceOf(braid, alt);
        if (e === null || e.interval.ci95[0] <= 0) continue;
        if (e.interval.difference <= bestGap) continue;
        bestGap = e.interval.difference;
        const key = `${venue}|${type}|${symbol}|*|*`;
        const [lo, hi] = e.evidence.ci95;
        best = {
          id: lessonId('prefer_venue', key),
          key,
          text: `${TYPE_WORD[type]} entries on ${alts.join(', ')} slipped ${fmt(e.interval.difference)} bps more than on ${venue} (n = ${e.evidence.altN} and ${e.evidence.n}, 95 % CI ${fmt(lo)} to ${fmt(hi)})`,
          effect: { kind: 'prefer_venue', venue, over: alts },
          evidence: e.evidence,
        };
      }
      if (best) out.push(best);
    }
    // Order type: on each venue, marketable limits against market orders.
    const venues = [...new Set(evidence.filter((s) => s.symbol === symbol).map((s) => s.venue))].sort();
    for (const venue of venues) {
      const market = groups.get(`${symbol}\u0000market\u0000${venue}`) ?? [];
      const limits = (groups.get(`${symbol}\u0000limit\u0000${venue}`) ?? []).filter(
        (s) => s.limitOffsetBps !== null && s.limitOffsetBps >= 0 && s.fillRatio === 1,
      );
      if (market.length < minEvidence || limits.length < minEvidence) continue;
      const e = evidenceOf(limits, market);
      if (e === null || e.interval.ci95[0] <= 0) continue;
      const offsets = limits.map((s) => s.limitOffsetBps!).sort((a, b) => a - b);
      const offsetBps = round1(offsets[Math.floor(offsets.length / 2)]!);
      const key = `${venue}|market|${symbol}|*|*`;
      const [lo, hi] = e.evidence.ci95;
      out.push({
        id: lessonId('marketable_limit', key),
        key,
        text: `Market entries on ${venue} slipped ${fmt(e.interval.difference)} bps more than marketable limits ${fmt(offsetBps)} bps through the price (n = ${e.evidence.altN} and ${e.evidence.n}, 95 % CI ${fmt(lo)} to ${fmt(hi)})`,
        effect: { kind: 'marketable_limit', offsetBps },
        evidence: e.evidence,
      });
    }
  }
  return out;
}

/** The key's parts: venue|orderType|symbol|timeBucket|regime. */
export function keyParts(key: string): { venue: string; orderType: string; symbol: string } {
  const [venue = '*', orderType = '*', symbol = '*'] = key.split('|');
  return { venue, orderType, symbol };
}
