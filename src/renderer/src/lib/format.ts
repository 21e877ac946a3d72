// Display formatting of decimal strings. Money stays a string end to end: big.js rounds for display,
// nothing here adds floats together.
import { dec } from '../../../shared/domain/decimal.ts';

const MINUS = '\u2212';

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

/** Cash, equity, P&L: two decimals, grouped. */
export function money(value: string | null | undefined): string {
  return value == null ? '\u2014' : fixed(value, 2);
}

/** A ratio (profit factor, Sharpe) at a fixed precision. */
export function decimal(value: string | null | undefined, dp: number): string {
  return value == null ? '\u2014' : fixed(value, dp);
}

/** P&L with an explicit sign, so a column of them reads at a glance. */
export function signedMoney(value: string | null | undefined): string {
  if (value == null) return '\u2014';
  const text = fixed(value, 2);
  return text.startsWith(MINUS) || !/[1-9]/.test(text) ? text : `+${text}`;
}

function scale(value: string): number {
  const dot = value.indexOf('.');
  return dot < 0 ? 0 : value.length - dot - 1;
}

/** Prices keep their own precision (crypto ticks are finer than cents), at least two decimals. */
export function price(value: string | null | undefined): string {
  if (value == null) return '\u2014';
  return fixed(value, Math.min(8, Math.max(2, scale(value))));
}

/** Quantities as given (fractional lots stay visible), grouped. */
export function qty(value: string | null | undefined): string {
  if (value == null) return '\u2014';
  return fixed(value, Math.min(8, scale(value)));
}

/** A value already in percent (pnlPct, maxDrawdownPct). */
export function pct(value: string | null | undefined, dp = 2): string {
  return value == null ? '\u2014' : `${fixed(value, dp)}%`;
}

/** A fraction shown as percent (winRate 0.55 -> 55.0%). */
export function fractionPct(value: string | null | undefined, dp = 1): string {
  if (value == null) return '\u2014';
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

const pad = (n: number): string => String(n).padStart(2, '0');

/** Engine time as UTC (the engine's clock is the market's, not the workstation's). */
export function dateTime(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '\u2014';
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Month-day and time, for dense columns: 03-01 16:14:00. */
export function shortDateTime(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '\u2014';
  const d = new Date(ms);
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function clock(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '\u2014';
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
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
  return confidence == null || !Number.isFinite(confidence) ? '\u2014' : confidence.toFixed(2);
}
