// What a failed Kraken call came to. Kraken answers errors as HTTP 200 with texts such as
// `EOrder:Insufficient funds`; ccxt turns them into its exception classes (kraken.js `exceptions`) and
// transport failures into NetworkError and friends. The texts decide first (they are Kraken's own word,
// and some, such as `EOrder:Cost minimum not met`, reach us only as a bare ExchangeError); the class
// decides when there is no text.
//
// The rule that matters: only a definite answer is a rejection. A timeout, a dropped connection, an HTTP
// 5xx, `EGeneral:Internal error` or `EService:Unavailable` after an order was sent leave it `unknown`:
// Kraken may have acted, only a query by client id can tell, and the order is never sent again.
import {
  ArgumentsRequired,
  AuthenticationError,
  BadRequest,
  DDoSProtection,
  ExchangeError,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  NetworkError,
  NotSupported,
  OnMaintenance,
  OrderNotFound,
  RateLimitExceeded,
} from 'ccxt';
import type { VenueOutcome, VenueRead, VenueRejectReason } from '../venue.ts';

/** How Kraken's answer (or the lack of one) is to be read. */
export type KrakenFailure =
  | { kind: 'rejected'; reason: VenueRejectReason; message: string; retryable?: boolean }
  /** Kraken's rate limit: it did not act; `lockout` is the long one (`EGeneral:Temporary lockout`). */
  | { kind: 'throttled'; lockout: boolean; message: string }
  /** No definite answer: the request may or may not have been acted on. */
  | { kind: 'ambiguous'; message: string };

const CODE = /E[A-Z][A-Za-z]*:[A-Za-z][^"\]\n,]*/g;

/** The Kraken error texts in an error's message (`EOrder:Insufficient funds`, ...), in order. */
export function krakenErrorCodes(message: string): string[] {
  return [...new Set((message.match(CODE) ?? []).map((c) => c.trim()))];
}

type Rule = [test: (code: string) => boolean, read: (code: string) => KrakenFailure];
const has =
  (...parts: string[]) =>
  (code: string) =>
    parts.some((p) => code.includes(p));
const reject = (reason: VenueRejectReason, words: string) => (code: string) =>
  ({ kind: 'rejected', reason, message: `${words} (${code})` }) as const;

/** First match wins: the specific texts before the general ones. */
const RULES: Rule[] = [
  [
    has('Rate limit exceeded', 'Too many requests'),
    (code) => ({
      kind: 'throttled',
      lockout: false,
      message: `Kraken's rate limit was reached (${code}); nothing was done`,
    }),
  ],
  [
    has('Temporary lockout'),
    (code) => ({
      kind: 'throttled',
      lockout: true,
      message: `Kraken locked the key out for a while after too many requests (${code}); nothing was done`,
    }),
  ],
  [
    has('Invalid nonce'),
    reject(
      'venue_unavailable',
      'Kraken refused the request nonce, so it did nothing: is another process using this API key? Each Braid needs its own key',
    ),
  ],
  [
    has(
      'Invalid key',
      'Invalid signature',
      'Invalid session',
      'Permission denied',
      'Feature disabled',
      'User Locked',
    ),
    reject(
      'venue_unavailable',
      'Kraken refused the API key: check the key, its secret and its permissions (query funds, orders and trades; create and cancel orders)',
    ),
  ],
  [has('Market in'), reject('venue_unavailable', 'the market is restricted at Kraken right now')],
  [
    has('Insufficient funds', 'Insufficient margin', 'IInsufficient funds'),
    reject('insufficient_funds', 'Kraken: insufficient funds'),
  ],
  [
    has('Order minimum not met', 'Cost minimum not met', 'Volume minimum not met'),
    reject('size_below_min', "the order is below Kraken's minimum size for the pair"),
  ],
  [has('Unknown order'), reject('unknown_order', 'Kraken has no such open order')],
  [
    has('Internal error', 'Unavailable', 'Busy', 'Deadline elapsed', 'Timeout'),
    (code) => ({ kind: 'ambiguous', message: `Kraken did not answer definitely (${code})` }),
  ],
  [
    has(
      'Invalid',
      'Tick size',
      'Unknown asset',
      'Orders limit exceeded',
      'Positions limit exceeded',
      'Post only',
      'Reduce only',
      'Duplicate',
      'Trading agreement',
      'Bad request',
    ),
    reject('invalid_order', 'Kraken refused the order'),
  ],
];

/** A plain-words failure for an error ccxt threw (or anything else thrown on the way). */
export function classifyKrakenError(error: unknown): KrakenFailure {
  const text = error instanceof Error ? error.message : String(error);
  for (const code of krakenErrorCodes(text)) {
    for (const [test, read] of RULES) if (test(code)) return read(code);
  }
  const short = text.replace(/\s+/g, ' ').slice(0, 240);
  // Class order matters: InvalidNonce, RateLimitExceeded and DDoSProtection are NetworkErrors in
  if (error instanceof InvalidNonce)
    return reject('venue_unavailable', 'Kraken refused the request nonce, so it did nothing')(short);
  if (error instanceof RateLimitExceeded || error instanceof DDoSProtection) {
    return {
      kind: 'throttled',
      lockout: false,
      message: `Kraken's rate limit was reached (${short}); nothing was done`,
    };
  }
  if (error instanceof OnMaintenance) return reject('venue_unavailable', 'Kraken is in maintenance')(short);
  if (error instanceof NetworkError)
    return { kind: 'ambiguous', message: `no definite answer from Kraken (${short})` };
  if (error instanceof AuthenticationError)
    return reject('venue_unavailable', 'Kraken refused the API key')(short);
  if (error instanceof InsufficientFunds)
    return reject('insufficient_funds', 'Kraken: insufficient funds')(short);
  if (error instanceof OrderNotFound) return reject('unknown_order', 'Kraken has no such open order')(short);
  if (error instanceof InvalidOrder || error instanceof BadRequest || error instanceof ArgumentsRequired) {
    return reject('invalid_order', 'Kraken refused the order')(short);
  }
  if (error instanceof NotSupported) return reject('invalid_order', 'not supported at Kraken')(short);
  // Any other ExchangeError carrying a Kraken text is Kraken's answer: it refused. Anything else (an
  // unreadable answer, a bug on the way back) cannot prove nothing happened.
  if (error instanceof ExchangeError && krakenErrorCodes(text).length > 0) {
    return reject('rejected', 'Kraken refused the request')(short);
  }
  return { kind: 'ambiguous', message: `no definite answer from Kraken (${short})` };
}

/** Is this failure a sign that the connection (not the request) is in trouble? */
export function isConnectionTrouble(error: unknown): boolean {
  if (error instanceof InvalidNonce || error instanceof RateLimitExceeded) return false;
  if (error instanceof DDoSProtection) return false;
  return error instanceof NetworkError;
}

export interface ThrottleBackoff {
  /** Milliseconds the budget needs to come back under its ceiling. */
  drainMs: number;
  /** How many rate-limit answers in a row, this one included. */
  streak: number;
  /** 0..1, for the jitter. */
  random: number;
}

export const MAX_BACKOFF_MS = 60_000;
export const LOCKOUT_BACKOFF_MS = 15 * 60_000;

/** Doubling backoff from the budget's drain time, capped, plus up to 20 % jitter so retries spread. */
export function backoffMs(b: ThrottleBackoff, lockout = false): number {
  const base = lockout
    ? LOCKOUT_BACKOFF_MS
    : Math.min(MAX_BACKOFF_MS, Math.max(1_000, b.drainMs) * 2 ** (b.streak - 1));
  return Math.round(base * (1 + 0.2 * b.random));
}

/** The outcome of an acting request (AddOrder, CancelOrder, AmendOrder, CancelAll) that failed. */
export function outcomeOf(failure: KrakenFailure, retryAfterMs: number): VenueOutcome {
  switch (failure.kind) {
    case 'rejected':
      return { kind: 'rejected', reason: failure.reason, message: failure.message };
    case 'throttled':
      return { kind: 'throttled', retryAfterMs, message: failure.message };
    case 'ambiguous':
      return {
        kind: 'unknown',
        message: `${failure.message}: the request may have been acted on; ask by client id`,
      };
  }
}

/** A failed read: worth asking again unless Kraken refused the key or the request itself. */
export function readFailed(failure: KrakenFailure): VenueRead<never> {
  const retryable = failure.kind !== 'rejected' || (failure.retryable ?? failure.message.includes('nonce'));
  return { ok: false, message: failure.message, retryable };
}
