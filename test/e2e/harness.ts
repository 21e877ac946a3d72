// End-to-end harness: `braid serve --demo --port 0` in a child process, Debian's Chromium driven by
// playwright-core with a fresh profile, and a clean stop of both.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
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

/** The newest modification time of a file below `dir` (ms; 0 when it has none). */
function newestBelow(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The e2e tests load the built renderer: build it when this checkout has never been built, or when a
 *  source of the renderer changed since (a stale build tests yesterday's screen). `npm test` builds it
 *  first, so there this only looks. */
export async function ensureRendererBuilt(): Promise<void> {
  const index = join(ROOT, 'out/renderer/index.html');
  const sources = Math.max(newestBelow(join(ROOT, 'src/renderer')), newestBelow(join(ROOT, 'src/shared')));
  const fresh = () => existsSync(index) && statSync(index).mtimeMs >= sources;
  if (fresh()) return;
  // Test files run in parallel: one builds, the others wait for its lock to go (a build empties out/).
  const lock = join(ROOT, 'out/.renderer-build.lock');
  mkdirSync(join(ROOT, 'out'), { recursive: true });
  try {
    mkdirSync(lock);
  } catch {
    const deadline = Date.now() + 180_000;
    while (existsSync(lock) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (fresh()) return;
    throw new Error('another test file was building the renderer and did not finish');
  }
  try {
    const { build } = await import('vite');
    // Vitest sets NODE_ENV=test and Vite keeps it: React's development build would be what is tested.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(ROOT, 'vite.web.config.ts'), logLevel: 'warn', mode: 'production' });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export interface ServeOptions {
  /** `--demo` (the bundled bars and signal source); true when absent. */
  demo?: boolean;
  demoStepMs?: number;
  timeoutMs?: number;
  /** The journal (`--db`); a temporary one of the server's own when absent. */
  db?: string;
  /** `--port`; 0 (a free port) when absent. */
  port?: number;
  /** More flags for `braid serve` (`--new-token` ...). */
  extraArgs?: readonly string[];
}

/** Starts `node bin/braid.js serve [--demo] --port N [--db FILE]` and waits for its ready line. */
export async function startServe(options: ServeOptions = {}): Promise<Served> {
  const env = { ...process.env };
  if (options.demoStepMs !== undefined) env.BRAID_DEMO_STEP_MS = String(options.demoStepMs);
  const args = ['bin/braid.js', 'serve', ...(options.demo === false ? [] : ['--demo'])];
  args.push('--port', String(options.port ?? 0));
  if (options.db !== undefined) args.push('--db', options.db);
  args.push(...(options.extraArgs ?? []));
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

/** A command over the HTTP API as a script sends it: the token as a bearer, no Origin. */
export async function invokeHttp(served: Served, name: string, args: unknown): Promise<unknown> {
  const res = await fetch(`${served.origin}/api/invoke/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${served.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  return res.json();
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

/** A button that cannot be clicked where it is drawn, and why. */
export interface Unclickable {
  name: string;
  why: string;
}

/** Buttons that act on one row of a table: they must be on screen whenever their row is. */
export const ROW_ACTIONS = ['Approve', 'Reject', 'Close', 'Cancel', 'Modify'] as const;

/**
 * Every button drawn on the page, checked where a pointer would click it: the element at its centre
 * (document.elementFromPoint) must be the button or inside it, and no panel may clip it. A button scrolled
 * out of sight inside a table (a row below the fold, a column of a wide table) is not on screen: it is
 * reached by scrolling that table, so it is skipped, except a row's own action (Approve, Reject, Close,
 * Cancel), which must never be scrolled sideways out of its row. Toasts are floating notices that let
 * clicks through to what is beneath; a hit on one is the toast's, not a covered control.
 */
export function unclickableButtons(page: Page): Promise<{ checked: string[]; problems: Unclickable[] }> {
  return page.evaluate((rowActions) => {
    const checked: string[] = [];
    const problems: { name: string; why: string }[] = [];
    const nameOf = (el: HTMLElement): string =>
      (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\s+/g, ' ') ||
      el.outerHTML.slice(0, 60);
    const clips = (el: HTMLElement): boolean => {
      const cs = getComputedStyle(el);
      return cs.overflowX !== 'visible' || cs.overflowY !== 'visible';
    };
    for (const button of Array.from(document.querySelectorAll<HTMLElement>('button'))) {
      const r = button.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(button).visibility === 'hidden') continue;
      const name = nameOf(button);
      const cx = r.left + r.width / 2;
      const cy = r.top + r.height / 2;
      let skip = false;
      let cut: string | null = null;
      for (let p = button.parentElement; p && p !== document.body; p = p.parentElement) {
        if (!clips(p)) continue;
        const c = p.getBoundingClientRect();
        const outX = r.left < c.left - 0.5 || r.right > c.right + 0.5;
        const outY = r.top < c.top - 0.5 || r.bottom > c.bottom + 0.5;
        if (!outX && !outY) continue;
        const centreOutX = cx < c.left || cx > c.right;
        const centreOutY = cy < c.top || cy > c.bottom;
        if (p.getAttribute('role') === 'grid') {
          // Inside a table: scrolled away with its row or column.
          if (centreOutX && (rowActions as readonly string[]).includes(name)) {
            cut = `scrolled sideways out of the ${p.getAttribute('aria-label')} table`;
          } else if (centreOutX || centreOutY) skip = true;
          else if (outX && (rowActions as readonly string[]).includes(name)) {
            cut = `cut by the edge of the ${p.getAttribute('aria-label')} table`;
          }
        } else {
          cut = `cut off by ${p.tagName.toLowerCase()}.${p.className || '(no class)'}`;
        }
        break;
      }
      if (cut) {
        problems.push({ name, why: cut });
        continue;
      }
      if (skip) continue;
      if (cx < 0 || cy < 0 || cx >= innerWidth || cy >= innerHeight) {
        problems.push({ name, why: `centre ${Math.round(cx)},${Math.round(cy)} is outside the window` });
        continue;
      }
      checked.push(name);
      const hit = document.elementFromPoint(cx, cy);
      if (hit && (hit === button || button.contains(hit))) continue;
      if (hit?.closest('.toasts')) continue;
      const over = hit ? `${hit.tagName.toLowerCase()}.${(hit as HTMLElement).className || ''}` : 'nothing';
      const region = hit?.closest('section[aria-label]')?.getAttribute('aria-label');
      problems.push({ name, why: `covered by ${over}${region ? ` in ${region}` : ''}` });
    }
    return { checked, problems };
  }, ROW_ACTIONS);
}
