// The terminal end to end: `braid serve --demo` (real engine, paper venue, demo signal source) driven
// through Debian's Chromium. The tests share one server and one page and run in order: the kill switch
// flattens the position the approval test opened, and the export then has that trade to match.
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyExport } from '../../src/main/engine/history/hash-chain.ts';
import type { AppSnapshot } from '../../src/shared/contract.ts';
import { dec } from '../../src/shared/domain/decimal.ts';
import {
  type Browser,
  csvFields,
  ensureRendererBuilt,
  invokeHttp,
  launchChromium,
  outputPath,
  type Served,
  startServe,
} from './harness.ts';

// Four demo bars a second: demo plans come often; the tests that act on a plan queue their own.
const DEMO_STEP_MS = 250;
const WAIT = { timeout: 45_000 };

let served: Served;
let browser: Browser;
let page: Page;
/** Errors the terminal page logs (a CSP violation would show here). */
const consoleErrors: string[] = [];

const region = (name: string): Locator => page.getByRole('region', { name, exact: true });
/** A region's table: an ARIA grid named like its region. */
const grid = (name: string): Locator => region(name).getByRole('grid', { name, exact: true });
/** Data rows of a region's grid: every row but the header row. */
const dataRows = (name: string): Locator =>
  grid(name)
    .getByRole('row')
    .filter({ hasNot: page.getByRole('columnheader') });
const tradingState = (): Locator => page.getByLabel('Trading state', { exact: true });
/**
 * Rows of a region's grid that belong to a plan. The tables show a short plan label; the full id is the
 * title of the plan's cell (the plan id itself in the queue and history, `<planId>:E1` ... in Orders).
 */
const planRows = (name: string, planId: string): Locator =>
  dataRows(name).filter({ has: page.locator(`[title="${planId}"], [title^="${planId}:"]`) });
/** A queued plan's full id: the title of its first cell. */
const queuedPlanId = async (row: Locator): Promise<string> =>
  (await row.getByRole('gridcell').first().getAttribute('title')) ?? '';

async function cellTexts(row: Locator): Promise<string[]> {
  return (await row.getByRole('gridcell').allTextContents()).map((t) => t.trim());
}

/**
 * Queues a plan of the test's own (a ticket with review: true, no expiry) on a symbol with no position
 * or working entry, and returns its row. Demo plans expire after 30 bars: a test that acts on one races
 * that clock on a busy machine, so the tests that act on a plan queue their own.
 */
async function queuePlan(): Promise<{ row: Locator; planId: string; symbol: string }> {
  const snap = (await invokeHttp(served, 'getSnapshot', {})) as { ok: true; value: AppSnapshot };
  const engine = snap.value.engine;
  const busy = new Set([
    ...engine.positions.map((p) => p.symbol),
    ...engine.plans.filter((p) => p.status === 'working' || p.status === 'open').map((p) => p.input.symbol),
  ]);
  const symbol = Object.keys(engine.lastPrices).find((s) => !busy.has(s));
  expect(symbol, `a symbol free of positions among ${Object.keys(engine.lastPrices)}`).toBeDefined();
  const plan = { symbol, side: 'buy', entry: { type: 'market' }, quantity: 1 };
  const answer = (await invokeHttp(served, 'submitPlan', { plan, review: true })) as {
    ok: boolean;
    value?: { planId: string };
  };
  expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
  const planId = answer.value!.planId;
  const row = planRows('Approval queue', planId);
  await row.getByRole('button', { name: 'Approve', exact: true }).waitFor(WAIT);
  return { row, planId, symbol: symbol! };
}

/** Approves the next queued plan and waits for its position; returns the plan id and symbol. */
async function approveIntoPosition(): Promise<{ planId: string; symbol: string }> {
  const { row, planId, symbol } = await queuePlan();
  await row.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => row.count(), WAIT).toBe(0);
  await dataRows('Positions').filter({ hasText: symbol }).first().waitFor(WAIT);
  return { planId, symbol };
}

beforeAll(async () => {
  await ensureRendererBuilt();
  served = await startServe({ demoStepMs: DEMO_STEP_MS });
  browser = await launchChromium();
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
});

describe('Braid terminal against braid serve --demo', () => {
  it('shows the mode, the trading state and every region, each table with its header row first', async () => {
    await expect.poll(() => tradingState().textContent()).toBe('ACTIVE');
    await expect.poll(() => page.getByLabel('Mode', { exact: true }).textContent()).toBe('PAPER');
    for (const name of [
      'Positions',
      'Orders',
      'Approval queue',
      'Day trades',
      'Lessons',
      'Trade history',
      'Chart',
    ]) {
      expect(await region(name).isVisible(), name).toBe(true);
    }
    for (const name of ['Positions', 'Orders', 'Approval queue', 'Trade history']) {
      const first = grid(name).getByRole('row').first();
      expect(await first.getAttribute('aria-rowindex'), name).toBe('1');
      expect(await first.getByRole('columnheader').count(), name).toBeGreaterThan(4);
    }
    // No learning loop yet: the Lessons region says so.
    expect(await region('Lessons').textContent()).toContain('No lessons yet');
  });

  it('a plan appears in the approval queue; Approve makes it an order, then a position', async () => {
    // The demo signal source sends plans to the queue...
    await dataRows('Approval queue')
      .filter({ has: page.locator('[title^="demo-"]') })
      .first()
      .waitFor(WAIT);
    // ...and a queued plan approved becomes an order, then a position.
    const { row, planId, symbol } = await queuePlan();
    await row.getByRole('button', { name: 'Approve', exact: true }).click();

    await expect.poll(() => row.count(), WAIT).toBe(0);
    // The entry order carries the plan id; the position appears under the plan's symbol.
    await planRows('Orders', planId).first().waitFor(WAIT);
    const position = dataRows('Positions').filter({ hasText: symbol });
    await position.first().waitFor(WAIT);
    const cells = await cellTexts(position.first());
    expect(cells[0]).toBe(symbol);
    expect(['LONG', 'SHORT']).toContain(cells[1]);
  });

  it('Reject removes a plan from the queue', async () => {
    const { row, planId } = await queuePlan();
    await row.getByRole('button', { name: 'Reject', exact: true }).click();
    await expect.poll(() => planRows('Approval queue', planId).count(), WAIT).toBe(0);
  });

  it('keyboard: R rejects the selected plan in the focused queue', async () => {
    const { row, planId } = await queuePlan();
    await row.getByRole('gridcell').first().click(); // selects the row and focuses the queue
    await expect.poll(() => row.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('r');
    await expect.poll(() => planRows('Approval queue', planId).count(), WAIT).toBe(0);
  });

  it('takes a screenshot of the living terminal', async () => {
    // Demo positions close on their own (stops, targets): open one if none is left.
    if ((await dataRows('Positions').count()) === 0) await approveIntoPosition();
    await dataRows('Approval queue').first().waitFor(WAIT);
    await page.screenshot({ path: outputPath('terminal.png') });
  });

  it('Kill switch asks first; Confirm shows HALTED and an empty Positions region', async () => {
    if ((await dataRows('Positions').count()) === 0) await approveIntoPosition();
    await page.getByRole('button', { name: 'Kill switch', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm kill switch' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Confirm', exact: true }).click();

    await expect.poll(() => tradingState().textContent(), WAIT).toBe('HALTED');
    await expect.poll(() => dataRows('Positions').count(), WAIT).toBe(0);
    expect(await region('Positions').textContent()).toContain('No open positions');
    // The flattened position is now a closed trade with the kill switch as its exit.
    await dataRows('Trade history').filter({ hasText: 'KILL' }).first().waitFor(WAIT);
  });

  it('Resume trading shows ACTIVE', async () => {
    await page.getByRole('button', { name: 'Resume trading', exact: true }).click();
    await expect.poll(() => tradingState().textContent(), WAIT).toBe('ACTIVE');
  });

  it('Export CSV downloads a file whose rows match the trade history', async () => {
    const history = grid('Trade history');
    await dataRows('Trade history').first().waitFor(WAIT);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const text = await readFile((await download.path())!, 'utf8');
    const [header, ...lines] = text.trimEnd().split('\n');
    const columns = csvFields(header!);
    expect(columns.slice(0, 4)).toEqual(['seq', 'planId', 'symbol', 'side']);
    const at = (name: string): number => columns.indexOf(name);
    const records = lines.map(csvFields);

    // As many records as the history has trades (aria-rowcount counts the header row too).
    const rowCount = Number(await history.getAttribute('aria-rowcount'));
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBe(rowCount - 1);

    // Every trade on screen is in the file with the same plan, symbol, side and P&L. The table shows a
    // short plan label; the full id is the cell's title.
    const shown = await dataRows('Trade history').all();
    for (const row of shown) {
      const [, , symbol, side, , , , , pnl] = await cellTexts(row);
      const planId = await row.getByRole('gridcell').nth(1).getAttribute('title');
      const record = records.find((r) => r[at('planId')] === planId);
      expect(record, `plan ${planId} in the CSV`).toBeDefined();
      expect(record![at('symbol')]).toBe(symbol);
      expect(record![at('side')]!.toUpperCase()).toBe(side);
      const onScreen = pnl!.replace('\u2212', '-').replace('+', '').replace(/,/g, '');
      expect(dec(record![at('pnl')]!).toFixed(2)).toBe(dec(onScreen).toFixed(2));
    }
  });

  it('refuses a request without the token (HTTP and WebSocket); the page without it gets no data', async () => {
    const noToken = await fetch(`${served.origin}/api/snapshot`);
    expect(noToken.status).toBe(401);
    const wrongToken = await fetch(`${served.origin}/api/snapshot?token=${'0'.repeat(64)}`);
    expect(wrongToken.status).toBe(401);
    const kill = await fetch(`${served.origin}/api/invoke/kill`, { method: 'POST', body: '{}' });
    expect(kill.status).toBe(401);
    const withToken = await fetch(`${served.origin}/api/snapshot?token=${served.token}`);
    expect(withToken.status).toBe(200);
    expect(((await withToken.json()) as { ok: boolean }).ok).toBe(true);
    // The refused kill changed nothing.
    expect(await tradingState().textContent()).toBe('ACTIVE');

    const bare = await browser.context.newPage();
    try {
      await bare.goto(served.origin);
      const outcome = await bare.evaluate(
        () =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(`ws://${location.host}/api/ws`);
            ws.onopen = () => resolve('open');
            ws.onclose = () => resolve('refused');
          }),
      );
      expect(outcome).toBe('refused');
      await bare.getByRole('banner').getByText('Waiting for the engine…').waitFor(WAIT);
      expect(await bare.getByText('Connected', { exact: true }).count()).toBe(0);
    } finally {
      await bare.close();
    }
  });

  it('with "Confirm my own tickets" on, the order ticket sends a manual plan, which waits in the approval queue', async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByLabel('Confirm my own tickets', { exact: false }).check();
    await settings.getByRole('button', { name: 'Done', exact: true }).click();
    await settings.waitFor({ state: 'detached' });
    const symbol = await page.getByLabel('Chart symbol').inputValue();
    expect(symbol).toMatch(/\S/);
    const ticket = region('Order ticket');
    await ticket.getByLabel('Symbol').fill(symbol);
    await ticket.getByLabel('Qty').fill('1');
    await ticket.getByRole('button', { name: 'Send buy plan', exact: true }).click();
    const row = dataRows('Approval queue').filter({ has: page.locator('[title^="manual-"]') });
    await row.first().waitFor(WAIT);
    const cells = await cellTexts(row.first());
    expect(cells.slice(1, 3)).toEqual([symbol, 'BUY']);
    expect(cells[4]).toBe('1'); // the quantity given, not an estimate
  });

  it('Close on a position row flattens it at market: the position leaves, a CLOSE trade appears', async () => {
    const { planId, symbol } = await approveIntoPosition();
    const row = dataRows('Positions').filter({ hasText: symbol }).first();
    await row.getByRole('button', { name: 'Close', exact: true }).click();
    // Close asks first (the default); the whole position unless a quantity is typed.
    const confirm = page.getByRole('dialog', { name: 'Close position' });
    await confirm.getByRole('button', { name: 'Close at market', exact: true }).click();
    await expect.poll(() => dataRows('Positions').filter({ hasText: symbol }).count(), WAIT).toBe(0);
    const trade = planRows('Trade history', planId);
    await trade.first().waitFor(WAIT);
    expect(await trade.first().textContent()).toContain('CLOSE');
  });

  it('Export JSON downloads a hash chain that verifies, one record per trade on screen', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const text = await readFile((await download.path())!, 'utf8');
    const verdict = verifyExport(text);
    expect(verdict).toMatchObject({ ok: true, format: 'json' });
    const rowCount = Number(await grid('Trade history').getAttribute('aria-rowcount'));
    if (verdict.ok) expect(verdict.count).toBe(rowCount - 1);
  });

  it('arming LIVE asks for a PIN: a new PIN arms it, a wrong one is refused, Back to PAPER disarms', async () => {
    const mode = () => page.getByLabel('Mode', { exact: true }).textContent();
    expect(await mode()).toBe('PAPER');
    await page.getByRole('button', { name: 'Arm LIVE…', exact: true }).click();
    let dialog = page.getByRole('dialog', { name: 'Arm LIVE trading' });
    await dialog.getByLabel('New PIN').fill('2468');
    await dialog.getByLabel('Repeat PIN').fill('2468');
    await dialog.getByRole('button', { name: 'Arm LIVE', exact: true }).click();
    await expect.poll(mode, WAIT).toBe('LIVE');
    await page.getByRole('button', { name: 'Back to PAPER', exact: true }).click();
    await expect.poll(mode, WAIT).toBe('PAPER');

    await page.getByRole('button', { name: 'Arm LIVE…', exact: true }).click();
    dialog = page.getByRole('dialog', { name: 'Arm LIVE trading' });
    await dialog.getByLabel('PIN', { exact: true }).fill('1111');
    await dialog.getByRole('button', { name: 'Arm LIVE', exact: true }).click();
    await dialog.getByRole('alert').waitFor(WAIT);
    expect(await mode()).toBe('PAPER');
    await dialog.getByLabel('PIN', { exact: true }).fill('2468');
    await dialog.getByRole('button', { name: 'Arm LIVE', exact: true }).click();
    await expect.poll(mode, WAIT).toBe('LIVE');
    await page.getByRole('button', { name: 'Back to PAPER', exact: true }).click();
    await expect.poll(mode, WAIT).toBe('PAPER');
  });

  it('Cancel on a working entry order withdraws it: the order shows CANCELLED', async () => {
    const manualIds = async () =>
      Promise.all(
        (
          await dataRows('Approval queue')
            .filter({ has: page.locator('[title^="manual-"]') })
            .all()
        ).map(queuedPlanId),
      );
    const before = new Set(await manualIds());
    const symbol = await page.getByLabel('Chart symbol').inputValue();
    const ticket = region('Order ticket');
    await ticket.getByLabel('Symbol').fill(symbol);
    await ticket.getByLabel('Entry').selectOption('limit');
    await ticket.getByLabel('Price').fill('1'); // far below the market: it stays working
    await ticket.getByLabel('Qty').fill('1');
    await ticket.getByRole('button', { name: 'Send buy plan', exact: true }).click();
    await expect.poll(async () => (await manualIds()).filter((id) => !before.has(id)).length, WAIT).toBe(1);
    const planId = (await manualIds()).find((id) => !before.has(id))!;
    const queued = planRows('Approval queue', planId);
    await queued.getByRole('button', { name: 'Approve', exact: true }).click();
    const order = planRows('Orders', planId).first();
    await order.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect.poll(() => order.textContent(), WAIT).toContain('CANCELLED');
  });

  it('the terminal logged no errors (no CSP violation, no exception)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
