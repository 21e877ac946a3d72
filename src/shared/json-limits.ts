// JSON from the outside world, bounded before it is parsed: a size limit and a nesting limit, checked by a
// linear scan, so that `[[[[…` 20,000 deep (or a 50 MB body) is refused with an error Result instead of
// exhausting the stack of whatever walks the value later (schemas, structured clone, JSON.stringify).
import { err, ok, type Result } from './result.ts';

/** Deeper than any command of the contract (message > args > plan > entry is 4) with room to spare. */
export const MAX_JSON_DEPTH = 32;
/** Characters of JSON text; a command is a few hundred, a plan a few thousand. Transports bound bytes too. */
export const MAX_JSON_LENGTH = 1024 * 1024;

export interface JsonLimits {
  maxDepth?: number;
  maxLength?: number;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of arrays and objects in `text`, stopping as soon as it passes `limit` (brackets
 * inside strings do not count). Unbalanced text is JSON.parse's to refuse; this only bounds the depth.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** JSON.parse behind a size and a depth bound. Never throws. */
export function parseJsonBounded(text: string, limits: JsonLimits = {}): Result<unknown> {
  const maxLength = limits.maxLength ?? MAX_JSON_LENGTH;
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  if (text.length > maxLength) return err('too_large', `JSON over ${maxLength} characters`);
  if (jsonDepthExceeds(text, maxDepth)) return err('too_deep', `JSON nested deeper than ${maxDepth} levels`);
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err('bad_json', 'not valid JSON');
  }
}
