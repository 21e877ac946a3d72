// A working order moved by its line on the chart, end to end (`braid serve --demo`, Chromium): the arrow
// keys move it tick by tick and Enter sends it, Esc leaves it; a mouse drag sends the level let go of,
// on the tick. The demo is all but paused (one bar every two minutes, after the warm-up history), so a
// limit order next to the market stays working for the whole file.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppSnapshot } from '../../src/shared/contract.ts';
import { dec } from '../../src/shared/domain/decimal.ts';
import {
  type Browser,
  ensureRendererBuilt,
  invokeHttp,
  launchChromium,
  type Served,
  startServe,
} from './harness.ts';

const WAIT = { timeout: 30_000 };
const SYMBOL = 'SPY';

let served: Served;
let browser: Browser;
let page: Page;
let orderId = '';
let tick = '';
const consoleErrors: string[] = [];

const region = (name: string): Locator => page.getByRole('region', { name, exact: true });
const handle = (): Locator => region('Chart').getByRole('slider', { name: /^Move ENTRY LMT / });
const priceCell = (): Locator =>
  region('Orders')
    .getByRole('row')
    .filter({ has: page.locator(`[title="${orderId}"]`) })
    .getByRole('gridcell')
    .nth(9);

async function snapshot(): Promise<AppSnapshot> {
  const answer = (await invokeHttp(served, 'getSnapshot', {})) as { ok: boolean; value: AppSnapshot };
  expect(answer.ok).toBe(true);
  return answer.value;
}

const enginePrice = async (): Promise<string | undefined> =>
  (await snapshot()).engine.orders.find((o) => o.id === orderId)?.price;

beforeAll(async () => {
  await ensureRendererBuilt();
  served = await startServe({ demoStepMs: 120_000 });
  browser = await launchChromium({ width: 1680, height: 1000 });
  page = browser.page;
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(served.url);
  await page.getByText('Connected', { exact: true }).waitFor(WAIT);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('moving a working order on the chart', () => {
  it('a working limit order near the market has a handle on its line', async () => {
    const snap = await snapshot();
    tick = snap.engine.instruments[SYMBOL]?.tick ?? '0.01';
    // Ten ticks under the last price: inside the candles' range, and no bar comes to fill it.
    const last = dec(snap.engine.lastPrices[SYMBOL]!);
    const price = last.div(tick).round(0, 0).minus(10).times(tick).toString();
    const answer = (await invokeHttp(served, 'submitPlan', {
      plan: { symbol: SYMBOL, side: 'buy', entry: { type: 'limit', price }, quantity: '2' },
    })) as { ok: boolean; value: { planId: string } };
    expect(answer.ok).toBe(true);
    orderId = `${answer.value.planId}:E1`;
    await page.getByLabel('Chart symbol').selectOption(SYMBOL);
    await handle().waitFor({ state: 'visible', ...WAIT });
    expect(await handle().getAttribute('aria-valuenow')).toBe(String(Number(price)));
    expect(await enginePrice()).toBe(price);
  });

  it('arrow keys move it a tick at a time; Esc leaves it; Enter sends it', async () => {
    const start = (await enginePrice())!;
    const h = handle();
    await h.focus();
    await h.press('ArrowUp');
    await h.press('Escape');
    expect(await h.getAttribute('aria-valuenow')).toBe(String(Number(start)));
    await h.press('ArrowDown');
    await h.press('ArrowDown');
    await h.press('ArrowDown');
    const target = dec(start).minus(dec(tick).times(3)).toString();
    expect(await h.getAttribute('aria-valuenow')).toBe(String(Number(target)));
    expect(await enginePrice()).toBe(start); // nothing sent yet
    await h.press('Enter');
    await expect.poll(enginePrice, WAIT).toBe(target);
    await expect.poll(() => priceCell().textContent(), WAIT).toBe(dec(target).toFixed(2));
  });

  it('a mouse drag sends the level it is let go of, on the tick', async () => {
    const start = (await enginePrice())!;
    const box = (await handle().boundingBox())!;
    const x = box.x + box.width / 3;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x, y - 20, { steps: 4 });
    await page.mouse.move(x, y - 40, { steps: 4 });
    // While it moves, the handle reads the level it would go to; nothing is sent before the release.
    const shown = Number(await handle().getAttribute('aria-valuenow'));
    expect(shown).toBeGreaterThan(Number(start));
    expect(await enginePrice()).toBe(start);
    await page.mouse.up();
    await expect.poll(enginePrice, WAIT).not.toBe(start);
    const moved = (await enginePrice())!;
    expect(Number(moved)).toBe(shown);
    expect(dec(moved).mod(tick).eq(0)).toBe(true);
    await expect.poll(() => priceCell().textContent(), WAIT).toBe(dec(moved).toFixed(2));
  });

  it('the terminal logged no errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
