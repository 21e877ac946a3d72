// What Kraken's answers say about the connection (connection-state.ts has the states): transport trouble
// is disconnected, which the next answer mends; a refused key, or nonces refused even after a fresh one,
// is failed: nothing works until someone acts.
import { AuthenticationError, InvalidNonce } from 'ccxt';
import { ConnectionStateBase } from '../connection-state.ts';
import type { Called } from './calls.ts';
import { isConnectionTrouble } from './errors.ts';

export class ConnectionState extends ConnectionStateBase {
  /** What an answer from Kraken says about the connection (a throttle says nothing about it). */
  answered(result: Called<unknown>): void {
    if (result.ok) {
      this.succeeded();
      return;
    }
    if (result.failure.kind === 'throttled') return;
    if (!this.listening) return;
    // A refused key, or nonces still refused after a fresh one (another process signs with this key):
    // nothing will work until someone acts, so the Venues panel says why.
    if (result.error instanceof AuthenticationError || result.error instanceof InvalidNonce) {
      if (this.state !== 'failed') this.set('failed', result.failure.message);
    } else if (isConnectionTrouble(result.error) && this.state === 'connected') {
      this.set('disconnected', result.failure.message);
    }
  }
}
