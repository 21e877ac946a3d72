import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';

const t = (m: number) => Date.parse('2024-03-01T14:30:00Z') + m * 60_000;
const bar = (m: number, o: string, h: string, l: string, c: string, v: string) => ({
  time: t(m),
  symbol: 'AAA',
  open: o,
  high: h,
  low: l,
  close: c,
  volume: v,
});

describe('a bracket leg done while the entry grew in the same bar', () => {
  it('exits the rest of the position at market instead of leaving it without a stop', () => {
    const e = new Engine({
      config: parseConfig({ venues: { paper: { maxVolumeShare: 0.001 } }, pdt: { enabled: false } }),
      symbols: ['AAA'],
    });
    e.onBar(bar(0, '100', '100', '100', '100', '1000'));
    e.submitPlan({ id: 'p1', symbol: 'AAA', side: 'buy', quantity: 4, stopLoss: 99, takeProfit: 110 }, t(1));
    // Capacity floor(0.001 x 1000) = 1: the entry fills 1 at 100; brackets for 1 at the close.
    e.onBar(bar(5, '100', '100', '100', '100', '1000'));
    // Capacity 10: the entry fills its other 3 first (submission order), then the stop (sized 1) fills at 99.
    e.onBar(bar(10, '100', '100', '98', '98.5', '10000'));
    let s = e.snapshot();
    expect(s.orders.find((o) => o.id === 'p1:SL1')?.status).toBe('filled');
    expect(s.orders.find((o) => o.id === 'p1:TP1')?.status).toBe('cancelled');
    // The remaining 3 are exited at market, for the stop's reason, at the next open (98.5).
    const exit = s.orders.find((o) => o.id === 'p1:X1');
    expect(exit).toMatchObject({ role: 'exit', quantity: '3', exitReason: 'stop_loss' });
    e.onBar(bar(15, '98.5', '98.5', '95', '95', '10000'));
    s = e.snapshot();
    expect(s.positions).toHaveLength(0);
    expect(s.plans[0]!.status).toBe('closed');
    // Entry 4 x 100 = 400; exits 1 x 99 + 3 x 98.5 = 394.5; pnl -5.5, exit price 394.5 / 4 = 98.625.
    expect(s.trades[0]).toMatchObject({
      quantity: '4',
      pnl: '-5.5',
      exitPrice: '98.625',
      exitReason: 'stop_loss',
    });
  });
});
