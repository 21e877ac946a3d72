// `braid serve --config FILE --db FILE` processes on one desk, for the exactly-once test and the bench:
// started and waited for (the ready line), stopped, killed with SIGKILL, paused with SIGSTOP/SIGCONT.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppSnapshot } from '../../src/shared/contract.ts';
import { waitFor } from '../helpers/wait.ts';
import { deskConfig } from './desk-helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/braid.js', import.meta.url));
const READY = /Braid UI ready at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})/;

export interface ServedEngine {
  name: string;
  pid: number;
  /** GET /api/snapshot with the token. */
  snapshot(): Promise<AppSnapshot>;
  stderr(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  kill9(): Promise<void>;
  pause(): void;
  resume(): void;
  exited(): boolean;
}

/** One engine: its config (desk engine NAME) and its journal in `dir`, which stay across restarts. */
export async function serveEngine(
  dir: string,
  name: string,
  url: string,
  env: Record<string, string> = {},
): Promise<ServedEngine> {
  const config = join(dir, `${name}.json`);
  writeFileSync(config, JSON.stringify(deskConfig(url, name)));
  let out = '';
  let errText = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--db', join(dir, `${name}.sqlite`), '--config', config],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    // Only the tail: a long run's stderr is not kept whole.
    errText = (errText + String(d)).slice(-20_000);
  });
  const ready = await waitFor(
    `${name} ready`,
    () => {
      if (exited) throw new Error(`braid serve ${name} exited: ${errText}`);
      return READY.exec(out);
    },
    // A loaded machine starts a node process slowly (type stripping, the worker thread).
    90_000,
  ).catch((e: unknown) => {
    child.kill('SIGKILL');
    throw e;
  });
  const base = `http://127.0.0.1:${ready[1]}`;
  return {
    name,
    pid: child.pid!,
    async snapshot() {
      const res = await fetch(`${base}/api/snapshot`, { headers: { authorization: `Bearer ${ready[2]}` } });
      const body = (await res.json()) as { ok: true; value: AppSnapshot } | AppSnapshot;
      return 'ok' in body ? body.value : body;
    },
    stderr: () => errText,
    async stop() {
      if (exited) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exit;
    },
    async kill9() {
      if (exited) return;
      child.kill('SIGKILL');
      await exit;
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    exited: () => exited,
  };
}
