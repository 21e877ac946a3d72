// The launcher of `braid serve` on Linux: it re-executes itself once with glibc's malloc thresholds fixed
// (so RSS comes back after a burst of clients), in place: the same PID serves, and a signal to it stops it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';

const BIN = fileURLToPath(new URL('../../bin/braid.js', import.meta.url));
const READY = /^Braid UI ready at http:\/\/127\.0\.0\.1:(\d+)\/\?token=[0-9a-f]{64}$/m;

const environOf = (pid: number): Record<string, string> =>
  Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter((kv) => kv.includes('='))
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );

describe.runIf(process.platform === 'linux')('braid serve launcher', () => {
  it('serves from the PID it was started as, with the malloc thresholds set, and stops on SIGINT', async () => {
    const env = { ...process.env };
    delete env.MALLOC_TRIM_THRESHOLD_;
    delete env.MALLOC_MMAP_THRESHOLD_;
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    try {
      const ready = await waitFor('the ready line', () => READY.exec(stdout), 30_000);
      const port = Number(ready[1]);
      const environ = environOf(child.pid!);
      expect(environ.MALLOC_MMAP_THRESHOLD_).toBe('131072');
      expect(environ.MALLOC_TRIM_THRESHOLD_).toBe('131072');
      // The process we started is the one listening: the UI answers from it.
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exit).toBe(0);
  });
});
