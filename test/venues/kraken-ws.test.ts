// Braid's Kraken adapter with the private WebSocket: the real ccxt pro client against the simulator's
// Kraken v2 `executions` feed. Fills and order changes pushed over the socket reach the adapter's events
// without a REST read (asserted from the simulator's request log), a trade that comes both ways is
// booked once, a dropped socket hands over to REST polling at once and a resubscription catches up over
// REST, and a socket that cannot be had leaves REST polling alone in charge.
import { afterEach, describe, expect, it } from 'vitest';
import { KrakenVenue, type KrakenVenueOptions } from '../../src/main/venues/kraken/kraken-venue.ts';
import { privateFeedUrl } from '../../src/main/venues/kraken/private-feed.ts';
import type { VenueEvent, VenueFill, VenueOrderReport } from '../../src/main/venues/venue.ts';
import { waitFor } from '../helpers/wait.ts';
import { type KrakenSim, type KrakenSimOptions, startKrakenSim } from './kraken/simulator.ts';

const ROOMY_SIM: KrakenSimOptions = {
  callCounterMax: 10_000,
  callCounterDecay: 10_000,
  matchingCounterMax: 10_000,
  matchingCounterDecay: 10_000,
  wsHeartbeatMs: 100,
};
const ROOMY_LIMITS = {
  calls: { max: 10_000, decayPerSecond: 10_000 },
  matching: { max: 10_000, decayPerSecond: 10_000 },
};
/** The REST reads a push must make unnecessary. */
const READS = new Set(['OpenOrders', 'ClosedOrders', 'TradesHistory', 'QueryOrders', 'QueryTrades']);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Rig {
  sim: KrakenSim;
  venue: KrakenVenue;
  events: VenueEvent[];
  fills: () => VenueFill[];
  reports: (venueOrderId: string) => VenueOrderReport[];
  notices: () => string[];
  /** REST reads after the request log's first `mark` entries. */
  readsSince: (mark: number) => string[];
  count: (path: string) => number;
}

async function rig(
  options: { sim?: KrakenSimOptions; venue?: Partial<KrakenVenueOptions> } = {},
): Promise<Rig> {
  const sim = await startKrakenSim({ ...ROOMY_SIM, ...options.sim });
  const venue = new KrakenVenue({
    url: sim.url,
    wsUrl: sim.wsUrl,
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    pollMs: 20,
    // No reconciliation poll comes round by itself during a test: every REST read is one the test causes.
    reconcileMs: 600_000,
    fullPollMs: 0,
    deadManSeconds: 0,
    timeoutMs: 2_000,
    limits: ROOMY_LIMITS,
    wsBackoff: { baseMs: 20, maxMs: 100, jitter: 0 },
    ...options.venue,
  });
  const events: VenueEvent[] = [];
  venue.onEvent((e) => events.push(e));
  cleanups.push(async () => {
    await venue.disconnect();
    await sim.close();
  });
  const connected = await venue.connect();
  if (!connected.ok) throw new Error(connected.message);
  return {
    sim,
    venue,
    events,
    fills: () => events.flatMap((e) => (e.type === 'fill' ? [e.fill] : [])),
    reports: (id) =>
      events.flatMap((e) => (e.type === 'order' && e.report.venueOrderId === id ? [e.report] : [])),
    notices: () => events.flatMap((e) => (e.type === 'notice' ? [e.code] : [])),
    readsSince: (mark) =>
      sim
        .requests()
        .slice(mark)
        .map((r) => r.path)
        .filter((p) => READS.has(p)),
    count: (path) => sim.requests().filter((r) => r.path === path).length,
  };
}

/** Subscribed, and the catch-up read that follows a subscription is done. */
const settled = (r: Rig, subscriptions = 1) =>
  waitFor(`subscription ${subscriptions} and its catch-up`, () => {
    const s = r.venue.feedStatus();
    return s.state === 'up' && s.subscriptions === subscriptions && !s.catchingUp;
  });

async function placeLimitBuy(r: Rig, clientOrderId: string): Promise<string> {
  const outcome = await r.venue.submit({
    clientOrderId,
    symbol: 'BTC/USD',
    side: 'buy',
    type: 'limit',
    quantity: '0.01',
    price: '40000',
  });
  if (outcome.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(outcome)}`);
  return outcome.venueOrderId;
}

describe('Kraken adapter with the private WebSocket', () => {
  it('subscribes with a token it fetched through its own lane (same key, next nonce), then polls REST only to reconcile', async () => {
    const r = await rig();
    await settled(r);
    const tokenCalls = r.sim.requests().filter((x) => x.path === 'GetWebSocketsToken');
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]).toMatchObject({ authenticated: true, apiKey: r.sim.apiKey, error: [] });
    // Every signed request of the key, the token's included, arrived with a nonce above the one before.
    const nonces = r.sim
      .requests()
      .filter((x) => x.api === 'private')
      .map((x) => BigInt(x.nonce ?? '0'));
    expect(nonces.length).toBeGreaterThan(2);
    for (let i = 1; i < nonces.length; i++) expect(nonces[i]! > nonces[i - 1]!).toBe(true);
    // ccxt subscribed once, with the token the adapter fetched (the sim accepted it), and sent no
    // GetWebSocketsToken of its own.
    const [session] = r.sim.wsSessions();
    const subscribes = session!.received.filter((m) => (m as { method?: string }).method === 'subscribe');
    expect(subscribes).toEqual([
      expect.objectContaining({
        params: expect.objectContaining({ channel: 'executions', token: expect.stringMatching(/=$/) }),
      }),
    ]);
    expect(session!.subscribedAt).not.toBeNull();
    expect(r.venue.feedStatus()).toEqual({
      state: 'up',
      subscriptions: 1,
      pollEveryMs: 600_000,
      catchingUp: false,
    });
  });

  it('a fill pushed over the socket reaches the events with no REST read in between, and so does the order', async () => {
    const r = await rig();
    await settled(r);
    const mark = r.sim.requests().length;
    const txid = await placeLimitBuy(r, 'ws-fill-1');
    await waitFor('the pushed open report', () => r.reports(txid).find((x) => x.state === 'open'));
    const tradeId = r.sim.fill(txid, '0.01');
    await waitFor('the pushed fill', () => r.fills().length === 1);
    await waitFor('the pushed filled report', () => r.reports(txid).find((x) => x.state === 'filled'));
    expect(r.readsSince(mark)).toEqual([]);
    // 0.01 × 40000 = 400 USD at the 16 bp maker fee: 0.64 USD.
    expect(r.fills()[0]).toEqual({
      tradeId,
      venueOrderId: txid,
      clientOrderId: 'ws-fill-1',
      symbol: 'BTC/USD',
      side: 'buy',
      price: '40000',
      quantity: '0.01',
      fee: '0.64',
      feeCurrency: 'USD',
      liquidity: 'maker',
      time: r.sim.trades()[0]!.time * 1000,
    });
    // Kraken's pending_new, new, the trade (which says partially_filled even when it fills the whole
    // order: reported as such when its entry is handled before the `filled` one), then filled.
    const states = r.reports(txid).map((x) => `${x.state} ${x.filledQuantity}`);
    expect(states.filter((x) => x !== 'partially_filled 0.01')).toEqual([
      'pending 0',
      'open 0',
      'filled 0.01',
    ]);
    // The fill comes before any report that counts it.
    const at = (p: (e: VenueEvent) => boolean) => r.events.findIndex(p);
    const fillAt = at((e) => e.type === 'fill');
    const countedAt = at((e) => e.type === 'order' && e.report.filledQuantity !== '0');
    expect(fillAt).toBeGreaterThanOrEqual(0);
    expect(fillAt).toBeLessThan(countedAt);
    expect(r.reports(txid).at(-1)).toMatchObject({
      clientOrderId: 'ws-fill-1',
      quantity: '0.01',
      price: '40000',
      avgFillPrice: '40000',
    });
  });

  it('the same trade pushed and then read by a REST poll is emitted once, and REST maps it the same', async () => {
    const r = await rig();
    await settled(r);
    const txid = await placeLimitBuy(r, 'ws-dup-1');
    r.sim.fill(txid, '0.004');
    await waitFor('the pushed fill', () => r.fills().length === 1);
    const trades = r.count('TradesHistory');
    await r.venue.pollNow();
    await r.venue.pollNow();
    expect(r.count('TradesHistory')).toBe(trades + 2);
    expect(r.fills()).toHaveLength(1);
    const viaRest = await r.venue.fillsSince({ since: 0 });
    expect(viaRest).toEqual({ ok: true, value: r.fills() });
  });

  it('socket dropped: REST polls at pollMs at once and books a fill of the gap once; socket back: subscribed again, pushes again', async () => {
    const r = await rig();
    await settled(r);
    const txid = await placeLimitBuy(r, 'ws-gap-1');
    await waitFor('the pushed open report', () => r.reports(txid).find((x) => x.state === 'open'));
    r.sim.wsRefuse(true);
    expect(r.sim.wsDrop()).toBe(1);
    await waitFor('REST polling at pollMs', () => {
      const s = r.venue.feedStatus();
      return s.state !== 'up' && s.pollEveryMs === 20;
    });
    expect(r.notices()).toContain('kraken_ws_down');
    const polls = r.count('OpenOrders');
    await waitFor('REST polls coming round', () => r.count('OpenOrders') >= polls + 3);
    // A fill while no socket is up reaches the events by REST.
    const gapTrade = r.sim.fill(txid, '0.004');
    await waitFor('the gap fill, by REST', () => r.fills().length === 1);
    expect(r.fills()[0]).toMatchObject({ tradeId: gapTrade, quantity: '0.004' });
    expect(r.sim.wsSessions().every((s) => s.closedAt !== null)).toBe(true);
    // The socket comes back: a fresh token, a second subscription, and a catch-up read.
    r.sim.wsRefuse(false);
    await settled(r, 2);
    expect(r.count('GetWebSocketsToken')).toBeGreaterThanOrEqual(2);
    expect(r.sim.wsSessions().filter((s) => s.subscribedAt !== null)).toHaveLength(1);
    expect(r.venue.feedStatus().pollEveryMs).toBe(600_000);
    expect(r.notices()).toContain('kraken_ws_restored');
    // Pushed again: the rest of the order fills with no REST read.
    const mark = r.sim.requests().length;
    const lastTrade = r.sim.fill(txid, '0.006');
    await waitFor('the pushed fill', () => r.fills().length === 2);
    await waitFor('the pushed filled report', () => r.reports(txid).find((x) => x.state === 'filled'));
    expect(r.readsSince(mark)).toEqual([]);
    expect(r.fills().map((f) => f.tradeId)).toEqual([gapTrade, lastTrade]);
  });

  it('a fill pushed to nobody while the socket was down is read by the catch-up after the resubscription', async () => {
    // pollMs so long that no REST poll comes round by itself: only the drop's and the catch-up's.
    const r = await rig({ venue: { pollMs: 600_000 } });
    await settled(r);
    const txid = await placeLimitBuy(r, 'ws-catch-1');
    await waitFor('the pushed open report', () => r.reports(txid).find((x) => x.state === 'open'));
    r.sim.wsRefuse(true);
    r.sim.wsDrop();
    await waitFor('the read after the drop', () => {
      const s = r.venue.feedStatus();
      return s.state !== 'up' && !s.catchingUp;
    });
    const trades = r.count('TradesHistory');
    const gapTrade = r.sim.fill(txid, '0.01');
    const refused = r.sim.wsSessions().length;
    r.sim.wsRefuse(false);
    await settled(r, 2);
    await waitFor('the gap fill', () => r.fills().length === 1);
    expect(r.fills()[0]?.tradeId).toBe(gapTrade);
    // The catch-up read brought it: one TradesHistory, after the second subscription.
    expect(r.count('TradesHistory')).toBe(trades + 1);
    expect(r.sim.wsSessions().length).toBeGreaterThan(refused);
    await waitFor('the filled report', () => r.reports(txid).find((x) => x.state === 'filled'));
  });

  it('a token Kraken refuses (ESession:Invalid session) leaves REST polling in charge and is retried with a fresh one', async () => {
    const r = await rig({ sim: { wsTokenTtlSeconds: 0 } });
    await waitFor('three refused attempts', () => r.count('GetWebSocketsToken') >= 3);
    expect(r.venue.feedStatus()).toMatchObject({ subscriptions: 0, pollEveryMs: 20 });
    expect(r.notices().filter((c) => c === 'kraken_ws_unavailable')).toHaveLength(1);
    const refusals = r.sim
      .wsSessions()
      .flatMap((s) => s.sent)
      .filter((m) => (m as { error?: string }).error === 'ESession:Invalid session');
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    // REST carries the fills meanwhile.
    const txid = await placeLimitBuy(r, 'ws-rest-1');
    r.sim.fill(txid, '0.01');
    await waitFor('the fill by REST', () => r.fills().length === 1);
  });

  it('with no WebSocket to be had, the adapter works by REST polling alone', async () => {
    const sim = await startKrakenSim(ROOMY_SIM);
    sim.wsRefuse(true);
    const venue = new KrakenVenue({
      url: sim.url,
      wsUrl: sim.wsUrl,
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
      pollMs: 20,
      deadManSeconds: 0,
      limits: ROOMY_LIMITS,
      wsBackoff: { baseMs: 20, maxMs: 100, jitter: 0 },
    });
    const fills: VenueFill[] = [];
    venue.onEvent((e) => {
      if (e.type === 'fill') fills.push(e.fill);
    });
    cleanups.push(async () => {
      await venue.disconnect();
      await sim.close();
    });
    expect(await venue.connect()).toEqual({ ok: true, value: null });
    await waitFor(
      'two refused connections',
      () => sim.requests().filter((x) => x.path === 'GetWebSocketsToken').length >= 2,
    );
    expect(venue.feedStatus()).toMatchObject({ subscriptions: 0, pollEveryMs: 20 });
    const outcome = await venue.submit({
      clientOrderId: 'rest-only',
      symbol: 'BTC/USD',
      side: 'buy',
      type: 'market',
      quantity: '0.01',
    });
    expect(outcome.kind).toBe('accepted');
    await waitFor('the fill by REST', () => fills.length === 1);
    expect(sim.wsSessions()).toEqual([]);
  });

  it('without wsUrl there is no socket at all', async () => {
    const r = await rig({ venue: { wsUrl: undefined } });
    expect(r.venue.feedStatus()).toEqual({
      state: 'off',
      subscriptions: 0,
      pollEveryMs: 20,
      catchingUp: false,
    });
    await waitFor('polls', () => r.count('OpenOrders') >= 3);
    expect(r.count('GetWebSocketsToken')).toBe(0);
    expect(r.sim.wsSessions()).toEqual([]);
  });

  it("reads config's Kraken socket url as the private v2 endpoint; a simulator's is kept as it is", async () => {
    expect(privateFeedUrl('wss://ws.kraken.com/v2')).toBe('wss://ws-auth.kraken.com/v2');
    expect(privateFeedUrl('wss://ws.kraken.com')).toBe('wss://ws-auth.kraken.com/v2');
    expect(privateFeedUrl('wss://ws-auth.kraken.com/v2')).toBe('wss://ws-auth.kraken.com/v2');
    expect(privateFeedUrl('wss://beta-ws.kraken.com/v2')).toBe('wss://beta-ws-auth.kraken.com/v2');
    expect(privateFeedUrl('ws://127.0.0.1:4567/v2')).toBe('ws://127.0.0.1:4567/v2');
    // A pathless simulator url gets /v2, and the adapter subscribes there.
    const probe = await startKrakenSim(ROOMY_SIM);
    const base = probe.wsUrl.replace(/\/v2$/, '');
    await probe.close();
    expect(privateFeedUrl(base)).toBe(`${base}/v2`);
    const r = await rig({ venue: { wsUrl: undefined } });
    // A key of its own: two adapters on one key would race each other's nonces.
    const key = r.sim.addKey();
    const pathless = new KrakenVenue({
      url: r.sim.url,
      wsUrl: r.sim.wsUrl.replace(/\/v2$/, ''),
      apiKey: key.apiKey,
      apiSecret: key.apiSecret,
      pollMs: 20,
      deadManSeconds: 0,
      limits: ROOMY_LIMITS,
    });
    cleanups.push(() => pathless.disconnect());
    expect(await pathless.connect()).toEqual({ ok: true, value: null });
    await waitFor('the pathless url subscribed', () => pathless.feedStatus().state === 'up');
  });
});
