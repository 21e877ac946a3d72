// What the engine shows the outside world: the snapshot a client starts from and the events that patch it.
// Shared by the engine, the transports (IPC, WebSocket) and the renderer.
import type { BraidConfig } from './config.ts';
import type { DecStr } from './decimal.ts';
import type { Bar } from './instrument.ts';
import type { LearningView, Strand } from './learning.ts';
import type { Metrics } from './metrics.ts';
import type { FillRecord, OrderRecord } from './order.ts';
import type { PlanRecord } from './plan.ts';
import type { DayTrade, PositionRecord, TradeRecord, TradingState } from './portfolio.ts';

export interface AccountView {
  currency: string;
  cash: DecStr;
  equity: DecStr;
  startEquity: DecStr;
  dayStartEquity: DecStr;
  realizedPnl: DecStr;
  unrealizedPnl: DecStr;
}

export interface DayTradesView {
  /** The policy is configured on. */
  enabled: boolean;
  /** The policy binds now (margin account, day-start equity below the minimum). */
  applies: boolean;
  used: number;
  remaining: number;
  max: number;
  /** The first business day on which the oldest counted day trade is out of the window. */
  oldestLeavesOn: string | null;
  dayTrades: DayTrade[];
  /** The broker's own count (IB's DayTradesRemaining, and its equity for the $25,000 rule), when a
   *  venue reports one: it is the one the limit follows; Braid's count is shown beside it. */
  broker?: BrokerDayTrades;
}

/** What a broker says of the account's day trades, as last read (start, every reconnect, then polled). */
export interface BrokerDayTrades {
  venue: string;
  /** Day trades the broker still allows in its window; null: the broker does not limit this account. */
  remaining: number | null;
  /** The account's equity as the broker counts it for the rule (net liquidation); null when not said. */
  equity: DecStr | null;
  /** Epoch ms of the read. */
  at: number;
}

export interface Notice {
  level: 'info' | 'warning' | 'error';
  code: string;
  message: string;
  planId?: string;
  time: number;
}

export interface EngineSnapshot {
  time: number;
  tradingState: TradingState;
  approval: BraidConfig['approval'];
  account: AccountView;
  plans: PlanRecord[];
  orders: OrderRecord[];
  fills: FillRecord[];
  /** The most recent closed trades, oldest first (the Trade history region pages through the rest
   *  with the tradeHistory command). */
  trades: TradeRecord[];
  /** Every closed trade the engine holds (journal included). */
  tradeCount: number;
  positions: PositionRecord[];
  dayTrades: DayTradesView;
  metrics: Metrics;
  lastPrices: Record<string, DecStr>;
  /** Tick (display and price precision) and lot of every symbol the engine knows. */
  instruments: Record<string, { tick: DecStr; lot: DecStr }>;
  /** Recent bars per symbol, oldest first, so a chart opened late has history (hosted engines only). */
  recentBars?: Record<string, Bar[]>;
  /** The learning loop: lessons, execution quality, advised against holdout. Absent: not built. */
  learning?: LearningView;
}

export type EngineEvent =
  | { type: 'plan'; plan: PlanRecord }
  | { type: 'order'; order: OrderRecord }
  | { type: 'fill'; fill: FillRecord }
  | { type: 'trade'; trade: TradeRecord }
  | { type: 'position'; symbol: string; position: PositionRecord | null }
  | { type: 'account'; account: AccountView }
  | { type: 'tradingState'; state: TradingState; reason: string }
  | { type: 'dayTrades'; dayTrades: DayTradesView }
  | { type: 'metrics'; metrics: Metrics }
  | { type: 'learning'; learning: LearningView }
  /** A strand recorded (a finished order; again when its markouts are known): journaled by the learning
   *  book itself, so this event is for listeners (the desk writes it to braid.strands). */
  | { type: 'strand'; strand: Strand }
  | { type: 'bar'; bar: Bar }
  | { type: 'notice'; notice: Notice };
