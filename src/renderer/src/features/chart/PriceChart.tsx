// Candles for the selected symbol with entry and exit markers; new candles are appended, not redrawn.
import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
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
import * as fmt from '../../lib/format.ts';
import { useTerminal } from '../../store/store.ts';
import { selectSymbol, useUi } from '../../store/ui.ts';
import { Panel } from '../shell/Panel.tsx';
import { fillMarkers } from './markers.ts';
import { COLORS, chartOptions, presentational } from './theme.ts';

const EMPTY: readonly Bar[] = [];

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
  const markers = useRef<ISeriesMarkersPluginApi<Time> | null>(null);
  const avgLine = useRef<IPriceLine | null>(null);
  const drawn = useRef<{ symbol: string; bars: readonly Bar[] }>({ symbol: '', bars: EMPTY });

  const bars = useTerminal((s) => s.bars[symbol] ?? EMPTY);
  const fills = useTerminal((s) => s.fills);
  const orders = useTerminal((s) => s.orders.byId);
  const position = useTerminal((s) => s.positions.byId[symbol]);

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
    chart.current = c;
    presentational(host.current);
    series.current = s;
    markers.current = createSeriesMarkers(s, []);
    drawn.current = { symbol: '', bars: EMPTY };
    return () => {
      c.remove();
      chart.current = null;
      series.current = null;
      markers.current = null;
      avgLine.current = null;
    };
  }, []);

  useEffect(() => {
    const s = series.current;
    if (!s) return;
    const prev = drawn.current;
    const prevLast = prev.bars[prev.bars.length - 1];
    const appendable =
      prev.symbol === symbol && prevLast !== undefined && bars.length > 0 && bars[0]!.time <= prevLast.time;
    if (appendable) {
      // Only candles from the last drawn one onward changed.
      for (const b of bars) if (b.time >= prevLast.time) s.update(candle(b));
    } else {
      s.setData(bars.map(candle));
      chart.current?.timeScale().scrollToRealTime();
    }
    drawn.current = { symbol, bars };
  }, [symbol, bars]);

  const marks = useMemo(() => fillMarkers(symbol, bars, fills, orders), [symbol, bars, fills, orders]);
  useEffect(() => {
    markers.current?.setMarkers(
      marks.map(
        (m): SeriesMarker<Time> => ({
          time: m.time as UTCTimestamp,
          position: m.side === 'buy' ? 'belowBar' : 'aboveBar',
          shape: m.kind === 'entry' ? (m.side === 'buy' ? 'arrowUp' : 'arrowDown') : 'circle',
          color: m.kind === 'entry' ? (m.side === 'buy' ? COLORS.up : COLORS.down) : COLORS.exit,
          text: m.text,
        }),
      ),
    );
  }, [marks]);

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
            <span>O {fmt.price(last.open)}</span>
            <span>H {fmt.price(last.high)}</span>
            <span>L {fmt.price(last.low)}</span>
            <span className={Number(last.close) >= Number(last.open) ? 'up' : 'down'}>
              C {fmt.price(last.close)}
            </span>
            <span className="dim">{fmt.dateTime(last.time)}</span>
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
      <div ref={host} className="chart-host" />
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
