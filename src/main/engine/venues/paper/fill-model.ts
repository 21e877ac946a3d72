// The paper venue's fill rules (replay.md "Paper venue fill model"): where a working order fills on a bar.
// Pure functions of the order and the bar, so each rule is pinned by a test.
import { type Dec, dec } from '../../../../shared/domain/decimal.ts';
import type { OrderType } from '../../../../shared/domain/order.ts';
import type { Side } from '../../../../shared/domain/plan.ts';

export interface BarPrices {
  open: Dec;
  high: Dec;
  low: Dec;
}

export interface FillQuote {
  price: Dec;
  liquidity: 'maker' | 'taker';
  /** Filled at the bar's open (a gap through the level, or a market order). */
  atOpen: boolean;
}

const BPS = dec(10_000);

/** Slippage moves the price against the trader: up for a buy, down for a sell. */
export function slipped(price: Dec, side: Side, slipBps: Dec): Dec {
  const slip = price.times(slipBps).div(BPS);
  return side === 'buy' ? price.plus(slip) : price.minus(slip);
}

export function feeOf(price: Dec, quantity: Dec, bps: Dec): Dec {
  return price.times(quantity).times(bps).div(BPS);
}

/** Does the bar's open already reach the order's level? (Market orders always fill at the open.) */
export function reachesAtOpen(type: OrderType, side: Side, level: Dec | undefined, bar: BarPrices): boolean {
  if (type === 'market' || level === undefined) return true;
  if (type === 'limit') return side === 'buy' ? bar.open.lte(level) : bar.open.gte(level);
  return side === 'buy' ? bar.open.gte(level) : bar.open.lte(level);
}

/** Does the bar's range reach the order's level at all? */
export function reachesInRange(type: OrderType, side: Side, level: Dec | undefined, bar: BarPrices): boolean {
  if (type === 'market' || level === undefined) return true;
  if (type === 'limit') return side === 'buy' ? bar.low.lte(level) : bar.high.gte(level);
  return side === 'buy' ? bar.high.gte(level) : bar.low.lte(level);
}

/** The fill of a working order on this bar, or null when the bar does not reach it. */
export function quoteFill(
  type: OrderType,
  side: Side,
  level: Dec | undefined,
  bar: BarPrices,
  slipBps: Dec,
): FillQuote | null {
  if (type === 'market' || level === undefined) {
    return { price: slipped(bar.open, side, slipBps), liquidity: 'taker', atOpen: true };
  }
  if (type === 'limit') {
    // Limits never slip: they fill at the open when it is better than the limit, else at the limit.
    if (reachesAtOpen(type, side, level, bar)) return { price: bar.open, liquidity: 'maker', atOpen: true };
    if (reachesInRange(type, side, level, bar)) return { price: level, liquidity: 'maker', atOpen: false };
    return null;
  }
  // Stops become market orders when touched: a gap through the stop fills at the open, with slippage.
  if (reachesAtOpen(type, side, level, bar)) {
    return { price: slipped(bar.open, side, slipBps), liquidity: 'taker', atOpen: true };
  }
  if (reachesInRange(type, side, level, bar)) {
    return { price: slipped(level, side, slipBps), liquidity: 'taker', atOpen: false };
  }
  return null;
}

/** A live quote's prices (venues.md "Modes"). */
export interface QuotePrices {
  bid: Dec;
  ask: Dec;
  last: Dec;
}

/** The fill of a working order on a live quote, or null: a market order takes the ask (buy) or the bid
 *  (sell) with slippage; a limit fills when the opposite quote reaches it, at that quote (never worse than
 *  the limit), without slippage; a stop triggers when the last price crosses it and fills as a market. */
export function quoteTouch(
  type: OrderType,
  side: Side,
  level: Dec | undefined,
  q: QuotePrices,
  slipBps: Dec,
): { price: Dec; liquidity: 'maker' | 'taker' } | null {
  const opposite = side === 'buy' ? q.ask : q.bid;
  if (type === 'market' || level === undefined)
    return { price: slipped(opposite, side, slipBps), liquidity: 'taker' };
  if (type === 'limit') {
    const reached = side === 'buy' ? opposite.lte(level) : opposite.gte(level);
    return reached ? { price: opposite, liquidity: 'maker' } : null;
  }
  const crossed = side === 'buy' ? q.last.gte(level) : q.last.lte(level);
  return crossed ? { price: slipped(opposite, side, slipBps), liquidity: 'taker' } : null;
}
