// Time in force and outside-hours through the REAL @stoqey/ib client against the TWS API simulator: what
// Braid asks is what the gateway's placeOrder carries (v193 layout), a modify sends it again unchanged,
// and a native bracket's children rest GTC whatever the entry's time in force.
import { afterEach, describe, expect, it } from 'vitest';
import { createIbVenue, type IbVenue } from '../../src/main/venues/ib/ib-venue.ts';
import { memoryIdStore } from '../../src/main/venues/ib/order-ids.ts';
import { waitFor } from '../helpers/wait.ts';
import { type IbSimulator, startIbSimulator } from './ib/simulator.ts';

let venue: IbVenue | null = null;
let sim: IbSimulator | null = null;

afterEach(async () => {
  await venue?.disconnect();
  await sim?.close();
  venue = null;
  sim = null;
});

async function connected(prices?: Record<string, number>): Promise<{ v: IbVenue; s: IbSimulator }> {
  sim = await startIbSimulator({ nextValidId: 1, ...(prices ? { prices } : {}) });
  venue = createIbVenue({
    host: '127.0.0.1',
    port: sim.port,
    clientId: 23,
    account: 'DU1234567',
    idStore: memoryIdStore(),
  });
  expect((await venue.connect()).ok).toBe(true);
  return { v: venue, s: sim };
}

const byRef = (s: IbSimulator, ref: string) => s.orders().find((o) => o.orderRef === ref);

describe('IB time in force and outsideRth', () => {
  it('IB advertises day orders, outside-hours and native trailing', async () => {
    const { v } = await connected();
    expect(v.capabilities).toMatchObject({ dayOrders: true, outsideRth: true, nativeTrailing: true });
  });

  it('a GTC limit outside regular hours reaches the gateway so, and a price modify keeps both', async () => {
    const { v, s } = await connected();
    const outcome = await v.submit({
      clientOrderId: 'p1:E1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '10',
      price: '180',
      timeInForce: 'GTC',
      outsideRth: true,
    });
    expect(outcome.kind).toBe('accepted');
    expect(byRef(s, 'p1:E1')).toMatchObject({ tif: 'GTC', outsideRth: true, lmtPrice: 180 });
    expect((await v.modify({ clientOrderId: 'p1:E1' }, { price: '181' })).kind).toBe('accepted');
    expect(byRef(s, 'p1:E1')).toMatchObject({ tif: 'GTC', outsideRth: true, lmtPrice: 181 });
  });

  it('no time in force asked: DAY, regular hours only', async () => {
    const { v, s } = await connected();
    await v.submit({
      clientOrderId: 'p2:E1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '5',
      price: '170',
    });
    expect(byRef(s, 'p2:E1')).toMatchObject({ tif: 'DAY', outsideRth: false });
  });

  it("a native bracket: the DAY entry's stop and take-profit rest GTC", async () => {
    const { v, s } = await connected();
    const out = await v.submitBracket({
      entry: {
        clientOrderId: 'p3:E1',
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        quantity: '10',
        price: '180',
      },
      stopLoss: {
        clientOrderId: 'p3:SL1',
        symbol: 'AAPL',
        side: 'sell',
        type: 'stop',
        quantity: '10',
        stopPrice: '175',
      },
      takeProfit: {
        clientOrderId: 'p3:TP1',
        symbol: 'AAPL',
        side: 'sell',
        type: 'limit',
        quantity: '10',
        price: '190',
      },
    });
    expect([out.entry.kind, out.stopLoss.kind, out.takeProfit.kind]).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]);
    expect(byRef(s, 'p3:E1')?.tif).toBe('DAY');
    expect(byRef(s, 'p3:SL1')?.tif).toBe('GTC');
    expect(byRef(s, 'p3:TP1')?.tif).toBe('GTC');
  });

  it('a stop asked trailed at 2% is a TRAIL from its stop price; the trail fills and closes the position', async () => {
    const { v, s } = await connected({ AAPL: 180 });
    const fills: string[] = [];
    v.onEvent((e) => {
      if (e.type === 'fill')
        fills.push(`${e.fill.clientOrderId} ${e.fill.side} ${e.fill.quantity}@${e.fill.price}`);
    });
    await v.submit({ clientOrderId: 'p4:E1', symbol: 'AAPL', side: 'buy', type: 'market', quantity: '10' });
    await waitFor('the entry filled', () => fills.length === 1);
    const out = await v.submit({
      clientOrderId: 'p4:SL1',
      symbol: 'AAPL',
      side: 'sell',
      type: 'stop',
      quantity: '10',
      stopPrice: '177',
      trailingPercent: '2',
      timeInForce: 'GTC',
    });
    expect(out.kind).toBe('accepted');
    // 180 x 0.98 = 176.4 is below the 177 asked: the stop stays where Braid put it.
    expect(byRef(s, 'p4:SL1')).toMatchObject({ orderType: 'TRAIL', trailingPercent: 2, trailStopPrice: 177 });
    s.setPrice('AAPL', 185); // 185 x 0.98 = 181.3
    expect(byRef(s, 'p4:SL1')?.trailStopPrice).toBeCloseTo(181.3, 9);
    s.setPrice('AAPL', 181);
    await waitFor('the trail filled', () => fills.length === 2);
    expect(fills).toEqual(['p4:E1 buy 10@180', 'p4:SL1 sell 10@181']);
    await waitFor('flat at IB', async () => {
      const p = await v.positions();
      return p.ok && p.value.every((x) => x.symbol !== 'AAPL' || Number(x.quantity) === 0);
    });
  });
});
