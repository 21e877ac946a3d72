// Hyperliquid's price and size rules, and Braid's client order id as a `cloid`.
//
// A perp price has at most 5 significant figures (an integer price always passes, whatever its figures)
// and at most 6 − szDecimals decimals; a size at most szDecimals decimals; an order is worth at least
// $10 (wire notes 2.2). Prices round the way that never costs the trader (order-rounding.ts): a buy limit
// down, a sell limit up, a stop toward the market; a market order's bounded limit inward, so the fill is
// never more than the slippage away from the mark.
import { createHash } from 'node:crypto';
import Big from 'big.js';
import { type Dec, type DecStr, dec, str } from '../../../shared/domain/decimal.ts';

/** Perps: a price has at most 6 − szDecimals decimals. */
export const PERP_MAX_DECIMALS = 6;
export const SIGNIFICANT_FIGURES = 5;
export const MIN_ORDER_VALUE = '10';

/** How many decimals a price of this size may have for an asset with `szDecimals`. */
export function priceDecimals(price: Dec, szDecimals: number): number {
  if (price.lte(0)) return 0;
  // Big's exponent `e` is floor(log10(price)): digits before the point are e + 1 when e ≥ 0.
  const integerDigits = Math.max(0, price.e + 1);
  const figures = Math.max(SIGNIFICANT_FIGURES, integerDigits);
  const bySignificance = figures - (price.e + 1);
  return Math.max(0, Math.min(bySignificance, PERP_MAX_DECIMALS - szDecimals));
}

/** A price Hyperliquid takes: ≤ 5 significant figures (integers always) and the asset's decimals. */
export function roundPrice(price: Dec, szDecimals: number, direction: 'down' | 'up'): Dec {
  const places = priceDecimals(price, szDecimals);
  const rounded = price.round(places, direction === 'down' ? Big.roundDown : Big.roundUp);
  // Rounding up can carry into a new digit (99999.5 → 100000): still a valid price.
  return rounded;
}

/** Is `price` already one Hyperliquid takes? */
export function isValidPrice(price: Dec, szDecimals: number): boolean {
  if (price.lte(0)) return false;
  if (price.eq(price.round(0, Big.roundDown))) return true;
  return roundPrice(price, szDecimals, 'down').eq(price);
}

/** The price step at `price` (the instrument's tick as loaded: it shrinks as the price falls). */
export function tickAt(price: Dec, szDecimals: number): DecStr {
  return str(dec(1).div(dec(10).pow(priceDecimals(price, szDecimals))));
}

/** The size step: 10^−szDecimals. */
export function lotOf(szDecimals: number): DecStr {
  return str(dec(1).div(dec(10).pow(szDecimals)));
}

/** A size on the lot, floored (never more than asked). */
export function floorSize(size: Dec, szDecimals: number): Dec {
  return size.round(szDecimals, Big.roundDown);
}

/**
 * A market order's limit: the mark moved by `slippage` against the trader (buy above, sell below), then
 * rounded inward (a buy down, a sell up) so the bound is never passed.
 */
export function marketLimitPrice(mark: Dec, side: 'buy' | 'sell', slippage: Dec, szDecimals: number): Dec {
  const raw = side === 'buy' ? mark.times(dec(1).plus(slippage)) : mark.times(dec(1).minus(slippage));
  return roundPrice(raw, szDecimals, side === 'buy' ? 'down' : 'up');
}

const CLOID = /^0x[0-9a-f]{32}$/;

/**
 * Braid's client order id as Hyperliquid's `cloid` (`0x` + 32 hex): the first 16 bytes of its SHA-256,
 * the same every time, so a query by Braid's id after a crash finds the order.
 */
export function cloidOf(clientOrderId: string): string {
  return `0x${createHash('sha256').update(clientOrderId, 'utf8').digest('hex').slice(0, 32)}`;
}

export const isCloid = (x: unknown): x is string => typeof x === 'string' && CLOID.test(x.toLowerCase());
