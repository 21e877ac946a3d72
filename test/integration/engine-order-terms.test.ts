// Time in force and outside-hours as plan options (issue 9): validated at intake, carried on the order
// intent, passed to the venue. A venue with day orders (IB) gets the plan's entry terms, its resting
// exits GTC and its market exits DAY; a venue with GTC only (Kraken, Hyperliquid) refuses a DAY plan
// before anything is journaled. Hand-written stub venues record what the engine sends.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';
import { StubVenue, T } from '../helpers/stub-venue.ts';

const SYMBOL = 'AAPL';

function setup() {
  const kraken = new StubVenue('kraken', false);
  const ib = new StubVenue('ib', true);
  const engine = new Engine({
    config: parseConfig({
      pdt: { enabled: false },
      defaultVenue: 'ib',
      instruments: { [SYMBOL]: { lot: 1, tick: 0.01 } },
    }),
    symbols: [SYMBOL],
    venues: [kraken, ib],
  });
  engine.onBar({ time: T, symbol: SYMBOL, open: '180', high: '180', low: '180', close: '180', volume: '10' });
  expect(engine.setRouting(['kraken', 'ib'], T).ok).toBe(true);
  return { engine, kraken, ib };
}

const plan = (engine: Engine, id: string) => engine.snapshot().plans.find((p) => p.id === id)!;
const buy = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  symbol: SYMBOL,
  side: 'buy',
  quantity: 10,
  entry: { type: 'limit', price: 180 },
  ...extra,
});

describe('time in force and outsideRth', () => {
  it('a DAY plan on a GTC-only venue is refused time_in_force_unsupported: no order, nothing sent', () => {
    const { engine, kraken } = setup();
    engine.submitPlan(buy('p1', { venue: 'kraken', timeInForce: 'DAY' }), T + 1);
    expect(plan(engine, 'p1')).toMatchObject({ status: 'rejected', reason: 'time_in_force_unsupported' });
    expect(engine.snapshot().orders).toEqual([]);
    expect(kraken.submitted).toEqual([]);
    expect(engine.previewPlan(buy('p2', { venue: 'kraken', timeInForce: 'DAY' })).problems[0]).toMatchObject({
      field: 'timeInForce',
      code: 'time_in_force_unsupported',
    });
  });

  it('GTC on a GTC-only venue goes as GTC; outsideRth is ignored off IB', () => {
    const { engine, kraken } = setup();
    engine.submitPlan(buy('p1', { venue: 'kraken', timeInForce: 'GTC', outsideRth: true }), T + 1);
    expect(kraken.submitted).toHaveLength(1);
    expect(kraken.submitted[0]).toMatchObject({ clientOrderId: 'p1:E1', timeInForce: 'GTC' });
    expect(kraken.submitted[0]!.outsideRth).toBeUndefined();
  });

  it('a plan option that is not DAY/GTC or not a boolean is refused at the edge', () => {
    const { engine } = setup();
    expect(engine.submitPlan(buy('p1', { timeInForce: 'IOC' }), T + 1).ok).toBe(false);
    expect(engine.submitPlan(buy('p2', { outsideRth: 'yes' }), T + 1).ok).toBe(false);
    expect(engine.snapshot().plans.map((p) => p.id)).toEqual([]);
  });

  it('IB: the entry carries the plan terms (journaled), the stop rests GTC, a close goes DAY', () => {
    const { engine, ib } = setup();
    engine.submitPlan(buy('p1', { timeInForce: 'DAY', outsideRth: true, stopLoss: 175 }), T + 1);
    expect(ib.submitted[0]).toMatchObject({ clientOrderId: 'p1:E1', timeInForce: 'DAY', outsideRth: true });
    expect(engine.snapshot().orders.find((o) => o.id === 'p1:E1')).toMatchObject({
      timeInForce: 'DAY',
      outsideRth: true,
    });
    ib.accept('p1:E1');
    ib.fill('p1:E1', '10', '180', 'x1');
    const stop = ib.submitted.find((o) => o.clientOrderId === 'p1:SL1');
    expect(stop).toMatchObject({ type: 'stop', price: '175', timeInForce: 'GTC', outsideRth: true });
    ib.accept('p1:SL1');
    expect(engine.closePosition(SYMBOL, T + 30).ok).toBe(true);
    const exit = ib.submitted.find((o) => o.clientOrderId === 'p1:X1');
    expect(exit).toMatchObject({ type: 'market', timeInForce: 'DAY' });
  });

  it('IB without a plan time in force: the entry leaves it to the venue (DAY at IB)', () => {
    const { engine, ib } = setup();
    engine.submitPlan(buy('p1'), T + 1);
    expect(ib.submitted[0]!.timeInForce).toBeUndefined();
    expect(ib.submitted[0]!.outsideRth).toBeUndefined();
  });

  it("IB trails natively: the stop goes with trailingPercent 2 from the plan's stop, never amended by Braid", () => {
    const { engine, ib } = setup();
    engine.submitPlan(buy('p1', { stopLoss: 175, trailPct: 0.02 }), T + 1);
    ib.accept('p1:E1');
    ib.fill('p1:E1', '10', '180', 'x1');
    const stop = ib.submitted.find((o) => o.clientOrderId === 'p1:SL1');
    expect(stop).toMatchObject({ type: 'stop', price: '175', trailingPercent: '2', timeInForce: 'GTC' });
    ib.accept('p1:SL1');
    expect(engine.snapshot().orders.find((o) => o.id === 'p1:SL1')).toMatchObject({
      trailPct: '0.02',
      exitReason: 'trailing_stop',
    });
    // 200 x 0.98 = 196 would move Braid's own trailing stop; IB moves this one.
    engine.onBar({
      time: T + 60_000,
      symbol: SYMBOL,
      open: '200',
      high: '200',
      low: '200',
      close: '200',
      volume: '1',
    });
    expect(ib.amends).toEqual([]);
  });

  it('a venue without native trailing: Braid trails the stop itself (amends it)', () => {
    const { engine, kraken } = setup();
    engine.submitPlan(buy('p1', { venue: 'kraken', stopLoss: 175, trailPct: 0.02 }), T + 1);
    kraken.accept('p1:E1');
    kraken.fill('p1:E1', '10', '180', 'x1');
    const stop = kraken.submitted.find((o) => o.clientOrderId === 'p1:SL1');
    expect(stop?.trailingPercent).toBeUndefined();
    kraken.accept('p1:SL1');
    engine.onBar({
      time: T + 60_000,
      symbol: SYMBOL,
      open: '200',
      high: '200',
      low: '200',
      close: '200',
      volume: '1',
    });
    expect(kraken.amends).toEqual([{ id: 'p1:SL1', change: { price: '196' } }]);
  });
});
