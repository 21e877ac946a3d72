// The JSON bounds at the serve edge (src/shared/json-limits.ts): nesting counted outside strings only, the
// limit exact, size before depth, and never a throw.
import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds, MAX_JSON_DEPTH, parseJsonBounded } from '../../src/shared/json-limits.ts';

describe('JSON bounds', () => {
  it('counts nesting of arrays and objects, exactly at the limit', () => {
    expect(jsonDepthExceeds('1', 0)).toBe(false);
    expect(jsonDepthExceeds('[]', 0)).toBe(true);
    expect(jsonDepthExceeds('[{"a":[1]}]', 3)).toBe(false);
    expect(jsonDepthExceeds('[{"a":[1]}]', 2)).toBe(true);
    // Siblings do not add up: depth is how deep, not how many.
    expect(jsonDepthExceeds('[[1],[2],[3],{"a":1}]', 2)).toBe(false);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds('"[[[[{{{{"', 0)).toBe(false);
    expect(jsonDepthExceeds('{"k":"\\\\"}', 1)).toBe(false);
    expect(jsonDepthExceeds('{"k":"\\"[[[["}', 1)).toBe(false);
    expect(jsonDepthExceeds('{"k":"\\\\","x":[[1]]}', 2)).toBe(true);
  });

  it('parses within the bounds and answers each refusal with its code', () => {
    expect(parseJsonBounded('{"planId":"a"}')).toEqual({ ok: true, value: { planId: 'a' } });
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    expect(parseJsonBounded(deep)).toEqual({
      ok: false,
      error: { code: 'too_deep', message: 'JSON nested deeper than 32 levels' },
    });
    expect(parseJsonBounded(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`).ok).toBe(true);
    expect(parseJsonBounded('"abcdef"', { maxLength: 5 })).toEqual({
      ok: false,
      error: { code: 'too_large', message: 'JSON over 5 characters' },
    });
    expect(parseJsonBounded('{"a":')).toEqual({
      ok: false,
      error: { code: 'bad_json', message: 'not valid JSON' },
    });
    // 20,000 deep is refused by the scan, before JSON.parse or anything else walks it.
    expect(parseJsonBounded(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`).ok).toBe(false);
  });

  it('keeps a prototype key as plain data (for the strict schemas to refuse), polluting nothing', () => {
    const parsed = parseJsonBounded('{"__proto__":{"polluted":true}}');
    expect(parsed.ok && Object.hasOwn(parsed.value as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
