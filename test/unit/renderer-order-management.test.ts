// Order management as the renderer shows it: status words and styles (CANCELLING, MODIFYING, UNKNOWN in
// the warning colour), which rows get Cancel and Modify, what the row editor sends, a position's stop,
// and the price a line dragged on the chart lands on.
import { describe, expect, it } from 'vitest';
import { checkModify, draftOf, fieldOfError } from '../../src/renderer/src/features/blotter/modify.ts';
import {
  canCancel,
  canModify,
  isWorking,
  statusLabel,
  statusTitle,
  statusTone,
} from '../../src/renderer/src/features/blotter/order-status.ts';
import { stopView } from '../../src/renderer/src/features/blotter/stop.ts';
import { workingLines } from '../../src/renderer/src/features/chart/markers.ts';
import { draggableOrders, snapToTick, stepTicks } from '../../src/renderer/src/features/chart/order-drag.ts';
import type { OrderRecord, OrderStatus } from '../../src/shared/domain/order.ts';

const order = (id: string, over: Partial<OrderRecord> = {}): OrderRecord => ({
  id,
  planId: id.split(':')[0]!,
  symbol: 'SPY',
  venue: 'paper',
  role: 'entry',
  side: 'buy',
  type: 'limit',
  quantity: '10',
  price: '510.5',
  status: 'accepted',
  filledQuantity: '0',
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

const ALL: OrderStatus[] = [
  'submitted',
  'accepted',
  'partially_filled',
  'pending_cancel',
  'pending_modify',
  'unknown',
  'filled',
  'cancelled',
  'rejected',
  'expired',
];

describe('order statuses in the blotter', () => {
  it('names each status, and styles pending and unknown apart from working', () => {
    expect(ALL.map(statusLabel)).toEqual([
      'SUBMITTED',
      'WORKING',
      'PARTIAL',
      'CANCELLING',
      'MODIFYING',
      'UNKNOWN',
      'FILLED',
      'CANCELLED',
      'REJECTED',
      'EXPIRED',
    ]);
    expect(ALL.map(statusTone)).toEqual([
      'working',
      'working',
      'working',
      'pending',
      'pending',
      'unknown',
      'filled',
      'ended',
      'rejected',
      'ended',
    ]);
  });

  it('says what unknown and the pending states mean; a rejection says why', () => {
    expect(statusTitle({ status: 'unknown' })).toBe(
      'Outcome unknown, checking with the venue (never resent)',
    );
    expect(statusTitle({ status: 'pending_cancel' })).toMatch(/may still fill until the venue confirms/);
    expect(statusTitle({ status: 'pending_modify' })).toMatch(/works as it was until the venue confirms/);
    expect(statusTitle({ status: 'rejected', rejectReason: 'insufficient funds' })).toBe(
      'insufficient funds',
    );
    expect(statusTitle({ status: 'accepted' })).toBeUndefined();
  });

  it('counts a pending cancel, a pending change and an unknown outcome as working (they may still fill)', () => {
    expect(ALL.filter((status) => isWorking({ status }))).toEqual([
      'submitted',
      'accepted',
      'partially_filled',
      'pending_cancel',
      'pending_modify',
      'unknown',
    ]);
  });
});

describe('row actions', () => {
  it('Cancel on any working order, a single stop or target leg included, not one already being cancelled', () => {
    expect(ALL.filter((status) => canCancel({ status }))).toEqual([
      'submitted',
      'accepted',
      'partially_filled',
      'pending_modify',
      'unknown',
    ]);
    for (const role of ['entry', 'stop_loss', 'take_profit', 'exit'] as const)
      expect(canCancel(order(`p:${role}`, { role })), role).toBe(true);
  });

  it('Modify on a working limit or stop order with nothing on its way; never on a market order', () => {
    expect(ALL.filter((status) => canModify(order('p:E1', { status })))).toEqual([
      'submitted',
      'accepted',
      'partially_filled',
    ]);
    expect(canModify(order('p:SL1', { role: 'stop_loss', type: 'stop', price: '500' }))).toBe(true);
    expect(canModify(order('p:X1', { role: 'exit', type: 'market', price: undefined }))).toBe(false);
  });
});

describe('the row editor', () => {
  const entry = order('p:E1', { quantity: '10', filledQuantity: '2', price: '97.5' });

  it('opens on the order’s values, the price at its tick’s precision (never fewer decimals than it has)', () => {
    expect(draftOf(entry, '0.05')).toEqual({ price: '97.50', quantity: '10' });
    expect(draftOf(order('p:E1', { price: '97.125' }), '0.05')).toEqual({ price: '97.125', quantity: '10' });
    expect(draftOf(order('p:E1', { price: '512' }), '1')).toEqual({ price: '512', quantity: '10' });
  });

  it('sends only what changed, as canonical decimals; nothing when nothing changed', () => {
    expect(checkModify(entry, { price: '97.50', quantity: '10' }, '0.05', '1')).toEqual({
      ok: true,
      change: null,
    });
    expect(checkModify(entry, { price: '98.00', quantity: '10' }, '0.05', '1')).toEqual({
      ok: true,
      change: { price: '98' },
    });
    expect(checkModify(entry, { price: '97.5', quantity: '6' }, '0.05', '1')).toEqual({
      ok: true,
      change: { quantity: '6' },
    });
    expect(checkModify(entry, { price: '1,097.55', quantity: ' 3 ' }, '0.05', '1')).toEqual({
      ok: true,
      change: { price: '1097.55', quantity: '3' },
    });
  });

  it('says what is wrong beside each field: off the tick, off the lot, not above the filled, a bigger entry', () => {
    expect(checkModify(entry, { price: '97.52', quantity: '11' }, '0.05', '1')).toEqual({
      ok: false,
      problems: {
        price: 'Price: a whole number of ticks (tick 0.05)',
        quantity: 'Quantity: an entry can only be made smaller (now 10)',
      },
    });
    expect(checkModify(entry, { price: '', quantity: '2' }, '0.05', '1')).toEqual({
      ok: false,
      problems: { price: 'Price: enter a number', quantity: 'Quantity: above what has filled (2)' },
    });
    expect(checkModify(entry, { price: '-1', quantity: '2.5' }, '0.05', '1')).toEqual({
      ok: false,
      problems: {
        price: 'Price: expected a number such as 512.25',
        quantity: 'Quantity: a whole number of lots (lot 1)',
      },
    });
    expect(checkModify(entry, { price: '0', quantity: 'ten' }, '0.05', '1')).toEqual({
      ok: false,
      problems: {
        price: 'Price: must be greater than 0',
        quantity: 'Quantity: expected a number such as 512.25',
      },
    });
  });

  it('a stop or target may grow (up to the position, which the engine checks); an entry may not', () => {
    const stop = order('p:SL1', { role: 'stop_loss', type: 'stop', quantity: '4', price: '90' });
    expect(checkModify(stop, { price: '90', quantity: '6' }, '0.05', '1')).toEqual({
      ok: true,
      change: { quantity: '6' },
    });
  });

  it('puts an engine refusal beside the field it is about', () => {
    expect(fieldOfError('invalid_quantity')).toBe('quantity');
    expect(fieldOfError('invalid_price')).toBe('price');
    expect(fieldOfError('not_working')).toBe('price');
  });
});

describe('a position’s stop', () => {
  it('a level, NO STOP when the engine says there is none, unknown when it does not say', () => {
    expect(stopView('505.25')).toEqual({ kind: 'level', level: '505.25' });
    expect(stopView(null)).toEqual({ kind: 'none' });
    expect(stopView(undefined)).toEqual({ kind: 'unknown' });
  });
});

describe('working orders on the chart', () => {
  it('drags working limit and stop orders of the symbol, not market, finished, pending or other symbols', () => {
    const orders = [
      order('p:E1'),
      order('p:SL1', { role: 'stop_loss', type: 'stop', side: 'sell', price: '505' }),
      order('p:TP1', { role: 'take_profit', side: 'sell', price: '520', status: 'pending_modify' }),
      order('q:E1', { type: 'market', price: undefined }),
      order('r:E1', { status: 'filled' }),
      order('s:E1', { symbol: 'QQQ' }),
    ];
    expect(draggableOrders('SPY', orders)).toEqual([
      { orderId: 'p:E1', label: 'ENTRY', type: 'LMT', side: 'buy', quantity: '10', price: '510.5' },
      { orderId: 'p:SL1', label: 'STOP', type: 'STP', side: 'sell', quantity: '10', price: '505' },
    ]);
  });

  it('lands a drag on the nearest tick, half-even, never below one tick; ignores float noise', () => {
    expect(snapToTick(510.5249, '0.05')).toBe('510.5');
    expect(snapToTick(510.5251, '0.05')).toBe('510.55');
    expect(snapToTick(510.525, '0.05')).toBe('510.5'); // 10210.5 ticks: the even one
    expect(snapToTick(510.575, '0.05')).toBe('510.6'); // 10211.5 ticks: the even one
    expect(snapToTick(0.30000000000000004, '0.1')).toBe('0.3');
    expect(snapToTick(0.01, '0.25')).toBe('0.25');
    expect(snapToTick(-3, '0.01')).toBe('0.01');
    expect(snapToTick(Number.NaN, '0.01')).toBeNull();
    expect(snapToTick(42.123, '1')).toBe('42');
  });

  it('moves by whole ticks with the keys, exactly, never below one tick', () => {
    expect(stepTicks('510.5', 3, '0.05')).toBe('510.65');
    expect(stepTicks('510.5', -10, '0.05')).toBe('510');
    expect(stepTicks('0.1', -5, '0.05')).toBe('0.05');
    expect(stepTicks('0.3', 1, '0.1')).toBe('0.4');
  });

  it('keeps a line for an order whose cancel or change is on its way, or whose outcome is unknown', () => {
    const lines = workingLines(
      'SPY',
      [
        order('p:E1', { status: 'pending_modify', price: '510' }),
        order('p:SL1', { role: 'stop_loss', type: 'stop', price: '505', status: 'pending_cancel' }),
        order('p:TP1', { role: 'take_profit', price: '520', status: 'unknown' }),
        order('q:E1', { price: '400', status: 'cancelled' }),
      ],
      [],
    );
    expect(lines).toEqual([
      { role: 'entry', price: '510', pending: false },
      { role: 'stop', price: '505', pending: false },
      { role: 'target', price: '520', pending: false },
    ]);
  });
});
