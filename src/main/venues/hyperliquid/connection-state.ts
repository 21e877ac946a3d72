// Where the adapter stands with Hyperliquid, as the Venues panel shows it: connecting, connected,
// disconnected (transport trouble, which the next answer mends) or failed (the signer refused: nothing
// works until someone acts). `running` is between a successful connect() and disconnect(): every timer
// and poll checks it before it reports anything. A success after trouble is a reconnection, and
// whatever happened while away is owed a full read (`reconnected`).
//
// One HTTP 5xx is not a lost connection: Hyperliquid's gateway answered, and its next answer is
// probably fine. Counted as one, it sent the venue through disconnected → reconnected → the engine's
// reconcile for a single bad answer, and when nothing was being polled (no working orders) no request
// went out to mend it until the next full poll, 30 s later. A 5xx now counts only when the one before
// it failed too; a transport failure (timeout, dropped connection) still counts at once, and while in
// doubt every poll reads (order-poll.ts), so the next answer mends it within a poll interval.
import { AuthenticationError, ExchangeNotAvailable } from 'ccxt';
import type { VenueConnectionState } from '../venue.ts';
import type { VenueEvents } from '../venue-events.ts';
import type { Called } from './calls.ts';
import { isConnectionTrouble } from './errors.ts';

export class ConnectionState {
  private readonly events: VenueEvents;
  private readonly clock: () => number;
  /** Back after trouble: told before the `reconnected` event goes out. */
  private readonly reconnected: () => void;
  private current: VenueConnectionState = 'disconnected';
  private why: string | undefined;
  /** connect() succeeded at least once (so a later success is a reconnection). */
  private established = false;
  private live = false;
  /** HTTP 5xx answers in a row (a success ends the run). */
  private gatewayErrors = 0;

  constructor(events: VenueEvents, clock: () => number, reconnected: () => void) {
    this.events = events;
    this.clock = clock;
    this.reconnected = reconnected;
  }

  get state(): VenueConnectionState {
    return this.current;
  }

  get detail(): string | undefined {
    return this.why;
  }

  get running(): boolean {
    return this.live;
  }

  /** Running but not connected: the next poll must ask something (its answer says which it is). */
  get inDoubt(): boolean {
    return this.live && this.current === 'disconnected';
  }

  set(state: VenueConnectionState, detail?: string): void {
    this.current = state;
    this.why = detail;
    this.events.emit({ type: 'connection', state, time: this.clock(), ...(detail ? { detail } : {}) });
  }

  /** connect() got through: polls may report from now on. */
  started(): void {
    this.live = true;
    this.established = true;
    this.set('connected');
  }

  /** disconnect() began: nothing reports any more. Whether it was running. */
  stopping(): boolean {
    const was = this.live;
    this.live = false;
    return was;
  }

  /** What an answer from Hyperliquid says about the connection. */
  answered(result: Called<unknown>): void {
    if (result.ok) {
      this.gatewayErrors = 0;
      if (this.established && this.live && this.current !== 'connected') {
        this.set('connected');
        this.reconnected();
        this.events.emit({ type: 'reconnected', time: this.clock() });
      }
      return;
    }
    // error null: refused before anything was sent (not connected).
    if (result.error === null || !this.established || !this.live) return;
    // A refusal or a rate limit is an answer too: a run of 5xx is over.
    if (result.failure.kind !== 'ambiguous') this.gatewayErrors = 0;
    const refusedSigner =
      result.error instanceof AuthenticationError ||
      (result.failure.kind === 'rejected' &&
        result.failure.reason === 'venue_unavailable' &&
        result.failure.retryable === false);
    if (refusedSigner) {
      if (this.current !== 'failed') this.set('failed', result.failure.message);
    } else if (result.error instanceof ExchangeNotAvailable && ++this.gatewayErrors < 2) {
      // One 5xx: wait for the next answer before calling the connection lost.
    } else if (isConnectionTrouble(result.error) && this.current === 'connected') {
      this.set('disconnected', result.failure.message);
    }
  }
}
