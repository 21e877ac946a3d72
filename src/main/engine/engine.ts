// The execution engine's facade: plans in, orders out, fills back, positions and P&L kept, every change
// journaled. Commands go to the part that does the job (plan lifecycle, risk gate, order router and
// commands, brackets, portfolio); venue reports go to the venue reports, then to the booking; what
// happens comes out as events. The engine is the only writer of trading state; venues report, the engine
// applies. Time is always passed in.
import type { BraidConfig } from '../../shared/domain/config.ts';
import { str } from '../../shared/domain/decimal.ts';
import type { BrokerDayTrades, EngineEvent, EngineSnapshot } from '../../shared/domain/engine-view.ts';
import type { Bar } from '../../shared/domain/instrument.ts';
import type { LessonState, LessonView, Strand } from '../../shared/domain/learning.ts';
import type { PlanPreview } from '../../shared/domain/plan.ts';
import type { TradeRecord, TradingState } from '../../shared/domain/portfolio.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { assemble } from './assembly.ts';
import { type EngineNote, readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import {
  keepTrade,
  pageOf,
  type TradeFilter,
  type TradePage,
  type TradeQuery,
} from './history/trade-query.ts';
import type { Journal } from './journal/journal.ts';
import { type LearningReport, learningReportOf } from './learning/report.ts';
import { MarketData } from './market.ts';
import { OrderCommands } from './orders/order-commands.ts';
import type { VenueNotReady } from './orders/order-router.ts';
import { isWorking } from './orders/order-state.ts';
import { Recovery } from './orders/recovery.ts';
import type { ExternalOrder, VenueReports } from './orders/venue-reports.ts';
import type { EngineParts } from './parts.ts';
import type { SubmitOptions } from './plans/lifecycle.ts';
import { previewPlan } from './plans/preview.ts';
import type { Disposer, EnginePort, Quote } from './port.ts';
import { TradeTally } from './portfolio/trade-tally.ts';
import { WINDOW_BUSINESS_DAYS } from './risk/day-trades.ts';
import type { CheckpointedVenue, Venue } from './venues/venue.ts';

/** Business days of day trades a hosted engine keeps: the counted window twice over, for the PDT view. */
const DAY_TRADE_DAYS_KEPT = 2 * WINDOW_BUSINESS_DAYS;

export type { Checkpoint, EngineNote, LiveState } from './checkpoint.ts';
export { CheckpointRefused } from './checkpoint.ts';
export type { VenueNotReady } from './orders/order-router.ts';
export type { ExternalOrder } from './orders/venue-reports.ts';
export type { SubmitOptions } from './plans/lifecycle.ts';

export interface EngineOptions {
  config: BraidConfig;
  journal?: Journal | null;
  /** Symbols with market data (replay: every symbol in the prices file). */
  symbols?: Iterable<string>;
  /** The paper venue (always present, checkpointed with the engine); the config's by default. */
  venue?: CheckpointedVenue;
  /** Live venues (the execution bridges around adapters): orders reach them only in LIVE routing. */
  venues?: Venue[];
  /** Called after an order intent is durable and before the venue sees it (crash tests use this seam). */
  onIntentCommitted?: (clientOrderId: string) => void;
}

export class Engine implements EnginePort {
  readonly config: BraidConfig;
  private readonly journal: Journal | null;
  private readonly p: EngineParts;
  private readonly reports: VenueReports;
  private readonly orders: OrderCommands;
  private readonly market: MarketData;
  private readonly recovery: Recovery;
  private readonly memorySettings = new Map<string, string>();
  private readonly disposeVenues: Disposer[] = [];
  private closed = false;
  private notes: EngineNote[] = [];

  constructor(options: EngineOptions) {
    this.config = options.config;
    this.journal = options.journal ?? null;
    const a = assemble(options, this.journal);
    this.p = a.parts;
    this.reports = a.reports;
    this.orders = new OrderCommands(a.parts);
    this.market = new MarketData(a.parts);
    this.recovery = new Recovery(a.parts);
    for (const v of a.parts.router.venues()) {
      const name = v.name;
      this.disposeVenues.push(v.onEvent((e) => this.reports.onVenueEvent(name, e)));
    }
  }

  lotOf(symbol: string): string {
    return this.p.gate.lotOf(symbol);
  }

  subscribe(listener: (event: EngineEvent) => void): Disposer {
    return this.p.events.subscribe(listener);
  }

  get now(): number {
    return this.p.clock.time;
  }

  /** Time moves to `now`, and plans whose time has come expire, before any command. */
  private at(now: number): void {
    this.p.advance(now);
    this.p.lifecycle.expirePlans();
  }

  // ---------------------------------------------------------------- commands

  /** `approved`: the operator typed this plan (the ticket): it needs no second approval in manual mode. */
  submitPlan(raw: unknown, now: number, options: SubmitOptions = {}) {
    return this.p.lifecycle.submitPlan(raw, now, options);
  }
  approve(planId: string, now: number): Result<null> {
    return this.p.lifecycle.approve(planId, now);
  }
  reject(planId: string, reason: string | undefined, now: number): Result<null> {
    return this.p.lifecycle.reject(planId, reason, now);
  }
  cancelPlan(planId: string, now: number): Result<null> {
    return this.p.lifecycle.cancelPlan(planId, now);
  }
  cancelOrder(orderId: string, now: number): Result<null> {
    return this.orders.cancelOrder(orderId, now);
  }
  modifyOrder(orderId: string, change: { price?: string; quantity?: string }, now: number): Result<null> {
    return this.orders.modifyOrder(orderId, change, now);
  }
  closePosition(symbol: string, now: number, quantity?: string): Result<null> {
    return this.orders.closePosition(symbol, now, quantity);
  }
  kill(now: number): Result<null> {
    this.at(now);
    this.p.lifecycle.killAll('kill_switch', 'kill switch');
    return ok(null);
  }
  resume(now: number): Result<null> {
    this.at(now);
    this.p.gate.changeTradingState('ACTIVE', 'resumed by the operator');
    return ok(null);
  }
  // ---------------------------------------------------------------- learning

  /** The trader's switch on a lesson (learning.md): active, dismissed, or proposed again. */
  setLessonState(lessonId: string, state: LessonState, now: number): Result<null> {
    this.at(now);
    if (!this.p.learning) return err('learning_off', 'the learning loop is not configured (add "learning")');
    return this.p.learning.setLessonState(lessonId, state, this.p.clock.time);
  }
  /** A lesson's sentence in other words (the optional hook); never its effect. */
  setLessonText(lessonId: string, text: string, now: number): Result<null> {
    this.at(now);
    if (!this.p.learning) return err('learning_off', 'the learning loop is not configured (add "learning")');
    const done = this.p.learning.rewordLesson(lessonId, text);
    if (done.ok) this.p.views.emitLearning();
    return done;
  }
  lessons(): LessonView[] {
    return this.p.learning?.allLessons() ?? [];
  }
  /** Every finished execution's strand, in the order they ended (export). */
  strands(): Strand[] {
    return this.p.learning?.allStrands() ?? [];
  }
  /** The replay report's strands, lessons and learning blocks; null without a learning config. */
  learningReport(): LearningReport | null {
    return this.p.learning ? learningReportOf(this.p.learning) : null;
  }

  setTradingState(state: 'ACTIVE' | 'REDUCING', now: number): Result<null> {
    this.at(now);
    return this.p.gate.setByOperator(state);
  }
  /** Where new entries go: PAPER (null, every order to the paper venue) or LIVE with these live venues,
   *  connected and reconciled. Orders already working stay on their venue, managed there. */
  setRouting(live: string[] | null, now: number): Result<null> {
    this.p.advance(now);
    const r = this.p.router.setRouting(live);
    return r.ok ? ok(null) : r;
  }
  /** While a live venue reconciles (start, reconnect) or is disconnected, entries there are refused (or go
   *  to its fallback); exits go through. */
  /** A broker's own day-trade count (not journaled: it is read again at every start and reconnect). */
  setBrokerDayTrades(report: BrokerDayTrades | null): void {
    this.p.gate.setBrokerDayTrades(report);
    if (this.p.events.listening)
      this.p.events.emit({ type: 'dayTrades', dayTrades: this.p.gate.dayTradesView() });
  }
  setVenueReconciling(name: string, reconciling: boolean, now: number, why?: VenueNotReady): Result<null> {
    this.p.advance(now);
    return this.p.router.setReconciling(name, reconciling, why);
  }
  expireDue(now: number): boolean {
    return this.p.lifecycle.expireDue(now);
  }
  previewPlan(raw: unknown): PlanPreview {
    return previewPlan(this.p, raw);
  }

  // ---------------------------------------------------------------- market data

  onBar(bar: Bar): void {
    this.market.onBar(bar);
    this.p.learning?.onBar(bar);
  }
  onQuote(quote: Quote): void {
    this.market.onQuote(quote);
  }

  // ---------------------------------------------------------------- views

  snapshot(): EngineSnapshot {
    return this.p.views.snapshot();
  }
  /** Every day trade recorded (the view lists only those in the window). */
  allDayTrades() {
    return this.p.gate.pdt.dayTrades();
  }
  dayTradesView() {
    return this.p.gate.dayTradesView();
  }
  /** Every closed trade, oldest first (the export): the journal's when there is one. */
  trades(): TradeRecord[] {
    return this.journal ? this.journal.history.all() : [...this.p.store.trades];
  }
  /** The closed trades a filter keeps in exit order, ties as recorded, `limit` from `offset`. */
  tradesByExit(filter: TradeFilter, offset: number, limit: number): TradeRecord[] {
    if (this.journal) return this.journal.history.byExit(filter, offset, limit);
    const kept = this.p.store.trades.filter((t) => keepTrade(t, filter));
    return kept.sort((a, b) => a.exitTime - b.exitTime).slice(offset, offset + limit);
  }
  /** One page of the trade history, filtered and sorted by the journal (or over the trades held). */
  tradeHistory(query: TradeQuery): TradePage {
    return this.journal ? this.journal.history.page(query) : pageOf(this.p.store.trades, query);
  }
  /** From now on the store holds the live plans and the last `keepFinished` finished ones, and reads
   *  the others back from the journal by id (a hosted engine, which runs for months: store.ts). */
  /** A hosted engine runs for months: it holds its live plans and the last `keepFinished` finished ones
   *  (the rest are read back from the journal when asked for) and the day trades of the last
   *  DAY_TRADE_DAYS_KEPT business days (older ones never count again). */
  holdRecentPlans(keepFinished: number): void {
    if (!this.journal) return;
    this.p.store.page(this.journal.history, keepFinished);
    this.p.gate.keepDayTradesFor(DAY_TRADE_DAYS_KEPT);
  }
  startingEquity(): string {
    return str(this.p.portfolio.startEquity);
  }
  get state(): TradingState {
    return this.p.gate.tradingState;
  }
  get duplicates(): readonly string[] {
    return this.p.plans.duplicates;
  }
  /** Fills ignored because their venue trade id was booked already. */
  get duplicateFills(): number {
    return this.reports.duplicateFills;
  }
  /** Orders at live venues that Braid did not place (the last ones reported). */
  externalOrders(): readonly ExternalOrder[] {
    return this.reports.externalOrders();
  }
  /** The routing now: null for PAPER, else the live venues. */
  get liveRouting(): readonly string[] | null {
    return this.p.router.liveRouting;
  }

  /** Records a note for the operator (kept in the checkpoint, listed in the replay report). */
  note(code: string, message: string, now: number): void {
    this.p.advance(now);
    this.notes.push({ time: this.p.clock.time, code, message });
    this.p.events.notice('warning', code, message);
  }
  noteList(): readonly EngineNote[] {
    return this.notes;
  }

  get settings() {
    return {
      get: (key: string) => (this.journal ? this.journal.getSetting(key) : this.memorySettings.get(key)),
      set: (key: string, value: string) => {
        if (this.journal) this.journal.setSetting(key, value);
        else this.memorySettings.set(key, value);
      },
    };
  }

  // ---------------------------------------------------------------- checkpoints and recovery

  /** The checkpoint as it would be written now. */
  liveState(): unknown {
    return writeCheckpoint(this.p, this.notes);
  }

  /** Something the next checkpoint would commit: events the journal holds, or strands the learning
   *  book holds for its next record. */
  get hasPending(): boolean {
    return (this.journal?.hasPending ?? false) || (this.p.learning?.hasUnjournaled ?? false);
  }

  /** Commits buffered events and the live state. `cursor` is the replay's input position (0 in the app). */
  checkpoint(cursor: number, completed: boolean): void {
    // The learning loop's strands since the last commit go with this one (the state no longer holds them).
    this.p.learning?.journalStrands();
    if (!this.journal) return;
    this.journal.checkpoint(JSON.stringify(this.liveState()), cursor, completed);
    // What the journal now holds the store may let go of (a store that pages: store.ts).
    this.p.store.evict((o) => isWorking(o.status));
  }

  /** Rebuilds the engine from the journal: the checkpoint is read and checked whole first, then the
   *  history records up to it, then each part's live state. */
  restore(checkpointSeq: number, live: unknown): void {
    if (!this.journal) throw new Error('restore needs a journal');
    const checkpoint = readCheckpoint(live, this.p);
    if (checkpoint.history && this.p.store.paging) {
      // The plans it held, read back by id, and the learning loop's records: never the whole log.
      const { tradeTally, heldPlans } = checkpoint.history;
      this.p.store.restoreHeld(TradeTally.restore(tradeTally), heldPlans);
      if (this.p.learning)
        for (const e of this.journal.learningUpTo(checkpointSeq))
          this.p.learning.applyHistory(JSON.parse(e.body) as { type: string });
    } else {
      for (const e of this.journal.eventsUpTo(checkpointSeq)) {
        const record = JSON.parse(e.body) as { type: string };
        if (e.kind === 'strand' || e.kind === 'lesson') this.p.learning?.applyHistory(record);
        else this.p.store.applyHistory(record as EngineEvent);
      }
    }
    this.notes = checkpoint.restore();
  }

  /** Order intents journaled after the last checkpoint (a crash cut them short): see orders/recovery.ts. */
  recoverInterrupted(intents: ReadonlyArray<{ clientOrderId: string; body: string }>): void {
    this.recovery.recoverInterrupted(intents);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const dispose of this.disposeVenues) dispose();
    if (this.journal) {
      this.checkpoint(0, false);
      this.journal.close();
    }
  }
}
