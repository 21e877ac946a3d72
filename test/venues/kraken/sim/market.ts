// The simulated venue's pairs and assets, as Kraken names and describes them, and the small number
// formatting and id helpers the wire shapes need.
import { randomInt } from 'node:crypto';
import Big from 'big.js';
import { type Dec, dec } from '../../../../src/shared/domain/decimal.ts';

export interface SimPairConfig {
  /** ccxt's unified symbol, e.g. 'BTC/USD'. */
  symbol: string;
  /** Kraken's pair name, the key of AssetPairs, e.g. 'XXBTZUSD'. */
  name: string;
  altname: string;
  wsname: string;
  /** Asset ids, e.g. 'XXBT' and 'ZUSD'. */
  base: string;
  quote: string;
  pairDecimals: number;
  lotDecimals: number;
  costDecimals: number;
  tickSize: string;
  ordermin: string;
  costmin: string;
}

export interface SimAssetConfig {
  id: string;
  altname: string;
  decimals: number;
  displayDecimals: number;
}

export const DEFAULT_PAIRS: SimPairConfig[] = [
  {
    symbol: 'BTC/USD',
    name: 'XXBTZUSD',
    altname: 'XBTUSD',
    wsname: 'XBT/USD',
    base: 'XXBT',
    quote: 'ZUSD',
    pairDecimals: 1,
    lotDecimals: 8,
    costDecimals: 5,
    tickSize: '0.1',
    ordermin: '0.0001',
    costmin: '0.5',
  },
  {
    symbol: 'ETH/USD',
    name: 'XETHZUSD',
    altname: 'ETHUSD',
    wsname: 'ETH/USD',
    base: 'XETH',
    quote: 'ZUSD',
    pairDecimals: 2,
    lotDecimals: 8,
    costDecimals: 5,
    tickSize: '0.01',
    ordermin: '0.002',
    costmin: '0.5',
  },
];

export const DEFAULT_ASSETS: SimAssetConfig[] = [
  { id: 'XXBT', altname: 'XBT', decimals: 10, displayDecimals: 5 },
  { id: 'XETH', altname: 'ETH', decimals: 10, displayDecimals: 5 },
  { id: 'ZUSD', altname: 'USD', decimals: 4, displayDecimals: 2 },
];

export const DEFAULT_PRICES: Record<string, { bid: string; ask: string; last: string }> = {
  'BTC/USD': { bid: '50000', ask: '50000.1', last: '50000' },
  'ETH/USD': { bid: '3000', ask: '3000.01', last: '3000' },
};

/** A pair with its decimals as Big values, ready for checks. */
export interface Pair extends SimPairConfig {
  tick: Dec;
  lot: Dec;
  min: Dec;
  minCost: Dec;
}

export function toPair(c: SimPairConfig): Pair {
  return {
    ...c,
    tick: dec(c.tickSize),
    lot: dec(1).div(dec(10).pow(c.lotDecimals)),
    min: dec(c.ordermin),
    minCost: dec(c.costmin),
  };
}

/** Fixed-point text with at least `places` decimals and never fewer than the value needs (exact). */
export function fixed(x: Dec, places: number): string {
  const needed = Math.max(0, -x.e + (x.c.length - 1));
  return x.toFixed(Math.max(places, needed));
}

/** Decimal places a decimal text carries ('0.10' → 2). */
export function placesOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

export function roundUp(x: Dec, places: number): Dec {
  return x.round(places, Big.roundUp);
}

export function roundHalfUp(x: Dec, places: number): Dec {
  return x.round(places, Big.roundHalfUp);
}

/** The pairs a sim trades: the defaults, or entries (a default's symbol overrides fields of it). */
export function buildPairs(entries: Array<Partial<SimPairConfig> & { symbol: string }> | undefined): Pair[] {
  if (!entries) return DEFAULT_PAIRS.map(toPair);
  return entries.map((e) => {
    const base = DEFAULT_PAIRS.find((p) => p.symbol === e.symbol);
    const merged = { ...base, ...e } as SimPairConfig;
    for (const k of ['name', 'base', 'quote', 'tickSize', 'ordermin'] as const) {
      if (merged[k] === undefined) throw new Error(`pair ${e.symbol} needs ${k}`);
    }
    const [b, q] = e.symbol.split('/');
    merged.altname ??= `${b}${q}`;
    merged.wsname ??= e.symbol;
    merged.pairDecimals ??= Math.max(0, -Math.floor(Math.log10(Number(merged.tickSize))));
    merged.lotDecimals ??= 8;
    merged.costDecimals ??= 5;
    merged.costmin ??= '0';
    return toPair(merged);
  });
}

export function buildAssets(pairs: Pair[], extra: SimAssetConfig[] = []): SimAssetConfig[] {
  const assets = [...extra, ...DEFAULT_ASSETS.filter((a) => !extra.some((x) => x.id === a.id))];
  const used = new Set(pairs.flatMap((p) => [p.base, p.quote]));
  for (const id of used) {
    if (!assets.some((a) => a.id === id)) assets.push({ id, altname: id, decimals: 8, displayDecimals: 5 });
  }
  return assets.filter((a) => used.has(a.id) || extra.includes(a));
}

/** An asset id from an id, an altname or a unified code. */
export function assetId(ref: string, pairs: Pair[], assets: SimAssetConfig[]): string {
  const a = assets.find((x) => x.id === ref || x.altname === ref);
  if (a) return a.id;
  for (const p of pairs) {
    const [b, q] = p.symbol.split('/');
    if (b === ref) return p.base;
    if (q === ref) return p.quote;
  }
  throw new Error(`unknown asset ${ref}`);
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function idPart(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return s;
}

/** A Kraken-style id: `OXXXXX-XXXXX-XXXXXX` for orders, `T…` for trades and amends. */
export function krakenId(prefix: 'O' | 'T'): string {
  return `${prefix}${idPart(5)}-${idPart(5)}-${idPart(6)}`;
}

/** Kraken's ISO time without milliseconds, as CancelAllOrdersAfter answers it. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
