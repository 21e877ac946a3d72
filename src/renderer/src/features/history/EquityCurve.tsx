// The equity curve the engine computed for the trades the history filter keeps, as a small area chart.
import {
  AreaSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useMemo, useRef } from 'react';
import { useTimeZone } from '../../store/settings.ts';
import { COLORS, chartOptions, presentational, zoneTimeOptions } from '../chart/theme.ts';
import { chartPoints, type EquityPoint } from './curve.ts';

export function EquityCurve(props: { points: readonly EquityPoint[] }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const series = useRef<ISeriesApi<'Area'> | null>(null);
  const points = useMemo(() => chartPoints(props.points), [props.points]);
  const zone = useTimeZone();

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
      priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
    });
    return () => {
      c.remove();
      chart.current = null;
      series.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.applyOptions(zoneTimeOptions(zone));
  }, [zone]);

  useEffect(() => {
    series.current?.setData(points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value })));
    chart.current?.timeScale().fitContent();
  }, [points]);

  return (
    <div className="equity" aria-label="Equity curve" role="img">
      <div ref={host} className="chart-host" />
      {points.length < 2 && <div className="equity-empty dim">Equity curve: no closed trades yet</div>}
    </div>
  );
}
