// Equity over closed trades, as a small area chart above the history table.
import {
  AreaSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useMemo, useRef } from 'react';
import { useTerminal } from '../../store/store.ts';
import { COLORS, chartOptions, presentational } from '../chart/theme.ts';
import { equityCurve } from './equity.ts';

export function EquityCurve() {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const series = useRef<ISeriesApi<'Area'> | null>(null);
  const trades = useTerminal((s) => s.trades);
  const start = useTerminal((s) => s.account?.startEquity ?? null);
  const points = useMemo(() => (start === null ? [] : equityCurve(start, trades)), [start, trades]);

  useEffect(() => {
    if (!host.current) return;
    const c = createChart(host.current, {
      ...chartOptions(),
      rightPriceScale: { borderColor: '#21262d', scaleMargins: { top: 0.15, bottom: 0.05 } },
      timeScale: { borderColor: '#21262d', timeVisible: true, secondsVisible: false },
      handleScroll: false,
      handleScale: false,
    });
    chart.current = c;
    presentational(host.current);
    series.current = c.addSeries(AreaSeries, {
      lineColor: COLORS.line,
      lineWidth: 2,
      topColor: 'rgba(74, 163, 255, 0.28)',
      bottomColor: 'rgba(74, 163, 255, 0.02)',
      priceLineVisible: false,
    });
    return () => {
      c.remove();
      chart.current = null;
      series.current = null;
    };
  }, []);

  useEffect(() => {
    series.current?.setData(points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value })));
    chart.current?.timeScale().fitContent();
  }, [points]);

  return (
    <div className="equity" aria-label="Equity curve" role="img">
      <div ref={host} className="chart-host" />
      {points.length === 0 && <div className="equity-empty dim">Equity curve: no closed trades yet</div>}
    </div>
  );
}
