// The one way to Hyperliquid. Every ccxt call is paced by the weight budget (an answer's items are
// charged once it is in), a failure is classified and redacted, never thrown, and an invalid nonce
// (Hyperliquid checks it first and did nothing) is tried once more with a fresh one. Calls made for a
// client that was closed meanwhile go nowhere. Every answer is passed on (the connection state reads it).
// Calls are actions (orders, cancels, modifies) unless made as reads: reads yield to actions in the
// budget (rate-budget.ts), so a poll never holds an order back.
import { type HyperliquidExchange, info } from './client.ts';
import { classifyHyperliquidError, type HyperliquidFailure } from './errors.ts';
import { infoWeight, itemsWeight, type Lane, type WeightBudget } from './rate-budget.ts';

export type Called<T> = { ok: true; value: T } | { ok: false; failure: HyperliquidFailure; error: unknown };

export interface HyperliquidCallsOptions {
  budget: WeightBudget;
  clock: () => number;
  /** 0..1 for backoff jitter. */
  random: () => number;
  /** Takes the private key out of a message. */
  clean: (message: string) => string;
  /** Every answer, after both tries (the connection state reads it). */
  answered: (result: Called<unknown>) => void;
}

const notConnected: Called<never> = {
  ok: false,
  failure: {
    kind: 'rejected',
    reason: 'venue_unavailable',
    message: 'Hyperliquid is not connected',
    retryable: true,
  },
  error: null,
};

export class HyperliquidCalls {
  private readonly o: HyperliquidCallsOptions;
  private ex: HyperliquidExchange | null = null;
  private latency: number | null = null;

  constructor(options: HyperliquidCallsOptions) {
    this.o = options;
  }

  /** The client calls go to from now on (null: none, every call refused). */
  use(ex: HyperliquidExchange | null): void {
    this.ex = ex;
  }

  get exchange(): HyperliquidExchange | null {
    return this.ex;
  }

  /** Whether a read of `weight` would wait for the budget now (a poll skips its round instead). */
  readWouldWait(weight: number): boolean {
    return this.o.budget.readWouldWait(weight);
  }

  /** The last answered call's round trip. */
  get latencyMs(): number | null {
    return this.latency;
  }

  /**
   * One request of `weight`; `after` is the answer's extra weight (items read); `lane` its place in the
   * budget (an action unless said). Never rejects.
   */
  async call<T>(
    run: (ex: HyperliquidExchange) => Promise<T>,
    weight: number,
    after?: (value: T) => number,
    lane: Lane = 'action',
  ): Promise<Called<T>> {
    const { budget, clock, clean } = this.o;
    const attempt = async (): Promise<Called<T>> => {
      const ex = this.ex;
      if (!ex) return notConnected;
      await budget.take(weight, lane);
      if (this.ex !== ex) return notConnected;
      const started = clock();
      try {
        const value = await run(ex);
        this.latency = Math.max(0, clock() - started);
        budget.answered();
        if (after) budget.charge(after(value));
        return { ok: true, value };
      } catch (error) {
        const failure = classifyHyperliquidError(error);
        return {
          ok: false,
          error,
          failure: { ...failure, message: clean(failure.message) } as HyperliquidFailure,
        };
      }
    };
    let result = await attempt();
    if (!result.ok && result.failure.kind === 'rejected' && result.failure.message.includes('nonce'))
      result = await attempt();
    this.o.answered(result);
    return result;
  }

  /** An unsigned /info read, weighed by its type and the items it answers. */
  read<T>(request: Record<string, unknown>): Promise<Called<T>> {
    const type = String(request.type);
    return this.call(
      (ex) => info(ex, request) as Promise<T>,
      infoWeight(type),
      (value) => itemsWeight(type, Array.isArray(value) ? value.length : 0),
      'read',
    );
  }

  /** Milliseconds to wait before asking again after `failure` (a 429 starts the budget's backoff). */
  retryAfter(failure: HyperliquidFailure): number {
    if (failure.kind !== 'throttled') return 0;
    // The per-address budget is throttled to one request every 10 s once spent.
    if (!failure.perAddress) return this.o.budget.rateLimited(this.o.random());
    this.o.budget.holdFor(10_000);
    return 10_000;
  }
}
