// The charts' time axis and crosshair in the operator's time zone (the library draws UTC otherwise).
// Pure: numbers in, text out, so it is tested without a chart.
import { clockParts } from '../../lib/format.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** lightweight-charts' TickMarkType: 0 year, 1 month, 2 day of month, 3 time, 4 time with seconds. */
export function tickMarkLabel(seconds: number, tickMarkType: number, zone: string): string {
  if (!Number.isFinite(seconds)) return '';
  const p = clockParts(seconds * 1000, zone);
  switch (tickMarkType) {
    case 0:
      return String(p.year);
    case 1:
      return MONTHS[p.month - 1] ?? '';
    case 2:
      return String(p.day);
    case 4:
      return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
    default:
      return `${pad(p.hour)}:${pad(p.minute)}`;
  }
}

/** The crosshair's time: 2024-03-05 09:30. */
export function crosshairLabel(seconds: number, zone: string): string {
  if (!Number.isFinite(seconds)) return '';
  const p = clockParts(seconds * 1000, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}
