// Tickers and candles: public REST (no nonce, not on the key's call counter, not in the private lane).
// Market data stays on REST even while the private WebSocket carries the account's pushes.
import type { VenueCandle, VenueRead, VenueTicker } from '../venue.ts';
import type { KrakenCalls } from './calls.ts';
import { readFailed } from './errors.ts';
import { candleOf, tickerOf } from './mapping.ts';
import type { KrakenMarkets } from './markets.ts';

/** Kraken's OHLC intervals, in minutes, as ccxt names them. */
const TIMEFRAMES: Record<number, string> = {
  1: '1m',
  5: '5m',
  15: '15m',
  30: '30m',
  60: '1h',
  240: '4h',
  1440: '1d',
  10080: '1w',
  21600: '2w',
};

export class MarketData {
  private readonly calls: KrakenCalls;
  private readonly markets: KrakenMarkets;
  private readonly clock: () => number;

  constructor(calls: KrakenCalls, markets: KrakenMarkets, clock: () => number) {
    this.calls = calls;
    this.markets = markets;
    this.clock = clock;
  }

  /** Refuses a symbol the loaded markets do not have (before connect, Kraken is asked). */
  private noMarket(symbol: string): VenueRead<never> | null {
    if (this.calls.exchange && !this.markets.has(symbol))
      return { ok: false, message: `Kraken has no spot market ${symbol}`, retryable: false };
    return null;
  }

  async ticker(symbol: string): Promise<VenueRead<VenueTicker>> {
    const none = this.noMarket(symbol);
    if (none) return none;
    const result = await this.calls.call((ex) => ex.fetchTicker(symbol), [], { signed: false });
    if (!result.ok) return readFailed(result.failure);
    const ticker = tickerOf(symbol, result.value, this.clock());
    return ticker
      ? { ok: true, value: ticker }
      : { ok: false, message: `Kraken's ticker for ${symbol} was unreadable`, retryable: true };
  }

  async candles(symbol: string, intervalMinutes: number, since?: number): Promise<VenueRead<VenueCandle[]>> {
    const timeframe = TIMEFRAMES[intervalMinutes];
    if (!timeframe) {
      return {
        ok: false,
        message: `Kraken has no ${intervalMinutes}-minute candles (it has ${Object.keys(TIMEFRAMES).join(', ')})`,
        retryable: false,
      };
    }
    const none = this.noMarket(symbol);
    if (none) return none;
    const result = await this.calls.call((ex) => ex.fetchOHLCV(symbol, timeframe, since), [], {
      signed: false,
    });
    if (!result.ok) return readFailed(result.failure);
    const candles = result.value
      .map((row) => candleOf(symbol, row))
      .filter((c): c is VenueCandle => c !== null);
    return { ok: true, value: candles };
  }
}
