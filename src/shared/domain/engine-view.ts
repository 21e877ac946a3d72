// What the engine shows the outside world: the snapshot a client starts from and the events that patch it.
// Shared by the engine, the transports (IPC, WebSocket) and the renderer.
import type { BraidConfig } from './config.ts';
import type { DecStr } from './decimal.ts';
import type { Bar } from './instrument.ts';
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
  trades: TradeRecord[];
  positions: PositionRecord[];
  dayTrades: DayTradesView;
  metrics: Metrics;
  lastPrices: Record<string, DecStr>;
  /** Tick (display and price precision) and lot of every symbol the engine knows. */
  instruments: Record<string, { tick: DecStr; lot: DecStr }>;
  /** Recent bars per symbol, oldest first, so a chart opened late has history (hosted engines only). */
  recentBars?: Record<string, Bar[]>;
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
  | { type: 'bar'; bar: Bar }
  | { type: 'notice'; notice: Notice };
