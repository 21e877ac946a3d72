// The measures of a finished execution (learning.md "Strand"), in basis points of their reference and
// positive when they cost the trader, and the interval that decides whether two groups of strands differ:
// Welch's, with standard errors clustered by trading day. Pure functions: prices and quantities in,
// numbers out (the measures are statistics, read from exact decimals once).
import { gammaln, mean, sampleVariance } from 'simple-statistics';
import { type Dec, dec } from '../../../shared/domain/decimal.ts';
import type { Side } from '../../../shared/domain/plan.ts';

const sign = (side: Side) => (side === 'buy' ? 1 : -1);
const BPS = 10_000;

/** side × (average fill − arrival) / arrival × 10,000: a buy filled above the arrival price paid more. */
export function arrivalSlippageBps(side: Side, avgFillPrice: string, arrivalPrice: string): number {
  return sign(side) * ratioBps(dec(avgFillPrice).minus(arrivalPrice), arrivalPrice);
}

/** An exact difference over its reference, in bps: the subtraction in decimals (no cancellation error),
 *  the division in doubles (a statistic needs no 20-digit quotient, and big.js division is the slow part). */
function ratioBps(difference: Dec, reference: Dec | string): number {
  return (Number(difference) / Number(reference)) * BPS;
}

export interface ShortfallInput {
  side: Side;
  /** The plan's price when it reached Braid: the paper portfolio's price. */
  decisionPrice: string;
  planned: string;
  filled: string;
  /** Unused when nothing filled. */
  avgFillPrice: string | null;
  /** The price when the order ended (filled, expired, cancelled): the unfilled part's opportunity cost. */
  endPrice: string;
  fees: string;
}

/** Implementation shortfall (Perold 1988) in bps of the paper portfolio (planned × decision price):
 *  execution cost on the filled part, opportunity cost on the rest at the price when the order ended,
 *  and fees. */
export function implementationShortfallBps(x: ShortfallInput): number {
  const s = sign(x.side);
  const decision = dec(x.decisionPrice);
  const filled = dec(x.filled);
  const planned = dec(x.planned);
  const paper = planned.times(decision);
  if (paper.lte(0)) return 0;
  const execution = filled.gt(0)
    ? dec(x.avgFillPrice ?? x.decisionPrice)
        .minus(decision)
        .times(filled)
        .times(s)
    : dec(0);
  // Nothing left unfilled (most orders): no opportunity cost to work out.
  const rest = planned.minus(filled);
  const opportunity = rest.eq(0) ? rest : dec(x.endPrice).minus(decision).times(rest).times(s);
  return ratioBps(execution.plus(opportunity).plus(dec(x.fees)), paper);
}

/** filled / planned, from 0 to 1. */
export function fillRatio(filled: string, planned: string): number {
  const p = dec(planned);
  return p.lte(0) ? 0 : Number(filled) / Number(p);
}

/** side × (close then − fill) / fill × 10,000: how the price moved after the fill (learning.md). */
export function markoutBps(side: Side, fillPrice: string, closeThen: string): number {
  return sign(side) * ratioBps(dec(closeThen).minus(fillPrice), fillPrice);
}

// ------------------------------------------------------------------------------------ the interval

/** One observation: its value, its weight (1, or its notional) and its trading day (the cluster). */
export interface Observation {
  value: number;
  weight?: number;
  day: string;
}

export interface GroupEstimate {
  n: number;
  mean: number;
  /** The variance of the mean, clustered by day. */
  varianceOfMean: number;
  /** Distinct days. */
  clusters: number;
}

/** A group's (weighted) mean and the variance of that mean with day-clustered errors: G/(G−1) ×
 *  Σ_days (Σ w (x − mean))² / (Σ w)². One observation a day and unit weights: s²/n, Welch's own. */
export function estimate(obs: readonly Observation[]): GroupEstimate {
  const n = obs.length;
  if (n === 0) return { n: 0, mean: Number.NaN, varianceOfMean: Number.NaN, clusters: 0 };
  const totalWeight = obs.reduce((a, o) => a + (o.weight ?? 1), 0);
  const m = obs.reduce((a, o) => a + (o.weight ?? 1) * o.value, 0) / totalWeight;
  const byDay = new Map<string, number>();
  for (const o of obs) byDay.set(o.day, (byDay.get(o.day) ?? 0) + (o.weight ?? 1) * (o.value - m));
  const g = byDay.size;
  let sum = 0;
  for (const r of byDay.values()) sum += r * r;
  const varianceOfMean = g > 1 ? ((g / (g - 1)) * sum) / (totalWeight * totalWeight) : Number.NaN;
  return { n, mean: m, varianceOfMean, clusters: g };
}

export interface Interval {
  /** mean(a) − mean(b). */
  difference: number;
  standardError: number;
  /** Welch–Satterthwaite degrees of freedom (clusters − 1 per group). */
  df: number;
  ci95: [number, number];
}

/** Welch's 95 % interval for mean(a) − mean(b) from two group estimates; null without two days in each. */
export function welchInterval(a: GroupEstimate, b: GroupEstimate): Interval | null {
  if (a.clusters < 2 || b.clusters < 2) return null;
  const va = a.varianceOfMean;
  const vb = b.varianceOfMean;
  const se = Math.sqrt(va + vb);
  const difference = a.mean - b.mean;
  if (se === 0)
    return { difference, standardError: 0, df: Number.POSITIVE_INFINITY, ci95: [difference, difference] };
  const df = (va + vb) ** 2 / (va ** 2 / (a.clusters - 1) + vb ** 2 / (b.clusters - 1));
  const t = studentTQuantile(0.975, df);
  return { difference, standardError: se, df, ci95: [difference - t * se, difference + t * se] };
}

/** Welch's interval on plain samples (one observation a cluster): the textbook test. */
export function welchOnSamples(a: readonly number[], b: readonly number[]): Interval | null {
  if (a.length < 2 || b.length < 2) return null;
  const g = (xs: readonly number[]): GroupEstimate => ({
    n: xs.length,
    mean: mean([...xs]),
    varianceOfMean: sampleVariance([...xs]) / xs.length,
    clusters: xs.length,
  });
  return welchInterval(g(a), g(b));
}

// ------------------------------------------------------------------ Student's t (none in the library)

/** P(T ≤ t) for Student's t with `df` degrees of freedom, by the regularized incomplete beta. */
export function studentTCdf(t: number, df: number): number {
  if (!Number.isFinite(df)) return normalCdf(t);
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t, by bisection on the cdf (monotone; 100 halvings reach double precision). */
export function studentTQuantile(p: number, df: number): number {
  let lo = -1e3;
  let hi = 1e3;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function normalCdf(z: number): number {
  // Abramowitz–Stegun 7.1.26 through erf would lose digits; the t cdf at large df is close enough.
  return studentTCdf(z, 1e7);
}

/** The regularized incomplete beta I_x(a, b) (Numerical Recipes' continued fraction, Lentz's method). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - (front * betaFraction(1 - x, b, a)) / b;
  return (front * betaFraction(x, a, b)) / a;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}
