// The `braid serve` token: 32 random bytes as hex, shown once on stdout. Checked in constant time so the
// comparison leaks nothing about how much of a guess was right.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

export function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  const expected = Buffer.from(token, 'utf8');
  const given = Buffer.from(typeof candidate === 'string' ? candidate : '', 'utf8');
  // timingSafeEqual needs equal lengths: compare against itself on a length mismatch so the work is the same.
  if (given.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(given, expected);
}

/** The token from `?token=` or `Authorization: Bearer`, or null. */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (match) return match[1]!;
  }
  return url.searchParams.get('token');
}

/** DNS-rebinding guard: the Host header must name the loopback address we listen on. */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** A browser's Origin, when sent, must be the UI's own. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  return (
    origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
  );
}
