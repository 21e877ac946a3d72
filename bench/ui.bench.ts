// UI benchmark (not a test): the Positions blotter holding 10,000 rows while 1,000 row updates a second
// arrive for 10 s, in Debian's Chromium. The page (src/renderer/src/bench/BlotterBench.tsx) renders the
// real grid fed by the real store and times frames with requestAnimationFrame. A baseline run in the same
// browser (same rows, same scrolling, no updates) gives the ratio. Target: median >= 50 fps, no frame
// over 100 ms.
//
//   npm run bench:ui
//
// `npm run bench` prints its figure beside the others (bench/all.bench.ts calls blotterBench).
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BenchResult } from '../src/renderer/src/bench/bench-types.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const STATIC = join(ROOT, 'out/renderer');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function serveStatic(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = normalize(join(STATIC, path === '/' ? 'index.html' : path));
    if (!file.startsWith(STATIC + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const round = (n: number, digits = 1): string => n.toFixed(digits);

export interface BlotterFigures {
  rows: number;
  baseline: BenchResult;
  loaded: BenchResult;
  /** Median >= 50 fps and no frame over 100 ms under 1,000 updates a second. */
  met: boolean;
}

/** The blotter under load beside the same blotter without updates, printed and returned. */
export async function blotterBench(): Promise<BlotterFigures> {
  // Always measure the current code.
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.web.config.ts'), logLevel: 'warn' });

  const server = await serveStatic();
  const { port } = server.address() as AddressInfo;
  const profile = mkdtempSync(join(tmpdir(), 'braid-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport: { width: 1680, height: 1000 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    const run = async (updatesPerSecond: number): Promise<BenchResult> => {
      await page.goto(`http://127.0.0.1:${port}/?bench=blotter`);
      await page.waitForFunction('window.__braidBench?.ready === true');
      const options = { rows: 10_000, updatesPerSecond, seconds: 10, scrollPxPerSecond: 600 };
      return (await page.evaluate(`window.__braidBench.run(${JSON.stringify(options)})`)) as BenchResult;
    };

    const baseline = await run(0);
    const loaded = await run(1_000);

    const line = (name: string, r: BenchResult): string =>
      `${name.padEnd(26)} ${String(r.updatesSent).padStart(7)} ${round(r.medianFps).padStart(10)} ${round(r.p95FrameMs).padStart(9)} ${round(r.longestFrameMs).padStart(11)} ${(r.longestLoafMs === null ? 'n/a' : round(r.longestLoafMs)).padStart(10)} ${String(r.frames).padStart(7)}`;
    console.log(
      `Blotter: ${loaded.rows} rows, ${loaded.seconds} s, scrolling 600 px/s, rows in the DOM: ${loaded.renderedRows}`,
    );
    console.log(
      `${'run'.padEnd(26)} ${'updates'.padStart(7)} ${'median fps'.padStart(10)} ${'p95 ms'.padStart(9)} ${'longest ms'.padStart(11)} ${'LoAF ms'.padStart(10)} ${'frames'.padStart(7)}`,
    );
    console.log(line('baseline (no updates)', baseline));
    console.log(line('1,000 updates/s', loaded));
    const worst = (r: BenchResult): string => r.worst.map((w) => `${w.ms} ms at ${w.atMs} ms`).join(', ');
    console.log(`longest frames, baseline: ${worst(baseline)}`);
    console.log(`longest frames, loaded:   ${worst(loaded)}`);
    console.log(`ratio median fps loaded / baseline: ${round(loaded.medianFps / baseline.medianFps, 3)}`);

    const met = loaded.medianFps >= 50 && loaded.longestFrameMs <= 100;
    console.log(
      `target (median >= 50 fps, no frame over 100 ms): ${met ? 'met' : 'MISSED'} ` +
        `(median ${round(loaded.medianFps)} fps, longest frame ${round(loaded.longestFrameMs)} ms)`,
    );
    return { rows: loaded.rows, baseline, loaded, met };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    server.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const figures = await blotterBench();
  if (!figures.met) process.exitCode = 1;
}
