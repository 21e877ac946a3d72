// The host's view of the venues: what the Venues panel shows and the operator's venue commands
// (test a connection, store credentials). The live registry (connections, reconciliation) implements
// this; without live venues, the paper venue alone answers.
import type { VenueView } from '../../shared/contract.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { Disposer } from './types.ts';

export interface VenueDesk {
  list(): VenueView[];
  /** One round trip to the venue (a balance read where it has credentials). */
  test(venue: string): Promise<Result<{ latencyMs: number }>>;
  /** Stores credentials where the host keeps them (the app: safeStorage). Values never come back. */
  setCredentials(venue: string, apiKey: string, apiSecret: string): Promise<Result<null>>;
  /** The kill switch's venue side: each live venue's cancel-all (Kraken CancelAll, IB reqGlobalCancel),
   *  beside the engine's own cancel of every order it knows: orders it does not know go too. */
  cancelAllEverywhere?(): Promise<void>;
  /** Called when anything a VenueView shows changes. */
  onChange(listener: () => void): Disposer;
}

export const PAPER_VIEW: VenueView = {
  name: 'paper',
  live: false,
  state: 'connected',
  reconciling: false,
  lastReconciledAt: null,
  latencyMs: 0,
  rateBudgetUsed: 0,
  credentials: 'none_needed',
  deadMan: { state: 'unsupported' },
};

/** Paper only: nothing to connect, no credentials to keep. */
export function paperOnlyDesk(): VenueDesk {
  return {
    list: () => [PAPER_VIEW],
    test: async (venue) =>
      venue === 'paper'
        ? ok({ latencyMs: 0 })
        : err('venue_not_configured', `${venue} is not configured: add venues.${venue} to the config`),
    setCredentials: async (venue) =>
      err(
        'venue_not_configured',
        venue === 'paper'
          ? 'the paper venue needs no credentials'
          : `${venue} is not configured: add venues.${venue} to the config`,
      ),
    onChange: () => () => {},
  };
}
