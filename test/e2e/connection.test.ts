// The page and its link to the engine (issue 6, items 6 and 9): the token leaves the address bar at once
// and survives a reload; when the server goes away every panel says so and trading buttons are off; a
// restart on the same journal and port (same token) is picked up by the page itself, with the state the
// journal restored, and without a reload; a restart with a new token is named as such. Waits are on what
// the page shows, never on time.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  ensureRendererBuilt,
  invokeHttp,
  launchChromium,
  type Served,
  type ServeOptions,
  startServe,
} from './harness.ts';

const WAIT = { timeout: 45_000 };
const DISCONNECTED = 'Disconnected \u2014 reconnecting';
const PANELS = [
  'Approval queue',
  'Positions',
  'Orders',
  'Chart',
  'Trade history',
  'Day trades',
  'Order ticket',
  'Lessons',
];

let served: Served | null = null;
let browser: Browser;
let page: Page;
let dir: string;
let db: string;
let firstToken: string;
let port: number;
let queuedPlan: string;

const region = (name: string): Locator => page.getByRole('region', { name, exact: true });
const banner = (): Locator => page.getByRole('alert', { name: DISCONNECTED, exact: true });
const connected = (): Locator => page.getByRole('contentinfo').getByText('Connected', { exact: true });
const serve = (options: ServeOptions = {}): Promise<Served> =>
  startServe({ demoStepMs: 1_000, db, ...options });

async function submit(plan: Record<string, unknown>, review = false): Promise<string> {
  const answer = (await invokeHttp(served!, 'submitPlan', review ? { plan, review } : { plan })) as {
    ok: boolean;
    value?: { planId: string };
  };
  expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
  return answer.value!.planId;
}

/** The trading buttons on the page right now (each kind must be there: a test of none proves nothing). */
async function tradingButtons(): Promise<Locator[]> {
  const found: Locator[] = [];
  for (const [where, name] of [
    ['Approval queue', 'Approve'],
    ['Approval queue', 'Reject'],
    ['Positions', 'Close'],
    ['Orders', 'Cancel'],
    ['Order ticket', 'Send buy plan'],
  ] as const) {
    const all = await region(where).getByRole('button', { name, exact: true }).all();
    expect(all.length, `${name} in ${where}`).toBeGreaterThan(0);
    found.push(...all);
  }
  return found;
}

beforeAll(async () => {
  await ensureRendererBuilt();
  dir = mkdtempSync(join(tmpdir(), 'braid-e2e-connection-'));
  db = join(dir, 'journal.sqlite');
  served = await serve();
  firstToken = served.token;
  port = served.port;
  browser = await launchChromium({ width: 1366, height: 768 });
  page = browser.page;
  await page.goto(served.url);
  await connected().waitFor(WAIT);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the page and its link to the engine', () => {
  it('moves the token out of the address bar at once, keeps it for this tab, and still works after a reload', async () => {
    const url = new URL(page.url());
    expect(url.searchParams.has('token')).toBe(false);
    expect(url.search).toBe('');
    expect(await page.evaluate(() => sessionStorage.getItem('braid.token'))).toBe(firstToken);

    await page.reload();
    await connected().waitFor(WAIT);
    expect(new URL(page.url()).search).toBe('');
    await page.getByLabel('Trading state', { exact: true }).getByText('ACTIVE').waitFor(WAIT);
  });

  it('when the server goes away, a banner and every panel say so, prices are stale, trading buttons are off', async () => {
    queuedPlan = await submit({ symbol: 'SPY', side: 'buy', entry: { type: 'market' }, quantity: '1' }, true);
    await submit({ symbol: 'AAPL', side: 'buy', entry: { type: 'market' }, quantity: '1' });
    await submit({ symbol: 'MSFT', side: 'buy', entry: { type: 'limit', price: '1' }, quantity: '1' });
    await region('Order ticket').getByLabel('Symbol').fill('SPY');
    await region('Positions').getByRole('button', { name: 'Close', exact: true }).first().waitFor(WAIT);
    await region('Orders').getByRole('button', { name: 'Cancel', exact: true }).first().waitFor(WAIT);
    await region('Approval queue').getByTitle(queuedPlan, { exact: true }).waitFor(WAIT);
    await region('Order ticket').getByLabel('Qty').fill('1');
    for (const button of await tradingButtons()) await expect.poll(() => button.isEnabled(), WAIT).toBe(true);
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });

    await served!.stop();
    served = null;

    await banner().waitFor(WAIT);
    for (const name of PANELS) {
      await region(name).getByText(DISCONNECTED, { exact: false }).first().waitFor(WAIT);
    }
    // Prices greyed: a mark in the Positions table no longer reads as current.
    const mark = region('Positions').getByRole('gridcell').nth(4);
    expect(Number(await mark.evaluate((el) => getComputedStyle(el).opacity))).toBeLessThan(1);
    for (const button of await tradingButtons()) {
      await expect.poll(() => button.isDisabled(), WAIT).toBe(true);
    }
    // The kill switch cannot reach the engine either: it says so rather than failing with a toast.
    const kill = page.getByRole('button', { name: 'Kill switch', exact: true });
    await expect.poll(() => kill.isDisabled(), WAIT).toBe(true);
    expect(await kill.getAttribute('title')).toBe(DISCONNECTED);
    // The ticket says why its send button is off.
    await region('Order ticket').getByText(DISCONNECTED, { exact: true }).waitFor(WAIT);
    await page.getByRole('contentinfo').getByText('Disconnected: retrying').waitFor(WAIT);
    if (process.env.BRAID_SCREENSHOTS) {
      mkdirSync(process.env.BRAID_SCREENSHOTS, { recursive: true });
      await page.screenshot({
        path: join(process.env.BRAID_SCREENSHOTS, 'terminal-disconnected-1366x768.png'),
      });
    }
  });

  it('a restart on the same journal and port keeps the token; the page reconnects by itself with the restored state', async () => {
    served = await serve({ port });
    expect(served.port).toBe(port);
    expect(served.token).toBe(firstToken);

    await banner().waitFor({ state: 'detached', ...WAIT });
    await connected().waitFor(WAIT);
    // The journal's state, from the new server's snapshot: the queued plan, the position, the working order.
    await region('Approval queue').getByTitle(queuedPlan, { exact: true }).waitFor(WAIT);
    await region('Positions').getByRole('row').filter({ hasText: 'AAPL' }).first().waitFor(WAIT);
    for (const button of await tradingButtons()) await expect.poll(() => button.isEnabled(), WAIT).toBe(true);
    for (const name of PANELS) expect(await region(name).getByText(DISCONNECTED).count(), name).toBe(0);
    // The same document all along: the page was never reloaded.
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(
      true,
    );

    // Commands work on the new link: Reject takes the plan out of the queue.
    const row = region('Approval queue')
      .getByRole('row')
      .filter({ has: page.getByTitle(queuedPlan, { exact: true }) });
    await row.getByRole('button', { name: 'Reject', exact: true }).click();
    await expect.poll(() => row.count(), WAIT).toBe(0);
  });

  it('a restart with a new token: the page says its token is refused instead of retrying in silence', async () => {
    await served!.stop();
    served = await serve({ port, extraArgs: ['--new-token'] });
    expect(served.token).not.toBe(firstToken);
    await banner().getByText('refuses this page', { exact: false }).waitFor(WAIT);
    expect(await connected().count()).toBe(0);
  });
});
