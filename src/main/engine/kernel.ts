// Builds an engine for a long-running host (the desktop app, `braid serve`): config checked, journal opened
// and the state rebuilt from it, and a checkpoint after every command so an acknowledged command survives
// a crash. (`braid replay` drives Engine itself, checkpointing by input position: replay/runner.ts.)
import type { BrokerDayTrades, EngineEvent, EngineSnapshot } from '../../shared/domain/engine-view.ts';
import type { Bar } from '../../shared/domain/instrument.ts';
import type { LessonState, LessonView, Strand } from '../../shared/domain/learning.ts';
import type { TradeRecord } from '../../shared/domain/portfolio.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { parseConfig } from './config.ts';
import { Engine, type LiveState, type VenueNotReady } from './engine.ts';
import type { TradeFilter, TradePage, TradeQuery } from './history/trade-query.ts';
import { Journal, JournalLocked, JournalRefused } from './journal/journal.ts';
import type { PendingPageCheck } from './journal/page-check.ts';
import type { Disposer, EnginePort, Quote } from './port.ts';
import { FieldError } from './validation.ts';
import type { Venue } from './venues/venue.ts';

export interface CreateEngineOptions {
  /** Raw config JSON as in replay.md "Config" (validated here). */
  config?: unknown;
  /** Journal file; without it the state lives in memory only. */
  journalPath?: string;
  /** Symbols with market data before any bar arrives. */
  symbols?: string[];
  /** Start a new journal (`braid serve --new`): a file already at journalPath is moved aside to
   *  `<file>.replaced-<UTC time>`, never deleted. Without it, a file that is not a healthy journal is
   *  refused, and only a path where no file exists starts a new one. */
  fresh?: boolean;
  /** Where a line telling that an old journal was moved aside goes (standard error by default). */
  log?: (line: string) => void;
  /** Live venues beside paper (the execution bridges); their reports arrive outside commands. */
  venues?: Venue[];
  /** Finished plans held in memory (KEEP_FINISHED_PLANS unless told: tests tell fewer). */
  keepFinishedPlans?: number;
  /** The check of the journal's pages under way on another thread (journal/page-check.ts): the state is
   *  rebuilt meanwhile (reads only), and its verdict is waited for before the engine writes anything. */
  journalPagesCheck?: PendingPageCheck | null;
}

/** Bars without events still move marks: checkpoint them now and then, not on every bar. */
const BAR_CHECKPOINT_EVERY = 500;
/** Bars per symbol a newly connected chart gets; the journal keeps as many, so a restart shows them too. */
export const RECENT_BARS = 500;
/** Finished plans a hosted engine holds in memory (with their orders, fills and trades); older ones are
 *  read back from the journal when asked for. The Plans and Orders blotters show these. */
export const KEEP_FINISHED_PLANS = 500;

class HostedEngine implements EnginePort {
  private readonly engine: Engine;
  private readonly journal: Journal | null;
  private barsSinceCheckpoint = 0;
  private readonly recent = new Map<string, Bar[]>();
  /** Inside a command, a bar or a quote: what a venue reports then is made durable with it. */
  private depth = 0;
  private readonly disposeVenues: Disposer[] = [];

  constructor(engine: Engine, journal: Journal | null, venues: readonly Venue[]) {
    this.engine = engine;
    this.journal = journal;
    // Registered after the engine's own listener: the engine has applied the report when this runs. A
    // report from a live venue's own callbacks (outside any command) is committed at once.
    for (const v of venues) {
      this.disposeVenues.push(
        v.onEvent(() => {
          if (this.depth === 0) this.commit(null);
        }),
      );
    }
    if (journal) {
      journal.keepChartBars(RECENT_BARS);
      for (const row of journal.chartBars()) {
        const bar = chartBarOf(row.body);
        if (bar) this.recentOf(row.symbol).push(bar);
      }
    }
  }

  private recentOf(symbol: string): Bar[] {
    let list = this.recent.get(symbol);
    if (!list) {
      list = [];
      this.recent.set(symbol, list);
    }
    return list;
  }

  /** Makes what the engine did durable (before the caller is acknowledged). */
  private commit<T>(result: T): T {
    this.engine.checkpoint(0, false);
    this.barsSinceCheckpoint = 0;
    return result;
  }

  /** Runs a command; venue reports it causes are committed with it, once. */
  private command<T>(run: () => T): T {
    this.depth++;
    try {
      return this.commit(run());
    } finally {
      this.depth--;
    }
  }

  private inside<T>(run: () => T): T {
    this.depth++;
    try {
      return run();
    } finally {
      this.depth--;
    }
  }

  submitPlan(input: unknown, now: number, options?: { approved?: boolean }) {
    return this.command(() => this.engine.submitPlan(input, now, options));
  }
  approve(planId: string, now: number) {
    return this.command(() => this.engine.approve(planId, now));
  }
  reject(planId: string, reason: string | undefined, now: number) {
    return this.command(() => this.engine.reject(planId, reason, now));
  }
  cancelPlan(planId: string, now: number) {
    return this.command(() => this.engine.cancelPlan(planId, now));
  }
  cancelOrder(orderId: string, now: number) {
    return this.command(() => this.engine.cancelOrder(orderId, now));
  }
  modifyOrder(orderId: string, change: { price?: string; quantity?: string }, now: number) {
    return this.command(() => this.engine.modifyOrder(orderId, change, now));
  }
  closePosition(symbol: string, now: number, quantity?: string) {
    return this.command(() => this.engine.closePosition(symbol, now, quantity));
  }
  kill(now: number) {
    return this.command(() => this.engine.kill(now));
  }
  resume(now: number) {
    return this.command(() => this.engine.resume(now));
  }
  setTradingState(state: 'ACTIVE' | 'REDUCING', now: number) {
    return this.command(() => this.engine.setTradingState(state, now));
  }
  setRouting(live: string[] | null, now: number) {
    return this.command(() => this.engine.setRouting(live, now));
  }
  setVenueReconciling(venue: string, reconciling: boolean, now: number, why?: VenueNotReady) {
    return this.command(() => this.engine.setVenueReconciling(venue, reconciling, now, why));
  }
  get state() {
    return this.engine.state;
  }
  expireDue(now: number): boolean {
    const expired = this.inside(() => this.engine.expireDue(now));
    if (expired) this.commit(null);
    return expired;
  }
  previewPlan(input: unknown) {
    return this.engine.previewPlan(input);
  }
  onBar(bar: Bar): void {
    this.inside(() => this.engine.onBar(bar));
    this.remember(bar);
    this.barsSinceCheckpoint++;
    if (this.engine.hasPending || this.barsSinceCheckpoint >= BAR_CHECKPOINT_EVERY) this.commit(null);
  }
  /** Quotes come every second or so: committed when they changed something (a fill, an order). */
  onQuote(quote: Quote): void {
    this.inside(() => this.engine.onQuote(quote));
    if (this.engine.hasPending) this.commit(null);
  }
  /** Keeps the last RECENT_BARS bars of each symbol; trims in chunks so a bar costs O(1) on average. */
  private remember(bar: Bar): void {
    const list = this.recentOf(bar.symbol);
    list.push(bar);
    this.journal?.appendChartBar(bar.symbol, bar.time, JSON.stringify(bar));
    if (list.length >= 2 * RECENT_BARS) list.splice(0, list.length - RECENT_BARS);
  }

  setBrokerDayTrades(report: BrokerDayTrades | null): void {
    this.inside(() => this.engine.setBrokerDayTrades(report));
  }
  lessons(): LessonView[] {
    return this.engine.lessons();
  }
  setLessonState(lessonId: string, state: LessonState, now: number) {
    return this.command(() => this.engine.setLessonState(lessonId, state, now));
  }
  setLessonText(lessonId: string, text: string, now: number) {
    return this.command(() => this.engine.setLessonText(lessonId, text, now));
  }
  strands(): Strand[] {
    return this.engine.strands();
  }

  snapshot(): EngineSnapshot {
    const recentBars: Record<string, Bar[]> = {};
    for (const [symbol, list] of this.recent) recentBars[symbol] = list.slice(-RECENT_BARS);
    return { ...this.engine.snapshot(), recentBars };
  }
  trades(): TradeRecord[] {
    this.flush();
    return this.engine.trades();
  }
  tradesByExit(filter: TradeFilter, offset: number, limit: number): TradeRecord[] {
    this.flush();
    return this.engine.tradesByExit(filter, offset, limit);
  }
  tradeHistory(query: TradeQuery): TradePage {
    this.flush();
    return this.engine.tradeHistory(query);
  }
  /** The journal answers history reads: what the engine did since the last checkpoint is committed
   *  first, so a trade just closed is in the page. */
  private flush(): void {
    if (this.engine.hasPending) this.commit(null);
  }
  startingEquity(): string {
    return this.engine.startingEquity();
  }
  subscribe(listener: (event: EngineEvent) => void): Disposer {
    return this.engine.subscribe(listener);
  }
  get settings() {
    return this.engine.settings;
  }
  close(): void {
    for (const dispose of this.disposeVenues) dispose();
    this.engine.close();
  }
}

/** A kept chart bar, or null if the row does not hold one (a chart is no reason to refuse a journal). */
function chartBarOf(body: string): Bar | null {
  try {
    const b = JSON.parse(body) as Partial<Bar> | null;
    const fields = [b?.symbol, b?.open, b?.high, b?.low, b?.close, b?.volume];
    if (b && typeof b.time === 'number' && fields.every((f) => typeof f === 'string')) return b as Bar;
  } catch {
    // fall through
  }
  return null;
}

export function createEngine(options: CreateEngineOptions = {}): Result<EnginePort> {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(options.config ?? {});
  } catch (e) {
    if (e instanceof FieldError) return err('invalid_config', e.message);
    throw e;
  }
  let journal: Journal | null = null;
  const path = options.journalPath;
  try {
    if (path) {
      // The one wall-clock reading here: the name of a journal moved aside.
      journal = Journal.open(path, {
        kind: 'app',
        pagesCheck: options.journalPagesCheck ?? null,
        ...(options.fresh ? { fresh: true, now: Date.now() } : {}),
      });
      if (journal.replaced !== null) {
        const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
        log(`braid: moved the journal that was at ${path} to ${journal.replaced}; starting a new journal`);
      }
      const kind = journal.getMeta('kind');
      if (kind === 'replay') {
        journal.confirmPages(); // damaged pages are said first
        journal.close();
        return err('wrong_journal', `${path} is a replay journal, not the app's`);
      }
    }
    const venues = options.venues ?? [];
    const names = new Set<string>(['paper']);
    for (const v of venues) {
      if (names.has(v.name)) {
        journal?.close();
        return err('invalid_venues', `venue ${v.name} is given twice (or is the paper venue's name)`);
      }
      names.add(v.name);
    }
    const engine = new Engine({
      config,
      journal,
      venues,
      ...(options.symbols ? { symbols: options.symbols } : {}),
    });
    if (journal) {
      // Runs for months: live plans and the recent finished ones in memory, the rest in the journal.
      engine.holdRecentPlans(options.keepFinishedPlans ?? KEEP_FINISHED_PLANS);
      const cp = journal.checkpointAtOpen;
      try {
        if (cp) engine.restore(cp.seq, cp.live as LiveState);
      } catch (e) {
        // Damaged pages are said as such (the page check's verdict) before a state that cannot be rebuilt.
        journal.confirmPages();
        throw new JournalRefused(
          journal.path,
          `damaged: its state cannot be rebuilt from its records (${(e as Error).message})`,
        );
      }
      // The state is rebuilt (reads only): from here on the engine writes, so its pages must be sound.
      journal.confirmPages();
      // A journal from before the kind was recorded is the app's.
      if (journal.getMeta('kind') === undefined) journal.setMeta('kind', 'app');
      // Intents journaled after the checkpoint belong to a command or bar a crash cut short.
      const interrupted = journal.intentsAfter(cp?.seq ?? 0);
      if (interrupted.length > 0) {
        engine.recoverInterrupted(interrupted);
        engine.checkpoint(0, false);
      }
    }
    return ok(new HostedEngine(engine, journal, venues));
  } catch (e) {
    journal?.close();
    if (e instanceof JournalLocked) return err('journal_locked', e.message);
    if (e instanceof JournalRefused) return err('journal_refused', e.message);
    return err('journal_error', path ? `${path}: ${(e as Error).message}` : (e as Error).message);
  }
}
