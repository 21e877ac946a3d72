// What Hyperliquid's answers say about the connection (connection-state.ts has the states): transport
// trouble is disconnected, which the next answer mends; a refused signer is failed: nothing works until
// someone acts.
//
// One HTTP 5xx is not a lost connection: Hyperliquid's gateway answered, and its next answer is
// probably fine. Counted as one, it sent the venue through disconnected → reconnected → the engine's
// reconcile for a single bad answer, and when nothing was being polled (no working orders) no request
// went out to mend it until the next full poll, 30 s later. A 5xx now counts only when the one before
// it failed too; a transport failure (timeout, dropped connection) still counts at once, and while in
// doubt every poll reads (order-poll.ts), so the next answer mends it within a poll interval.
import { AuthenticationError, ExchangeNotAvailable } from 'ccxt';
import { ConnectionStateBase } from '../connection-state.ts';
import type { VenueEvents } from '../venue-events.ts';
import type { Called } from './calls.ts';
import { isConnectionTrouble } from './errors.ts';

export class ConnectionState extends ConnectionStateBase {
  /** Back after trouble: told before the `reconnected` event goes out. */
  private readonly reconnected: () => void;
  /** HTTP 5xx answers in a row (a success ends the run). */
  private gatewayErrors = 0;

  constructor(events: VenueEvents, clock: () => number, reconnected: () => void) {
    super(events, clock);
    this.reconnected = reconnected;
  }

  /** What an answer from Hyperliquid says about the connection. */
  answered(result: Called<unknown>): void {
    if (result.ok) {
      this.gatewayErrors = 0;
      this.succeeded(this.reconnected);
      return;
    }
    // error null: refused before anything was sent (not connected).
    if (result.error === null || !this.listening) return;
    // A refusal or a rate limit is an answer too: a run of 5xx is over.
    if (result.failure.kind !== 'ambiguous') this.gatewayErrors = 0;
    const refusedSigner =
      result.error instanceof AuthenticationError ||
      (result.failure.kind === 'rejected' &&
        result.failure.reason === 'venue_unavailable' &&
        result.failure.retryable === false);
    if (refusedSigner) {
      if (this.state !== 'failed') this.set('failed', result.failure.message);
    } else if (result.error instanceof ExchangeNotAvailable && ++this.gatewayErrors < 2) {
      // One 5xx: wait for the next answer before calling the connection lost.
    } else if (isConnectionTrouble(result.error) && this.state === 'connected') {
      this.set('disconnected', result.failure.message);
    }
  }
}
