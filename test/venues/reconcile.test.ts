// Reconciliation as a pure function: each case is what the engine holds, what the venue says, and the
// events worked out by hand.
import { describe, expect, it } from 'vitest';
import type { VenueEvent } from '../../src/main/engine/venues/venue.ts';
import {
  compareHoldings,
  type EngineOrderView,
  fillCursorSince,
  ordersToQuery,
  type ReconcileInput,
  reconcile,
} from '../../src/main/venues/reconcile.ts';
import type { VenueFill, VenueMassStatus, VenueOrderReport } from '../../src/main/venues/venue.ts';

const T = 1_700_000_000_000;

const order = (id: string, over: Partial<EngineOrderView> = {}): EngineOrderView => ({
  id,
  venueOrderId: `V-${id}`,
  status: 'accepted',
  symbol: 'BTC/USD',
  side: 'buy',
  quantity: '1',
  filledQuantity: '0',
  price: '60000',
  ...over,
});

const report = (
  id: string | undefined,
  venueOrderId: string,
  over: Partial<VenueOrderReport> = {},
): VenueOrderReport => ({
  ...(id !== undefined ? { clientOrderId: id } : {}),
  venueOrderId,
  symbol: 'BTC/USD',
  side: 'buy',
  type: 'limit',
  state: 'open',
  quantity: '1',
  filledQuantity: '0',
  price: '60000',
  time: T,
  ...over,
});

const fill = (tradeId: string, venueOrderId: string, over: Partial<VenueFill> = {}): VenueFill => ({
  tradeId,
  venueOrderId,
  symbol: 'BTC/USD',
  side: 'buy',
  price: '60000',
  quantity: '0.4',
  fee: '6',
  feeCurrency: 'USD',
  liquidity: 'maker',
  time: T,
  ...over,
});

const mass = (over: Partial<VenueMassStatus> = {}): VenueMassStatus => ({
  openOrders: [],
  fills: [],
  positions: [],
  balances: [],
  time: T,
  ...over,
});

const input = (over: Partial<ReconcileInput>): ReconcileInput => ({
  engineOrders: [],
  bookedTradeIds: new Set(),
  mass: mass(),
  ended: [],
  missing: [],
  time: T + 5,
  ...over,
});

const filledEvent = (
  clientOrderId: string,
  tradeId: string,
  venueOrderId: string,
  over: Record<string, unknown> = {},
): VenueEvent =>
  ({
    type: 'filled',
    clientOrderId,
    time: T,
    price: '60000',
    quantity: '0.4',
    fee: '6',
    liquidity: 'maker',
    tradeId,
    venueOrderId,
    ...over,
  }) as VenueEvent;

interface Case {
  name: string;
  input: ReconcileInput;
  events: VenueEvent[];
  notices?: string[];
}

const cases: Case[] = [
  {
    name: 'nothing at the venue, nothing in the engine: nothing to do',
    input: input({}),
    events: [],
  },
  {
    name: 'missing fills are booked oldest first, each trade once; booked ones skipped',
    input: input({
      engineOrders: [order('o1')],
      bookedTradeIds: new Set(['T0']),
      mass: mass({
        openOrders: [report('o1', 'V-o1', { state: 'partially_filled', filledQuantity: '0.8' })],
        fills: [
          fill('T2', 'V-o1', { time: T + 2 }),
          fill('T0', 'V-o1', { time: T }),
          fill('T1', 'V-o1', { time: T + 1 }),
          fill('T2', 'V-o1', { time: T + 2 }),
        ],
      }),
    }),
    events: [
      filledEvent('o1', 'T1', 'V-o1', { time: T + 1 }),
      filledEvent('o1', 'T2', 'V-o1', { time: T + 2 }),
    ],
  },
  {
    name: 'same time: ordered by trade id, so a replay gives the same events',
    input: input({
      engineOrders: [order('o1')],
      mass: mass({
        openOrders: [report('o1', 'V-o1', { filledQuantity: '0.8', state: 'partially_filled' })],
        fills: [fill('Tb', 'V-o1'), fill('Ta', 'V-o1')],
      }),
    }),
    events: [filledEvent('o1', 'Ta', 'V-o1'), filledEvent('o1', 'Tb', 'V-o1')],
  },
  {
    name: 'an order the engine holds working, ended at the venue: its fills, then its end as the venue says',
    input: input({
      engineOrders: [order('o1', { filledQuantity: '0.6', status: 'partially_filled' })],
      bookedTradeIds: new Set(['T1']),
      mass: mass({ fills: [fill('T2', 'V-o1', { quantity: '0.4', time: T + 9 })] }),
      ended: [report('o1', 'V-o1', { state: 'filled', filledQuantity: '1', time: T + 9 })],
    }),
    events: [
      filledEvent('o1', 'T2', 'V-o1', { time: T + 9 }),
      {
        type: 'status',
        clientOrderId: 'o1',
        venueOrderId: 'V-o1',
        state: 'filled',
        quantity: '1',
        filledQuantity: '1',
        price: '60000',
        time: T + 9,
      },
    ],
  },
  {
    name: 'a cancelled order (late fill found by venue id, the fill has no client id)',
    input: input({
      engineOrders: [order('o1', { status: 'pending_cancel' })],
      mass: mass({ fills: [fill('T7', 'V-o1', { quantity: '0.25' })] }),
      ended: [report('o1', 'V-o1', { state: 'cancelled', filledQuantity: '0.25' })],
    }),
    events: [
      filledEvent('o1', 'T7', 'V-o1', { quantity: '0.25' }),
      {
        type: 'status',
        clientOrderId: 'o1',
        venueOrderId: 'V-o1',
        state: 'cancelled',
        quantity: '1',
        filledQuantity: '0.25',
        price: '60000',
        time: T,
      },
    ],
  },
  {
    name: 'the venue filled more than the journal and the fills found: a fill_gap notice',
    input: input({
      engineOrders: [order('o1')],
      ended: [report('o1', 'V-o1', { state: 'filled', filledQuantity: '1' })],
    }),
    events: [
      {
        type: 'status',
        clientOrderId: 'o1',
        venueOrderId: 'V-o1',
        state: 'filled',
        quantity: '1',
        filledQuantity: '1',
        price: '60000',
        time: T,
      },
    ],
    notices: ['fill_gap'],
  },
  {
    name: 'an unknown order the venue never heard of: status with no state; an unknown one it holds: open',
    input: input({
      engineOrders: [
        order('lost', { status: 'unknown', venueOrderId: undefined }),
        order('held', { status: 'submitted', venueOrderId: undefined }),
      ],
      mass: mass({ openOrders: [report('held', 'V9')] }),
      missing: ['lost'],
    }),
    events: [
      { type: 'status', clientOrderId: 'lost', time: T + 5 },
      {
        type: 'status',
        clientOrderId: 'held',
        venueOrderId: 'V9',
        state: 'open',
        quantity: '1',
        filledQuantity: '0',
        price: '60000',
        time: T,
      },
    ],
  },
  {
    name: 'an accepted order open at the venue as the engine has it: nothing; changed quantity: status',
    input: input({
      engineOrders: [order('same'), order('smaller')],
      mass: mass({
        openOrders: [report('same', 'V-same'), report('smaller', 'V-smaller', { quantity: '0.5' })],
      }),
    }),
    events: [
      {
        type: 'status',
        clientOrderId: 'smaller',
        venueOrderId: 'V-smaller',
        state: 'open',
        quantity: '0.5',
        filledQuantity: '0',
        price: '60000',
        time: T,
      },
    ],
  },
  {
    name: 'a stop reports its trigger as the price',
    input: input({
      engineOrders: [order('stop', { status: 'unknown', side: 'sell', price: '55000' })],
      mass: mass({
        openOrders: [
          report('stop', 'V-stop', { type: 'stop', side: 'sell', price: undefined, stopPrice: '55000' }),
        ],
      }),
    }),
    events: [
      {
        type: 'status',
        clientOrderId: 'stop',
        venueOrderId: 'V-stop',
        state: 'open',
        quantity: '1',
        filledQuantity: '0',
        price: '55000',
        time: T,
      },
    ],
  },
  {
    name: 'orders Braid did not place (no client id, or one Braid never issued): external; their fills pass through',
    input: input({
      engineOrders: [order('o1')],
      mass: mass({
        openOrders: [
          report('o1', 'V-o1'),
          report(undefined, 'X1', { side: 'sell', quantity: '2', price: '70000' }),
          report('other-app-7', 'X2', { quantity: '3', price: undefined, type: 'market' }),
        ],
        fills: [fill('TX', 'X1', { side: 'sell' })],
      }),
    }),
    events: [
      filledEvent('external:X1', 'TX', 'X1'),
      {
        type: 'external_order',
        venueOrderId: 'X1',
        symbol: 'BTC/USD',
        side: 'sell',
        quantity: '2',
        price: '70000',
        time: T,
      },
      { type: 'external_order', venueOrderId: 'X2', symbol: 'BTC/USD', side: 'buy', quantity: '3', time: T },
    ],
  },
  {
    name: "Braid's id on an order the journal holds as ended but the venue works: the venue is right",
    input: input({
      engineOrders: [order('o1', { status: 'cancelled' })],
      mass: mass({ openOrders: [report('o1', 'V-o1')] }),
    }),
    events: [
      {
        type: 'status',
        clientOrderId: 'o1',
        venueOrderId: 'V-o1',
        state: 'open',
        quantity: '1',
        filledQuantity: '0',
        price: '60000',
        time: T,
      },
    ],
    notices: ['ended_order_working'],
  },
  {
    name: 'ended reports for orders no longer working, or unknown to the engine, are not repeated',
    input: input({
      engineOrders: [order('done', { status: 'filled', filledQuantity: '1' })],
      ended: [
        report('done', 'V-done', { state: 'filled', filledQuantity: '1' }),
        report('nobody', 'V-x', { state: 'cancelled' }),
      ],
      missing: ['done', 'never-heard'],
    }),
    events: [],
  },
  {
    name: 'spot: the base balance against the position once the found fills are booked',
    input: input({
      engineOrders: [order('o1', { status: 'partially_filled', quantity: '2', filledQuantity: '0.6' })],
      // Engine: long 0.6; a missing 0.4 buy makes 1.0; Kraken holds 1.5 BTC.
      enginePositions: [{ symbol: 'BTC/USD', quantity: '0.6' }],
      holdings: { kind: 'spot', bases: { 'BTC/USD': 'BTC' } },
      mass: mass({
        openOrders: [report('o1', 'V-o1', { state: 'partially_filled', quantity: '2', filledQuantity: '1' })],
        fills: [fill('T3', 'V-o1')],
        balances: [
          { asset: 'BTC', total: '1.5', free: '1.5' },
          { asset: 'USD', total: '1000', free: '1000' },
        ],
      }),
    }),
    events: [
      filledEvent('o1', 'T3', 'V-o1'),
      {
        type: 'position_mismatch',
        symbol: 'BTC/USD',
        venueQuantity: '1.5',
        engineQuantity: '1',
        time: T + 5,
      },
    ],
    notices: ['spot_balance'],
  },
  {
    name: 'spot: balance equal to the position after the fills: no mismatch',
    input: input({
      engineOrders: [order('o1', { status: 'partially_filled', filledQuantity: '0.6' })],
      enginePositions: [{ symbol: 'BTC/USD', quantity: '0.6' }],
      holdings: { kind: 'spot', bases: { 'BTC/USD': 'BTC' } },
      mass: mass({
        openOrders: [report('o1', 'V-o1', { state: 'partially_filled', filledQuantity: '1' })],
        fills: [fill('T3', 'V-o1')],
        balances: [{ asset: 'BTC', total: '1', free: '1' }],
      }),
    }),
    events: [filledEvent('o1', 'T3', 'V-o1')],
  },
  {
    name: "positions venue: short -0.5 against the engine's -0.3; other symbols at the venue left alone",
    input: input({
      engineOrders: [order('o1', { symbol: 'ETH/USD', status: 'filled', side: 'sell' })],
      enginePositions: [{ symbol: 'ETH/USD', quantity: '-0.3' }],
      holdings: { kind: 'positions' },
      mass: mass({
        positions: [
          { symbol: 'ETH/USD', quantity: '-0.5' },
          { symbol: 'SOL/USD', quantity: '10' },
        ],
      }),
    }),
    events: [
      {
        type: 'position_mismatch',
        symbol: 'ETH/USD',
        venueQuantity: '-0.5',
        engineQuantity: '-0.3',
        time: T + 5,
      },
    ],
  },
];

describe('reconcile', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = reconcile(c.input);
      expect(result.events).toEqual(c.events);
      expect(result.notices.map((n) => n.code)).toEqual(c.notices ?? []);
    });
  }
});

describe('compareHoldings', () => {
  it('two symbols on one base: their positions summed against the balance, named by the base', () => {
    const out = compareHoldings({
      enginePositions: [
        { symbol: 'BTC/USD', quantity: '0.5' },
        { symbol: 'BTC/EUR', quantity: '0.25' },
      ],
      engineSymbols: ['BTC/USD', 'BTC/EUR'],
      mass: { positions: [], balances: [{ asset: 'btc', total: '0.7', free: '0.7' }] },
      holdings: { kind: 'spot', bases: { 'BTC/USD': 'BTC', 'BTC/EUR': 'BTC' } },
      time: 9,
    });
    expect(out.events).toEqual([
      { type: 'position_mismatch', symbol: 'BTC', venueQuantity: '0.7', engineQuantity: '0.75', time: 9 },
    ]);
  });
});

describe('what to ask the venue', () => {
  it('the working orders the open list does not name, by client or venue id', () => {
    const engine = [
      order('listed'),
      order('listed-by-venue-id'),
      order('gone'),
      order('done', { status: 'filled' }),
      order('never-acked', { status: 'submitted', venueOrderId: undefined }),
    ];
    const open = [report('listed', 'V-other'), report(undefined, 'V-listed-by-venue-id')];
    expect(ordersToQuery(engine, open).map((o) => o.id)).toEqual(['gone', 'never-acked']);
  });

  it('a take-profit the engine holds is not at the venue by design: never asked for, never taken as missing', () => {
    const held = order('p1:TP1', { status: 'held', venueOrderId: undefined, side: 'sell' });
    expect(ordersToQuery([held, order('gone')], []).map((o) => o.id)).toEqual(['gone']);
    const result = reconcile(input({ engineOrders: [held], missing: ['p1:TP1'] }));
    expect(result.events).toEqual([]);
    expect(result.notices).toEqual([]);
  });

  it('a held order found working at the venue under its id is said, not managed as held', () => {
    const held = order('p1:TP1', { status: 'held', venueOrderId: undefined });
    const result = reconcile(
      input({ engineOrders: [held], mass: mass({ openOrders: [report('p1:TP1', 'V9')] }) }),
    );
    expect(result.events).toEqual([]);
    expect(result.notices.map((n) => n.code)).toEqual(['held_order_at_venue']);
  });

  it('the fill cursor: last booked fill minus the margin, else the oldest working order, else now', () => {
    expect(
      fillCursorSince({ lastFillTime: T, oldestWorkingCreatedAt: T - 50_000, now: T + 9, marginMs: 60_000 }),
    ).toBe(T - 60_000);
    expect(
      fillCursorSince({
        lastFillTime: null,
        oldestWorkingCreatedAt: T - 50_000,
        now: T + 9,
        marginMs: 60_000,
      }),
    ).toBe(T - 110_000);
    expect(
      fillCursorSince({ lastFillTime: null, oldestWorkingCreatedAt: null, now: T, marginMs: 60_000 }),
    ).toBe(T - 60_000);
    expect(
      fillCursorSince({ lastFillTime: 10, oldestWorkingCreatedAt: null, now: T, marginMs: 60_000 }),
    ).toBe(0);
  });
});
