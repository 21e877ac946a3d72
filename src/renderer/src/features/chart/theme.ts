// One look for every chart: the terminal's dark palette, small monospace labels.
import { type ChartOptions, ColorType, type DeepPartial, type Time } from 'lightweight-charts';
import { crosshairLabel, tickMarkLabel } from './time-labels.ts';

export const COLORS = {
  up: '#26a69a',
  down: '#ef5350',
  entry: '#4aa3ff',
  exit: '#f0b429',
  line: '#4aa3ff',
  volumeUp: 'rgba(38, 166, 154, 0.45)',
  volumeDown: 'rgba(239, 83, 80, 0.45)',
} as const;

export const chartOptions = (): DeepPartial<ChartOptions> => ({
  autoSize: true,
  layout: {
    background: { type: ColorType.Solid, color: '#0d1117' },
    textColor: '#8b949e',
    fontSize: 10,
    fontFamily: "'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace",
    // The built-in logo injects a <style> element, which the CSP refuses: the chart legend carries the
    // attribution the library's licence asks for instead.
    attributionLogo: false,
  },
  grid: { vertLines: { color: '#161b22' }, horzLines: { color: '#161b22' } },
  rightPriceScale: { borderColor: '#21262d' },
  timeScale: {
    borderColor: '#21262d',
    timeVisible: true,
    secondsVisible: false,
    barSpacing: 7,
    rightOffset: 4,
  },
  crosshair: { vertLine: { color: '#30363d' }, horzLine: { color: '#30363d' } },
});

/** lightweight-charts lays itself out with a <table>: not data, so hide it from the accessibility tree. */
export function presentational(host: HTMLElement): void {
  for (const el of host.querySelectorAll('table, tr, td')) el.setAttribute('role', 'presentation');
}

const seconds = (t: Time): number => (typeof t === 'number' ? t : Number.NaN);

/** Axis and crosshair times in the operator's zone (the series carry UTC seconds). */
export const zoneTimeOptions = (zone: string): DeepPartial<ChartOptions> => ({
  localization: { timeFormatter: (t: Time) => crosshairLabel(seconds(t), zone) },
  timeScale: { tickMarkFormatter: (t: Time, type: number) => tickMarkLabel(seconds(t), type, zone) },
});
