// Where the adapter stands with Kraken, as the Venues panel shows it: connecting, connected, disconnected
// (transport trouble, which the next answer mends) or failed (a refused key, or nonces refused even after
// a fresh one: nothing works until someone acts). `running` is between a successful connect() and
// disconnect(): every timer, poll and push checks it before it reports anything.
import { AuthenticationError, InvalidNonce } from 'ccxt';
import type { VenueConnectionState } from '../venue.ts';
import type { VenueEvents } from '../venue-events.ts';
import type { Called } from './calls.ts';
import { isConnectionTrouble } from './errors.ts';

export class ConnectionState {
  private readonly events: VenueEvents;
  private readonly clock: () => number;
  private current: VenueConnectionState = 'disconnected';
  private why: string | undefined;
  /** connect() succeeded at least once (so a later success is a reconnection). */
  private established = false;
  private live = false;

  constructor(events: VenueEvents, clock: () => number) {
    this.events = events;
    this.clock = clock;
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

  set(state: VenueConnectionState, detail?: string): void {
    this.current = state;
    this.why = detail;
    this.events.emit({ type: 'connection', state, time: this.clock(), ...(detail ? { detail } : {}) });
  }

  /** connect() got through: polls and pushes may report from now on. */
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

  /** What an answer from Kraken says about the connection (a throttle says nothing about it). */
  answered(result: Called<unknown>): void {
    if (result.ok) {
      if (this.established && this.live && this.current !== 'connected') {
        this.set('connected');
        this.events.emit({ type: 'reconnected', time: this.clock() });
      }
      return;
    }
    if (result.failure.kind === 'throttled') return;
    if (!this.established || !this.live) return;
    // A refused key, or nonces still refused after a fresh one (another process signs with this key):
    // nothing will work until someone acts, so the Venues panel says why.
    if (result.error instanceof AuthenticationError || result.error instanceof InvalidNonce) {
      if (this.current !== 'failed') this.set('failed', result.failure.message);
    } else if (isConnectionTrouble(result.error) && this.current === 'connected') {
      this.set('disconnected', result.failure.message);
    }
  }
}
