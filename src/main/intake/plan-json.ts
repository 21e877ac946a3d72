// Upstream JSON read with the shared bounds (size, depth: src/shared/json-limits.ts), and when it is not
// JSON, where it breaks (line and column), so the sender can find the fault in what it sent.
import { parseJsonBounded } from '../../shared/json-limits.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { MAX_PLANS_PER_CALL } from './upstream-plans.ts';

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line} column ${column}`;
}

/** Where JSON.parse stopped on `text`, in words ("at line 3 column 1: Expected ..."). */
export function whereJsonBreaks(text: string): string {
  try {
    JSON.parse(text);
    return 'nowhere';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    if (position) {
      const what = message.replace(/ in JSON at position \d+.*$/, '');
      return `at ${lineColumn(text, Number(position[1]))}: ${what}`;
    }
    if (/Unexpected end of JSON input/.test(message))
      return `at ${lineColumn(text, text.length)}: it ends before the value does`;
    // "Unexpected token 'a', "abc" is not valid JSON": V8 names the token, not its place: find it.
    const token = /^Unexpected token '(.)'/.exec(message);
    const at = token ? text.indexOf(token[1]!) : -1;
    return at >= 0 ? `at ${lineColumn(text, at)}: unexpected ${JSON.stringify(token![1])}` : message;
  }
}

/** JSON text from outside, bounded; `what` names it in the error ("the request body", "row p-1's plan"). */
export function readJson(text: string, what: string, maxLength?: number): Result<unknown> {
  const parsed = parseJsonBounded(text, maxLength === undefined ? {} : { maxLength });
  if (parsed.ok) return parsed;
  if (parsed.error.code === 'bad_json')
    return err('bad_json', `${what} is not valid JSON ${whereJsonBreaks(text)}`);
  return err(parsed.error.code, `${what} is ${parsed.error.message}`);
}

/** A plan or an array of plans (webhook-style alerts), as raw values for the engine to read. */
export function plansOf(value: unknown, what: string): Result<unknown[]> {
  const plans = Array.isArray(value) ? value : [value];
  if (plans.length === 0) return err('no_plans', `${what} is an empty array: send a plan or plans`);
  if (plans.length > MAX_PLANS_PER_CALL)
    return err(
      'too_many_plans',
      `${what} holds ${plans.length} plans, over ${MAX_PLANS_PER_CALL}: send them in smaller batches`,
    );
  return ok(plans);
}
