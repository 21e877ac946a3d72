// The engine host in a worker thread: journal writes, fills and risk checks never run on the thread that
// serves the UI (Electron main, the `braid serve` HTTP server). Protocol in protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { err, type Result } from '../../shared/result.ts';
import type { PendingPageCheck } from '../engine/journal/page-check.ts';
import { type BootOptions, credentialRequests, type FromHost, type ToHost } from './protocol.ts';
import type { Disposer } from './types.ts';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread');

const log = (line: string) => process.stderr.write(`${line}\n`);
const describe = (error: unknown) =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

// Last resort: a fault nobody caught is logged, and the engine (with the kill switch) keeps running.
process.on('uncaughtException', (error) => log(`braid: engine host: unexpected error: ${describe(error)}`));
process.on('unhandledRejection', (reason) =>
  log(`braid: engine host: unexpected rejection: ${describe(reason)}`),
);

const post = (message: FromHost) => port.postMessage(message);

/** A result that cannot be cloned (it should never happen) is answered with an error, not lost. */
const postResult = (id: number, result: Result<unknown>) => {
  try {
    post({ kind: 'result', id, result });
  } catch (error) {
    log(`braid: engine host: cannot send a result: ${describe(error)}`);
    post({ kind: 'result', id, result: err('internal', 'the answer could not be sent') });
  }
};

const options = workerData as BootOptions & { pageCheck?: PendingPageCheck };
// The journal's pages are being checked on a thread of their own (worker-client.ts started it) while the
// engine's modules load and its state is rebuilt; the journal waits for the verdict before its first write.
const { bootHost } = await import('./boot.ts');
// In the desktop app the Venues panel's credentials go to main's vault (safeStorage is main's only).
const credentials = options.credentialsInMain ? credentialRequests({ post }) : null;

let booted: Awaited<ReturnType<typeof bootHost>>;
try {
  booted = await bootHost(options, {
    ...(credentials ? { credentialStore: credentials } : {}),
    journalPagesCheck: options.pageCheck ?? null,
  });
} catch (error) {
  booted = err('boot_failed', error instanceof Error ? error.message : String(error));
}

if (!booted.ok) {
  post({ kind: 'ready', result: booted });
  port.close();
} else {
  const { host, info } = booted.value;
  const subscriptions = new Map<number, Disposer>();
  port.on('message', (message: ToHost) => {
    switch (message.kind) {
      case 'invoke':
        host.invoke(message.name, message.args).then(
          (result) => postResult(message.id, result),
          (error: unknown) => postResult(message.id, err('internal', describe(error))),
        );
        return;
      case 'subscribe':
        subscriptions.get(message.sid)?.();
        subscriptions.set(
          message.sid,
          host.subscribe((push) => post({ kind: 'push', sid: message.sid, message: push })),
        );
        return;
      case 'unsubscribe':
        subscriptions.get(message.sid)?.();
        subscriptions.delete(message.sid);
        return;
      case 'stats':
        post({ kind: 'stats', id: message.id, stats: { subscriptions: subscriptions.size } });
        return;
      case 'credentialsStored':
        credentials?.answered(message.id, message.result);
        return;
      case 'close':
        // Main answers nothing more: a command waiting on the vault ends now, so the close is not held up.
        credentials?.close();
        for (const dispose of subscriptions.values()) dispose();
        subscriptions.clear();
        void host
          .close()
          .catch((error: unknown) => log(`braid: closing the engine failed: ${String(error)}`))
          .finally(() => {
            post({ kind: 'closed' });
            port.close();
          });
        return;
    }
  });
  post({ kind: 'ready', result: { ok: true, value: info } });
}
