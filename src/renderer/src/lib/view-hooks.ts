// What panels read besides the raw records: an instrument's tick and lot (display precision) and the
// short, distinct plan labels. Each hook returns a string, so a row re-renders only when its own value
// changes.
import { DEFAULT_LOT, DEFAULT_TICK } from '../../../shared/domain/config.ts';
import type { DecStr } from '../../../shared/domain/decimal.ts';
import { currentTimeZone, useTimeZone } from '../store/settings.ts';
import type { TerminalState } from '../store/state.ts';
import { useTerminal } from '../store/store.ts';
import { type LabelSource, planLabels } from './plan-labels.ts';

/** The engine's instruments (snapshot.engine.instruments), empty before the first snapshot. */
export function instrumentsOf(state: TerminalState): TerminalState['instruments'] {
  return state.instruments;
}

export function tickOf(state: TerminalState, symbol: string | null | undefined): DecStr {
  return symbol == null ? DEFAULT_TICK : (instrumentsOf(state)[symbol]?.tick ?? DEFAULT_TICK);
}

export function lotOf(state: TerminalState, symbol: string | null | undefined): DecStr {
  return symbol == null ? DEFAULT_LOT : (instrumentsOf(state)[symbol]?.lot ?? DEFAULT_LOT);
}

export const useTick = (symbol: string | null | undefined): DecStr => useTerminal((s) => tickOf(s, symbol));
export const useLot = (symbol: string | null | undefined): DecStr => useTerminal((s) => lotOf(s, symbol));

/** Symbols the engine knows: its instruments and every symbol it has a price for. */
export function knownSymbols(state: TerminalState): string[] {
  const all = new Set([...Object.keys(instrumentsOf(state)), ...Object.keys(state.lastPrices)]);
  return [...all].sort();
}

// ---------------------------------------------------------------- plan labels

let memo: {
  plans: TerminalState['plans'];
  trades: TerminalState['trades'];
  zone: string;
  labels: Map<string, string>;
} | null = null;

/** Labels for every plan the terminal knows (and for trades whose plan it never saw), memoized. */
export function labelsOf(state: TerminalState, zone: string): Map<string, string> {
  if (memo && memo.plans === state.plans && memo.trades === state.trades && memo.zone === zone) {
    return memo.labels;
  }
  const sources: LabelSource[] = [];
  for (const id of state.plans.ids) {
    const p = state.plans.byId[id];
    if (p) sources.push({ id, symbol: p.input.symbol, time: p.receivedAt });
  }
  for (const t of state.trades) {
    if (!(t.planId in state.plans.byId)) sources.push({ id: t.planId, symbol: t.symbol, time: t.entryTime });
  }
  const labels = planLabels(sources, zone);
  memo = { plans: state.plans, trades: state.trades, zone, labels };
  return labels;
}

/** The plan's short label on screen (the full id if the terminal has never seen the plan). */
export function usePlanLabel(planId: string | null | undefined): string {
  const zone = useTimeZone();
  return useTerminal((s) => (planId == null ? '' : (labelsOf(s, zone).get(planId) ?? planId)));
}

/** The same outside React (notifications, toasts). */
export function planLabelNow(state: TerminalState, planId: string): string {
  return labelsOf(state, currentTimeZone()).get(planId) ?? planId;
}
