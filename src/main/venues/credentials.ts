// Venue credentials for headless runs (`braid serve`, tests): read from the environment, checked for
// shape, never logged. The desktop app keeps its own in the safeStorage vault; both hand the adapter the
// same KrakenCredentials.
//
// The value hides its secret from accidental output: JSON.stringify, String() and util.inspect all print
// "[redacted]" in place of the key and secret. `redact` strips both from any text that leaves the adapter
// (error messages from ccxt quote request details).

export interface KrakenCredentials {
  readonly apiKey: string;
  /** Base64, as Kraken issues it (the HMAC-SHA512 key once decoded). */
  readonly apiSecret: string;
}

export type CredentialsResult = { ok: true; value: KrakenCredentials } | { ok: false; message: string };

export const KRAKEN_KEY_VAR = 'BRAID_KRAKEN_API_KEY';
export const KRAKEN_SECRET_VAR = 'BRAID_KRAKEN_API_SECRET';

const REDACTED = '[redacted]';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Is `text` standard base64 (with padding) that decodes to at least one byte? */
export function isBase64(text: string): boolean {
  return text.length > 0 && text.length % 4 === 0 && BASE64.test(text);
}

/** Credentials whose printed forms never show the key or the secret. */
export function krakenCredentials(apiKey: string, apiSecret: string): KrakenCredentials {
  const shown = { apiKey: REDACTED, apiSecret: REDACTED };
  const value = {} as KrakenCredentials;
  Object.defineProperties(value, {
    apiKey: { value: apiKey, enumerable: false },
    apiSecret: { value: apiSecret, enumerable: false },
    toJSON: { value: () => shown, enumerable: false },
    toString: { value: () => '[Kraken credentials]', enumerable: false },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => shown, enumerable: false },
  });
  return Object.freeze(value);
}

/**
 * Kraken credentials from `BRAID_KRAKEN_API_KEY` and `BRAID_KRAKEN_API_SECRET`. The message names the
 * variable that is missing or malformed and never quotes its value.
 */
export function krakenCredentialsFromEnv(
  env: Record<string, string | undefined> = process.env,
): CredentialsResult {
  const apiKey = env[KRAKEN_KEY_VAR]?.trim() ?? '';
  const apiSecret = env[KRAKEN_SECRET_VAR]?.trim() ?? '';
  const missing = [
    ...(apiKey === '' ? [KRAKEN_KEY_VAR] : []),
    ...(apiSecret === '' ? [KRAKEN_SECRET_VAR] : []),
  ];
  if (missing.length > 0) {
    return {
      ok: false,
      message: `Kraken credentials missing: set ${missing.join(' and ')} (the API key and its private key from Kraken's API settings)`,
    };
  }
  if (/\s/.test(apiKey)) {
    return {
      ok: false,
      message: `${KRAKEN_KEY_VAR} has whitespace inside it: paste the API key as Kraken shows it`,
    };
  }
  if (!isBase64(apiSecret)) {
    return {
      ok: false,
      message: `${KRAKEN_SECRET_VAR} is not base64: paste the private key exactly as Kraken issued it (letters, digits, + and /, ending in =)`,
    };
  }
  return { ok: true, value: krakenCredentials(apiKey, apiSecret) };
}

/**
 * `text` with every secret in it (as written or form-encoded) replaced by "[redacted]". Values shorter than 4 characters are left
 * alone: they would match ordinary words and are no secret worth the name.
 */
export function redact(text: string, ...secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    // The form-encoded spelling too (base64's + / = become %2B %2F %3D in a request body).
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return out;
}
