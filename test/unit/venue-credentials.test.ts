import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  isBase64,
  KRAKEN_KEY_VAR,
  KRAKEN_SECRET_VAR,
  krakenCredentialsFromEnv,
  redact,
} from '../../src/main/venues/credentials.ts';

// Kraken's published test secret (docs.kraken.com spot REST authentication guide).
const SECRET = 'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==';
const KEY = 'HPX8ZyQ0k2nX0Qm1mZ0Y8o5d3V0aL2b7sE9cKtWqYjUfRgNhMiOp';

describe('Kraken credentials from the environment', () => {
  it('reads the key and the base64 secret, trimmed', () => {
    const read = krakenCredentialsFromEnv({ [KRAKEN_KEY_VAR]: ` ${KEY}\n`, [KRAKEN_SECRET_VAR]: SECRET });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.value.apiKey).toBe(KEY);
    expect(read.value.apiSecret).toBe(SECRET);
  });

  it('names every missing variable, and only those', () => {
    const none = krakenCredentialsFromEnv({});
    expect(none).toEqual({
      ok: false,
      message: expect.stringContaining(`set ${KRAKEN_KEY_VAR} and ${KRAKEN_SECRET_VAR}`),
    });
    const noSecret = krakenCredentialsFromEnv({ [KRAKEN_KEY_VAR]: KEY, [KRAKEN_SECRET_VAR]: '  ' });
    expect(noSecret.ok).toBe(false);
    if (noSecret.ok) return;
    expect(noSecret.message).toContain(`set ${KRAKEN_SECRET_VAR} (`);
    expect(noSecret.message).not.toContain(KRAKEN_KEY_VAR);
  });

  it('refuses a secret that is not base64 without quoting it', () => {
    const bad = 'not-base64-at-all_secret!';
    const read = krakenCredentialsFromEnv({ [KRAKEN_KEY_VAR]: KEY, [KRAKEN_SECRET_VAR]: bad });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.message).toContain(`${KRAKEN_SECRET_VAR} is not base64`);
    expect(read.message).not.toContain(bad);
    // Right alphabet, wrong length (base64 comes in groups of four).
    expect(
      krakenCredentialsFromEnv({ [KRAKEN_KEY_VAR]: KEY, [KRAKEN_SECRET_VAR]: SECRET.slice(0, -1) }).ok,
    ).toBe(false);
  });

  it('refuses a key with whitespace inside', () => {
    const read = krakenCredentialsFromEnv({ [KRAKEN_KEY_VAR]: 'abc def', [KRAKEN_SECRET_VAR]: SECRET });
    expect(read).toEqual({ ok: false, message: expect.stringContaining('whitespace') });
  });

  it('never prints the key or the secret: JSON, String, inspect, spread', () => {
    const read = krakenCredentialsFromEnv({ [KRAKEN_KEY_VAR]: KEY, [KRAKEN_SECRET_VAR]: SECRET });
    if (!read.ok) throw new Error(read.message);
    const printed = [
      JSON.stringify(read.value),
      JSON.stringify({ nested: read }),
      String(read.value),
      `${read.value}`,
      inspect(read.value),
      inspect({ read }, { depth: 5 }),
      JSON.stringify({ ...read.value }),
    ];
    for (const text of printed) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(SECRET);
    }
    expect(JSON.stringify(read.value)).toBe('{"apiKey":"[redacted]","apiSecret":"[redacted]"}');
  });
});

describe('isBase64', () => {
  it.each([
    ['c2VjcmV0', true],
    ['c2VjcmV0YQ==', true],
    [SECRET, true],
    ['', false],
    ['c2VjcmV0YQ', false],
    ['c2Vj cmV0', false],
    ['c2VjcmV0-_==', false],
    ['====', false],
  ])('%s -> %s', (text, expected) => {
    expect(isBase64(text)).toBe(expected);
  });
});

describe('redact', () => {
  it('replaces every occurrence of each secret, as written and form-encoded', () => {
    const body = `apiKey=${KEY}&secret=${encodeURIComponent(SECRET)}&again=${SECRET}`;
    expect(redact(body, KEY, SECRET)).toBe('apiKey=[redacted]&secret=[redacted]&again=[redacted]');
  });

  it('leaves text without the secrets, and ignores empty or tiny values', () => {
    expect(redact('kraken {"error":["EOrder:Insufficient funds"]}', KEY, SECRET)).toBe(
      'kraken {"error":["EOrder:Insufficient funds"]}',
    );
    expect(redact('a short word', undefined, '', 'a')).toBe('a short word');
  });
});
