// `braid serve` whose reader went away (the terminal closed, the parent that piped its output died): the
// next write to stdout or stderr fails with EPIPE. That is not a fault to log (the log goes to the same
// broken pipe, which fails again, for ever, spinning a core): the server runs on, and SIGTERM still stops it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';

const BIN = fileURLToPath(new URL('../../bin/braid.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('braid serve after its reader went away', () => {
  it('keeps serving with stdout and stderr closed under it, and SIGTERM still ends it with 0', async () => {
    dir = mkdtempSync(join(tmpdir(), 'braid-lost-reader-'));
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', String(port), '--db', join(dir, 's.sqlite')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // The reading ends close at once: every line braid serve writes from now on meets EPIPE.
    child.stdout.destroy();
    child.stderr.destroy();
    await waitFor('the server listening', () => listening(port), 30_000);
    // It answers (the ready line and its hint met a closed pipe on the way).
    const res = await fetch(`http://127.0.0.1:${port}/api/snapshot`);
    expect(res.status).toBe(401);
    child.kill('SIGTERM');
    const code = await Promise.race([
      exit,
      new Promise<'still running'>((resolve) => {
        const t = setTimeout(() => resolve('still running'), 20_000);
        void exit.then(() => clearTimeout(t));
      }),
    ]);
    if (code === 'still running') child.kill('SIGKILL');
    expect(code).toBe(0);
  }, 60_000);
});
