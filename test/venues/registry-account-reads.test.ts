// What the registry reads of an account besides orders and fills: funding on perpetual positions
// (Hyperliquid) handed to the engine once per payment since the position opened, and a broker's own
// day-trade count (IB's account summary) handed to the engine's day-trade counter. Time moves by hand.
import { describe, expect, it } from 'vitest';
import type { VenueEvent } from '../../src/main/engine/venues/venue.ts';
import { createVenueRegistry, type RegistryEngine } from '../../src/main/venues/registry.ts';
import type { VenueRead } from '../../src/main/venues/venue.ts';
import { DEFAULT_CONFIG } from '../../src/shared/domain/config.ts';
import type { BrokerDayTrades, EngineSnapshot } from '../../src/shared/domain/engine-view.ts';
import type { OrderRecord } from '../../src/shared/domain/order.ts';
import type { PositionRecord } from '../../src/shared/domain/portfolio.ts';
import { ok } from '../../src/shared/result.ts';
import { manualTimers } from '../helpers/timers.ts';
import { waitFor } from '../helpers/wait.ts';
import { FakeLiveVenue } from './fake-live-venue.ts';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

class Engine implements RegistryEngine {
  orders: OrderRecord[] = [];
  positions: PositionRecord[] = [];
  broker: Array<BrokerDayTrades | null> = [];
  snapshot(): EngineSnapshot {
    return { orders: this.orders, fills: [], positions: this.positions } as unknown as EngineSnapshot;
  }
  setVenueReconciling() {
    return ok(null);
  }
  setBrokerDayTrades(report: BrokerDayTrades | null) {
    this.broker.push(report);
  }
}

type Payment = { symbol: string; time: number; amount: string };

/** A venue that pays funding (as Hyperliquid's adapter reads userFunding) and counts day trades (IB). */
class AccountVenue extends FakeLiveVenue {
  payments: Payment[] = [];
  asked: number[] = [];
  summary: VenueRead<{ dayTradesRemaining: number | null; equity: string | null }> = {
    ok: true,
    value: { dayTradesRemaining: 2, equity: '18000' },
  };
  async fundingSince(since: number): Promise<VenueRead<Payment[]>> {
    this.asked.push(since);
    return { ok: true, value: this.payments.filter((p) => p.time >= since) };
  }
  summaries = 0;
  async accountSummary() {
    this.summaries++;
    return this.summary;
  }
}

function setup() {
  const clock = { t: T0 };
  const manual = manualTimers();
  const live = new AccountVenue('hyperliquid');
  const engine = new Engine();
  const config = {
    ...DEFAULT_CONFIG,
    venues: {
      ...DEFAULT_CONFIG.venues,
      hyperliquid: {
        url: 'http://127.0.0.1:1',
        wsUrl: 'ws://127.0.0.1:1',
        testnet: false,
        pollMs: 1000,
        deadManSeconds: 0,
        marketSlippage: '0.01',
      },
    },
  };
  const registry = createVenueRegistry({
    config,
    liveVenues: [live],
    now: () => clock.t,
    timers: manual.timers,
    random: () => 0,
    log: () => {},
    credentials: { hyperliquid: 'set' },
    fundingEveryMs: 60_000,
  });
  const heard: VenueEvent[] = [];
  registry.bridges()[0]!.onEvent((e) => heard.push(e));
  return { clock, manual, live, engine, registry, heard };
}

const entry = (planId: string): OrderRecord => ({
  id: `${planId}:E`,
  planId,
  symbol: 'BTC/USD',
  venue: 'hyperliquid',
  role: 'entry',
  side: 'buy',
  type: 'market',
  quantity: '0.01',
  status: 'filled',
  filledQuantity: '0.01',
  createdAt: T0 - 3 * HOUR,
  updatedAt: T0 - 3 * HOUR,
});

const position = (planId: string, openedAt: number): PositionRecord => ({
  symbol: 'BTC/USD',
  planId,
  side: 'long',
  quantity: '0.01',
  avgPrice: '60000',
  markPrice: '60000',
  unrealizedPnl: '0',
  openedAt,
});

describe('registry: funding on perpetual positions', () => {
  it('hands the engine each payment since the position opened, in time order, at reconciliation and on its timer', async () => {
    const { live, engine, registry, heard, manual } = setup();
    const opened = T0 - 2.5 * HOUR;
    engine.orders = [entry('p1')];
    engine.positions = [position('p1', opened)];
    live.payments = [
      { symbol: 'BTC/USD', time: T0 - HOUR, amount: '-0.12' },
      { symbol: 'BTC/USD', time: T0 - 2 * HOUR, amount: '-0.10' },
      // An earlier position's, before this one opened: not this one's.
      { symbol: 'BTC/USD', time: T0 - 3 * HOUR, amount: '-9' },
    ];
    await registry.start(engine);
    await waitFor('two payments booked', () => heard.filter((e) => e.type === 'funding').length === 2);
    expect(live.asked[0]).toBe(opened);
    expect(heard.filter((e) => e.type === 'funding')).toEqual([
      { type: 'funding', symbol: 'BTC/USD', amount: '-0.10', time: T0 - 2 * HOUR },
      { type: 'funding', symbol: 'BTC/USD', amount: '-0.12', time: T0 - HOUR },
    ]);
    // An hour later a new payment: the timer reads again (the engine dedupes the two it has by time).
    live.payments.push({ symbol: 'BTC/USD', time: T0 + 60_000, amount: '0.03' });
    manual.advance(60_000);
    await waitFor('the timer’s read', () => heard.filter((e) => e.type === 'funding').length === 5);
    expect(heard.filter((e) => e.type === 'funding').at(-1)).toEqual({
      type: 'funding',
      symbol: 'BTC/USD',
      amount: '0.03',
      time: T0 + 60_000,
    });
    await registry.stop();
  });

  it('reads nothing while Braid holds no position there', async () => {
    const { live, engine, registry } = setup();
    await registry.start(engine);
    expect(registry.ready()).toEqual(['hyperliquid']);
    expect(live.asked).toEqual([]);
    await registry.stop();
  });
});

describe("registry: a broker's own day-trade count", () => {
  it('gives the engine the count and equity at reconciliation, and again on the timer', async () => {
    const { clock, live, engine, registry, manual } = setup();
    await registry.start(engine);
    await waitFor('the first count', () => engine.broker.length === 1);
    expect(engine.broker[0]).toEqual({ venue: 'hyperliquid', remaining: 2, equity: '18000', at: T0 });
    live.summary = { ok: true, value: { dayTradesRemaining: 0, equity: '17500' } };
    clock.t = T0 + 60_000;
    manual.advance(60_000);
    await waitFor('the timer’s count', () => engine.broker.length === 2);
    expect(engine.broker[1]).toEqual({
      venue: 'hyperliquid',
      remaining: 0,
      equity: '17500',
      at: T0 + 60_000,
    });
    // A failed read changes nothing: the last count stands.
    live.summary = { ok: false, message: 'timeout', retryable: true };
    manual.advance(60_000);
    await waitFor('the third read answered', () => live.summaries === 3 && manual.pending() > 0);
    expect(engine.broker).toHaveLength(2);
    await registry.stop();
  });
});
