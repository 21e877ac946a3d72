// The Venues panel and the top bar's LIVE venues end to end (`braid serve --demo`, Chromium).
// Paper, as the engine reports it: connected, no credentials needed, Test connection answers. A live
// venue cannot be connected in this test (no exchange, and the live registry is not in `serve` yet), so a
// second page sees a Kraken row added to what the server pushes (Playwright's WebSocket routing; every
// command still goes to the real server and its real answers come back): its figures, RECONCILING, the
// reconciliation time in the terminal's zone, write-only credentials (sent once, cleared, never shown)
// and the server's refusal in plain words.
import type { Locator, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VenueView } from '../../src/shared/contract.ts';
import {
  type Browser,
  ensureRendererBuilt,
  invokeHttp,
  launchChromium,
  type Served,
  startServe,
} from './harness.ts';

const WAIT = { timeout: 30_000 };
const PIN = '2468';

const KRAKEN: VenueView = {
  name: 'kraken',
  live: true,
  state: 'connecting',
  reconciling: true,
  lastReconciledAt: Date.parse('2024-03-01T14:30:05Z'), // 09:30:05 in New York (EST)
  latencyMs: 41.6,
  rateBudgetUsed: 0.835,
  credentials: 'missing',
  deadMan: { state: 'armed', seconds: 60, triggerAt: null },
  detail: 'reconnecting after the socket dropped',
};

let served: Served;
let browser: Browser;
let page: Page;
let routed: Page;
/** What the routed page sent to the server, parsed. */
const sent: { name: string; args: unknown }[] = [];
const consoleErrors: string[] = [];

const venue = (p: Page, name: string): Locator =>
  p.getByRole('region', { name: 'Venues', exact: true }).getByRole('listitem', { name, exact: true });
const mode = (p: Page) => p.getByLabel('Mode', { exact: true }).textContent();
const liveVenues = (p: Page): Locator => p.getByRole('status', { name: 'Live venues', exact: true });

/** The server's pushes with KRAKEN added to every host state. */
function withKraken(text: string): string {
  const message = JSON.parse(text);
  if (message.kind === 'snapshot') message.snapshot.host.venues.push(KRAKEN);
  if (message.kind === 'events') {
    for (const event of message.events) if (event.type === 'host') event.host.venues.push(KRAKEN);
  }
  return JSON.stringify(message);
}

function route(ws: WebSocketRoute): void {
  const server = ws.connectToServer();
  ws.onMessage((message) => {
    const text = String(message);
    const parsed = JSON.parse(text) as { name?: string; args?: unknown };
    if (parsed.name !== undefined) sent.push({ name: parsed.name, args: parsed.args });
    server.send(text);
  });
  server.onMessage((message) => ws.send(withKraken(String(message))));
}

async function watch(p: Page): Promise<void> {
  p.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  p.on('pageerror', (e) => consoleErrors.push(e.message));
  await p.goto(served.url);
  await p.getByText('Connected', { exact: true }).waitFor(WAIT);
}

beforeAll(async () => {
  await ensureRendererBuilt();
  served = await startServe({ demoStepMs: 1_000 });
  browser = await launchChromium({ width: 1680, height: 1000 });
  page = browser.page;
  await watch(page);
  routed = await browser.context.newPage();
  await routed.routeWebSocket(/\/api\/ws/, route);
  await watch(routed);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('the Venues panel', () => {
  it('shows paper connected, with no credentials needed and nothing to fill in', async () => {
    const paper = venue(page, 'paper');
    await paper.getByText('CONNECTED', { exact: true }).waitFor(WAIT);
    const text = (await paper.textContent()) ?? '';
    expect(text).toContain('no credentials needed');
    expect(text).toContain('Latency0 ms');
    expect(text).toContain('Dead-mannone');
    expect(await paper.getByRole('button', { name: 'Set credentials' }).count()).toBe(0);
    expect(await page.locator('input[type="password"]').count()).toBe(0);
  });

  it('Test connection answers with the latency', async () => {
    const paper = venue(page, 'paper');
    await paper.getByRole('button', { name: 'Test connection', exact: true }).click();
    await expect.poll(() => paper.getByRole('status').textContent(), WAIT).toBe('paper answered in 0 ms');
  });

  it('a live venue: its state, RECONCILING, latency, reconciliation time in the terminal’s zone, rate, dead-man', async () => {
    const kraken = venue(routed, 'kraken');
    await kraken.getByText('CONNECTING', { exact: true }).waitFor(WAIT);
    const text = (await kraken.textContent()) ?? '';
    for (const part of [
      'RECONCILING entries wait',
      'Latency42 ms',
      'Reconciled14:30:05',
      'Rate84%',
      'Dead-manarmed 60s',
      'credentials missing',
      'reconnecting after the socket dropped',
    ])
      expect(text).toContain(part);
    await routed.getByLabel('Time zone', { exact: true }).selectOption('exchange');
    await expect.poll(() => kraken.textContent()).toContain('Reconciled09:30:05');
    await routed.getByLabel('Time zone', { exact: true }).selectOption('UTC');
    await expect.poll(() => kraken.textContent()).toContain('Reconciled14:30:05');
  });

  it('credentials are write-only: empty password fields, sent once on Save, cleared, the refusal in plain words', async () => {
    const kraken = venue(routed, 'kraken');
    await kraken.getByRole('button', { name: 'Set credentials', exact: true }).click();
    const key = kraken.getByLabel('API key', { exact: true });
    const secret = kraken.getByLabel('Private key', { exact: true });
    for (const field of [key, secret]) {
      expect(await field.getAttribute('type')).toBe('password');
      expect(await field.inputValue()).toBe('');
    }
    const save = kraken.getByRole('button', { name: 'Save', exact: true });
    expect(await save.isDisabled()).toBe(true);
    await key.fill('key-123');
    await secret.fill('secret-456');
    await save.click();
    // The server has no Kraken configured: its answer, in the trader's words.
    await expect
      .poll(() => kraken.getByRole('alert').textContent(), WAIT)
      .toBe('Kraken is not configured: add venues.kraken to the config (venue_not_configured)');
    expect(sent.filter((m) => m.name === 'setVenueCredentials')).toEqual([
      { name: 'setVenueCredentials', args: { venue: 'kraken', apiKey: 'key-123', apiSecret: 'secret-456' } },
    ]);
    expect(await key.inputValue()).toBe('');
    expect(await secret.inputValue()).toBe('');
    expect(await routed.content()).not.toContain('secret-456');
    // Folded and opened again: still empty.
    await kraken.getByRole('button', { name: 'Set credentials', exact: true }).click();
    await key.waitFor({ state: 'detached' });
    await kraken.getByRole('button', { name: 'Set credentials', exact: true }).click();
    expect(await kraken.getByLabel('API key', { exact: true }).inputValue()).toBe('');
  });

  it('Test connection on a venue that cannot answer shows why', async () => {
    const kraken = venue(routed, 'kraken');
    await kraken.getByRole('button', { name: 'Test connection', exact: true }).click();
    await expect
      .poll(() => kraken.getByRole('alert').first().textContent(), WAIT)
      .toBe('Kraken is not configured: add venues.kraken to the config (venue_not_configured)');
    expect(sent.filter((m) => m.name === 'testVenue')).toEqual([
      { name: 'testVenue', args: { venue: 'kraken' } },
    ]);
  });
});

describe('the top bar', () => {
  it('says PAPER and nothing more; in LIVE, which venues are live, or that none is', async () => {
    expect(await mode(page)).toBe('PAPER');
    expect(await liveVenues(page).count()).toBe(0);
    expect(await invokeHttp(served, 'setPin', { pin: PIN })).toMatchObject({ ok: true });
    expect(await invokeHttp(served, 'armLive', { pin: PIN })).toMatchObject({ ok: true });
    await expect.poll(() => mode(page), WAIT).toBe('LIVE');
    // Paper alone: nothing live.
    await expect.poll(() => liveVenues(page).textContent(), WAIT).toBe('no live venue');
    // With Kraken reported live.
    await expect.poll(() => liveVenues(routed).textContent(), WAIT).toBe('on kraken');
    expect(await invokeHttp(served, 'disarmLive', {})).toMatchObject({ ok: true });
    await expect.poll(() => mode(page), WAIT).toBe('PAPER');
    await expect.poll(() => liveVenues(routed).count(), WAIT).toBe(0);
  });

  it('the terminal logged no errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
