// The Day trades region end to end with IB's own count: `braid serve --config FILE` with venues.ib
// pointing at the TWS API simulator, whose account summary says DayTradesRemaining 1 and NetLiquidation
// 18000, and Chromium on the page. The region shows the broker's remaining count and equity beside
// Braid's own (3 remaining: no day trade made), says that the two differ and the broker's applies, and
// that the rule binds on the broker's equity (18,000 < 25,000) with one day trade left.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { type IbSimulator, startIbSimulator } from '../venues/ib/simulator.ts';
import { type Served, startServe } from '../venues/serve-harness.ts';
import { type Browser, ensureRendererBuilt, launchChromium } from './harness.ts';

const WAIT = { timeout: 20_000 };

let sim: IbSimulator;
let dir: string;
let served: Served | null = null;
let browser: Browser | null = null;
let page: Page;

const dayTrades = (): Locator => page.getByRole('region', { name: 'Day trades', exact: true });

beforeAll(async () => {
  await ensureRendererBuilt();
  sim = await startIbSimulator({ nextValidId: 1, prices: { AAPL: 190 } });
  sim.setAccountSummary({ DayTradesRemaining: '1', NetLiquidation: '18000.00' });
  dir = mkdtempSync(join(tmpdir(), 'braid-ib-day-trades-'));
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      account: { cash: '100000', type: 'margin', leverage: '2' },
      pdt: { enabled: true },
      defaultVenue: 'ib',
      venues: { ib: { host: '127.0.0.1', port: sim.port, clientId: 9 } },
      instruments: { AAPL: { tick: '0.01', lot: '1' } },
    }),
  );
  // Chromium starts while braid serve does (a loaded machine starts both slowly).
  // Settled both ways, so that afterAll closes whichever started when the other did not.
  const [started, launched] = await Promise.allSettled([
    startServe({ db: join(dir, 'state.sqlite'), config, env: {} }),
    launchChromium({ width: 1680, height: 1000 }),
  ]);
  if (started.status === 'fulfilled') served = started.value;
  if (launched.status === 'fulfilled') browser = launched.value;
  if (started.status === 'rejected') throw started.reason;
  if (launched.status === 'rejected') throw launched.reason;
  const s = started.value;
  page = launched.value.page;
  // The engine has read IB's account summary (at its first reconciliation).
  await waitFor('the broker count in the snapshot', async () => (await s.snapshot()).engine.dayTrades.broker);
  await page.goto(`http://127.0.0.1:${s.port}/?token=${s.token}`);
  await page.getByRole('contentinfo').getByText('Connected', { exact: true }).waitFor(WAIT);
  // A loaded machine (2 cores, the suite's other files) starts braid serve and Chromium slowly.
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the Day trades region with IB's own count", () => {
  it("shows IB's remaining day trades and equity beside Braid's count, and that the broker's applies", async () => {
    const region = dayTrades();
    await region.getByText('Broker remaining (IB)', { exact: true }).waitFor(WAIT);
    const pairs = await region
      .locator('dl.kv > dt')
      .evaluateAll((dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]));
    expect(pairs).toEqual([
      ['Broker remaining (IB)', '1'],
      ['Broker equity', '18,000.00'],
      ["Braid's count: remaining", '3'],
      ['Oldest leaves window', '\u2014'],
    ]);
    const banner = region.getByRole('status').filter({ hasText: 'counts' });
    expect(await banner.textContent()).toBe(
      "IB counts 1 day trade left, Braid 3: the broker's count applies (it sees trades made elsewhere).",
    );
    // IB's equity (18,000) is below the rule's 25,000, though Braid's own books 100,000: the rule binds,
    // and the remaining count it follows is IB's 1.
    expect(await region.getByText('PDT rule applies', { exact: true }).isVisible()).toBe(true);
    expect(await region.getByRole('status').filter({ hasText: 'One day trade left.' }).count()).toBe(1);
    expect(await region.getByRole('alert').count()).toBe(0);
  });
});
