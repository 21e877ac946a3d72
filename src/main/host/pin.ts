// The LIVE-mode PIN, stored only as a salted scrypt hash: `scrypt$N$r$p$salt$hash` (hex), compared in
// constant time. scrypt runs on libuv's thread pool (async), never on the thread that serves the UI.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const SALT_LEN = 16;

function derive(pin: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, KEY_LEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const key = await derive(pin, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('hex')}$${key.toString('hex')}`;
}

/** False for a wrong PIN or a stored value that is not ours; never throws. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4] ?? '', 'hex');
  const expected = Buffer.from(parts[5] ?? '', 'hex');
  if (![n, r, p].every(Number.isSafeInteger) || salt.length === 0 || expected.length !== KEY_LEN)
    return false;
  try {
    const key = await derive(pin, salt, n, r, p);
    return timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}
