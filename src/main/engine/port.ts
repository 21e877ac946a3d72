// The engine as its hosts see it (Electron main, `braid serve`, `braid replay`, tests).
// Commands in, events out: a command returns an acknowledgement (a Result); what changes arrives as events.
// Time is always passed in (epoch ms): the engine never reads the clock.

import type { DecStr } from '../../shared/domain/decimal.ts';
import type { BrokerDayTrades, EngineEvent, EngineSnapshot } from '../../shared/domain/engine-view.ts';
import type { Bar } from '../../shared/domain/instrument.ts';
import type { LessonState, LessonView, Strand } from '../../shared/domain/learning.ts';
import type { PlanPreview } from '../../shared/domain/plan.ts';
import type { TradeRecord, TradingState } from '../../shared/domain/portfolio.ts';
import type { Result } from '../../shared/result.ts';
import type { TradeFilter, TradePage, TradeQuery } from './history/trade-query.ts';

export type Disposer = () => void;

/** A live venue's top of book and last trade for a symbol (a ticker). */
export interface Quote {
  symbol: string;
  bid: DecStr;
  ask: DecStr;
  last: DecStr;
  /** Epoch ms. */
  time: number;
}

export interface EnginePort {
  /** An upstream plan (raw JSON, validated here). Idempotent on plan id. */
  /** `approved`: typed by the operator (the ticket), so it skips the approval queue. */
  submitPlan(
    input: unknown,
    now: number,
    options?: { approved?: boolean },
  ): Result<{ planId: string; status: string }>;
  approve(planId: string, now: number): Result<null>;
  reject(planId: string, reason: string | undefined, now: number): Result<null>;
  /** Cancels a plan that has not filled (pending, armed or working). */
  cancelPlan(planId: string, now: number): Result<null>;
  /** Cancels one working order (an entry, a single bracket leg, an exit). */
  cancelOrder(orderId: string, now: number): Result<null>;
  /** Changes a working order's price and/or total quantity. */
  modifyOrder(orderId: string, change: { price?: string; quantity?: string }, now: number): Result<null>;
  /** Flattens a position at market; with `quantity`, closes that much of it. */
  closePosition(symbol: string, now: number, quantity?: string): Result<null>;
  /** Kill switch: cancel every working order and unfilled plan, flatten every position, HALTED. */
  kill(now: number): Result<null>;
  /** Trading state back to ACTIVE: the one way out of HALTED. */
  resume(now: number): Result<null>;
  /** Operator sets REDUCING (exits only) or ACTIVE; refused ('halted') while HALTED. */
  setTradingState(state: 'ACTIVE' | 'REDUCING', now: number): Result<null>;
  /** The trading state now: ACTIVE, REDUCING or HALTED. */
  readonly state: TradingState;
  /** Expires the plans whose time has come; true if any did. */
  expireDue(now: number): boolean;
  /** The engine's sizing and checks for a plan, nothing recorded. */
  previewPlan(input: unknown): PlanPreview;
  /** A market data bar for a symbol (bar open time in bar.time). */
  onBar(bar: Bar): void;
  /** A live quote: marks, equity, entry conditions and trailing stops move on `last`; the paper venue
   *  fills on bid and ask (venues.md "Modes"). */
  onQuote(quote: Quote): void;
  /** PAPER (null: every new order to the paper venue) or LIVE with these live venues, each connected and
   *  reconciled; `unknown_venue` for a name not registered. Working orders stay on their venue. */
  setRouting(live: string[] | null, now: number): Result<null>;
  /** A live venue starts (true) or ends (false) being not ready: meanwhile entries there go to its
   *  configured fallback or are refused `venue_unavailable`; exits go through. `why` (reconciling unless
   *  told; `disconnected` from a lost connection until reconciled again) is what a fallback order records. */
  setVenueReconciling(
    venue: string,
    reconciling: boolean,
    now: number,
    why?: 'reconciling' | 'disconnected',
  ): Result<null>;
  /** A broker's own day-trade count and equity (IB's account summary), or null to forget it: the
   *  day-trade limit follows it, Braid's own count shown beside it. */
  setBrokerDayTrades(report: BrokerDayTrades | null): void;
  /** The learning loop's lessons (learning.md), and the trader's switch on one: active, dismissed, or
   *  proposed again; `learning_off` without a learning config. */
  lessons(): LessonView[];
  setLessonState(lessonId: string, state: LessonState, now: number): Result<null>;
  /** A lesson's sentence reworded (the optional hook, learning.md): the text alone; `bad_sentence` for
   *  text that is not one printable line of at most 300 characters. */
  setLessonText(lessonId: string, text: string, now: number): Result<null>;
  /** The strands of finished executions, in the order they ended (exported with the trade history). */
  strands(): Strand[];
  snapshot(): EngineSnapshot;
  /** The account's equity at the start (what the trade history's equity curve starts from). */
  startingEquity(): string;
  /** Every closed trade, oldest first (the export). */
  trades(): TradeRecord[];
  /** The closed trades a filter keeps in exit order (ties as recorded), `limit` from `offset` (the
   *  history's metrics and equity curve, built a slice at a time). */
  tradesByExit(filter: TradeFilter, offset: number, limit: number): TradeRecord[];
  /** One page of the trade history, filtered and sorted by the engine. */
  tradeHistory(query: TradeQuery): TradePage;
  subscribe(listener: (event: EngineEvent) => void): Disposer;
  /** Host settings persisted in the journal (e.g. the LIVE-mode PIN hash). */
  readonly settings: { get(key: string): string | undefined; set(key: string, value: string): void };
  /** Flushes and closes the journal. Idempotent. */
  close(): void;
}
