// What a failed Hyperliquid call came to. Hyperliquid refuses with texts (`Insufficient margin to place
// order. asset=0`), either for the whole request (`{status:"err",response}`) or per order inside an ok
// answer; ccxt raises them as its exception classes (hyperliquid.js `exceptions.broad`) with the body in
// the message, and transport failures as NetworkError and friends. The texts decide first; the class
// when there is none.
//
// The rule that matters: only a definite answer is a rejection. A timeout, a dropped connection or an
// HTTP 5xx after an action was sent leave it `unknown`: Hyperliquid may have acted, only orderStatus by
// cloid can tell, and the action is never sent again.
import {
  AuthenticationError,
  DDoSProtection,
  ExchangeError,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  NetworkError,
  OrderNotFound,
  RateLimitExceeded,
} from 'ccxt';
import type { VenueOutcome, VenueRead, VenueRejectReason } from '../venue.ts';

export type HyperliquidFailure =
  | { kind: 'rejected'; reason: VenueRejectReason; message: string; retryable?: boolean }
  /** Rate limit: nothing was done. `perAddress`: the address's cumulative budget, not the IP's. */
  | { kind: 'throttled'; perAddress: boolean; message: string }
  /** No definite answer: the action may or may not have been taken. */
  | { kind: 'ambiguous'; message: string };

type Rule = [parts: string[], read: (text: string) => HyperliquidFailure];
const reject =
  (reason: VenueRejectReason, words: string, retryable?: boolean) =>
  (text: string): HyperliquidFailure => ({
    kind: 'rejected',
    reason,
    message: `${words} (${text})`,
    ...(retryable !== undefined ? { retryable } : {}),
  });

/** First match wins: the specific texts before the general ones. */
const RULES: Rule[] = [
  [
    ['Too many cumulative requests'],
    (text) => ({
      kind: 'throttled',
      perAddress: true,
      message: `Hyperliquid's per-address request budget is spent (${text}); nothing was done`,
    }),
  ],
  [
    ['Invalid nonce'],
    reject(
      'venue_unavailable',
      'Hyperliquid refused the nonce, so it did nothing: is another process signing with this API wallet? Each Braid needs its own',
      true,
    ),
  ],
  [
    ['User or API Wallet'],
    reject(
      'venue_unavailable',
      'Hyperliquid does not know this signer for the account: check the API wallet key, that it is approved for the account, and mainnet/testnet',
      false,
    ),
  ],
  [
    ['Insufficient margin', 'Insufficient spot balance'],
    reject('insufficient_funds', 'Hyperliquid: insufficient margin'),
  ],
  [
    ['minimum value of $10', 'value too small'],
    reject('size_below_min', "the order is below Hyperliquid's $10 minimum"),
  ],
  [
    ['Order was never placed, already canceled, or filled', 'Cannot modify canceled or filled order'],
    reject('unknown_order', 'Hyperliquid has no such open order'),
  ],
  [
    ['Order could not immediately match', 'No liquidity available for market order'],
    reject('rejected', 'nothing to match at the limit: the IOC order ended unfilled'),
  ],
  [
    [
      'divisible by tick size',
      'invalid size',
      'zero size',
      'Invalid TP/SL price',
      'away from the reference price',
      'Reduce only order would increase position',
      'Post only order would have immediately matched',
      'Invalid leverage',
      'Unknown asset',
      'Failed to deserialize',
    ],
    reject('invalid_order', 'Hyperliquid refused the order'),
  ],
];

/** The Hyperliquid text in a ccxt message (`hyperliquid {"status":"err","response":"…"}`), or the message. */
export function venueText(message: string): string {
  const m = /"(?:response|error)"\s*:\s*"([^"]*)"/.exec(message);
  return (m?.[1] ?? message).replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** A plain-words failure for what ccxt threw (or anything else thrown on the way). */
export function classifyHyperliquidError(error: unknown): HyperliquidFailure {
  const message = error instanceof Error ? error.message : String(error);
  const text = venueText(message);
  for (const [parts, read] of RULES) {
    if (parts.some((p) => message.includes(p))) return read(text);
  }
  // Class order matters: RateLimitExceeded and DDoSProtection are NetworkErrors in ccxt.
  if (error instanceof InvalidNonce)
    return reject('venue_unavailable', 'Hyperliquid refused the nonce, so it did nothing', true)(text);
  if (error instanceof RateLimitExceeded || error instanceof DDoSProtection) {
    return {
      kind: 'throttled',
      perAddress: false,
      message: `Hyperliquid's rate limit was reached (HTTP 429); nothing was done`,
    };
  }
  if (error instanceof NetworkError)
    return { kind: 'ambiguous', message: `no definite answer from Hyperliquid (${text})` };
  if (error instanceof AuthenticationError)
    return reject('venue_unavailable', 'Hyperliquid refused the credentials', false)(text);
  if (error instanceof InsufficientFunds)
    return reject('insufficient_funds', 'Hyperliquid: insufficient margin')(text);
  if (error instanceof OrderNotFound) return reject('unknown_order', 'Hyperliquid has no such order')(text);
  if (error instanceof InvalidOrder) return reject('invalid_order', 'Hyperliquid refused the order')(text);
  // Any other ExchangeError is Hyperliquid's answer (ccxt found an err status): it refused. Anything else
  // (an unreadable answer, a bug on the way back) cannot prove nothing happened.
  if (error instanceof ExchangeError) return reject('rejected', 'Hyperliquid refused the request')(text);
  return { kind: 'ambiguous', message: `no definite answer from Hyperliquid (${text})` };
}

/** Is this failure a sign that the connection (not the request) is in trouble? */
export function isConnectionTrouble(error: unknown): boolean {
  if (error instanceof RateLimitExceeded || error instanceof DDoSProtection) return false;
  return error instanceof NetworkError;
}

/** The outcome of an acting request (order, cancel, modify) that failed. */
export function outcomeOf(failure: HyperliquidFailure, retryAfterMs: number): VenueOutcome {
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

/** A failed read: worth asking again unless Hyperliquid refused the signer or the request itself. */
export function readFailed(failure: HyperliquidFailure): VenueRead<never> {
  const retryable = failure.kind !== 'rejected' || (failure.retryable ?? false);
  return { ok: false, message: failure.message, retryable };
}
