// Short plan names for the screen: symbol and the plan's month-day and time, e.g. SPY-0305-1420 for a
// SPY plan received on 5 March at 14:20 (in the operator's time zone). Two plans of the same symbol in
// the same minute get -2, -3 ... in arrival order, so every label on screen names one plan. The full id
// stays on hover (title).
import { clockParts } from './format.ts';

export interface LabelSource {
  id: string;
  symbol: string;
  /** When the plan arrived (epoch ms). */
  time: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** SPY-0305-1420 (no disambiguation). */
export function baseLabel(symbol: string, time: number, zone = 'UTC'): string {
  if (!Number.isFinite(time)) return symbol;
  const p = clockParts(time, zone);
  return `${symbol}-${pad(p.month)}${pad(p.day)}-${pad(p.hour)}${pad(p.minute)}`;
}

/**
 * Labels for every plan, distinct: the earliest of a colliding group keeps the bare label, the next
 * ones get -2, -3 ... (ties in time break by id, so the same plans always get the same labels).
 * A source listed twice keeps its first entry.
 */
export function planLabels(sources: readonly LabelSource[], zone = 'UTC'): Map<string, string> {
  const seen = new Set<string>();
  const unique: LabelSource[] = [];
  for (const s of sources) {
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    unique.push(s);
  }
  unique.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const taken = new Set<string>();
  const count = new Map<string, number>();
  const out = new Map<string, string>();
  for (const s of unique) {
    const base = baseLabel(s.symbol, s.time, zone);
    let n = count.get(base) ?? 0;
    let label: string;
    do {
      n += 1;
      label = n === 1 ? base : `${base}-${n}`;
    } while (taken.has(label)); // "X-0305-1420-2" may also be some symbol's bare label: skip it
    count.set(base, n);
    taken.add(label);
    out.set(s.id, label);
  }
  return out;
}

/** An order id on screen: its plan's short label in place of the plan id (SPY-0305-1420:E1). */
export function orderLabel(orderId: string, planId: string, planLabel: string): string {
  return orderId.startsWith(planId) ? planLabel + orderId.slice(planId.length) : orderId;
}
