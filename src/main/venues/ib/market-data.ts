// Quotes from reqMktData (delayed where the account has no subscription: reqMarketDataType 3), kept per
// symbol as ticks arrive, and resubscribed when the gateway says its data was lost (1101) or after a new
// socket. ticker() subscribes on first use and answers once bid, ask and last are known.
import type { Contract } from '@stoqey/ib';
import type { VenueRead, VenueTicker } from '../venue.ts';
import { decOf, isUnset } from './mapping.ts';

// Tick types: live 1 bid, 2 ask, 4 last, 9 close; delayed 66, 67, 68, 75.
const BID = new Set([1, 66]);
const ASK = new Set([2, 67]);
const LAST = new Set([4, 68]);
const CLOSE = new Set([9, 75]);

interface Quote {
  symbol: string;
  tickerId: number;
  bid?: number;
  ask?: number;
  last?: number;
  close?: number;
  time: number;
  waiters: (() => void)[];
}

export interface MarketDataOptions {
  newId: () => number;
  subscribe: (tickerId: number, contract: Contract) => Promise<void>;
  contract: (symbol: string) => Contract;
  clock: () => number;
  /** Resolves when a quote has what a ticker needs, or after the time limit. */
  wait: (quoteReady: Promise<void>) => Promise<boolean>;
}

export class MarketData {
  private readonly o: MarketDataOptions;
  private readonly bySymbol = new Map<string, Quote>();
  private readonly byTicker = new Map<number, Quote>();

  constructor(options: MarketDataOptions) {
    this.o = options;
  }

  isTicker(id: number): boolean {
    return this.byTicker.has(id);
  }

  tick(tickerId: number, field: number, value: number): void {
    const q = this.byTicker.get(tickerId);
    if (!q || isUnset(value) || value <= 0) return;
    if (BID.has(field)) q.bid = value;
    else if (ASK.has(field)) q.ask = value;
    else if (LAST.has(field)) q.last = value;
    else if (CLOSE.has(field)) q.close = value;
    else return;
    q.time = this.o.clock();
    if (this.complete(q)) for (const w of q.waiters.splice(0)) w();
  }

  async ticker(symbol: string): Promise<VenueRead<VenueTicker>> {
    let q = this.bySymbol.get(symbol);
    if (!q) {
      q = { symbol, tickerId: this.o.newId(), time: 0, waiters: [] };
      this.bySymbol.set(symbol, q);
      this.byTicker.set(q.tickerId, q);
      await this.o.subscribe(q.tickerId, this.o.contract(symbol));
    }
    const quote = q;
    if (!this.complete(quote)) {
      const ready = new Promise<void>((r) => quote.waiters.push(r));
      await this.o.wait(ready);
    }
    if (!this.complete(quote))
      return { ok: false, message: `IB has sent no quote for ${symbol} yet`, retryable: true };
    const last = quote.last ?? quote.close ?? ((quote.bid ?? 0) + (quote.ask ?? 0)) / 2;
    return {
      ok: true,
      value: {
        symbol,
        bid: decOf(quote.bid ?? last),
        ask: decOf(quote.ask ?? last),
        last: decOf(last),
        time: quote.time,
      },
    };
  }

  /** Every subscription again (1101, or a new socket: the old ones died with the old session). */
  async resubscribe(): Promise<void> {
    for (const q of this.bySymbol.values()) {
      this.byTicker.delete(q.tickerId);
      q.tickerId = this.o.newId();
      this.byTicker.set(q.tickerId, q);
      await this.o.subscribe(q.tickerId, this.o.contract(q.symbol));
    }
  }

  /** A subscription IB refused (an error for its ticker id). */
  refused(tickerId: number): void {
    const q = this.byTicker.get(tickerId);
    if (!q) return;
    this.byTicker.delete(tickerId);
    this.bySymbol.delete(q.symbol);
    for (const w of q.waiters.splice(0)) w();
  }

  private complete(q: Quote): boolean {
    return (q.bid !== undefined && q.ask !== undefined) || q.last !== undefined;
  }
}
