// Messages between a host client (Electron main, `braid serve`) and the engine host in a worker thread.
// Plain data only: they cross postMessage's structured clone.
import type { PushMessage } from '../../shared/contract.ts';
import type { Result } from '../../shared/result.ts';

export interface BootOptions {
  /** Raw config JSON (validated by the engine). */
  config?: unknown;
  /** Journal file; none: the engine's default (a temporary database). */
  journalPath?: string;
  /** Replay bundled bars with the built-in signal source; engine time follows the bars. */
  demo?: { pricesPath: string; stepMs?: number } | null;
}

export type ToHost =
  | { kind: 'invoke'; id: number; name: unknown; args: unknown }
  | { kind: 'subscribe'; sid: number }
  | { kind: 'unsubscribe'; sid: number }
  | { kind: 'close' };

export type FromHost =
  | { kind: 'ready'; result: Result<null> }
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { kind: 'push'; sid: number; message: PushMessage }
  | { kind: 'closed' };
