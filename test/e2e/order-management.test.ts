// Order management from the Orders blotter end to end (`braid serve --demo`, the paper venue, Chromium):
// every order row names its venue and the venue's order id; a working limit order's price changes from
// its row (Enter sends, Esc leaves it, a problem shows beside the field) and the engine's snapshot says
// the same; Cancel on a single stop leg leaves the target working and the position says NO STOP; the row
// actions stay clickable at 1280x720. Orders are made through the automation API; every wait is on
// something the page shows.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppSnapshot } from '../../src/shared/contract.ts';
import { dec } from '../../src/shared/domain/decimal.ts';
import type { OrderRecord } from '../../src/shared/domain/order.ts';
import {
  type Browser,
  ensureRendererBuilt,
  invokeHttp,
  launchChromium,
  type Served,
  startServe,
  unclickableButtons,
} from './harness.ts';

// Four demo bars a second: a market entry fills within a bar.
const DEMO_STEP_MS = 250;
const WAIT = { timeout: 30_000 };

let served: Served;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

const region = (name: string): Locator => page.getByRole('region', { name, exact: true });
const grid = (name: string): Locator => region(name).getByRole('grid', { name, exact: true });
const dataRows = (name: string): Locator =>
  grid(name)
    .getByRole('row')
    .filter({ hasNot: page.getByRole('columnheader') });
/** An order's row: the Order cell's title is the full order id (`<planId>:E1`, `<planId>:SL1` ...). */
const orderRow = (orderId: string): Locator =>
  dataRows('Orders').filter({ has: page.locator(`[title="${orderId}"]`) });

/** Column header labels of a grid, in order (the actions column has none). */
async function headers(name: string): Promise<string[]> {
  return (await grid(name).getByRole('columnheader').allTextContents()).map((t) => t.trim());
}

/** A row's cell texts by column label. */
async function cellsByHeader(name: string, row: Locator): Promise<Record<string, string>> {
  const labels = await headers(name);
  const cells = (await row.getByRole('gridcell').allTextContents()).map((t) => t.trim());
  return Object.fromEntries(labels.map((label, i) => [label, cells[i] ?? '']));
}

async function snapshot(): Promise<AppSnapshot> {
  const answer = (await invokeHttp(served, 'getSnapshot', {})) as { ok: boolean; value: AppSnapshot };
  expect(answer.ok).toBe(true);
  return answer.value;
}

async function engineOrder(orderId: string): Promise<OrderRecord | undefined> {
  return (await snapshot()).engine.orders.find((o) => o.id === orderId);
}

/** A plan sent straight to the venue (a typed ticket needs no approval); returns its id. */
async function send(plan: Record<string, unknown>): Promise<string> {
  const answer = (await invokeHttp(served, 'submitPlan', { plan })) as {
    ok: boolean;
    value?: { planId: string };
  };
  expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
  return answer.value!.planId;
}

/** A price `ticks` ticks away from `from`, on the tick grid (below when ticks < 0). */
function offTicks(from: string, ticks: number, tick: string): string {
  return dec(from).div(tick).round(0, 0).plus(ticks).times(tick).toString();
}

beforeAll(async () => {
  await ensureRendererBuilt();
  served = await startServe({ demoStepMs: DEMO_STEP_MS });
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

describe('order management from the Orders blotter', () => {
  let limitId = '';

  it('each order row shows its venue and the venue’s own order id, whole on hover', async () => {
    expect(await headers('Orders')).toEqual(
      expect.arrayContaining(['Venue', 'Venue id', 'Qty', 'Price', 'Status']),
    );
    // Far below the market: it stays working.
    const planId = await send({
      symbol: 'MSFT',
      side: 'buy',
      entry: { type: 'limit', price: '1' },
      quantity: '5',
    });
    limitId = `${planId}:E1`;
    const row = orderRow(limitId);
    await row.getByText('WORKING', { exact: true }).waitFor(WAIT);
    const order = await engineOrder(limitId);
    expect(order).toMatchObject({ venue: 'paper', status: 'accepted', price: '1' });
    expect(order!.venueOrderId).toMatch(/^P\d+$/);
    const cells = await cellsByHeader('Orders', row);
    expect(cells).toMatchObject({ Venue: 'paper', 'Venue id': order!.venueOrderId, Price: '1.00', Qty: '5' });
    expect(await row.locator(`[title="${order!.venueOrderId}"]`).count()).toBe(1);
  });

  it('Modify opens the price and quantity in the row; Esc leaves the order as it was', async () => {
    const row = orderRow(limitId);
    await row.getByRole('button', { name: 'Modify', exact: true }).click();
    const price = row.getByRole('textbox', { name: /^Price of / });
    const quantity = row.getByRole('textbox', { name: /^Quantity of / });
    expect(await price.inputValue()).toBe('1.00');
    expect(await quantity.inputValue()).toBe('5');
    await expect.poll(() => price.evaluate((el) => el === document.activeElement)).toBe(true);
    await price.fill('7');
    await price.press('Escape');
    await price.waitFor({ state: 'detached' });
    expect(await cellsByHeader('Orders', row)).toMatchObject({ Price: '1.00', Qty: '5' });
    expect((await engineOrder(limitId))!.price).toBe('1');
  });

  it('a problem shows beside its field and nothing is sent; fixed, the change goes through', async () => {
    const row = orderRow(limitId);
    await row.getByRole('button', { name: 'Modify', exact: true }).click();
    const price = row.getByRole('textbox', { name: /^Price of / });
    const quantity = row.getByRole('textbox', { name: /^Quantity of / });
    const instruments = (await snapshot()).engine.instruments;
    const tick = instruments.MSFT?.tick ?? '0.01';
    // Half a tick off the grid, and a bigger entry (a bigger order is a new plan).
    await price.fill(dec('1.5').plus(dec(tick).div(2)).toString());
    await quantity.fill('6');
    await price.press('Enter');
    const problems = row.getByRole('alert');
    await problems.first().waitFor(WAIT);
    expect(await problems.allTextContents()).toEqual([
      'Quantity: an entry can only be made smaller (now 5)',
      `Price: a whole number of ticks (tick ${dec(tick).toString()})`,
    ]);
    expect(await price.getAttribute('aria-invalid')).toBe('true');
    // Fixed: the change goes through.
    await price.fill('1.5');
    await quantity.fill('4');
    await quantity.press('Enter');
    await price.waitFor({ state: 'detached' });
    await expect.poll(async () => (await cellsByHeader('Orders', row)).Price, WAIT).toBe('1.50');
    expect((await cellsByHeader('Orders', row)).Qty).toBe('4');
    expect(await engineOrder(limitId)).toMatchObject({ price: '1.5', quantity: '4', status: 'accepted' });
  });

  it('Enter sends a new price: the blotter and the engine’s snapshot both show it', async () => {
    const row = orderRow(limitId);
    await row.getByRole('button', { name: 'Modify', exact: true }).click();
    const price = row.getByRole('textbox', { name: /^Price of / });
    await price.fill('2.25');
    await price.press('Enter');
    await price.waitFor({ state: 'detached' });
    await expect.poll(async () => (await cellsByHeader('Orders', row)).Price, WAIT).toBe('2.25');
    expect(await engineOrder(limitId)).toMatchObject({ price: '2.25', quantity: '4', status: 'accepted' });
  });

  it('Cancel on the stop leg alone: the target keeps working and the position says NO STOP', async () => {
    const snap = await snapshot();
    const last = snap.engine.lastPrices.SPY!;
    const tick = snap.engine.instruments.SPY?.tick ?? '0.01';
    // Far from the market both ways: neither leg can be reached while the test runs.
    const stopLoss = offTicks(dec(last).times('0.5').toString(), 0, tick);
    const takeProfit = offTicks(dec(last).times('2').toString(), 0, tick);
    const planId = await send({
      symbol: 'SPY',
      side: 'buy',
      entry: { type: 'market' },
      quantity: '3',
      stopLoss,
      takeProfit,
    });
    const stopRow = orderRow(`${planId}:SL1`);
    const targetRow = orderRow(`${planId}:TP1`);
    await stopRow.getByText('WORKING', { exact: true }).waitFor(WAIT);
    await targetRow.getByText('WORKING', { exact: true }).waitFor(WAIT);
    const position = dataRows('Positions').filter({ hasText: 'SPY' }).first();
    expect(await cellsByHeader('Orders', stopRow)).toMatchObject({
      Role: 'STOP',
      Type: 'STP',
      Venue: 'paper',
    });
    // The stop's level in the Positions blotter, at the tick's precision.
    await expect
      .poll(async () => (await cellsByHeader('Positions', position)).Stop, WAIT)
      .toBe(dec(stopLoss).toFixed(2));
    expect(await targetRow.getByRole('button', { name: 'Modify', exact: true }).count()).toBe(1);
    // The engine's own refusal shows beside the field too: a stop may not close more than is open.
    await stopRow.getByRole('button', { name: 'Modify', exact: true }).click();
    const quantity = stopRow.getByRole('textbox', { name: /^Quantity of / });
    await quantity.fill('5');
    await quantity.press('Enter');
    await stopRow.getByRole('alert').waitFor(WAIT);
    expect(await stopRow.getByRole('alert').textContent()).toBe(
      'Quantity 5 would close more than the open 3 (invalid_quantity)',
    );
    await quantity.press('Escape');
    await quantity.waitFor({ state: 'detached' });
    expect((await engineOrder(`${planId}:SL1`))!.quantity).toBe('3');

    await stopRow.getByRole('button', { name: 'Cancel', exact: true }).click();
    await stopRow.getByText('CANCELLED', { exact: true }).waitFor(WAIT);
    await position.getByText('NO STOP', { exact: true }).waitFor(WAIT);
    expect(await stopRow.getByRole('button').count()).toBe(0);
    expect((await cellsByHeader('Orders', targetRow)).Status).toBe('WORKING');
    const after = await snapshot();
    expect(after.engine.positions.find((p) => p.symbol === 'SPY')).toMatchObject({
      quantity: '3',
      stop: null,
    });
    expect(after.engine.orders.find((o) => o.id === `${planId}:TP1`)!.status).toBe('accepted');
  });

  it('at 1280x720 the row actions, Modify and Cancel, are on screen and clickable', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await expect
      .poll(() =>
        page.evaluate(() => Math.round(document.querySelector('.app')!.getBoundingClientRect().width)),
      )
      .toBe(1280);
    const { checked, problems } = await unclickableButtons(page);
    expect(problems).toEqual([]);
    expect(checked).toContain('Modify');
    expect(checked).toContain('Cancel');
    // Modify is not one of the harness's row actions: check by hand that it is inside its table's width.
    const box = (await grid('Orders').boundingBox())!;
    for (const button of await grid('Orders').getByRole('button', { name: 'Modify', exact: true }).all()) {
      const b = (await button.boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(box.x);
      expect(b.x + b.width).toBeLessThanOrEqual(box.x + box.width);
    }
  });

  it('the terminal logged no errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
