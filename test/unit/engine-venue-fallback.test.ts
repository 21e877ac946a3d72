// Venue fallback for the same instrument (issue 8): Kraken and Hyperliquid both configured for BTC/USD, the
// plan's venue not ready. An entry goes to the venue's configured fallback (`venues.NAME.fallback`) when
// that one is ready and trades the symbol, under the fallback's own name for it (`venueSymbols`), and the
// order records where it went and why (`routedFrom`); with no fallback, or the fallback down too, the plan
// is rejected `venue_unavailable` naming both. Exits, legs, cancels and changes stay on the venue their
// position is on. The venues are hand-written stubs of the engine's venue port: they record every call and
// report only what the test tells them, when it chooses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { EnginePort } from '../../src/main/engine/port.ts';
import type { Venue, VenueEvent, VenueOrder } from '../../src/main/engine/venues/venue.ts';
import type { OrderRecord } from '../../src/shared/domain/order.ts';

const T = Date.parse('2024-03-04T15:00:00Z');
const BTC = 'BTC/USD';
const HL_BTC = 'BTC/USDC:USDC';

class StubVenue implements Venue {
  readonly asynchronous = true;
  readonly submitted: VenueOrder[] = [];
  readonly cancels: string[] = [];
  readonly amends: Array<{ id: string; change: { quantity?: string; price?: string } }> = [];
  private listeners: Array<(e: VenueEvent) => void> = [];
  readonly name: string;
  constructor(name: string) {
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
  accept(id: string, time: number): void {
    this.report({ type: 'accepted', clientOrderId: id, venueOrderId: `${this.name}-${id}`, time });
  }
  fill(id: string, quantity: string, price: string, fee: string, tradeId: string, time: number): void {
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
  /** What reached this venue, in the fields that matter here. */
  get sent() {
    return this.submitted.map((o) => [o.clientOrderId, o.symbol, o.side, o.type, o.quantity, o.price]);
  }
}

const INSTRUMENTS = {
  [BTC]: { lot: 0.001, tick: 0.1, venueSymbols: { hyperliquid: HL_BTC } },
  'ETH/USD': { lot: 0.01, tick: 0.01 },
};

function rawConfig(fallback: { kraken?: string; hyperliquid?: string } = { kraken: 'hyperliquid' }) {
  return {
    pdt: { enabled: false },
    defaultVenue: 'kraken',
    venues: {
      kraken: fallback.kraken !== undefined ? { fallback: fallback.kraken } : {},
      hyperliquid: fallback.hyperliquid !== undefined ? { fallback: fallback.hyperliquid } : {},
    },
    instruments: INSTRUMENTS,
  };
}
const config = (fallback?: { kraken?: string; hyperliquid?: string }) => parseConfig(rawConfig(fallback));

const bar = (symbol: string, close: string) => ({
  time: T,
  symbol,
  open: close,
  high: close,
  low: close,
  close,
  volume: '10',
});

function setup(
  options: { fallback?: { kraken?: string; hyperliquid?: string }; live?: string[] | null } = {},
) {
  const kraken = new StubVenue('kraken');
  const hyperliquid = new StubVenue('hyperliquid');
  const engine = new Engine({
    config: config(options.fallback),
    symbols: [BTC, 'ETH/USD', 'SOL/USD'],
    venues: [kraken, hyperliquid],
  });
  engine.onBar(bar(BTC, '50000'));
  engine.onBar(bar('ETH/USD', '2100'));
  engine.onBar(bar('SOL/USD', '150'));
  const live = options.live === undefined ? ['kraken', 'hyperliquid'] : options.live;
  expect(engine.setRouting(live, T).ok).toBe(true);
  const notices: Array<{ code: string; message: string }> = [];
  engine.subscribe((e) => {
    if (e.type === 'notice') notices.push({ code: e.notice.code, message: e.notice.message });
  });
  return { engine, kraken, hyperliquid, notices };
}

const order = (engine: EnginePort, id: string): OrderRecord => {
  const o = engine.snapshot().orders.find((x) => x.id === id);
  if (!o) throw new Error(`no order ${id}`);
  return o;
};
const plan = (engine: Engine, id: string) => engine.snapshot().plans.find((p) => p.id === id)!;

const buy = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  symbol: BTC,
  side: 'buy',
  quantity: 0.01,
  ...extra,
});

describe('an entry whose venue is not ready goes to its fallback', () => {
  it("kraken disconnected: the entry goes to hyperliquid under Hyperliquid's name, records why, and its fill books under Braid's symbol with Hyperliquid's fee", () => {
    const { engine, kraken, hyperliquid } = setup();
    expect(engine.setVenueReconciling('kraken', true, T + 1, 'disconnected').ok).toBe(true);
    expect(engine.submitPlan(buy('p1', { stopLoss: 49000 }), T + 2).ok).toBe(true);

    expect(kraken.submitted).toEqual([]);
    expect(hyperliquid.sent).toEqual([['p1:E1', HL_BTC, 'buy', 'market', '0.01', undefined]]);
    // The engine's record keeps Braid's symbol; the venue's name is only on the wire.
    expect(order(engine, 'p1:E1')).toMatchObject({
      symbol: BTC,
      venue: 'hyperliquid',
      routedFrom: { venue: 'kraken', reason: 'disconnected' },
      status: 'submitted',
    });
    expect(plan(engine, 'p1').status).toBe('working');

    hyperliquid.accept('p1:E1', T + 3);
    // 0.01 × 50010 × 0.045 % (Hyperliquid's taker fee) = 0.225045, as the venue reports it.
    hyperliquid.fill('p1:E1', '0.01', '50010', '0.225045', 'hl-t1', T + 4);
    const s = engine.snapshot();
    expect(s.fills.map((f) => [f.orderId, f.symbol, f.venue, f.quantity, f.price, f.fee])).toEqual([
      ['p1:E1', BTC, 'hyperliquid', '0.01', '50010', '0.225045'],
    ]);
    expect(s.positions.map((p) => [p.symbol, p.side, p.quantity, p.avgPrice])).toEqual([
      [BTC, 'long', '0.01', '50010'],
    ]);
    // 100000 − 0.01 × 50010 − 0.225045.
    expect(s.account.cash).toBe('99499.674955');
    // The stop goes where the position is, under the same venue name, and records no fallback of its own.
    expect(hyperliquid.sent.at(-1)).toEqual(['p1:SL1', HL_BTC, 'sell', 'stop', '0.01', '49000']);
    expect(order(engine, 'p1:SL1').routedFrom).toBeUndefined();
    expect(kraken.submitted).toEqual([]);

    // A quote under Braid's symbol marks the position: 0.01 × (50100.5 − 50010) = 0.905.
    engine.onQuote({ symbol: BTC, bid: '50100', ask: '50101', last: '50100.5', time: T + 5 });
    expect(engine.snapshot().positions[0]).toMatchObject({ markPrice: '50100.5', unrealizedPnl: '0.905' });

    // Kraken back and reconciled: its exits stay on hyperliquid; a new entry goes to kraken again.
    engine.setVenueReconciling('kraken', false, T + 6);
    expect(engine.closePosition(BTC, T + 7).ok).toBe(true);
    expect(hyperliquid.sent.at(-1)).toEqual(['p1:X1', HL_BTC, 'sell', 'market', '0.01', undefined]);
    expect(hyperliquid.cancels).toEqual(['p1:SL1']);
    expect(engine.submitPlan({ ...buy('p2', { symbol: 'ETH/USD' }), quantity: 1 }, T + 8).ok).toBe(true);
    expect(kraken.sent).toEqual([['p2:E1', 'ETH/USD', 'buy', 'market', '1', undefined]]);
    expect('routedFrom' in order(engine, 'p2:E1')).toBe(false);
  });

  it('a venue reconciling or not live falls back too, and says which', () => {
    const { engine, hyperliquid } = setup();
    engine.setVenueReconciling('kraken', true, T + 1);
    engine.submitPlan({ ...buy('p1'), entry: { type: 'limit', price: 49000 } }, T + 2);
    expect(order(engine, 'p1:E1')).toMatchObject({
      venue: 'hyperliquid',
      routedFrom: { venue: 'kraken', reason: 'reconciling' },
    });
    expect(hyperliquid.sent).toEqual([['p1:E1', HL_BTC, 'buy', 'limit', '0.01', '49000']]);

    // LIVE on hyperliquid alone: a plan naming kraken goes to kraken's fallback. ETH/USD has no
    // Hyperliquid name configured: it goes under Braid's.
    const other = setup({ live: ['hyperliquid'] });
    other.engine.submitPlan({ ...buy('p2', { symbol: 'ETH/USD', venue: 'kraken' }), quantity: 1 }, T + 2);
    expect(order(other.engine, 'p2:E1')).toMatchObject({
      venue: 'hyperliquid',
      routedFrom: { venue: 'kraken', reason: 'not live' },
    });
    expect(other.hyperliquid.sent).toEqual([['p2:E1', 'ETH/USD', 'buy', 'market', '1', undefined]]);
  });

  it('a fallback to paper sends the entry to the paper venue under Braid’s symbol', () => {
    const { engine, kraken, hyperliquid } = setup({ fallback: { kraken: 'paper' } });
    engine.setVenueReconciling('kraken', true, T + 1, 'disconnected');
    engine.submitPlan(buy('p1'), T + 2);
    expect(order(engine, 'p1:E1')).toMatchObject({
      venue: 'paper',
      symbol: BTC,
      routedFrom: { venue: 'kraken', reason: 'disconnected' },
    });
    expect([kraken.submitted, hyperliquid.submitted]).toEqual([[], []]);
    // Paper fills a market order on the next bar's open (replay.md): 0.01 at 50500, no fee configured.
    engine.onBar({ ...bar(BTC, '50500'), time: T + 60_000 });
    expect(engine.snapshot().fills.map((f) => [f.symbol, f.price, f.fee])).toEqual([[BTC, '50500', '0']]);
  });
});

describe('no way to the market: rejected venue_unavailable', () => {
  it('no fallback configured: the detail names the venue and why', () => {
    const { engine, kraken, hyperliquid, notices } = setup({ fallback: {} });
    engine.setVenueReconciling('kraken', true, T + 1, 'disconnected');
    engine.submitPlan(buy('p1'), T + 2);
    expect(plan(engine, 'p1')).toMatchObject({ status: 'rejected', reason: 'venue_unavailable' });
    expect(notices.filter((n) => n.code === 'venue_unavailable').map((n) => n.message)).toEqual([
      'plan p1 rejected: kraken is disconnected',
    ]);
    expect([kraken.submitted, hyperliquid.submitted]).toEqual([[], []]);
    expect(engine.previewPlan(buy('p2')).problems).toEqual([
      { field: 'venue', code: 'venue_unavailable', message: 'kraken is disconnected' },
    ]);
  });

  it('the fallback down too: the detail names both, and why each', () => {
    const { engine, kraken, hyperliquid, notices } = setup();
    engine.setVenueReconciling('kraken', true, T + 1, 'disconnected');
    engine.setVenueReconciling('hyperliquid', true, T + 1);
    engine.submitPlan(buy('p1'), T + 2);
    expect(plan(engine, 'p1')).toMatchObject({ status: 'rejected', reason: 'venue_unavailable' });
    expect(notices.filter((n) => n.code === 'venue_unavailable').map((n) => n.message)).toEqual([
      'plan p1 rejected: kraken is disconnected, and its fallback hyperliquid is reconciling',
    ]);
    expect([kraken.submitted, hyperliquid.submitted]).toEqual([[], []]);

    // One hop only: hyperliquid's own fallback (kraken) is not followed back, whatever it is.
    const both = setup({ fallback: { kraken: 'hyperliquid', hyperliquid: 'kraken' } });
    both.engine.setVenueReconciling('kraken', true, T + 1, 'disconnected');
    both.engine.setVenueReconciling('hyperliquid', true, T + 1, 'disconnected');
    both.engine.submitPlan(buy('p1', { venue: 'hyperliquid' }), T + 2);
    expect(both.notices.find((n) => n.code === 'venue_unavailable')?.message).toBe(
      'plan p1 rejected: hyperliquid is disconnected, and its fallback kraken is disconnected',
    );
  });

  it('a fallback that does not trade the symbol (no instrument configured) takes no entry for it', () => {
    const { engine, hyperliquid, notices } = setup();
    engine.setVenueReconciling('kraken', true, T + 1, 'disconnected');
    engine.submitPlan({ ...buy('p1', { symbol: 'SOL/USD' }), quantity: 1 }, T + 2);
    expect(plan(engine, 'p1')).toMatchObject({ status: 'rejected', reason: 'venue_unavailable' });
    expect(notices.find((n) => n.code === 'venue_unavailable')?.message).toBe(
      'plan p1 rejected: kraken is disconnected, and its fallback hyperliquid has no instrument SOL/USD configured',
    );
    expect(hyperliquid.submitted).toEqual([]);
  });
});

describe('only entries fall back', () => {
  it('a position on kraken keeps its exits, changes and cancels on kraken while kraken is down, never rerouted', () => {
    const { engine, kraken, hyperliquid } = setup();
    engine.submitPlan(buy('p1', { stopLoss: 49000, takeProfit: 52000 }), T + 1);
    kraken.accept('p1:E1', T + 2);
    kraken.fill('p1:E1', '0.01', '50010', '0.2', 'k-t1', T + 3);
    kraken.accept('p1:SL1', T + 4);
    expect(kraken.sent).toEqual([
      ['p1:E1', BTC, 'buy', 'market', '0.01', undefined],
      ['p1:SL1', BTC, 'sell', 'stop', '0.01', '49000'],
      ['p1:TP1', BTC, 'sell', 'limit', '0.01', '52000'],
    ]);
    kraken.accept('p1:TP1', T + 4);

    engine.setVenueReconciling('kraken', true, T + 5, 'disconnected');
    expect(engine.modifyOrder('p1:SL1', { price: '49500' }, T + 6).ok).toBe(true);
    expect(kraken.amends).toEqual([{ id: 'p1:SL1', change: { price: '49500' } }]);
    expect(engine.cancelOrder('p1:TP1', T + 7).ok).toBe(true);
    expect(kraken.cancels).toEqual(['p1:TP1']);
    expect(engine.closePosition(BTC, T + 8).ok).toBe(true);
    expect(kraken.sent.at(-1)).toEqual(['p1:X1', BTC, 'sell', 'market', '0.01', undefined]);
    expect(order(engine, 'p1:X1')).toMatchObject({ venue: 'kraken', status: 'submitted' });
    expect('routedFrom' in order(engine, 'p1:X1')).toBe(false);
    expect(hyperliquid.submitted).toEqual([]);
    expect(hyperliquid.cancels).toEqual([]);
  });
});

describe('PAPER mode', () => {
  it('every order goes to paper, as before: no fallback, no routedFrom, whatever the live venues are', () => {
    const { engine, kraken, hyperliquid } = setup({ live: null });
    engine.setVenueReconciling('kraken', true, T + 1, 'disconnected');
    engine.submitPlan(buy('p1', { venue: 'kraken' }), T + 2);
    const o = order(engine, 'p1:E1');
    expect(o).toMatchObject({ venue: 'paper', symbol: BTC, status: 'accepted' });
    expect('routedFrom' in o).toBe(false);
    expect([kraken.submitted, hyperliquid.submitted]).toEqual([[], []]);
  });
});

describe('a restart', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('keeps where an entry went and why; its position is still managed on the fallback, under its name there', () => {
    dir = mkdtempSync(join(tmpdir(), 'braid-fallback-'));
    const path = join(dir, 'journal.sqlite');
    const open = (kraken: StubVenue, hyperliquid: StubVenue): EnginePort => {
      const r = createEngine({
        config: rawConfig(),
        journalPath: path,
        symbols: [BTC],
        venues: [kraken, hyperliquid],
      });
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    const hyperliquid = new StubVenue('hyperliquid');
    let engine = open(new StubVenue('kraken'), hyperliquid);
    engine.onBar(bar(BTC, '50000'));
    engine.setRouting(['kraken', 'hyperliquid'], T);
    engine.setVenueReconciling('kraken', true, T + 1, 'disconnected');
    engine.submitPlan(buy('p1'), T + 2);
    hyperliquid.accept('p1:E1', T + 3);
    hyperliquid.fill('p1:E1', '0.01', '50010', '0.225045', 'hl-t1', T + 4);
    engine.close();

    const kraken2 = new StubVenue('kraken');
    const hyperliquid2 = new StubVenue('hyperliquid');
    engine = open(kraken2, hyperliquid2);
    expect(order(engine, 'p1:E1')).toMatchObject({
      venue: 'hyperliquid',
      status: 'filled',
      routedFrom: { venue: 'kraken', reason: 'disconnected' },
    });
    // PAPER after every start; the live position is still closed where it is.
    expect(engine.closePosition(BTC, T + 10).ok).toBe(true);
    expect(hyperliquid2.sent).toEqual([['p1:X1', HL_BTC, 'sell', 'market', '0.01', undefined]]);
    expect(kraken2.submitted).toEqual([]);
    engine.close();
  });
});
