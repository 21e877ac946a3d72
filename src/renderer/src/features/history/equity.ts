// The equity curve over closed trades: start equity plus the running sum of trade P&L, summed exactly
// (big.js); only the plotted points become numbers.
import { dec } from '../../../../shared/domain/decimal.ts';
import type { TradeRecord } from '../../../../shared/domain/portfolio.ts';

export interface CurvePoint {
  /** Seconds (the chart's time unit). */
  time: number;
  value: number;
}

export function equityCurve(startEquity: string, trades: readonly TradeRecord[]): CurvePoint[] {
  const sorted = [...trades].sort((a, b) => a.exitTime - b.exitTime);
  let equity = dec(startEquity);
  const points: CurvePoint[] = [];
  const first = sorted[0];
  if (first) points.push({ time: Math.floor(first.entryTime / 1000), value: Number(equity.toFixed(2)) });
  for (const t of sorted) {
    equity = equity.plus(t.pnl);
    const time = Math.floor(t.exitTime / 1000);
    const point = { time, value: Number(equity.toFixed(2)) };
    // The chart wants strictly increasing times: trades closed in the same second share a point.
    const last = points[points.length - 1];
    if (last && last.time >= time) {
      last.value = point.value;
    } else points.push(point);
  }
  return points;
}
