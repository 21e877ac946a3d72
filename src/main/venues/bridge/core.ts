// What every part of the bridge shares: the venue, the bridge's record of Braid's orders, the clock, and
// the one way out to the engine (emit) and to the operator (notice). The facade (execution-bridge.ts)
// builds it; each part keeps its own state and reaches the others only through this and what it is given.
import type { VenueEvent } from '../../engine/venues/venue.ts';
import type { LiveVenue, VenueInstrument } from '../venue.ts';
import type { TrackedOrders } from './tracked-orders.ts';

export interface BridgeNotice {
  level: 'info' | 'warning' | 'error';
  code: string;
  message: string;
  clientOrderId?: string;
  time: number;
}

export interface BridgeCore {
  readonly live: LiveVenue;
  readonly orders: TrackedOrders;
  now(): number;
  /** After dispose nothing reaches the engine and no request goes out. */
  disposed(): boolean;
  /** The venue's instrument with the config laid over it (reloaded at every reconciliation). */
  instrument(symbol: string): VenueInstrument | undefined;
  /** Braid's symbol for the venue's name of an instrument. */
  toBraid(venueSymbol: string): string;
  /** Queues an event for the engine (delivered later, one per turn). */
  emit(e: VenueEvent): void;
  notice(level: BridgeNotice['level'], code: string, message: string, clientOrderId?: string): void;
}

export const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));
