// What the chart draws over one symbol's candles, computed purely (so tests pin it):
//  - fill markers, each pinned to the candle it happened in, at tick precision; fills that would land on
//    the same spot (same candle, same side of the bar) merge into one marker, so labels never overlap;
//  - the working entry, stop and target price lines, from working orders and from plans not yet filled.
import { dec } from '../../../../shared/domain/decimal.ts';
import type { Bar } from '../../../../shared/domain/instrument.ts';
import type { FillRecord, OrderRecord } from '../../../../shared/domain/order.ts';
import { WORKING_STATUSES } from '../../../../shared/domain/order.ts';
import type { PlanRecord } from '../../../../shared/domain/plan.ts';
import { plainPrice, qty } from '../../lib/format.ts';

export interface FillMarker {
  /** Seconds: the open time of the candle containing the fills. */
  time: number;
  /** Buys below the bar, sells above it. */
  position: 'belowBar' | 'aboveBar';
  /** An entry arrow, or an exit circle (a merged marker with an entry in it draws as an entry). */
  kind: 'entry' | 'exit';
  side: 'buy' | 'sell';
  text: string;
}

/** The last candle opening at or before t (binary search), or null before the first one. */
export function candleAt(bars: readonly Bar[], t: number): Bar | null {
  let lo = 0;
  let hi = bars.length - 1;
  let found: Bar | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const bar = bars[mid]!;
    if (bar.time <= t) {
      found = bar;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

interface Part {
  kind: 'entry' | 'exit';
  side: 'buy' | 'sell';
  quantity: ReturnType<typeof dec>;
  notional: ReturnType<typeof dec>;
  fills: number;
}

/** "BUY 100@512.10", or for merged fills "BUY 300@512.13 (3 fills)" at their volume-weighted price. */
function partText(p: Part, tick: string): string {
  const label = p.kind === 'entry' ? (p.side === 'buy' ? 'BUY' : 'SELL') : 'EXIT';
  const avg = p.quantity.gt(0) ? p.notional.div(p.quantity).toString() : '0';
  const count = p.fills > 1 ? ` (${p.fills} fills)` : '';
  return `${label} ${qty(p.quantity.toString())}@${plainPrice(avg, tick)}${count}`;
}

export function fillMarkers(
  symbol: string,
  bars: readonly Bar[],
  fills: readonly FillRecord[],
  orders: Readonly<Record<string, OrderRecord>>,
  tick = '0.01',
): FillMarker[] {
  // One spot per candle and side of the bar; within it, one part per kind and side, in first-fill order.
  const spots = new Map<string, { time: number; position: FillMarker['position']; parts: Part[] }>();
  for (const f of fills) {
    if (f.symbol !== symbol) continue;
    const bar = candleAt(bars, f.time);
    if (!bar) continue;
    const time = Math.floor(bar.time / 1000);
    const position = f.side === 'buy' ? 'belowBar' : 'aboveBar';
    const key = `${time}|${position}`;
    let spot = spots.get(key);
    if (!spot) {
      spot = { time, position, parts: [] };
      spots.set(key, spot);
    }
    const kind = orders[f.orderId]?.role === 'entry' ? 'entry' : 'exit';
    let part = spot.parts.find((p) => p.kind === kind && p.side === f.side);
    if (!part) {
      part = { kind, side: f.side, quantity: dec(0), notional: dec(0), fills: 0 };
      spot.parts.push(part);
    }
    try {
      part.quantity = part.quantity.plus(f.quantity);
      part.notional = part.notional.plus(dec(f.price).times(f.quantity));
      part.fills += 1;
    } catch {
      // a malformed fill draws nothing rather than breaking the chart
    }
  }
  const out: FillMarker[] = [];
  for (const spot of spots.values()) {
    const parts = spot.parts.filter((p) => p.fills > 0);
    if (parts.length === 0) continue;
    const entry = parts.find((p) => p.kind === 'entry');
    const lead = entry ?? parts[0]!;
    out.push({
      time: spot.time,
      position: spot.position,
      kind: lead.kind,
      side: lead.side,
      text: parts.map((p) => partText(p, tick)).join(' \u00b7 '),
    });
  }
  // Time order (the chart requires it); below-bar before above-bar on the same candle.
  return out.sort((a, b) => a.time - b.time || (a.position < b.position ? 1 : -1));
}

export interface WorkingLine {
  role: 'entry' | 'stop' | 'target';
  price: string;
  /** From a plan still waiting (approval or its trigger): drawn fainter than a working order. */
  pending: boolean;
}

/** At the venue: a cancel or change on its way, or an outcome being checked, may still fill as it is. */
const WORKING_ORDER: ReadonlySet<OrderRecord['status']> = WORKING_STATUSES;
/** Plans whose levels are not all working orders yet: waiting, armed, or entry working (no brackets). */
const PLAN_LEVELS = new Set<PlanRecord['status']>(['pending_approval', 'armed', 'working']);
const ORDER_ROLE: Partial<Record<OrderRecord['role'], WorkingLine['role']>> = {
  entry: 'entry',
  stop_loss: 'stop',
  take_profit: 'target',
};

/** The entry, stop and target levels working or waiting for a symbol, one line per role and price. */
export function workingLines(
  symbol: string,
  orders: readonly OrderRecord[],
  plans: readonly PlanRecord[],
): WorkingLine[] {
  const lines = new Map<string, WorkingLine>();
  const add = (role: WorkingLine['role'], price: string | undefined, pending: boolean): void => {
    if (price === undefined) return;
    let canonical: string;
    try {
      canonical = dec(price).toString();
    } catch {
      return;
    }
    const key = `${role}|${canonical}`;
    const known = lines.get(key);
    // A working order at the same level outranks the plan it came from.
    if (!known || (known.pending && !pending)) lines.set(key, { role, price: canonical, pending });
  };
  for (const o of orders) {
    if (o.symbol !== symbol || !WORKING_ORDER.has(o.status)) continue;
    const role = ORDER_ROLE[o.role];
    if (role !== undefined && o.type !== 'market') add(role, o.price, false);
  }
  for (const p of plans) {
    if (p.input.symbol !== symbol || !PLAN_LEVELS.has(p.status)) continue;
    const waiting = p.status !== 'working';
    if (waiting) add('entry', p.input.entry.price ?? p.input.condition?.price, true);
    add('stop', p.input.stopLoss, true);
    add('target', p.input.takeProfit, true);
  }
  const order = { entry: 0, stop: 1, target: 2 } as const;
  return [...lines.values()].sort((a, b) => order[a.role] - order[b.role] || dec(a.price).cmp(dec(b.price)));
}
