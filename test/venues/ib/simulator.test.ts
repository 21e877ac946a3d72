// The TWS API simulator driven by the REAL @stoqey/ib client (IBApi over a socket): the handshake,
// orders of every kind with their openOrder / orderStatus / execDetails / commissionReport, a native
// bracket, a trailing stop, the kill switch's reqGlobalCancel, fills while nobody listens, the system
// messages as info, IB's refusals (103, 201, 202, 326) and a gateway restart that rolls nextValidId back.
// Every test also checks that @stoqey/ib decoded each message to its last field (no "unprocessed
// data" or underrun): the layouts are version 193's. Prices and commissions are computed by hand.
import { type Contract, type Order, OrderAction, OrderType, SecType, TimeInForce } from '@stoqey/ib';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait.ts';
import { ibClient, type TestClient } from './client.ts';
import { type IbSimOptions, type IbSimulator, startIbSimulator } from './simulator.ts';

const AAPL: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };

let sims: IbSimulator[] = [];
let clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) {
    expect(c.seen.decoding).toEqual([]);
    c.close();
  }
  clients = [];
  for (const s of sims) await s.close();
  sims = [];
});

async function sim(opts: IbSimOptions = {}): Promise<IbSimulator> {
  const s = await startIbSimulator(opts);
  sims.push(s);
  return s;
}

/** A client connected through the handshake (nextValidId received). */
async function connected(s: IbSimulator, clientId = 17): Promise<TestClient> {
  const c = ibClient(s.port, clientId);
  clients.push(c);
  c.connect();
  await waitFor('nextValidId', () => c.seen.nextValidId.length > 0);
  return c;
}

function order(o: Partial<Order> & Pick<Order, 'action' | 'orderType' | 'totalQuantity'>): Order {
  return { tif: TimeInForce.DAY, transmit: true, ...o };
}

function statusesOf(c: TestClient, orderId: number): string[] {
  return c.seen.statuses.filter((s) => s.orderId === orderId).map((s) => s.status);
}

function lastStatus(c: TestClient, orderId: number): string | undefined {
  return statusesOf(c, orderId).at(-1);
}

describe('handshake', () => {
  it('answers the API hello with version 193, then managedAccounts, nextValidId and the farm notices as info', async () => {
    const s = await sim({ nextValidId: 41, accounts: ['DU1234567', 'DU7654321'] });
    const c = await connected(s);
    expect(c.api.serverVersion).toBe(193);
    expect(c.seen.accounts).toEqual(['DU1234567,DU7654321']);
    expect(c.seen.nextValidId).toEqual([41]);
    await waitFor('farm notices', () => c.seen.infos.length >= 3);
    expect(c.seen.infos.map((i) => i.code)).toEqual([2104, 2106, 2158]);
    expect(c.seen.errors).toEqual([]);
    expect(s.clients()).toBe(1);
    expect(s.received()[0]).toEqual({ msgId: 71, fields: ['71', '2', '17', ''] });
  });

  it('answers reqIds and reqCurrentTime from its clock', async () => {
    const s = await sim({ nextValidId: 7, now: () => new Date('2026-12-02T14:30:05Z') });
    const c = await connected(s);
    c.api.reqIds();
    c.api.reqCurrentTime();
    await waitFor('answers', () => c.seen.nextValidId.length === 2 && c.seen.currentTimes.length === 1);
    expect(c.seen.nextValidId).toEqual([7, 7]);
    expect(c.seen.currentTimes).toEqual([Date.UTC(2026, 11, 2, 14, 30, 5) / 1000]);
  });
});

describe('orders', () => {
  it('fills a market order at the scripted price: openOrder, orderStatus (twice), execDetails and its commission', async () => {
    const s = await sim({ nextValidId: 5, prices: { AAPL: 190.25 } });
    const c = await connected(s);
    c.api.placeOrder(
      5,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 10, orderRef: 'braid-1' }),
    );
    await waitFor('commission', () => c.seen.commissions.length === 1);
    const [o] = s.orders();
    expect(o).toMatchObject({
      orderId: 5,
      clientId: 17,
      orderRef: 'braid-1',
      status: 'Filled',
      filled: 10,
      avgFillPrice: 190.25,
    });
    expect(c.seen.execs[0]?.reqId).toBe(-1);
    const exec = c.seen.execs[0]?.exec;
    expect(exec).toMatchObject({
      orderId: 5,
      clientId: 17,
      acctNumber: 'DU1234567',
      side: 'BOT',
      shares: 10,
      price: 190.25,
      orderRef: 'braid-1',
      permId: o?.permId,
    });
    // 10 shares at IB's fixed 0.005 a share is 0.05, below the 1.00 minimum.
    expect(c.seen.commissions[0]).toMatchObject({
      execId: exec?.execId,
      commission: 1,
      currency: 'USD',
      realizedPNL: undefined,
    });
    expect(statusesOf(c, 5)).toEqual(['Submitted', 'Filled', 'Filled']);
    const open = c.seen.openOrders.at(-1);
    expect(open?.order).toMatchObject({
      orderId: 5,
      action: 'BUY',
      totalQuantity: 10,
      orderType: 'MKT',
      orderRef: 'braid-1',
      permId: o?.permId,
      clientId: 17,
    });
    expect(s.placeOrderMessages()).toEqual([{ orderId: 5, clientId: 17 }]);
    expect(s.executions()).toEqual([
      expect.objectContaining({
        orderId: 5,
        side: 'BOT',
        shares: 10,
        price: 190.25,
        commission: 1,
        orderRef: 'braid-1',
      }),
    ]);
  });

  it('works a limit order until the mark reaches it, takes a scripted partial fill, and cancels the rest with 202', async () => {
    const s = await sim({ nextValidId: 1, prices: { AAPL: 190 } });
    const c = await connected(s);
    c.api.placeOrder(
      1,
      AAPL,
      order({
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        lmtPrice: 189.8,
        totalQuantity: 1000,
        orderRef: 'lmt',
      }),
    );
    await waitFor('submitted', () => lastStatus(c, 1) === 'Submitted');
    s.setPrice('AAPL', 189.9);
    s.fill(1, 400, 189.81);
    await waitFor('partial', () => c.seen.statuses.some((x) => x.orderId === 1 && x.filled === 400));
    const partial = c.seen.statuses.find((x) => x.orderId === 1 && x.filled === 400);
    expect(partial).toMatchObject({ status: 'Submitted', remaining: 600, avgFillPrice: 189.81 });
    // 400 × 0.005 = 2.00
    await waitFor('commission', () => c.seen.commissions.length === 1);
    expect(c.seen.commissions[0]?.commission).toBe(2);
    c.api.cancelOrder(1);
    await waitFor('cancelled', () => lastStatus(c, 1) === 'Cancelled');
    expect(c.seen.errors).toContainEqual({ id: 1, code: 202, text: 'Order Canceled - reason:' });
    expect(s.orders()[0]).toMatchObject({ status: 'Cancelled', filled: 400 });
    c.api.cancelOrder(1);
    await waitFor('10148', () => c.seen.errors.find((e) => e.code === 10148));
  });

  it('fills a limit order when the mark reaches it, at the mark when better', async () => {
    const s = await sim({ nextValidId: 1, prices: { AAPL: 190 } });
    const c = await connected(s);
    c.api.placeOrder(
      1,
      AAPL,
      order({ action: OrderAction.SELL, orderType: OrderType.LMT, lmtPrice: 191, totalQuantity: 5 }),
    );
    await waitFor('submitted', () => lastStatus(c, 1) === 'Submitted');
    s.setPrice('AAPL', 190.99);
    s.setPrice('AAPL', 191.2);
    await waitFor('filled', () => lastStatus(c, 1) === 'Filled');
    expect(c.seen.execs.map(({ exec: e }) => [e.side, e.shares, e.price])).toEqual([['SLD', 5, 191.2]]);
  });

  it('holds a stop in PreSubmitted until the mark trades through it, then fills at the mark', async () => {
    const s = await sim({ nextValidId: 3, prices: { AAPL: 190 } });
    const c = await connected(s);
    c.api.placeOrder(
      3,
      AAPL,
      order({
        action: OrderAction.SELL,
        orderType: OrderType.STP,
        auxPrice: 185,
        totalQuantity: 10,
        orderRef: 'stop',
      }),
    );
    await waitFor('presubmitted', () => lastStatus(c, 3) === 'PreSubmitted');
    s.setPrice('AAPL', 185.01);
    expect(s.orders()[0]?.status).toBe('PreSubmitted');
    s.setPrice('AAPL', 184.9);
    await waitFor('commission', () => c.seen.commissions.length === 1);
    expect(statusesOf(c, 3)).toEqual(['PreSubmitted', 'Submitted', 'Filled', 'Filled']);
    expect(c.seen.execs.map(({ exec: e }) => [e.side, e.price])).toEqual([['SLD', 184.9]]);
  });

  it('answers 201 for a scripted rejection and 202 when the broker cancels', async () => {
    const s = await sim({ nextValidId: 1 });
    const c = await connected(s);
    s.rejectNext(
      201,
      'Order rejected - reason:YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY WITH LOAN VALUE [1000.00 USD] MUST EXCEED THE INITIAL MARGIN [19000.00 USD]',
    );
    c.api.placeOrder(
      1,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 100 }),
    );
    await waitFor('201', () => c.seen.errors.find((e) => e.code === 201));
    expect(c.seen.errors[0]?.id).toBe(1);
    expect(s.orders()).toEqual([]);
    c.api.placeOrder(
      2,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 150, totalQuantity: 1 }),
    );
    await waitFor('submitted', () => lastStatus(c, 2) === 'Submitted');
    s.cancelByBroker(2);
    await waitFor('cancelled', () => lastStatus(c, 2) === 'Cancelled');
    expect(c.seen.errors.find((e) => e.code === 202)).toEqual({
      id: 2,
      code: 202,
      text: 'Order Canceled - reason:',
    });
  });
});
