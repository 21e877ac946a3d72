// Tickers, candles and the mark a market order is priced from: unsigned /info reads (l2Book,
// candleSnapshot, metaAndAssetCtxs), weighed by the budget like every other request.
import { type Dec, dec, str } from '../../../shared/domain/decimal.ts';
import type { VenueCandle, VenueRead, VenueTicker } from '../venue.ts';
import type { Called, HyperliquidCalls } from './calls.ts';
import { readFailed } from './errors.ts';
import { asRaw, decOf, type PerpAsset } from './mapping.ts';
import type { HyperliquidMarkets } from './markets.ts';

/** Hyperliquid's candle intervals, in minutes, as it names them. */
const TIMEFRAMES: Record<number, string> = {
  1: '1m',
  3: '3m',
  5: '5m',
  15: '15m',
  30: '30m',
  60: '1h',
  120: '2h',
  240: '4h',
  480: '8h',
  720: '12h',
  1440: '1d',
  4320: '3d',
  10080: '1w',
};

export class MarketData {
  private readonly calls: HyperliquidCalls;
  private readonly markets: HyperliquidMarkets;
  private readonly clock: () => number;

  constructor(calls: HyperliquidCalls, markets: HyperliquidMarkets, clock: () => number) {
    this.calls = calls;
    this.markets = markets;
    this.clock = clock;
  }

  /** The perp's mark price now (a market order's limit is the mark ± the slippage). */
  async mark(perp: PerpAsset): Promise<Called<Dec>> {
    const read = await this.calls.read<unknown>({ type: 'metaAndAssetCtxs' });
    if (!read.ok) return read;
    const ctxs = Array.isArray(read.value) ? read.value[1] : undefined;
    const mark = decOf(asRaw(Array.isArray(ctxs) ? ctxs[perp.asset] : undefined).markPx);
    if (mark === undefined || !dec(mark).gt(0)) {
      return {
        ok: false,
        failure: {
          kind: 'rejected',
          reason: 'invalid_order',
          message: `Hyperliquid gave no mark price for ${perp.coin}`,
        },
        error: null,
      };
    }
    return { ok: true, value: dec(mark) };
  }

  /** The top of the book; `last` is its mid (l2Book has no last trade). */
  async ticker(symbol: string): Promise<VenueRead<VenueTicker>> {
    const perp = this.markets.perp(symbol);
    if (!perp) return { ok: false, message: `Hyperliquid has no perpetual ${symbol}`, retryable: false };
    const result = await this.calls.read<unknown>({ type: 'l2Book', coin: perp.coin });
    if (!result.ok) return readFailed(result.failure);
    const book = asRaw(result.value);
    const levels = Array.isArray(book.levels) ? book.levels : [];
    const top = (side: unknown) => decOf(asRaw(Array.isArray(side) ? side[0] : undefined).px);
    const bid = top(levels[0]);
    const ask = top(levels[1]);
    if (bid === undefined || ask === undefined)
      return { ok: false, message: `Hyperliquid's book for ${symbol} is empty`, retryable: true };
    const time = typeof book.time === 'number' ? book.time : this.clock();
    return { ok: true, value: { symbol, bid, ask, last: str(dec(bid).plus(ask).div(2)), time } };
  }

  /** Candles from `since` (default: the last 500) to now. */
  async candles(symbol: string, intervalMinutes: number, since?: number): Promise<VenueRead<VenueCandle[]>> {
    const interval = TIMEFRAMES[intervalMinutes];
    if (!interval)
      return {
        ok: false,
        message: `Hyperliquid has no ${intervalMinutes}-minute candles (it has ${Object.keys(TIMEFRAMES).join(', ')})`,
        retryable: false,
      };
    const perp = this.markets.perp(symbol);
    if (!perp) return { ok: false, message: `Hyperliquid has no perpetual ${symbol}`, retryable: false };
    const end = this.clock();
    const start = since ?? end - 500 * intervalMinutes * 60_000;
    const result = await this.calls.read<unknown[]>({
      type: 'candleSnapshot',
      req: { coin: perp.coin, interval, startTime: start, endTime: end },
    });
    if (!result.ok) return readFailed(result.failure);
    const out: VenueCandle[] = [];
    for (const x of Array.isArray(result.value) ? result.value : []) {
      const c = asRaw(x);
      const [open, high, low, close] = [decOf(c.o), decOf(c.h), decOf(c.l), decOf(c.c)];
      if (typeof c.t !== 'number' || !open || !high || !low || !close) continue;
      out.push({ symbol, time: c.t, open, high, low, close, volume: decOf(c.v) ?? '0' });
    }
    return { ok: true, value: out };
  }
}
