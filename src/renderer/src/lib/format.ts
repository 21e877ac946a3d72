// Display formatting of decimal strings and engine times. Money stays a string end to end: big.js rounds
// for display, nothing here adds floats together. Prices show at their instrument's tick, money and
// percentages at two decimals, quantities in full (a lot is never cut), times in the operator's zone.
import { DEFAULT_TICK } from '../../../shared/domain/config.ts';
import { dec } from '../../../shared/domain/decimal.ts';

const MINUS = '\u2212';
const DASH = '\u2014';

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fixed(value: string, dp: number): string {
  let text: string;
  try {
    text = dec(value).toFixed(dp);
  } catch {
    return value;
  }
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const [intPart = '0', frac] = body.split('.');
  const out = frac === undefined ? group(intPart) : `${group(intPart)}.${frac}`;
  // "-0.00" reads as a loss: drop the sign when every digit is zero.
  return negative && /[1-9]/.test(out) ? MINUS + out : out;
}

/** Decimal places of a canonical decimal ("0.01" -> 2, "0.25" -> 2, "1" -> 0). */
export function decimalPlaces(value: string): number {
  let text: string;
  try {
    text = dec(value).toString(); // canonical: "0.010" -> "0.01"
  } catch {
    return 2;
  }
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Cash, equity, P&L, notional, risk: two decimals, grouped. */
export function money(value: string | null | undefined): string {
  return value == null ? DASH : fixed(value, 2);
}

/** A ratio (profit factor, Sharpe) at a fixed precision. */
export function decimal(value: string | null | undefined, dp: number): string {
  return value == null ? DASH : fixed(value, dp);
}

/** P&L with an explicit sign, so a column of them reads at a glance. */
export function signedMoney(value: string | null | undefined): string {
  if (value == null) return DASH;
  const text = fixed(value, 2);
  return text.startsWith(MINUS) || !/[1-9]/.test(text) ? text : `+${text}`;
}

/**
 * A price at its instrument's precision: as many decimals as the tick has (an average fill of
 * 510.921087 on a 0.01 tick reads 510.92, beside a 512.10 mark). Half-even, the engine's rounding.
 */
export function price(value: string | null | undefined, tick: string = DEFAULT_TICK): string {
  if (value == null) return DASH;
  return fixed(value, decimalPlaces(tick));
}

/** The same without grouping, for compact labels (chart markers: "BUY 100@1234.50"). */
export function plainPrice(value: string, tick: string = DEFAULT_TICK): string {
  try {
    return dec(value).toFixed(decimalPlaces(tick));
  } catch {
    return value;
  }
}

/** Quantities in full (fractional lots stay visible, nothing is cut), grouped. */
export function qty(value: string | null | undefined): string {
  if (value == null) return DASH;
  let text: string;
  try {
    text = dec(value).toString();
  } catch {
    return value;
  }
  return fixed(text, decimalPlaces(text));
}

/** A value already in percent (pnlPct, maxDrawdownPct), two decimals. */
export function pct(value: string | null | undefined, dp = 2): string {
  return value == null ? DASH : `${fixed(value, dp)}%`;
}

/** A fraction shown as percent (winRate 0.55 -> 55.00%). */
export function fractionPct(value: string | null | undefined, dp = 2): string {
  if (value == null) return DASH;
  try {
    return `${fixed(dec(value).times(100).toString(), dp)}%`;
  } catch {
    return value;
  }
}

/** Sign of a decimal string: -1, 0, 1 (for the green / red classes). */
export function sign(value: string | null | undefined): -1 | 0 | 1 {
  if (value == null) return 0;
  try {
    const d = dec(value);
    return d.gt(0) ? 1 : d.lt(0) ? -1 : 0;
  } catch {
    return 0;
  }
}

export function toneClass(value: string | null | undefined): string {
  const s = sign(value);
  return s > 0 ? 'up' : s < 0 ? 'down' : '';
}

// ---------------------------------------------------------------- times

const pad = (n: number): string => String(n).padStart(2, '0');

export interface ClockParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a time zone (UTC without Intl, the common case). */
export function clockParts(ms: number, zone = 'UTC'): ClockParts {
  const d = new Date(ms);
  if (zone === 'UTC') {
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
  const out: ClockParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatterFor(zone).formatToParts(d)) {
    if (p.type in out) out[p.type as keyof ClockParts] = Number(p.value);
  }
  return out;
}

const valid = (ms: number | null | undefined): ms is number => ms != null && Number.isFinite(ms);

/** Date and time in the operator's zone (engine time: the market's clock, not the workstation's). */
export function dateTime(ms: number | null | undefined, zone = 'UTC'): string {
  if (!valid(ms)) return DASH;
  const p = clockParts(ms, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** Month-day and time, for dense columns: 03-01 16:14:00. */
export function shortDateTime(ms: number | null | undefined, zone = 'UTC'): string {
  if (!valid(ms)) return DASH;
  const p = clockParts(ms, zone);
  return `${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

export function clock(ms: number | null | undefined, zone = 'UTC'): string {
  if (!valid(ms)) return DASH;
  const p = clockParts(ms, zone);
  return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** A countdown such as 4m 05s, 1h 02m, or "expired". */
export function countdown(ms: number): string {
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${pad(h % 24)}h`;
}

export function score(confidence: number | undefined): string {
  return confidence == null || !Number.isFinite(confidence) ? DASH : confidence.toFixed(2);
}
