// Order management a TWS user expects: change a working order's price or quantity, cancel any working
// order including one bracket leg (the position then says it has no stop), through the engine's commands.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';

const t = (m: number) => Date.parse('2024-03-01T14:30:00Z') + m * 60_000;
const bar = (m: number, o: string, h: string, l: string, c: string) => ({
  time: t(m),
  symbol: 'AAA',
  open: o,
  high: h,
  low: l,
  close: c,
  volume: '100000',
});

function engine(): Engine {
  const e = new Engine({
    config: parseConfig({ pdt: { enabled: false }, instruments: { AAA: { tick: 0.05, lot: 1 } } }),
    symbols: ['AAA'],
  });
  e.onBar(bar(0, '100', '100', '100', '100'));
  return e;
}

const order = (e: Engine, id: string) => e.snapshot().orders.find((o) => o.id === id);

describe('modifying a working order', () => {
  it('moves a limit entry to a new price, and the next bar fills it there', () => {
    const e = engine();
    e.submitPlan(
      { id: 'p1', symbol: 'AAA', side: 'buy', quantity: 10, entry: { type: 'limit', price: 95 } },
      t(1),
    );
    expect(e.modifyOrder('p1:E1', { price: '97.5' }, t(2))).toEqual({ ok: true, value: null });
    expect(order(e, 'p1:E1')).toMatchObject({ price: '97.5', quantity: '10', status: 'accepted' });
    // Low 97 reaches 97.5, not 95: the fill proves the venue works the new price.
    e.onBar(bar(5, '99', '99', '97', '98'));
    expect(order(e, 'p1:E1')).toMatchObject({ status: 'filled', avgFillPrice: '97.5' });
  });

  it('refuses a price off the tick, a quantity off the lot, a bigger entry, a finished order', () => {
    const e = engine();
    e.submitPlan(
      { id: 'p1', symbol: 'AAA', side: 'buy', quantity: 10, entry: { type: 'limit', price: 95 } },
      t(1),
    );
    const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
    expect(code(e.modifyOrder('p1:E1', { price: '97.52' }, t(2)))).toBe('invalid_price');
    expect(code(e.modifyOrder('p1:E1', { quantity: '2.5' }, t(2)))).toBe('invalid_quantity');
    expect(code(e.modifyOrder('p1:E1', { quantity: '11' }, t(2)))).toBe('invalid_quantity');
    expect(code(e.modifyOrder('nope', { price: '96' }, t(2)))).toBe('unknown_order');
    // Nothing refused changed the order.
    expect(order(e, 'p1:E1')).toMatchObject({ price: '95', quantity: '10' });
    // A smaller entry is fine.
    expect(code(e.modifyOrder('p1:E1', { quantity: '6' }, t(6)))).toBe('ok');
    expect(order(e, 'p1:E1')!.quantity).toBe('6');
    e.cancelOrder('p1:E1', t(7));
    expect(code(e.modifyOrder('p1:E1', { quantity: '5' }, t(8)))).toBe('not_working');
  });

  it('moves a stop closer, and it triggers at the new level', () => {
    const e = engine();
    e.submitPlan({ id: 'p1', symbol: 'AAA', side: 'buy', quantity: 10, stopLoss: 90 }, t(1));
    e.onBar(bar(5, '100', '100', '100', '100')); // entry fills at 100; the stop is placed at 90
    expect(order(e, 'p1:SL1')).toMatchObject({ status: 'accepted', price: '90' });
    expect(e.snapshot().positions[0]!.stop).toBe('90');
    expect(e.modifyOrder('p1:SL1', { price: '98' }, t(6)).ok).toBe(true);
    expect(e.snapshot().positions[0]!.stop).toBe('98');
    // A market exit has no price to move.
    e.closePosition('AAA', t(7), '4');
    const market = e.modifyOrder('p1:X1', { price: '99' }, t(7));
    expect(market.ok ? null : market.error.code).toBe('invalid_order');
    e.onBar(bar(8, '100', '100', '100', '100')); // the exit sells 4 at 100; the stop shrinks to 6
    e.onBar(bar(10, '99', '99', '97', '97'));
    // 4 x 0 + 6 x (98 - 100) = -12; exit price (400 + 588) / 10 = 98.8
    expect(e.snapshot().trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: '98.8', pnl: '-12' });
  });
});

describe('cancelling a working order', () => {
  it('cancels a bracket leg alone: the take-profit stays, the position says it has no stop', () => {
    const e = engine();
    e.submitPlan({ id: 'p1', symbol: 'AAA', side: 'buy', quantity: 10, stopLoss: 90, takeProfit: 110 }, t(1));
    e.onBar(bar(5, '100', '100', '100', '100'));
    expect(e.cancelOrder('p1:SL1', t(6))).toEqual({ ok: true, value: null });
    const s = e.snapshot();
    expect(order(e, 'p1:SL1')!.status).toBe('cancelled');
    expect(order(e, 'p1:TP1')!.status).toBe('accepted');
    expect(s.positions[0]).toMatchObject({ symbol: 'AAA', quantity: '10', stop: null });
    // The stop is not put back at the next bar: the operator took it away.
    e.onBar(bar(10, '95', '95', '85', '88'));
    expect(e.snapshot().orders.filter((o) => o.role === 'stop_loss')).toHaveLength(1);
    expect(e.snapshot().positions[0]!.quantity).toBe('10');
    // A second cancel of the same order is refused, and names why.
    const again = e.cancelOrder('p1:SL1', t(11));
    expect(again.ok ? null : again.error.code).toBe('not_working');
  });

  it('cancelling a working entry ends its plan', () => {
    const e = engine();
    e.submitPlan(
      { id: 'p1', symbol: 'AAA', side: 'buy', quantity: 10, entry: { type: 'limit', price: 95 } },
      t(1),
    );
    expect(e.cancelOrder('p1:E1', t(2)).ok).toBe(true);
    expect(e.snapshot().plans[0]).toMatchObject({ status: 'cancelled' });
    expect(order(e, 'p1:E1')!.status).toBe('cancelled');
  });
});
