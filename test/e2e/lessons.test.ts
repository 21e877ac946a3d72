// The learning loop end to end (issue 10's Show): an engine host serving the built terminal to Chromium,
// two paper venues that differ only in slippage (paper 2 bps, paper-b 12 bps) as a plan's candidates,
// market plans without a venue, each closed once it fills. Learning on with no holdout and no exploration:
// until a lesson is active the plans go to the candidates in turn (plan i to paper when i is even, to
// paper-b when odd), the baseline's round-robin. Then a lesson appears in the Lessons region, the next
// orders go to paper with the `L` tag in the Orders blotter, Dismiss in the page switches it off, and the
// next order goes to paper-b again (its turn), with no tag, while the earlier rows keep theirs.
// The tests share one host and one page and run in order.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppSnapshot } from '../../src/shared/contract.ts';
import type { OrderRecord } from '../../src/shared/domain/order.ts';
import { waitFor } from '../helpers/wait.ts';
import { type Browser, ensureRendererBuilt, invokeHttp, launchChromium } from './harness.ts';
import { type LessonsServed, SYMBOL, startLessonsHost } from './lessons-host.ts';

// Twenty bars a second: a plan's entry fills at the next bar, its exit at the one after.
const STEP_MS = 50;
const WAIT = { timeout: 30_000 };
/** The API is polled this often while an order fills (the host runs in this process: spare it). */
const POLL_MS = 20;
const CANDIDATES = ['paper', 'paper-b'] as const;
const LESSON_ID = `prefer_venue:paper|market|${SYMBOL}|*|*`;
const CONFIG = {
  account: { cash: 10_000_000 },
  pdt: { enabled: false },
  approval: { mode: 'manual' }, // the test's plans are typed (approved); nothing else trades
  venues: { paper: { slipBps: 2 }, 'paper-b': { kind: 'paper', slipBps: 12 } },
  routing: { candidates: [...CANDIDATES] },
  learning: { enabled: true, minEvidence: 5, holdoutPct: 0, explorePct: 0, autoActivate: true },
};

let served: LessonsServed;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
/** The test's plans in arrival order: plan i took the candidates' turn i. */
const entries: OrderRecord[] = [];
/** The entries a lesson sent to paper, and the one after Dismiss. */
const advised: OrderRecord[] = [];
let afterDismiss: OrderRecord;

const region = (name: string): Locator => page.getByRole('region', { name, exact: true });
const lessonItem = (): Locator => region('Lessons').locator(`li[data-lesson="${LESSON_ID}"]`);
/** An order's row in the blotter: its Order cell's title is its id (or starts with it and the advice). */
const orderRow = (id: string): Locator =>
  region('Orders')
    .getByRole('grid', { name: 'Orders', exact: true })
    .getByRole('row')
    .filter({ has: page.locator(`[title="${id}"], [title^="${id}:"]`) });
const cellTexts = async (row: Locator): Promise<string[]> =>
  (await row.getByRole('gridcell').allTextContents()).map((t) => t.trim());
/** The blotter's columns: Time, Order, Symbol, Venue, ... */
const ORDER_CELL = 1;
const VENUE_CELL = 3;

async function snapshot(): Promise<AppSnapshot> {
  const answer = (await invokeHttp(served, 'getSnapshot', {})) as { ok: true; value: AppSnapshot };
  return answer.value;
}

/** A market buy of 1 without a venue, filled, then closed and flat again; returns its filled entry. */
async function roundTrip(): Promise<OrderRecord> {
  const plan = { symbol: SYMBOL, side: 'buy', entry: { type: 'market' }, quantity: 1 };
  const answer = (await invokeHttp(served, 'submitPlan', { plan })) as {
    ok: boolean;
    value?: { planId: string };
  };
  expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
  const planId = answer.value!.planId;
  const entry = await waitFor(
    `the entry of ${planId} filled`,
    async () =>
      (await snapshot()).engine.orders.find(
        (o) => o.planId === planId && o.role === 'entry' && o.status === 'filled',
      ),
    WAIT.timeout,
    POLL_MS,
  );
  expect(await invokeHttp(served, 'closePosition', { symbol: SYMBOL })).toMatchObject({ ok: true });
  await waitFor(
    `${planId} closed`,
    async () => {
      const s = await snapshot();
      const exit = s.engine.orders.find((o) => o.planId === planId && o.role === 'exit');
      return exit?.status === 'filled' && !s.engine.positions.some((p) => p.symbol === SYMBOL);
    },
    WAIT.timeout,
    POLL_MS,
  );
  entries.push(entry);
  return entry;
}

/** The venue the baseline gives plan `turn` (round-robin by arrival). */
const baseline = (turn: number) => CANDIDATES[turn % CANDIDATES.length]!;

beforeAll(async () => {
  await ensureRendererBuilt();
  // Chromium starts while the host boots; whichever started is closed in afterAll if the other failed.
  const [host, chromium] = await Promise.allSettled([startLessonsHost(CONFIG, STEP_MS), launchChromium()]);
  if (host.status === 'fulfilled') served = host.value;
  if (chromium.status === 'fulfilled') browser = chromium.value;
  if (host.status === 'rejected') throw host.reason;
  if (chromium.status === 'rejected') throw chromium.reason;
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
  await served?.close();
});

describe('a lesson in the Lessons region steers the next order, and Dismiss reverts it', () => {
  it('plans alternate between the candidates until a lesson is active; it shows with its sentence and evidence', async () => {
    expect(await region('Lessons').textContent()).toContain('No lesson yet');
    // 5 entries on each venue over at least two days: a dozen plans or so; 40 is far more than enough.
    while (!(await snapshot()).engine.learning?.lessons.some((l) => l.state === 'active')) {
      expect(entries.length, 'plans before a lesson became active').toBeLessThan(40);
      const entry = await roundTrip();
      expect(entry.venue, `plan ${entries.length - 1}`).toBe(baseline(entries.length - 1));
      expect(entry.advice?.lessons ?? []).toEqual([]);
    }
    expect(entries.length).toBeGreaterThanOrEqual(10);

    const [lesson] = (await snapshot()).engine.learning!.lessons;
    expect(lesson).toMatchObject({
      id: LESSON_ID,
      state: 'active',
      effect: { kind: 'prefer_venue', venue: 'paper', over: ['paper-b'] },
      evidence: { meanBps: 2, altMeanBps: 12, ci95: [10, 10] },
    });
    // Every entry so far at most is evidence: paper took the even turns, paper-b the odd ones.
    const { n, altN } = lesson!.evidence;
    expect(n).toBeGreaterThanOrEqual(5);
    expect(altN).toBeGreaterThanOrEqual(5);
    expect(n).toBeLessThanOrEqual(entries.filter((e) => e.venue === 'paper').length);
    expect(altN).toBeLessThanOrEqual(entries.filter((e) => e.venue === 'paper-b').length);

    // The page: ACTIVE, the sentence naming both venues, the effect, the evidence line, Dismiss.
    const item = lessonItem();
    await item.waitFor(WAIT);
    await expect.poll(() => item.locator('.lesson-state').textContent(), WAIT).toBe('ACTIVE');
    expect(await item.locator('.lesson-text').textContent()).toBe(
      `Market entries on paper-b slipped 10.0 bps more than on paper (n = ${altN} and ${n}, 95 % CI 10.0 to 10.0)`,
    );
    expect(await item.locator('.lesson-text').textContent()).toBe(lesson!.text);
    expect(await item.locator('.lesson-effect').textContent()).toBe('Send to paper rather than paper-b');
    expect(await item.locator('.lesson-evidence').textContent()).toBe(
      `n = ${n} vs ${altN} · mean 2.0 bps vs 12.0 bps · 95 % CI of the difference 10.0 to 10.0 bps`,
    );
    expect(await item.getByRole('button').allTextContents()).toEqual(['Dismiss']);
    expect(await region('Lessons').textContent()).toContain('1 active of 1');
  });

  it('while it is on, every next order goes to paper, whatever its turn, and its row carries the L tag', async () => {
    // Orders at both turns: one whose turn was paper-b (the lesson changed it), the last at paper's
    // turn, so the order after Dismiss is at paper-b's.
    while (advised.length < 2 || entries.length % 2 === 0) {
      const turn = entries.length;
      const entry = await roundTrip();
      advised.push(entry);
      expect(entry.venue, `plan ${turn}`).toBe('paper');
      expect(entry.advice).toMatchObject({
        arm: 'advised',
        propensity: 1,
        lessons: [{ id: LESSON_ID, effect: 'prefer_venue', before: baseline(turn), after: 'paper' }],
      });
    }
    expect(advised.some((o) => o.advice!.lessons[0]!.before === 'paper-b')).toBe(true);

    for (const order of advised) {
      const row = orderRow(order.id);
      await row.first().waitFor(WAIT);
      expect(await row.count()).toBe(1);
      const cells = await cellTexts(row);
      expect(cells[VENUE_CELL]).toBe('paper');
      const tag = row.locator('.tag.lesson-applied');
      expect(await tag.textContent()).toBe('L');
      expect(await tag.getAttribute('data-lessons')).toBe(LESSON_ID);
      const before = order.advice!.lessons[0]!.before;
      expect(await row.getByRole('gridcell').nth(ORDER_CELL).getAttribute('title')).toBe(
        `${order.id}: lessons applied (venue chosen with 100 %):\n${LESSON_ID}: prefer venue ${before} \u2192 paper`,
      );
    }
    // The orders before the lesson: no tag.
    const early = orderRow(entries[entries.length - advised.length - 1]!.id);
    await early.first().waitFor(WAIT);
    expect(await early.locator('.lesson-applied').count()).toBe(0);
  });

  it('Dismiss in the page switches it off: the next order goes to its turn’s venue, untagged; the earlier rows keep L', async () => {
    const item = lessonItem();
    await item.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await expect.poll(() => item.locator('.lesson-state').textContent(), WAIT).toBe('DISMISSED');
    expect(await item.getByRole('button').allTextContents()).toEqual(['Reopen']);
    expect(await region('Lessons').textContent()).toContain('0 active of 1');
    expect((await snapshot()).engine.learning!.lessons.map((l) => [l.id, l.state])).toEqual([
      [LESSON_ID, 'dismissed'],
    ]);

    const turn = entries.length;
    afterDismiss = await roundTrip();
    // The turn is odd (see above): the baseline's venue is paper-b, where the lesson would have said paper.
    expect(turn % 2).toBe(1);
    expect(afterDismiss.venue).toBe('paper-b');
    expect(afterDismiss.advice?.lessons ?? []).toEqual([]);

    const row = orderRow(afterDismiss.id);
    await row.first().waitFor(WAIT);
    expect((await cellTexts(row))[VENUE_CELL]).toBe('paper-b');
    expect(await row.locator('.lesson-applied').count()).toBe(0);
    expect(await row.getByRole('gridcell').nth(ORDER_CELL).getAttribute('title')).toBe(afterDismiss.id);
    for (const order of advised) {
      const earlier = orderRow(order.id);
      expect((await cellTexts(earlier))[VENUE_CELL]).toBe('paper');
      expect(await earlier.locator('.tag.lesson-applied').textContent()).toBe('L');
    }
    // And the journal's record of those orders says the same.
    const orders = (await snapshot()).engine.orders;
    for (const order of advised) {
      expect(orders.find((o) => o.id === order.id)?.advice?.lessons.map((l) => l.id)).toEqual([LESSON_ID]);
    }
    expect(orders.find((o) => o.id === afterDismiss.id)?.advice?.lessons ?? []).toEqual([]);
  });

  it('the terminal logged no errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
