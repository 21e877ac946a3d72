// Candles for the selected symbol with a volume pane under them, fill markers (at tick precision, merged
// where they would overlap) and the working entry, stop and target lines, which can be dragged to move
// their order (OrderHandles); new candles are appended, not redrawn. After a restart the candles come
// back with the snapshot (recentBars).
import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Bar } from '../../../../shared/domain/instrument.ts';
import type { OrderRecord } from '../../../../shared/domain/order.ts';
import type { PlanRecord } from '../../../../shared/domain/plan.ts';
import * as fmt from '../../lib/format.ts';
import { useTick } from '../../lib/view-hooks.ts';
import { useTimeZone } from '../../store/settings.ts';
import { useTerminal } from '../../store/store.ts';
import { selectSymbol, useUi } from '../../store/ui.ts';
import { Panel } from '../shell/Panel.tsx';
import { appendFrom } from './bars.ts';
import { fillMarkers, type WorkingLine, workingLines } from './markers.ts';
import { OrderHandles } from './OrderHandles.tsx';
import { COLORS, chartOptions, presentational, zoneTimeOptions } from './theme.ts';

/** Fewer candles than this are spread over the chart's width instead of crowding its right edge. */
const FIT_BELOW_BARS = 120;

const EMPTY: readonly Bar[] = [];
/** The volume pane's share of the chart's height (the candles keep the rest). */
const VOLUME_STRETCH = 0.22;

const volume = (b: Bar) => ({
  time: Math.floor(b.time / 1000) as UTCTimestamp,
  value: Number(b.volume),
  color: Number(b.close) >= Number(b.open) ? COLORS.volumeUp : COLORS.volumeDown,
});

const LINE_STYLE: Record<WorkingLine['role'], { color: string; title: string }> = {
  entry: { color: COLORS.entry, title: 'ENTRY' },
  stop: { color: COLORS.down, title: 'STOP' },
  target: { color: COLORS.up, title: 'TARGET' },
};

/** lightweight-charts' price format for a tick: its decimals and its step. */
function priceFormat(tick: string) {
  const minMove = Number(tick);
  return {
    type: 'price' as const,
    precision: fmt.decimalPlaces(tick),
    minMove: Number.isFinite(minMove) && minMove > 0 ? minMove : 0.01,
  };
}

// Prices become numbers only here, for plotting.
const candle = (b: Bar) => ({
  time: Math.floor(b.time / 1000) as UTCTimestamp,
  open: Number(b.open),
  high: Number(b.high),
  low: Number(b.low),
  close: Number(b.close),
});

function useChartSymbol(): { symbol: string | null; symbols: string[] } {
  const symbols = useTerminal(useShallow((s) => Object.keys(s.bars).sort()));
  const firstPosition = useTerminal((s) => s.positions.ids[0] ?? null);
  const chosen = useUi((s) => s.symbol);
  const symbol = chosen ?? firstPosition ?? symbols[0] ?? null;
  return { symbol, symbols: symbol !== null && !symbols.includes(symbol) ? [...symbols, symbol] : symbols };
}

function Candles({ symbol }: { symbol: string }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const series = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const volumes = useRef<ISeriesApi<'Histogram'> | null>(null);
  const markers = useRef<ISeriesMarkersPluginApi<Time> | null>(null);
  const avgLine = useRef<IPriceLine | null>(null);
  const levelLines = useRef<IPriceLine[]>([]);
  const drawn = useRef<{ symbol: string; bars: readonly Bar[] }>({ symbol: '', bars: EMPTY });

  const bars = useTerminal((s) => s.bars[symbol] ?? EMPTY);
  const fills = useTerminal((s) => s.fills);
  const orders = useTerminal((s) => s.orders);
  const plans = useTerminal((s) => s.plans);
  const position = useTerminal((s) => s.positions.byId[symbol]);
  const tick = useTick(symbol);
  const zone = useTimeZone();

  useEffect(() => {
    if (!host.current) return;
    const c = createChart(host.current, chartOptions());
    const s = c.addSeries(CandlestickSeries, {
      upColor: COLORS.up,
      downColor: COLORS.down,
      borderVisible: false,
      wickUpColor: COLORS.up,
      wickDownColor: COLORS.down,
    });
    // The volume pane: a histogram on a pane of its own under the candles.
    const v = c.addSeries(
      HistogramSeries,
      { priceFormat: { type: 'volume' }, priceLineVisible: false, lastValueVisible: false },
      1,
    );
    c.panes()[0]?.setStretchFactor(1 - VOLUME_STRETCH);
    c.panes()[1]?.setStretchFactor(VOLUME_STRETCH);
    chart.current = c;
    presentational(host.current);
    series.current = s;
    volumes.current = v;
    markers.current = createSeriesMarkers(s, []);
    drawn.current = { symbol: '', bars: EMPTY };
    return () => {
      c.remove();
      chart.current = null;
      series.current = null;
      volumes.current = null;
      markers.current = null;
      avgLine.current = null;
      levelLines.current = [];
    };
  }, []);

  useEffect(() => {
    series.current?.applyOptions({ priceFormat: priceFormat(tick) });
  }, [tick]);

  useEffect(() => {
    chart.current?.applyOptions(zoneTimeOptions(zone));
  }, [zone]);

  useEffect(() => {
    const s = series.current;
    if (!s) return;
    const prev = drawn.current;
    const from = prev.symbol === symbol ? appendFrom(prev.bars, bars) : null;
    const v = volumes.current;
    if (from !== null) {
      // Only candles from the last drawn one onward changed.
      for (let i = from; i < bars.length; i++) {
        const b = bars[i]!;
        s.update(candle(b));
        v?.update(volume(b));
      }
    } else {
      s.setData(bars.map(candle));
      v?.setData(bars.map(volume));
      // A short history fills the width; a long one opens on its latest candles.
      if (bars.length < FIT_BELOW_BARS) chart.current?.timeScale().fitContent();
      else chart.current?.timeScale().scrollToRealTime();
    }
    drawn.current = { symbol, bars };
  }, [symbol, bars]);

  const marks = useMemo(
    () => fillMarkers(symbol, bars, fills, orders.byId, tick),
    [symbol, bars, fills, orders, tick],
  );
  useEffect(() => {
    markers.current?.setMarkers(
      marks.map(
        (m): SeriesMarker<Time> => ({
          time: m.time as UTCTimestamp,
          position: m.position,
          shape: m.kind === 'entry' ? (m.side === 'buy' ? 'arrowUp' : 'arrowDown') : 'circle',
          color: m.kind === 'entry' ? (m.side === 'buy' ? COLORS.up : COLORS.down) : COLORS.exit,
          text: m.text,
        }),
      ),
    );
  }, [marks]);

  const levels = useMemo(() => {
    const working: OrderRecord[] = [];
    for (const id of orders.ids) {
      const o = orders.byId[id];
      if (o && o.symbol === symbol) working.push(o);
    }
    const active: PlanRecord[] = [];
    for (const id of plans.ids) {
      const p = plans.byId[id];
      if (p && p.input.symbol === symbol) active.push(p);
    }
    return workingLines(symbol, working, active);
  }, [symbol, orders, plans]);
  // Redraw the level lines only when a level changes, not on every order update.
  const levelsKey = levels.map((l) => `${l.role}:${l.price}:${l.pending}`).join('|');
  // biome-ignore lint/correctness/useExhaustiveDependencies: levelsKey stands for levels (same key, same lines)
  useEffect(() => {
    const s = series.current;
    if (!s) return;
    for (const line of levelLines.current) s.removePriceLine(line);
    levelLines.current = levels.map((l) =>
      s.createPriceLine({
        price: Number(l.price),
        color: LINE_STYLE[l.role].color,
        lineWidth: 1,
        lineStyle: l.pending ? 3 : 0,
        axisLabelVisible: true,
        title: l.pending ? `${LINE_STYLE[l.role].title}?` : LINE_STYLE[l.role].title,
      }),
    );
  }, [levelsKey]);

  const avg = position?.avgPrice;
  useEffect(() => {
    const s = series.current;
    if (!s) return;
    if (avgLine.current) s.removePriceLine(avgLine.current);
    avgLine.current =
      avg === undefined
        ? null
        : s.createPriceLine({
            price: Number(avg),
            color: COLORS.entry,
            lineWidth: 1,
            lineStyle: 2,
            title: 'AVG',
          });
  }, [avg]);

  const last = bars[bars.length - 1];
  return (
    <div className="chart-wrap">
      <div className="chart-legend num">
        <b>{symbol}</b>
        {last ? (
          <>
            <span>O {fmt.price(last.open, tick)}</span>
            <span>H {fmt.price(last.high, tick)}</span>
            <span>L {fmt.price(last.low, tick)}</span>
            <span className={Number(last.close) >= Number(last.open) ? 'up' : 'down'}>
              C {fmt.price(last.close, tick)}
            </span>
            <span>V {fmt.qty(last.volume)}</span>
            <span className="dim">{fmt.dateTime(last.time, zone)}</span>
          </>
        ) : (
          <span className="dim">no candles yet</span>
        )}
        <a
          className="attribution"
          href="https://www.tradingview.com/"
          target="_blank"
          rel="noopener noreferrer"
        >
          Charting by TradingView
        </a>
      </div>
      <div className="chart-area">
        <div ref={host} className="chart-host" />
        <OrderHandles chart={chart} series={series} symbol={symbol} tick={tick} />
      </div>
    </div>
  );
}

export function PriceChart() {
  const { symbol, symbols } = useChartSymbol();
  return (
    <Panel
      title="Chart"
      className="chart"
      tools={
        <select
          aria-label="Chart symbol"
          value={symbol ?? ''}
          onChange={(e) => selectSymbol(e.target.value)}
          disabled={symbols.length === 0}
        >
          {symbols.length === 0 && <option value="">—</option>}
          {symbols.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      }
    >
      {symbol === null ? (
        <div className="empty">Candles appear as the engine streams bars.</div>
      ) : (
        <Candles symbol={symbol} />
      )}
    </Panel>
  );
}
