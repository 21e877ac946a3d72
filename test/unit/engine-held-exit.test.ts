// The engine-held take-profit (contingency/held-exits.ts) on a live venue whose bracket exits would both
// hold the position's balance (Kraken spot): the stop rests at the venue, the take-profit is `held` by the
// engine and goes out (limit, IOC) only once the venue confirmed the stop cancelled. The venue is a stub
// that records every call and reports only what the test tells it, when the test chooses, so the order of
// calls can be asserted exactly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';
import { Journal } from '../../src/main/engine/journal/journal.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { EnginePort, Quote } from '../../src/main/engine/port.ts';
import type { Venue, VenueEvent, VenueOrder } from '../../src/main/engine/venues/venue.ts';
import type { OrderRecord } from '../../src/shared/domain/order.ts';

const T = Date.parse('2024-03-04T15:00:00Z');
const SYMBOL = 'BTC/USD';

type Call =
  | { kind: 'submit'; order: VenueOrder }
  | { kind: 'cancel'; id: string }
  | { kind: 'amend'; id: string; change: { quantity?: string; price?: string } };

class SpotStub implements Venue {
  readonly asynchronous = true;
  readonly exitLegsShareBalance: boolean;
  readonly calls: Call[] = [];
  readonly name = 'kraken';
  private listeners: Array<(e: VenueEvent) => void> = [];
  constructor(shareBalance = true) {
    this.exitLegsShareBalance = shareBalance;
  }
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  submit(order: VenueOrder): void {
    this.calls.push({ kind: 'submit', order });
  }
  cancel(id: string): void {
    this.calls.push({ kind: 'cancel', id });
  }
  amend(id: string, change: { quantity?: string; price?: string }): void {
    this.calls.push({ kind: 'amend', id, change });
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
  get submitted(): VenueOrder[] {
    return this.calls.flatMap((c) => (c.kind === 'submit' ? [c.order] : []));
  }
  get cancels(): string[] {
    return this.calls.flatMap((c) => (c.kind === 'cancel' ? [c.id] : []));
  }
  report(e: VenueEvent): void {
    for (const l of [...this.listeners]) l(e);
  }
  accept(id: string, time = T + 10): void {
    this.report({ type: 'accepted', clientOrderId: id, venueOrderId: `K-${id}`, time });
  }
  fill(id: string, quantity: string, price: string, tradeId: string, time = T + 20, fee = '0'): void {
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
  /** The venue's word that the order ended (a poll's report through the bridge). */
  ended(id: string, state: 'cancelled' | 'filled', filledQuantity: string, time = T + 30): void {
    this.report({
      type: 'status',
      clientOrderId: id,
      venueOrderId: `K-${id}`,
      state,
      quantity: '0.01',
      filledQuantity,
      time,
    });
  }
}

const CONFIG = {
  pdt: { enabled: false },
  defaultVenue: 'kraken',
  instruments: { [SYMBOL]: { lot: 0.001, tick: 0.1 } },
};

const BAR = {
  time: T,
  symbol: SYMBOL,
  open: '50000',
  high: '50000',
  low: '50000',
  close: '50000',
  volume: '1',
};

function setup(shareBalance = true) {
  const kraken = new SpotStub(shareBalance);
  const engine = new Engine({ config: parseConfig(CONFIG), symbols: [SYMBOL], venues: [kraken] });
  engine.onBar(BAR);
  expect(engine.setRouting(['kraken'], T).ok).toBe(true);
  return { engine, kraken };
}

const order = (engine: EnginePort, id: string): OrderRecord => {
  const o = engine.snapshot().orders.find((x) => x.id === id);
  if (!o) throw new Error(`no order ${id}`);
  return o;
};

const quote = (bid: string, ask: string, time: number): Quote => ({
  symbol: SYMBOL,
  bid,
  ask,
  last: bid,
  time,
});

const longPlan = {
  id: 'p1',
  symbol: SYMBOL,
  side: 'buy',
  entry: { type: 'limit', price: 49000 },
  quantity: 0.01,
  stopLoss: 45000,
  takeProfit: 55000,
  venue: 'kraken',
};

/** A long of 0.01 at 49000 with its stop accepted at the venue and its take-profit held. */
function longOpen(engine: EnginePort, kraken: SpotStub): void {
  expect(engine.submitPlan(longPlan, T + 1).ok).toBe(true);
  kraken.accept('p1:E1');
  kraken.fill('p1:E1', '0.01', '49000', 't1', T + 2);
  kraken.accept('p1:SL1', T + 3);
}

const venueShape = (o: VenueOrder) => [o.clientOrderId, o.side, o.type, o.quantity, o.price, o.timeInForce];

describe('an engine-held take-profit on a venue whose exits share the balance', () => {
  it('long: only the stop goes to the venue; the bid reaching the target cancels the stop, and only the confirmed cancel sends the IOC take-profit', () => {
    const { engine, kraken } = setup();
    longOpen(engine, kraken);
    expect(kraken.submitted.map(venueShape)).toEqual([
      ['p1:E1', 'buy', 'limit', '0.01', '49000', undefined],
      ['p1:SL1', 'sell', 'stop', '0.01', '45000', undefined],
    ]);
    expect(order(engine, 'p1:TP1')).toMatchObject({
      status: 'held',
      side: 'sell',
      type: 'limit',
      price: '55000',
      quantity: '0.01',
      venue: 'kraken',
    });
    // Last above the target is not enough: a long's take-profit sells at the bid.
    engine.onQuote({ symbol: SYMBOL, bid: '54999.9', ask: '55000.1', last: '55000', time: T + 4 });
    expect(kraken.cancels).toEqual([]);
    const before = kraken.calls.length;
    engine.onQuote(quote('55000', '55000.2', T + 5));
    expect(kraken.calls.slice(before)).toEqual([{ kind: 'cancel', id: 'p1:SL1' }]);
    expect(order(engine, 'p1:SL1').status).toBe('pending_cancel');
    expect(order(engine, 'p1:TP1').status).toBe('held');
    // More quotes while the cancel is on its way: nothing more is sent.
    engine.onQuote(quote('55100', '55100.2', T + 6));
    expect(kraken.calls.slice(before)).toEqual([{ kind: 'cancel', id: 'p1:SL1' }]);
    kraken.ended('p1:SL1', 'cancelled', '0', T + 7);
    expect(order(engine, 'p1:SL1').status).toBe('cancelled');
    expect(kraken.calls.slice(before).map((c) => (c.kind === 'submit' ? venueShape(c.order) : c))).toEqual([
      { kind: 'cancel', id: 'p1:SL1' },
      ['p1:TP1', 'sell', 'limit', '0.01', '55000', 'IOC'],
    ]);
    expect(order(engine, 'p1:TP1')).toMatchObject({ status: 'submitted', timeInForce: 'IOC' });
    kraken.accept('p1:TP1', T + 8);
    kraken.fill('p1:TP1', '0.01', '55000', 't2', T + 9);
    const s = engine.snapshot();
    expect(s.positions).toEqual([]);
    // 0.01 × (55000 − 49000), no fees in this stub.
    expect(s.trades.map((t) => [t.exitReason, t.quantity, t.exitPrice, t.pnl])).toEqual([
      ['take_profit', '0.01', '55000', '60'],
    ]);
    expect(s.plans[0]!.status).toBe('closed');
  });

  it('short: the ask at or under the target triggers the buy take-profit', () => {
    const { engine, kraken } = setup();
    const plan = {
      ...longPlan,
      side: 'sell',
      entry: { type: 'limit', price: 51000 },
      stopLoss: 55000,
      takeProfit: 45000,
    };
    expect(engine.submitPlan(plan, T + 1).ok).toBe(true);
    kraken.accept('p1:E1');
    kraken.fill('p1:E1', '0.01', '51000', 't1', T + 2);
    kraken.accept('p1:SL1', T + 3);
    expect(kraken.submitted.map((o) => o.clientOrderId)).toEqual(['p1:E1', 'p1:SL1']);
    expect(order(engine, 'p1:TP1')).toMatchObject({ status: 'held', side: 'buy', price: '45000' });
    // The bid under the target is not enough: a short's take-profit buys at the ask.
    engine.onQuote(quote('44999.8', '45000.1', T + 4));
    expect(kraken.cancels).toEqual([]);
    engine.onQuote(quote('44999.8', '45000', T + 5));
    expect(kraken.cancels).toEqual(['p1:SL1']);
    kraken.report({ type: 'cancelled', clientOrderId: 'p1:SL1', reason: 'user', time: T + 6 });
    expect(kraken.submitted.slice(2).map(venueShape)).toEqual([
      ['p1:TP1', 'buy', 'limit', '0.01', '45000', 'IOC'],
    ]);
  });

  it('the stop fills while its cancel is on its way: the trade closes on the stop, the held take-profit is cancelled in the engine, nothing sent', () => {
    const { engine, kraken } = setup();
    longOpen(engine, kraken);
    engine.onQuote(quote('55000', '55000.2', T + 4));
    expect(kraken.cancels).toEqual(['p1:SL1']);
    const before = kraken.calls.length;
    kraken.fill('p1:SL1', '0.01', '45000', 't2', T + 5);
    // The venue refuses the cancel of an order it filled.
    kraken.report({ type: 'cancel_rejected', clientOrderId: 'p1:SL1', reason: 'unknown_order', time: T + 6 });
    kraken.ended('p1:SL1', 'filled', '0.01', T + 7);
    expect(kraken.calls.slice(before)).toEqual([]);
    const s = engine.snapshot();
    expect(order(engine, 'p1:TP1').status).toBe('cancelled');
    expect(s.trades.map((t) => [t.exitReason, t.exitPrice])).toEqual([['stop_loss', '45000']]);
    expect(s.positions).toEqual([]);
  });

  it('a cancel the venue refuses leaves the stop working; the next quote at the target tries again', () => {
    const { engine, kraken } = setup();
    longOpen(engine, kraken);
    engine.onQuote(quote('55000', '55000.2', T + 4));
    kraken.report({ type: 'cancel_rejected', clientOrderId: 'p1:SL1', reason: 'busy', time: T + 5 });
    expect(order(engine, 'p1:SL1').status).toBe('accepted');
    expect(kraken.submitted).toHaveLength(2);
    engine.onQuote(quote('55001', '55001.2', T + 6));
    expect(kraken.cancels).toEqual(['p1:SL1', 'p1:SL1']);
    expect(order(engine, 'p1:TP1').status).toBe('held');
  });

  it('an IOC take-profit that leaves part open: a new stop (SL2) for what is open goes to the venue, a new take-profit (TP2) is held for it', () => {
    const { engine, kraken } = setup();
    longOpen(engine, kraken);
    engine.onQuote(quote('55000', '55000.2', T + 4));
    kraken.ended('p1:SL1', 'cancelled', '0', T + 5);
    kraken.accept('p1:TP1', T + 6);
    // The venue says the IOC ended having filled 0.004 before the fill itself is reported: nothing is
    // placed on a position that is about to be smaller.
    kraken.ended('p1:TP1', 'cancelled', '0.004', T + 7);
    expect(kraken.submitted.map((o) => o.clientOrderId)).toEqual(['p1:E1', 'p1:SL1', 'p1:TP1']);
    expect(engine.liveState()).toMatchObject({ parts: { plans: 2 } });
    kraken.fill('p1:TP1', '0.004', '55000', 't2', T + 8);
    expect(order(engine, 'p1:TP1')).toMatchObject({ status: 'cancelled', filledQuantity: '0.004' });
    expect(kraken.submitted.slice(3).map(venueShape)).toEqual([
      ['p1:SL2', 'sell', 'stop', '0.006', '45000', undefined],
    ]);
    expect(order(engine, 'p1:TP2')).toMatchObject({ status: 'held', quantity: '0.006', price: '55000' });
    expect(engine.snapshot().positions[0]).toMatchObject({ quantity: '0.006', stop: '45000' });
    // Re-armed: the price is still there, so the next quote runs the same way with the new ids.
    kraken.accept('p1:SL2', T + 9);
    engine.onQuote(quote('55000', '55000.2', T + 10));
    expect(kraken.cancels).toEqual(['p1:SL1', 'p1:SL2']);
    kraken.ended('p1:SL2', 'cancelled', '0', T + 11);
    expect(kraken.submitted.slice(4).map(venueShape)).toEqual([
      ['p1:TP2', 'sell', 'limit', '0.006', '55000', 'IOC'],
    ]);
    kraken.fill('p1:TP2', '0.006', '55000', 't3', T + 12);
    expect(engine.snapshot().trades.map((t) => [t.exitReason, t.quantity])).toEqual([
      ['take_profit', '0.01'],
    ]);
  });

  it('a take-profit the venue refuses re-protects the position the same way', () => {
    const { engine, kraken } = setup();
    longOpen(engine, kraken);
    engine.onQuote(quote('55000', '55000.2', T + 4));
    kraken.ended('p1:SL1', 'cancelled', '0', T + 5);
    kraken.report({ type: 'rejected', clientOrderId: 'p1:TP1', reason: 'insufficient_funds', time: T + 6 });
    expect(kraken.submitted.slice(3).map(venueShape)).toEqual([
      ['p1:SL2', 'sell', 'stop', '0.01', '45000', undefined],
    ]);
    expect(order(engine, 'p1:TP2').status).toBe('held');
  });

  it('partial entry fills: the resting stop is amended at the venue, the held take-profit resized in the engine alone', () => {
    const { engine, kraken } = setup();
    expect(engine.submitPlan(longPlan, T + 1).ok).toBe(true);
    kraken.accept('p1:E1');
    kraken.fill('p1:E1', '0.004', '49000', 't1', T + 2);
    expect(kraken.submitted.map(venueShape).slice(1)).toEqual([
      ['p1:SL1', 'sell', 'stop', '0.004', '45000', undefined],
    ]);
    expect(order(engine, 'p1:TP1')).toMatchObject({ status: 'held', quantity: '0.004' });
    kraken.accept('p1:SL1', T + 3);
    const before = kraken.calls.length;
    kraken.fill('p1:E1', '0.006', '49000', 't2', T + 4);
    expect(kraken.calls.slice(before)).toEqual([
      { kind: 'amend', id: 'p1:SL1', change: { quantity: '0.01' } },
    ]);
    expect(order(engine, 'p1:TP1')).toMatchObject({ status: 'held', quantity: '0.01' });
  });

  it('close and kill: the held take-profit is cancelled in the engine, no venue call for it', () => {
    const { engine, kraken } = setup();
    longOpen(engine, kraken);
    expect(engine.closePosition(SYMBOL, T + 4).ok).toBe(true);
    expect(kraken.cancels).toEqual(['p1:SL1']);
    expect(order(engine, 'p1:TP1').status).toBe('cancelled');
    expect(kraken.submitted.map((o) => o.clientOrderId)).toEqual(['p1:E1', 'p1:SL1', 'p1:X1']);

    const second = setup();
    longOpen(second.engine, second.kraken);
    expect(second.engine.kill(T + 4).ok).toBe(true);
    expect(second.kraken.cancels).toEqual(['p1:SL1']);
    expect(order(second.engine, 'p1:TP1').status).toBe('cancelled');
    expect(second.kraken.submitted.map((o) => o.clientOrderId)).toEqual(['p1:E1', 'p1:SL1', 'p1:X1']);
  });

  it('the blotter: a held take-profit is cancelled and changed in the engine alone; the new price is what triggers', () => {
    const { engine, kraken } = setup();
    longOpen(engine, kraken);
    const before = kraken.calls.length;
    expect(engine.modifyOrder('p1:TP1', { price: '56000', quantity: '0.008' }, T + 4).ok).toBe(true);
    expect(order(engine, 'p1:TP1')).toMatchObject({ status: 'held', price: '56000', quantity: '0.008' });
    expect(kraken.calls.slice(before)).toEqual([]);
    engine.onQuote(quote('55000', '55000.2', T + 5));
    expect(kraken.cancels).toEqual([]);
    engine.onQuote(quote('56000', '56000.2', T + 6));
    expect(kraken.cancels).toEqual(['p1:SL1']);

    const other = setup();
    longOpen(other.engine, other.kraken);
    const calls = other.kraken.calls.length;
    expect(other.engine.cancelOrder('p1:TP1', T + 4).ok).toBe(true);
    expect(order(other.engine, 'p1:TP1').status).toBe('cancelled');
    expect(other.kraken.calls.slice(calls)).toEqual([]);
    // A cancelled take-profit triggers nothing; the stop stays.
    other.engine.onQuote(quote('55000', '55000.2', T + 5));
    expect(other.kraken.calls.slice(calls)).toEqual([]);
    expect(order(other.engine, 'p1:SL1').status).toBe('accepted');
  });

  it('the take-profit cancelled while the stop is being cancelled: the position gets a new stop, not a bare position', () => {
    const { engine, kraken } = setup();
    longOpen(engine, kraken);
    engine.onQuote(quote('55000', '55000.2', T + 4));
    expect(engine.cancelOrder('p1:TP1', T + 5).ok).toBe(true);
    kraken.ended('p1:SL1', 'cancelled', '0', T + 6);
    expect(kraken.submitted.slice(2).map(venueShape)).toEqual([
      ['p1:SL2', 'sell', 'stop', '0.01', '45000', undefined],
    ]);
  });

  it('a venue whose exits do not share the balance rests both legs there, as before', () => {
    const { engine, kraken } = setup(false);
    longOpen(engine, kraken);
    expect(kraken.submitted.map((o) => [o.clientOrderId, o.timeInForce])).toEqual([
      ['p1:E1', undefined],
      ['p1:SL1', undefined],
      ['p1:TP1', undefined],
    ]);
    expect(order(engine, 'p1:TP1').status).toBe('submitted');
  });

  it('paper: no held status, the take-profit rests at the paper venue and fills there', () => {
    const { engine, kraken } = setup();
    expect(engine.setRouting(null, T).ok).toBe(true);
    expect(engine.submitPlan({ ...longPlan, entry: { type: 'market' } }, T + 1).ok).toBe(true);
    const bar = (time: number, price: string) => ({
      time,
      symbol: SYMBOL,
      open: price,
      high: price,
      low: price,
      close: price,
      volume: '1',
    });
    engine.onBar(bar(T + 60_000, '50000'));
    engine.onBar(bar(T + 120_000, '50000'));
    expect(order(engine, 'p1:TP1')).toMatchObject({ venue: 'paper', status: 'accepted' });
    expect(engine.snapshot().orders.some((o) => o.status === 'held')).toBe(false);
    engine.onBar(bar(T + 180_000, '56000'));
    expect(engine.snapshot().trades.map((t) => t.exitReason)).toEqual(['take_profit']);
    expect(kraken.calls).toEqual([]);
    expect(engine.liveState()).toMatchObject({ parts: { plans: 1 } });
  });
});

describe('restart with a held take-profit', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  function open(path: string, venue: SpotStub): EnginePort {
    const r = createEngine({ config: CONFIG, journalPath: path, symbols: [SYMBOL], venues: [venue] });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }

  it('stays held and keeps triggering; a restart while the stop is being cancelled still sends it once the cancel is confirmed', () => {
    dir = mkdtempSync(join(tmpdir(), 'braid-held-'));
    const path = join(dir, 'journal.sqlite');
    const first = new SpotStub();
    let engine = open(path, first);
    engine.onBar(BAR);
    engine.setRouting(['kraken'], T);
    longOpen(engine, first);
    engine.close();

    const second = new SpotStub();
    engine = open(path, second);
    expect(order(engine, 'p1:TP1')).toMatchObject({ status: 'held', quantity: '0.01', price: '55000' });
    expect(second.calls).toEqual([]);
    engine.onQuote(quote('55000', '55000.2', T + 5));
    expect(second.cancels).toEqual(['p1:SL1']);
    engine.close();

    const third = new SpotStub();
    engine = open(path, third);
    expect(order(engine, 'p1:SL1').status).toBe('pending_cancel');
    expect(order(engine, 'p1:TP1').status).toBe('held');
    third.ended('p1:SL1', 'cancelled', '0', T + 6);
    expect(third.submitted.map(venueShape)).toEqual([['p1:TP1', 'sell', 'limit', '0.01', '55000', 'IOC']]);
    engine.close();
  });

  it('a crash between the take-profit intent and the venue: it comes back unknown, never held again nor resent; not at the venue, the position is protected again', () => {
    dir = mkdtempSync(join(tmpdir(), 'braid-held-'));
    const path = join(dir, 'journal.sqlite');
    const journal = Journal.open(path, { kind: 'app' });
    journal.setMeta('kind', 'app');
    const venue = new SpotStub();
    const engine = new Engine({
      config: parseConfig(CONFIG),
      journal,
      symbols: [SYMBOL],
      venues: [venue],
      onIntentCommitted: (id) => {
        if (id === 'p1:TP1') throw new Error('crash');
      },
    });
    engine.onBar(BAR);
    engine.setRouting(['kraken'], T);
    longOpen(engine, venue);
    engine.onQuote(quote('55000', '55000.2', T + 4));
    engine.checkpoint(0, false);
    expect(() => venue.ended('p1:SL1', 'cancelled', '0', T + 5)).toThrow('crash');
    journal.close(); // as a kill -9 leaves it: the intent is durable, the report's events are not

    const after = new SpotStub();
    const restarted = open(path, after);
    expect(order(restarted, 'p1:TP1')).toMatchObject({ status: 'unknown', timeInForce: 'IOC' });
    restarted.onQuote(quote('55000', '55000.2', T + 6));
    after.ended('p1:SL1', 'cancelled', '0', T + 7);
    expect(after.calls).toEqual([]);
    // The venue never had it: rejected, and the position gets its stop back and a held take-profit.
    after.report({ type: 'status', clientOrderId: 'p1:TP1', time: T + 8 });
    expect(order(restarted, 'p1:TP1')).toMatchObject({
      status: 'rejected',
      rejectReason: 'not at the venue',
    });
    expect(after.submitted.map(venueShape)).toEqual([['p1:SL2', 'sell', 'stop', '0.01', '45000', undefined]]);
    expect(order(restarted, 'p1:TP2').status).toBe('held');
    restarted.close();
  });
});
