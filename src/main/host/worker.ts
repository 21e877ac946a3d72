// The engine host in a worker thread: journal writes, fills and risk checks never run on the thread that
// serves the UI (Electron main, the `braid serve` HTTP server). Protocol in protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { err } from '../../shared/result.ts';
import { bootHost } from './boot.ts';
import type { BootOptions, FromHost, ToHost } from './protocol.ts';
import type { Disposer } from './types.ts';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread');

const post = (message: FromHost) => port.postMessage(message);

let booted: ReturnType<typeof bootHost>;
try {
  booted = bootHost(workerData as BootOptions);
} catch (error) {
  booted = err('boot_failed', error instanceof Error ? error.message : String(error));
}

if (!booted.ok) {
  post({ kind: 'ready', result: booted });
  port.close();
} else {
  const host = booted.value;
  const subscriptions = new Map<number, Disposer>();
  port.on('message', (message: ToHost) => {
    switch (message.kind) {
      case 'invoke':
        void host
          .invoke(message.name, message.args)
          .then((result) => post({ kind: 'result', id: message.id, result }));
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
      case 'close':
        for (const dispose of subscriptions.values()) dispose();
        subscriptions.clear();
        void host
          .close()
          .catch((error: unknown) =>
            process.stderr.write(`braid: closing the engine failed: ${String(error)}\n`),
          )
          .finally(() => {
            post({ kind: 'closed' });
            port.close();
          });
        return;
    }
  });
  post({ kind: 'ready', result: { ok: true, value: null } });
}
