// The prices file (replay.md "Inputs"), millions of rows: a hand reader that applies the rules of the
// shared leaves (readTime, readSymbol, the one decimal pattern). Each row first goes through a scan of its
// characters that accepts only the plain form every generated or exported file uses (an ISO time in Z,
// a known symbol, unsigned decimals of at most 15 digits): what it accepts, the full checks accept with the
// same values. Anything else (a new symbol, spaces, signs, exponents, every bad row) goes through the full
// checks, which alone write error messages, so a bad row reads the same whichever way it came.
// Cells are kept as offsets into the file's text, not as strings: five million retained strings were most
// of the reader's garbage-collection time; a bar's strings are cut when the engine asks for it (barOf).

import {
  DECIMAL_MAX_CHARS,
  DECIMAL_MIN_ABS,
  DECIMAL_PATTERN,
  rangeProblem,
} from '../../../shared/domain/decimal.ts';
import type { Bar } from '../../../shared/domain/instrument.ts';
import { readTime } from '../../../shared/domain/time.ts';
import { quoted, readSymbol } from '../../../shared/input-schema.ts';
import { InputError, readText } from './input-error.ts';

/** Bars in columns: compact for millions of rows; prices stay the exact decimal text of the file. */
export interface BarTable {
  length: number;
  time: Float64Array;
  symbolIndex: Uint32Array;
  symbols: string[];
  /** The text the cells are cut from: the file's, then the cells of rows that were not cut from it. */
  text: string;
  /** Per bar, CELLS (open, high, low, close, volume) offsets into `text` and their lengths. */
  cellStart: Uint32Array;
  cellLength: Uint8Array;
}

const CELLS = 5;

export const PRICES_HEADER = 'time,symbol,open,high,low,close,volume';
/** A prices row is under 200 characters; past this it is garbage, refused before it is split. */
export const MAX_CSV_LINE = 1_024;

/** Bar `i` of a table, its cells cut from the text. */
export function barOf(t: BarTable, i: number): Bar {
  const k = i * CELLS;
  const s = t.cellStart;
  const l = t.cellLength;
  const x = t.text;
  return {
    time: t.time[i]!,
    symbol: t.symbols[t.symbolIndex[i]!]!,
    open: x.slice(s[k]!, s[k]! + l[k]!),
    high: x.slice(s[k + 1]!, s[k + 1]! + l[k + 1]!),
    low: x.slice(s[k + 2]!, s[k + 2]! + l[k + 2]!),
    close: x.slice(s[k + 3]!, s[k + 3]! + l[k + 3]!),
    volume: x.slice(s[k + 4]!, s[k + 4]! + l[k + 4]!),
  };
}

/** A price or volume field: the number it reads as, or throws naming the column. */
function decimalCell(file: string, lineNo: number, name: string, text: string, positive: boolean): number {
  if (text.length > DECIMAL_MAX_CHARS || !DECIMAL_PATTERN.test(text))
    throw new InputError(file, lineNo, `${name} ${quoted(text)} is not a decimal number`);
  const n = Number(text);
  if (positive ? !(n > 0) : n < 0)
    throw new InputError(file, lineNo, `${name} ${text} must be ${positive ? 'above 0' : 'at least 0'}`);
  const range = rangeProblem(n);
  if (range !== null) throw new InputError(file, lineNo, `${name} ${text} ${range}`);
  return n;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const MAX_PLAIN_DIGITS = 15;

/** Where the last plainDecimal stopped (a comma, the line's end, or anything else). */
let plainEnd = 0;

/**
 * An unsigned decimal of digits with at most one point and 1..15 digits, from `at` to the next comma or
 * `end`: its value, or -1 when the text is anything else. The value is Number()'s: the digits as an
 * integer (below 2^53) over a power of ten (exact up to 1e22), one correctly rounded division.
 * Such text matches DECIMAL_PATTERN, is under DECIMAL_MAX_CHARS, and is below DECIMAL_MAX_ABS.
 */
function plainDecimal(x: string, at: number, end: number): number {
  let m = 0;
  let digits = 0;
  let places = 0;
  let point = false;
  let i = at;
  for (; i < end; i++) {
    const c = x.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (point) places++;
    } else if (c === 46 && !point) point = true;
    else if (c === 44) break;
    else return -1;
  }
  plainEnd = i;
  if (digits === 0 || digits > MAX_PLAIN_DIGITS) return -1;
  return places === 0 ? m : m / POW10[places]!;
}

function twoDigits(x: string, at: number): number {
  const a = x.charCodeAt(at) - 48;
  const b = x.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * "YYYY-MM-DDTHH:MM:SSZ" from `at` to `end`, a real date and time of day in 1970..2100: its epoch ms
 * (what readTime reads it as), or NaN for any other text.
 */
function plainUtcTime(x: string, at: number, end: number): number {
  if (end - at !== 20) return Number.NaN;
  if (
    x.charCodeAt(at + 4) !== 45 ||
    x.charCodeAt(at + 7) !== 45 ||
    x.charCodeAt(at + 10) !== 84 ||
    x.charCodeAt(at + 13) !== 58 ||
    x.charCodeAt(at + 16) !== 58 ||
    x.charCodeAt(at + 19) !== 90
  )
    return Number.NaN;
  const century = twoDigits(x, at);
  const yy = twoDigits(x, at + 2);
  const month = twoDigits(x, at + 5);
  const day = twoDigits(x, at + 8);
  const hour = twoDigits(x, at + 11);
  const minute = twoDigits(x, at + 14);
  const second = twoDigits(x, at + 17);
  if (century < 0 || yy < 0 || day < 1 || hour < 0 || minute < 0 || second < 0) return Number.NaN;
  const year = century * 100 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (year < 1970 || year > 2100 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59)
    return Number.NaN;
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/**
 * Checks prices rows one by one into a BarTable: the rules of every bar reader. `row` takes a row's
 * fields already split (readPrices' full checks; bench/replay.bench.ts feeds it a CSV library's records);
 * `plainRow` a row of `text` in place, the fast path.
 */
export function barTableBuilder(file: string, capacity: number, text = '') {
  let n = 0;
  let cap = Math.max(16, capacity);
  let time = new Float64Array(cap);
  let symbolIndex = new Uint32Array(cap);
  let cellStart = new Uint32Array(cap * CELLS);
  let cellLength = new Uint8Array(cap * CELLS);
  // Cells of rows given as strings, appended after `text`.
  const side: string[] = [];
  let sideEnd = text.length;
  const symbols: string[] = [];
  const symbolIds = new Map<string, number>();
  const lastTimeOfSymbol: number[] = [];
  let lastTime = Number.NEGATIVE_INFINITY;
  // Rows of one time come in runs (one per symbol): the time text is read once per run. A comma is never
  // a field, so the first row's time is always read (an empty one too).
  let lastTimeText = ',';

  function room(): void {
    if (n < cap) return;
    cap *= 2;
    const t = new Float64Array(cap);
    t.set(time);
    time = t;
    const s = new Uint32Array(cap);
    s.set(symbolIndex);
    symbolIndex = s;
    const c = new Uint32Array(cap * CELLS);
    c.set(cellStart);
    cellStart = c;
    const l = new Uint8Array(cap * CELLS);
    l.set(cellLength);
    cellLength = l;
  }

  function sideCell(k: number, cell: string): void {
    cellStart[k] = sideEnd;
    cellLength[k] = cell.length;
    side.push(cell);
    sideEnd += cell.length;
  }

  return {
    row(f: readonly string[], lineNo: number): void {
      if (f.length !== 7) throw new InputError(file, lineNo, `expected 7 fields, got ${f.length}`);
      const timeText = f[0]!;
      let t = lastTime;
      if (timeText !== lastTimeText) {
        const r = readTime(timeText);
        if (!r.ok) throw new InputError(file, lineNo, `time ${quoted(timeText.trim())}: ${r.problem}`);
        t = r.value;
        if (t < lastTime) throw new InputError(file, lineNo, 'rows out of time order');
        lastTime = t;
        lastTimeText = timeText;
      }
      const symbol = f[1]!.trim();
      let id = symbolIds.get(symbol);
      if (id === undefined) {
        const r = readSymbol(symbol);
        if (!r.ok) throw new InputError(file, lineNo, `symbol ${r.problem}`);
        id = symbols.length;
        symbols.push(symbol);
        symbolIds.set(symbol, id);
      }
      if (lastTimeOfSymbol[id] === t)
        throw new InputError(file, lineNo, `a second ${symbol} bar at ${timeText.trim()}`);
      lastTimeOfSymbol[id] = t;
      const os = f[2]!.trim();
      const hs = f[3]!.trim();
      const ls = f[4]!.trim();
      const cs = f[5]!.trim();
      const vs = f[6]!.trim();
      const o = decimalCell(file, lineNo, 'open', os, true);
      const h = decimalCell(file, lineNo, 'high', hs, true);
      const l = decimalCell(file, lineNo, 'low', ls, true);
      const c = decimalCell(file, lineNo, 'close', cs, true);
      decimalCell(file, lineNo, 'volume', vs, false);
      // Decimal order survives the conversion to doubles (rounding is monotonic), so these checks are exact.
      if (l > o || l > c || h < o || h < c) {
        throw new InputError(
          file,
          lineNo,
          `inconsistent bar: low ${ls} / high ${hs} do not contain open ${os} and close ${cs}`,
        );
      }
      room();
      time[n] = t;
      symbolIndex[n] = id;
      const k = n * CELLS;
      sideCell(k, os);
      sideCell(k + 1, hs);
      sideCell(k + 2, ls);
      sideCell(k + 3, cs);
      sideCell(k + 4, vs);
      n++;
    },

    /**
     * The row of `text` from `at` to `end` (no line break) when it is in the plain form and passes every
     * check of `row`: added, true. Otherwise false and nothing changed: the caller gives it to `row`.
     */
    plainRow(at: number, end: number): boolean {
      const x = text;
      const c1 = x.indexOf(',', at);
      if (c1 < 0 || c1 >= end) return false;
      let t = lastTime;
      const sameTime = c1 - at === lastTimeText.length && x.startsWith(lastTimeText, at);
      if (!sameTime) {
        t = plainUtcTime(x, at, c1);
        if (!(t >= lastTime)) return false;
      }
      const c2 = x.indexOf(',', c1 + 1);
      if (c2 < 0 || c2 >= end) return false;
      const id = symbolIds.get(x.slice(c1 + 1, c2));
      if (id === undefined || lastTimeOfSymbol[id] === t) return false;
      const os = c2 + 1;
      const o = plainDecimal(x, os, end);
      const oe = plainEnd;
      if (!(o >= DECIMAL_MIN_ABS) || oe === end) return false;
      const h = plainDecimal(x, oe + 1, end);
      const he = plainEnd;
      if (!(h >= DECIMAL_MIN_ABS) || he === end) return false;
      const l = plainDecimal(x, he + 1, end);
      const le = plainEnd;
      if (!(l >= DECIMAL_MIN_ABS) || le === end) return false;
      const c = plainDecimal(x, le + 1, end);
      const ce = plainEnd;
      if (!(c >= DECIMAL_MIN_ABS) || ce === end) return false;
      const v = plainDecimal(x, ce + 1, end);
      if (v < 0 || (v !== 0 && v < DECIMAL_MIN_ABS) || plainEnd !== end) return false;
      if (l > o || l > c || h < o || h < c) return false;
      if (!sameTime) {
        lastTime = t;
        lastTimeText = x.slice(at, c1);
      }
      lastTimeOfSymbol[id] = t;
      room();
      time[n] = t;
      symbolIndex[n] = id;
      const k = n * CELLS;
      cellStart[k] = os;
      cellLength[k] = oe - os;
      cellStart[k + 1] = oe + 1;
      cellLength[k + 1] = he - oe - 1;
      cellStart[k + 2] = he + 1;
      cellLength[k + 2] = le - he - 1;
      cellStart[k + 3] = le + 1;
      cellLength[k + 3] = ce - le - 1;
      cellStart[k + 4] = ce + 1;
      cellLength[k + 4] = end - ce - 1;
      n++;
      return true;
    },

    table(): BarTable {
      return {
        length: n,
        time: time.subarray(0, n),
        symbolIndex: symbolIndex.subarray(0, n),
        symbols,
        text: side.length > 0 ? text + side.join('') : text,
        cellStart: cellStart.subarray(0, n * CELLS),
        cellLength: cellLength.subarray(0, n * CELLS),
      };
    },
  };
}

/** Rows per character of a typical prices file, to size the table once (it grows if short). */
const ROWS_PER_CHAR = 1 / 56;

/**
 * The one bar reader (the replay and the demo feed use it). Hand-split: csv-parse, fed to the same
 * checks, took 1.65x the time of the reader before this one on a million rows (bench/replay.bench.ts
 * measures both when csv-parse is installed); fields here never hold quotes or commas, so splitting on
 * commas reads them exactly.
 */
export function readPrices(file: string, text = readText(file)): BarTable {
  let eol = text.indexOf('\n');
  if (eol < 0) eol = text.length;
  const header = text
    .slice(0, eol)
    .replace(/^\uFEFF/, '')
    .trim();
  if (header !== PRICES_HEADER)
    throw new InputError(file, 1, `header must be "${PRICES_HEADER}", got ${quoted(header, 80)}`);
  const bars = barTableBuilder(file, Math.ceil(text.length * ROWS_PER_CHAR), text);
  let lineNo = 2;
  for (let at = eol + 1; at < text.length; lineNo++) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const next = end + 1;
    if (end > at && text.charCodeAt(end - 1) === 13) end--;
    if (end - at > MAX_CSV_LINE)
      throw new InputError(file, lineNo, `row is longer than ${MAX_CSV_LINE} characters`);
    if (end > at && !bars.plainRow(at, end)) {
      const line = text.slice(at, end);
      if (line.trim() !== '') bars.row(line.split(','), lineNo);
    }
    at = next;
  }
  return bars.table();
}
