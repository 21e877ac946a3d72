// The Trade history region over a history longer than a page, end to end: `braid serve` on a journal of
// 450 closed trades (test/helpers/trade-journal.ts: more than two pages of 200), Debian's Chromium. The
// rows come from the engine a page at a time as the grid scrolls, and the sort and the filter are the
// engine's over the whole history, not over what the page holds. Every wait is on something the page shows.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradePnl, writeTradeJournal } from '../helpers/trade-journal.ts';
import {
  type Browser,
  ensureRendererBuilt,
  launchChromium,
  outputPath,
  type Served,
  startServe,
} from './harness.ts';

const TRADES = 450;
const ROW_HEIGHT = 22;
const WAIT = { timeout: 30_000 };

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const region = (): Locator => page.getByRole('region', { name: 'Trade history', exact: true });
const grid = (): Locator => region().getByRole('grid', { name: 'Trade history', exact: true });
/** The plan id of the row at a 1-based aria-rowindex (the header is row 1): the plan cell's title. */
const planAt = (rowIndex: number): Promise<string | null> =>
  grid()
    .locator(`[role="row"][aria-rowindex="${rowIndex}"]`)
    .getByRole('gridcell')
    .nth(1)
    .getAttribute('title', { timeout: 1_000 })
    .catch(() => null);
/** Scrolls the grid so display position `position` (0-based) is the first row in view. */
const scrollTo = (position: number) =>
  grid().evaluate((el, top) => {
    el.scrollTop = top;
  }, position * ROW_HEIGHT);
const rowCount = () => grid().getAttribute('aria-rowcount');
const meta = () => region().locator('.panel-meta').textContent();

beforeAll(async () => {
  await ensureRendererBuilt();
  // Each engine commit is flushed (synchronous FULL): in memory-backed /dev/shm the journal takes seconds.
  dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'braid-e2e-history-'));
  const db = join(dir, 'journal.sqlite');
  writeTradeJournal(db, TRADES);
  served = await startServe({ demo: false, db });
  browser = await launchChromium();
  page = browser.page;
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(served.url);
  await grid().waitFor(WAIT);
}, 120_000);

afterAll(async () => {
  if (page && expect.getState().assertionCalls > 0 && pageErrors.length > 0) {
    await page.screenshot({ path: outputPath('history-paging-failure.png') }).catch(() => {});
  }
  await browser?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Trade history over a long history', () => {
  it('lists every trade of the journal newest first, each page fetched as the grid scrolls to it', async () => {
    await expect.poll(rowCount, WAIT).toBe(String(TRADES + 1));
    expect(await meta()).toContain(`${TRADES} trades`);
    await expect.poll(() => planAt(2), WAIT).toBe(`t${TRADES - 1}`);
    // Position 250 is on the second page (200..399), the last one (449) on the third (400..449).
    await scrollTo(250);
    await expect.poll(() => planAt(252), WAIT).toBe(`t${TRADES - 1 - 250}`);
    await scrollTo(TRADES);
    await expect.poll(() => planAt(TRADES + 1), WAIT).toBe('t0');
    expect(pageErrors).toEqual([]);
  });

  it('sorts by P&L over the whole history in the engine: the worst trade first, the best last', async () => {
    const pnls = Array.from({ length: TRADES }, (_, n) => tradePnl(n));
    const worst = Math.min(...pnls);
    const best = Math.max(...pnls);
    // Ties keep the order the trades closed in, whichever the direction: the first of the worst leads,
    // the last of the best ends the list.
    const first = `t${pnls.indexOf(worst)}`;
    const last = `t${pnls.lastIndexOf(best)}`;
    expect([worst, best]).toEqual([-25, 25]);

    const header = grid().getByRole('columnheader', { name: 'P&L', exact: true });
    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
    await scrollTo(0);
    await expect.poll(() => planAt(2), WAIT).toBe(first);
    await scrollTo(TRADES);
    await expect.poll(() => planAt(TRADES + 1), WAIT).toBe(last);
  });

  it('filters in the engine: the count is over the whole history, and the rows are the kept trades', async () => {
    // BBB is every fourth trade from t1; its wins are those with a P&L above zero.
    const kept = Array.from({ length: TRADES }, (_, n) => n).filter((n) => n % 4 === 1 && tradePnl(n) > 0);
    expect(kept.length).toBeGreaterThan(0);
    await region().getByLabel('Filter by symbol').selectOption('BBB');
    await region().getByLabel('Filter by outcome').selectOption('win');
    await expect.poll(rowCount, WAIT).toBe(String(kept.length + 1));
    expect(await meta()).toContain(`${kept.length} of ${TRADES} trades`);
    // Still sorted by P&L ascending: the smallest win first (ties: the earliest).
    const smallest = Math.min(...kept.map(tradePnl));
    await scrollTo(0);
    await expect.poll(() => planAt(2), WAIT).toBe(`t${kept.find((n) => tradePnl(n) === smallest)}`);
    await region().getByLabel('Filter by symbol').selectOption('');
    await region().getByLabel('Filter by outcome').selectOption('');
    await expect.poll(rowCount, WAIT).toBe(String(TRADES + 1));
  });
});
