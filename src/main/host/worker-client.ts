// The client side of the engine host worker: the same HostHandle as an in-process host, over postMessage.
// If the worker dies, every pending and later command gets an error Result: nothing hangs, nothing throws.
// Args the structured clone cannot copy (too deep, a function) are refused here with an error Result;
// transports parse commands before they get here, so this is the second line, not the first.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { PushMessage } from '../../shared/contract.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { startPageCheck } from '../engine/journal/page-check.ts';
import { redact } from '../venues/credentials.ts';
import type { BootInfo, BootOptions, FromHost, HostStats, ToHost } from './protocol.ts';
import type { HostHandle } from './types.ts';

const CLOSE_TIMEOUT_MS = 10_000;
/**
 * The engine thread's young generation, in MB. V8 grows it under a burst of commands (clients asking for
 * snapshots) and gives it back only slowly; bounded, the memory a burst took returns within seconds once
 * it is over (bench/serve-memory.bench.ts). The engine's own work allocates little that lives.
 */
const YOUNG_GENERATION_MB = 8;

export interface WorkerHooks {
  /** The worker stopped without being asked to (a crash): the host is unusable from now on. */
  onDown?: (reason: string) => void;
  /**
   * Keeps a venue's credentials (Electron main: the safeStorage vault). Given, the host sends the Venues
   * panel's credentials here and uses them at once; absent (`braid serve`), it reads the environment only.
   */
  storeCredentials?: (
    venue: string,
    credentials: { apiKey: string; apiSecret: string },
  ) => Promise<Result<null>>;
}

/** The keeper's answer as it goes back: ok, or its error with the values taken out; never a throw. */
async function storeWith(
  keeper: NonNullable<WorkerHooks['storeCredentials']>,
  request: Extract<FromHost, { kind: 'storeCredentials' }>,
): Promise<Result<null>> {
  const { venue, apiKey, apiSecret } = request;
  const clean = (text: string) => redact(text, apiKey, apiSecret);
  try {
    const result = await keeper(venue, { apiKey, apiSecret });
    return result.ok ? ok(null) : err(result.error.code, clean(result.error.message));
  } catch (error) {
    return err(
      'credentials_not_stored',
      `the ${venue} credentials were not stored: ${clean(error instanceof Error ? error.message : String(error))}`,
    );
  }
}

export interface ClientStats {
  /** Commands sent to the worker and not answered yet. */
  pending: number;
  /** Subscribers on this side of the channel. */
  listeners: number;
}

export interface WorkerHost extends HostHandle {
  /** What the worker reported at boot (the serve token). */
  readonly info: BootInfo;
  /** Live counts on both sides of the channel; null once the worker is down. */
  stats(): Promise<(HostStats & ClientStats) | null>;
}

export function startHostWorker(
  workerPath: string | URL,
  options: BootOptions,
  hooks: WorkerHooks = {},
): Promise<Result<WorkerHost>> {
  return new Promise((resolveStart) => {
    let worker: Worker;
    // The journal's pages are checked (the one start-up check that grows with the history) on a thread
    // of their own from now, while the engine's thread starts, loads and rebuilds its state (it is
    // handed the shared verdict and waits for it before its first write).
    const journal = options.journalPath;
    const pageCheck =
      journal !== undefined && !options.fresh && existsSync(journal) ? startPageCheck(journal) : null;
    try {
      worker = new Worker(workerPath, {
        workerData: {
          ...options,
          ...(hooks.storeCredentials ? { credentialsInMain: true } : {}),
          ...(pageCheck ? { pageCheck } : {}),
        },
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
    } catch (error) {
      resolveStart(err('worker_failed', error instanceof Error ? error.message : String(error)));
      return;
    }
    let started = false;
    let down: string | null = null;
    let closing = false;
    let nextId = 1;
    let nextSid = 1;
    let info: BootInfo = { token: null };
    const pending = new Map<number, (result: Result<unknown>) => void>();
    const statsWaiting = new Map<number, (stats: HostStats | null) => void>();
    const listeners = new Map<number, (message: PushMessage) => void>();
    let onClosed: (() => void) | null = null;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

    /** Posts a message; the reason it cannot be cloned, or null. */
    const send = (message: ToHost): string | null => {
      if (down !== null) return null;
      try {
        worker.postMessage(message);
        return null;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    };

    const fail = (reason: string) => {
      if (down !== null) return;
      down = reason;
      for (const resolve of pending.values()) resolve(err('host_down', reason));
      pending.clear();
      for (const resolve of statsWaiting.values()) resolve(null);
      statsWaiting.clear();
      listeners.clear();
      onClosed?.();
      if (!started) resolveStart(err('worker_failed', reason));
      else if (!closing) hooks.onDown?.(reason);
    };

    worker.on('message', (message: FromHost) => {
      switch (message.kind) {
        case 'ready':
          started = true;
          // A worker that failed to boot exits next: that is its answer, not a crash.
          if (!message.result.ok) {
            closing = true;
            resolveStart(message.result);
            return;
          }
          info = message.result.value;
          resolveStart(ok(handle));
          return;
        case 'result':
          pending.get(message.id)?.(message.result);
          pending.delete(message.id);
          return;
        case 'push':
          listeners.get(message.sid)?.(message.message);
          return;
        case 'stats':
          statsWaiting.get(message.id)?.(message.stats);
          statsWaiting.delete(message.id);
          return;
        case 'storeCredentials': {
          const keeper = hooks.storeCredentials;
          const { id } = message;
          const stored = keeper
            ? storeWith(keeper, message)
            : Promise.resolve(err('credentials_not_stored', 'this host keeps no credentials'));
          void stored.then((result) => send({ kind: 'credentialsStored', id, result }));
          return;
        }
        case 'closed':
          fail('the engine is shut down');
          return;
      }
    });
    worker.on('error', (error: unknown) =>
      fail(`engine host failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    worker.on('exit', (code) => fail(`engine host exited (code ${code})`));

    const handle: WorkerHost = {
      get info() {
        return info;
      },
      invoke(name, args) {
        if (down !== null) return Promise.resolve(err('host_down', down));
        const id = nextId++;
        return new Promise((resolve) => {
          pending.set(id, resolve);
          const refused = send({ kind: 'invoke', id, name, args });
          if (refused !== null) {
            pending.delete(id);
            resolve(err('invalid_input', `the command cannot be passed to the engine: ${refused}`));
          }
        });
      },
      subscribe(listener) {
        if (down !== null) return () => {};
        const sid = nextSid++;
        listeners.set(sid, listener);
        send({ kind: 'subscribe', sid });
        return () => {
          if (listeners.delete(sid)) send({ kind: 'unsubscribe', sid });
        };
      },
      stats() {
        if (down !== null) return Promise.resolve(null);
        const id = nextId++;
        return new Promise((resolve) => {
          statsWaiting.set(id, (stats) =>
            resolve(stats === null ? null : { ...stats, pending: pending.size, listeners: listeners.size }),
          );
          send({ kind: 'stats', id });
        });
      },
      async close() {
        closing = true;
        if (down === null) {
          const closed = new Promise<void>((resolve) => {
            onClosed = resolve;
          });
          send({ kind: 'close' });
          const timeout = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref());
          await Promise.race([closed, timeout]);
        }
        // The engine is closed (or hung): the thread itself goes now.
        await Promise.race([exited, worker.terminate().then(() => undefined)]);
      },
    };
  });
}
