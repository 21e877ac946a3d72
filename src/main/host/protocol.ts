// Messages between a host client (Electron main, `braid serve`) and the engine host in a worker thread.
// Plain data only: they cross postMessage's structured clone.
import type { PushMessage } from '../../shared/contract.ts';
import type { Result } from '../../shared/result.ts';

export interface BootOptions {
  /** Raw config JSON (validated by the engine). */
  config?: unknown;
  /** Journal file; none: the engine's default (a temporary database). */
  journalPath?: string;
  /** Start a new journal even if the file exists (`braid serve --new`; the engine moves the old one aside). */
  fresh?: boolean;
  /** Replay bundled bars with the built-in signal source; engine time follows the bars. */
  demo?: { pricesPath: string; stepMs?: number } | null;
  /**
   * `braid serve`'s API token, kept in the journal's settings: 'keep' reads it (or makes one), 'rotate'
   * replaces it (`--new-token`). None (Electron): no token.
   */
  serveToken?: 'keep' | 'rotate';
  /** Where the venues' credentials come from headless (BRAID_KRAKEN_API_KEY, ...); the process's
   *  environment by default. */
  env?: Record<string, string | undefined>;
  /** Where the one-process-per-API-key locks live (a temporary folder by default). */
  keyLockDir?: string;
}

/** What the host reports once it runs. */
export interface BootInfo {
  /** The token for `braid serve` (null when not asked for one). */
  token: string | null;
}

/** Counts that must fall back to zero when clients leave (tests, leak checks). */
export interface HostStats {
  /** Subscriptions the worker holds on the host (each one a push hub subscriber). */
  subscriptions: number;
}

export type ToHost =
  | { kind: 'invoke'; id: number; name: unknown; args: unknown }
  | { kind: 'subscribe'; sid: number }
  | { kind: 'unsubscribe'; sid: number }
  | { kind: 'stats'; id: number }
  | { kind: 'close' };

export type FromHost =
  | { kind: 'ready'; result: Result<BootInfo> }
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { kind: 'push'; sid: number; message: PushMessage }
  | { kind: 'stats'; id: number; stats: HostStats }
  | { kind: 'closed' };
