// The learning loop's book: strands of finished executions, the lessons they support and the trader's
// states, and the advice an arriving plan gets (learning.md). Strands and lessons are journal records
// (kinds `strand` and `lesson`), rebuilt from the journal on restart like the store; what is still
// pending (decision and arrival prices, each plan's arm, markouts waiting for bars) travels in the
// checkpoint with the order router's part.
import { hash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_TICK, type LearningConfig } from '../../../shared/domain/config.ts';
import { dec, str } from '../../../shared/domain/decimal.ts';
import type { Bar } from '../../../shared/domain/instrument.ts';
import type { LearningEvaluation, LessonState, LessonView } from '../../../shared/domain/learning.ts';
import type { FillRecord, OrderAdvice, OrderRecord } from '../../../shared/domain/order.ts';
import type { PlanInput } from '../../../shared/domain/plan.ts';
import { err, ok, type Result } from '../../../shared/result.ts';
import type { CuratorWeightMove } from '../curators/weights.ts';
import { BraidIndex, keyParts, keyRank } from './lessons.ts';
import { MarketTape, type Regime } from './market-tape.ts';
import {
  arrivalSlippageBps,
  estimate,
  fillRatio,
  implementationShortfallBps,
  markoutBps,
  welchInterval,
} from './measures.ts';
import {
  type Arm,
  type LessonApplied,
  readStrandRecord,
  STRAND_TAGS,
  type Strand,
  type StrandMarkouts,
  strandsRecord,
} from './strand.ts';

/** How an arriving plan was advised: its arm, the probability of its venue, the lessons applied. */
export interface Assignment {
  arm: Arm;
  propensity: number;
  venue: string;
  lessons: LessonApplied[];
}

export interface LearningState {
  decision: Record<string, string>;
  arrival: Record<string, { price: string; time: number; regime?: Regime; participation?: number }>;
  assignments: Record<string, Assignment>;
  /** Strands waiting for their 1- and 5-bar markouts: bars of their symbol seen since they ended. */
  markouts: Record<string, number>;
  /** Each symbol's last bars' (high − low) / close, in bps (the volatility regime). */
  ranges?: Record<string, readonly number[]>;
  /** Orders that ended, their strand still to write: a fill is booked after its order's status moves,
   *  so the strand is written at the next step (a bar, a plan, a view). */
  ended?: string[];
  /** 1-bar markouts taken, their strand not written again until the 5-bar one: kept here so a restart
   *  between the two does not lose them. */
  markout1?: Record<string, number>;
}

/** What the book keeps of the checkpoint's state as it is; the markouts and the ranges live in their own
 *  structures (waiting, the tape) and are written out with it. */
type Pending = Omit<LearningState, 'markouts' | 'markout1' | 'ranges'>;

/** A strand waiting for markouts: bars of its symbol seen since its order ended, the 1-bar markout. */
interface Waiting {
  seen: number;
  markout1: number | null;
}

export const learningStateSchema = z.strictObject({
  decision: z.record(z.string(), z.string()),
  arrival: z.record(
    z.string(),
    z.strictObject({
      price: z.string(),
      time: z.number(),
      regime: z.enum(['low', 'normal', 'high']).optional(),
      participation: z.number().optional(),
    }),
  ),
  assignments: z.record(
    z.string(),
    z.strictObject({
      arm: z.enum(['holdout', 'explore', 'advised', 'baseline']),
      propensity: z.number(),
      venue: z.string(),
      lessons: z.array(
        z.strictObject({
          id: z.string(),
          effect: z.enum(['prefer_venue', 'marketable_limit', 'scale_size']),
          before: z.string(),
          after: z.string(),
        }),
      ),
    }),
  ),
  markouts: z.record(z.string(), z.number().int().nonnegative()),
  ended: z.array(z.string()).optional(),
  ranges: z.record(z.string(), z.array(z.number())).optional(),
  markout1: z.record(z.string(), z.number()).optional(),
});

export { type Regime, regimeOf } from './market-tape.ts';

// Parts most strands have alike, one frozen object each for all of them: a strand is never changed
// (a markout makes a new one), and 30,000 strands kept for a run's report were 90,000 more objects.
const PAPER_FILLED = Object.freeze({ ack: 0, firstFill: 0, lastFill: 0 });
const PAPER_UNFILLED = Object.freeze({ ack: 0, firstFill: null, lastFill: null });
const NO_LESSONS = Object.freeze([]) as unknown as string[];
const SHARED_TAGS = Object.freeze([...STRAND_TAGS]) as unknown as string[];

/** The UTC hour of an epoch-ms time (the strand's time bucket, a lesson key's hour). */
const hourOf = (time: number): number => ((Math.floor(time / 3_600_000) % 24) + 24) % 24;

let lastDay = Number.NaN;
let lastDayText = '';
/** The UTC day of an epoch-ms time, YYYY-MM-DD: strands of one day come together, so it is remembered. */
function dayOf(time: number): string {
  const d = Math.floor(time / 86_400_000);
  if (d !== lastDay) {
    lastDay = d;
    lastDayText = new Date(d * 86_400_000).toISOString().slice(0, 10);
  }
  return lastDayText;
}

/** What the book reads from the engine's records. */
export interface StrandSource {
  orders: ReadonlyMap<string, OrderRecord>;
  fills: readonly FillRecord[];
}

/** Where the book's records go. */
export interface RecordSink {
  /** To the journal (the engine's event sink): committed with the next checkpoint. */
  journal(kind: 'strand' | 'lesson', ref: string, body: unknown): void;
  /** A strand was written or took its markouts (the strand as it stands now), or a lesson changed:
   *  listeners follow. */
  changed(strand?: Strand): void;
}

/** What follows from the lessons outside the book: the curators' weights (curators/lesson-weights.ts). */
export interface LessonHooks {
  /** A lesson was made or changed state: the weight move it causes, if any (journaled with its record). */
  changed(lessons: readonly LessonView[], lesson: LessonView, time: number): CuratorWeightMove | null;
  /** A lesson record read back (restart) with the move journaled with it. */
  restored(move: CuratorWeightMove): void;
  /** A new lesson was made (not one read back): the trader's notice, the sentence hook. */
  newLesson?(lesson: LessonView): void;
}

/** Where an order goes, for matching lesson keys: its symbol, exchange hour (UTC) and regime now. */
export interface OrderContext {
  symbol: string;
  hour: number;
  regime: Regime;
}

/** A draw in [0, 1) that follows from the seed and the words alone: the same seed, the same arms, and
 *  nothing to checkpoint. */
export function draw(seed: number, ...words: string[]): number {
  // The one-shot hash: a Hash object per draw cost more than the draw.
  const hex = hash('sha256', `${seed}\u0000${words.join('\u0000')}`, 'hex');
  return Number.parseInt(hex.slice(0, 8), 16) / 2 ** 32;
}

export class LearningBook {
  readonly config: LearningConfig;
  private strands = new Map<string, Strand>();
  private lessons = new Map<string, LessonView>();
  private pending: Pending = { decision: {}, arrival: {}, assignments: {} };
  private readonly record: RecordSink;
  /** Each symbol's last close and volume, and its recent ranges (the regime). */
  private readonly tape = new MarketTape();
  private readonly source: StrandSource;
  private readonly index: BraidIndex;
  private readonly hooks: LessonHooks | null;
  /** Strands waiting for markouts, by symbol then order id (a bar looks at its own symbol's); null after
   *  a restore until first asked (`restoredMarkouts`: the checkpoint's, read onto the strands then). */
  private waiting: Map<string, Map<string, Waiting>> | null = new Map();
  private restoredMarkouts: Pick<LearningState, 'markouts' | 'markout1'> | null = null;
  /** Running n, slippage and fill-ratio sums per venue and order type (the venue curator's input). */
  private readonly sums = new Map<string, { n: number; slip: number; fill: number }>();
  /** Strands written and markouts taken since the last commit: journaled as one record with it. */
  private unjournaled: { strands: Strand[]; markouts: StrandMarkouts[] } = { strands: [], markouts: [] };

  constructor(config: LearningConfig, record: RecordSink, source: StrandSource, hooks?: LessonHooks) {
    this.config = config;
    this.record = record;
    this.source = source;
    this.index = new BraidIndex(config.minEvidence);
    this.hooks = hooks ?? null;
  }

  /** Where an order for this symbol goes now, for lesson keys: the regime read only when a lesson's key
   *  names one. */
  contextOf(symbol: string, now: number): OrderContext {
    const tape = this.tape;
    return {
      symbol,
      hour: hourOf(now),
      get regime() {
        return tape.regime(symbol);
      },
    };
  }

  /** The most specific active lesson that matches (symbol > hour > regime); the first made on a tie. */
  private bestLesson(at: OrderContext, fits: (l: LessonView) => boolean): LessonView | undefined {
    let best: LessonView | undefined;
    let rank = -1;
    for (const l of this.lessons.values()) {
      if (l.state !== 'active' || !fits(l)) continue;
      const r = keyRank(l.key, at);
      if (r > rank) {
        best = l;
        rank = r;
      }
    }
    return best;
  }

  /** Writes the strands of orders that ended since the last step. */
  flush(): void {
    const ended = this.pending.ended;
    if (!ended || ended.length === 0) return;
    delete this.pending.ended;
    for (const id of ended) {
      const order = this.source.orders.get(id);
      if (order) this.writeStrand(order, order.updatedAt);
    }
  }

  // ---------------------------------------------------------------- advice

  /** A plan without a venue arrived (learning on): holdout, exploration, a lesson's venue, or the
   *  baseline's turn; its arm and propensity are kept for its strands. */
  choose(input: PlanInput, candidates: readonly string[], turn: number, now: number): string {
    this.flush();
    const n = candidates.length;
    const h = this.config.holdoutPct;
    const e = this.config.explorePct;
    const u = draw(this.config.seed, 'arm', input.id);
    const uniform = () => candidates[Math.floor(draw(this.config.seed, 'venue', input.id) * n)]!;
    const baseline = candidates[turn % n]!;
    let a: Assignment;
    if (u < h) a = { arm: 'holdout', propensity: 1 / n, venue: uniform(), lessons: [] };
    else if (u < h + e) a = { arm: 'explore', propensity: 1 / n, venue: uniform(), lessons: [] };
    else {
      const lesson = this.bestLesson(
        this.contextOf(input.symbol, now),
        (l) =>
          l.effect.kind === 'prefer_venue' &&
          candidates.includes(l.effect.venue) &&
          this.coversType(l, input.entry.type),
      );
      if (lesson && lesson.effect.kind === 'prefer_venue') {
        const venue = lesson.effect.venue;
        a = {
          arm: 'advised',
          // Chosen on this arm for sure, and by the uniform arms one time in n.
          propensity: 1 - h - e + (h + e) / n,
          venue,
          lessons: [{ id: lesson.id, effect: 'prefer_venue', before: baseline, after: venue }],
        };
      } else a = { arm: 'baseline', propensity: 1 / n, venue: baseline, lessons: [] };
    }
    this.pending.assignments[input.id] = a;
    return a.venue;
  }

  /** The order's advice as its intent records it (OrderRecord.advice): absent on the baseline arm
   *  (no lesson covers the plan: it went as with learning off). */
  adviceFor(planId: string): OrderAdvice | undefined {
    const a = this.pending.assignments[planId];
    if (a === undefined || a.arm === 'baseline') return undefined;
    return { arm: a.arm, propensity: a.propensity, lessons: a.lessons.map((l) => ({ ...l })) };
  }

  /** The entry as the advice shapes it: on a venue with an active marketable-limit lesson a market entry
   *  goes as a limit that far through the last close; with an active size lesson an entry at or above
   *  its participation goes at its factor of the size, floored to the lot, never below one lot, never up.
   *  The risk gate checks what comes out. */
  shapeEntry(
    planId: string,
    order: Pick<OrderRecord, 'symbol' | 'side' | 'type' | 'venue' | 'quantity'>,
    instrument: { tick: string | undefined; lot: string },
    now: number,
  ): { type: OrderRecord['type']; price?: string; quantity: string; lessons: LessonApplied[] } {
    const a = this.pending.assignments[planId];
    const lessons = a?.lessons ?? [];
    const asIs = { type: order.type, quantity: order.quantity, lessons };
    if (a === undefined || a.arm === 'holdout' || a.arm === 'explore') return asIs;
    const at = this.contextOf(order.symbol, now);
    const applied: LessonApplied[] = [];
    let type = order.type;
    let price: string | undefined;
    let quantity = order.quantity;
    const close = this.tape.close(order.symbol);
    const limit =
      order.type === 'market' && close !== undefined
        ? this.bestLesson(
            at,
            (l) =>
              l.effect.kind === 'marketable_limit' &&
              keyParts(l.key).venue === order.venue &&
              this.coversType(l, 'market'),
          )
        : undefined;
    if (limit?.effect.kind === 'marketable_limit' && close !== undefined) {
      const t = dec(instrument.tick ?? DEFAULT_TICK);
      const raw = dec(close).times(1 + ((order.side === 'buy' ? 1 : -1) * limit.effect.offsetBps) / 10_000);
      // Through the price, to the tick: up for a buy, down for a sell.
      const steps = raw.div(t).round(0, order.side === 'buy' ? 3 : 0);
      type = 'limit';
      price = str(steps.times(t));
      applied.push({ id: limit.id, effect: 'marketable_limit', before: 'market', after: `limit ${price}` });
    }
    const participation = this.participationOf(order.symbol, order.quantity);
    const size =
      participation === undefined
        ? undefined
        : this.bestLesson(
            at,
            (l) =>
              l.effect.kind === 'scale_size' &&
              participation >= l.effect.minParticipation &&
              keyParts(l.key).venue === order.venue &&
              this.coversType(l, order.type),
          );
    if (size?.effect.kind === 'scale_size') {
      const lot = dec(instrument.lot);
      const before = dec(order.quantity);
      const floored = before.times(size.effect.factor).div(lot).round(0, 0).times(lot);
      const after = floored.lt(lot) ? lot : floored;
      if (after.lt(before)) {
        quantity = str(after);
        applied.push({ id: size.id, effect: 'scale_size', before: str(before), after: quantity });
      }
    }
    if (applied.length === 0) return asIs;
    const all = [...lessons, ...applied];
    a.lessons = all;
    if (a.arm === 'baseline') a.arm = 'advised';
    return { type, ...(price !== undefined ? { price } : {}), quantity, lessons: all };
  }

  /** Quantity / the symbol's last bar's volume, or undefined without a volume. */
  private participationOf(symbol: string, quantity: string): number | undefined {
    const v = this.tape.volume(symbol);
    if (v === undefined) return undefined;
    const volume = Number(v);
    if (!(volume > 0)) return undefined;
    return Number(quantity) / volume;
  }

  private coversType(l: LessonView, orderType: string): boolean {
    const k = keyParts(l.key).orderType;
    return k === '*' || k === orderType;
  }

  // ---------------------------------------------------------------- what happened

  planArrived(planId: string, lastClose: string | undefined): void {
    this.flush();
    if (lastClose !== undefined) this.pending.decision[planId] = lastClose;
  }

  /** A plan ended: its decision price and assignment go with it, unless its entry's strand is still to
   *  be written (that strand reads them, then drops them). Without this a plan refused or cancelled
   *  before its entry kept both for good, in every checkpoint. */
  planEnded(planId: string): void {
    if (this.pending.decision[planId] === undefined && this.pending.assignments[planId] === undefined) return;
    for (const id of Object.keys(this.pending.arrival)) {
      const o = this.source.orders.get(id);
      if (o?.planId === planId && o.role === 'entry') return;
    }
    delete this.pending.decision[planId];
    delete this.pending.assignments[planId];
  }

  /** Braid first sent the order: its arrival price is the last close now. */
  orderSent(order: OrderRecord, now: number): void {
    if (this.pending.arrival[order.id] !== undefined) return;
    const close = this.tape.close(order.symbol);
    if (close === undefined) return;
    const participation = this.participationOf(order.symbol, order.quantity);
    this.pending.arrival[order.id] = {
      price: close,
      time: now,
      regime: this.tape.regime(order.symbol),
      // Rounded: the checkpoint's JSON reads back the same number.
      ...(participation !== undefined ? { participation: Math.round(participation * 1e12) / 1e12 } : {}),
    };
  }

  onBar(bar: Bar): void {
    this.flush();
    const ids = this.watching().get(bar.symbol);
    if (ids !== undefined) {
      for (const [id, w] of ids) {
        const s = this.strands.get(id);
        if (!s) {
          ids.delete(id);
          continue;
        }
        w.seen++;
        // The 1-bar markout waits (in the checkpoint) for the 5-bar one: the strand is copied and
        // journaled once, with both.
        if (w.seen === 1) w.markout1 = markoutBps(s.side, s.avgFillPrice!, bar.close);
        if (w.seen < 5) continue;
        const markouts: StrandMarkouts = {
          orderId: id,
          markout1Bps: s.markout1Bps ?? w.markout1,
          markout5Bps: markoutBps(s.side, s.avgFillPrice!, bar.close),
        };
        const next: Strand = { ...s, markout1Bps: markouts.markout1Bps, markout5Bps: markouts.markout5Bps };
        ids.delete(id);
        this.strands.set(id, next);
        this.unjournaled.markouts.push(markouts);
        this.record.changed(next);
      }
    }
    this.tape.onBar(bar);
  }

  /** An order reached a terminal state: its strand is written at the next step. */
  orderEnded(order: OrderRecord): void {
    if (this.pending.arrival[order.id] === undefined) return;
    if (!this.pending.ended) this.pending.ended = [];
    this.pending.ended.push(order.id);
  }

  /** A finished order's strand, then the lessons the evidence now supports. */
  private writeStrand(order: OrderRecord, now: number): void {
    const fills = this.source.fills;
    const arrival = this.pending.arrival[order.id];
    delete this.pending.arrival[order.id];
    if (arrival === undefined || this.strands.has(order.id)) return;
    // An order's fills are recent: read back from the end until they add up to what the order filled.
    const want = dec(order.filledQuantity);
    let filled = dec(0);
    let fees = dec(0);
    let cost = dec(0);
    // One price for every fill (most orders fill once): that price is the average, no division.
    let price: string | null = null;
    let onePrice = true;
    for (let i = fills.length - 1; i >= 0 && filled.lt(want); i--) {
      const f = fills[i]!;
      if (f.orderId !== order.id) continue;
      filled = filled.plus(f.quantity);
      fees = fees.plus(f.fee);
      cost = cost.plus(dec(f.price).times(f.quantity));
      if (price === null) price = f.price;
      else if (price !== f.price) onePrice = false;
    }
    const avg = filled.gt(0) ? str(onePrice && price !== null ? dec(price) : cost.div(filled)) : null;
    const filledText = str(filled);
    const decision =
      (order.role === 'entry' ? this.pending.decision[order.planId] : undefined) ?? arrival.price;
    const a = order.role === 'entry' ? this.pending.assignments[order.planId] : undefined;
    const end = this.tape.close(order.symbol) ?? arrival.price;
    const strand: Strand = {
      orderId: order.id,
      planId: order.planId,
      symbol: order.symbol,
      venue: order.venue,
      orderType: order.type,
      side: order.side,
      role: order.role,
      status: order.status,
      timeBucket: hourOf(arrival.time),
      regime: arrival.regime ?? 'normal',
      day: dayOf(now),
      sentAt: arrival.time,
      endedAt: now,
      arrivalPrice: arrival.price,
      decisionPrice: decision,
      planned: order.quantity,
      filled: filledText,
      avgFillPrice: avg,
      fees: str(fees),
      notional: Number(filled.times(arrival.price)),
      // Paper answers inside the call; a live venue's times come with its reports (not measured yet).
      latencyMs: filled.gt(0) ? PAPER_FILLED : PAPER_UNFILLED,
      slippageBps: avg === null ? null : arrivalSlippageBps(order.side, avg, arrival.price),
      shortfallBps: implementationShortfallBps({
        side: order.side,
        decisionPrice: decision,
        planned: order.quantity,
        filled: filledText,
        avgFillPrice: avg,
        endPrice: end,
        fees: str(fees),
      }),
      fillRatio: fillRatio(filledText, order.quantity),
      markout1Bps: null,
      markout5Bps: null,
      participation: arrival.participation ?? null,
      limitOffsetBps:
        order.type === 'limit' && order.price !== undefined
          ? arrivalSlippageBps(order.side, order.price, arrival.price)
          : null,
      arm: a?.arm ?? 'baseline',
      propensity: a?.propensity ?? 1,
      lessonsApplied: a !== undefined && a.lessons.length > 0 ? a.lessons.map((l) => l.id) : NO_LESSONS,
      tags: SHARED_TAGS,
    };
    if (order.role === 'entry') {
      delete this.pending.assignments[order.planId];
      delete this.pending.decision[order.planId];
    }
    this.strands.set(order.id, strand);
    if (avg !== null) this.awaitMarkouts(strand, 0, null);
    this.count(strand);
    this.unjournaled.strands.push(strand);
    this.record.changed(strand);
    if (BraidIndex.isEvidence(strand)) {
      this.index.add(strand);
      this.learn(strand, now);
    }
  }

  private awaitMarkouts(s: Strand, seen: number, markout1: number | null): void {
    const waiting = this.watching();
    let ids = waiting.get(s.symbol);
    if (ids === undefined) {
      ids = new Map();
      waiting.set(s.symbol, ids);
    }
    ids.set(s.orderId, { seen, markout1 });
  }

  /** The strands waiting for markouts; after a restore, the checkpoint's read onto the strands first. */
  private watching(): Map<string, Map<string, Waiting>> {
    if (this.waiting !== null) return this.waiting;
    this.waiting = new Map();
    const r = this.restoredMarkouts;
    this.restoredMarkouts = null;
    for (const [id, seen] of Object.entries(r?.markouts ?? {})) {
      const strand = this.strands.get(id);
      if (strand) this.awaitMarkouts(strand, seen, r?.markout1?.[id] ?? null);
    }
    return this.waiting;
  }

  /** A new strand in its venue and order type's running sums. */
  private count(s: Strand): void {
    if (s.slippageBps === null) return;
    const k = `${s.venue}\u0000${s.orderType}`;
    let q = this.sums.get(k);
    if (q === undefined) {
      q = { n: 0, slip: 0, fill: 0 };
      this.sums.set(k, q);
    }
    q.n++;
    q.slip += s.slippageBps;
    q.fill += s.fillRatio;
  }

  /** The venue's measured quality for an order type (n, mean arrival slippage, mean fill ratio), as the
   *  Execution quality view's row has it, without a pass over the strands; null before any strand. */
  qualityOf(
    venue: string,
    orderType: string,
  ): { n: number; meanSlippageBps: number; fillRatio: number } | null {
    this.flush();
    const q = this.sums.get(`${venue}\u0000${orderType}`);
    return q === undefined ? null : { n: q.n, meanSlippageBps: q.slip / q.n, fillRatio: q.fill / q.n };
  }

  /** New lessons from the keys this strand touched; a known key (whatever its state) is never proposed
   *  again. */
  private learn(strand: Strand, now: number): void {
    for (const c of this.index.look(strand, (id) => this.lessons.has(id))) {
      const lesson: LessonView = {
        ...c,
        state: this.config.autoActivate ? 'active' : 'proposed',
        createdAt: now,
      };
      this.writeLesson(lesson, now);
      this.hooks?.newLesson?.(lesson);
    }
  }

  /** A lesson's sentence in other words (the optional hook, learning.md): the text alone changes; the
   *  template's sentence is kept beside it, and the key, effect and evidence cannot be touched here. */
  rewordLesson(id: string, text: string): Result<null> {
    this.flush();
    const lesson = this.lessons.get(id);
    if (!lesson) return err('unknown_lesson', `unknown lesson: ${id}`);
    const problem = sentenceProblem(text);
    if (problem) return err('bad_sentence', `lesson ${id}: ${problem}`);
    const wording = text.trim();
    if (lesson.text === wording) return ok(null);
    const next: LessonView = { ...lesson, text: wording, templateText: lesson.templateText ?? lesson.text };
    this.lessons.set(id, next);
    this.record.journal('lesson', id, { type: 'lesson', lesson: next });
    this.record.changed();
    return ok(null);
  }

  /** A lesson made or changed: kept, and journaled with the curator weight move it causes. */
  private writeLesson(lesson: LessonView, now: number): void {
    this.lessons.set(lesson.id, lesson);
    const move = this.hooks?.changed([...this.lessons.values()], lesson, now) ?? null;
    this.record.journal('lesson', lesson.id, {
      type: 'lesson',
      lesson,
      ...(move ? { curatorWeight: move } : {}),
    });
    this.record.changed();
  }

  /** The trader's switch: active, dismissed, or proposed again (reopened). */
  setLessonState(id: string, state: LessonState, now: number): Result<null> {
    this.flush();
    const lesson = this.lessons.get(id);
    if (!lesson) return err('unknown_lesson', `unknown lesson: ${id}`);
    if (lesson.state === state) return ok(null);
    this.writeLesson({ ...lesson, state }, now);
    return ok(null);
  }

  // ---------------------------------------------------------------- views

  allStrands(): Strand[] {
    this.flush();
    const taken = this.markoutState().markout1;
    const all = [...this.strands.values()];
    if (taken === undefined) return all;
    // 1-bar markouts wait for the 5-bar one: shown on their strands meanwhile.
    return all.map((s) => {
      const m = taken[s.orderId];
      return m !== undefined && s.markout1Bps === null ? { ...s, markout1Bps: m } : s;
    });
  }

  allLessons(): LessonView[] {
    this.flush();
    return [...this.lessons.values()].map((l) => ({ ...l }));
  }

  /** Advised against holdout: mean arrival slippage, notional-weighted, day-clustered 95 % intervals;
   *  guardrails are advised relative to holdout (fill ratio, 5-bar markout). */
  evaluation(): LearningEvaluation {
    this.flush();
    const entries = this.allStrands().filter((s) => s.role === 'entry' && s.slippageBps !== null);
    const arm = (name: Arm) => entries.filter((s) => s.arm === name);
    const est = (xs: Strand[]) =>
      estimate(
        xs.map((s) => ({ value: s.slippageBps!, weight: s.notional > 0 ? s.notional : 1, day: s.day })),
      );
    const figure = (xs: Strand[]) => {
      const g = est(xs);
      const se = Math.sqrt(g.varianceOfMean);
      return {
        n: g.n,
        meanSlippageBps: g.n > 0 ? g.mean : null,
        ci95:
          g.clusters > 1 && Number.isFinite(se)
            ? ([g.mean - 1.96 * se, g.mean + 1.96 * se] as [number, number])
            : null,
      };
    };
    const advised = arm('advised');
    const holdout = arm('holdout');
    const interval =
      advised.length > 0 && holdout.length > 0 ? welchInterval(est(holdout), est(advised)) : null;
    const ratio = (f: (s: Strand) => number | null) => {
      const m = (xs: Strand[]) => {
        const v = xs.map(f).filter((x): x is number => x !== null);
        return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
      };
      const a = m(advised);
      const h = m(holdout);
      return a === null || h === null || h === 0 ? null : a / h - 1;
    };
    const fa = figure(advised);
    const fh = figure(holdout);
    return {
      advised: fa,
      holdout: fh,
      improvementBps:
        fa.meanSlippageBps === null || fh.meanSlippageBps === null
          ? null
          : fh.meanSlippageBps - fa.meanSlippageBps,
      improvementCi95: interval?.ci95 ?? null,
      guardrails: { fillRatio: ratio((s) => s.fillRatio), markout5: ratio((s) => s.markout5Bps) },
    };
  }

  // ---------------------------------------------------------------- journal and checkpoint

  /** Strands or markouts wait for the next commit's record. */
  get hasUnjournaled(): boolean {
    return this.unjournaled.strands.length > 0 || this.unjournaled.markouts.length > 0;
  }

  /** The strands and markouts since the last commit, as one journal record: called as each checkpoint
   *  is taken, so they are committed with it (the checkpoint no longer holds what they replaced). */
  journalStrands(): void {
    const { strands, markouts } = this.unjournaled;
    if (strands.length === 0 && markouts.length === 0) return;
    this.unjournaled = { strands: [], markouts: [] };
    this.record.journal('strand', '', strandsRecord(strands, markouts));
  }

  /** A journal record read back (restart): the later record of an id replaces the earlier. */
  applyHistory(record: { type: string; lesson?: LessonView; curatorWeight?: CuratorWeightMove }): void {
    readStrandRecord(this.strands, record, (s) => {
      this.index.add(s);
      this.count(s);
    });
    if (record.type === 'lesson' && record.lesson) {
      this.lessons.set(record.lesson.id, record.lesson);
      if (record.curatorWeight) this.hooks?.restored(record.curatorWeight);
    }
  }

  state(): LearningState & { closes: Record<string, string>; volumes?: Record<string, string> } {
    // Copied as deep as anything here is changed in place (an assignment's arm and lessons, the ended
    // list); a decision price and an arrival are replaced, never changed. structuredClone cost more.
    const p = this.pending;
    const assignments: Record<string, Assignment> = {};
    for (const [id, a] of Object.entries(p.assignments)) assignments[id] = { ...a, lessons: [...a.lessons] };
    return {
      decision: { ...p.decision },
      arrival: { ...p.arrival },
      assignments,
      ...(p.ended ? { ended: [...p.ended] } : {}),
      ...this.markoutState(),
      ...this.tape.state(),
    };
  }

  /** The checkpoint's markouts: bars seen per waiting strand, and the 1-bar markouts taken. */
  private markoutState(): Pick<LearningState, 'markouts' | 'markout1'> {
    const markouts: Record<string, number> = {};
    const markout1: Record<string, number> = {};
    let taken = false;
    for (const ids of this.watching().values()) {
      for (const [id, w] of ids) {
        markouts[id] = w.seen;
        if (w.markout1 !== null) {
          markout1[id] = w.markout1;
          taken = true;
        }
      }
    }
    return { markouts, ...(taken ? { markout1 } : {}) };
  }

  restore(saved: unknown): void {
    const s = saved as LearningState & { closes?: Record<string, string>; volumes?: Record<string, string> };
    this.pending = structuredClone({
      decision: s.decision,
      arrival: s.arrival,
      assignments: s.assignments,
      ...(s.ended ? { ended: s.ended } : {}),
    });
    // Read onto the strands when first asked: they come back from the journal around this call.
    this.waiting = null;
    this.restoredMarkouts = structuredClone({
      markouts: s.markouts,
      ...(s.markout1 ? { markout1: s.markout1 } : {}),
    });
    this.tape.restore(s);
  }
}

/** Longest sentence a hook may give a lesson: it must fit the Lessons region and a notification. */
export const MAX_SENTENCE = 300;

/** Why a reworded sentence is refused, or null: one line of printable text, 1 to MAX_SENTENCE long. */
export function sentenceProblem(text: unknown): string | null {
  if (typeof text !== 'string') return 'the sentence is not text';
  const t = text.trim();
  if (t === '') return 'the sentence is empty';
  if (t.length > MAX_SENTENCE) return `the sentence is ${t.length} characters, at most ${MAX_SENTENCE}`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(t)) return 'the sentence holds a control character (one line only)';
  return null;
}
