// Reads the replay's inputs (replay.md "Inputs"). Anything unreadable is an InputError that names the file
// and line; the whole input is read and checked before anything runs, so a bad line leaves nothing behind.
// Script lines and the config go through the shared schemas (src/shared/input-schema.ts); the prices file,
// millions of rows, through a hand reader that applies the same rules with the shared leaves (prices.ts).
import type { BraidConfig } from '../../../shared/domain/config.ts';
import type { PlanInput } from '../../../shared/domain/plan.ts';
import {
  kindOf,
  quoted,
  SCRIPT_EVENT_TYPES,
  type ScriptEventType,
  scriptLineSchemas,
} from '../../../shared/input-schema.ts';
import { parseConfig } from '../config.ts';
import { planInputOf } from '../plans/plan-input.ts';
import { FieldError, isObject, parseWith } from '../validation.ts';
import { InputError, readText } from './input-error.ts';

export { InputError } from './input-error.ts';
export { type BarTable, barOf, barTableBuilder, MAX_CSV_LINE, PRICES_HEADER, readPrices } from './prices.ts';

/** A script line (one plan) is well under 1 KB; past this it is refused before JSON.parse sees it. */
export const MAX_SCRIPT_LINE = 16_384;
/** A config file is well under 10 KB. */
export const MAX_CONFIG_BYTES = 1 << 20;

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
