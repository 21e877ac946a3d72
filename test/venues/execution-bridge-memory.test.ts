// The bridge's memory of delivered trade ids is bounded: a trade id is kept while its order works, then
// among the last `tradesKeptAfterEnd` of ended orders, and forgotten only once the engine has had it. A
// repeat of a forgotten trade goes to the engine, whose own trade-id dedupe (engine/orders/order-router.ts
// bookTrade) drops it. Against the scripted stand-in venue; a listener stands for the engine.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';
import type { VenueEvent, VenueOrder } from '../../src/main/engine/venues/venue.ts';
import { ExecutionBridge } from '../../src/main/venues/execution-bridge.ts';
import type { VenueFill, VenueOrderReport } from '../../src/main/venues/venue.ts';
import { manualTimers } from '../helpers/timers.ts';
import { waitFor } from '../helpers/wait.ts';
import { FakeLiveVenue, flush } from './fake-live-venue.ts';

async function setup(tradesKeptAfterEnd: number, defer?: (fn: () => void) => void) {
  const live = new FakeLiveVenue();
  const bridge = new ExecutionBridge({
    live,
    now: () => 1_000,
    timers: manualTimers().timers,
    random: () => 0,
    tradesKeptAfterEnd,
    ...(defer ? { defer } : {}),
  });
  await bridge.connect();
  const events: VenueEvent[] = [];
  bridge.onEvent((e) => events.push(e));
  return { live, bridge, events };
}

const order = (id: string): VenueOrder => ({
  clientOrderId: id,
  symbol: 'BTC/USD',
  side: 'buy',
  type: 'limit',
  quantity: '0.5',
  price: '60000',
});

const fill = (
  tradeId: string,
  venueOrderId: string,
  quantity: string,
): { type: 'fill'; fill: VenueFill } => ({
  type: 'fill',
  fill: {
    tradeId,
    venueOrderId,
    symbol: 'BTC/USD',
    side: 'buy',
    price: '60000',
    quantity,
    fee: '0',
    feeCurrency: 'USD',
    liquidity: 'maker',
    time: 20,
  },
});

const filledReport = (id: string, venueOrderId: string): { type: 'order'; report: VenueOrderReport } => ({
  type: 'order',
  report: {
    clientOrderId: id,
    venueOrderId,
    symbol: 'BTC/USD',
    side: 'buy',
    type: 'limit',
    state: 'filled',
    quantity: '0.5',
    filledQuantity: '0.5',
    price: '60000',
    time: 21,
  },
});

const tradesOf = (events: VenueEvent[]) => events.flatMap((e) => (e.type === 'filled' ? [e.tradeId] : []));

describe('ExecutionBridge: the delivered-trade memory is bounded', () => {
  it('after 20 filled-and-ended orders (kept 0) it holds only the working order’s trade', async () => {
    const { live, bridge, events } = await setup(0);
    // 21 orders: the fake venue numbers them O1..O21.
    for (let i = 1; i <= 21; i++) bridge.submit(order(`o-${i}`), 1_000);
    await waitFor('all accepted', () => events.filter((e) => e.type === 'accepted').length === 21);
    for (let i = 1; i <= 20; i++) {
      live.emit(fill(`T${i}a`, `O${i}`, '0.2'));
      live.emit(fill(`T${i}b`, `O${i}`, '0.3'));
      live.emit(filledReport(`o-${i}`, `O${i}`));
    }
    live.emit(fill('T21a', 'O21', '0.2'));
    await bridge.whenDelivered();
    // 20 × 2 + 1 = 41 trades passed on; the 40 of ended orders are forgotten, T21a (o-21 works) is kept.
    expect(tradesOf(events)).toHaveLength(41);
    expect(bridge.rememberedTrades()).toBe(1);
    // The working order's trade by a second path: dropped at the bridge.
    live.emit(fill('T21a', 'O21', '0.2'));
    await flush();
    expect(tradesOf(events)).toHaveLength(41);
    // o-21 fills and ends: nothing left.
    live.emit(fill('T21b', 'O21', '0.3'));
    live.emit(filledReport('o-21', 'O21'));
    await bridge.whenDelivered();
    expect(tradesOf(events)).toHaveLength(42);
    expect(bridge.rememberedTrades()).toBe(0);
    // A forgotten trade again goes on to the engine, whose trade-id dedupe drops it.
    live.emit(fill('T1a', 'O1', '0.2'));
    await bridge.whenDelivered();
    expect(tradesOf(events).at(-1)).toBe('T1a');
    bridge.dispose();
  });

  it('keeps the last trades of ended orders (kept 2): their repeats are still dropped at the bridge', async () => {
    const { live, bridge, events } = await setup(2);
    for (let i = 1; i <= 3; i++) bridge.submit(order(`o-${i}`), 1_000);
    await waitFor('all accepted', () => events.filter((e) => e.type === 'accepted').length === 3);
    for (let i = 1; i <= 3; i++) {
      live.emit(fill(`T${i}`, `O${i}`, '0.5'));
      live.emit(filledReport(`o-${i}`, `O${i}`));
    }
    await bridge.whenDelivered();
    // T1, T2, T3 of ended orders; the last 2 (T2, T3) are kept.
    expect(bridge.rememberedTrades()).toBe(2);
    live.emit(fill('T3', 'O3', '0.5'));
    live.emit(fill('T2', 'O2', '0.5'));
    live.emit(fill('T1', 'O1', '0.5'));
    await bridge.whenDelivered();
    expect(tradesOf(events)).toEqual(['T1', 'T2', 'T3', 'T1']);
    // T1 came back as a late fill of an ended order: kept among the last 2 (T3, T1), T2 forgotten.
    expect(bridge.rememberedTrades()).toBe(2);
    bridge.dispose();
  });

  it('forgets nothing the engine has not had yet', async () => {
    const deferred: Array<() => void> = [];
    const { live, bridge, events } = await setup(0, (fn) => deferred.push(fn));
    bridge.adopt([
      {
        clientOrderId: 'old-1',
        venueOrderId: 'V1',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'limit',
        quantity: '0.5',
        price: '60000',
        status: 'accepted',
      },
    ]);
    live.emit(fill('T1', 'V1', '0.5'));
    live.emit(filledReport('old-1', 'V1'));
    // Ended, but its fill still waits for the engine: remembered, and a second copy is dropped.
    expect(bridge.rememberedTrades()).toBe(1);
    live.emit(fill('T1', 'V1', '0.5'));
    expect(bridge.pending().undelivered).toBe(2);
    deferred.shift()?.();
    expect(events.map((e) => e.type)).toEqual(['filled']);
    expect(bridge.rememberedTrades()).toBe(0);
    deferred.shift()?.();
    expect(events.map((e) => e.type)).toEqual(['filled', 'status']);
    expect(deferred).toEqual([]);
    bridge.dispose();
  });
});

describe('a forgotten trade id cannot book twice: the engine is the last guard', () => {
  it('an entry filled and ended, its fill then repeated by the venue: one fill, one position', async () => {
    const T = Date.parse('2024-03-04T15:00:00Z');
    const { live, bridge } = await setup(0);
    const engine = new Engine({
      config: parseConfig({
        pdt: { enabled: false },
        defaultVenue: 'kraken',
        instruments: { 'BTC/USD': { lot: 0.001, tick: 0.1 } },
      }),
      symbols: ['BTC/USD'],
      venues: [bridge],
    });
    engine.onBar({
      time: T,
      symbol: 'BTC/USD',
      open: '50000',
      high: '50000',
      low: '50000',
      close: '50000',
      volume: '1',
    });
    expect(engine.setRouting(['kraken'], T).ok).toBe(true);
    // What reached the engine, beside it.
    const heard: string[] = [];
    bridge.onEvent((e) => {
      if (e.type === 'filled' && e.tradeId !== undefined) heard.push(e.tradeId);
    });
    const plan = {
      id: 'p1',
      symbol: 'BTC/USD',
      side: 'buy',
      entry: { type: 'limit', price: 49000 },
      quantity: 0.01,
      stopLoss: 45000,
      venue: 'kraken',
    };
    expect(engine.submitPlan(plan, T + 1).ok).toBe(true);
    const entry = () => engine.snapshot().orders.find((o) => o.role === 'entry')!;
    await waitFor('entry accepted', () => entry().status === 'accepted');
    const venueId = entry().venueOrderId!;
    live.emit(fill('T1', venueId, '0.01'));
    live.emit({
      type: 'order',
      report: {
        ...filledReport(entry().id, venueId).report,
        quantity: '0.01',
        filledQuantity: '0.01',
        price: '49000',
      },
    });
    await bridge.whenDelivered();
    expect(entry().status).toBe('filled');
    expect(bridge.rememberedTrades()).toBe(0);
    live.emit(fill('T1', venueId, '0.01'));
    await bridge.whenDelivered();
    // The repeat reached the engine, which booked it once.
    expect(heard).toEqual(['T1', 'T1']);
    const s = engine.snapshot();
    expect(s.fills.filter((f) => f.tradeId === 'T1')).toHaveLength(1);
    expect(s.positions.map((p) => [p.symbol, p.quantity])).toEqual([['BTC/USD', '0.01']]);
    engine.close();
    bridge.dispose();
  });
});
