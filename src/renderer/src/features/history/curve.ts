// The engine's equity curve (queryHistory) as the chart plots it. The engine computes the curve; this
// only converts it.
import type { DecStr } from '../../../../shared/domain/decimal.ts';

export interface EquityPoint {
  /** Epoch ms. */
  time: number;
  value: DecStr;
}

/**
 * The engine's points as the chart plots them: seconds, strictly increasing (points in the same second
 * keep the last value). Values become numbers only here, for plotting.
 */
export function chartPoints(points: readonly EquityPoint[]): { time: number; value: number }[] {
  const out: { time: number; value: number }[] = [];
  for (const p of points) {
    const time = Math.floor(p.time / 1000);
    const value = Number(p.value);
    if (!Number.isFinite(time) || !Number.isFinite(value)) continue;
    const last = out[out.length - 1];
    if (last && last.time >= time) last.value = value;
    else out.push({ time, value });
  }
  return out;
}
