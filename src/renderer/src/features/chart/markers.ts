// Entry and exit markers for one symbol's candles: each fill pinned to the candle it happened in.
import type { Bar } from '../../../../shared/domain/instrument.ts';
import type { FillRecord, OrderRecord } from '../../../../shared/domain/order.ts';
import { qty } from '../../lib/format.ts';

export interface FillMarker {
  /** Seconds: the open time of the candle containing the fill. */
  time: number;
  kind: 'entry' | 'exit';
  side: 'buy' | 'sell';
  text: string;
}

/** The last candle opening at or before t (binary search), or null before the first one. */
export function candleAt(bars: readonly Bar[], t: number): Bar | null {
  let lo = 0;
  let hi = bars.length - 1;
  let found: Bar | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const bar = bars[mid]!;
    if (bar.time <= t) {
      found = bar;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function fillMarkers(
  symbol: string,
  bars: readonly Bar[],
  fills: readonly FillRecord[],
  orders: Readonly<Record<string, OrderRecord>>,
): FillMarker[] {
  const out: FillMarker[] = [];
  for (const f of fills) {
    if (f.symbol !== symbol) continue;
    const bar = candleAt(bars, f.time);
    if (!bar) continue;
    const kind = orders[f.orderId]?.role === 'entry' ? 'entry' : 'exit';
    out.push({
      time: Math.floor(bar.time / 1000),
      kind,
      side: f.side,
      text: `${kind === 'entry' ? (f.side === 'buy' ? 'BUY' : 'SELL') : 'EXIT'} ${qty(f.quantity)}@${f.price}`,
    });
  }
  return out.sort((a, b) => a.time - b.time);
}
