// Execution quality per venue and order type (the app's Execution quality view): n, mean arrival
// slippage with its day-clustered interval, shortfall, fill ratio, latency percentiles, markouts.
import { quantile } from 'simple-statistics';
import type { ExecutionQualityRow } from '../../../shared/domain/learning.ts';
import { estimate, studentTQuantile } from './measures.ts';
import type { Strand } from './strand.ts';

const meanOf = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

export function qualityRows(strands: readonly Strand[]): ExecutionQualityRow[] {
  const groups = new Map<string, Strand[]>();
  for (const s of strands) {
    if (s.slippageBps === null) continue;
    const k = `${s.venue}\u0000${s.orderType}`;
    const g = groups.get(k) ?? [];
    groups.set(k, g);
    g.push(s);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => {
      const e = estimate(g.map((s) => ({ value: s.slippageBps!, day: s.day })));
      const se = Math.sqrt(e.varianceOfMean);
      const t = e.clusters > 1 ? studentTQuantile(0.975, e.clusters - 1) : Number.NaN;
      const latency = g.map((s) => s.latencyMs.lastFill).filter((x): x is number => x !== null);
      return {
        venue: g[0]!.venue,
        orderType: g[0]!.orderType,
        n: e.n,
        meanSlippageBps: e.mean,
        ci95: Number.isFinite(se) && Number.isFinite(t) ? [e.mean - t * se, e.mean + t * se] : null,
        meanShortfallBps: meanOf(g.map((s) => s.shortfallBps)) ?? 0,
        fillRatio: meanOf(g.map((s) => s.fillRatio)) ?? 0,
        latencyP50Ms: latency.length > 0 ? quantile(latency, 0.5) : null,
        latencyP99Ms: latency.length > 0 ? quantile(latency, 0.99) : null,
        markout1Bps: meanOf(g.map((s) => s.markout1Bps).filter((x): x is number => x !== null)),
        markout5Bps: meanOf(g.map((s) => s.markout5Bps).filter((x): x is number => x !== null)),
      };
    });
}
