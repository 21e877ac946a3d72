// The venue registry against a scripted stand-in venue and a stand-in engine that records what it is
// told: connection, reconciliation (REDUCING there until done), the dead-man switch, routing in LIVE, the
// Venues panel's view, the kill switch's cancel-all. Time moves by hand.
import { describe, expect, it } from 'vitest';
import type { Quote } from '../../src/main/engine/port.ts';
import type { VenueEvent } from '../../src/main/engine/venues/venue.ts';
import {
  createVenueRegistry,
  type RegistryEngine,
  type VenueFactory,
} from '../../src/main/venues/registry.ts';
import type { VenueOrderReport } from '../../src/main/venues/venue.ts';
import { DEFAULT_CONFIG } from '../../src/shared/domain/config.ts';
import type { EngineSnapshot } from '../../src/shared/domain/engine-view.ts';
import type { FillRecord, OrderRecord } from '../../src/shared/domain/order.ts';
import type { PositionRecord } from '../../src/shared/domain/portfolio.ts';
import { err, ok, type Result } from '../../src/shared/result.ts';
import { manualTimers } from '../helpers/timers.ts';
import { waitFor } from '../helpers/wait.ts';
import { BTC_USD, FakeLiveVenue, flush } from './fake-live-venue.ts';

const T0 = 1_700_000_000_000;

class FakeEngine implements RegistryEngine {
  orders: OrderRecord[] = [];
  fills: FillRecord[] = [];
  positions: PositionRecord[] = [];
  readonly calls: string[] = [];
  readonly heard: VenueEvent[] = [];
  readonly quotes: Quote[] = [];
  onQuote(quote: Quote) {
    this.quotes.push(quote);
  }
  snapshot(): EngineSnapshot {
    return { orders: this.orders, fills: this.fills, positions: this.positions } as unknown as EngineSnapshot;
  }
  setVenueReconciling(venue: string, reconciling: boolean) {
    this.calls.push(`${venue} ${reconciling ? 'reconciling' : 'reconciled'}`);
    return ok(null);
  }
}

const engineOrder = (id: string, over: Partial<OrderRecord> = {}): OrderRecord => ({
  id,
  planId: `plan-${id}`,
  symbol: 'BTC/USD',
  venue: 'kraken',
  role: 'entry',
  side: 'buy',
  type: 'limit',
  quantity: '1',
  price: '60000',
  status: 'accepted',
  filledQuantity: '0',
  venueOrderId: `V-${id}`,
  createdAt: T0 - 10_000,
  updatedAt: T0 - 10_000,
  ...over,
});

const report = (id: string, over: Partial<VenueOrderReport> = {}): VenueOrderReport => ({
  clientOrderId: id,
  venueOrderId: `V-${id}`,
  symbol: 'BTC/USD',
  side: 'buy',
  type: 'limit',
  state: 'open',
  quantity: '1',
  filledQuantity: '0',
  price: '60000',
  time: T0,
  ...over,
});

function setup(
  options: {
    deadManSeconds?: number;
    credentialStore?: boolean | (() => Result<null>);
    venueFor?: VenueFactory;
    quotes?: string[];
  } = {},
) {
  const clock = { t: T0 };
  const manual = manualTimers();
  const live = new FakeLiveVenue('kraken');
  const engine = new FakeEngine();
  const logs: string[] = [];
  const stored: string[] = [];
  const config = {
    ...DEFAULT_CONFIG,
    venues: {
      ...DEFAULT_CONFIG.venues,
      kraken: {
        url: 'http://127.0.0.1:1',
        wsUrl: null,
        deadManSeconds: options.deadManSeconds ?? 0,
        pollMs: 1000,
      },
    },
  };
  const registry = createVenueRegistry({
    config,
    liveVenues: [live],
    now: () => clock.t,
    timers: manual.timers,
    random: () => 0,
    log: (line) => logs.push(line),
    credentials: { kraken: 'set' },
    ...(options.quotes ? { quotes: { symbols: options.quotes, everyMs: 2_000 } } : {}),
    ...(options.credentialStore
      ? {
          credentialStore: {
            set: async (venue: string) => {
              const answer = options.credentialStore;
              const result = typeof answer === 'function' ? answer() : ok(null);
              if (result.ok) stored.push(venue);
              return result;
            },
          },
        }
      : {}),
    ...(options.venueFor ? { venueFor: options.venueFor } : {}),
  });
  const bridge = registry.bridges()[0]!;
  bridge.onEvent((e) => engine.heard.push(e));
  return { clock, manual, live, engine, registry, bridge, logs, stored };
}

const krakenView = (registry: ReturnType<typeof setup>['registry']) =>
  registry.list().find((v) => v.name === 'kraken')!;

describe('venue registry: start and reconciliation', () => {
  it('connects, reconciles (REDUCING there meanwhile) and books what the journal lacks', async () => {
    const { live, engine, registry } = setup();
    engine.orders = [
      engineOrder('open-1'),
      engineOrder('ended-1'),
      engineOrder('lost-1', { status: 'unknown', venueOrderId: undefined }),
      engineOrder('old', { status: 'filled', filledQuantity: '1', venueOrderId: 'V-old' }),
    ];
    engine.fills = [
      {
        id: 'old#1',
        orderId: 'old',
        planId: 'plan-old',
        symbol: 'BTC/USD',
        side: 'buy',
        time: T0 - 3_600_000,
        price: '59000',
        quantity: '1',
        fee: '0',
        liquidity: 'maker',
        venue: 'kraken',
        tradeId: 'T0',
      },
    ];
    live.mass = {
      openOrders: [report('open-1'), { ...report('x'), clientOrderId: undefined, venueOrderId: 'EXT-1' }],
      fills: [
        // Booked already (the journal has its trade id): not booked again.
        {
          tradeId: 'T0',
          venueOrderId: 'V-old',
          symbol: 'BTC/USD',
          side: 'buy',
          price: '59000',
          quantity: '1',
          fee: '0',
          feeCurrency: 'USD',
          liquidity: 'maker',
          time: T0 - 3_600_000,
        },
        {
          tradeId: 'T1',
          venueOrderId: 'V-ended-1',
          symbol: 'BTC/USD',
          side: 'buy',
          price: '60000',
          quantity: '1',
          fee: '15.6',
          feeCurrency: 'USD',
          liquidity: 'maker',
          time: T0 - 1_000,
        },
      ],
      positions: [],
      balances: [{ asset: 'BTC', total: '2', free: '2' }],
      time: T0,
    };
    live.book.set('ended-1', report('ended-1', { state: 'filled', filledQuantity: '1' }));

    await registry.start(engine);

    expect(live.callsOf('connect')).toHaveLength(1);
    // The fill cursor: the last booked fill on this venue minus the 5 min margin.
    expect(live.callsOf('massStatus')[0]?.args[0]).toEqual({ since: T0 - 3_600_000 - 300_000 });
    expect(live.callsOf('orderStatus').map((c) => c.args[0])).toEqual([
      { clientOrderId: 'ended-1', venueOrderId: 'V-ended-1' },
      { clientOrderId: 'lost-1' },
    ]);
    expect(
      engine.heard.map(
        (e) =>
          `${e.type} ${'clientOrderId' in e ? e.clientOrderId : 'venueOrderId' in e ? e.venueOrderId : e.symbol}`,
      ),
    ).toEqual([
      'filled ended-1',
      'status ended-1',
      'status lost-1',
      'external_order EXT-1',
      // Spot: 2 BTC at Kraken, the engine holds no position.
      'position_mismatch BTC/USD',
    ]);
    expect(engine.calls).toEqual(['kraken reconciling', 'kraken reconciled']);
    const view = krakenView(registry);
    expect(view).toMatchObject({
      name: 'kraken',
      // Ready for orders (the host decides whether they go there: LIVE armed).
      live: true,
      state: 'connected',
      reconciling: false,
      lastReconciledAt: T0,
      credentials: 'set',
      deadMan: { state: 'off' },
    });
    await registry.stop();
  });

  it('after a restart: a cancel the engine asked for that never went is sent again; a lost change is refused back', async () => {
    const { live, engine, registry } = setup();
    engine.orders = [
      engineOrder('cancel-me', { status: 'pending_cancel' }),
      engineOrder('change-me', { status: 'pending_modify' }),
    ];
    live.mass = { ...live.mass, openOrders: [report('cancel-me'), report('change-me')] };
    live.book.set('cancel-me', report('cancel-me'));
    await registry.start(engine);
    await waitFor('cancel sent', () => live.callsOf('cancel').length === 1);
    expect(live.callsOf('cancel')[0]?.args[0]).toEqual({
      clientOrderId: 'cancel-me',
      venueOrderId: 'V-cancel-me',
    });
    expect(
      engine.heard
        .filter((e) => e.type === 'modify_rejected')
        .map((e) => ('clientOrderId' in e ? e.clientOrderId : '')),
    ).toEqual(['change-me']);
    await registry.stop();
  });

  it('a reconnect reconciles again; a mismatch already shown is not shown again', async () => {
    const { clock, live, engine, registry } = setup();
    live.mass = { ...live.mass, balances: [{ asset: 'BTC', total: '0.5', free: '0.5' }] };
    engine.orders = [engineOrder('o1', { status: 'filled', filledQuantity: '1' })];
    await registry.start(engine);
    expect(engine.heard.filter((e) => e.type === 'position_mismatch')).toHaveLength(1);
    clock.t = T0 + 60_000;
    live.emit({ type: 'connection', state: 'disconnected', time: clock.t, detail: 'ECONNRESET' });
    expect(engine.calls.at(-1)).toBe('kraken reconciling');
    expect(krakenView(registry)).toMatchObject({ reconciling: true, detail: 'ECONNRESET' });
    live.emit({ type: 'reconnected', time: clock.t });
    await waitFor('reconciled again', () => engine.calls.at(-1) === 'kraken reconciled');
    expect(live.callsOf('massStatus')).toHaveLength(2);
    expect(engine.heard.filter((e) => e.type === 'position_mismatch')).toHaveLength(1);
    expect(krakenView(registry).lastReconciledAt).toBe(T0 + 60_000);
    await registry.stop();
  });

  it("one reconciliation per connection: the adapter's own connected / reconnected events do not double it", async () => {
    const { clock, live, engine, registry } = setup();
    live.answer('connect', () => {
      live.emit({ type: 'connection', state: 'connecting', time: clock.t });
      live.emit({ type: 'connection', state: 'connected', time: clock.t });
      return { ok: true, value: null };
    });
    await registry.start(engine);
    expect(live.callsOf('massStatus')).toHaveLength(1);
    live.emit({ type: 'connection', state: 'disconnected', time: clock.t });
    // The adapter says both when a call succeeds again.
    live.emit({ type: 'connection', state: 'connected', time: clock.t });
    live.emit({ type: 'reconnected', time: clock.t });
    await waitFor('reconciled again', () => engine.calls.at(-1) === 'kraken reconciled');
    await flush();
    expect(live.callsOf('massStatus')).toHaveLength(2);
    await registry.stop();
  });

  it('a loss while reconciling: read again once that reconciliation ends', async () => {
    const { clock, live, engine, registry } = setup();
    await registry.start(engine);
    const release = live.hold('massStatus');
    live.emit({ type: 'connection', state: 'disconnected', time: clock.t });
    live.emit({ type: 'reconnected', time: clock.t });
    await waitFor('reading', () => live.callsOf('massStatus').length === 2);
    live.emit({ type: 'connection', state: 'disconnected', time: clock.t });
    live.emit({ type: 'reconnected', time: clock.t });
    release();
    await waitFor('read again', () => live.callsOf('massStatus').length === 3);
    await waitFor('reconciled', () => engine.calls.at(-1) === 'kraken reconciled');
    await flush();
    expect(live.callsOf('massStatus')).toHaveLength(3);
    await registry.stop();
  });

  it('a venue that cannot connect is retried with backoff, and entries wait meanwhile', async () => {
    const { manual, live, engine, registry } = setup();
    live.answer('connect', { ok: false, message: 'ECONNREFUSED 127.0.0.1:1', retryable: true });
    await registry.start(engine);
    // Marked not ready at once, then with the reason it stays so: not reached.
    expect(engine.calls).toEqual(['kraken reconciling', 'kraken reconciling']);
    expect(krakenView(registry)).toMatchObject({ reconciling: true, detail: 'ECONNREFUSED 127.0.0.1:1' });
    manual.advance(999);
    await flush();
    expect(live.callsOf('connect')).toHaveLength(1);
    manual.advance(1);
    await waitFor('reconciled', () => engine.calls.at(-1) === 'kraken reconciled');
    expect(live.callsOf('connect')).toHaveLength(2);
    expect(krakenView(registry).detail).toBeUndefined();
    await registry.stop();
  });

  it('a failed mass status read is tried again; the venue stays reconciling until it succeeds', async () => {
    const { manual, live, engine, registry } = setup();
    live.answer('massStatus', { ok: false, message: 'HTTP 503', retryable: true });
    await registry.start(engine);
    expect(engine.calls).toEqual(['kraken reconciling']);
    manual.advance(1_000);
    await waitFor('reconciled', () => engine.calls.at(-1) === 'kraken reconciled');
    expect(live.callsOf('massStatus')).toHaveLength(2);
    await registry.stop();
  });
});

describe('venue registry: routing, dead-man switch, kill switch', () => {
  it('a lost connection makes the venue not ready (reconciling: entries refused) until it is reconciled again', async () => {
    const { live, engine, registry, clock } = setup();
    await registry.start(engine);
    expect(registry.ready()).toEqual(['kraken']);
    expect(krakenView(registry).live).toBe(true);
    clock.t += 1_000;
    live.emit({ type: 'connection', state: 'disconnected', time: clock.t });
    expect(engine.calls).toEqual(['kraken reconciling', 'kraken reconciled', 'kraken reconciling']);
    expect(registry.ready()).toEqual([]);
    expect(krakenView(registry).live).toBe(false);
    live.emit({ type: 'reconnected', time: clock.t });
    await waitFor('ready again', () => registry.ready().length === 1);
    expect(engine.calls.at(-1)).toBe('kraken reconciled');
    await registry.stop();
  });

  it('the dead-man switch is armed at connect, refreshed every quarter of its timeout, disarmed on stop', async () => {
    const { manual, live, engine, registry } = setup({ deadManSeconds: 60 });
    await registry.start(engine);
    expect(live.callsOf('armDeadMan').map((c) => c.args[0])).toEqual([60]);
    expect(krakenView(registry).deadMan).toEqual({ state: 'armed', seconds: 60, triggerAt: 61_000 });
    manual.advance(14_999);
    await flush();
    expect(live.callsOf('armDeadMan')).toHaveLength(1);
    manual.advance(1);
    await waitFor('refreshed', () => live.callsOf('armDeadMan').length === 2);
    await flush();
    manual.advance(15_000);
    await waitFor('refreshed again', () => live.callsOf('armDeadMan').length === 3);
    await registry.stop();
    expect(live.callsOf('armDeadMan').map((c) => c.args[0])).toEqual([60, 60, 60, 0]);
    expect(live.callsOf('disconnect')).toHaveLength(1);
    expect(manual.pending()).toBe(0);
  });

  it('a dead-man switch the venue refuses for good is shown unavailable with its reason and not retried', async () => {
    const { manual, live, engine, registry } = setup({ deadManSeconds: 60 });
    const words = 'Cannot set scheduled cancel time until enough volume traded.';
    live.answer('armDeadMan', () => ({ ok: false, message: words, retryable: false }));
    await registry.start(engine);
    expect(krakenView(registry).deadMan).toEqual({ state: 'unavailable', reason: words });
    // Trading goes on without it: connected and reconciled, and nothing more is asked of the switch.
    expect(registry.ready()).toEqual(['kraken']);
    manual.advance(60_000);
    await flush();
    expect(live.callsOf('armDeadMan')).toHaveLength(1);
    expect(manual.pending()).toBe(0);
    await registry.stop();
  });

  it('a short timeout in tests refreshes every second at the least', async () => {
    const { manual, live, engine, registry } = setup({ deadManSeconds: 2 });
    await registry.start(engine);
    manual.advance(999);
    await flush();
    expect(live.callsOf('armDeadMan')).toHaveLength(1);
    manual.advance(1);
    await waitFor('refreshed', () => live.callsOf('armDeadMan').length === 2);
    await registry.stop();
  });

  it('cancel-all goes ahead of the engine cancels queued just before, which it replaces', async () => {
    const { live, engine, registry, bridge } = setup();
    engine.orders = [engineOrder('a'), engineOrder('b')];
    live.mass = { ...live.mass, openOrders: [report('a'), report('b')] };
    await registry.start(engine);
    // The engine's kill: a cancel per working order through the port, then the host's cancel-all.
    bridge.cancel('a', T0);
    bridge.cancel('b', T0);
    await registry.cancelAllEverywhere();
    expect(registry.lastCancelAll()).toEqual([{ venue: 'kraken', outcome: 'accepted' }]);
    await flush();
    expect(live.callsOf('cancelAll')).toHaveLength(1);
    expect(live.callsOf('cancel')).toHaveLength(0);
    await registry.stop();
  });
  it('a venue that refuses for good (bad key, no credentials) is not asked again', async () => {
    const { manual, live, engine, registry } = setup();
    live.answer('connect', { ok: false, message: 'Kraken refused the API key', retryable: false });
    await registry.start(engine);
    expect(manual.pending()).toBe(0);
    expect(krakenView(registry)).toMatchObject({ reconciling: true, detail: 'Kraken refused the API key' });
    await registry.stop();
  });

  it('the kill command does not wait on a throttled cancel-all beyond its limit; the request goes on', async () => {
    const { manual, live, engine, registry } = setup();
    await registry.start(engine);
    live.answer('cancelAll', {
      kind: 'throttled',
      retryAfterMs: 60_000,
      message: 'EAPI:Rate limit exceeded',
    });
    const killed = registry.cancelAllEverywhere();
    await waitFor('first try', () => live.callsOf('cancelAll').length === 1);
    await flush();
    manual.advance(5_000);
    await killed;
    expect(registry.lastCancelAll()).toEqual([
      { venue: 'kraken', outcome: 'unknown', message: 'no answer within 5000 ms; still trying' },
    ]);
    manual.advance(55_000);
    await waitFor('tried again', () => live.callsOf('cancelAll').length === 2);
    await registry.stop();
  });
});

describe('venue registry: market data', () => {
  it('quotes the configured symbols the venue lists, every interval, once reconciled', async () => {
    const { manual, live, engine, registry } = setup({ quotes: ['BTC/USD', 'DOGE/USD'] });
    const ticker = (last: string) => () => ({
      ok: true,
      value: { symbol: 'BTC/USD', bid: last, ask: last, last, time: T0 },
    });
    live.answer('ticker', ticker('50000'), ticker('50100'));
    await registry.start(engine);
    await waitFor('first quote', () => engine.quotes.length === 1);
    // DOGE/USD is not listed by the venue: never asked.
    expect(live.callsOf('ticker').map((c) => c.args[0])).toEqual(['BTC/USD']);
    await flush();
    manual.advance(2_000);
    await waitFor('second quote', () => engine.quotes.length === 2);
    expect(engine.quotes.map((q) => q.last)).toEqual(['50000', '50100']);
    await registry.stop();
    expect(manual.pending()).toBe(0);
  });
});

describe('venue registry: the desk', () => {
  it('lists paper and each live venue; test reads the balance and gives its latency', async () => {
    const { clock, live, engine, registry } = setup();
    await registry.start(engine);
    expect(registry.list().map((v) => v.name)).toEqual(['paper', 'kraken']);
    live.answer('balances', () => {
      clock.t += 42;
      return { ok: true, value: [] };
    });
    expect(await registry.test('kraken')).toEqual({ ok: true, value: { latencyMs: 42 } });
    live.answer('balances', { ok: false, message: 'EAPI:Invalid key', retryable: false });
    const failed = await registry.test('kraken');
    expect(failed.ok ? null : failed.error.code).toBe('venue_unavailable');
    expect(krakenView(registry).detail).toBe('EAPI:Invalid key');
    const missing = await registry.test('ib');
    expect(missing.ok ? null : missing.error.code).toBe('venue_not_configured');
    await registry.stop();
  });

  it('credentials: headless refuses (environment only); with a store they are kept and shown as set', async () => {
    const headless = setup();
    const refused = await headless.registry.setCredentials('kraken', 'key', 'c2VjcmV0');
    expect(refused.ok ? null : refused.error.code).toBe('credentials_from_environment');
    if (!refused.ok) expect(refused.error.message).toContain('BRAID_KRAKEN_API_KEY');

    const app = setup({ credentialStore: true });
    let changes = 0;
    app.registry.onChange(() => changes++);
    expect(await app.registry.setCredentials('kraken', 'key', 'c2VjcmV0')).toEqual({ ok: true, value: null });
    expect(app.stored).toEqual(['kraken']);
    expect(changes).toBe(1);
    expect(krakenView(app.registry).credentials).toBe('set');
  });

  it('stop ends retries, timers and the bridge', async () => {
    const { manual, live, engine, registry, bridge } = setup({ deadManSeconds: 60 });
    live.answer('connect', { ok: false, message: 'down', retryable: true });
    await registry.start(engine);
    expect(manual.pending()).toBe(1);
    await registry.stop();
    expect(manual.pending()).toBe(0);
    expect(live.listenerCount()).toBe(0);
    manual.advance(120_000);
    await flush();
    expect(live.callsOf('connect')).toHaveLength(1);
    expect(bridge.pending()).toEqual({ queued: 0, inFlight: false, querying: 0, undelivered: 0 });
  });
});

describe('venue registry: new credentials from the Venues panel', () => {
  const KEY = 'NEWKEY-1234567890';
  const SECRET = 'bmV3IHNlY3JldCBieXRlcw==';

  /** A registry whose factory builds `next` for the new credentials, and records what it was given. */
  function withFactory(options: Parameters<typeof setup>[0] = {}) {
    const next = new FakeLiveVenue('kraken');
    const built: { venue: string; apiKey: string; apiSecret: string }[] = [];
    const run = setup({
      credentialStore: true,
      venueFor: (venue, keys) => {
        built.push({ venue, ...keys });
        return ok(next);
      },
      ...options,
    });
    return { ...run, next, built };
  }

  it('replace the running adapter: the old one disarmed and disconnected, the new one connected and reconciled', async () => {
    const { live, next, built, engine, registry, bridge, logs, stored } = withFactory({ deadManSeconds: 60 });
    engine.orders = [engineOrder('a')];
    live.mass = { ...live.mass, openOrders: [report('a')] };
    next.mass = { ...next.mass, openOrders: [report('a')] };
    next.book.set('a', report('a'));
    await registry.start(engine);
    expect(krakenView(registry).deadMan.state).toBe('armed');

    expect(await registry.setCredentials('kraken', KEY, SECRET)).toEqual({ ok: true, value: null });
    expect(built).toEqual([{ venue: 'kraken', apiKey: KEY, apiSecret: SECRET }]);
    expect(stored).toEqual(['kraken']);
    // The old key's switch is disarmed before it goes (left armed it would cancel the resting order).
    expect(live.callsOf('armDeadMan').map((c) => c.args[0])).toEqual([60, 0]);
    expect(live.callsOf('disconnect')).toHaveLength(1);
    expect(live.listenerCount()).toBe(0);
    await waitFor('reconciled with the new adapter', () => engine.calls.length === 4);
    // Entries waited from the replacement until the new adapter was reconciled.
    expect(engine.calls).toEqual([
      'kraken reconciling',
      'kraken reconciled',
      'kraken reconciling',
      'kraken reconciled',
    ]);
    expect(next.callsOf('connect')).toHaveLength(1);
    expect(next.callsOf('armDeadMan').map((c) => c.args[0])).toEqual([60]);
    expect(next.callsOf('massStatus')).toHaveLength(1);
    expect(registry.ready()).toEqual(['kraken']);
    expect(krakenView(registry)).toMatchObject({ credentials: 'set', deadMan: { state: 'armed' } });

    // The engine's bridge now talks to the new adapter, and hears its events, not the old one's.
    bridge.cancel('a', T0);
    await waitFor('cancel at the new adapter', () => next.callsOf('cancel').length === 1);
    expect(live.callsOf('cancel')).toHaveLength(0);
    const heard = engine.heard.length;
    live.emit({ type: 'order', report: report('a', { state: 'cancelled' }) });
    await flush();
    expect(engine.heard).toHaveLength(heard);
    next.emit({ type: 'order', report: report('a', { state: 'cancelled' }) });
    await waitFor('the new adapter heard', () => engine.heard.length > heard);

    expect(logs.join('\n')).not.toContain(SECRET);
    expect(logs.join('\n')).not.toContain(KEY);
    await registry.stop();
    expect(next.callsOf('armDeadMan').at(-1)?.args[0]).toBe(0);
    expect(next.callsOf('disconnect')).toHaveLength(1);
    expect(next.listenerCount()).toBe(0);
  });

  it('malformed credentials are refused before they are stored; the running adapter goes on', async () => {
    const { live, engine, registry, stored } = setup({
      credentialStore: true,
      venueFor: () => err('invalid_input', 'the Kraken private key is not base64'),
    });
    await registry.start(engine);
    expect(await registry.setCredentials('kraken', KEY, 'not base64!')).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'the Kraken private key is not base64' },
    });
    expect(stored).toEqual([]);
    expect(live.callsOf('disconnect')).toHaveLength(0);
    expect(registry.ready()).toEqual(['kraken']);
    await registry.stop();
  });

  it('a vault that fails: its error is the answer, the old adapter keeps working, the new one is never connected', async () => {
    const { live, next, engine, registry } = withFactory({
      credentialStore: () => err('no_secure_storage', 'no keyring is running'),
    });
    await registry.start(engine);
    const before = engine.calls.length;
    expect(await registry.setCredentials('kraken', KEY, SECRET)).toEqual({
      ok: false,
      error: { code: 'no_secure_storage', message: 'no keyring is running' },
    });
    expect(live.callsOf('disconnect')).toHaveLength(0);
    expect(next.calls).toEqual([]);
    expect(engine.calls).toHaveLength(before);
    expect(registry.ready()).toEqual(['kraken']);
    expect(await registry.test('kraken')).toMatchObject({ ok: true });
    expect(live.callsOf('balances')).toHaveLength(1);
    await registry.stop();
  });

  it('replaced while the old adapter is still connecting: its late success is undone, the new one runs', async () => {
    const { live, next, engine, registry } = withFactory();
    const release = live.hold('connect');
    const started = registry.start(engine);
    await waitFor('connecting', () => live.callsOf('connect').length === 1);
    expect((await registry.setCredentials('kraken', KEY, SECRET)).ok).toBe(true);
    await waitFor('the new adapter reconciled', () => next.callsOf('massStatus').length === 1);
    release();
    await started;
    await waitFor('the old adapter let go again', () => live.callsOf('disconnect').length === 2);
    await flush();
    expect(live.callsOf('massStatus')).toHaveLength(0);
    expect(registry.ready()).toEqual(['kraken']);
    expect(engine.calls.at(-1)).toBe('kraken reconciled');
    await registry.stop();
  });

  it('set before the venues start: the new adapter is the one start connects', async () => {
    const { live, next, engine, registry } = withFactory();
    expect((await registry.setCredentials('kraken', KEY, SECRET)).ok).toBe(true);
    await registry.start(engine);
    expect(live.callsOf('connect')).toHaveLength(0);
    expect(next.callsOf('connect')).toHaveLength(1);
    expect(registry.ready()).toEqual(['kraken']);
    await registry.stop();
  });
});

describe("venue registry: a venue's own symbols (venueSymbols)", () => {
  const PERP = 'BTC/USDC:USDC';
  const perp = { ...BTC_USD, symbol: PERP, venueSymbol: 'BTC', quote: 'USDC', tick: '1', lot: '0.00001' };

  class WhyEngine extends FakeEngine {
    readonly whys: string[] = [];
    override setVenueReconciling(venue: string, reconciling: boolean, _now?: number, why?: string) {
      this.whys.push(`${venue} ${reconciling ? (why ?? 'reconciling') : 'ready'}`);
      return super.setVenueReconciling(venue, reconciling);
    }
  }

  /** Braid's BTC/USD traded at a perp venue as BTC/USDC:USDC. */
  function perpSetup(options: { defaultVenue?: string; second?: FakeLiveVenue } = {}) {
    const clock = { t: T0 };
    const manual = manualTimers();
    const live = new FakeLiveVenue('hyperliquid');
    live.instrumentList = [perp];
    live.capabilities.reduceOnly = true;
    const engine = new WhyEngine();
    const venueConfig = { url: 'http://127.0.0.1:1', wsUrl: null, deadManSeconds: 0, pollMs: 1000 };
    const config = {
      ...DEFAULT_CONFIG,
      ...(options.defaultVenue ? { defaultVenue: options.defaultVenue } : {}),
      venues: {
        ...DEFAULT_CONFIG.venues,
        hyperliquid: { ...venueConfig, testnet: false, marketSlippage: '0.01' },
        ...(options.second ? { kraken: venueConfig } : {}),
      },
      instruments: {
        'BTC/USD': { lot: '0.0001', tick: '0.1', venueSymbols: { hyperliquid: PERP } },
      },
    };
    const registry = createVenueRegistry({
      config,
      liveVenues: [live, ...(options.second ? [options.second] : [])],
      now: () => clock.t,
      timers: manual.timers,
      random: () => 0,
      log: () => {},
      quotes: { symbols: ['BTC/USD'], everyMs: 2_000 },
    });
    const bridge = registry.bridges()[0]!;
    bridge.onEvent((e) => engine.heard.push(e));
    return { manual, live, engine, registry, bridge };
  }

  it("quotes read under the venue's name reach the engine under Braid's", async () => {
    const { live, engine, registry } = perpSetup();
    live.answer('ticker', () => ({
      ok: true,
      value: { symbol: PERP, bid: '90000', ask: '90001', last: '90000.5', time: T0 },
    }));
    await registry.start(engine);
    await waitFor('a quote', () => engine.quotes.length === 1);
    expect(live.callsOf('ticker').map((c) => c.args[0])).toEqual([PERP]);
    expect(engine.quotes).toEqual([
      { symbol: 'BTC/USD', bid: '90000', ask: '90001', last: '90000.5', time: T0 },
    ]);
    await registry.stop();
  });

  it('one venue quotes a symbol two venues list: the default venue while ready, else the other', async () => {
    const kraken = new FakeLiveVenue('kraken');
    const { manual, live, engine, registry } = perpSetup({ defaultVenue: 'kraken', second: kraken });
    const tick = (symbol: string, last: string) => () => ({
      ok: true,
      value: { symbol, bid: last, ask: last, last, time: T0 },
    });
    kraken.answer('ticker', tick('BTC/USD', '50000'), tick('BTC/USD', '50001'), tick('BTC/USD', '50002'));
    live.answer('ticker', tick(PERP, '50010'), tick(PERP, '50011'), tick(PERP, '50012'));
    await registry.start(engine);
    // Each venue starts quoting once it is reconciled; the first round may find the other not ready yet.
    await flush();
    const askedOf = () => [kraken.callsOf('ticker').length, live.callsOf('ticker').length];
    const before = askedOf();
    const quotes = engine.quotes.length;
    manual.advance(2_000);
    await waitFor('a round with both ready', () => engine.quotes.length === quotes + 1);
    await flush();
    // Both ready: Kraken (the default venue) quotes, Hyperliquid is not asked.
    expect(askedOf()).toEqual([before[0]! + 1, before[1]]);
    expect(engine.quotes.at(-1)).toMatchObject({ symbol: 'BTC/USD' });
    expect(['50000', '50001']).toContain(engine.quotes.at(-1)?.last);
    // Kraken's connection lost: Hyperliquid quotes from its next round on, under Braid's symbol.
    kraken.emit({ type: 'connection', state: 'disconnected', time: T0 });
    const lost = askedOf();
    manual.advance(2_000);
    await waitFor('a quote from Hyperliquid', () => engine.quotes.length === quotes + 2);
    await flush();
    expect(askedOf()).toEqual([lost[0], lost[1]! + 1]);
    expect(engine.quotes.at(-1)).toMatchObject({ symbol: 'BTC/USD' });
    expect(['50010', '50011']).toContain(engine.quotes.at(-1)?.last);
    // The engine heard why Kraken is not ready: its connection is lost.
    expect(engine.whys).toContain('kraken disconnected');
    await registry.stop();
  });

  it("reconciliation: Braid's orders known under the venue's symbol; external orders and mismatches in Braid's", async () => {
    const { live, engine, registry, bridge } = perpSetup();
    engine.orders = [
      engineOrder('mine', { venue: 'hyperliquid', symbol: 'BTC/USD', quantity: '0.01', price: '89000' }),
    ];
    live.mass = {
      openOrders: [
        report('mine', { symbol: PERP, quantity: '0.01', price: '89000' }),
        {
          ...report('x', { symbol: PERP, quantity: '0.02', price: '80000' }),
          clientOrderId: undefined,
          venueOrderId: 'EXT-1',
        },
      ],
      fills: [],
      // The account holds 0.5 BTC long; the engine holds nothing there.
      positions: [{ symbol: PERP, quantity: '0.5' }],
      balances: [],
      time: T0,
    };
    await registry.start(engine);
    expect(
      engine.heard.map((e) =>
        e.type === 'external_order' || e.type === 'position_mismatch' ? [e.type, e.symbol] : [e.type],
      ),
    ).toEqual([
      ['external_order', 'BTC/USD'],
      ['position_mismatch', 'BTC/USD'],
    ]);
    expect(engine.heard.find((e) => e.type === 'position_mismatch')).toMatchObject({
      venueQuantity: '0.5',
      engineQuantity: '0',
    });
    // The config's tick and lot apply to the venue's instrument.
    expect(bridge.instrument(PERP)).toMatchObject({ tick: '0.1', lot: '0.0001' });
    expect(engine.whys).toEqual(['hyperliquid reconciling', 'hyperliquid ready']);
    // A lost connection says disconnected; back and reconciling says so.
    live.emit({ type: 'connection', state: 'disconnected', time: T0 });
    expect(engine.whys.at(-1)).toBe('hyperliquid disconnected');
    live.emit({ type: 'reconnected', time: T0 });
    await waitFor('reconciled again', () => engine.whys.at(-1) === 'hyperliquid ready');
    expect(engine.whys.slice(2)).toEqual([
      'hyperliquid disconnected',
      'hyperliquid reconciling',
      'hyperliquid ready',
    ]);
    await registry.stop();
  });

  it('exits the engine marks reduce-only go so to a venue that has it; entries do not', async () => {
    const { live, engine, registry, bridge } = perpSetup();
    await registry.start(engine);
    const order = (clientOrderId: string) => ({
      clientOrderId,
      symbol: PERP,
      side: 'sell' as const,
      type: 'limit' as const,
      quantity: '0.01',
      price: '95000',
      ...(clientOrderId.endsWith(':E1') ? {} : { reduceOnly: true }),
    });
    for (const id of ['p1:E1', 'p1:SL1', 'p1:TP1', 'p1:X1']) bridge.submit(order(id), T0);
    await waitFor('four submits', () => live.callsOf('submit').length === 4);
    expect(
      live
        .callsOf('submit')
        .map((c) => c.args[0] as { clientOrderId: string; reduceOnly?: boolean })
        .map((o) => [o.clientOrderId, o.reduceOnly ?? false]),
    ).toEqual([
      ['p1:E1', false],
      ['p1:SL1', true],
      ['p1:TP1', true],
      ['p1:X1', true],
    ]);
    await registry.stop();
  });
});
