// The terminal's state as the renderer holds it: the engine snapshot kept patchable by id, plus host state.

import type { HostState } from '../../../shared/contract.ts';
import type { DecStr } from '../../../shared/domain/decimal.ts';
import type { AccountView, DayTradesView, Notice } from '../../../shared/domain/engine-view.ts';
import type { Bar } from '../../../shared/domain/instrument.ts';
import type { LearningView } from '../../../shared/domain/learning.ts';
import type { Metrics } from '../../../shared/domain/metrics.ts';
import type { FillRecord, OrderRecord } from '../../../shared/domain/order.ts';
import type { PlanRecord } from '../../../shared/domain/plan.ts';
import type { PositionRecord, TradeRecord, TradingState } from '../../../shared/domain/portfolio.ts';

/** Records addressable by key, with a stable display order (rows re-render alone, lists only on add/remove). */
export interface Keyed<T> {
  ids: readonly string[];
  byId: Readonly<Record<string, T>>;
}

export interface Toast {
  seq: number;
  level: Notice['level'];
  code: string;
  message: string;
  /** Engine time for engine notices; null for the renderer's own messages. */
  time: number | null;
}

export interface TerminalState {
  /** A snapshot has arrived: everything below is real. */
  loaded: boolean;
  /** Engine time (epoch ms): from the snapshot, moved forward by events. Countdowns run on it. */
  time: number;
  tradingState: TradingState;
  tradingReason: string;
  approval: 'auto' | 'manual';
  account: AccountView | null;
  /** Every plan the engine reported, by id. */
  plans: Keyed<PlanRecord>;
  /** Ids of plans waiting for approval, oldest first: the approval queue. */
  queue: readonly string[];
  /** Orders by id, oldest first (the blotter shows newest first). */
  orders: Keyed<OrderRecord>;
  /** Open positions by symbol, sorted by symbol. */
  positions: Keyed<PositionRecord>;
  fills: readonly FillRecord[];
  /** Closed trades, oldest first. */
  trades: readonly TradeRecord[];
  dayTrades: DayTradesView | null;
  metrics: Metrics | null;
  /** The learning loop's view; null until the engine sends one. */
  learning: LearningView | null;
  lastPrices: Readonly<Record<string, DecStr>>;
  /** Tick (display precision) and lot of every symbol the engine knows, from the snapshot. */
  instruments: Readonly<Record<string, { tick: DecStr; lot: DecStr }>>;
  /** Candles per symbol, in time order, as the engine streamed them. */
  bars: Readonly<Record<string, readonly Bar[]>>;
  host: HostState | null;
  toasts: readonly Toast[];
  toastSeq: number;
}

export const EMPTY_KEYED: Keyed<never> = { ids: [], byId: {} };

export const initialState: TerminalState = {
  loaded: false,
  time: 0,
  tradingState: 'ACTIVE',
  tradingReason: '',
  approval: 'manual',
  account: null,
  plans: EMPTY_KEYED,
  queue: [],
  orders: EMPTY_KEYED,
  positions: EMPTY_KEYED,
  fills: [],
  trades: [],
  dayTrades: null,
  metrics: null,
  learning: null,
  lastPrices: {},
  instruments: {},
  bars: {},
  host: null,
  toasts: [],
  toastSeq: 0,
};

/** Most candles kept per symbol: enough for a session, bounded for a day-long run. */
export const MAX_BARS = 5000;
/** Most toasts kept (the view shows the newest few). */
export const MAX_TOASTS = 50;
/** Closed trades kept (newest): the Trade history pages through the engine, so the store needs only the
 *  latest, for plan labels and to notice a trade; a session of months would otherwise keep every one. */
export const MAX_TRADES = 200;
