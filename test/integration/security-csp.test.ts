// The Content-Security-Policy as behaviour, in the browser that enforces it (Debian's Chromium through
// playwright-core): a page served with the app's security headers runs its own scripts, styles, images and
// requests, and is refused an inline script, an inline style, eval, a request or an image from an origin
// the policy does not list, and being framed by another site. The foreign servers count what reaches them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, securityHeaders } from '../../src/main/security.ts';

interface Site {
  origin: string;
  /** Paths requested from this site, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 (an origin of its own: its own port) answering from a route table. */
async function site(
  routes: (path: string) => { type: string; body: string | Buffer; headers?: Record<string, string> } | null,
): Promise<Site> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const route = routes(path);
    if (route === null) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': route.type, ...route.headers }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    // Chromium keeps connections open (keep-alive, preconnects): close them, or close waits on them.
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// A 1x1 PNG.
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

// Runs first (in <head>): records every violation the browser reports.
const WATCH = `window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.effectiveDirective));`;

// Runs last: tries requests and eval, then publishes what happened.
const probe = (listed: string, foreign: string) => `(async () => {
  // A request that hangs says so after 10 s instead of holding the page (and the test) until its timeout.
  const get = async (url) => { try { await fetch(url, { mode: 'no-cors', signal: AbortSignal.timeout(10000) }); return 'loaded'; } catch (e) { return e && e.name === 'TimeoutError' ? 'timed out' : 'refused'; } };
  const result = { own: await get('/api/ping'), listed: await get('${listed}/ping'), foreign: await get('${foreign}/ping') };
  try { eval('1'); result.eval = 'ran'; } catch { result.eval = 'refused'; }
  const img = (id) => document.getElementById(id);
  result.ownImage = img('own-img').complete && img('own-img').naturalWidth === 1;
  result.foreignImage = img('foreign-img').naturalWidth === 1;
  result.ownStyle = getComputedStyle(document.getElementById('own-style')).color;
  result.inlineStyle = getComputedStyle(document.getElementById('inline-style')).color;
  result.ownScript = window.ownScript === true;
  result.inlineScript = window.inlineRan === true;
  window.result = result;
})();`;

const PAGE = (foreign: string) => `<!doctype html>
<html><head>
<script src="/watch.js"></script>
<link rel="stylesheet" href="/app.css">
<style>#inline-style { color: rgb(255, 0, 0); }</style>
<script>window.inlineRan = true;</script>
</head><body>
<p id="own-style">own</p><p id="inline-style">inline</p>
<img id="own-img" src="/pixel.png"><img id="foreign-img" src="${foreign}/pixel.png">
<script src="/own.js"></script>
<script src="/probe.js"></script>
</body></html>`;

let browser: Browser;
let page: Page;
let listed: Site;
let foreign: Site;

/** The app's site, its pages served with the headers of `csp`. */
function appSite(csp: string): Promise<Site> {
  const headers = securityHeaders(csp);
  return site((path) => {
    switch (path) {
      case '/':
        return { type: 'text/html', body: PAGE(foreign.origin), headers };
      case '/watch.js':
        return { type: 'text/javascript', body: WATCH, headers };
      case '/own.js':
        return { type: 'text/javascript', body: 'window.ownScript = true;', headers };
      case '/probe.js':
        return { type: 'text/javascript', body: probe(listed.origin, foreign.origin), headers };
      case '/app.css':
        return { type: 'text/css', body: '#own-style { color: rgb(0, 128, 0); }', headers };
      case '/pixel.png':
        return { type: 'image/png', body: PIXEL, headers };
      case '/api/ping':
        return { type: 'text/plain', body: 'pong', headers };
      default:
        return null;
    }
  });
}

/** Each step bounded under the test's timeout, so a stall says which step and what the page asked for. */
async function visit(app: Site): Promise<Record<string, unknown>> {
  const step = async <T>(what: string, run: Promise<T>): Promise<T> => {
    try {
      return await run;
    } catch (e) {
      throw new Error(`${what}: ${String(e)}; the app served ${JSON.stringify(app.requests)}`);
    }
  };
  await step('loading the page', page.goto(`${app.origin}/`, { timeout: 25_000 }));
  await step(
    'waiting for the probe',
    page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, undefined, {
      timeout: 25_000,
    }),
  );
  return page.evaluate(() => (globalThis as unknown as { result: Record<string, unknown> }).result);
}

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const any = () => ({ type: 'text/plain', body: 'x' });
  listed = await site(any);
  foreign = await site((path) => (path === '/pixel.png' ? { type: 'image/png', body: PIXEL } : any()));
});

// A fresh context per test: no connection, cache or page state of one test reaches the next.
beforeEach(async () => {
  page = await (await browser.newContext()).newPage();
});

afterEach(async () => {
  await page?.context().close();
});

afterAll(async () => {
  await browser?.close();
  await listed?.close();
  await foreign?.close();
});

describe('the Content-Security-Policy in Chromium', () => {
  it("loads the app's own script, style, image and requests and refuses everything else", async () => {
    // As `braid serve` builds it: its own origin plus the listed connect sources.
    const app = await appSite(contentSecurityPolicy({ connect: [listed.origin] }));
    try {
      foreign.requests.length = 0;
      expect(await visit(app)).toEqual({
        own: 'loaded',
        listed: 'loaded',
        foreign: 'refused',
        eval: 'refused',
        ownImage: true,
        foreignImage: false,
        ownStyle: 'rgb(0, 128, 0)',
        inlineStyle: 'rgb(0, 0, 0)',
        ownScript: true,
        inlineScript: false,
      });
      // Refused in the browser: not one request reached the foreign origin.
      expect(foreign.requests).toEqual([]);
      expect(listed.requests).toContain('/ping');
      expect(app.requests).toContain('/api/ping');
      const expected = ['connect-src', 'img-src', 'script-src', 'script-src-elem', 'style-src-elem'];
      await page.waitForFunction(
        (want) =>
          want.every((d) => (globalThis as unknown as { violations: string[] }).violations.includes(d)),
        expected,
      );
      const seen = await page.evaluate(() => (globalThis as unknown as { violations: string[] }).violations);
      expect([...new Set(seen)].sort()).toEqual(expected);
    } finally {
      await app.close();
    }
  });

  it('the same page without the policy runs the inline script and style (so the refusals above are the policy)', async () => {
    const app = await appSite(contentSecurityPolicy({ connect: [listed.origin], dev: true }));
    try {
      const result = await visit(app);
      expect(result).toMatchObject({ inlineScript: true, inlineStyle: 'rgb(255, 0, 0)', ownScript: true });
    } finally {
      await app.close();
    }
  });

  it('refuses to be framed by another site', async () => {
    const app = await appSite(contentSecurityPolicy());
    const framer = await site(() => ({
      type: 'text/html',
      body: `<!doctype html><iframe id="f" src="${app.origin}/"></iframe>`,
    }));
    try {
      await page.goto(`${framer.origin}/`);
      const frame = await (await page.waitForSelector('#f')).contentFrame();
      // The browser fetched the page and would not show it: no script of it ran in the frame.
      expect(app.requests).toContain('/');
      await page.waitForFunction('document.readyState === "complete"');
      expect(
        frame === null ? false : await frame.evaluate(() => 'ownScript' in globalThis).catch(() => false),
      ).toBe(false);
      expect(app.requests).not.toContain('/own.js');
    } finally {
      await framer.close();
      await app.close();
    }
  });
});
