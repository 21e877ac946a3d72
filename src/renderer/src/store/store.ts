// The terminal store: fed only by pushed messages (and the renderer's own toasts). Components read it
// through narrow selectors so a P&L tick re-renders one row, not the blotter.
import { create } from 'zustand';
import type { PushMessage } from '../../../shared/contract.ts';
import { applyPush, toastFrom } from './reducer.ts';
import { initialState, type TerminalState, type Toast } from './state.ts';

export const useTerminal = create<TerminalState>()(() => initialState);

export function dispatchPush(message: PushMessage): void {
  useTerminal.setState((s) => applyPush(s, message), true);
}

/** A message from the renderer itself (a refused command, an export written). */
export function pushToast(level: Toast['level'], code: string, message: string): void {
  useTerminal.setState((s) => toastFrom(s, { level, code, message, time: null }));
}

export function dismissToast(seq: number): void {
  useTerminal.setState((s) => ({ toasts: s.toasts.filter((t) => t.seq !== seq) }));
}
