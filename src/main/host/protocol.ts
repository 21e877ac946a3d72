// Messages between a host client (Electron main, `braid serve`) and the engine host in a worker thread.
// Plain data only: they cross postMessage's structured clone. One request goes the other way: the
// desktop app's credentials are kept by Electron main (safeStorage exists only there), so the host asks
// main to store what the Venues panel sent (`storeCredentials`, answered `credentialsStored`).
import type { PushMessage } from '../../shared/contract.ts';
import { err, type Result } from '../../shared/result.ts';

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
  /** Main stores the Venues panel's credentials (the desktop app's vault): set by startHostWorker when
   *  it is given a keeper for them. Absent (`braid serve`): the environment's are the only ones. */
  credentialsInMain?: boolean;
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
  /** Main's answer to `storeCredentials`: whether the vault holds them now (never the values). */
  | { kind: 'credentialsStored'; id: number; result: Result<null> }
  | { kind: 'close' };

export type FromHost =
  | { kind: 'ready'; result: Result<BootInfo> }
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { kind: 'push'; sid: number; message: PushMessage }
  | { kind: 'stats'; id: number; stats: HostStats }
  /** The host asks main to keep a venue's credentials in its vault. */
  | { kind: 'storeCredentials'; id: number; venue: string; apiKey: string; apiSecret: string }
  | { kind: 'closed' };

/** How long the host waits for main to store credentials (safeStorage may ask the keychain). */
export const STORE_CREDENTIALS_TIMEOUT_MS = 30_000;

export interface CredentialRequestTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The host's side of `storeCredentials`: requests by id, each settled by main's answer, a timeout or
 *  the channel closing, always with a Result. */
export interface CredentialRequests {
  /** Asks main to store the credentials (the registry's CredentialStore). */
  set(venue: string, apiKey: string, apiSecret: string): Promise<Result<null>>;
  /** Main's answer arrived. */
  answered(id: number, result: Result<null>): void;
  /** The channel is closing: every request still waiting is answered with an error. */
  close(): void;
  /** Requests waiting for main (tests, leak checks). */
  pending(): number;
}

export function credentialRequests(options: {
  post: (message: FromHost) => void;
  timeoutMs?: number;
  timers?: CredentialRequestTimers;
}): CredentialRequests {
  const timeoutMs = options.timeoutMs ?? STORE_CREDENTIALS_TIMEOUT_MS;
  const timers: CredentialRequestTimers = options.timers ?? {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  const waiting = new Map<number, { settle: (result: Result<null>) => void; timer: unknown }>();
  let nextId = 1;
  let closed = false;

  const settle = (id: number, result: Result<null>) => {
    const request = waiting.get(id);
    if (!request) return;
    waiting.delete(id);
    timers.clearTimeout(request.timer);
    request.settle(result);
  };

  return {
    set(venue, apiKey, apiSecret) {
      if (closed)
        return Promise.resolve(
          err('credentials_not_stored', 'the engine is shutting down: nothing was stored'),
        );
      const id = nextId++;
      return new Promise((resolve) => {
        const timer = timers.setTimeout(
          () =>
            settle(
              id,
              err(
                'credentials_not_stored',
                `the credential vault did not answer within ${timeoutMs / 1000} s: they may not be stored; enter them again`,
              ),
            ),
          timeoutMs,
        );
        waiting.set(id, { settle: resolve, timer });
        try {
          options.post({ kind: 'storeCredentials', id, venue, apiKey, apiSecret });
        } catch {
          // The message itself may hold the secret: not quoted.
          settle(id, err('credentials_not_stored', 'the credentials could not be passed to the vault'));
        }
      });
    },
    answered: (id, result) => settle(id, result),
    close() {
      closed = true;
      for (const id of [...waiting.keys()])
        settle(id, err('credentials_not_stored', 'the engine is shutting down: they may not be stored'));
    },
    pending: () => waiting.size,
  };
}
