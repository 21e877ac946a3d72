// Braids and lessons (learning.md "Braid and lesson"): strands grouped by a key, compared with their
// alternatives by Welch's interval with day-clustered errors; a braid whose interval excludes zero
// becomes a lesson with a template sentence, its evidence and one proposed effect. Only strands no
// lesson steered (baseline, holdout, explore) are evidence, so a lesson never feeds on its own advice.
//
// A key is venue|orderType|symbol|hour|regime, each of the last three a value or `*`, at the levels of
// LEVELS. The index keeps, per key, the running sums a day-clustered estimate needs (count and sum per
// trading day), so a new strand updates the few keys it belongs to and a look re-evaluates only those.
import type { LessonEffect, LessonEvidence } from '../../../shared/domain/learning.ts';
import type { GroupEstimate } from './measures.ts';
import { type Interval, welchInterval } from './measures.ts';
import type { Strand } from './strand.ts';

export interface LessonCandidate {
  id: string;
  key: string;
  text: string;
  effect: LessonEffect;
  evidence: LessonEvidence;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number) => round1(x).toFixed(1);
const TYPE_WORD: Record<string, string> = { market: 'Market', limit: 'Limit', stop: 'Stop' };

/** The lesson id follows from its key: the same braid is the same lesson. */
export const lessonId = (kind: LessonEffect['kind'], key: string) => `${kind}:${key}`;

// ------------------------------------------------------------------------------------ key levels

/** Which of symbol, hour, regime a level names (the others are `*`), its specificity for the advisor
 *  (symbol > hour > regime) and its more general levels (a lesson there makes one here redundant). */
interface Level {
  symbol: boolean;
  hour: boolean;
  regime: boolean;
  rank: number;
  parents: number[];
}
const level = (symbol: boolean, hour: boolean, regime: boolean, parents: number[]): Level => ({
  symbol,
  hour,
  regime,
  rank: (symbol ? 4 : 0) + (hour ? 2 : 0) + (regime ? 1 : 0),
  parents,
});
/** General to specific: a look evaluates a key after its parents. */
export const LEVELS: readonly Level[] = [
  level(false, false, false, []), // *|*|*
  level(true, false, false, [0]), // S|*|*
  level(false, true, false, [0]), // *|h|*
  level(false, false, true, [0]), // *|*|r
  level(true, true, false, [1, 2, 0]), // S|h|*
  level(true, false, true, [1, 3, 0]), // S|*|r
];

/** The symbol|hour|regime part of a key at a level, for a strand or an order's context. */
function tail(l: Level, symbol: string, hour: number, regime: string): string {
  return `${l.symbol ? symbol : '*'}|${l.hour ? hour : '*'}|${l.regime ? regime : '*'}`;
}

/** The key's parts: venue|orderType|symbol|timeBucket|regime. */
export function keyParts(key: string): {
  venue: string;
  orderType: string;
  symbol: string;
  hour: string;
  regime: string;
} {
  const [venue = '*', orderType = '*', symbol = '*', hour = '*', regime = '*'] = key.split('|');
  return { venue, orderType, symbol, hour, regime };
}

/** Whether a key covers an order in this context, and how specifically (-1: it does not). */
export function keyRank(key: string, at: { symbol: string; hour: number; regime: string }): number {
  const k = keyParts(key);
  if (k.symbol !== '*' && k.symbol !== at.symbol) return -1;
  if (k.hour !== '*' && k.hour !== String(at.hour)) return -1;
  if (k.regime !== '*' && k.regime !== at.regime) return -1;
  return (k.symbol !== '*' ? 4 : 0) + (k.hour !== '*' ? 2 : 0) + (k.regime !== '*' ? 1 : 0);
}

// ------------------------------------------------------------------------------------ running sums

interface Day {
  c: number;
  s: number;
}

/** A group's running sums: the day-clustered estimate of measures.ts in O(1) per strand. With unit
 *  weights Σ_days (s_d − c_d m)² = Σ s_d² − 2m Σ c_d s_d + m² Σ c_d², each sum kept as strands come. */
class Sample {
  n = 0;
  sum = 0;
  /** Σ participation (size lessons: the factor is the ratio of the groups' means). */
  psum = 0;
  s2 = 0;
  cs = 0;
  c2 = 0;
  days = new Map<string, Day>();
  /** Symbols seen (kept for `*`-symbol keys: such a braid must span two). */
  symbols: Set<string> | null = null;
  /** Offsets of marketable limits (their lesson proposes the median). */
  offsets: number[] | null = null;

  add(x: number, day: string, participation = 0): void {
    this.addDay(day, 1, x);
    this.n++;
    this.sum += x;
    this.psum += participation;
  }

  private addDay(day: string, c: number, s: number): void {
    let d = this.days.get(day);
    if (d === undefined) {
      d = { c: 0, s: 0 };
      this.days.set(day, d);
    } else {
      this.s2 -= d.s * d.s;
      this.cs -= d.c * d.s;
      this.c2 -= d.c * d.c;
    }
    d.c += c;
    d.s += s;
    this.s2 += d.s * d.s;
    this.cs += d.c * d.s;
    this.c2 += d.c * d.c;
  }

  /** Another group's strands added to this one (alternatives of several venues, bands of sizes). */
  absorb(o: Sample): void {
    for (const [day, d] of o.days) this.addDay(day, d.c, d.s);
    this.n += o.n;
    this.sum += o.sum;
    this.psum += o.psum;
  }

  estimate(): GroupEstimate {
    const n = this.n;
    if (n === 0) return { n: 0, mean: Number.NaN, varianceOfMean: Number.NaN, clusters: 0 };
    const m = this.sum / n;
    const g = this.days.size;
    // Rounding can take an exact zero a hair below it.
    const sq = Math.max(0, this.s2 - 2 * m * this.cs + m * m * this.c2);
    return { n, mean: m, varianceOfMean: g > 1 ? ((g / (g - 1)) * sq) / (n * n) : Number.NaN, clusters: g };
  }
}

const union = (parts: readonly Sample[]): Sample => {
  if (parts.length === 1) return parts[0]!;
  const all = new Sample();
  for (const p of parts) all.absorb(p);
  return all;
};

/** 0.975 quantile of the normal: Student's t is above it for every df, so a difference within this
 *  many standard errors of zero has an interval that holds zero (no t quantile needed). */
const Z975 = 1.959;

/** Welch's interval of mean(a) − mean(b) when it lies above zero, else null (cheap test first). */
function above(a: GroupEstimate, b: GroupEstimate): Interval | null {
  if (a.clusters < 2 || b.clusters < 2) return null;
  const d = a.mean - b.mean;
  if (!(d > Z975 * Math.sqrt(a.varianceOfMean + b.varianceOfMean))) return null;
  const i = welchInterval(a, b);
  return i !== null && i.ci95[0] > 0 ? i : null;
}

function evidenceOf(braid: GroupEstimate, alt: GroupEstimate, interval: Interval): LessonEvidence {
  return {
    n: braid.n,
    altN: alt.n,
    meanBps: round1(braid.mean),
    altMeanBps: round1(alt.mean),
    ci95: [round1(interval.ci95[0]), round1(interval.ci95[1])],
  };
}

/** Where a key's braid sits, in words (nothing for the symbol: the key names it). */
function where(key: string): string {
  const k = keyParts(key);
  const words: string[] = [];
  if (k.symbol === '*') words.push(' across symbols');
  if (k.hour !== '*') words.push(` in the ${k.hour.padStart(2, '0')}:00 UTC hour`);
  if (k.regime !== '*') words.push(` in ${k.regime} volatility`);
  return words.join('');
}

/** log2 band of a participation (order quantity / the last bar's volume): 0.3 is band −2 ([¼, ½)). */
export const bandOf = (participation: number): number => Math.floor(Math.log2(participation));

/** A key is looked at on each of its first 50 strands, then on every ⌈n / 50⌉-th (n its strands): a
 *  lesson shows at most 2 % of its evidence later, and the looks no longer grow with every strand of a
 *  long run (a look per key per strand was most of what the index cost). */
const EAGER_LOOKS = 50;
const due = (n: number) => n <= EAGER_LOOKS || n % Math.ceil(n / EAGER_LOOKS) === 0;

// ------------------------------------------------------------------------------------ the index

/** A strand's keys as add found them, per level: the tail, its own cell, its type's venues there. */
interface Touched {
  strand: Strand;
  tails: string[];
  cells: Sample[];
  groups: Array<Map<string, Sample>>;
}

/** Whether a lesson id is known (any state) to the book. */
export type Known = (id: string) => boolean;

export class BraidIndex {
  private readonly minEvidence: number;
  /** venue|type|tail → entries' slippage. */
  private readonly cells = new Map<string, Sample>();
  /** type|tail → the venues seen there and their cells (the same as in `cells`): a look reads them
   *  without building a key per venue. */
  private readonly venuesAt = new Map<string, Map<string, Sample>>();
  /** venue|type|tail → the participation bands seen there and their cells. */
  private readonly bandsAt = new Map<string, Map<number, Sample>>();
  /** What the last add found, for the look that follows it. */
  private touched: Touched | null = null;

  constructor(minEvidence: number) {
    this.minEvidence = minEvidence;
  }

  /** Whether a strand is evidence: a measured entry no lesson steered. */
  static isEvidence(s: Strand): boolean {
    return s.role === 'entry' && s.slippageBps !== null && s.arm !== 'advised';
  }

  private cell(key: string, wide: boolean): Sample {
    let c = this.cells.get(key);
    if (c === undefined) {
      c = new Sample();
      if (wide) c.symbols = new Set();
      this.cells.set(key, c);
    }
    return c;
  }

  /** A strand's sums go into every key it belongs to. */
  add(s: Strand): void {
    if (!BraidIndex.isEvidence(s)) return;
    const x = s.slippageBps!;
    const p = s.participation ?? null;
    const through = isThroughLimit(s);
    const touched: Touched = { strand: s, tails: [], cells: [], groups: [] };
    for (const l of LEVELS) {
      const t = tail(l, s.symbol, s.timeBucket, s.regime);
      const wide = !l.symbol;
      const key = `${s.venue}|${s.orderType}|${t}`;
      const c = this.cell(key, wide);
      c.add(x, s.day);
      c.symbols?.add(s.symbol);
      const group = `${s.orderType}|${t}`;
      let vs = this.venuesAt.get(group);
      if (vs === undefined) {
        vs = new Map();
        this.venuesAt.set(group, vs);
      }
      if (!vs.has(s.venue)) vs.set(s.venue, c);
      touched.tails.push(t);
      touched.cells.push(c);
      touched.groups.push(vs);
      if (through) {
        const lc = this.cell(`${s.venue}|limit+|${t}`, wide);
        lc.add(x, s.day);
        lc.symbols?.add(s.symbol);
        lc.offsets ??= [];
        lc.offsets.push(s.limitOffsetBps!);
      }
      if (p !== null && p > 0) {
        const band = bandOf(p);
        let bs = this.bandsAt.get(key);
        if (bs === undefined) {
          bs = new Map();
          this.bandsAt.set(key, bs);
        }
        let bc = bs.get(band);
        if (bc === undefined) {
          bc = this.cell(`${key}#${band}`, wide);
          bs.set(band, bc);
        }
        bc.add(x, s.day, p);
        bc.symbols?.add(s.symbol);
      }
    }
    this.touched = touched;
  }

  /** The lessons the keys of this strand support now, general keys first; none already known, none
   *  redundant: a key whose parent key (same venue and type) holds the same kind of lesson, in any
   *  state, proposes nothing (a dismissed parent is not bypassed by a child). */
  look(s: Strand, known: Known): LessonCandidate[] {
    if (!BraidIndex.isEvidence(s)) return [];
    const out: LessonCandidate[] = [];
    const proposed = new Set<string>();
    const has = (id: string) => proposed.has(id) || known(id);
    // The strand just added (the book adds, then looks): its keys' tails and cells as add found them.
    const mine = this.touched?.strand === s ? this.touched : null;
    const tails = mine?.tails ?? LEVELS.map((l) => tail(l, s.symbol, s.timeBucket, s.regime));
    const redundant = (kind: LessonEffect['kind'], prefix: string, li: number) =>
      LEVELS[li]!.parents.some((p) => has(lessonId(kind, `${prefix}|${tails[p]}`)));
    const take = (c: LessonCandidate | null) => {
      if (c === null) return;
      out.push(c);
      proposed.add(c.id);
    };
    LEVELS.forEach((l, li) => {
      const t = tails[li]!;
      // Counted by the strand's own braid at this key (its venue and order type).
      if (!due(mine?.cells[li]?.n ?? this.cells.get(`${s.venue}|${s.orderType}|${t}`)?.n ?? 0)) return;
      // A venue's lesson here that is known or redundant is not worth its sentence (nor, where it
      // changes nothing, its t quantile).
      const wanted = (venue: string) =>
        !has(lessonId('prefer_venue', `${venue}|${s.orderType}|${t}`)) &&
        !redundant('prefer_venue', `${venue}|${s.orderType}`, li);
      take(this.venueLesson(s.orderType, t, l, has, wanted, mine?.groups[li]));
      if (s.orderType === 'market' || isThroughLimit(s)) {
        const limit = this.limitLesson(s.venue, t, l);
        if (limit !== null && !has(limit.id) && !redundant('marketable_limit', `${s.venue}|market`, li))
          take(limit);
      }
      if (s.participation != null && s.participation > 0) {
        const prefix = `${s.venue}|${s.orderType}`;
        const id = lessonId('scale_size', `${prefix}|${t}`);
        if (!has(id) && !redundant('scale_size', prefix, li))
          take(this.sizeLesson(s.venue, s.orderType, t, l));
      }
    });
    return out;
  }

  /** Every key's lessons, as looks over each key would find them (deriveLessons). */
  lookAll(known: Known): LessonCandidate[] {
    const out: LessonCandidate[] = [];
    const proposed = new Set<string>();
    const has = (id: string) => proposed.has(id) || known(id);
    const parentTails = (t: string, li: number) => {
      const [sym = '*', hour = '*', regime = '*'] = t.split('|');
      return LEVELS[li]!.parents.map((p) => {
        const pl = LEVELS[p]!;
        return `${pl.symbol ? sym : '*'}|${pl.hour ? hour : '*'}|${pl.regime ? regime : '*'}`;
      });
    };
    const levelOf = (t: string) => {
      const [sym, hour, regime] = t.split('|');
      return LEVELS.findIndex(
        (l) => l.symbol === (sym !== '*') && l.hour === (hour !== '*') && l.regime === (regime !== '*'),
      );
    };
    const take = (c: LessonCandidate | null, prefix: string, t: string, li: number) => {
      if (c === null || has(c.id)) return;
      if (parentTails(t, li).some((pt) => has(lessonId(c.effect.kind, `${prefix}|${pt}`)))) return;
      out.push(c);
      proposed.add(c.id);
    };
    const groups = [...this.venuesAt.keys()].sort();
    for (let li = 0; li < LEVELS.length; li++) {
      for (const g of groups) {
        const [type = '', ...rest] = g.split('|');
        const t = rest.join('|');
        if (levelOf(t) !== li) continue;
        const v = this.venueLesson(type, t, LEVELS[li]!, has);
        if (v !== null) take(v, `${keyParts(v.key).venue}|${type}`, t, li);
        if (type !== 'market') continue;
        for (const venue of [...this.venuesAt.get(g)!.keys()].sort())
          take(this.limitLesson(venue, t, LEVELS[li]!), `${venue}|market`, t, li);
      }
      for (const b of [...this.bandsAt.keys()].sort()) {
        const [venue = '', type = '', ...rest] = b.split('|');
        const t = rest.join('|');
        if (levelOf(t) === li) take(this.sizeLesson(venue, type, t, LEVELS[li]!), `${venue}|${type}`, t, li);
      }
    }
    return out;
  }

  /** Enough strands, and two symbols under a `*` symbol. */
  private enough(c: Sample | undefined, l: Level): c is Sample {
    return c !== undefined && c.n >= this.minEvidence && (l.symbol || (c.symbols?.size ?? 0) >= 2);
  }

  /** Venue: within one order type at this key, the cheapest venue against the others together; null
   *  too when that venue's lesson is not `wanted` (the caller would drop it). */
  private venueLesson(
    type: string,
    t: string,
    l: Level,
    known: Known,
    wanted: (venue: string) => boolean = () => true,
    group?: ReadonlyMap<string, Sample>,
  ): LessonCandidate | null {
    const byVenue = group ?? this.venuesAt.get(`${type}|${t}`);
    if (byVenue === undefined || byVenue.size < 2) return null;
    const venues = [...byVenue.keys()].sort();
    const cells = venues.map((v) => byVenue.get(v)!);
    // Largest gap first; ties keep the venues' order. Only the best venue's lesson is a candidate.
    const tries: Array<{ i: number; d: number; b: GroupEstimate; a: GroupEstimate; alts: string[] }> = [];
    venues.forEach((_, i) => {
      const braid = cells[i]!;
      if (!this.enough(braid, l)) return;
      const alt = union(cells.filter((_, j) => j !== i));
      if (alt.n < this.minEvidence) return;
      const b = braid.estimate();
      const a = alt.estimate();
      tries.push({ i, d: a.mean - b.mean, a, b, alts: venues.filter((_, j) => j !== i) });
    });
    tries.sort((x, y) => y.d - x.d);
    // Whether a try can have an interval above zero at all (above()'s cheap test).
    const mayQualify = (x: (typeof tries)[0]) =>
      x.a.clusters >= 2 &&
      x.b.clusters >= 2 &&
      x.d > Z975 * Math.sqrt(x.a.varianceOfMean + x.b.varianceOfMean);
    for (let k = 0; k < tries.length; k++) {
      const x = tries[k]!;
      const venue = venues[x.i]!;
      const key = `${venue}|${type}|${t}`;
      // The widest gap is a lesson already (most looks, once one is made): nothing new here, and no
      // t quantile to compute (a difference past 1.96 standard errors is taken as the best).
      if (
        known(lessonId('prefer_venue', key)) &&
        x.d > Z975 * Math.sqrt(x.a.varianceOfMean + x.b.varianceOfMean)
      )
        return null;
      if (!mayQualify(x)) continue;
      // Not wanted: if it qualifies the answer is null, if not the next try's; with no later try that
      // may qualify, null either way, without the t quantile.
      const want = wanted(venue);
      if (!want && !tries.slice(k + 1).some(mayQualify)) return null;
      const interval = above(x.a, x.b);
      if (interval === null) continue;
      if (!want) return null;
      const evidence = evidenceOf(x.b, x.a, interval);
      const [lo, hi] = evidence.ci95;
      return {
        id: lessonId('prefer_venue', key),
        key,
        text: `${TYPE_WORD[type]} entries${where(key)} on ${x.alts.join(', ')} slipped ${fmt(interval.difference)} bps more than on ${venue} (n = ${evidence.altN} and ${evidence.n}, 95 % CI ${fmt(lo)} to ${fmt(hi)})`,
        effect: { kind: 'prefer_venue', venue, over: x.alts },
        evidence,
      };
    }
    return null;
  }

  /** Order type: on a venue, marketable limits (through the price, filled) against market orders. */
  private limitLesson(venue: string, t: string, l: Level): LessonCandidate | null {
    const market = this.cells.get(`${venue}|market|${t}`);
    const limits = this.cells.get(`${venue}|limit+|${t}`);
    if (!this.enough(market, l) || !this.enough(limits, l)) return null;
    const m = market.estimate();
    const b = limits.estimate();
    const interval = above(m, b);
    if (interval === null) return null;
    const offsets = [...limits.offsets!].sort((x, y) => x - y);
    const offsetBps = round1(offsets[Math.floor(offsets.length / 2)]!);
    const key = `${venue}|market|${t}`;
    const evidence = evidenceOf(b, m, interval);
    const [lo, hi] = evidence.ci95;
    return {
      id: lessonId('marketable_limit', key),
      key,
      text: `Market entries${where(key)} on ${venue} slipped ${fmt(interval.difference)} bps more than marketable limits ${fmt(offsetBps)} bps through the price (n = ${evidence.altN} and ${evidence.n}, 95 % CI ${fmt(lo)} to ${fmt(hi)})`,
      effect: { kind: 'marketable_limit', offsetBps },
      evidence,
    };
  }

  /** Size: entries at or above a participation band against those below it; where the larger ones
   *  slipped more (interval above zero), scale them down by the ratio of the groups' mean participation.
   *  Of the splits that qualify, the largest gap. */
  private sizeLesson(venue: string, type: string, t: string, l: Level): LessonCandidate | null {
    const prefix = `${venue}|${type}|${t}`;
    const byBand = this.bandsAt.get(prefix);
    if (byBand === undefined || byBand.size < 2) return null;
    const bands = [...byBand.keys()].sort((a, b) => a - b);
    const cells = bands.map((b) => byBand.get(b)!);
    let best: { j: number; interval: Interval; hi: Sample; lo: Sample } | null = null;
    const n = cells.reduce((a, c) => a + c.n, 0);
    const sum = cells.reduce((a, c) => a + c.sum, 0);
    let loN = 0;
    let loSum = 0;
    for (let j = 1; j < bands.length; j++) {
      loN += cells[j - 1]!.n;
      loSum += cells[j - 1]!.sum;
      // Counts and means first (O(bands)): the days are merged only for a split that could qualify.
      if (loN < this.minEvidence || n - loN < this.minEvidence || !((sum - loSum) / (n - loN) > loSum / loN))
        continue;
      const hi = union(cells.slice(j));
      const lo = union(cells.slice(0, j));
      if (!this.enough(hi, l) || !this.enough(lo, l)) continue;
      const interval = above(hi.estimate(), lo.estimate());
      if (interval === null || (best !== null && interval.difference <= best.interval.difference)) continue;
      best = { j, interval, hi, lo };
    }
    if (best === null) return null;
    const factor = round2(best.lo.psum / best.lo.n / (best.hi.psum / best.hi.n));
    if (!(factor > 0 && factor < 1)) return null;
    const minParticipation = 2 ** bands[best.j]!;
    const key = prefix;
    const evidence = evidenceOf(best.hi.estimate(), best.lo.estimate(), best.interval);
    const [lo, hi] = evidence.ci95;
    const pct = `${round1(minParticipation * 100)} %`;
    return {
      id: lessonId('scale_size', key),
      key,
      text: `${TYPE_WORD[type]} entries${where(key)} on ${venue} of ${pct} of the bar's volume or more slipped ${fmt(best.interval.difference)} bps more than smaller ones (n = ${evidence.n} and ${evidence.altN}, 95 % CI ${fmt(lo)} to ${fmt(hi)})`,
      effect: { kind: 'scale_size', factor, minParticipation },
      evidence,
    };
  }
}

/** A limit through the price that filled whole: the marketable limit an order-type lesson proposes. */
function isThroughLimit(s: Strand): boolean {
  return s.orderType === 'limit' && s.limitOffsetBps !== null && s.limitOffsetBps >= 0 && s.fillRatio === 1;
}

/** The lessons the evidence supports now, in a stable order (general keys first). */
export function deriveLessons(
  strands: readonly Strand[],
  minEvidence: number,
  known: Known = () => false,
): LessonCandidate[] {
  const index = new BraidIndex(minEvidence);
  for (const s of strands) index.add(s);
  return index.lookAll(known);
}
