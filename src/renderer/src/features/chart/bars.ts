// Whether new candles only extend what the chart has drawn (then it updates the last few) or replace it
// (a reconnect or a restart brought other history: then it redraws all of it).
import type { Bar } from '../../../../shared/domain/instrument.ts';
import { candleAt } from './markers.ts';

/**
 * The index of the first candle to update when `next` extends `drawn` (same or later first candle, the
 * last drawn candle still there), or null when `next` must be drawn from scratch.
 */
export function appendFrom(drawn: readonly Bar[], next: readonly Bar[]): number | null {
  const first = drawn[0];
  const last = drawn[drawn.length - 1];
  const nextFirst = next[0];
  if (first === undefined || last === undefined || nextFirst === undefined) return null;
  // Older history than drawn (a snapshot after a restart), or a gap past the last drawn candle.
  if (nextFirst.time < first.time || nextFirst.time > last.time) return null;
  if (candleAt(next, last.time)?.time !== last.time) return null;
  let i = next.length - 1;
  while (i > 0 && next[i]!.time > last.time) i -= 1;
  return i;
}
