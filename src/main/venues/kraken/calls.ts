// The one way to Kraken. Every ccxt call goes through the rate budget and, when signed, the private lane
// (one in flight per key: nonces must arrive in order). A failure is classified and redacted, never
// thrown; an invalid nonce (Kraken did nothing) is tried once more with a fresh one; a throttle feeds
// the budget and the backoff. Calls made for an exchange that was closed meanwhile go nowhere.
import { InvalidNonce } from 'ccxt';
import { backoffMs, classifyKrakenError, type KrakenFailure } from './errors.ts';
import type { Exchange } from './exchange.ts';
import { PrivateLane } from './private-lane.ts';
import type { Charge, KrakenRateBudget } from './rate-budget.ts';

export type Called<T> = { ok: true; value: T } | { ok: false; failure: KrakenFailure; error: unknown };

export interface CallOptions {
  /** Default true: nonce, key, the private lane. */
  signed?: boolean;
  /** Ahead of the others (the kill switch, the dead-man refresh). */
  urgent?: boolean;
  /** Default true: one more try on an invalid nonce. */
  retryNonce?: boolean;
}

export interface KrakenCallsOptions {
  budget: KrakenRateBudget;
  clock: () => number;
  random: () => number;
  clean: (message: string) => string;
  /** Every answer, after the budget has heard of it (the connection state reads it). */
  answered: (result: Called<unknown>) => void;
}

const notConnected = (message: string): Called<never> => ({
  ok: false,
  failure: { kind: 'rejected', reason: 'venue_unavailable', message, retryable: true },
  error: null,
});

export class KrakenCalls {
  private readonly o: KrakenCallsOptions;
  private readonly lane = new PrivateLane();
  private ex: Exchange | null = null;
  private latency: number | null = null;
  private throttleStreak = 0;

  constructor(options: KrakenCallsOptions) {
    this.o = options;
  }

  /** The exchange calls go to from now on (null: none, every call refused). */
  use(ex: Exchange | null): void {
    this.ex = ex;
  }

  get exchange(): Exchange | null {
    return this.ex;
  }

  /** The last answered call's round trip. */
  get latencyMs(): number | null {
    return this.latency;
  }

  /** Kraken's code for an asset as Braid names it (itself before the markets are loaded). */
  currencyCode(asset: string): string {
    return this.ex?.safeCurrencyCode(asset) ?? asset;
  }

  /** Runs one ccxt call. Never rejects. */
  async call<T>(
    run: (ex: Exchange) => Promise<T>,
    charges: Charge[],
    options: CallOptions = {},
  ): Promise<Called<T>> {
    const ex = this.ex;
    if (!ex) return notConnected('Kraken is not connected');
    const signed = options.signed ?? true;
    const gone = notConnected('Kraken was disconnected before the request went out');
    const { budget } = this.o;
    const attempt = async (): Promise<Called<T>> => {
      await budget.reserve(charges, { urgent: options.urgent });
      const send = async (): Promise<Called<T>> => {
        if (this.ex !== ex) return gone;
        await budget.clearToSend(charges, { urgent: options.urgent });
        if (this.ex !== ex) return gone;
        const started = this.o.clock();
        try {
          const value = await run(ex);
          this.latency = Math.max(0, this.o.clock() - started);
          return { ok: true, value };
        } catch (error) {
          const failure = classifyKrakenError(error);
          return {
            ok: false,
            error,
            failure: { ...failure, message: this.o.clean(failure.message) } as KrakenFailure,
          };
        } finally {
          // Charged once answered, whatever the answer (a request that failed may still have arrived).
          budget.spent(charges);
        }
      };
      return signed ? this.lane.run(send, options.urgent) : send();
    };
    let result = await attempt();
    // An invalid nonce means Kraken did nothing (it checks the nonce first): one more try, new nonce.
    if (!result.ok && result.error instanceof InvalidNonce && options.retryNonce !== false)
      result = await attempt();
    if (result.ok) this.throttleStreak = 0;
    else if (result.failure.kind === 'throttled') {
      this.throttleStreak++;
      budget.rateLimited(charges);
    }
    this.o.answered(result);
    return result;
  }

  /** How long to wait before sending `charges` again after `failure`. */
  retryAfter(failure: KrakenFailure, charges: Charge[]): number {
    const lockout = failure.kind === 'throttled' && failure.lockout;
    const drainMs = this.o.budget.drainMs(charges);
    return backoffMs({ drainMs, streak: Math.max(1, this.throttleStreak), random: this.o.random() }, lockout);
  }
}
