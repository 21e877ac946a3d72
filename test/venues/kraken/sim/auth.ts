// Kraken's private-call authentication, as the venue checks it: API-Key names a key, API-Sign is
// base64(HMAC-SHA512(base64decode(secret), path + SHA256(nonce + rawBody))) over the body exactly as sent,
// and the nonce is per key and strictly increasing (never reset).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Kraken's API-Sign for a private request. */
export function krakenSignature(path: string, nonce: string, body: string, secretBase64: string): string {
  const hash = createHash('sha256')
    .update(nonce + body, 'utf8')
    .digest();
  return createHmac('sha512', Buffer.from(secretBase64, 'base64'))
    .update(Buffer.concat([Buffer.from(path, 'utf8'), hash]))
    .digest('base64');
}

/** Does `signature` sign this request with this secret? Constant-time on the decoded bytes. */
export function verifyKrakenSignature(
  path: string,
  nonce: string,
  body: string,
  secretBase64: string,
  signature: string,
): boolean {
  const expected = Buffer.from(krakenSignature(path, nonce, body, secretBase64), 'base64');
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface ApiKey {
  apiKey: string;
  apiSecret: string;
}

/** A fresh key pair shaped as Kraken issues them: a 56-character public key and a 64-byte base64 secret. */
export function newApiKey(): ApiKey {
  const apiKey = randomBytes(42).toString('base64').replace(/[+/]/g, 'A').slice(0, 56);
  return { apiKey, apiSecret: randomBytes(64).toString('base64') };
}

export type AuthResult = { ok: true; key: string; nonce: string } | { ok: false; error: string };

/** The keys of one account and the last nonce each has used. */
export class KeyRing {
  private readonly secrets = new Map<string, string>();
  private readonly lastNonce = new Map<string, bigint>();

  add(key: ApiKey): void {
    this.secrets.set(key.apiKey, key.apiSecret);
  }

  has(apiKey: string): boolean {
    return this.secrets.has(apiKey);
  }

  keys(): string[] {
    return [...this.secrets.keys()];
  }

  /**
   * Checks a private request in Kraken's order (key, signature, nonce); a request that passes uses its nonce.
   * `badSignature` is the error text for a signature that does not verify.
   */
  authenticate(
    apiKey: string | undefined,
    sign: string | undefined,
    path: string,
    nonce: string | undefined,
    body: string,
    badSignature: string,
  ): AuthResult {
    const secret = apiKey === undefined ? undefined : this.secrets.get(apiKey);
    if (apiKey === undefined || secret === undefined) return { ok: false, error: 'EAPI:Invalid key' };
    if (sign === undefined || sign === '') return { ok: false, error: 'EAPI:Invalid signature' };
    if (nonce === undefined || !/^\d{1,20}$/.test(nonce)) return { ok: false, error: 'EAPI:Invalid nonce' };
    if (!verifyKrakenSignature(path, nonce, body, secret, sign)) return { ok: false, error: badSignature };
    const n = BigInt(nonce);
    const last = this.lastNonce.get(apiKey);
    if (last !== undefined && n <= last) return { ok: false, error: 'EAPI:Invalid nonce' };
    this.lastNonce.set(apiKey, n);
    return { ok: true, key: apiKey, nonce };
  }
}
