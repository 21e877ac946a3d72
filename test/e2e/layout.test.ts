// The terminal on laptop and desktop screens (issue 6, item 9): with plans queued, a position open and a
// working order, every button is clickable where it is drawn at 1280x720, 1366x768 and 1920x1080 (and
// 2560x1440), empty panels shrink to one line, a resized or collapsed panel stays so after a reload, and
// one time-zone setting moves every time on screen.
// The page is sized by the test, the state is made through the automation API (no waiting on the demo's
// signals), and every wait is on something the page shows.
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
  outputPath,
  ROW_ACTIONS,
  type Served,
  startServe,
  unclickableButtons,
} from './harness.ts';

const WAIT = { timeout: 45_000 };
/** Where the screenshots of the Show go (BRAID_SCREENSHOTS=/tmp/braid-shots); test-output/ otherwise. */
const SHOTS = process.env.BRAID_SCREENSHOTS;

let served: Served;
let browser: Browser;
let page: Page;
let dir: string;
const consoleErrors: string[] = [];

const region = (name: string): Locator => page.getByRole('region', { name, exact: true });
const dataRows = (name: string): Locator =>
  region(name)
    .getByRole('grid', { name, exact: true })
    .getByRole('row')
    .filter({ hasNot: page.getByRole('columnheader') });
const height = async (l: Locator): Promise<number> => (await l.boundingBox())?.height ?? Number.NaN;

function shotPath(name: string): string {
  if (!SHOTS) return outputPath(name);
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, name);
}

async function submit(plan: Record<string, unknown>, review = false): Promise<string> {
  const answer = (await invokeHttp(served, 'submitPlan', review ? { plan, review } : { plan })) as {
    ok: boolean;
    value?: { planId: string };
    error?: unknown;
  };
  expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
  return answer.value!.planId;
}

/** Sizes the window and waits for the layout to settle at that size (the workspace fills the window). */
async function resize(width: number, height: number): Promise<void> {
  await page.setViewportSize({ width, height });
  await expect
    .poll(() =>
      page.evaluate(() => Math.round(document.querySelector('.app')!.getBoundingClientRect().width)),
    )
    .toBe(width);
}

async function expectAllClickable(width: number, height: number): Promise<void> {
  await resize(width, height);
  const { checked, problems } = await unclickableButtons(page);
  expect(problems, `${width}x${height}`).toEqual([]);
  // The row actions were there to be checked, not absent.
  for (const name of ROW_ACTIONS) expect(checked, `${name} at ${width}x${height}`).toContain(name);
  expect(checked).toContain('Kill switch');
}

beforeAll(async () => {
  await ensureRendererBuilt();
  dir = mkdtempSync(join(tmpdir(), 'braid-e2e-layout-'));
  // A slow demo (one bar a second): the state the test makes stays put while it is measured.
  served = await startServe({ demoStepMs: 1_000, db: join(dir, 'journal.sqlite') });
  browser = await launchChromium({ width: 1366, height: 768 });
  page = browser.page;
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(served.url);
  await page.getByText('Connected', { exact: true }).waitFor(WAIT);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('layout on laptop and desktop screens', () => {
  it('an empty panel shrinks to its header and one line; the others share the column', async () => {
    // Nothing traded yet: Positions and Orders are empty.
    await region('Positions').getByText('No open positions').waitFor(WAIT);
    await region('Orders').getByText('No orders').waitFor(WAIT);
    const column = await height(page.locator('.col-trade'));
    for (const name of ['Positions', 'Orders']) {
      const h = await height(region(name));
      expect(h, name).toBeLessThan(120); // header 26 + table header 22 + one line; not a third of 700
    }
    // The queue (with or without plans) takes what is left.
    expect(await height(region('Approval queue'))).toBeGreaterThan(column - 2 * 120 - 20);
  });

  it('with queued plans, a position and a working order, every button is clickable at 1366x768', async () => {
    await submit({ symbol: 'SPY', side: 'buy', entry: { type: 'market' }, quantity: '1' }, true);
    await submit({ symbol: 'MSFT', side: 'sell', entry: { type: 'market' }, quantity: '1' }, true);
    // A round trip on SPY for the history, then a position left open on AAPL.
    await submit({ symbol: 'SPY', side: 'buy', entry: { type: 'market' }, quantity: '2' });
    await dataRows('Positions').filter({ hasText: 'SPY' }).first().waitFor(WAIT);
    expect(await invokeHttp(served, 'closePosition', { symbol: 'SPY' })).toMatchObject({ ok: true });
    await dataRows('Trade history').filter({ hasText: 'SPY' }).first().waitFor(WAIT);
    await submit({ symbol: 'AAPL', side: 'buy', entry: { type: 'market' }, quantity: '1' });
    // Far below the market: the entry stays working, with its Cancel.
    await submit({ symbol: 'MSFT', side: 'buy', entry: { type: 'limit', price: '1' }, quantity: '1' });
    await dataRows('Positions').filter({ hasText: 'AAPL' }).first().waitFor(WAIT);
    await region('Orders').getByRole('button', { name: 'Cancel', exact: true }).first().waitFor(WAIT);
    // Two plans of the test's own in the queue (tickets for review: they never expire, unlike demo plans,
    // so Approve and Reject are there at every screen size below).
    await submit({ symbol: 'SPY', side: 'buy', entry: { type: 'market' }, quantity: '1' }, true);
    await submit({ symbol: 'MSFT', side: 'sell', entry: { type: 'market' }, quantity: '1' }, true);
    await region('Approval queue').getByRole('button', { name: 'Approve', exact: true }).nth(1).waitFor(WAIT);
    await expectAllClickable(1366, 768);
  });

  it('every button is clickable at 1280x720', async () => {
    await expectAllClickable(1280, 720);
  });

  it('every button is clickable at 1920x1080 and 2560x1440', async () => {
    await expectAllClickable(1920, 1080);
    await expectAllClickable(2560, 1440);
  });

  it('screenshots of the living terminal at 1366x768, 1920x1080, 1280x720 and 2560x1440', async () => {
    for (const [w, h] of [
      [1366, 768],
      [1920, 1080],
      [1280, 720],
      [2560, 1440],
    ] as const) {
      await resize(w, h);
      await page.screenshot({ path: shotPath(`terminal-${w}x${h}.png`) });
    }
  });

  it('a panel dragged taller and a collapsed panel stay so after a reload', async () => {
    await resize(1366, 768);
    const before = await height(region('Positions'));
    const handle = page.getByRole('separator', { name: 'Resize Positions and Orders', exact: true });
    const box = (await handle.boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x, y + 30, { steps: 3 });
    await page.mouse.move(x, y + 60, { steps: 3 });
    await page.mouse.up();
    await expect.poll(() => height(region('Positions'))).toBeGreaterThan(before + 50);
    const dragged = await height(region('Positions'));

    await page.getByRole('button', { name: 'Collapse Lessons', exact: true }).click();
    await expect.poll(() => height(region('Lessons'))).toBeLessThan(40);

    await page.reload();
    await page.getByText('Connected', { exact: true }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Expand Lessons', exact: true }).waitFor(WAIT);
    expect(await height(region('Lessons'))).toBeLessThan(40);
    await expect.poll(async () => Math.abs((await height(region('Positions'))) - dragged)).toBeLessThan(3);

    await page.getByRole('button', { name: 'Expand Lessons', exact: true }).click();
    await region('Lessons').getByText('No lessons yet', { exact: false }).waitFor(WAIT);
  });

  it('one time-zone setting for the whole terminal: UTC by default, New York on request, remembered', async () => {
    const opened = () =>
      dataRows('Positions').filter({ hasText: 'AAPL' }).first().getByRole('gridcell').nth(8).textContent();
    const hour = (text: string | null): number => Number(/(\d\d):\d\d:\d\d/.exec(text ?? '')?.[1]);
    const zone = page.getByLabel('Time zone', { exact: true });
    expect(await zone.inputValue()).toBe('UTC');
    await page.getByRole('contentinfo').getByText('Times in UTC').waitFor(WAIT);
    const utc = hour(await opened());
    expect(utc).toBeGreaterThanOrEqual(0);

    await zone.selectOption('exchange');
    await page.getByRole('contentinfo').getByText('Times in New York').waitFor(WAIT);
    // The demo plays March 2024 before the switch to daylight time: New York is UTC-5.
    await expect.poll(async () => hour(await opened())).toBe((utc + 24 - 5) % 24);
    await page.reload();
    await page.getByText('Connected', { exact: true }).waitFor(WAIT);
    expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('exchange');
    await expect.poll(async () => hour(await opened())).toBe((utc + 24 - 5) % 24);
    await page.getByLabel('Time zone', { exact: true }).selectOption('UTC');
    await expect.poll(async () => hour(await opened())).toBe(utc);
  });

  it('the terminal logged no errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
