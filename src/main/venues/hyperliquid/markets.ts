// Hyperliquid's perpetuals as loaded at connect: the instruments Braid may trade (USDC-settled, main
// dex only) and each one's coin, asset index and size decimals, by Braid's symbol and by the coin
// Hyperliquid's answers name.
import type { Market } from 'ccxt';
import type { VenueInstrument, VenueRead } from '../venue.ts';
import { asRaw, decOf, instrumentOf, type PerpAsset } from './mapping.ts';

export class HyperliquidMarkets {
  private perps = new Map<string, PerpAsset>();
  private symbolByCoin = new Map<string, string>();
  private list: VenueInstrument[] = [];

  /** Takes the markets ccxt loaded. */
  load(markets: Market[]): void {
    this.perps = new Map();
    this.symbolByCoin = new Map();
    const instruments: VenueInstrument[] = [];
    for (const m of markets) {
      if (m?.swap !== true || m.settle !== 'USDC') continue;
      const raw = asRaw(m.info);
      const coin = typeof raw.name === 'string' ? raw.name : undefined;
      const szDecimals = Number(raw.szDecimals);
      const asset = Number(m.baseId);
      if (!coin || coin.includes(':') || !Number.isInteger(szDecimals) || !Number.isInteger(asset)) continue;
      const perp: PerpAsset = { coin, symbol: m.symbol, asset, szDecimals };
      const instrument = instrumentOf(perp, decOf(raw.markPx));
      if (!instrument) continue;
      this.perps.set(m.symbol, perp);
      this.symbolByCoin.set(coin, m.symbol);
      instruments.push(instrument);
    }
    this.list = instruments.sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  perp(symbol: string): PerpAsset | undefined {
    return this.perps.get(symbol);
  }

  /** Braid's symbol for the coin an answer names (undefined: not a perp Braid trades). */
  symbolOf(coin: string): string | undefined {
    return this.symbolByCoin.get(coin);
  }

  instruments(): VenueRead<VenueInstrument[]> {
    if (this.list.length === 0)
      return {
        ok: false,
        message: 'Hyperliquid is not connected: its markets are not loaded',
        retryable: true,
      };
    return { ok: true, value: this.list.map((i) => ({ ...i })) };
  }
}
