// What the learning book keeps of each symbol's bars: the last close and volume (arrival prices,
// participation) and the recent bars' ranges (the volatility regime). Every bar passes through here, and
// few are ever asked about (an order's regime, a checkpoint), so a bar is kept as it came and read into
// its range only when asked, once.
import type { Bar } from '../../../shared/domain/instrument.ts';

/** Bars of range kept per symbol. */
export const RANGE_BARS = 50;

export type Regime = 'low' | 'normal' | 'high';

/** Recent bars compared with all the bars of range kept. */
const RECENT_BARS = 5;

/** The volatility regime from recent bars: the mean (high − low) / close of the last 5 bars against
 *  that of the last 50: under two thirds of it low, over one and a half times high; normal before 10
 *  bars. */
export function regimeOf(ranges: readonly number[] | undefined): Regime {
  if (!ranges || ranges.length < 10) return 'normal';
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const all = mean(ranges);
  if (all === 0) return 'normal';
  const ratio = mean(ranges.slice(-RECENT_BARS)) / all;
  return ratio < 2 / 3 ? 'low' : ratio > 1.5 ? 'high' : 'normal';
}

/** A bar's (high − low) / close in bps, rounded so a checkpoint's JSON reads back the same number; NaN
 *  for a bar without a positive close (it has no range). */
function rangeOf(bar: Bar): number {
  const close = Number(bar.close);
  if (!(close > 0)) return Number.NaN;
  return Math.round(((Number(bar.high) - Number(bar.low)) / close) * 1e4 * 1e6) / 1e6;
}

class SymbolTape {
  close: string | undefined;
  volume: string | undefined;
  /** A ring of the last RANGE_BARS bars: each slot a bar not read yet, or its range. */
  private readonly slots: Array<Bar | number> = [];
  private next = 0;
  /** ranges() until the next bar (a plan's orders and a checkpoint ask in between). */
  private read: number[] | null = null;
  /** regime() until the next bar: a plan's choice, its entry and its exits ask alike. */
  private regimeRead: Regime | null = null;

  push(bar: Bar): void {
    this.close = bar.close;
    this.volume = bar.volume;
    this.read = null;
    this.regimeRead = null;
    if (this.slots.length < RANGE_BARS) this.slots.push(bar);
    else {
      this.slots[this.next] = bar;
      this.next = (this.next + 1) % RANGE_BARS;
    }
  }

  /** The ranges of the kept bars with a positive close, oldest first (not to be changed). */
  ranges(): readonly number[] {
    if (this.read !== null) return this.read;
    const out: number[] = [];
    const n = this.slots.length;
    for (let k = 0; k < n; k++) {
      const i = (this.next + k) % n;
      let slot = this.slots[i]!;
      if (typeof slot !== 'number') {
        slot = rangeOf(slot);
        this.slots[i] = slot;
      }
      if (!Number.isNaN(slot)) out.push(slot);
    }
    this.read = out;
    return out;
  }

  /** regimeOf(this.ranges()), kept until the next bar. */
  regime(): Regime {
    this.regimeRead ??= regimeOf(this.ranges());
    return this.regimeRead;
  }

  /** Ranges read back from a checkpoint (oldest first). */
  load(ranges: readonly number[]): void {
    this.slots.length = 0;
    this.next = 0;
    this.read = null;
    this.regimeRead = null;
    for (const r of ranges.slice(-RANGE_BARS)) this.slots.push(r);
  }
}

export class MarketTape {
  private readonly symbols = new Map<string, SymbolTape>();

  private of(symbol: string): SymbolTape {
    let t = this.symbols.get(symbol);
    if (t === undefined) {
      t = new SymbolTape();
      this.symbols.set(symbol, t);
    }
    return t;
  }

  onBar(bar: Bar): void {
    this.of(bar.symbol).push(bar);
  }

  close(symbol: string): string | undefined {
    return this.symbols.get(symbol)?.close;
  }

  volume(symbol: string): string | undefined {
    return this.symbols.get(symbol)?.volume;
  }

  /** The symbol's volatility regime now (regimeOf its ranges). */
  regime(symbol: string): Regime {
    return this.symbols.get(symbol)?.regime() ?? 'normal';
  }

  /** The symbol's recent ranges, oldest first (empty before a bar with a positive close). */
  ranges(symbol: string): readonly number[] {
    return this.symbols.get(symbol)?.ranges() ?? [];
  }

  /** The checkpoint's fields: closes always, volumes and ranges only when there are any. */
  state(): {
    closes: Record<string, string>;
    volumes?: Record<string, string>;
    ranges?: Record<string, readonly number[]>;
  } {
    const closes: Record<string, string> = {};
    const volumes: Record<string, string> = {};
    const ranges: Record<string, readonly number[]> = {};
    let anyVolume = false;
    let anyRange = false;
    for (const [symbol, t] of this.symbols) {
      if (t.close !== undefined) closes[symbol] = t.close;
      if (t.volume !== undefined) {
        volumes[symbol] = t.volume;
        anyVolume = true;
      }
      const r = t.ranges();
      if (r.length > 0) {
        ranges[symbol] = r;
        anyRange = true;
      }
    }
    return { closes, ...(anyVolume ? { volumes } : {}), ...(anyRange ? { ranges } : {}) };
  }

  restore(s: {
    closes?: Record<string, string>;
    volumes?: Record<string, string>;
    ranges?: Record<string, readonly number[]>;
  }): void {
    this.symbols.clear();
    for (const [k, v] of Object.entries(s.closes ?? {})) this.of(k).close = v;
    for (const [k, v] of Object.entries(s.volumes ?? {})) this.of(k).volume = v;
    for (const [k, v] of Object.entries(s.ranges ?? {})) this.of(k).load(v);
  }
}
