// The execution bridge between the engine's synchronous venue port and an asynchronous live venue, against
// a scripted stand-in venue and a listener standing for the engine. Time moves by hand (manual timers).
import { describe, expect, it } from 'vitest';
import type { VenueEvent, VenueOrder } from '../../src/main/engine/venues/venue.ts';
import { type BridgeNotice, ExecutionBridge } from '../../src/main/venues/execution-bridge.ts';
import { prepareOrder } from '../../src/main/venues/order-rounding.ts';
import type { VenueOrderRequest } from '../../src/main/venues/venue.ts';
import { manualTimers } from '../helpers/timers.ts';
import { waitFor } from '../helpers/wait.ts';
import { BTC_USD, FakeLiveVenue, flush } from './fake-live-venue.ts';

const NO_JITTER = () => 0;

async function setup(
  options: { scaleDown?: boolean; instruments?: Record<string, { lot?: string; tick?: string }> } = {},
) {
  const live = new FakeLiveVenue();
  const clock = manualTimers();
  const notices: BridgeNotice[] = [];
  const bridge = new ExecutionBridge({
    live,
    now: () => 1_000,
    timers: clock.timers,
    random: NO_JITTER,
    scaleDownOnInsufficientFunds: options.scaleDown ?? false,
    ...(options.instruments ? { instruments: options.instruments } : {}),
    onNotice: (n) => notices.push(n),
  });
  await bridge.connect();
  const events: VenueEvent[] = [];
  bridge.onEvent((e) => events.push(e));
  return { live, clock, bridge, events, notices };
}

const order = (id: string, over: Partial<VenueOrder> = {}): VenueOrder => ({
  clientOrderId: id,
  symbol: 'BTC/USD',
  side: 'buy',
  type: 'limit',
  quantity: '0.5',
  price: '60000',
  ...over,
});

const sent = (live: FakeLiveVenue) => live.callsOf('submit').map((c) => c.args[0] as VenueOrderRequest);

describe('prepareOrder: rounding to the venue instrument', () => {
  const cases: Array<[string, Partial<VenueOrder>, { quantity: string; price?: string } | string]> = [
    ['buy limit rounds down', { side: 'buy', price: '60000.07' }, { quantity: '0.5', price: '60000' }],
    ['sell limit rounds up', { side: 'sell', price: '60000.01' }, { quantity: '0.5', price: '60000.1' }],
    [
      'sell stop (protects a long) rounds up, toward the market',
      { side: 'sell', type: 'stop', price: '58000.04' },
      { quantity: '0.5', price: '58000.1' },
    ],
    [
      'buy stop (protects a short) rounds down',
      { side: 'buy', type: 'stop', price: '62000.09' },
      { quantity: '0.5', price: '62000' },
    ],
    ['quantity floored to the lot', { quantity: '0.123456' }, { quantity: '0.1234', price: '60000' }],
    ['market: no price', { type: 'market', price: undefined, quantity: '0.00019' }, { quantity: '0.0001' }],
    ['below the lot: size_below_min', { quantity: '0.00009' }, 'size_below_min'],
    // 0.0001 × 40000 = 4 < minNotional 5
    ['below the minimum notional', { quantity: '0.0001', price: '40000' }, 'size_below_min'],
  ];
  for (const [name, over, want] of cases) {
    it(name, () => {
      const p = prepareOrder(order('x', over), BTC_USD);
      if (typeof want === 'string') {
        expect(p.ok).toBe(false);
        if (!p.ok) expect(p.reason).toBe(want);
      } else {
        expect(p).toEqual({ ok: true, ...want });
      }
    });
  }
  it('no instrument: venue_unavailable', () => {
    const p = prepareOrder(order('x'), undefined);
    expect(p.ok ? null : p.reason).toBe('venue_unavailable');
  });
});

describe('ExecutionBridge: submit', () => {
  it('returns at once; the order goes out rounded; accepted arrives later, never in the caller stack', async () => {
    const { live, bridge, events } = await setup();
    bridge.submit(order('o-1', { price: '60000.07', quantity: '0.50005' }), 1_000);
    expect(events).toEqual([]);
    expect(live.callsOf('submit')).toHaveLength(0);
    await waitFor('accepted', () => events.find((e) => e.type === 'accepted'));
    expect(sent(live)).toEqual([
      {
        clientOrderId: 'o-1',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'limit',
        quantity: '0.5',
        price: '60000',
      },
    ]);
    // The engine's record learns the size and price actually sent, before the venue's answer.
    expect(events).toEqual([
      { type: 'amended', clientOrderId: 'o-1', quantity: '0.5', price: '60000', time: 1_000 },
      { type: 'accepted', clientOrderId: 'o-1', venueOrderId: 'O1', time: 1 },
    ]);
  });

  it('an exit marked reduce-only goes so where the venue has reduce-only, and plain where it has not (spot)', async () => {
    const { live, bridge } = await setup();
    bridge.submit(order('p:X1', { side: 'sell', reduceOnly: true }), 1_000);
    await waitFor('sent', () => sent(live).length === 1);
    expect(sent(live)[0]!.reduceOnly).toBeUndefined();
    live.capabilities.reduceOnly = true;
    bridge.submit(order('p:X2', { side: 'sell', reduceOnly: true }), 1_000);
    bridge.submit(order('p:E1'), 1_000);
    await waitFor('sent', () => sent(live).length === 3);
    expect(sent(live).map((r) => [r.clientOrderId, r.reduceOnly ?? false])).toEqual([
      ['p:X1', false],
      ['p:X2', true],
      ['p:E1', false],
    ]);
  });

  it('a stop goes out with its trigger price as stopPrice', async () => {
    const { live, bridge, events } = await setup();
    bridge.submit(order('s-1', { side: 'sell', type: 'stop', price: '58000' }), 1_000);
    await waitFor('accepted', () => events.length === 1);
    expect(sent(live)[0]).toEqual({
      clientOrderId: 's-1',
      symbol: 'BTC/USD',
      side: 'sell',
      type: 'stop',
      quantity: '0.5',
      stopPrice: '58000',
    });
  });

  it('below the minimum: rejected size_below_min without a word to the venue', async () => {
    const { live, bridge, events, notices } = await setup();
    bridge.submit(order('o-1', { quantity: '0.00001' }), 1_000);
    await waitFor('rejected', () => events.length === 1);
    expect(events[0]).toEqual({
      type: 'rejected',
      clientOrderId: 'o-1',
      reason: 'size_below_min',
      time: 1_000,
    });
    expect(notices.map((n) => n.code)).toEqual(['size_below_min']);
    await flush();
    expect(live.callsOf('submit')).toHaveLength(0);
  });

  it('the config overrides the venue tick and lot', async () => {
    const { live, bridge, events } = await setup({ instruments: { 'BTC/USD': { tick: '5', lot: '0.01' } } });
    bridge.submit(order('o-1', { side: 'sell', price: '60001', quantity: '0.019' }), 1_000);
    await waitFor('accepted', () => events.find((e) => e.type === 'accepted'));
    expect(sent(live)[0]).toMatchObject({ quantity: '0.01', price: '60005' });
  });

  it('a rejection passes on its reason code', async () => {
    const { live, bridge, events } = await setup();
    live.answer('submit', {
      kind: 'rejected',
      reason: 'invalid_order',
      message: 'EGeneral:Invalid arguments',
    });
    bridge.submit(order('o-1'), 1_000);
    await waitFor('rejected', () => events.length === 1);
    expect(events[0]).toEqual({
      type: 'rejected',
      clientOrderId: 'o-1',
      reason: 'invalid_order',
      time: 1_000,
    });
  });

  it('the same client order id twice: the second never reaches the venue', async () => {
    const { live, bridge, events, notices } = await setup();
    bridge.submit(order('o-1'), 1_000);
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    await flush();
    expect(live.callsOf('submit')).toHaveLength(1);
    expect(notices.map((n) => n.code)).toEqual(['duplicate_submit']);
  });
});

describe('ExecutionBridge: unknown outcomes are resolved by a query, never by a resend', () => {
  it('unknown, a failed read, then the venue shows the order: status with its venue id', async () => {
    const { live, clock, bridge, events } = await setup();
    live.answer('submit', { kind: 'unknown', message: 'connection dropped after sending' });
    live.answer('orderStatus', { ok: false, message: 'ECONNRESET', retryable: true });
    live.answer('orderStatus', {
      ok: true,
      value: {
        clientOrderId: 'o-1',
        venueOrderId: 'OABC',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'limit',
        state: 'partially_filled',
        quantity: '0.5',
        filledQuantity: '0.2',
        price: '60000',
        time: 7,
      },
    });
    bridge.submit(order('o-1'), 1_000);
    await waitFor('unknown', () => events.length === 1);
    expect(events[0]).toEqual({
      type: 'unknown',
      clientOrderId: 'o-1',
      reason: 'connection dropped after sending',
      time: 1_000,
    });
    // Backoff: 250 ms, then 500 ms (no jitter); nothing is asked before its time.
    clock.advance(249);
    await flush();
    expect(live.callsOf('orderStatus')).toHaveLength(0);
    clock.advance(1);
    await waitFor('first query', () => live.callsOf('orderStatus').length === 1);
    await flush();
    clock.advance(500);
    await waitFor('status', () => events.length === 2);
    expect(events[1]).toEqual({
      type: 'status',
      clientOrderId: 'o-1',
      venueOrderId: 'OABC',
      state: 'partially_filled',
      quantity: '0.5',
      filledQuantity: '0.2',
      price: '60000',
      time: 7,
    });
    expect(live.callsOf('orderStatus')[0]?.args[0]).toEqual({ clientOrderId: 'o-1' });
    expect(live.callsOf('submit')).toHaveLength(1);
    expect(clock.pending()).toBe(0);
    // A later cancel finds the venue id.
    bridge.cancel('o-1', 2_000);
    await waitFor('cancel sent', () => live.callsOf('cancel').length === 1);
    expect(live.callsOf('cancel')[0]?.args[0]).toEqual({ clientOrderId: 'o-1', venueOrderId: 'OABC' });
  });

  it('unknown and the venue never heard of it (twice): status with no state', async () => {
    const { live, clock, bridge, events } = await setup();
    live.answer('submit', { kind: 'unknown', message: 'HTTP 503' });
    bridge.submit(order('o-1'), 1_000);
    await waitFor('unknown', () => events.length === 1);
    clock.advance(250);
    await waitFor('first query', () => live.callsOf('orderStatus').length === 1);
    await flush();
    expect(events).toHaveLength(1);
    clock.advance(500);
    await waitFor('status', () => events.length === 2);
    expect(events[1]).toEqual({ type: 'status', clientOrderId: 'o-1', time: 1_000 });
    expect(live.callsOf('submit')).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });

  it('a venue report answers an unknown order before the query does', async () => {
    const { live, clock, bridge, events } = await setup();
    live.answer('submit', { kind: 'unknown', message: 'timeout' });
    bridge.submit(order('o-1'), 1_000);
    await waitFor('unknown', () => events.length === 1);
    live.emit({
      type: 'order',
      report: {
        clientOrderId: 'o-1',
        venueOrderId: 'OX',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'limit',
        state: 'open',
        quantity: '0.5',
        filledQuantity: '0',
        price: '60000',
        time: 5,
      },
    });
    await waitFor('status', () => events.length === 2);
    expect(events[1]).toMatchObject({
      type: 'status',
      clientOrderId: 'o-1',
      venueOrderId: 'OX',
      state: 'open',
    });
    expect(clock.pending()).toBe(0);
    clock.advance(10_000);
    await flush();
    expect(live.callsOf('orderStatus')).toHaveLength(0);
  });
});

describe('ExecutionBridge: throttled requests wait their turn', () => {
  it('a throttled order stays first in line; the next one waits; both go in their order after retry-after', async () => {
    const { live, clock, bridge, events } = await setup();
    live.answer('submit', { kind: 'throttled', retryAfterMs: 2_000, message: 'EAPI:Rate limit exceeded' });
    bridge.submit(order('o-1'), 1_000);
    bridge.submit(order('o-2'), 1_000);
    await waitFor('first try', () => live.callsOf('submit').length === 1);
    await flush();
    expect(live.callsOf('submit')).toHaveLength(1);
    expect(events).toEqual([]);
    clock.advance(1_999);
    await flush();
    expect(live.callsOf('submit')).toHaveLength(1);
    clock.advance(1);
    await waitFor('both accepted', () => events.filter((e) => e.type === 'accepted').length === 2);
    expect(sent(live).map((r) => r.clientOrderId)).toEqual(['o-1', 'o-1', 'o-2']);
    expect(events.map((e) => (e.type === 'accepted' ? e.clientOrderId : e.type))).toEqual(['o-1', 'o-2']);
  });

  it('a cancel of a queued order takes it out and reports it cancelled without calling the venue', async () => {
    const { live, clock, bridge, events } = await setup();
    live.answer('submit', { kind: 'throttled', retryAfterMs: 1_000, message: 'rate limit' });
    bridge.submit(order('o-1'), 1_000);
    bridge.submit(order('o-2'), 1_000);
    await waitFor('first try', () => live.callsOf('submit').length === 1);
    await flush();
    bridge.cancel('o-2', 1_500);
    bridge.cancel('o-1', 1_500);
    await waitFor('both cancelled', () => events.length === 2);
    expect(events).toEqual([
      { type: 'cancelled', clientOrderId: 'o-2', reason: 'cancelled before it was sent', time: 1_500 },
      { type: 'cancelled', clientOrderId: 'o-1', reason: 'cancelled before it was sent', time: 1_500 },
    ]);
    clock.advance(5_000);
    await flush();
    expect(live.callsOf('submit')).toHaveLength(1);
    expect(live.callsOf('cancel')).toHaveLength(0);
  });

  it('a change to a queued order changes the request before it goes', async () => {
    const { live, clock, bridge, events } = await setup();
    live.answer('submit', { kind: 'throttled', retryAfterMs: 1_000, message: 'rate limit' });
    bridge.submit(order('o-1'), 1_000);
    await waitFor('first try', () => live.callsOf('submit').length === 1);
    await flush();
    bridge.amend('o-1', { price: '59000.05', quantity: '0.3' }, 1_200);
    clock.advance(1_000);
    await waitFor('accepted', () => events.find((e) => e.type === 'accepted'));
    expect(sent(live)[1]).toMatchObject({ quantity: '0.3', price: '59000' });
    expect(events[0]).toEqual({
      type: 'amended',
      clientOrderId: 'o-1',
      quantity: '0.3',
      price: '59000',
      time: 1_200,
    });
    expect(live.callsOf('modify')).toHaveLength(0);
  });

  it('a cancel while the order is on the wire waits for it, then goes to the venue', async () => {
    const { live, bridge, events } = await setup();
    const release = live.hold('submit');
    bridge.submit(order('o-1'), 1_000);
    await waitFor('on the wire', () => live.callsOf('submit').length === 1);
    bridge.cancel('o-1', 1_100);
    await flush();
    expect(live.callsOf('cancel')).toHaveLength(0);
    release();
    await waitFor('cancel sent', () => live.callsOf('cancel').length === 1);
    expect(live.callsOf('cancel')[0]?.args[0]).toEqual({ clientOrderId: 'o-1', venueOrderId: 'O1' });
    expect(events.map((e) => e.type)).toEqual(['accepted']);
  });
});

describe('ExecutionBridge: cancel-all (the kill switch)', () => {
  it('goes after the request on the wire and ahead of queued cancels, which it replaces; a flattening order queued after still goes', async () => {
    const { live, clock, bridge, events } = await setup();
    bridge.submit(order('a'), 1_000);
    bridge.submit(order('b'), 1_000);
    await waitFor('both accepted', () => events.length === 2);
    const release = live.hold('submit');
    bridge.submit(order('c'), 1_000);
    await waitFor('c on the wire', () => live.callsOf('submit').length === 3);
    // The engine's kill: a cancel per working order, then the flattening market order; then the host's cancel-all.
    bridge.cancel('a', 1_100);
    bridge.cancel('b', 1_100);
    bridge.submit(order('flat', { side: 'sell', type: 'market', price: undefined }), 1_100);
    const outcome = bridge.cancelAll();
    release();
    expect(await outcome).toMatchObject({ kind: 'accepted' });
    await waitFor('flattening order sent', () => live.callsOf('submit').length === 4);
    expect(live.calls.map((c) => c.method).filter((m) => m !== 'instruments')).toEqual([
      'submit',
      'submit',
      'submit',
      'cancelAll',
      'submit',
    ]);
    expect(sent(live).at(-1)?.clientOrderId).toBe('flat');
    // Without a report ending them, the bridge asks about each order the cancel-all covered.
    clock.advance(5_000 + 250);
    await waitFor('asked about a and b', () => live.callsOf('orderStatus').length === 2);
    expect(live.callsOf('cancel')).toHaveLength(0);
  });
});

describe('ExecutionBridge: insufficient funds', () => {
  it('with scale-down: one retry at 90 % floored to the lot, same client id, recorded', async () => {
    const { live, bridge, events, notices } = await setup({ scaleDown: true });
    live.answer('submit', {
      kind: 'rejected',
      reason: 'insufficient_funds',
      message: 'EOrder:Insufficient funds',
    });
    bridge.submit(order('o-1', { quantity: '0.3333' }), 1_000);
    await waitFor('accepted', () => events.find((e) => e.type === 'accepted'));
    // 0.3333 × 0.9 = 0.29997 → 0.2999 on the 0.0001 lot.
    expect(sent(live).map((r) => [r.clientOrderId, r.quantity])).toEqual([
      ['o-1', '0.3333'],
      ['o-1', '0.2999'],
    ]);
    expect(events).toEqual([
      { type: 'amended', clientOrderId: 'o-1', quantity: '0.2999', price: '60000', time: 1_000 },
      { type: 'accepted', clientOrderId: 'o-1', venueOrderId: 'O1', time: 1 },
    ]);
    expect(notices.map((n) => n.code)).toEqual(['scaled_down']);
  });

  it('with scale-down: the retry refused too ends the order (no third try)', async () => {
    const { live, bridge, events } = await setup({ scaleDown: true });
    const refusal = { kind: 'rejected', reason: 'insufficient_funds', message: 'EOrder:Insufficient funds' };
    live.answer('submit', refusal, refusal, refusal);
    bridge.submit(order('o-1'), 1_000);
    await waitFor('rejected', () => events.find((e) => e.type === 'rejected'));
    await flush();
    expect(live.callsOf('submit')).toHaveLength(2);
    expect(events.at(-1)).toEqual({
      type: 'rejected',
      clientOrderId: 'o-1',
      reason: 'insufficient_funds',
      time: 1_000,
    });
  });

  it('without it: rejected insufficient_funds, one request', async () => {
    const { live, bridge, events } = await setup();
    live.answer('submit', {
      kind: 'rejected',
      reason: 'insufficient_funds',
      message: 'EOrder:Insufficient funds',
    });
    bridge.submit(order('o-1'), 1_000);
    await waitFor('rejected', () => events.length === 1);
    await flush();
    expect(live.callsOf('submit')).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'rejected', reason: 'insufficient_funds' });
  });
});

describe('ExecutionBridge: cancel and amend', () => {
  const report = (state: 'open' | 'cancelled' | 'filled', filled = '0') => ({
    type: 'order' as const,
    report: {
      clientOrderId: 'o-1',
      venueOrderId: 'O1',
      symbol: 'BTC/USD',
      side: 'buy' as const,
      type: 'limit' as const,
      state,
      quantity: '0.5',
      filledQuantity: filled,
      price: '60000',
      time: 9,
    },
  });

  it('accepted cancel: the venue report ends the order; no query', async () => {
    const { live, clock, bridge, events } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    bridge.cancel('o-1', 1_100);
    await waitFor('cancel', () => live.callsOf('cancel').length === 1);
    live.emit(report('cancelled'));
    await waitFor('status', () => events.length === 2);
    expect(events[1]).toEqual({
      type: 'status',
      clientOrderId: 'o-1',
      venueOrderId: 'O1',
      state: 'cancelled',
      quantity: '0.5',
      filledQuantity: '0',
      price: '60000',
      time: 9,
    });
    expect(clock.pending()).toBe(0);
  });

  it('a cancel of an order the venue ended as cancelled (a late fill reopened it at the engine): cancelled at once, nothing sent', async () => {
    const { live, clock, bridge, events } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    bridge.cancel('o-1', 1_100);
    await waitFor('cancel', () => live.callsOf('cancel').length === 1);
    live.emit(report('cancelled'));
    await waitFor('status', () => events.length === 2);
    // The engine asks again (its order is working again after a late fill): answered from the venue's word.
    bridge.cancel('o-1', 1_200);
    await waitFor('cancelled', () => events.length === 3);
    expect(events[2]).toEqual({
      type: 'cancelled',
      clientOrderId: 'o-1',
      reason: 'already ended at the venue',
      time: 1_200,
    });
    await flush();
    expect(live.callsOf('cancel')).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });

  it('a cancel of an order the venue filled says nothing more (its end is the fill)', async () => {
    const { live, bridge, events } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    live.emit(report('filled', '0.5'));
    await waitFor('status', () => events.length === 2);
    bridge.cancel('o-1', 1_200);
    await flush();
    expect(events).toHaveLength(2);
    expect(live.callsOf('cancel')).toHaveLength(0);
  });

  it('accepted cancel without a report in time: the bridge asks', async () => {
    const { live, clock, bridge, events } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    const entry = live.book.get('o-1')!;
    bridge.cancel('o-1', 1_100);
    await waitFor('cancel', () => live.callsOf('cancel').length === 1);
    await flush();
    live.book.set('o-1', { ...entry, state: 'cancelled', time: 12 });
    clock.advance(5_000 + 250);
    await waitFor('status', () => events.length === 2);
    expect(events[1]).toMatchObject({ type: 'status', state: 'cancelled', time: 12 });
  });

  it('refused cancel: cancel_rejected; "no such order" makes the bridge find out how it ended', async () => {
    const { live, clock, bridge, events } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    live.book.set('o-1', { ...live.book.get('o-1')!, state: 'filled', filledQuantity: '0.5', time: 11 });
    live.answer('cancel', { kind: 'rejected', reason: 'unknown_order', message: 'EOrder:Unknown order' });
    bridge.cancel('o-1', 1_100);
    await waitFor('cancel_rejected', () => events.length === 2);
    expect(events[1]).toEqual({
      type: 'cancel_rejected',
      clientOrderId: 'o-1',
      reason: 'unknown_order',
      time: 1_000,
    });
    clock.advance(250);
    await waitFor('status', () => events.length === 3);
    expect(events[2]).toMatchObject({ type: 'status', state: 'filled', filledQuantity: '0.5' });
  });

  it('a cancel whose answer was lost: the query finds the order still working → cancel_rejected', async () => {
    const { live, clock, bridge, events } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    live.answer('cancel', { kind: 'unknown', message: 'timeout' });
    bridge.cancel('o-1', 1_100);
    await waitFor('cancel sent', () => live.callsOf('cancel').length === 1);
    await flush();
    // A poll's report read before the cancel arrived does not settle it.
    live.emit(report('open'));
    clock.advance(250);
    await waitFor('cancel_rejected', () => events.some((e) => e.type === 'cancel_rejected'));
    // The poll's report goes on as it is (the engine keeps the order pending its cancel); the query settles.
    expect(events.slice(1).map((e) => e.type)).toEqual(['status', 'cancel_rejected', 'status']);
    expect(events[2]).toMatchObject({
      reason: 'the cancel did not reach the venue: the order still works there',
    });
    expect(live.callsOf('cancel')).toHaveLength(1);
  });

  it('a cancel whose answer was lost: the query finds it cancelled → its status, nothing refused', async () => {
    const { live, clock, bridge, events } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    live.answer('cancel', { kind: 'unknown', message: 'timeout' });
    bridge.cancel('o-1', 1_100);
    await waitFor('cancel sent', () => live.callsOf('cancel').length === 1);
    await flush();
    live.book.set('o-1', { ...live.book.get('o-1')!, state: 'cancelled', time: 13 });
    clock.advance(250);
    await waitFor('status', () => events.length === 2);
    expect(events[1]).toMatchObject({ type: 'status', state: 'cancelled' });
  });

  it('a change whose answer was lost: amended if the venue shows it, modify_rejected if not', async () => {
    const { live, clock, bridge, events } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    live.answer('modify', { kind: 'unknown', message: 'HTTP 502' }, { kind: 'unknown', message: 'HTTP 502' });
    bridge.amend('o-1', { price: '59000' }, 1_200);
    await waitFor('modify sent', () => live.callsOf('modify').length === 1);
    await flush();
    live.book.set('o-1', { ...live.book.get('o-1')!, price: '59000', time: 14 });
    clock.advance(250);
    await waitFor('amended', () => events.some((e) => e.type === 'amended'));
    expect(events[1]).toEqual({
      type: 'amended',
      clientOrderId: 'o-1',
      quantity: '0.5',
      price: '59000',
      time: 1_000,
    });
    bridge.amend('o-1', { price: '58000' }, 1_300);
    await waitFor('second modify sent', () => live.callsOf('modify').length === 2);
    await flush();
    clock.advance(250);
    await waitFor('modify_rejected', () => events.some((e) => e.type === 'modify_rejected'));
    expect(events.find((e) => e.type === 'modify_rejected')).toMatchObject({
      reason: 'the venue kept the order as it was',
    });
  });

  it('amend: amended with the rounded change; a refusal is modify_rejected', async () => {
    const { live, bridge, events } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    bridge.amend('o-1', { price: '59999.99' }, 1_200);
    await waitFor('amended', () => events.length === 2);
    expect(live.callsOf('modify')[0]?.args).toEqual([
      { clientOrderId: 'o-1', venueOrderId: 'O1' },
      { price: '59999.9' },
    ]);
    expect(events[1]).toEqual({
      type: 'amended',
      clientOrderId: 'o-1',
      quantity: '0.5',
      price: '59999.9',
      time: 1_000,
    });
    live.answer('modify', { kind: 'rejected', reason: 'invalid_order', message: 'EOrder:Invalid price' });
    bridge.amend('o-1', { quantity: '0.4' }, 1_300);
    await waitFor('modify_rejected', () => events.length === 3);
    expect(events[2]).toEqual({
      type: 'modify_rejected',
      clientOrderId: 'o-1',
      reason: 'invalid_order',
      time: 1_000,
    });
  });

  it('amend of a stop sends the trigger as stopPrice, rounded toward protection', async () => {
    const { live, bridge, events } = await setup();
    bridge.submit(order('s-1', { side: 'sell', type: 'stop', price: '58000' }), 1_000);
    await waitFor('accepted', () => events.length === 1);
    bridge.amend('s-1', { price: '58500.01' }, 1_200);
    await waitFor('amended', () => events.length === 2);
    expect(live.callsOf('modify')[0]?.args[1]).toEqual({ stopPrice: '58500.1' });
  });

  it('an amend below the minimum is refused without calling the venue', async () => {
    const { live, bridge, events } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    bridge.amend('o-1', { quantity: '0.00001' }, 1_200);
    await waitFor('modify_rejected', () => events.length === 2);
    expect(events[1]).toEqual({
      type: 'modify_rejected',
      clientOrderId: 'o-1',
      reason: 'size_below_min',
      time: 1_200,
    });
    expect(live.callsOf('modify')).toHaveLength(0);
  });
});

describe('ExecutionBridge: the venue reports', () => {
  const fill = (tradeId: string, over: Record<string, unknown> = {}) => ({
    type: 'fill' as const,
    fill: {
      tradeId,
      venueOrderId: 'O1',
      symbol: 'BTC/USD',
      side: 'buy' as const,
      price: '60000',
      quantity: '0.2',
      fee: '31.2',
      feeCurrency: 'USD',
      liquidity: 'maker' as const,
      time: 20,
      ...over,
    },
  });

  it('a report before the answer: accepted once; repeats of a report are dropped; a change is a status', async () => {
    const { live, bridge, events } = await setup();
    const release = live.hold('submit');
    bridge.submit(order('o-1'), 1_000);
    await waitFor('on the wire', () => live.callsOf('submit').length === 1);
    const open = {
      clientOrderId: 'o-1',
      venueOrderId: 'O1',
      symbol: 'BTC/USD',
      side: 'buy' as const,
      type: 'limit' as const,
      state: 'open' as const,
      quantity: '0.5',
      filledQuantity: '0',
      price: '60000',
      time: 3,
    };
    live.emit({ type: 'order', report: open });
    live.emit({ type: 'order', report: open });
    release();
    await waitFor('accepted', () => events.length === 1);
    live.emit({
      type: 'order',
      report: { ...open, state: 'partially_filled', filledQuantity: '0.2', time: 4 },
    });
    await waitFor('status', () => events.length === 2);
    await flush();
    expect(events).toEqual([
      { type: 'accepted', clientOrderId: 'o-1', venueOrderId: 'O1', time: 3 },
      {
        type: 'status',
        clientOrderId: 'o-1',
        venueOrderId: 'O1',
        state: 'partially_filled',
        quantity: '0.5',
        filledQuantity: '0.2',
        price: '60000',
        time: 4,
      },
    ]);
  });

  it('fills: found by venue id, passed once per trade id, fee kept in the quote currency', async () => {
    const { live, bridge, events } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    live.emit(fill('T1'));
    live.emit(fill('T1'));
    live.emit(fill('T2', { quantity: '0.3', fee: '0', liquidity: 'taker', time: 21 }));
    await waitFor('fills', () => events.length === 3);
    await flush();
    expect(events.slice(1)).toEqual([
      {
        type: 'filled',
        clientOrderId: 'o-1',
        time: 20,
        price: '60000',
        quantity: '0.2',
        fee: '31.2',
        liquidity: 'maker',
        tradeId: 'T1',
        venueOrderId: 'O1',
      },
      {
        type: 'filled',
        clientOrderId: 'o-1',
        time: 21,
        price: '60000',
        quantity: '0.3',
        fee: '0',
        liquidity: 'taker',
        tradeId: 'T2',
        venueOrderId: 'O1',
      },
    ]);
  });

  it('a fee in another currency is not converted: booked without it, and a notice says so', async () => {
    const { live, bridge, events, notices } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    live.emit(fill('T1', { fee: '0.0001', feeCurrency: 'BTC' }));
    await waitFor('fill', () => events.length === 2);
    expect(events[1]).toMatchObject({ type: 'filled', fee: '0', tradeId: 'T1' });
    expect(notices.map((n) => n.code)).toEqual(['fee_not_converted']);
  });

  it("an external order on an instrument the venue names its own way is shown under Braid's symbol", async () => {
    const live = new FakeLiveVenue();
    const bridge = new ExecutionBridge({
      live,
      now: () => 1_000,
      timers: manualTimers().timers,
      random: NO_JITTER,
      toBraidSymbol: (s) => (s === 'BTC/USDC:USDC' ? 'BTC/USD' : s),
    });
    await bridge.connect();
    const events: VenueEvent[] = [];
    bridge.onEvent((e) => events.push(e));
    live.emit({
      type: 'order',
      report: {
        venueOrderId: 'OX',
        symbol: 'BTC/USDC:USDC',
        side: 'buy',
        type: 'limit',
        state: 'open',
        quantity: '0.1',
        filledQuantity: '0',
        price: '90000',
        time: 5,
      },
    });
    await waitFor('external', () => events.length === 1);
    expect(events[0]).toMatchObject({ type: 'external_order', venueOrderId: 'OX', symbol: 'BTC/USD' });
    bridge.dispose();
  });

  it('orders and fills nobody at Braid placed: external_order once; the fill passes through for the engine to notice', async () => {
    const { live, events } = await setup();
    const external = {
      venueOrderId: 'OEXT',
      symbol: 'BTC/USD',
      side: 'sell' as const,
      type: 'limit' as const,
      state: 'open' as const,
      quantity: '1',
      filledQuantity: '0',
      price: '70000',
      time: 30,
    };
    live.emit({ type: 'order', report: external });
    live.emit({ type: 'order', report: external });
    live.emit({
      type: 'order',
      report: { ...external, clientOrderId: 'someone-else', venueOrderId: 'OEXT2' },
    });
    live.emit(fill('T9', { venueOrderId: 'OEXT', side: 'sell' }));
    await waitFor('events', () => events.length === 3);
    await flush();
    expect(
      events.map((e) => [
        e.type,
        e.type === 'external_order' ? e.venueOrderId : 'clientOrderId' in e ? e.clientOrderId : '',
      ]),
    ).toEqual([
      ['external_order', 'OEXT'],
      ['external_order', 'OEXT2'],
      ['filled', 'external:OEXT'],
    ]);
  });

  it("an order of an earlier run (isBraidOrder) is Braid's, not external", async () => {
    const live = new FakeLiveVenue();
    const bridge = new ExecutionBridge({ live, now: () => 5, isBraidOrder: (id) => id === 'old-1' });
    await bridge.connect();
    const events: VenueEvent[] = [];
    bridge.onEvent((e) => events.push(e));
    live.emit({
      type: 'order',
      report: {
        clientOrderId: 'old-1',
        venueOrderId: 'O7',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'limit',
        state: 'cancelled',
        quantity: '1',
        filledQuantity: '0',
        time: 40,
      },
    });
    await waitFor('status', () => events.length === 1);
    expect(events[0]).toMatchObject({ type: 'status', clientOrderId: 'old-1', state: 'cancelled' });
    bridge.dispose();
  });
});

describe('ExecutionBridge: delivery', () => {
  it('one event per turn, in order; a listener that submits is not re-entered', async () => {
    const { live, bridge, events } = await setup();
    let depth = 0;
    let maxDepth = 0;
    bridge.onEvent((e) => {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      // The engine answering an entry fill with its stop: a submit from inside a delivery.
      if (e.type === 'filled')
        bridge.submit(order('stop-1', { side: 'sell', type: 'stop', price: '58000' }), 1_000);
      depth--;
    });
    bridge.submit(order('o-1'), 1_000);
    await waitFor('accepted', () => events.length === 1);
    live.emit({
      type: 'fill',
      fill: {
        tradeId: 'T1',
        venueOrderId: 'O1',
        symbol: 'BTC/USD',
        side: 'buy',
        price: '60000',
        quantity: '0.5',
        fee: '0',
        feeCurrency: 'USD',
        liquidity: 'taker',
        time: 50,
      },
    });
    await waitFor('stop accepted', () => events.length === 3);
    expect(events.map((e) => e.type)).toEqual(['accepted', 'filled', 'accepted']);
    expect(maxDepth).toBe(1);
  });

  it('deliver() resolves once the engine has every event; reconciled fills are not delivered twice', async () => {
    const { live, bridge, events } = await setup();
    bridge.adopt([
      {
        clientOrderId: 'old-1',
        venueOrderId: 'O9',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'limit',
        quantity: '1',
        price: '60000',
        status: 'accepted',
      },
    ]);
    const filled = {
      type: 'filled' as const,
      clientOrderId: 'old-1',
      time: 60,
      price: '60000',
      quantity: '1',
      fee: '0',
      liquidity: 'maker' as const,
      tradeId: 'T5',
      venueOrderId: 'O9',
    };
    await bridge.deliver([
      filled,
      {
        type: 'status',
        clientOrderId: 'old-1',
        venueOrderId: 'O9',
        state: 'filled',
        quantity: '1',
        filledQuantity: '1',
        time: 60,
      },
    ]);
    expect(events.map((e) => e.type)).toEqual(['filled', 'status']);
    // The same trade by the poll path: dropped.
    live.emit({ type: 'fill', fill: { ...filled, symbol: 'BTC/USD', side: 'buy', feeCurrency: 'USD' } });
    await flush();
    expect(events).toHaveLength(2);
    expect(bridge.openOrders()).toEqual([]);
  });

  it("a late fee from the venue reaches the engine under Braid's order id; one for no Braid order does not", async () => {
    const { live, bridge, events } = await setup();
    bridge.submit(order('o-1'), 1_000);
    await waitFor('sent', () => live.callsOf('submit').length === 1);
    await flush();
    const late = { type: 'fee', tradeId: 'T9', fee: '1.5', currency: 'USD', time: 1_200 } as const;
    live.emit({ ...late, venueOrderId: 'V-x', clientOrderId: 'o-1' });
    live.emit({ ...late, tradeId: 'T10', venueOrderId: 'V-nobody' });
    await flush();
    expect(events.filter((e) => e.type === 'fee')).toEqual([
      { type: 'fee', clientOrderId: 'o-1', tradeId: 'T9', fee: '1.5', time: 1_200 },
    ]);
  });

  it('dispose stops retries and queries and unhooks the venue', async () => {
    const { live, clock, bridge, events } = await setup();
    live.answer('submit', { kind: 'throttled', retryAfterMs: 1_000, message: 'rate limit' });
    live.answer('submit', { kind: 'unknown', message: 'x' });
    bridge.submit(order('o-1'), 1_000);
    await waitFor('first try', () => live.callsOf('submit').length === 1);
    await flush();
    expect(clock.pending()).toBe(1);
    bridge.dispose();
    expect(clock.pending()).toBe(0);
    expect(live.listenerCount()).toBe(0);
    clock.advance(60_000);
    await flush();
    expect(live.callsOf('submit')).toHaveLength(1);
    expect(events).toEqual([]);
  });
});

describe('ExecutionBridge: an engine-held take-profit', () => {
  it('says the exits share the balance on a spot venue without one-cancels-other or reduce-only, not otherwise', async () => {
    const { bridge } = await setup();
    expect(bridge.exitLegsShareBalance).toBe(true);
    const withOco = new FakeLiveVenue();
    Object.assign(withOco.capabilities, { oco: true });
    expect(new ExecutionBridge({ live: withOco, now: () => 0 }).exitLegsShareBalance).toBe(false);
    const reducing = new FakeLiveVenue();
    Object.assign(reducing.capabilities, { reduceOnly: true });
    expect(new ExecutionBridge({ live: reducing, now: () => 0 }).exitLegsShareBalance).toBe(false);
  });

  it('carries IOC to the venue request; a held order handed over at a restart is not tracked, so its sending later is a new order', async () => {
    const { live, bridge, events, notices } = await setup();
    bridge.adopt([
      {
        clientOrderId: 'p1:TP1',
        symbol: 'BTC/USD',
        side: 'sell',
        type: 'limit',
        quantity: '0.5',
        price: '65000',
        status: 'held',
      },
    ]);
    expect(bridge.openOrders()).toEqual([]);
    bridge.submit(order('p1:TP1', { side: 'sell', price: '65000', timeInForce: 'IOC' }), 1_000);
    await waitFor('accepted', () => events.find((e) => e.type === 'accepted'));
    expect(notices.filter((n) => n.code === 'duplicate_submit')).toEqual([]);
    expect(sent(live)).toEqual([
      {
        clientOrderId: 'p1:TP1',
        symbol: 'BTC/USD',
        side: 'sell',
        type: 'limit',
        quantity: '0.5',
        price: '65000',
        timeInForce: 'IOC',
      },
    ]);
  });
});
