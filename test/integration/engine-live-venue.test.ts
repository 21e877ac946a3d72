// The engine with an asynchronous live venue (issue 7, section 2): routing PAPER / LIVE, the pending
// states, `unknown` resolved by a status (never by a resend), fills booked once per venue trade id,
// brackets placed on the entry's fill report, one-cancels-other in the engine, the kill switch, and a
// restart with live orders working. The venue is a hand-written stub: it records every call and reports
// only what the test tells it to, when the test chooses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';
import { Journal } from '../../src/main/engine/journal/journal.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { EnginePort } from '../../src/main/engine/port.ts';
import type { Venue, VenueEvent, VenueOrder } from '../../src/main/engine/venues/venue.ts';
import type { OrderRecord } from '../../src/shared/domain/order.ts';

const T = Date.parse('2024-03-04T15:00:00Z');
const SYMBOL = 'BTC/USD';

class StubVenue implements Venue {
  readonly asynchronous = true;
  readonly submitted: VenueOrder[] = [];
  readonly cancels: string[] = [];
  readonly amends: Array<{ id: string; change: { quantity?: string; price?: string } }> = [];
  private listeners: Array<(e: VenueEvent) => void> = [];
  readonly name: string;
  constructor(name = 'kraken') {
    this.name = name;
  }
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  submit(order: VenueOrder): void {
    this.submitted.push(order);
  }
  cancel(clientOrderId: string): void {
    this.cancels.push(clientOrderId);
  }
  amend(clientOrderId: string, change: { quantity?: string; price?: string }): void {
    this.amends.push({ id: clientOrderId, change });
  }
  query(): VenueOrder | undefined {
    return undefined;
  }
  openOrders(): VenueOrder[] {
    return [];
  }
  positions() {
    return [];
  }
  onEvent(listener: (e: VenueEvent) => void) {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
  report(e: VenueEvent): void {
    for (const l of this.listeners) l(e);
  }
  accept(id: string, time = T + 10): void {
    this.report({ type: 'accepted', clientOrderId: id, venueOrderId: `K-${id}`, time });
  }
  fill(id: string, quantity: string, price: string, tradeId: string, time = T + 20, fee = '0.4'): void {
    this.report({
      type: 'filled',
      clientOrderId: id,
      time,
      price,
      quantity,
      fee,
      liquidity: 'taker',
      tradeId,
    });
  }
}

const CONFIG = {
  pdt: { enabled: false },
  defaultVenue: 'kraken',
  instruments: { [SYMBOL]: { lot: 0.001, tick: 0.1 }, 'ETH/USD': { lot: 0.01, tick: 0.01 } },
};

function setup(live: string[] | null = ['kraken'], extra: StubVenue[] = []) {
  const kraken = new StubVenue();
  const engine = new Engine({
    config: parseConfig(CONFIG),
    symbols: [SYMBOL],
    venues: [kraken, ...extra],
  });
  engine.onBar({
    time: T,
    symbol: SYMBOL,
    open: '50000',
    high: '50000',
    low: '50000',
    close: '50000',
    volume: '10',
  });
  engine.onBar({
    time: T,
    symbol: 'ETH/USD',
    open: '2100',
    high: '2100',
    low: '2100',
    close: '2100',
    volume: '10',
  });
  expect(engine.setRouting(live, T).ok).toBe(true);
  return { engine, kraken };
}

const order = (engine: Engine, id: string): OrderRecord => {
  const o = engine.snapshot().orders.find((x) => x.id === id);
  if (!o) throw new Error(`no order ${id}`);
  return o;
};
const plan = (engine: Engine, id: string) => engine.snapshot().plans.find((p) => p.id === id)!;
const notices = (engine: Engine) => {
  const seen: Array<{ code: string; message: string }> = [];
  engine.subscribe((e) => {
    if (e.type === 'notice') seen.push({ code: e.notice.code, message: e.notice.message });
  });
  return seen;
};

const buy = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  symbol: SYMBOL,
  side: 'buy',
  quantity: 0.01,
  ...extra,
});

describe('routing', () => {
  it('PAPER sends every order to paper, whatever the plan names; LIVE sends it to its venue', () => {
    const { engine, kraken } = setup(null);
    engine.submitPlan(buy('p1', { venue: 'kraken' }), T + 1);
    expect(order(engine, 'p1:E1').venue).toBe('paper');
    expect(kraken.submitted).toEqual([]);
    engine.cancelPlan('p1', T + 1);

    expect(engine.setRouting(['kraken'], T + 2).ok).toBe(true);
    engine.submitPlan({ ...buy('p2', { venue: 'paper' }), entry: { type: 'limit', price: 48000 } }, T + 3);
    expect(order(engine, 'p2:E1').venue).toBe('paper');
    engine.cancelPlan('p2', T + 3);
    engine.submitPlan({ ...buy('p3'), entry: { type: 'limit', price: 49000 } }, T + 3);
    // Without `venue` the plan goes to defaultVenue (kraken); `venue: paper` stays on paper.
    expect(order(engine, 'p3:E1').venue).toBe('kraken');
    expect(kraken.submitted.map((o) => [o.clientOrderId, o.type, o.quantity, o.price])).toEqual([
      ['p3:E1', 'limit', '0.01', '49000'],
    ]);
    expect(order(engine, 'p3:E1').status).toBe('submitted');
  });

  it('rejects a plan for a registered venue that is not live (venue_unavailable) and an unknown one (unknown_venue)', () => {
    const hyper = new StubVenue('hyperliquid');
    const { engine } = setup(['kraken'], [hyper]);
    const seen = notices(engine);
    engine.submitPlan(buy('p1', { venue: 'hyperliquid' }), T + 1);
    engine.submitPlan(buy('p2', { venue: 'ib' }), T + 1);
    expect(plan(engine, 'p1')).toMatchObject({ status: 'rejected', reason: 'venue_unavailable' });
    expect(plan(engine, 'p2')).toMatchObject({ status: 'rejected', reason: 'unknown_venue' });
    expect(seen.find((n) => n.code === 'venue_unavailable')!.message).toContain('hyperliquid is not live');
    expect(hyper.submitted).toEqual([]);
    expect(engine.setRouting(['ib'], T + 2).ok).toBe(false);
    // The preview says it too, beside the venue field.
    const preview = engine.previewPlan(buy('p3', { venue: 'hyperliquid' }));
    expect(preview.problems).toEqual([
      { field: 'venue', code: 'venue_unavailable', message: 'hyperliquid is not live' },
    ]);
  });

  it('refuses entries on a reconciling venue and lets its exits through', () => {
    const { engine, kraken } = setup();
    engine.submitPlan(buy('p1'), T + 1);
    kraken.accept('p1:E1');
    kraken.fill('p1:E1', '0.01', '50010', 't1');
    const seen = notices(engine);
    expect(engine.setVenueReconciling('kraken', true, T + 30).ok).toBe(true);
    engine.submitPlan(buy('p2', { symbol: SYMBOL }), T + 31);
    expect(plan(engine, 'p2')).toMatchObject({ status: 'rejected', reason: 'venue_unavailable' });
    expect(seen.find((n) => n.code === 'venue_unavailable')!.message).toBe(
      'plan p2 rejected: kraken is reconciling',
    );
    expect(engine.closePosition(SYMBOL, T + 32).ok).toBe(true);
    expect(kraken.submitted.map((o) => [o.clientOrderId, o.side, o.type, o.quantity])).toEqual([
      ['p1:E1', 'buy', 'market', '0.01'],
      ['p1:X1', 'sell', 'market', '0.01'],
    ]);
    engine.setVenueReconciling('kraken', false, T + 33);
    expect(engine.previewPlan(buy('p3', { quantity: 0.001 })).problems).toEqual([
      { field: 'plan', code: 'position_exists', message: 'position exists' },
    ]);
  });
});

describe('unknown outcomes', () => {
  it('an unknown order found at the venue works on: one submit, never a resend', () => {
    const { engine, kraken } = setup();
    engine.submitPlan({ ...buy('p1'), entry: { type: 'limit', price: 49000 } }, T + 1);
    kraken.report({ type: 'unknown', clientOrderId: 'p1:E1', reason: 'timeout', time: T + 5 });
    expect(order(engine, 'p1:E1').status).toBe('unknown');
    // Unknown counts as working: a second entry on the symbol is refused as an existing exposure.
    engine.submitPlan(buy('p2'), T + 6);
    expect(plan(engine, 'p2')).toMatchObject({ status: 'rejected', reason: 'position_exists' });
    kraken.report({
      type: 'status',
      clientOrderId: 'p1:E1',
      venueOrderId: 'OABC',
      state: 'open',
      time: T + 7,
    });
    expect(order(engine, 'p1:E1')).toMatchObject({ status: 'accepted', venueOrderId: 'OABC' });
    expect(plan(engine, 'p1').status).toBe('working');
    expect(kraken.submitted).toHaveLength(1);
  });

  it('an unknown order the venue does not hold is rejected "not at the venue", its plan venue_rejected', () => {
    const { engine, kraken } = setup();
    const seen = notices(engine);
    engine.submitPlan(buy('p1'), T + 1);
    kraken.report({ type: 'unknown', clientOrderId: 'p1:E1', reason: 'connection dropped', time: T + 5 });
    kraken.report({ type: 'status', clientOrderId: 'p1:E1', time: T + 7 });
    expect(order(engine, 'p1:E1')).toMatchObject({ status: 'rejected', rejectReason: 'not at the venue' });
    expect(plan(engine, 'p1')).toMatchObject({ status: 'rejected', reason: 'venue_rejected' });
    expect(seen.map((n) => n.code)).toEqual(['order_unknown', 'order_rejected']);
    expect(kraken.submitted).toHaveLength(1);
  });

  it('a status that disagrees with a working order ends it as the venue says', () => {
    const { engine, kraken } = setup();
    engine.submitPlan({ ...buy('p1'), entry: { type: 'limit', price: 49000 } }, T + 1);
    kraken.accept('p1:E1');
    kraken.report({ type: 'status', clientOrderId: 'p1:E1', state: 'cancelled', time: T + 9 });
    expect(order(engine, 'p1:E1').status).toBe('cancelled');
    expect(plan(engine, 'p1')).toMatchObject({ status: 'cancelled', reason: 'venue_cancelled' });
  });
});

describe('cancels and changes', () => {
  it('cancel: pending_cancel at once, cancelled when the venue says; the plan waits for it', () => {
    const { engine, kraken } = setup();
    engine.submitPlan({ ...buy('p1'), entry: { type: 'limit', price: 49000 } }, T + 1);
    kraken.accept('p1:E1');
    expect(engine.cancelOrder('p1:E1', T + 2).ok).toBe(true);
    expect(order(engine, 'p1:E1').status).toBe('pending_cancel');
    expect(plan(engine, 'p1').status).toBe('working');
    expect(kraken.cancels).toEqual(['p1:E1']);
    expect(engine.cancelOrder('p1:E1', T + 3)).toMatchObject({ ok: false });
    kraken.report({ type: 'cancelled', clientOrderId: 'p1:E1', reason: 'user', time: T + 4 });
    expect(order(engine, 'p1:E1').status).toBe('cancelled');
    expect(plan(engine, 'p1')).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
    expect(kraken.cancels).toEqual(['p1:E1']);
  });

  it('cancel_rejected puts the order back to work: accepted, or partially filled by what filled', () => {
    const { engine, kraken } = setup();
    engine.submitPlan({ ...buy('p1'), entry: { type: 'limit', price: 49000 } }, T + 1);
    kraken.accept('p1:E1');
    engine.cancelOrder('p1:E1', T + 2);
    kraken.report({ type: 'cancel_rejected', clientOrderId: 'p1:E1', reason: 'busy', time: T + 3 });
    expect(order(engine, 'p1:E1').status).toBe('accepted');
    engine.cancelOrder('p1:E1', T + 4);
    // A partial fill while the cancel is on its way keeps it shown as pending_cancel.
    kraken.fill('p1:E1', '0.004', '49000', 't1', T + 5);
    expect(order(engine, 'p1:E1')).toMatchObject({ status: 'pending_cancel', filledQuantity: '0.004' });
    kraken.report({ type: 'cancel_rejected', clientOrderId: 'p1:E1', reason: 'busy', time: T + 6 });
    expect(order(engine, 'p1:E1').status).toBe('partially_filled');
  });

  it('modify: pending_modify, the amended report applies the change; modify_rejected leaves it as it was', () => {
    const { engine, kraken } = setup();
    engine.submitPlan({ ...buy('p1'), entry: { type: 'limit', price: 49000 } }, T + 1);
    expect(engine.modifyOrder('p1:E1', { price: '48000' }, T + 2)).toMatchObject({ ok: false });
    kraken.accept('p1:E1');
    expect(engine.modifyOrder('p1:E1', { price: '48000' }, T + 2).ok).toBe(true);
    expect(order(engine, 'p1:E1')).toMatchObject({ status: 'pending_modify', price: '49000' });
    expect(kraken.amends).toEqual([{ id: 'p1:E1', change: { price: '48000' } }]);
    kraken.report({ type: 'amended', clientOrderId: 'p1:E1', quantity: '0.01', price: '48000', time: T + 3 });
    expect(order(engine, 'p1:E1')).toMatchObject({ status: 'accepted', price: '48000' });
    engine.modifyOrder('p1:E1', { quantity: '0.005' }, T + 4);
    kraken.report({ type: 'modify_rejected', clientOrderId: 'p1:E1', reason: 'no', time: T + 5 });
    expect(order(engine, 'p1:E1')).toMatchObject({ status: 'accepted', quantity: '0.01', price: '48000' });
  });
});

describe('fills', () => {
  it('books a late fill after a cancel, and each venue trade id once', () => {
    const { engine, kraken } = setup();
    engine.submitPlan({ ...buy('p1'), entry: { type: 'limit', price: 49000 } }, T + 1);
    kraken.accept('p1:E1');
    engine.cancelPlan('p1', T + 2);
    kraken.report({ type: 'cancelled', clientOrderId: 'p1:E1', reason: 'user', time: T + 3 });
    kraken.fill('p1:E1', '0.01', '49000', 'TX1', T + 4, '0.98');
    kraken.fill('p1:E1', '0.01', '49000', 'TX1', T + 5, '0.98'); // the same trade, again
    const s = engine.snapshot();
    expect(s.fills.map((f) => [f.quantity, f.price, f.fee])).toEqual([['0.01', '49000', '0.98']]);
    expect(order(engine, 'p1:E1')).toMatchObject({ status: 'filled', filledQuantity: '0.01' });
    expect(s.positions).toEqual([expect.objectContaining({ symbol: SYMBOL, quantity: '0.01' })]);
    // The fee is the venue's: 100000 - 490 - 0.98.
    expect(s.account.cash).toBe('99509.02');
    expect(engine.duplicateFills).toBe(1);
  });

  it('books an over-fill and raises an overfill notice; a fill for an order Braid does not know changes nothing', () => {
    const { engine, kraken } = setup();
    engine.submitPlan(buy('p1'), T + 1);
    kraken.accept('p1:E1');
    const seen = notices(engine);
    kraken.fill('p1:E1', '0.01', '50000', 'a', T + 2);
    kraken.fill('p1:E1', '0.002', '50000', 'b', T + 3);
    expect(order(engine, 'p1:E1').filledQuantity).toBe('0.012');
    expect(engine.snapshot().positions[0]!.quantity).toBe('0.012');
    expect(seen.filter((n) => n.code === 'overfill')).toHaveLength(1);
    const before = JSON.stringify(engine.snapshot());
    kraken.fill('zz:E1', '1', '50000', 'c', T + 4);
    kraken.report({
      type: 'external_order',
      venueOrderId: 'OEXT',
      symbol: SYMBOL,
      side: 'sell',
      quantity: '0.5',
      price: '60000',
      time: T + 5,
    });
    const after = engine.snapshot();
    expect({ ...after, time: 0 }).toEqual({ ...JSON.parse(before), time: 0 });
    expect(seen.map((n) => n.code).slice(-2)).toEqual(['external_fill', 'external_order']);
    expect(engine.externalOrders()).toEqual([
      {
        venue: 'kraken',
        venueOrderId: 'OEXT',
        symbol: SYMBOL,
        side: 'sell',
        quantity: '0.5',
        price: '60000',
        time: T + 5,
      },
    ]);
  });
});

describe('brackets on a live venue', () => {
  const bracketed = buy('p1', { stopLoss: 49000, takeProfit: 52000 });

  it('places stop-loss and take-profit as soon as the entry fill is reported, and resizes them with the next fill', () => {
    const { engine, kraken } = setup();
    engine.submitPlan(bracketed, T + 1);
    kraken.accept('p1:E1');
    kraken.fill('p1:E1', '0.004', '50000', 't1', T + 2);
    // No bar since the fill: the legs are at the venue already.
    expect(
      kraken.submitted.slice(1).map((o) => [o.clientOrderId, o.side, o.type, o.quantity, o.price]),
    ).toEqual([
      ['p1:SL1', 'sell', 'stop', '0.004', '49000'],
      ['p1:TP1', 'sell', 'limit', '0.004', '52000'],
    ]);
    kraken.accept('p1:SL1');
    kraken.accept('p1:TP1');
    kraken.fill('p1:E1', '0.006', '50000', 't2', T + 3);
    expect(kraken.amends).toEqual([
      { id: 'p1:SL1', change: { quantity: '0.01' } },
      { id: 'p1:TP1', change: { quantity: '0.01' } },
    ]);
    expect(order(engine, 'p1:SL1').status).toBe('pending_modify');
    expect(engine.snapshot().positions[0]!.stop).toBe('49000');
  });

  it('one-cancels-other: the stop fills, the take-profit cancel goes to the same venue', () => {
    const { engine, kraken } = setup();
    engine.submitPlan(bracketed, T + 1);
    kraken.accept('p1:E1');
    kraken.fill('p1:E1', '0.01', '50000', 't1', T + 2);
    kraken.accept('p1:SL1');
    kraken.accept('p1:TP1');
    // A partial stop fill shrinks the take-profit to what stays open.
    kraken.fill('p1:SL1', '0.004', '49000', 't2', T + 3);
    expect(kraken.amends).toEqual([{ id: 'p1:TP1', change: { quantity: '0.006' } }]);
    kraken.report({
      type: 'amended',
      clientOrderId: 'p1:TP1',
      quantity: '0.006',
      price: '52000',
      time: T + 4,
    });
    kraken.fill('p1:SL1', '0.006', '49000', 't3', T + 5);
    expect(kraken.cancels).toEqual(['p1:TP1']);
    expect(order(engine, 'p1:TP1').status).toBe('pending_cancel');
    const s = engine.snapshot();
    expect(s.positions).toEqual([]);
    expect(s.trades.map((t) => [t.exitReason, t.quantity])).toEqual([['stop_loss', '0.01']]);
    kraken.report({ type: 'cancelled', clientOrderId: 'p1:TP1', reason: 'user', time: T + 6 });
    expect(order(engine, 'p1:TP1').status).toBe('cancelled');
  });

  it('trails the stop on live quotes, one change at a time', () => {
    const { engine, kraken } = setup();
    engine.submitPlan(buy('p1', { trailPct: 0.01 }), T + 1);
    kraken.accept('p1:E1');
    kraken.fill('p1:E1', '0.01', '50000', 't1', T + 2);
    expect(kraken.submitted[1]).toMatchObject({ clientOrderId: 'p1:SL1', type: 'stop', price: '49500' });
    kraken.accept('p1:SL1');
    engine.onQuote({ symbol: SYMBOL, bid: '50990', ask: '51010', last: '51000', time: T + 3 });
    expect(kraken.amends).toEqual([{ id: 'p1:SL1', change: { price: '50490' } }]);
    engine.onQuote({ symbol: SYMBOL, bid: '51990', ask: '52010', last: '52000', time: T + 4 });
    expect(kraken.amends).toHaveLength(1); // the first change is still on its way
    kraken.report({
      type: 'amended',
      clientOrderId: 'p1:SL1',
      quantity: '0.01',
      price: '50490',
      time: T + 5,
    });
    engine.onQuote({ symbol: SYMBOL, bid: '51990', ask: '52010', last: '52000', time: T + 6 });
    expect(kraken.amends.map((a) => a.change.price)).toEqual(['50490', '51480']);
    expect(engine.snapshot().lastPrices[SYMBOL]).toBe('52000');
  });
});

describe('kill switch with a live venue', () => {
  it('cancels every working order there, sends one flattening market order per position, HALTED', () => {
    const { engine, kraken } = setup();
    engine.submitPlan(buy('p1', { stopLoss: 49000, takeProfit: 52000 }), T + 1);
    kraken.accept('p1:E1');
    kraken.fill('p1:E1', '0.01', '50000', 't1', T + 2);
    kraken.accept('p1:SL1');
    kraken.accept('p1:TP1');
    engine.submitPlan(
      { ...buy('p2', { symbol: 'ETH/USD', quantity: 1 }), entry: { type: 'limit', price: 2000 } },
      T + 3,
    );
    kraken.accept('p2:E1');
    expect(engine.kill(T + 4).ok).toBe(true);
    expect(engine.state).toBe('HALTED');
    expect([...kraken.cancels].sort()).toEqual(['p1:SL1', 'p1:TP1', 'p2:E1']);
    const exits = kraken.submitted.filter((o) => o.clientOrderId.includes(':X'));
    expect(exits.map((o) => [o.clientOrderId, o.side, o.type, o.quantity])).toEqual([
      ['p1:X1', 'sell', 'market', '0.01'],
    ]);
    expect(engine.kill(T + 5).ok).toBe(true); // again: nothing sent twice
    expect(kraken.cancels).toHaveLength(3);
    expect(kraken.submitted.filter((o) => o.clientOrderId.includes(':X'))).toHaveLength(1);
  });
});

describe('restart with live orders', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  function open(path: string, venue: StubVenue): EnginePort {
    const r = createEngine({ config: CONFIG, journalPath: path, symbols: [SYMBOL], venues: [venue] });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }

  it('keeps working live orders working, and journals reports that arrive outside any command', () => {
    dir = mkdtempSync(join(tmpdir(), 'braid-live-'));
    const path = join(dir, 'journal.sqlite');
    const first = new StubVenue();
    let engine = open(path, first);
    engine.onBar({
      time: T,
      symbol: SYMBOL,
      open: '50000',
      high: '50000',
      low: '50000',
      close: '50000',
      volume: '1',
    });
    engine.setRouting(['kraken'], T);
    engine.submitPlan({ ...buy('p1'), entry: { type: 'limit', price: 49000 } }, T + 1);
    first.accept('p1:E1'); // from the venue's own callback: no command around it
    first.fill('p1:E1', '0.004', '49000', 't1', T + 3);
    engine.close();

    const second = new StubVenue();
    engine = open(path, second);
    const o = engine.snapshot().orders.find((x) => x.id === 'p1:E1')!;
    expect(o).toMatchObject({
      status: 'partially_filled',
      filledQuantity: '0.004',
      venue: 'kraken',
      venueOrderId: 'K-p1:E1',
    });
    expect(second.submitted).toEqual([]);
    // Routing is PAPER after a start; the order is still managed on its venue.
    expect(engine.cancelOrder('p1:E1', T + 5).ok).toBe(true);
    expect(second.cancels).toEqual(['p1:E1']);
    // The trade id booked before the restart is still booked.
    second.fill('p1:E1', '0.004', '49000', 't1', T + 6);
    expect(engine.snapshot().fills).toHaveLength(1);
    engine.close();
  });

  it('an order a crash cut short between its intent and the venue comes back unknown, with its plan, never resent', () => {
    dir = mkdtempSync(join(tmpdir(), 'braid-live-'));
    const path = join(dir, 'journal.sqlite');
    const journal = Journal.open(path, { kind: 'app' });
    journal.setMeta('kind', 'app');
    const venue = new StubVenue();
    const engine = new Engine({
      config: parseConfig(CONFIG),
      journal,
      symbols: [SYMBOL],
      venues: [venue],
      onIntentCommitted: () => {
        throw new Error('crash');
      },
    });
    engine.onBar({
      time: T,
      symbol: SYMBOL,
      open: '50000',
      high: '50000',
      low: '50000',
      close: '50000',
      volume: '1',
    });
    engine.checkpoint(0, false);
    engine.setRouting(['kraken'], T);
    expect(() => engine.submitPlan(buy('p1'), T + 1)).toThrow('crash');
    journal.close(); // as a kill -9 leaves it: the intent is durable, the command's events are not

    const after = new StubVenue();
    const restarted = open(path, after);
    const s = restarted.snapshot();
    expect(s.orders.map((o) => [o.id, o.status, o.venue])).toEqual([['p1:E1', 'unknown', 'kraken']]);
    expect(s.plans.map((p) => [p.id, p.status, p.entryOrderId])).toEqual([['p1', 'working', 'p1:E1']]);
    // The upstream sends the plan again (it was never acknowledged): recognised, nothing sent.
    expect(restarted.submitPlan(buy('p1'), T + 10)).toMatchObject({ ok: true, value: { status: 'working' } });
    expect(after.submitted).toEqual([]);
    after.report({ type: 'status', clientOrderId: 'p1:E1', venueOrderId: 'O1', state: 'open', time: T + 11 });
    expect(restarted.snapshot().orders[0]!.status).toBe('accepted');
    restarted.close();
  });
});
