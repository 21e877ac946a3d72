// PAPER mode priced by a live venue's market data (venues.md "Modes"): the paper venue fills on quotes. A
// market buy at the ask + slip, a sell at the bid - slip; a limit when the opposite quote reaches it; a
// stop when the last price crosses it. Expectations by hand: slipBps 10 is 0.1 % of the price.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';

const T = Date.parse('2024-03-04T15:00:00Z');
const S = 'BTC/USD';

function paperEngine() {
  const engine = new Engine({
    config: parseConfig({
      pdt: { enabled: false },
      venues: { paper: { slipBps: 10, takerFeeBps: 20, makerFeeBps: 10 } },
      instruments: { [S]: { lot: 0.01, tick: 0.1 } },
    }),
    symbols: [S],
  });
  const quote = (t: number, bid: string, ask: string, last: string) =>
    engine.onQuote({ symbol: S, bid, ask, last, time: T + t });
  return { engine, quote };
}

describe('the paper venue on live quotes', () => {
  it('fills a market buy at the ask + slip on the next quote, then its stop when the last price crosses it', () => {
    const { engine, quote } = paperEngine();
    quote(0, '49990', '50010', '50000');
    engine.submitPlan(
      { id: 'p1', symbol: S, side: 'buy', quantity: 0.1, stopLoss: 49000, takeProfit: 52000 },
      T + 1,
    );
    expect(engine.snapshot().fills).toEqual([]);
    quote(2, '49995', '50005', '50000');
    let s = engine.snapshot();
    // 50005 x 1.001 = 50055.005; taker fee 50055.005 x 0.1 x 0.002 = 10.011001.
    expect(s.fills.map((f) => [f.orderId, f.price, f.quantity, f.fee, f.liquidity])).toEqual([
      ['p1:E1', '50055.005', '0.1', '10.011001', 'taker'],
    ]);
    // The brackets go out at that quote and work from the next one.
    expect(s.orders.filter((o) => o.role !== 'entry').map((o) => [o.id, o.status, o.quantity])).toEqual([
      ['p1:SL1', 'accepted', '0.1'],
      ['p1:TP1', 'accepted', '0.1'],
    ]);
    quote(3, '49010', '49030', '49020'); // last above the stop: nothing
    expect(engine.snapshot().fills).toHaveLength(1);
    quote(4, '48950', '48970', '48990'); // last 48990 <= 49000: the stop sells at the bid - slip
    s = engine.snapshot();
    // 48950 x 0.999 = 48901.05.
    expect(s.fills[1]).toMatchObject({
      orderId: 'p1:SL1',
      price: '48901.05',
      quantity: '0.1',
      liquidity: 'taker',
    });
    expect(s.orders.find((o) => o.id === 'p1:TP1')!.status).toBe('cancelled');
    expect(s.trades.map((t) => t.exitReason)).toEqual(['stop_loss']);
    expect(s.positions).toEqual([]);
  });

  it('fills a limit buy when the ask reaches it, at the ask, as maker', () => {
    const { engine, quote } = paperEngine();
    quote(0, '49990', '50010', '50000');
    engine.submitPlan(
      { id: 'p1', symbol: S, side: 'buy', quantity: 0.1, entry: { type: 'limit', price: 49500 } },
      T + 1,
    );
    quote(2, '49500', '49510', '49505'); // ask above the limit
    expect(engine.snapshot().fills).toEqual([]);
    quote(3, '49480', '49490', '49485');
    // Maker fee 49490 x 0.1 x 0.001 = 4.949.
    expect(engine.snapshot().fills.map((f) => [f.price, f.fee, f.liquidity])).toEqual([
      ['49490', '4.949', 'maker'],
    ]);
    expect(engine.snapshot().account.cash).toBe('95046.051'); // 100000 - 4949 - 4.949
  });

  it('marks positions and triggers conditions on the last price', () => {
    const { engine, quote } = paperEngine();
    quote(0, '49990', '50010', '50000');
    engine.submitPlan(
      { id: 'p1', symbol: S, side: 'buy', quantity: 0.1, condition: { kind: 'price_above', price: 50500 } },
      T + 1,
    );
    quote(2, '50490', '50510', '50500');
    expect(engine.snapshot().plans[0]!.status).toBe('armed');
    quote(3, '50590', '50610', '50600');
    expect(engine.snapshot().plans[0]!.status).toBe('working');
    quote(4, '50690', '50710', '50700');
    const s = engine.snapshot();
    // Bought at 50710 x 1.001 = 50760.71; marked at 50700.
    expect(s.positions[0]).toMatchObject({ quantity: '0.1', avgPrice: '50760.71', markPrice: '50700' });
    expect(s.lastPrices[S]).toBe('50700');
  });
});
