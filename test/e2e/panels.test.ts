// The trader's panels end to end against `braid serve --demo` in Chromium: the order ticket's engine
// preview and inline checks, a ticket straight to the venue, a partial close behind its confirmation,
// sorting the trade history, and Approve disabled while HALTED with the reason on screen. One server and
// one page; the tests run in order (the positions the ticket opens are the trades the history sorts).
// Every wait is on something the page shows.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../src/shared/domain/decimal.ts';
import {
  type Browser,
  ensureRendererBuilt,
  launchChromium,
  outputPath,
  type Served,
  startServe,
} from './harness.ts';

const DEMO_STEP_MS = 250;
const WAIT = { timeout: 45_000 };
const DASH = '\u2014';

let served: Served;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const region = (name: string): Locator => page.getByRole('region', { name, exact: true });
const grid = (name: string): Locator => region(name).getByRole('grid', { name, exact: true });
const dataRows = (name: string): Locator =>
  grid(name)
    .getByRole('row')
    .filter({ hasNot: page.getByRole('columnheader') });
const ticket = (): Locator => region('Order ticket');
const field = (label: string): Locator => ticket().getByLabel(label, { exact: true });
const sendButton = (): Locator => ticket().getByRole('button', { name: /^Send (buy|sell) plan$/ });
const tradingState = (): Locator => page.getByLabel('Trading state', { exact: true });

/** "1,234.50" / "−3.20" as a decimal string. */
const numberText = (text: string): string => text.replace(/\u2212/g, '-').replace(/[,+\s]/g, '');

async function cellTexts(row: Locator): Promise<string[]> {
  return (await row.getByRole('gridcell').allTextContents()).map((t) => t.trim());
}

async function previewValue(name: 'size' | 'notional' | 'risk'): Promise<string> {
  return ((await ticket().locator(`[data-preview="${name}"]`).textContent()) ?? '').trim();
}

/** The last price the ticket shows for its symbol ("last 512.10"). */
async function tickerLast(): Promise<string> {
  const meta = ticket().getByText(/^last /);
  await meta.waitFor(WAIT);
  return numberText(((await meta.textContent()) ?? '').replace(/^last /, ''));
}

/** A market buy of `quantity` typed in the ticket and sent; waits for its position. */
async function buyAtMarket(symbol: string, quantity: string): Promise<void> {
  await field('Symbol').fill(symbol);
  await field('Entry').selectOption('market');
  const last = dec(await tickerLast());
  await field('Qty').fill(quantity);
  await field('Stop loss').fill(last.times('0.9').toFixed(2));
  await field('Take profit').fill('');
  await field('Trail %').fill('');
  await expect.poll(() => sendButton().isEnabled(), WAIT).toBe(true);
  await sendButton().click();
  const row = dataRows('Positions').filter({ hasText: symbol });
  await row.first().waitFor(WAIT);
  await expect.poll(async () => (await cellTexts(row.first()))[2], WAIT).toBe(quantity);
}

/** Close on a position row, confirmed for `quantity` (the whole position when undefined). */
async function closeFromRow(symbol: string, quantity?: string): Promise<void> {
  const row = dataRows('Positions').filter({ hasText: symbol });
  await row.first().getByRole('button', { name: 'Close', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Close position' });
  await dialog.waitFor();
  if (quantity !== undefined) await dialog.getByLabel('Quantity to close', { exact: true }).fill(quantity);
  await dialog.getByRole('button', { name: 'Close at market', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  // Filled on a later bar than the close before it, so every trade has its own exit time.
  if (quantity === undefined) await expect.poll(() => row.count(), WAIT).toBe(0);
}

beforeAll(async () => {
  await ensureRendererBuilt();
  served = await startServe({ demoStepMs: DEMO_STEP_MS });
  browser = await launchChromium();
  page = browser.page;
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(served.url);
  await page.getByText('Connected', { exact: true }).waitFor(WAIT);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('panels against braid serve --demo', () => {
  it('the ticket checks the symbol and the side against stop and target inline, Send disabled meanwhile', async () => {
    await field('Symbol').fill('ZZZ');
    await ticket().getByText('Symbol: the engine does not know ZZZ', { exact: true }).waitFor(WAIT);
    expect(await sendButton().isDisabled()).toBe(true);

    await field('Symbol').fill('SPY');
    const last = dec(await tickerLast());
    await field('Entry').selectOption('limit');
    const entry = last.toFixed(2);
    await field('Price').fill(entry);
    // A buy's stop above its entry, its target below: both refused where they were typed.
    await field('Stop loss').fill(dec(entry).plus(1).toFixed(2));
    await field('Take profit').fill(dec(entry).minus(1).toFixed(2));
    await ticket()
      .getByText(`Stop loss: a buy's stop must be below the entry ${dec(entry).toFixed(2)}`, { exact: true })
      .waitFor(WAIT);
    await ticket()
      .getByText(`Take profit: a buy's target must be above the entry ${dec(entry).toFixed(2)}`, {
        exact: true,
      })
      .waitFor(WAIT);
    expect(await field('Stop loss').getAttribute('aria-invalid')).toBe('true');
    expect(await sendButton().isDisabled()).toBe(true);
    expect(await ticket().textContent()).toContain('Fix the fields marked above');
  });

  it("shows the engine's size, notional and risk for the typed plan before anything is sent", async () => {
    const entry = dec(numberText(await field('Price').inputValue()));
    const stop = entry.minus('2.5');
    await field('Stop loss').fill(stop.toFixed(2));
    await field('Take profit').fill(entry.plus(5).toFixed(2));
    await expect.poll(() => ticket().locator('[aria-invalid="true"]').count(), WAIT).toBe(0);

    // Quantity left blank: the engine sizes it by its risk rule.
    await expect.poll(() => previewValue('size'), WAIT).not.toBe(DASH);
    const size = dec(numberText(await previewValue('size')));
    expect(size.gt(0)).toBe(true);
    // Notional = entry x size, risk = |entry - stop| x size = 2.50 x size, shown to the cent.
    await expect
      .poll(async () => numberText(await previewValue('notional')), WAIT)
      .toBe(entry.times(size).toFixed(2));
    const risk = (await previewValue('risk')).split(' (')[0]!;
    expect(numberText(risk)).toBe(dec('2.5').times(size).toFixed(2));
    expect(await previewValue('risk')).toMatch(/\(\d+\.\d{2}% of equity\)$/);

    // A quantity typed by hand is what the engine previews.
    await field('Qty').fill('7');
    await expect.poll(() => previewValue('size'), WAIT).toBe('7');
    await expect.poll(() => previewValue('risk'), WAIT).toMatch(/^17\.50 /);
    expect(await sendButton().isEnabled()).toBe(true);
    await field('Qty').fill('');
  });

  it('a typed ticket goes to the venue at once: a position, never a row in the approval queue', async () => {
    await buyAtMarket('SPY', '10');
    // Nothing of ours waits for approval (the demo's own plans come and go meanwhile); a queued plan's
    // full id is the title of its Plan cell.
    expect(await grid('Approval queue').locator('[title^="manual-"]').count()).toBe(0);
  });

  it('Close asks first and closes part of a position; the rest stays open', async () => {
    const row = dataRows('Positions').filter({ hasText: 'SPY' }).first();
    await row.getByRole('button', { name: 'Close', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Close position' });
    await dialog.waitFor();
    const quantity = dialog.getByLabel('Quantity to close', { exact: true });
    // The whole position by default.
    expect(await quantity.inputValue()).toBe('10');
    await quantity.fill('11');
    await dialog.getByText('Quantity: at most the open 10', { exact: true }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Close at market', exact: true }).isDisabled()).toBe(
      true,
    );
    await quantity.fill('4');
    await dialog.getByRole('button', { name: 'Close at market', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(async () => (await cellTexts(row))[2], WAIT).toBe('6');
    await expect.poll(() => dataRows('Positions').filter({ hasText: 'SPY' }).count()).toBe(1);
  });

  it('history columns sort on a click of their header, with aria-sort', async () => {
    // Three trades of known sizes, closed in an order that matches neither sort: 5, then 10 (the SPY
    // round trip, closed in two parts, is one trade), then 3.
    await buyAtMarket('AAPL', '5');
    await buyAtMarket('MSFT', '3');
    await closeFromRow('AAPL');
    await closeFromRow('SPY');
    await closeFromRow('MSFT');
    await expect.poll(() => dataRows('Trade history').count(), WAIT).toBe(3);

    const qtyColumn = async (): Promise<string[]> =>
      Promise.all((await dataRows('Trade history').all()).map(async (r) => (await cellTexts(r))[4]!));
    // Newest first by default.
    expect(await qtyColumn()).toEqual(['3', '10', '5']);
    const header = grid('Trade history').getByRole('columnheader', { name: 'Qty' });
    expect(await header.getAttribute('aria-sort')).toBe('none');
    expect(
      await grid('Trade history').getByRole('columnheader', { name: 'Closed' }).getAttribute('aria-sort'),
    ).toBe('descending');

    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
    expect(await qtyColumn()).toEqual(['3', '5', '10']);
    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
    expect(await qtyColumn()).toEqual(['10', '5', '3']);

    // The metrics follow the history filter: the engine's figures for the kept trades only.
    const metric = (label: string): Locator =>
      region('Trade history')
        .locator('.metric')
        .filter({ has: page.locator('.metric-label', { hasText: new RegExp(`^${label}$`) }) })
        .locator('.metric-value');
    const trades = (): Promise<string | null> => metric('Trades').textContent();
    await expect.poll(trades, WAIT).toBe('3');
    await region('Trade history').getByLabel('Filter by symbol').selectOption('AAPL');
    await expect.poll(trades, WAIT).toBe('1');
    // The rows are the engine's answer to their own question (tradeHistory): they may come a moment later.
    await expect.poll(() => dataRows('Trade history').count(), WAIT).toBe(1);
    await region('Trade history').getByLabel('Filter by symbol').selectOption('');
    await expect.poll(trades, WAIT).toBe('3');
    // Three trades are below the engine's minimum sample for a Sharpe ratio: it says so, once the engine's
    // answer for the whole history is in (until then the strip shows the snapshot's figures).
    await expect.poll(() => metric('Sharpe').textContent(), WAIT).toMatch(/^n\/a \(needs \d+ trades\)$/);
  });

  it('while HALTED, Approve and Send are disabled and the queue says why; Resume enables them again', async () => {
    await page.getByRole('button', { name: 'Kill switch', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm kill switch' });
    await dialog.getByRole('button', { name: 'Confirm', exact: true }).click();
    await expect.poll(() => tradingState().textContent(), WAIT).toBe('HALTED');

    // The demo keeps sending plans; the one that arrives while HALTED cannot be approved.
    const row = dataRows('Approval queue').first();
    const approve = row.getByRole('button', { name: 'Approve', exact: true });
    await approve.waitFor(WAIT);
    expect(await approve.isDisabled()).toBe(true);
    expect(await row.getByRole('button', { name: 'Reject', exact: true }).isEnabled()).toBe(true);
    await region('Approval queue')
      .getByText(/Approve is disabled\.\s*Trading is HALTED: press Resume trading first/)
      .waitFor(WAIT);
    // The ticket's send button too, with the reason beside it.
    await field('Symbol').fill('SPY');
    expect(await sendButton().isDisabled()).toBe(true);
    expect(await ticket().textContent()).toContain('Trading is HALTED: press Resume trading first');
    await page.screenshot({ path: outputPath('panels-halted.png') });

    await page.getByRole('button', { name: 'Resume trading', exact: true }).click();
    await expect.poll(() => tradingState().textContent(), WAIT).toBe('ACTIVE');
    await expect
      .poll(
        () => dataRows('Approval queue').first().getByRole('button', { name: 'Approve' }).isEnabled(),
        WAIT,
      )
      .toBe(true);
    expect(await region('Approval queue').getByText('Approve is disabled.').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
