// The perpetuals the sim lists (asset index = position in `meta.universe`, as on Hyperliquid) and
// Hyperliquid's price and size rules: a price has at most 5 significant figures (integers always pass)
// and at most 6 − szDecimals decimals; a size has at most szDecimals decimals.
import { type Dec, dec } from '../../../../src/shared/domain/decimal.ts';

export interface SimCoinConfig {
  name: string;
  szDecimals: number;
  maxLeverage: number;
  onlyIsolated?: boolean;
}

export interface Coin extends SimCoinConfig {
  /** The asset index orders carry as `a`. */
  asset: number;
  /** The unified ccxt symbol, e.g. `BTC/USDC:USDC`. */
  symbol: string;
}

export const DEFAULT_COINS: SimCoinConfig[] = [
  { name: 'BTC', szDecimals: 5, maxLeverage: 40 },
  { name: 'ETH', szDecimals: 4, maxLeverage: 25 },
];

export interface Quote {
  bid: Dec;
  ask: Dec;
  mark: Dec;
}

export const DEFAULT_PRICES: Record<string, { bid: number; ask: number }> = {
  BTC: { bid: 90_000, ask: 90_001 },
  ETH: { bid: 3_000, ask: 3_000.1 },
};

export function buildCoins(list: SimCoinConfig[] = DEFAULT_COINS): Coin[] {
  return list.map((c, asset) => ({ ...c, asset, symbol: `${c.name}/USDC:USDC` }));
}

const decimals = (x: Dec) => Math.max(0, -x.e + x.c.length - 1);
const significant = (x: Dec) => {
  const digits = x.c.join('').replace(/0+$/, '');
  return Math.max(1, digits.length);
};

/** A wire number (string as ccxt sends, or a number) as a positive decimal, else undefined. */
export function wireDecimal(x: unknown): Dec | undefined {
  if (typeof x !== 'string' && typeof x !== 'number') return undefined;
  try {
    const d = dec(x);
    return d;
  } catch {
    return undefined;
  }
}

/** Whether `px` is a price Hyperliquid takes for this perp. */
export function validPrice(coin: Coin, px: Dec): boolean {
  if (px.lte(0)) return false;
  if (px.eq(px.round(0, 0))) return true;
  return significant(px) <= 5 && decimals(px) <= 6 - coin.szDecimals;
}

export const validSize = (coin: Coin, sz: Dec): boolean => decimals(sz) <= coin.szDecimals;

/** Decimal text as Hyperliquid prints it: no exponent, no trailing zeros. */
export const wireText = (x: Dec): string => x.toFixed();
