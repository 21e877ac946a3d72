// View state that is the operator's, not the engine's: selections, long tasks. (The engine link is in
// connection.ts, the operator's persisted settings in settings.ts.)
import { create } from 'zustand';

export interface UiState {
  /** The symbol the chart shows (set by clicking a row anywhere). */
  symbol: string | null;
  /** Long work started from this window (export), for the progress indicator. */
  tasks: readonly string[];
  /** The approval queue's keyboard selection (a plan id). */
  queueSelected: string | null;
  /** The order whose price and quantity are being changed in its Orders row (one at a time). */
  editingOrder: string | null;
}

export const useUi = create<UiState>()(() => ({
  symbol: null,
  tasks: [],
  queueSelected: null,
  editingOrder: null,
}));

export const selectSymbol = (symbol: string): void => useUi.setState({ symbol });
export const editOrder = (orderId: string | null): void => useUi.setState({ editingOrder: orderId });

/** Runs long work with the progress indicator shown until it settles. */
export async function withTask<T>(task: string, work: () => Promise<T>): Promise<T> {
  useUi.setState((s) => ({ tasks: [...s.tasks, task] }));
  try {
    return await work();
  } finally {
    useUi.setState((s) => {
      const at = s.tasks.indexOf(task);
      return { tasks: at < 0 ? s.tasks : [...s.tasks.slice(0, at), ...s.tasks.slice(at + 1)] };
    });
  }
}
