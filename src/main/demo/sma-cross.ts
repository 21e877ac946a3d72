// The demo's built-in signal source, a published rule anyone can check on a chart: the 5-bar simple moving
// average of closes crossing the 20-bar one. Up-cross: buy; down-cross: sell short. Stop beyond the last
// 10 bars' extreme, target twice the risk, market entry, valid for 30 bars.
import Big from 'big.js';
import type { Bar } from '../../shared/domain/instrument.ts';
import type { PlanInput } from '../../shared/domain/plan.ts';

export const SMA_CROSS_SOURCE = {
  name: 'SMA 5/20 cross',
  rule:
    'Buy when the 5-bar average of closes crosses above the 20-bar average, sell short when it crosses ' +
    'below; stop beyond the 10-bar low (high), target 2x the risk, valid for 30 bars.',
} as const;

const FAST = 5;
const SLOW = 20;
const RANGE = 10;
const EXPIRY_BARS = 30;

export type Signal = Omit<PlanInput, 'id'>;

interface SymbolState {
  closes: number[];
  highs: number[];
  lows: number[];
  /** Sign of fast − slow at the previous bar: 1 above, −1 below, 0 not known yet. */
  side: number;
}

const mean = (xs: number[], n: number) => xs.slice(-n).reduce((a, b) => a + b, 0) / n;
const price = (x: number) => new Big(x).round(2, Big.roundHalfEven).toString();

export interface SmaCross {
  /** Feeds one closed bar; returns a plan when this bar makes a cross. */
  onBar(bar: Bar, barMs: number): Signal | null;
}

export function createSmaCross(): SmaCross {
  const states = new Map<string, SymbolState>();
  return {
    onBar(bar, barMs) {
      let s = states.get(bar.symbol);
      if (s === undefined) {
        s = { closes: [], highs: [], lows: [], side: 0 };
        states.set(bar.symbol, s);
      }
      s.closes.push(Number(bar.close));
      s.highs.push(Number(bar.high));
      s.lows.push(Number(bar.low));
      if (s.closes.length > SLOW) {
        s.closes.shift();
        s.highs.shift();
        s.lows.shift();
      }
      if (s.closes.length < SLOW) return null;
      const fast = mean(s.closes, FAST);
      const slow = mean(s.closes, SLOW);
      const side = Math.sign(fast - slow);
      const previous = s.side;
      if (side !== 0) s.side = side;
      if (previous === 0 || side === 0 || side === previous) return null;

      const close = Number(bar.close);
      const buy = side > 0;
      const extreme = buy ? Math.min(...s.lows.slice(-RANGE)) : Math.max(...s.highs.slice(-RANGE));
      // At least 0.2% away, so a flat range never gives a zero-risk stop.
      const risk = Math.max(Math.abs(close - extreme), close * 0.002);
      const gapPct = (Math.abs(fast - slow) / slow) * 100;
      return {
        symbol: bar.symbol,
        side: buy ? 'buy' : 'sell',
        entry: { type: 'market' },
        stopLoss: price(buy ? close - risk : close + risk),
        takeProfit: price(buy ? close + 2 * risk : close - 2 * risk),
        // A score in [0.5, 0.95]: a wider gap between the averages at the cross reads as a firmer signal.
        confidence: Math.round(Math.min(0.95, 0.5 + gapPct * 5) * 100) / 100,
        expiresAt: bar.time + barMs * (EXPIRY_BARS + 1),
        venue: 'paper',
        timeframe: `${Math.round(barMs / 60_000)}m`,
      };
    },
  };
}

/** Index of the first step at which the rule fires, when the bars are fed from the start. */
export function firstSignalStep(steps: readonly { bars: readonly Bar[] }[], barMs: number): number | null {
  const source = createSmaCross();
  for (let i = 0; i < steps.length; i++) {
    for (const bar of steps[i]!.bars) if (source.onBar(bar, barMs) !== null) return i;
  }
  return null;
}

export const SMA_WARMUP_STEPS = SLOW;
