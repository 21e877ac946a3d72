// The newcomer path, as the README gives it: a fresh clone of the committed tree, `npm ci`,
// `npm run build:web`, then `npx braid serve --demo`; the page opens (no 503 "UI not built") and a plan
// of the demo reaches the approval queue; Ctrl+C (SIGINT) stops Braid with exit 0. `npm ci` runs no
// install script of any dependency (.npmrc), which the clone's install proves by leaving none behind.
// Slow by nature (npm ci from the local npm cache, then a UI build): about a minute.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium, ROOT } from './harness.ts';

const READY = /Braid UI ready at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9A-Za-z]+)/;
const INSTALL_MS = 5 * 60_000;
const SERVE_MS = 90_000;
const QUEUE_MS = 60_000;

let work: string;
let clone: string;
let browser: Browser | null = null;
/** Every process this file starts, each the leader of its own process group (killed whole at the end). */
const started: ChildProcess[] = [];

/** The environment of a newcomer's shell: none of this test runner's or of an enclosing `npm test`. */
function newcomerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|npm_package_|npm_lifecycle_)/.test(key)) continue;
    if (['NODE_ENV', 'INIT_CWD', 'npm_config_local_prefix', 'TEST'].includes(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(command: string, args: string[], cwd: string, env = newcomerEnv()): Run {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    output += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    output += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code, signal) => done({ code, signal }));
  });
  return { child, output: () => output, exit };
}

/** Runs a command to its end; fails with its output when it does not exit 0 within `ms`. */
async function runToEnd(command: string, args: string[], cwd: string, ms: number, env?: NodeJS.ProcessEnv) {
  const r = run(command, args, cwd, env);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((done) => {
    timer = setTimeout(() => done('timeout'), ms);
  });
  const result = await Promise.race([r.exit, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    killGroup(r.child);
    throw new Error(`${command} ${args.join(' ')} took over ${ms} ms:\n${r.output().slice(-3000)}`);
  }
  if (result.code !== 0)
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code ?? result.signal}:\n${r.output().slice(-3000)}`,
    );
  return r.output();
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Resolves with the first match of `re` in the output, or rejects when the process exits or time runs out. */
function waitForOutput(r: Run, re: RegExp, ms: number): Promise<RegExpExecArray> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      fail(new Error(`no ${re} within ${ms} ms:\n${r.output().slice(-3000)}`));
    }, ms);
    const poll = setInterval(() => {
      const m = re.exec(r.output());
      if (m) {
        clearInterval(poll);
        clearTimeout(timer);
        done(m);
      } else if (r.child.exitCode !== null || r.child.signalCode !== null) {
        clearInterval(poll);
        clearTimeout(timer);
        fail(new Error(`exited (${r.child.exitCode ?? r.child.signalCode}) before ${re}:\n${r.output()}`));
      }
    }, 50);
  });
}

/** Process ids under `pid` (Linux /proc), nearest first. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const [child, ppid] of parent) {
      if (ppid === p) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

const cmdline = (pid: number): string[] => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'braid-newcomer-'));
  clone = join(work, 'braid');
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  for (const child of started) killGroup(child);
  if (work) {
    rmSync(work, { recursive: true, force: true });
    // `npx braid` in a project runs the project's own bin through an entry in npm's cache that links to
    // it; drop the entry of this clone, now gone.
    const npx = join(process.env.npm_config_cache ?? join(homedir(), '.npm'), '_npx');
    for (const entry of existsSync(npx) ? readdirSync(npx) : []) {
      const link = join(npx, entry, 'node_modules', 'braid');
      try {
        if (resolve(join(npx, entry, 'node_modules'), readlinkSync(link)) === clone)
          rmSync(join(npx, entry), { recursive: true, force: true });
      } catch {
        // not a link to a project
      }
    }
  }
}, 180_000); // the clone's node_modules (~330 MB) can take a while to remove on a busy disk

describe('the newcomer path: clone, npm ci, npm run build:web, npx braid serve --demo', () => {
  it(
    'the page opens and a demo plan reaches the approval queue; Ctrl+C stops Braid with exit 0',
    async (ctx) => {
      await runToEnd('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], work, 60_000);
      if (!existsSync(join(clone, 'package-lock.json'))) {
        ctx.skip('the committed tree has no package-lock.json: `npm ci` cannot run on it');
        return;
      }
      // With scripts shown (--foreground-scripts), any install script would print here: ccxt's postinstall
      // prints its banner and fetches api.github.com. The clone's .npmrc keeps every one from running.
      const install = await runToEnd(
        'npm',
        ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts'],
        clone,
        INSTALL_MS,
        newcomerEnv({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }),
      );
      expect(install).not.toMatch(/postinstall|node-gyp-build|████/);
      await runToEnd('npm', ['run', 'build:web'], clone, INSTALL_MS);
      expect(existsSync(join(clone, 'out/renderer/index.html'))).toBe(true);

      const serve = run(
        'npx',
        ['braid', 'serve', '--demo', '--port', '0'],
        clone,
        newcomerEnv({ BRAID_DEMO_STEP_MS: '40' }),
      );
      const url = (await waitForOutput(serve, READY, SERVE_MS))[1]!;

      browser = await launchChromium({ width: 1366, height: 768 });
      const response = await browser.page.goto(url);
      expect(response?.status()).toBe(200);
      const queue = browser.page.getByRole('region', { name: 'Approval queue', exact: true });
      await queue
        .getByRole('button', { name: 'Approve', exact: true })
        .first()
        .waitFor({ timeout: QUEUE_MS });

      // Ctrl+C reaches Braid itself (npx's child of a child): it stops cleanly, and npx passes its 0 on.
      const braid = descendants(serve.child.pid!).find((pid) => {
        const args = cmdline(pid);
        return args.some((a) => a.endsWith('braid') || a.endsWith('braid.js')) && args.includes('serve');
      });
      expect(braid, `no braid process under npx:\n${serve.output()}`).toBeDefined();
      process.kill(braid!, 'SIGINT');
      expect(await serve.exit).toEqual({ code: 0, signal: null });
    },
    INSTALL_MS + SERVE_MS + QUEUE_MS + 60_000,
  );
});
