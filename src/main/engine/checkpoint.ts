// The engine's checkpoint: each part's live state (history is rebuilt from the journal's records).
import type { TradingState } from '../../shared/domain/portfolio.ts';
import type { BookedTrade } from './orders/order-router.ts';
import type { EngineParts } from './parts.ts';
import type { PlanExec } from './plans/plan-book.ts';
import type { EquityCurveState } from './portfolio/metrics.ts';
import type { PositionBook } from './portfolio/position-book.ts';
import type { DayTradeState } from './risk/day-trades.ts';

/** Something the operator should read later: a script command that did not apply, a duplicate plan. */
export interface EngineNote {
  time: number;
  code: string;
  message: string;
}

/** The live state a checkpoint carries (history is rebuilt from the journal's records). */
export interface LiveState {
  time: number;
  tradingState: TradingState;
  tradingStateReason: string;
  cash: string;
  startEquity: string;
  positions: PositionBook[];
  exec: Record<string, PlanExec>;
  lastClose: Record<string, string>;
  orderSeq: Record<string, number>;
  orderNotional: Record<string, string>;
  cancelAs: Record<string, 'cancelled' | 'expired'>;
  fillCount: Record<string, number>;
  exchangeDay: string | null;
  dayStartEquity: string;
  equity: EquityCurveState;
  pdt: DayTradeState;
  venue: unknown;
  duplicatePlanIds: string[];
  notes: EngineNote[];
  symbols: string[];
  /** Venue trade ids booked, per venue (absent in checkpoints from before live venues). */
  bookedTrades?: Record<string, BookedTrade[]>;
}

export function writeCheckpoint(p: EngineParts, notes: readonly EngineNote[]): LiveState {
  const orders = p.router.state();
  const portfolio = p.portfolio.state();
  const risk = p.gate.state();
  const plans = p.plans.state();
  const clock = p.clock.state();
  return {
    time: clock.time,
    tradingState: risk.tradingState,
    tradingStateReason: risk.tradingStateReason,
    cash: portfolio.cash,
    startEquity: portfolio.startEquity,
    positions: portfolio.positions,
    exec: plans.exec,
    lastClose: portfolio.lastClose,
    orderSeq: orders.orderSeq,
    orderNotional: orders.orderNotional,
    cancelAs: orders.cancelAs,
    fillCount: orders.fillCount,
    exchangeDay: clock.exchangeDay,
    dayStartEquity: portfolio.dayStartEquity,
    equity: portfolio.equity,
    pdt: risk.pdt,
    venue: orders.paper,
    duplicatePlanIds: plans.duplicatePlanIds,
    notes: notes.map((n) => ({ ...n })),
    symbols: [...p.symbols],
    ...(Object.keys(orders.bookedTrades).length > 0 ? { bookedTrades: orders.bookedTrades } : {}),
  };
}

/** A checkpoint read: `restore` applies it to the parts (after the store's history) and returns the notes. */
export function readCheckpoint(raw: unknown): { restore(p: EngineParts): EngineNote[] } {
  const live = raw as LiveState;
  return {
    restore(p) {
      p.clock.restore({ time: live.time, exchangeDay: live.exchangeDay });
      p.gate.restore({
        tradingState: live.tradingState,
        tradingStateReason: live.tradingStateReason,
        pdt: live.pdt,
      });
      p.portfolio.restore(
        {
          cash: live.cash,
          startEquity: live.startEquity,
          dayStartEquity: live.dayStartEquity,
          positions: live.positions,
          lastClose: live.lastClose,
          equity: live.equity,
        },
        p.store.trades,
      );
      p.router.restore({
        orderSeq: live.orderSeq,
        orderNotional: live.orderNotional,
        cancelAs: live.cancelAs,
        fillCount: live.fillCount,
        bookedTrades: live.bookedTrades ?? {},
        paper: live.venue,
      });
      p.symbols.clear();
      for (const s of live.symbols) p.symbols.add(s);
      p.plans.restore({ exec: live.exec, duplicatePlanIds: live.duplicatePlanIds });
      return live.notes.map((n) => ({ ...n }));
    },
  };
}
