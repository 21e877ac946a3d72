// `braid serve [--demo] [--port N] [--db FILE [--new]] [--new-token] [--config FILE] [--inbox FILE]`
// (product.md, desk.md): the
// engine headless in a worker thread, the built renderer and the API on 127.0.0.1 behind a token. Prints
// one line `Braid UI ready at http://127.0.0.1:PORT/?token=TOKEN` on stdout (a hint of what to do follows
// on stderr), runs until SIGINT/SIGTERM, then stops the demo feed, closes every socket and the journal,
// and returns 0. The token is kept in the journal: a restart on the same journal and port keeps open tabs
// working; `--new-token` issues another. Upstream plans come in through POST /api/plans and, with
// `--inbox FILE`, the embedded inbox (a SQLite file any local process inserts plans into).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppSnapshot } from '../../shared/contract.ts';
import { startHostWorker } from '../host/worker-client.ts';
import type { startInbox } from '../intake/inbox.ts';
import type { hostDoor } from '../intake/plan-door.ts';
import type { startServer } from '../serve/server.ts';
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

/**
 * Last resort for the serve process: a fault nobody caught is logged and the process goes on serving (the
 * engine, with its kill switch, runs in its worker either way). Returns the disposer.
 */
function keepRunningOnFaults(log: (line: string) => void): () => void {
  const describe = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e));
  const onException = (error: unknown) => log(`braid serve: unexpected error: ${describe(error)}`);
  const onRejection = (reason: unknown) => log(`braid serve: unexpected rejection: ${describe(reason)}`);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

/** One line saying what this run trades with, so a restart without --demo is never a surprise. */
function modeLine(snapshot: AppSnapshot, journal: string, demo: boolean): string {
  const { approval, tradingState } = snapshot.engine;
  // Live venues of the config: where orders go once LIVE is armed (credentials from the environment).
  const live = snapshot.host.venues
    .filter((v) => v.name !== 'paper')
    .map((v) => `${v.name} (${v.credentials === 'set' ? 'credentials set' : 'no credentials'})`);
  return (
    `braid: ${journal}: approval ${approval}, trading state ${tradingState}, ${snapshot.host.mode} mode, ` +
    `${demo ? 'demo feed' : 'no demo feed'}${live.length > 0 ? `, live venues: ${live.join(', ')}` : ''}`
  );
}

/** What serves the engine to clients: the HTTP and WebSocket API, the plan door, the inbox. */
async function servingModules(): Promise<{
  startServer: typeof startServer;
  hostDoor: typeof hostDoor;
  startInbox: typeof startInbox;
}> {
  const [server, door, inbox] = await Promise.all([
    import('../serve/server.ts'),
    import('../intake/plan-door.ts'),
    import('../intake/inbox.ts'),
  ]);
  return { startServer: server.startServer, hostDoor: door.hostDoor, startInbox: inbox.startInbox };
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
    new: { type: 'boolean' },
    'new-token': { type: 'boolean' },
    config: { type: 'string' },
    inbox: { type: 'string' },
  });
  if (positionals.length > 0)
    throw new UsageError(`serve takes no positional arguments: ${positionals.join(' ')}`);
  if (values.new && values.db === undefined)
    throw new UsageError('--new needs --db FILE (without --db every run has a new temporary journal)');
  const port = parsePort(values.port);
  const config = readConfig(values.config);
  const stepMs = Number(process.env.BRAID_DEMO_STEP_MS ?? '');
  // A reader of our output that went away (EPIPE: the terminal closed, the parent died) is not a fault:
  // logging it would write to the same broken pipe and fail again, for ever, spinning a core.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const log = (line: string) => {
    if (!process.stderr.destroyed) process.stderr.write(`${line}\n`);
  };

  // Signals are caught from here on, so a SIGTERM during start-up still shuts down cleanly.
  const signals = untilStopped();
  const disposeFaults = keepRunningOnFaults(log);
  const tempDir = values.db ? null : mkdtempSync(join(tmpdir(), 'braid-serve-'));
  const resumed =
    values.db !== undefined && !values.new && existsSync(values.db) && statSync(values.db).size > 0;
  try {
    const hostStarting = startHostWorker(
      // The launcher's entry for the worker: its TypeScript cache on that thread too, then host/worker.ts.
      new URL('../../../bin/engine-worker.js', import.meta.url),
      {
        config,
        journalPath: values.db ?? join(tempDir!, 'state.sqlite'),
        ...(values.new ? { fresh: true } : {}),
        demo: values.demo
          ? { pricesPath: root('resources/sample/prices.csv'), ...(stepMs > 0 ? { stepMs } : {}) }
          : null,
        serveToken: values['new-token'] ? 'rotate' : 'keep',
      },
      { onDown: (reason) => signals.stop(`engine host down: ${reason}`) },
    );
    // The server's modules load on this thread while the engine boots on its own.
    const [serving, hostResult] = await Promise.all([servingModules(), hostStarting]);
    if (!hostResult.ok) {
      const hint =
        hostResult.error.code === 'journal_refused'
          ? '; nothing was changed (--new moves it aside and starts a new journal)'
          : '';
      log(`braid: cannot start the engine: ${hostResult.error.message}${hint}`);
      return 2;
    }
    const host = hostResult.value;
    const token = host.info.token;
    if (token === null) {
      log('braid: the engine host gave no token');
      await host.close();
      return 2;
    }
    const snapshot = await host.invoke('getSnapshot', {});
    if (snapshot.ok) {
      const journal = values.db ? `${resumed ? 'resumed' : 'new'} journal ${values.db}` : 'temporary journal';
      log(modeLine(snapshot.value as AppSnapshot, journal, values.demo === true));
    }
    const door = serving.hostDoor(host);
    const server = await serving.startServer({
      host,
      token,
      port,
      staticRoot: root('out/renderer'),
      log,
      door,
    });
    if (!server.ok) {
      log(`braid: ${server.error.message}`);
      await host.close();
      return 2;
    }
    // The inbox's rows written while Braid was down are taken first, then each new one within 100 ms.
    const inbox = values.inbox === undefined ? null : serving.startInbox({ path: values.inbox, door, log });
    if (inbox !== null && !inbox.ok) {
      log(`braid: ${inbox.error.message}`);
      await server.value.close();
      await host.close();
      return 2;
    }
    process.stdout.write(`Braid UI ready at ${server.value.url}\n`);
    log('Open that address in a browser (the token in it is the key to this terminal); Ctrl+C stops Braid.');

    const why = await signals.stopped;
    const clean = why === 'SIGINT' || why === 'SIGTERM';
    if (!clean) log(`braid: ${why}`);
    await inbox?.value.close();
    await server.value.close();
    await host.close();
    return clean ? 0 : 1;
  } finally {
    signals.dispose();
    disposeFaults();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}
