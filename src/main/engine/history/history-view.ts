// The trade history's own metrics and equity curve (the terminal's view, not the replay report), kept trade
// by trade: a closed trade costs a few decimal operations however long the history, not a pass over it.
// Drawdown is over realized equity at each exit; the Sharpe ratio is per trade (mean / sample sd of
// pnlPct) from exact running sums (metrics.ts ReturnSums), the two-pass formula's figure to the last digit.
import { type Dec, dec, str } from '../../../shared/domain/decimal.ts';
import type { Metrics } from '../../../shared/domain/metrics.ts';
import type { TradeRecord } from '../../../shared/domain/portfolio.ts';
import { EquityCurve, metricsOf, ReturnSums } from '../portfolio/metrics.ts';
import { TradeTally } from '../portfolio/trade-tally.ts';

/** Fewer closed trades than this and the history view shows no Sharpe: a ratio of a handful is noise. */
export const SHARPE_MIN_TRADES = 20;

/** The most equity points an answer carries: the chart is a few thousand pixels wide, and a long history
 *  would otherwise send every exit (100,000 trades: 3.9 MB per answer). */
export const CURVE_POINTS_MAX = 2000;

export interface HistoryView {
  count: number;
  metrics: Metrics;
  /** Start equity, then start equity plus the running P&L of these trades at each exit; above
   *  CURVE_POINTS_MAX points, the first, the last and each stretch's lowest and highest. */
  equity: { time: number; value: string }[];
  sharpeMinTrades: number;
}

/** What the view needs of a closed trade. */
export type TradeOutcome = Pick<TradeRecord, 'entryTime' | 'exitTime' | 'pnl' | 'pnlPct'>;

/** mean / sample standard deviation of the trades' returns (pnlPct); null below SHARPE_MIN_TRADES trades or
 *  with zero deviation. It depends on the trades alone, so the same trades give the same figure whatever
 *  day it is (the report's daily Sharpe moves with every marked day). Not annualized. */
export function perTradeSharpe(trades: readonly TradeOutcome[]): Dec | null {
  const sums = new ReturnSums();
  for (const t of trades) sums.add(dec(t.pnlPct));
  return sharpeOf(sums);
}

/** The running sums' ratio from SHARPE_MIN_TRADES trades on (exact: metrics.ts ReturnSums). */
const sharpeOf = (sums: ReturnSums) => (sums.n < SHARPE_MIN_TRADES ? null : sums.ratio());

/** The view of a set of closed trades, added in exit order. */
export class RunningHistoryView {
  private readonly startEquity: Dec;
  private readonly tally = new TradeTally();
  private readonly curve: EquityCurve;
  private readonly returns = new ReturnSums();
  private equity: Dec;
  /** Every point's time, value and value as a number (to pick the extremes a long curve keeps). */
  private readonly times: number[] = [];
  private readonly values: string[] = [];
  private readonly levels: number[] = [];
  private lastExit = Number.NEGATIVE_INFINITY;

  constructor(startEquity: Dec) {
    this.startEquity = startEquity;
    this.curve = new EquityCurve(startEquity);
    this.equity = startEquity;
  }

  get count(): number {
    return this.tally.count;
  }

  /** Adds a trade that exits no earlier than the last one added; false (nothing changed) otherwise. */
  add(t: TradeOutcome): boolean {
    if (t.exitTime < this.lastExit) return false;
    this.lastExit = t.exitTime;
    if (this.times.length === 0) this.point(t.entryTime, this.startEquity);
    const pnl = dec(t.pnl);
    this.tally.addPnl(pnl);
    this.returns.add(dec(t.pnlPct));
    this.equity = this.equity.plus(pnl);
    this.curve.mark(t.exitTime, this.equity);
    this.point(t.exitTime, this.equity);
    return true;
  }

  private point(time: number, value: Dec): void {
    const text = str(value);
    this.times.push(time);
    this.values.push(text);
    this.levels.push(Number(text));
  }

  view(maxPoints = CURVE_POINTS_MAX): HistoryView {
    const s = sharpeOf(this.returns);
    return {
      count: this.tally.count,
      metrics: { ...metricsOf(this.tally, this.curve, false), sharpe: s === null ? null : str(s) },
      equity: this.points(maxPoints),
      sharpeMinTrades: SHARPE_MIN_TRADES,
    };
  }

  /** Every point, or, above maxPoints, the first and the last and the lowest and highest of each of
   *  (maxPoints - 2) / 2 stretches between them, in time order: the chart keeps its peaks and troughs. */
  private points(maxPoints: number): HistoryView['equity'] {
    const n = this.times.length;
    const at = (i: number) => ({ time: this.times[i]!, value: this.values[i]! });
    if (n <= maxPoints) return this.times.map((_, i) => at(i));
    const stretches = Math.max(1, Math.floor((maxPoints - 2) / 2));
    const inner = n - 2;
    const kept: number[] = [0];
    for (let s = 0; s < stretches; s++) {
      const from = 1 + Math.floor((s * inner) / stretches);
      const to = 1 + Math.floor(((s + 1) * inner) / stretches);
      if (from >= to) continue;
      let lo = from;
      let hi = from;
      for (let i = from + 1; i < to; i++) {
        const v = this.levels[i]!;
        if (v < this.levels[lo]!) lo = i;
        if (v > this.levels[hi]!) hi = i;
      }
      if (lo === hi) kept.push(lo);
      else kept.push(Math.min(lo, hi), Math.max(lo, hi));
    }
    kept.push(n - 1);
    return kept.map(at);
  }
}

/** Metrics and equity curve of a set of closed trades (the trade history, filtered or not), from the
 *  trades alone, in exit order (ties in the order given). */
export function historyView(
  trades: readonly TradeOutcome[],
  startEquity: Dec,
  maxPoints = CURVE_POINTS_MAX,
): HistoryView {
  const running = new RunningHistoryView(startEquity);
  for (const t of [...trades].sort((a, b) => a.exitTime - b.exitTime)) running.add(t);
  return running.view(maxPoints);
}
