// Kraken's spot markets as loaded at connect: the instruments Braid may trade (sizes, ticks, minimums)
// and each symbol's pair id (the per-pair matching-engine counter is kept by it).
import type { Market } from 'ccxt';
import type { VenueInstrument, VenueRead } from '../venue.ts';
import type { Exchange } from './exchange.ts';
import { instrumentOf } from './mapping.ts';

export class KrakenMarkets {
  private markets = new Map<string, Market>();
  private list: VenueInstrument[] = [];

  /** Takes the markets ccxt loaded. */
  load(ex: Exchange): void {
    this.markets = new Map(Object.values(ex.markets ?? {}).map((m) => [m.symbol, m] as [string, Market]));
    this.list = [...this.markets.values()]
      .map(instrumentOf)
      .filter((i): i is VenueInstrument => i !== null)
      .sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  has(symbol: string): boolean {
    return this.markets.has(symbol);
  }

  /** Kraken's pair id for a symbol (its rate counter's name). */
  pairOf(symbol: string): string | undefined {
    const m = this.markets.get(symbol);
    return m ? String(m.id) : undefined;
  }

  instrument(symbol: string): VenueInstrument | undefined {
    return this.list.find((i) => i.symbol === symbol);
  }

  instruments(): VenueRead<VenueInstrument[]> {
    if (this.list.length === 0) {
      return { ok: false, message: 'Kraken is not connected: its markets are not loaded', retryable: true };
    }
    return { ok: true, value: this.list.map((i) => ({ ...i })) };
  }
}
