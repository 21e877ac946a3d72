// A venue's seat in the registry: the LiveVenue the execution bridge holds for the engine's whole run,
// passing every call and event to the adapter behind it. New credentials replace the adapter, not the
// seat, so the engine (which took the bridge at start) never sees the swap.
import type { LiveVenue, VenueEvent } from './venue.ts';

/** A stand-in LiveVenue that passes every call and event to the adapter behind it, which can be replaced. */
export interface VenueSeat extends LiveVenue {
  replace(next: LiveVenue): void;
}

export function venueSeat(first: LiveVenue): VenueSeat {
  let current = first;
  const listeners = new Set<(event: VenueEvent) => void>();
  const forward = (event: VenueEvent) => {
    for (const l of [...listeners]) l(event);
  };
  // Subscribed to the adapter only while someone listens, so a stopped registry leaves it no listener.
  let unsubscribe: (() => void) | null = null;
  return {
    name: first.name,
    get capabilities() {
      return current.capabilities;
    },
    replace(next) {
      unsubscribe?.();
      current = next;
      unsubscribe = listeners.size > 0 ? next.onEvent(forward) : null;
    },
    connect: () => current.connect(),
    disconnect: () => current.disconnect(),
    health: () => current.health(),
    onEvent(listener) {
      listeners.add(listener);
      unsubscribe ??= current.onEvent(forward);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          unsubscribe?.();
          unsubscribe = null;
        }
      };
    },
    instruments: () => current.instruments(),
    submit: (order) => current.submit(order),
    modify: (ref, change) => current.modify(ref, change),
    cancel: (ref) => current.cancel(ref),
    cancelAll: () => current.cancelAll(),
    orderStatus: (ref) => current.orderStatus(ref),
    openOrders: () => current.openOrders(),
    fillsSince: (cursor) => current.fillsSince(cursor),
    positions: () => current.positions(),
    balances: () => current.balances(),
    massStatus: (cursor) => current.massStatus(cursor),
    ticker: (symbol) => current.ticker(symbol),
    candles: (symbol, interval, since) => current.candles(symbol, interval, since),
    // The venue's native bracket where the adapter seated now has one (the bridge asks its capabilities).
    submitBracket: async (bracket) => {
      if (current.submitBracket) return current.submitBracket(bracket);
      const none = {
        kind: 'rejected',
        reason: 'invalid_order',
        message: `${current.name} holds no brackets`,
      } as const;
      return { entry: none, stopLoss: none, takeProfit: none };
    },
    armDeadMan: async (seconds) =>
      current.armDeadMan
        ? current.armDeadMan(seconds)
        : { ok: false, message: `${current.name} has no dead-man switch`, retryable: false },
  };
}
