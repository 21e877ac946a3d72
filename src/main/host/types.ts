// The engine host as transports see it (Electron IPC, the `braid serve` WebSocket), wherever it runs
// (in process or in a worker thread). Everything returns a Result: nothing throws across it.
import type { PushMessage } from '../../shared/contract.ts';
import type { Result } from '../../shared/result.ts';

export type Disposer = () => void;

export interface HostHandle {
  /** Raw name and args from a transport: the host parses them with the contract's schemas. */
  invoke(name: unknown, args: unknown): Promise<Result<unknown>>;
  /** The listener gets a snapshot first, then batches of events (at most one per frame). */
  subscribe(listener: (message: PushMessage) => void): Disposer;
  /** Stops the demo feed, the push batching and closes the engine. Idempotent. */
  close(): Promise<void>;
}
