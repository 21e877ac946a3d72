// `braid serve [--demo] [--port N] [--db FILE] [--config FILE]` (product.md): the engine headless in a
// worker thread, the built renderer and the API on 127.0.0.1 behind a token. Prints one line
// `Braid UI ready at http://127.0.0.1:PORT/?token=TOKEN`, runs until SIGINT/SIGTERM, then stops the demo
// feed, closes every socket and the journal, and returns 0.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHostWorker } from '../host/worker-client.ts';
import { newToken } from '../serve/auth.ts';
import { startServer } from '../serve/server.ts';
import { parseFlags, UsageError } from './args.ts';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be 0..65535, got "${text}"`);
  return port;
}

function readConfig(path: string | undefined): unknown {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(
      `cannot read --config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

/** Resolves with the signal's name at the first SIGINT/SIGTERM, or when `stop` is called. */
function untilStopped(): { stopped: Promise<string>; stop: (why: string) => void; dispose: () => void } {
  let stop: (why: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stop = resolve;
  });
  const onSigint = () => stop('SIGINT');
  const onSigterm = () => stop('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  return {
    stopped,
    stop,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}

export async function runServe(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    demo: { type: 'boolean' },
    port: { type: 'string' },
    db: { type: 'string' },
    config: { type: 'string' },
  });
  if (positionals.length > 0)
    throw new UsageError(`serve takes no positional arguments: ${positionals.join(' ')}`);
  const port = parsePort(values.port);
  const config = readConfig(values.config);
  const stepMs = Number(process.env.BRAID_DEMO_STEP_MS ?? '');
  const log = (line: string) => process.stderr.write(`${line}\n`);

  // Signals are caught from here on, so a SIGTERM during start-up still shuts down cleanly.
  const signals = untilStopped();
  const tempDir = values.db ? null : mkdtempSync(join(tmpdir(), 'braid-serve-'));
  try {
    const hostResult = await startHostWorker(
      new URL('../host/worker.ts', import.meta.url),
      {
        config,
        journalPath: values.db ?? join(tempDir!, 'state.sqlite'),
        demo: values.demo
          ? { pricesPath: root('resources/sample/prices.csv'), ...(stepMs > 0 ? { stepMs } : {}) }
          : null,
      },
      { onDown: (reason) => signals.stop(`engine host down: ${reason}`) },
    );
    if (!hostResult.ok) {
      log(`braid: cannot start the engine: ${hostResult.error.message}`);
      return 2;
    }
    const host = hostResult.value;
    const token = newToken();
    const server = await startServer({ host, token, port, staticRoot: root('out/renderer'), log });
    if (!server.ok) {
      log(`braid: ${server.error.message}`);
      await host.close();
      return 2;
    }
    process.stdout.write(`Braid UI ready at ${server.value.url}\n`);

    const why = await signals.stopped;
    const clean = why === 'SIGINT' || why === 'SIGTERM';
    if (!clean) log(`braid: ${why}`);
    await server.value.close();
    await host.close();
    return clean ? 0 : 1;
  } finally {
    signals.dispose();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}
