// The replay report (replay.md "Report"): decimals printed as JSON numbers rounded to 10 significant
// digits, times as ISO 8601 UTC with milliseconds. Everything but `run` is a function of the inputs.
import { num10 } from '../../../shared/domain/decimal.ts';
import type { EngineSnapshot } from '../../../shared/domain/engine-view.ts';
import type { OrderRecord } from '../../../shared/domain/order.ts';
import type { DayTrade } from '../../../shared/domain/portfolio.ts';
import { isoTime } from '../../../shared/domain/time.ts';
import type { EngineNote } from '../engine.ts';
import type { LearningReport } from '../learning/report.ts';

const opt = <T>(key: string, value: T | undefined | null, map: (v: T) => unknown = (v) => v) =>
  value === undefined || value === null ? {} : { [key]: map(value) };

const numOrNull = (v: string | null) => (v === null ? null : num10(v));

export interface ReportRun {
  events: number;
  bars: number;
  seconds: number;
}

function lessonsOf(o: OrderRecord): { lessonsApplied?: string[] } {
  const applied = o.advice?.lessons ?? [];
  return applied.length > 0 ? { lessonsApplied: applied.map((l) => l.id) } : {};
}

export function buildReport(
  snap: EngineSnapshot,
  extra: {
    duplicatePlans: readonly string[];
    notes: readonly EngineNote[];
    dayTrades: readonly DayTrade[];
    /** With a `learning` config: strands, lessons, learning (learning.md "Report additions"). */
    learning?: LearningReport | null;
  },
  run: ReportRun,
) {
  const m = snap.metrics;
  return {
    version: 1,
    plans: snap.plans.map((p) => ({
      id: p.id,
      status: p.status,
      ...opt('reason', p.reason),
      ...opt('quantity', p.quantity, num10),
    })),
    orders: snap.orders.map((o) => ({
      id: o.id,
      planId: o.planId,
      // Only beside paper (several paper venues, learning.md): a one-venue report reads as it always did.
      ...(o.venue !== 'paper' ? { venue: o.venue } : {}),
      role: o.role,
      side: o.side,
      type: o.type,
      quantity: num10(o.quantity),
      ...opt('price', o.price, num10),
      status: o.status,
      filledQuantity: num10(o.filledQuantity),
      ...opt('avgFillPrice', o.avgFillPrice, num10),
      // The lessons the advisor applied, as the order's intent recorded them (learning.md).
      ...lessonsOf(o),
    })),
    fills: snap.fills.map((f) => ({
      orderId: f.orderId,
      time: isoTime(f.time),
      price: num10(f.price),
      quantity: num10(f.quantity),
      fee: num10(f.fee),
    })),
    trades: snap.trades.map((t) => ({
      planId: t.planId,
      symbol: t.symbol,
      side: t.side,
      quantity: num10(t.quantity),
      entryTime: isoTime(t.entryTime),
      entryPrice: num10(t.entryPrice),
      exitTime: isoTime(t.exitTime),
      exitPrice: num10(t.exitPrice),
      exitReason: t.exitReason,
      pnl: num10(t.pnl),
      pnlPct: num10(t.pnlPct),
      fees: num10(t.fees),
    })),
    positions: snap.positions.map((p) => ({
      symbol: p.symbol,
      side: p.side,
      quantity: num10(p.quantity),
      avgPrice: num10(p.avgPrice),
      markPrice: num10(p.markPrice),
      unrealizedPnl: num10(p.unrealizedPnl),
    })),
    pdt: {
      dayTrades: extra.dayTrades.map((d) => ({ date: d.date, symbol: d.symbol })),
      inWindow: snap.dayTrades.used,
      remaining: snap.dayTrades.remaining,
    },
    equity: {
      start: num10(snap.account.startEquity),
      end: num10(snap.account.equity),
      cash: num10(snap.account.cash),
    },
    metrics: {
      totalTrades: m.totalTrades,
      wins: m.wins,
      losses: m.losses,
      winRate: numOrNull(m.winRate),
      grossProfit: num10(m.grossProfit),
      grossLoss: num10(m.grossLoss),
      profitFactor: numOrNull(m.profitFactor),
      avgWin: numOrNull(m.avgWin),
      avgLoss: numOrNull(m.avgLoss),
      expectancy: numOrNull(m.expectancy),
      netPnl: num10(m.netPnl),
      maxDrawdownPct: num10(m.maxDrawdownPct),
      sharpe: numOrNull(m.sharpe),
    },
    tradingState: snap.tradingState,
    duplicatePlans: [...extra.duplicatePlans],
    notes: extra.notes.map((n) => ({ time: isoTime(n.time), code: n.code, message: n.message })),
    // Only with a learning config: a report without one reads as it always did.
    ...(extra.learning ? extra.learning : {}),
    run,
  };
}

export type Report = ReturnType<typeof buildReport>;
