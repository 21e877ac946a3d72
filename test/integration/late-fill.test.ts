// A live venue can fill an order before it sees our cancel; the fill then arrives after the cancel was
// confirmed. It is real money: the engine must apply it, not drop it. The paper venue cancels at once, so a
// scripted venue (a stub that reports what the test tells it to) stands in for a live one here.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';
import type { CheckpointedVenue, VenueEvent, VenueOrder } from '../../src/main/engine/venues/venue.ts';

class ScriptedVenue implements CheckpointedVenue {
  readonly name = 'scripted';
  readonly submitted: VenueOrder[] = [];
  readonly cancelRequests: string[] = [];
  private listener: ((e: VenueEvent) => void) | null = null;
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  submit(order: VenueOrder, now: number): void {
    this.submitted.push(order);
    this.report({ type: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: 'V1', time: now });
  }
  cancel(clientOrderId: string): void {
    this.cancelRequests.push(clientOrderId); // confirmed later, by the test
  }
  amend(): void {}
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
    this.listener = listener;
    return () => {
      this.listener = null;
    };
  }
  report(e: VenueEvent): void {
    this.listener?.(e);
  }
  state(): unknown {
    return null;
  }
  restore(): void {}
}

const T = Date.parse('2024-03-04T15:00:00Z');

describe('late fills', () => {
  it('applies a fill that arrives after the cancel was confirmed: position, cash and order all show it', () => {
    const venue = new ScriptedVenue();
    const engine = new Engine({ config: parseConfig({ pdt: { enabled: false } }), symbols: ['AAA'], venue });
    engine.onBar({ time: T, symbol: 'AAA', open: '50', high: '50', low: '50', close: '50', volume: '1000' });
    engine.submitPlan(
      { id: 'p1', symbol: 'AAA', side: 'buy', entry: { type: 'limit', price: 49 }, quantity: 10 },
      T + 1,
    );
    expect(venue.submitted.map((o) => o.clientOrderId)).toEqual(['p1:E1']);
    expect(engine.cancelPlan('p1', T + 2).ok).toBe(true);
    expect(venue.cancelRequests).toEqual(['p1:E1']);
    venue.report({ type: 'cancelled', clientOrderId: 'p1:E1', reason: 'user', time: T + 3 });
    expect(engine.snapshot().orders[0]!.status).toBe('cancelled');
    // The venue had filled 10 at 49 before it processed the cancel; the report comes late.
    venue.report({
      type: 'filled',
      clientOrderId: 'p1:E1',
      time: T + 4,
      price: '49',
      quantity: '10',
      fee: '0.5',
      liquidity: 'maker',
    });
    const s = engine.snapshot();
    expect(s.orders[0]).toMatchObject({ status: 'filled', filledQuantity: '10', avgFillPrice: '49' });
    expect(s.fills).toHaveLength(1);
    expect(s.positions).toEqual([expect.objectContaining({ symbol: 'AAA', side: 'long', quantity: '10' })]);
    expect(s.account.cash).toBe('99509.5'); // 100000 - 10 x 49 - 0.5
    expect(s.plans[0]!.status).toBe('open'); // the cancelled plan trades again: it holds a position
    // The position is the operator's to manage: closing it sends a market exit to the venue.
    expect(engine.closePosition('AAA', T + 5).ok).toBe(true);
    expect(venue.submitted.map((o) => o.clientOrderId)).toEqual(['p1:E1', 'p1:X1']);
    venue.report({
      type: 'filled',
      clientOrderId: 'p1:X1',
      time: T + 6,
      price: '50',
      quantity: '10',
      fee: '0.5',
      liquidity: 'taker',
    });
    const done = engine.snapshot();
    expect(done.positions).toHaveLength(0);
    expect(done.plans[0]!.status).toBe('closed');
    expect(done.trades[0]).toMatchObject({ pnl: '9', exitReason: 'close' }); // (50 - 49) x 10 - 0.5 - 0.5
  });
});
