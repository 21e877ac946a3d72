// The `braid serve` token: 32 random bytes as hex, shown on stdout in the ready line. Checked in constant
// time so the comparison leaks nothing about how much of a guess was right. It is kept in the journal's
// settings, so a restart on the same journal (and port) keeps open tabs and bookmarks working.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_SETTING = 'serve.token';
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** The token kept in the journal, or a new one stored there (always a new one when `rotate`). */
export function journalToken(
  settings: { get(key: string): string | undefined; set(key: string, value: string): void },
  rotate: boolean,
): string {
  const stored = settings.get(TOKEN_SETTING);
  if (!rotate && stored !== undefined && TOKEN_PATTERN.test(stored)) return stored;
  const token = newToken();
  settings.set(TOKEN_SETTING, token);
  return token;
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

/** A browser's Origin, when sent, must be the UI's own (scripts send none and keep working). */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  return (
    origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
  );
}

/**
 * Fetch metadata, when a browser sends it: only the UI's own pages (same-origin) or the user typing the
 * address (none). A cross-site page cannot forge it; a script sends none.
 */
export function fetchSiteAllowed(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}
