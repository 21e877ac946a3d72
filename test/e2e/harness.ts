// End-to-end harness: `braid serve --demo --port 0` in a child process, Debian's Chromium driven by
// playwright-core with a fresh profile, and a clean stop of both.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OUTPUT_DIR = join(ROOT, 'test-output');
const READY = /Braid UI ready at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9A-Za-z]+))/;

export interface Served {
  url: string;
  origin: string;
  token: string;
  port: number;
  stop(): Promise<void>;
  /** Everything the server wrote to stderr (shown when a test fails). */
  log(): string;
}

/** The e2e tests load the built renderer: build it once if this checkout has never been built. */
export async function ensureRendererBuilt(): Promise<void> {
  if (existsSync(join(ROOT, 'out/renderer/index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.web.config.ts'), logLevel: 'warn' });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export interface ServeOptions {
  demoStepMs?: number;
  timeoutMs?: number;
  /** The journal (`--db`); a temporary one of the server's own when absent. */
  db?: string;
  /** `--port`; 0 (a free port) when absent. */
  port?: number;
}

/** Starts `node bin/braid.js serve --demo --port N [--db FILE]` and waits for its ready line. */
export async function startServe(options: ServeOptions = {}): Promise<Served> {
  const env = { ...process.env };
  if (options.demoStepMs !== undefined) env.BRAID_DEMO_STEP_MS = String(options.demoStepMs);
  const args = ['bin/braid.js', 'serve', '--demo', '--port', String(options.port ?? 0)];
  if (options.db !== undefined) args.push('--db', options.db);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited(child);
    clearTimeout(timer);
  };

  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      reject(new Error(`braid serve printed no ready line in ${options.timeoutMs ?? 30_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const m = READY.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`braid serve exited (${code ?? signal}) before it was ready\n${stderr}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  const url = match[1]!;
  return {
    url,
    origin: new URL(url).origin,
    token: match[3]!,
    port: Number(match[2]),
    stop,
    log: () => stderr,
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Chromium with a fresh, throw-away profile (a new --user-data-dir every run). */
export async function launchChromium(
  viewport: { width: number; height: number } = { width: 1680, height: 1000 },
): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'braid-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport,
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function outputPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return join(OUTPUT_DIR, name);
}

/** Splits one CSV line (RFC 4180 quoting) into fields. */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}
