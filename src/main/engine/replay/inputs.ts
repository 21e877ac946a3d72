// Reads the replay's inputs (replay.md "Inputs"). Anything unreadable is an InputError that names the file
// and line; the whole input is read and checked before anything runs, so a bad line leaves nothing behind.
import { readFileSync } from 'node:fs';
import type { BraidConfig } from '../../../shared/domain/config.ts';
import type { PlanInput } from '../../../shared/domain/plan.ts';
import { parseTime } from '../../../shared/domain/time.ts';
import { parseConfig } from '../config.ts';
import { parsePlanInput } from '../plans/plan-input.ts';
import { FieldError, isObject, stringField } from '../validation.ts';

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

const HEADER = 'time,symbol,open,high,low,close,volume';
const NUMBER_RE = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

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

export function readPrices(file: string, text = readText(file)): BarTable {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').trim();
  if (header !== HEADER) throw new InputError(file, 1, `header must be "${HEADER}", got "${header}"`);
  let n = 0;
  const cap = lines.length;
  const time = new Float64Array(cap);
  const symbolIndex = new Uint32Array(cap);
  const open: string[] = [];
  const high: string[] = [];
  const low: string[] = [];
  const close: string[] = [];
  const volume: string[] = [];
  const symbols: string[] = [];
  const symbolIds = new Map<string, number>();
  const lastTimeOfSymbol: number[] = [];
  let lastTime = Number.NEGATIVE_INFINITY;
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    const f = line.split(',');
    if (f.length !== 7) throw new InputError(file, lineNo, `expected 7 fields, got ${f.length}`);
    const t = parseTime(f[0]!);
    if (t === null)
      throw new InputError(file, lineNo, `time "${f[0]}" is not ISO 8601 with a zone nor epoch milliseconds`);
    if (t < lastTime)
      throw new InputError(file, lineNo, `prices out of time order (${f[0]} after a later bar)`);
    lastTime = t;
    const symbol = f[1]!.trim();
    if (symbol === '') throw new InputError(file, lineNo, 'symbol is empty');
    let id = symbolIds.get(symbol);
    if (id === undefined) {
      id = symbols.length;
      symbols.push(symbol);
      symbolIds.set(symbol, id);
    }
    if (lastTimeOfSymbol[id] === t) throw new InputError(file, lineNo, `a second ${symbol} bar at ${f[0]}`);
    lastTimeOfSymbol[id] = t;
    const values = [f[2]!.trim(), f[3]!.trim(), f[4]!.trim(), f[5]!.trim(), f[6]!.trim()];
    const names = ['open', 'high', 'low', 'close', 'volume'];
    for (let k = 0; k < 5; k++) {
      if (!NUMBER_RE.test(values[k]!)) {
        throw new InputError(file, lineNo, `${names[k]} "${values[k]}" is not a non-negative number`);
      }
    }
    const [o, h, l, c] = [Number(values[0]), Number(values[1]), Number(values[2]), Number(values[3])];
    // Decimal order survives the conversion to doubles (rounding is monotonic), so these checks are exact.
    if (l > o || l > c || h < o || h < c || l > h) {
      throw new InputError(
        file,
        lineNo,
        `inconsistent bar: low ${values[2]} / high ${values[1]} do not contain open and close`,
      );
    }
    if (o <= 0) throw new InputError(file, lineNo, `open ${values[0]} must be positive`);
    time[n] = t;
    symbolIndex[n] = id;
    open.push(values[0]!);
    high.push(values[1]!);
    low.push(values[2]!);
    close.push(values[3]!);
    volume.push(values[4]!);
    n++;
  }
  return { length: n, time, symbolIndex, symbols, open, high, low, close, volume };
}

export type ScriptEvent =
  | { line: number; at: number; type: 'plan'; plan: PlanInput; raw: unknown }
  | { line: number; at: number; type: 'approve'; planId: string }
  | { line: number; at: number; type: 'reject'; planId: string; reason?: string }
  | { line: number; at: number; type: 'cancel'; planId: string }
  | { line: number; at: number; type: 'close'; symbol: string }
  | { line: number; at: number; type: 'kill' }
  | { line: number; at: number; type: 'resume' }
  | { line: number; at: number; type: 'reduce' };

const EVENT_TYPES = ['plan', 'approve', 'reject', 'cancel', 'close', 'kill', 'resume', 'reduce'];

export function readScript(file: string, text = readText(file)): ScriptEvent[] {
  const events: ScriptEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const lineNo = i + 1;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new InputError(file, lineNo, `bad JSON: ${(e as Error).message}`);
    }
    if (!isObject(raw)) throw new InputError(file, lineNo, 'each line must be a JSON object');
    const at = parseTime(raw.at);
    if (at === null)
      throw new InputError(file, lineNo, 'at: must be ISO 8601 with a zone or epoch milliseconds');
    const type = raw.type;
    if (typeof type !== 'string' || !EVENT_TYPES.includes(type)) {
      throw new InputError(
        file,
        lineNo,
        `unknown event type ${JSON.stringify(type)} (expected ${EVENT_TYPES.join(', ')})`,
      );
    }
    try {
      switch (type) {
        case 'plan':
          events.push({ line: lineNo, at, type, plan: parsePlanInput(raw.plan), raw: raw.plan });
          break;
        case 'approve':
        case 'cancel':
          events.push({ line: lineNo, at, type, planId: stringField(raw.planId, 'planId') });
          break;
        case 'reject': {
          const reason =
            raw.reason === undefined || raw.reason === null ? undefined : stringField(raw.reason, 'reason');
          events.push({
            line: lineNo,
            at,
            type,
            planId: stringField(raw.planId, 'planId'),
            ...(reason ? { reason } : {}),
          });
          break;
        }
        case 'close':
          events.push({ line: lineNo, at, type, symbol: stringField(raw.symbol, 'symbol') });
          break;
        default:
          events.push({ line: lineNo, at, type: type as 'kill' | 'resume' | 'reduce' });
      }
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

export function readConfig(file: string | undefined): BraidConfig {
  if (file === undefined) return parseConfig({});
  const text = readText(file);
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
    if (e instanceof FieldError) {
      const key = e.field.split('.').pop() ?? '';
      const at = text.indexOf(`"${key}"`);
      const line = at < 0 ? 1 : text.slice(0, at).split('\n').length;
      throw new InputError(file, line, e.message);
    }
    throw e;
  }
}
