// Reads the replay's inputs (replay.md "Inputs"). Anything unreadable is an InputError that names the file
// and line; the whole input is read and checked before anything runs, so a bad line leaves nothing behind.
// Script lines and the config go through the shared schemas (src/shared/input-schema.ts); the prices file,
// millions of rows, through a hand reader that applies the same rules with the shared leaves (readTime,
// readSymbol, the one decimal pattern): a CSV library cost more, see readPrices.
import { readFileSync } from 'node:fs';
import type { BraidConfig } from '../../../shared/domain/config.ts';
import { DECIMAL_MAX_CHARS, DECIMAL_PATTERN, rangeProblem } from '../../../shared/domain/decimal.ts';
import type { PlanInput } from '../../../shared/domain/plan.ts';
import { readTime } from '../../../shared/domain/time.ts';
import {
  kindOf,
  quoted,
  readSymbol,
  SCRIPT_EVENT_TYPES,
  type ScriptEventType,
  scriptLineSchemas,
} from '../../../shared/input-schema.ts';
import { parseConfig } from '../config.ts';
import { planInputOf } from '../plans/plan-input.ts';
import { FieldError, isObject, parseWith } from '../validation.ts';

export class InputError extends Error {
  readonly file: string;
  /** 1-based; 0 when the problem is the file as a whole (missing, or not this run's journal). */
  readonly line: number;
  readonly reason: string;
  constructor(file: string, line: number, reason: string) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.file = file;
    this.line = line;
    this.reason = reason;
    this.name = 'InputError';
  }
}

/** Bars in columns: compact for millions of rows; prices stay the exact decimal text of the file. */
export interface BarTable {
  length: number;
  time: Float64Array;
  symbolIndex: Uint32Array;
  symbols: string[];
  open: string[];
  high: string[];
  low: string[];
  close: string[];
  volume: string[];
}

export const PRICES_HEADER = 'time,symbol,open,high,low,close,volume';
/** A prices row is under 200 characters; past this it is garbage, refused before it is split. */
export const MAX_CSV_LINE = 1_024;
/** A script line (one plan) is well under 1 KB; past this it is refused before JSON.parse sees it. */
export const MAX_SCRIPT_LINE = 16_384;
/** A config file is well under 10 KB. */
export const MAX_CONFIG_BYTES = 1 << 20;

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(
      file,
      0,
      `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
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

/**
 * Checks prices rows one by one (fields already split) into a BarTable: the rules of every bar reader.
 * readPrices feeds it; bench/replay.bench.ts feeds it a CSV library's records to compare the two.
 */
export function barTableBuilder(file: string, capacity: number) {
  let n = 0;
  const time = new Float64Array(capacity);
  const symbolIndex = new Uint32Array(capacity);
  const open: string[] = [];
  const high: string[] = [];
  const low: string[] = [];
  const close: string[] = [];
  const volume: string[] = [];
  const symbols: string[] = [];
  const symbolIds = new Map<string, number>();
  const lastTimeOfSymbol: number[] = [];
  let lastTime = Number.NEGATIVE_INFINITY;
  // Rows of one time come in runs (one per symbol): the time text is read once per run.
  let lastTimeText = '';
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
      time[n] = t;
      symbolIndex[n] = id;
      open.push(os);
      high.push(hs);
      low.push(ls);
      close.push(cs);
      volume.push(vs);
      n++;
    },
    table(): BarTable {
      return { length: n, time, symbolIndex, symbols, open, high, low, close, volume };
    },
  };
}

/**
 * The one bar reader (the replay and the demo feed use it). Hand-split: csv-parse, fed to the same
 * checks, took 1.65x this reader's time on a million rows (4.9 s against 3.0 s), which would leave the
 * replay at about 72% of its throughput (bench/replay.bench.ts measures both when csv-parse is
 * installed); fields here never hold quotes or commas, so splitting on commas reads them exactly.
 */
export function readPrices(file: string, text = readText(file)): BarTable {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').trim();
  if (header !== PRICES_HEADER)
    throw new InputError(file, 1, `header must be "${PRICES_HEADER}", got ${quoted(header, 80)}`);
  const bars = barTableBuilder(file, lines.length);
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const lineNo = i + 1;
    if (line.length > MAX_CSV_LINE)
      throw new InputError(file, lineNo, `row is longer than ${MAX_CSV_LINE} characters`);
    if (line.trim() === '') continue;
    bars.row(line.split(','), lineNo);
  }
  return bars.table();
}

export type ScriptEvent =
  | { line: number; at: number; type: 'plan'; plan: PlanInput; raw: unknown }
  | { line: number; at: number; type: 'approve'; planId: string }
  | { line: number; at: number; type: 'reject'; planId: string; reason?: string }
  | { line: number; at: number; type: 'cancel'; planId: string }
  | { line: number; at: number; type: 'close'; symbol: string }
  | { line: number; at: number; type: 'kill' }
  | { line: number; at: number; type: 'resume' }
  | { line: number; at: number; type: 'reduce' }
  | {
      line: number;
      at: number;
      type: 'lesson';
      lessonId: string;
      state: 'active' | 'dismissed' | 'proposed';
    };

function isEventType(x: unknown): x is ScriptEventType {
  return typeof x === 'string' && (SCRIPT_EVENT_TYPES as readonly string[]).includes(x);
}

/** One script line, already known to be a JSON object of a known type; throws FieldError. */
function scriptEvent(raw: Record<string, unknown>, type: ScriptEventType, line: number): ScriptEvent {
  switch (type) {
    case 'plan': {
      const e = parseWith(scriptLineSchemas.plan, raw);
      // The engine reads the plan again from `raw` (as it does from any upstream source).
      return { line, at: e.at, type, plan: planInputOf(e.plan), raw: raw.plan };
    }
    case 'approve':
    case 'cancel': {
      const e = parseWith(scriptLineSchemas[type], raw);
      return { line, at: e.at, type, planId: e.planId };
    }
    case 'reject': {
      const e = parseWith(scriptLineSchemas.reject, raw);
      return { line, at: e.at, type, planId: e.planId, ...(e.reason ? { reason: e.reason } : {}) };
    }
    case 'close': {
      const e = parseWith(scriptLineSchemas.close, raw);
      return { line, at: e.at, type, symbol: e.symbol };
    }
    case 'lesson': {
      const e = parseWith(scriptLineSchemas.lesson, raw);
      return { line, at: e.at, type, lessonId: e.lessonId, state: e.state };
    }
    case 'kill':
    case 'resume':
    case 'reduce':
      return { line, at: parseWith(scriptLineSchemas[type], raw).at, type };
  }
}

export function readScript(file: string, text = readText(file)): ScriptEvent[] {
  const events: ScriptEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    if (lines[i]!.length > MAX_SCRIPT_LINE)
      throw new InputError(file, lineNo, `line is longer than ${MAX_SCRIPT_LINE} characters`);
    const line = lines[i]!.trim();
    if (line === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new InputError(file, lineNo, `bad JSON: ${(e as Error).message}`);
    }
    if (!isObject(raw)) throw new InputError(file, lineNo, 'each line must be a JSON object');
    const type = raw.type;
    if (!isEventType(type)) {
      const expected = `(expected ${SCRIPT_EVENT_TYPES.join(', ')})`;
      throw new InputError(
        file,
        lineNo,
        type === undefined || type === null
          ? `type: is required ${expected}`
          : typeof type === 'string'
            ? `unknown event type ${quoted(type)} ${expected}`
            : `type: expected a string, got ${kindOf(type)} ${expected}`,
      );
    }
    try {
      events.push(scriptEvent(raw, type, lineNo));
    } catch (e) {
      if (e instanceof FieldError) throw new InputError(file, lineNo, e.message);
      throw e;
    }
  }
  // Equal times keep file order (a stable sort); bars of the same time come after them.
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
    .map((x) => x.e);
}

/**
 * The line of each key of a JSON text, by its path (JSON.stringify of the keys and list positions), down
 * to `maxDepth` levels. The text is known to be valid JSON (JSON.parse read it), so a scan that follows
 * strings, braces, brackets and commas is enough; it keeps a stack of its own, never recursing.
 */
export function keyLines(text: string, maxDepth = 8): Map<string, number> {
  const out = new Map<string, number>();
  type Frame = {
    path: PropertyKey[] | null;
    object: boolean;
    key: string | null;
    index: number;
    expectKey: boolean;
  };
  const stack: Frame[] = [];
  const childPath = (): PropertyKey[] | null => {
    const top = stack[stack.length - 1];
    if (top === undefined) return [];
    if (top.path === null || stack.length >= maxDepth) return null;
    return [...top.path, top.object ? (top.key ?? '') : top.index];
  };
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) line++;
    else if (ch === 34) {
      // A string: find its closing quote (JSON strings hold no raw newline).
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        top.key = JSON.parse(text.slice(i, j + 1)) as string;
        top.expectKey = false;
        if (top.path !== null && stack.length <= maxDepth)
          out.set(JSON.stringify([...top.path, top.key]), line);
      }
      i = j;
    } else if (ch === 123 || ch === 91) {
      stack.push({ path: childPath(), object: ch === 123, key: null, index: 0, expectKey: ch === 123 });
    } else if (ch === 125 || ch === 93) {
      stack.pop();
    } else if (ch === 44) {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectKey = true;
      else if (top) top.index++;
    }
  }
  return out;
}

/** The line of the deepest known key on `path` (1 when none is: the problem is the file as a whole). */
function lineOfPath(lines: Map<string, number>, path: readonly PropertyKey[]): number {
  for (let k = path.length; k > 0; k--) {
    const line = lines.get(JSON.stringify(path.slice(0, k)));
    if (line !== undefined) return line;
  }
  return 1;
}

export function readConfig(file: string | undefined): BraidConfig {
  if (file === undefined) return parseConfig({});
  const text = readText(file);
  if (text.length > MAX_CONFIG_BYTES)
    throw new InputError(file, 0, `is larger than ${MAX_CONFIG_BYTES} bytes: not a config file`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : 1;
    throw new InputError(file, line, `bad JSON: ${(e as Error).message}`);
  }
  try {
    return parseConfig(raw);
  } catch (e) {
    if (e instanceof FieldError) throw new InputError(file, lineOfPath(keyLines(text), e.path), e.message);
    throw e;
  }
}
