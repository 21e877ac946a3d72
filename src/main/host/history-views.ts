// The Trade history region's metrics and equity curve (command queryHistory), kept per filter as trades
// close. The region asks again after every closed trade; computing the view afresh each time took a
// second at 100,000 trades, with every other command (the kill switch's too) waiting behind it.
// A view is built the first time its filter is asked, from the engine's trades in exit order, a slice at a
// time with a turn of the event loop between slices (a command, the kill switch, lands in between); then
// each closed trade is added to the views whose filter keeps it. A correction (a late fee) changes a
// trade already counted, and every equity point after it: the views are built again when next asked.
import { dec } from '../../shared/domain/decimal.ts';
import type { TradeRecord } from '../../shared/domain/portfolio.ts';
import { type HistoryView, RunningHistoryView } from '../engine/history/history-view.ts';
import { keepTrade, type TradeFilter } from '../engine/history/trade-query.ts';

export interface HistoryViewsSource {
  startingEquity(): string;
  /** The closed trades a filter keeps in exit order (ties as recorded), `limit` from `offset`. */
  tradesByExit(filter: TradeFilter, offset: number, limit: number): TradeRecord[];
}

export interface HistoryViewsOptions {
  /** Trades read and added per turn. */
  slice?: number;
  /** Lets whatever waits run between slices. */
  yieldTurn?: () => Promise<void>;
}

/** About 50 ms of reading and adding on this machine. */
const SLICE = 5000;
/** Filtered views kept besides the whole history's (the filters a trader switches between). */
const FILTERED_VIEWS_KEPT = 8;

interface Kept {
  filter: TradeFilter;
  running: RunningHistoryView;
}

/** A view being built: the last exit read so far; stale once what it read changed under it. */
interface Build {
  lastExit: number;
  stale: boolean;
}

const tradeKey = (t: Pick<TradeRecord, 'planId' | 'exitTime'>) => `${t.planId}@${t.exitTime}`;
const filterKey = (f: TradeFilter) =>
  `${f.symbol ?? ''}|${f.side ?? ''}|${f.outcome ?? ''}|${f.reason ?? ''}`;
const isWhole = (f: TradeFilter) =>
  f.symbol === undefined && f.side === undefined && f.outcome === undefined && f.reason === undefined;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class HistoryViews {
  private readonly source: HistoryViewsSource;
  private readonly slice: number;
  private readonly yieldTurn: () => Promise<void>;
  /** The whole history's view and the key of every trade in it (a correction's key is known); null until
   *  first asked, and after a correction. Filtered views exist only beside it. */
  private whole: (Kept & { keys: Set<string> }) | null = null;
  /** Least recently asked first. */
  private readonly filtered = new Map<string, Kept>();
  /** Builds under way, by filter key; each caller asking meanwhile waits for the same one. */
  private readonly pending = new Map<string, { build: Build; done: Promise<void> }>();
  private equity: string | null = null;
  private closed = false;

  constructor(source: HistoryViewsSource, options: HistoryViewsOptions = {}) {
    this.source = source;
    this.slice = options.slice ?? SLICE;
    this.yieldTurn = options.yieldTurn ?? nextTurn;
  }

  /** The view of the trades a filter keeps; null once closed. */
  async view(filter: TradeFilter): Promise<HistoryView | null> {
    const key = filterKey(filter);
    for (;;) {
      if (this.closed) return null;
      const equity = this.source.startingEquity();
      if (equity !== this.equity) {
        this.reset();
        this.equity = equity;
      }
      // The whole history's first: its keys tell a correction from a new trade for every view.
      if (!this.whole) {
        await this.built({});
        continue;
      }
      if (isWhole(filter)) return this.whole.running.view();
      const kept = this.filtered.get(key);
      if (!kept) {
        await this.built(filter);
        continue;
      }
      this.filtered.delete(key);
      this.filtered.set(key, kept);
      return kept.running.view();
    }
  }

  /** A trade event: a newly closed trade joins the views that keep it; a correction drops them all. */
  onTrade(trade: TradeRecord): void {
    // A build has read up to its last exit: a trade at or before it (a correction, a late report)
    // changes what it read; a later one it reads itself.
    for (const [key, p] of this.pending) {
      if (trade.exitTime <= p.build.lastExit) {
        p.build.stale = true;
        this.pending.delete(key);
      }
    }
    const whole = this.whole;
    if (!whole) return;
    const key = tradeKey(trade);
    if (whole.keys.has(key) || !whole.running.add(trade)) {
      this.reset();
      return;
    }
    whole.keys.add(key);
    for (const [k, kept] of this.filtered) {
      if (keepTrade(trade, kept.filter) && !kept.running.add(trade)) this.filtered.delete(k);
    }
  }

  /** Stops the builds under way (their callers get null). */
  close(): void {
    this.closed = true;
    this.reset();
  }

  private keep(key: string, kept: Kept): void {
    this.filtered.set(key, kept);
    for (const old of this.filtered.keys()) {
      if (this.filtered.size <= FILTERED_VIEWS_KEPT) break;
      this.filtered.delete(old);
    }
  }

  private reset(): void {
    this.whole = null;
    this.filtered.clear();
    for (const p of this.pending.values()) p.build.stale = true;
    this.pending.clear();
  }

  /** The build of a filter's view, the one under way if there is one; done also when it went stale (the
   *  caller looks again). */
  private built(filter: TradeFilter): Promise<void> {
    const key = filterKey(filter);
    const under = this.pending.get(key);
    if (under) return under.done;
    const build: Build = { lastExit: Number.NEGATIVE_INFINITY, stale: false };
    // Under way before its first slice: a trade event from then on reaches it.
    const entry = { build, done: Promise.resolve() };
    this.pending.set(key, entry);
    entry.done = this.run(filter, build).finally(() => {
      if (this.pending.get(key) === entry) this.pending.delete(key);
    });
    return entry.done;
  }

  private async run(filter: TradeFilter, build: Build): Promise<void> {
    const running = new RunningHistoryView(dec(this.equity ?? this.source.startingEquity()));
    const whole = isWhole(filter);
    const keys = new Set<string>();
    for (let offset = 0; ; ) {
      const trades = this.source.tradesByExit(filter, offset, this.slice);
      for (const t of trades) {
        running.add(t);
        if (whole) keys.add(tradeKey(t));
      }
      offset += trades.length;
      build.lastExit = trades.at(-1)?.exitTime ?? build.lastExit;
      // The last slice and the view's first use are in one turn: no trade can come between.
      if (trades.length < this.slice) break;
      await this.yieldTurn();
      if (build.stale) return;
    }
    // Kept in the turn it is done, so the next trade event finds it.
    const kept = { filter, running };
    if (whole) this.whole = { ...kept, keys };
    else this.keep(filterKey(filter), kept);
  }
}
