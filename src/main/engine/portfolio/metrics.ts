// Performance metrics (replay.md "Report"): over closed trades, plus drawdown of equity marked at every bar
// close and a Sharpe ratio of daily (UTC) end-of-day equity returns.
import { type Dec, dec, str, ZERO } from '../../../shared/domain/decimal.ts';
import type { Metrics } from '../../../shared/domain/metrics.ts';
import type { TradeTally } from './trade-tally.ts';

const DAY_MS = 86_400_000;

export interface EquityCurveState {
  peak: string;
  maxDrawdownPct: string;
  /** UTC day number of the last mark. */
  day: number | null;
  /** End-of-day equity of each closed UTC day, oldest first. */
  closedDays: string[];
  /** The last marked equity. */
  last: string;
  /** The closed days' daily returns summed so far (absent in older checkpoints: summed again when asked). */
  returns?: { through: number; n: number; sum: string; sumSq: string; zeroBase: boolean };
}

/** Follows equity mark by mark: running peak, deepest drawdown, end-of-day values. */
export class EquityCurve {
  private peak: Dec;
  private maxDd: Dec;
  private day: number | null;
  private closedDays: string[];
  private last: Dec;
  /** maxDd x peak, kept until either moves: what a drop x 100 must pass to be worth a division. */
  private ddLimit: Dec | null = null;
  /** The daily returns between closed days, summed once each (the Sharpe ratio is asked for at every
   *  snapshot and closed trade; a long history has thousands of days). */
  private closedReturns = new ReturnSums();
  /** closedDays[0 .. returnsThrough - 1] are in closedReturns (as bases or results). */
  private returnsThrough = 1;
  /** A closed day's equity was zero: no return can be taken from it, so no Sharpe ratio. */
  private zeroBase = false;

  constructor(startEquity: Dec, state?: EquityCurveState) {
    this.peak = state ? dec(state.peak) : startEquity;
    this.maxDd = state ? dec(state.maxDrawdownPct) : ZERO;
    this.day = state ? state.day : null;
    this.closedDays = state ? [...state.closedDays] : [];
    this.last = state ? dec(state.last) : startEquity;
    const r = state?.returns;
    if (r && r.through >= 1 && r.through <= this.closedDays.length) {
      this.closedReturns = ReturnSums.restore(r);
      this.returnsThrough = r.through;
      this.zeroBase = r.zeroBase;
    }
  }

  mark(time: number, equity: Dec): void {
    const day = Math.floor(time / DAY_MS);
    if (this.day !== null && day !== this.day) this.closedDays.push(str(this.last));
    this.day = day;
    // Unchanged equity cannot move the peak or the drawdown: skip the arithmetic (most bars).
    if (equity !== this.last && !equity.eq(this.last)) this.track(equity);
    this.last = equity;
  }

  private track(equity: Dec): void {
    if (equity.gt(this.peak)) {
      this.peak = equity;
      this.ddLimit = null;
    }
    if (this.peak.gt(0)) {
      // The division rounds (30 places), monotonically, and maxDd is one of its results: a drop whose exact
      // value is not above maxDd cannot round above it. Checking that by an exact product skips most
      // divisions, the cost of every bar with a position.
      const fall = this.peak.minus(equity);
      this.ddLimit ??= this.maxDd.times(this.peak);
      if (fall.times(100).lte(this.ddLimit)) return;
      const dd = fall.div(this.peak).times(100);
      if (dd.gt(this.maxDd)) {
        this.maxDd = dd;
        this.ddLimit = null;
      }
    }
  }

  maxDrawdownPct(): Dec {
    return this.maxDd;
  }

  /** mean / sample standard deviation of the daily returns of the end-of-day equities (the current day
   *  included) x sqrt(252); null with < 2 returns, a zero base or zero deviation. From running sums:
   *  the two-pass figure to the last digit. */
  sharpe(): Dec | null {
    const days = this.closedDays;
    for (; this.returnsThrough < days.length; this.returnsThrough++) {
      const prev = dec(days[this.returnsThrough - 1]!);
      if (prev.eq(0)) this.zeroBase = true;
      else this.closedReturns.add(dec(days[this.returnsThrough]!).div(prev).minus(1));
    }
    if (this.zeroBase) return null;
    const base = days[days.length - 1];
    if (this.day === null || base === undefined) return annualized(this.closedReturns.ratio());
    const prev = dec(base);
    if (prev.eq(0)) return null;
    return annualized(this.closedReturns.ratio(this.last.div(prev).minus(1)));
  }

  state(): EquityCurveState {
    return {
      peak: str(this.peak),
      maxDrawdownPct: str(this.maxDd),
      day: this.day,
      closedDays: [...this.closedDays],
      last: str(this.last),
      ...(this.returnsThrough > 1 || this.zeroBase
        ? {
            returns: { through: this.returnsThrough, ...this.closedReturns.state(), zeroBase: this.zeroBase },
          }
        : {}),
    };
  }
}

const annualized = (ratio: Dec | null) => (ratio === null ? null : ratio.times(dec(252).sqrt()));

/** Σr and Σr² of a set of returns, exact (big.js adds and multiplies without rounding). With the mean
 *  m = Σr / n (the one rounded step, as in the two-pass formula) Σ(r - m)² = Σr² - 2mΣr + nm² exactly, so
 *  the sample variance and the ratio mean / sd are those of the two passes, digit for digit, in O(1). */
export class ReturnSums {
  n = 0;
  private sum: Dec = ZERO;
  private sumSq: Dec = ZERO;

  static restore(s: { n: number; sum: string; sumSq: string }): ReturnSums {
    const r = new ReturnSums();
    r.n = s.n;
    r.sum = dec(s.sum);
    r.sumSq = dec(s.sumSq);
    return r;
  }

  state(): { n: number; sum: string; sumSq: string } {
    return { n: this.n, sum: str(this.sum), sumSq: str(this.sumSq) };
  }

  add(r: Dec): void {
    this.n++;
    this.sum = this.sum.plus(r);
    this.sumSq = this.sumSq.plus(r.times(r));
  }

  /** mean / sample standard deviation, with `extra` counted too when given; null with fewer than 2
   *  returns or zero deviation. */
  ratio(extra?: Dec): Dec | null {
    const count = this.n + (extra === undefined ? 0 : 1);
    if (count < 2) return null;
    const sum = extra === undefined ? this.sum : this.sum.plus(extra);
    const sumSq = extra === undefined ? this.sumSq : this.sumSq.plus(extra.times(extra));
    const n = dec(count);
    const mean = sum.div(n);
    const squares = sumSq.minus(mean.times(sum).times(2)).plus(n.times(mean).times(mean));
    const variance = squares.div(n.minus(1));
    if (variance.eq(0)) return null;
    return mean.div(variance.sqrt());
  }
}

/** The metrics from the running sums of the closed trades (trade-tally.ts) and the equity curve; without
 *  `dailySharpe` the Sharpe ratio is left null for the caller's own (the history's is per trade). */
export function metricsOf(tally: TradeTally, curve: EquityCurve, dailySharpe = true): Metrics {
  const { wins, losses, grossProfit, grossLoss, net } = tally;
  const total = tally.count;
  const s = dailySharpe ? curve.sharpe() : null;
  return {
    totalTrades: total,
    wins,
    losses,
    winRate: total === 0 ? null : str(dec(wins).div(total)),
    grossProfit: str(grossProfit),
    grossLoss: str(grossLoss),
    profitFactor: grossLoss.eq(0) ? null : str(grossProfit.div(grossLoss)),
    avgWin: wins === 0 ? null : str(grossProfit.div(wins)),
    avgLoss: losses === 0 ? null : str(grossLoss.div(losses)),
    expectancy: total === 0 ? null : str(net.div(total)),
    netPnl: str(net),
    maxDrawdownPct: str(curve.maxDrawdownPct()),
    sharpe: s === null ? null : str(s),
  };
}
