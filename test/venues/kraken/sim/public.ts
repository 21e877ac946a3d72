// The public endpoints (Time, SystemStatus, Assets, AssetPairs, Ticker, Depth, OHLC), answered from the
// book's pairs, scripted quotes and ticks, or scripted candles.
import type { Book } from './book.ts';
import type { Pair } from './market.ts';
import { text } from './orders.ts';
import type { Answer } from './private.ts';
import {
  assetPairView,
  assetView,
  type Candle,
  candlesFromTicks,
  candleView,
  depthView,
  type Json,
  tickerView,
} from './wire.ts';

export interface PublicContext {
  book: Book;
  makerFeeBps: number;
  takerFeeBps: number;
  /** Scripted bars by `${pair name}:${interval minutes}`. */
  candles: Map<string, Candle[]>;
  now: number;
}

const OHLC_INTERVALS = [1, 5, 15, 30, 60, 240, 1440, 10080, 21600];

export function handlePublic(name: string, params: Record<string, unknown>, ctx: PublicContext): Answer {
  const t = ctx.now;
  const { book } = ctx;
  const pairList = (): Pair[] | string => {
    const ref = text(params, 'pair');
    if (ref === undefined) return book.pairs;
    const found: Pair[] = [];
    for (const r of ref.split(',')) {
      const p = book.pair(r.trim());
      if (!p) return 'EQuery:Unknown asset pair';
      found.push(p);
    }
    return found;
  };
  switch (name) {
    case 'Time':
      return {
        ok: true,
        result: { unixtime: Math.floor(t / 1000), rfc1123: new Date(t).toUTCString() },
      };
    case 'SystemStatus':
      return { ok: true, result: { status: 'online', timestamp: new Date(t).toISOString() } };
    case 'Assets': {
      const result: Record<string, Json> = {};
      for (const a of book.assets) result[a.id] = assetView(a);
      return { ok: true, result };
    }
    case 'AssetPairs': {
      const list = pairList();
      if (typeof list === 'string') return { ok: false, error: list };
      const result: Record<string, Json> = {};
      for (const p of list) result[p.name] = assetPairView(p, ctx.makerFeeBps, ctx.takerFeeBps);
      return { ok: true, result };
    }
    case 'Ticker': {
      const list = pairList();
      if (typeof list === 'string') return { ok: false, error: list };
      const result: Record<string, Json> = {};
      for (const p of list) {
        const q = book.quotes.get(p.name);
        if (q) result[p.name] = tickerView(p, q, book.ticks.get(p.name) ?? [], book.trades, t);
      }
      return { ok: true, result };
    }
    case 'Depth': {
      const list = pairList();
      if (typeof list === 'string') return { ok: false, error: list };
      const p = list[0];
      const q = p ? book.quotes.get(p.name) : undefined;
      if (!p || !q || text(params, 'pair') === undefined)
        return { ok: false, error: 'EGeneral:Invalid arguments' };
      return { ok: true, result: { [p.name]: depthView(p, q, t) } };
    }
    case 'OHLC': {
      const ref = text(params, 'pair');
      const p = ref === undefined ? undefined : book.pair(ref);
      if (!p)
        return {
          ok: false,
          error: ref === undefined ? 'EGeneral:Invalid arguments' : 'EQuery:Unknown asset pair',
        };
      const interval = Number(text(params, 'interval') ?? 1);
      if (!OHLC_INTERVALS.includes(interval)) return { ok: false, error: 'EGeneral:Invalid arguments' };
      const since = text(params, 'since');
      const bars =
        ctx.candles.get(`${p.name}:${interval}`) ??
        candlesFromTicks(book.ticks.get(p.name) ?? [], book.trades, interval, t);
      const after = since === undefined ? bars : bars.filter((b) => b.time / 1000 > Number(since));
      const lastBar = bars[bars.length - 1];
      const span = interval * 60_000;
      const last =
        lastBar === undefined ? 0 : (lastBar.time + span > t ? lastBar.time - span : lastBar.time) / 1000;
      return { ok: true, result: { [p.name]: after.map((b) => candleView(p, b)), last: Math.floor(last) } };
    }
    default:
      return { ok: false, error: 'EGeneral:Unknown method' };
  }
}
