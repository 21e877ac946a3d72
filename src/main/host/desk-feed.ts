// The desk as the terminal shows it (HostState.desk): the desk component's figures, read from PostgreSQL
// every few seconds (they change with other engines, not only with this one), in the contract's shape,
// and said to the host when they change.
import type { DeskView } from '../../shared/contract.ts';
import type { DeskView as DeskFigures } from '../desk/desk-view.ts';

export interface DeskFeed {
  view(): DeskView;
  onChange(listener: () => void): () => void;
  stop(): void;
}

const EVERY_MS = 2_000;

export function toDeskView(d: DeskFigures, now: number): DeskView {
  return {
    name: d.desk,
    engine: d.engine,
    connected: d.connected,
    engines: d.engines.map((e) => ({
      engine: e.engine,
      lastHeartbeatAt: e.heartbeatAt,
      alive: e.alive,
      holding: e.held,
    })),
    waiting: d.plans?.waiting ?? 0,
    claimed: d.plans?.claimed ?? 0,
    heldByDeadEngine: d.plans?.heldByDeadEngine ?? 0,
    buffered: d.outboxPending,
    ...(d.detail !== undefined ? { detail: d.detail } : {}),
    at: d.readAt ?? now,
  };
}

/**
 * Reads `read()` now and every `everyMs` (the desk may not exist yet: null), keeping the last view. A read
 * that fails keeps the last figures and says why in `detail`.
 */
export function startDeskFeed(options: {
  name: string;
  engine: string;
  read: () => Promise<DeskFigures> | null;
  now: () => number;
  everyMs?: number;
}): DeskFeed {
  let current: DeskView = {
    name: options.name,
    engine: options.engine,
    connected: false,
    engines: [],
    waiting: 0,
    claimed: 0,
    heldByDeadEngine: 0,
    buffered: 0,
    detail: 'joining the desk',
    at: options.now(),
  };
  let shown = JSON.stringify(current);
  const listeners = new Set<() => void>();
  let stopped = false;
  let reading = false;
  const set = (next: DeskView) => {
    current = next;
    const text = JSON.stringify({ ...next, at: 0 });
    if (text === shown) return;
    shown = text;
    for (const l of [...listeners]) l();
  };
  const tick = async () => {
    if (stopped || reading) return;
    const pending = options.read();
    if (pending === null) return;
    reading = true;
    try {
      set(toDeskView(await pending, options.now()));
    } catch (e) {
      set({ ...current, connected: false, detail: e instanceof Error ? e.message : String(e) });
    } finally {
      reading = false;
    }
  };
  const timer = setInterval(() => void tick(), options.everyMs ?? EVERY_MS);
  timer.unref?.();
  void tick();
  return {
    view: () => current,
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      listeners.clear();
    },
  };
}
