// The views the outside world reads: the snapshot a client starts from, and the position events that
// patch it (built only when someone listens).

import { DEFAULT_LOT, DEFAULT_TICK } from '../../../shared/domain/config.ts';
import type { EngineSnapshot } from '../../../shared/domain/engine-view.ts';
import type { LearningView } from '../../../shared/domain/learning.ts';
import { qualityRows } from '../learning/quality.ts';
import type { EngineParts } from '../parts.ts';
import { metricsOf } from '../portfolio/metrics.ts';

/** Closed trades a snapshot carries (the newest): the Trade history region pages through the rest. */
export const RECENT_TRADES = 200;

export class Views {
  private readonly p: EngineParts;

  constructor(parts: EngineParts) {
    this.p = parts;
  }

  emitPosition(symbol: string): void {
    if (!this.p.events.listening) return;
    const book = this.p.portfolio.positions.get(symbol);
    this.p.events.emit({
      type: 'position',
      symbol,
      position: book ? this.p.portfolio.positionRecord(book) : null,
    });
  }

  /** Every day trade recorded (the view lists only those in the window). */
  allDayTrades() {
    return this.p.gate.pdt.dayTrades();
  }

  dayTradesView() {
    return this.p.gate.dayTradesView();
  }

  snapshot(): EngineSnapshot {
    return {
      time: this.p.clock.time,
      tradingState: this.p.gate.tradingState,
      approval: this.p.config.approval,
      account: this.p.portfolio.account(),
      plans: [...this.p.store.plans.values()],
      orders: [...this.p.store.orders.values()],
      fills: [...this.p.store.fills],
      // A replay's report lists every trade; a hosted engine's snapshot the newest.
      trades: this.p.store.paging ? this.p.store.trades.slice(-RECENT_TRADES) : [...this.p.store.trades],
      tradeCount: this.p.store.tally.count,
      positions: [...this.p.portfolio.positions.values()].map((b) => this.p.portfolio.positionRecord(b)),
      dayTrades: this.p.gate.dayTradesView(),
      metrics: metricsOf(this.p.store.tally, this.p.portfolio.curve),
      lastPrices: Object.fromEntries(this.p.portfolio.lastClose),
      instruments: this.instruments(),
      // Only with a learning config: a snapshot without one reads as it always did.
      ...(this.p.learning ? { learning: this.learningView()! } : {}),
    };
  }

  /** The learning loop as the Lessons region shows it; null without a learning config. */
  learningView(): LearningView | null {
    const learning = this.p.learning;
    if (!learning) return null;
    return {
      enabled: learning.config.enabled,
      lessons: learning.allLessons(),
      quality: qualityRows(learning.allStrands()),
      evaluation: learning.evaluation(),
    };
  }

  /** A strand or a lesson was recorded: the Lessons region follows (only when someone listens). */
  emitLearning(): void {
    if (!this.p.events.listening) return;
    const learning = this.learningView();
    if (learning) this.p.events.emit({ type: 'learning', learning });
  }

  /** Tick and lot of every symbol the engine knows (configured, or the defaults). */
  instruments(): EngineSnapshot['instruments'] {
    const out: EngineSnapshot['instruments'] = {};
    for (const symbol of this.p.symbols) {
      const configured = this.p.config.instruments[symbol];
      out[symbol] = { tick: configured?.tick ?? DEFAULT_TICK, lot: configured?.lot ?? DEFAULT_LOT };
    }
    return out;
  }
}
