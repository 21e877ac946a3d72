// The TWS API simulator driven by the REAL @stoqey/ib client (IBApi over a socket): the handshake,
// orders of every kind with their openOrder / orderStatus / execDetails / commissionReport, a native
// bracket, a trailing stop, the kill switch's reqGlobalCancel, fills while nobody listens, the system
// messages as info, IB's refusals (103, 201, 202, 326) and a gateway restart that rolls nextValidId back.
// Every test also checks that @stoqey/ib decoded each message to its last field (no "unprocessed
// data" or underrun): the layouts are version 193's. Prices and commissions are computed by hand.
import {
  ConjunctionConnection,
  type Contract,
  IBApiNext,
  type Order,
  OrderAction,
  OrderType,
  PriceCondition,
  SecType,
  TimeCondition,
  TimeInForce,
  TriggerMethod,
} from '@stoqey/ib';
import { firstValueFrom } from 'rxjs';
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
    expect(s.received()[0]).toMatchObject({ msgId: 71, fields: ['71', '2', '17', ''] });
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
    // The rejected id is spent: sending it again is a duplicate.
    c.api.placeOrder(1, AAPL, order({ action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1 }));
    await waitFor('103', () => c.seen.errors.find((e) => e.code === 103));
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

describe('brackets and trailing stops', () => {
  it('holds a bracket until its last leg is transmitted, works the children once the parent fills, and OCA cancels the stop', async () => {
    const s = await sim({ nextValidId: 10, prices: { AAPL: 190 } });
    const c = await connected(s);
    const leg = { ocaGroup: 'braid-oca-1', ocaType: 1, tif: TimeInForce.GTC };
    c.api.placeOrder(
      10,
      AAPL,
      order({
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        lmtPrice: 189,
        totalQuantity: 100,
        orderRef: 'entry',
        transmit: false,
        tif: TimeInForce.GTC,
      }),
    );
    c.api.placeOrder(
      11,
      AAPL,
      order({
        action: OrderAction.SELL,
        orderType: OrderType.LMT,
        lmtPrice: 195,
        totalQuantity: 100,
        parentId: 10,
        orderRef: 'tp',
        transmit: false,
        ...leg,
      }),
    );
    await waitFor('two held', () => s.orders().length === 2);
    expect(s.orders().map((o) => [o.orderId, o.status, o.transmit])).toEqual([
      [10, 'PendingSubmit', false],
      [11, 'PendingSubmit', false],
    ]);
    expect(c.seen.log).toEqual([]);
    c.api.placeOrder(
      12,
      AAPL,
      order({
        action: OrderAction.SELL,
        orderType: OrderType.STP,
        auxPrice: 185,
        totalQuantity: 100,
        parentId: 10,
        orderRef: 'sl',
        transmit: true,
        ...leg,
      }),
    );
    await waitFor('all three reported', () => lastStatus(c, 10) && lastStatus(c, 11) && lastStatus(c, 12));
    expect([lastStatus(c, 10), lastStatus(c, 11), lastStatus(c, 12)]).toEqual([
      'Submitted',
      'PreSubmitted',
      'PreSubmitted',
    ]);
    expect(c.seen.statuses.find((x) => x.orderId === 12)?.parentId).toBe(10);
    expect(c.seen.openOrders.find((x) => x.orderId === 11)?.order).toMatchObject({
      parentId: 10,
      ocaGroup: 'braid-oca-1',
      tif: 'GTC',
    });

    // A child does not work before its parent fills: the stop is not triggered by a fall now.
    s.setPrice('AAPL', 189.5);
    s.setPrice('AAPL', 189);
    await waitFor('entry filled', () => c.seen.commissions.length === 1);
    expect(s.orders().map((o) => [o.orderId, o.status])).toEqual([
      [10, 'Filled'],
      [11, 'Submitted'],
      [12, 'PreSubmitted'],
    ]);
    // 100 × 0.005 = 0.50, so IB's 1.00 minimum.
    expect(c.seen.commissions[0]?.commission).toBe(1);

    s.setPrice('AAPL', 195.3);
    await waitFor('stop cancelled', () => lastStatus(c, 12) === 'Cancelled');
    expect(lastStatus(c, 11)).toBe('Filled');
    expect(c.seen.execs.map(({ exec: e }) => [e.orderId, e.side, e.shares, e.price])).toEqual([
      [10, 'BOT', 100, 189],
      [11, 'SLD', 100, 195.3],
    ]);
    // OCA cancels without a 202: that notice answers a cancel request.
    expect(c.seen.errors.filter((e) => e.code === 202)).toEqual([]);
  });

  it('cancels the children with their parent', async () => {
    const s = await sim({ nextValidId: 1 });
    const c = await connected(s);
    c.api.placeOrder(
      1,
      AAPL,
      order({
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        lmtPrice: 180,
        totalQuantity: 10,
        transmit: false,
      }),
    );
    c.api.placeOrder(
      2,
      AAPL,
      order({
        action: OrderAction.SELL,
        orderType: OrderType.STP,
        auxPrice: 175,
        totalQuantity: 10,
        parentId: 1,
      }),
    );
    await waitFor('working', () => lastStatus(c, 2) === 'PreSubmitted');
    c.api.cancelOrder(1);
    await waitFor(
      'both cancelled',
      () => lastStatus(c, 1) === 'Cancelled' && lastStatus(c, 2) === 'Cancelled',
    );
    expect(s.orders().map((o) => o.status)).toEqual(['Cancelled', 'Cancelled']);
  });

  it('trails a sell stop by an amount and a buy stop by a percentage, never backwards', async () => {
    const s = await sim({ nextValidId: 20, prices: { AAPL: 190 } });
    const c = await connected(s);
    c.api.placeOrder(
      20,
      AAPL,
      order({ action: OrderAction.SELL, orderType: OrderType.TRAIL, auxPrice: 2, totalQuantity: 10 }),
    );
    await waitFor('sell trail', () => lastStatus(c, 20) === 'PreSubmitted');
    // The stop starts at 190 − 2 = 188 (openOrder carries it as trailStopPrice).
    expect(c.seen.openOrders.find((x) => x.orderId === 20)?.order.trailStopPrice).toBe(188);
    s.setPrice('AAPL', 193); // stop 191
    s.setPrice('AAPL', 192); // stays 191
    s.setPrice('AAPL', 191.01);
    expect(s.orders()[0]?.status).toBe('PreSubmitted');
    s.setPrice('AAPL', 190.9); // through 191
    await waitFor('sell trail filled', () => c.seen.commissions.length === 1);
    expect(c.seen.execs.map(({ exec: e }) => [e.orderId, e.side, e.price])).toEqual([[20, 'SLD', 190.9]]);

    c.api.placeOrder(
      21,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.TRAIL, trailingPercent: 1, totalQuantity: 10 }),
    );
    await waitFor('buy trail', () => lastStatus(c, 21) === 'PreSubmitted');
    // 1 % of 190.90 is 1.909, rounded to the cent: 1.91, so the stop is 192.81.
    expect(c.seen.openOrders.find((x) => x.orderId === 21)?.order).toMatchObject({
      trailingPercent: 1,
      trailStopPrice: 192.81,
    });
    s.setPrice('AAPL', 188); // 188 + 1.88 = 189.88
    s.setPrice('AAPL', 189.87);
    expect(s.orders()[1]?.status).toBe('PreSubmitted');
    s.setPrice('AAPL', 189.88);
    await waitFor('buy trail filled', () => c.seen.commissions.length === 2);
    expect(c.seen.execs.map(({ exec: e }) => [e.orderId, e.side, e.price])).toEqual([
      [20, 'SLD', 190.9],
      [21, 'BOT', 189.88],
    ]);
  });
});

describe('kill switch and recovery', () => {
  it('cancels every working order of the account on reqGlobalCancel, whichever client placed it', async () => {
    const s = await sim({ nextValidId: 1 });
    const braid = await connected(s, 17);
    const other = await connected(s, 3);
    braid.api.placeOrder(
      1,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 150, totalQuantity: 5 }),
    );
    other.api.placeOrder(
      1,
      AAPL,
      order({ action: OrderAction.SELL, orderType: OrderType.LMT, lmtPrice: 250, totalQuantity: 5 }),
    );
    await waitFor(
      'both working',
      () => lastStatus(braid, 1) === 'Submitted' && lastStatus(other, 1) === 'Submitted',
    );
    braid.api.reqGlobalCancel();
    await waitFor(
      'both cancelled',
      () => lastStatus(braid, 1) === 'Cancelled' && lastStatus(other, 1) === 'Cancelled',
    );
    expect(s.orders().map((o) => [o.clientId, o.status])).toEqual([
      [17, 'Cancelled'],
      [3, 'Cancelled'],
    ]);
    expect(s.received().find((m) => m.msgId === 58)?.fields).toEqual(['58', '', '2147483647']);
  });

  it('keeps a fill made while Braid was away for reqExecutions, filtered by time, with its commission', async () => {
    let now = new Date('2026-12-02T15:00:00Z');
    const s = await sim({ nextValidId: 1, now: () => now });
    const first = await connected(s);
    first.api.placeOrder(
      1,
      AAPL,
      order({
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        lmtPrice: 189,
        totalQuantity: 10,
        orderRef: 'away',
      }),
    );
    await waitFor('working', () => lastStatus(first, 1) === 'Submitted');
    first.close();
    await waitFor('client gone', () => s.clients() === 0);
    now = new Date('2026-12-02T15:10:00Z');
    s.fill(1, 4, 188.5);
    s.fill(1);
    const back = await connected(s);
    // The order still works at reconnection? No: it filled; reqOpenOrders shows nothing, executions show both.
    back.api.reqOpenOrders();
    back.api.reqExecutions(7, { time: '20261202-15:05:00' });
    await waitFor('executions', () => back.seen.execEnds.includes(7) && back.seen.commissions.length === 2);
    expect(back.seen.openOrderEnds).toBe(1);
    expect(back.seen.openOrders).toEqual([]);
    expect(
      back.seen.execs.map(({ reqId, exec: e }) => [reqId, e.orderId, e.shares, e.price, e.orderRef, e.time]),
    ).toEqual([
      [7, 1, 4, 188.5, 'away', '20261202 15:10:00 UTC'],
      [7, 1, 6, 189, 'away', '20261202 15:10:00 UTC'],
    ]);
    expect(back.seen.commissions.map((r) => r.execId)).toEqual(
      back.seen.execs.map(({ exec: e }) => e.execId),
    );
    const filter = s.received().find((m) => m.msgId === 7)?.fields;
    expect(filter).toEqual(['7', '3', '7', '', '', '20261202-15:05:00', '', '', '', '']);

    back.api.reqExecutions(8, { time: '20261202-15:10:01' });
    await waitFor('later filter', () => back.seen.execEnds.includes(8));
    expect(back.seen.execs.filter((e) => e.reqId === 8)).toEqual([]);
  });

  it('sends 1100 and 1102 (and 1101) as info, and drops order events during the outage', async () => {
    const s = await sim({ nextValidId: 1 });
    const c = await connected(s);
    c.api.placeOrder(
      1,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 189, totalQuantity: 10 }),
    );
    await waitFor('working', () => lastStatus(c, 1) === 'Submitted');
    s.connectivityLost();
    await waitFor('1100', () => c.seen.infos.find((i) => i.code === 1100));
    s.fill(1);
    s.connectivityRestored(false);
    await waitFor('1102', () => c.seen.infos.find((i) => i.code === 1102));
    expect(c.seen.execs).toEqual([]);
    expect(lastStatus(c, 1)).toBe('Submitted');
    expect(s.orders()[0]?.status).toBe('Filled');
    s.connectivityLost();
    s.connectivityRestored(true);
    await waitFor('1101', () => c.seen.infos.find((i) => i.code === 1101));
    expect(c.seen.infos.filter((i) => i.code >= 1100 && i.code <= 1102).map((i) => [i.code, i.text])).toEqual(
      [
        [1100, 'Connectivity between IB and Trader Workstation has been lost.'],
        [1102, 'Connectivity between IB and Trader Workstation has been restored - data maintained.'],
        [1100, 'Connectivity between IB and Trader Workstation has been lost.'],
        [1101, 'Connectivity between IB and Trader Workstation has been restored - data lost.'],
      ],
    );
    expect(c.seen.errors).toEqual([]);
    c.api.reqExecutions(1, {});
    await waitFor('recovered fill', () => c.seen.execs.length === 1);
  });

  it('answers 103 for an id at or below one already used, and lets a working order be modified by its id', async () => {
    const s = await sim({ nextValidId: 5 });
    const c = await connected(s);
    c.api.placeOrder(5, AAPL, order({ action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1 }));
    await waitFor('filled', () => lastStatus(c, 5) === 'Filled');
    c.api.placeOrder(5, AAPL, order({ action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1 }));
    c.api.placeOrder(
      8,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 150, totalQuantity: 1 }),
    );
    c.api.placeOrder(7, AAPL, order({ action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1 }));
    await waitFor('two 103', () => c.seen.errors.filter((e) => e.code === 103).length === 2);
    expect(c.seen.errors.filter((e) => e.code === 103)).toEqual([
      { id: 5, code: 103, text: 'Duplicate order id' },
      { id: 7, code: 103, text: 'Duplicate order id' },
    ]);
    c.api.placeOrder(
      8,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 151, totalQuantity: 2 }),
    );
    await waitFor('modified', () =>
      c.seen.openOrders.some((x) => x.orderId === 8 && x.order.lmtPrice === 151),
    );
    expect(s.orders().map((o) => [o.orderId, o.status, o.lmtPrice, o.totalQuantity])).toEqual([
      [5, 'Filled', undefined, 1],
      [8, 'Submitted', 151, 2],
    ]);
    expect(s.placeOrderMessages().map((m) => m.orderId)).toEqual([5, 5, 8, 7, 8]);
  });

  it('refuses a second client with a clientId in use (326, as info since its id is -1) and closes it', async () => {
    const s = await sim();
    await connected(s, 17);
    const twin = ibClient(s.port, 17);
    clients.push(twin);
    twin.connect();
    await waitFor('326', () => twin.seen.infos.find((i) => i.code === 326));
    await waitFor('closed', () => twin.seen.disconnects === 1);
    expect(twin.seen.nextValidId).toEqual([]);
    expect(s.clients()).toBe(1);
  });

  it('restarts: clients dropped, connects refused while down, back with nextValidId rolled back; orders and fills kept', async () => {
    const s = await sim({ nextValidId: 38099 });
    const c = await connected(s);
    for (const id of [38099, 38100, 38101, 38102]) {
      c.api.placeOrder(
        id,
        AAPL,
        order({
          action: OrderAction.BUY,
          orderType: OrderType.LMT,
          lmtPrice: 100 + id - 38099,
          totalQuantity: 1,
          orderRef: `o${id}`,
        }),
      );
    }
    await waitFor('four working', () => lastStatus(c, 38102) === 'Submitted');
    s.fill(38099);
    await waitFor('fill seen', () => c.seen.execs.length === 1);
    let up: () => void = () => {};
    const downUntil = new Promise<void>((r) => {
      up = r;
    });
    const restarted = s.restartGateway({ nextValidId: 38099, downUntil });
    await waitFor('dropped', () => c.seen.disconnects === 1);
    expect(s.clients()).toBe(0);

    const early = ibClient(s.port, 17);
    clients.push(early);
    early.connect();
    await waitFor('refused', () => early.seen.disconnects === 1 || early.seen.errors.length > 0);
    expect(early.seen.nextValidId).toEqual([]);

    up();
    await restarted;
    const back = await connected(s);
    expect(back.seen.nextValidId).toEqual([38099]);
    // Its working orders come back at connection, as TWS sends them.
    await waitFor('open orders replayed', () => back.seen.openOrders.length === 3);
    expect(back.seen.openOrders.map((x) => [x.orderId, x.order.orderRef])).toEqual([
      [38100, 'o38100'],
      [38101, 'o38101'],
      [38102, 'o38102'],
    ]);
    back.api.placeOrder(
      38099,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1 }),
    );
    await waitFor('103', () => back.seen.errors.find((e) => e.code === 103));
    back.api.placeOrder(
      38103,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1 }),
    );
    await waitFor('new id fills', () => lastStatus(back, 38103) === 'Filled');
    expect(s.executions().map((e) => e.orderId)).toEqual([38099, 38103]);
  });
});

describe('account, positions, contract details and market data', () => {
  it('answers reqAccountSummary with the tags asked for (DayTradesRemaining without a currency) and pushes changes', async () => {
    const s = await sim();
    const c = await connected(s);
    c.api.reqAccountSummary(9001, 'All', 'NetLiquidation,EquityWithLoanValue,BuyingPower,DayTradesRemaining');
    await waitFor('summary end', () => c.seen.summaryEnds.includes(9001));
    expect(c.seen.summaries.map((x) => [x.reqId, x.account, x.tag, x.value, x.currency])).toEqual([
      [9001, 'DU1234567', 'NetLiquidation', '100000.00', 'USD'],
      [9001, 'DU1234567', 'EquityWithLoanValue', '100000.00', 'USD'],
      [9001, 'DU1234567', 'BuyingPower', '400000.00', 'USD'],
      [9001, 'DU1234567', 'DayTradesRemaining', '3', ''],
    ]);
    s.setAccountSummary({ DayTradesRemaining: '1', NetLiquidation: '24000.00', TotalCashValue: '24000.00' });
    await waitFor('update', () => c.seen.summaries.length === 6);
    expect(c.seen.summaries.slice(4).map((x) => [x.tag, x.value])).toEqual([
      ['DayTradesRemaining', '1'],
      ['NetLiquidation', '24000.00'],
    ]);
  });

  it('reports positions from fills and from the script, then positionEnd, and pushes changes to a subscriber', async () => {
    const s = await sim({ nextValidId: 1, prices: { AAPL: 190, MSFT: 420 } });
    const c = await connected(s);
    s.setPosition('DU1234567', 'MSFT', 20, 410.5);
    c.api.placeOrder(
      1,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 10 }),
    );
    c.api.placeOrder(
      2,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 200, totalQuantity: 30 }),
    );
    await waitFor('fills', () => c.seen.commissions.length === 2);
    c.api.reqPositions();
    await waitFor('positions', () => c.seen.positionEnds === 1);
    // 10 at 190 then 30 at 190 (the limit 200 fills at the better mark): 40 at 190.
    expect(c.seen.positions).toEqual([
      { account: 'DU1234567', symbol: 'MSFT', pos: 20, avgCost: 410.5 },
      { account: 'DU1234567', symbol: 'AAPL', pos: 40, avgCost: 190 },
    ]);
    s.setPrice('AAPL', 200);
    c.api.placeOrder(
      3,
      AAPL,
      order({ action: OrderAction.SELL, orderType: OrderType.MKT, totalQuantity: 15 }),
    );
    await waitFor('pushed', () => c.seen.positions.length === 3);
    // Selling part of a long keeps its average cost.
    expect(c.seen.positions[2]).toEqual({ account: 'DU1234567', symbol: 'AAPL', pos: 25, avgCost: 190 });
  });

  it('gives AAPL STK SMART USD contract details with minTick 0.01, and 200 for an unknown symbol', async () => {
    const s = await sim();
    const c = await connected(s);
    c.api.reqContractDetails(5, AAPL);
    c.api.reqContractDetails(6, { symbol: 'NOPE', secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
    await waitFor('details', () => c.seen.contractEnds.includes(5) && c.seen.errors.some((e) => e.id === 6));
    const [d] = c.seen.contracts;
    expect(d?.reqId).toBe(5);
    expect(d?.details.minTick).toBe(0.01);
    expect(d?.details.contract).toMatchObject({
      symbol: 'AAPL',
      secType: 'STK',
      exchange: 'SMART',
      currency: 'USD',
      conId: 265598,
      primaryExch: 'NASDAQ',
    });
    expect(d?.details.longName).toBe('APPLE INC');
    expect(c.seen.errors.find((e) => e.id === 6)).toEqual({
      id: 6,
      code: 200,
      text: 'No security definition has been found for the request',
    });
  });

  it('streams delayed ticks after reqMarketDataType(3) and pushes each setPrice to the subscriber', async () => {
    const s = await sim({ prices: { AAPL: 190 } });
    const c = await connected(s);
    c.api.reqMarketDataType(3);
    c.api.reqMktData(44, AAPL, '', false, false);
    await waitFor('delayed last', () => c.seen.ticks.some((t) => t.tickType === 68 && t.kind === 'price'));
    expect(c.seen.marketDataTypes).toEqual([{ reqId: 44, type: 3 }]);
    expect(c.seen.errors.map((e) => e.code)).toEqual([10167]);
    const prices = () => c.seen.ticks.filter((t) => t.kind === 'price').map((t) => [t.tickType, t.value]);
    expect(prices()).toEqual([
      [66, 189.99],
      [67, 190.01],
      [68, 190],
    ]);
    s.setPrice('AAPL', 191.5);
    await waitFor('pushed', () => prices().length === 6);
    expect(prices().slice(3)).toEqual([
      [66, 191.49],
      [67, 191.51],
      [68, 191.5],
    ]);
    c.api.cancelMktData(44);
    await waitFor('cancel received', () => s.received().some((m) => m.msgId === 2));
    s.setPrice('AAPL', 192);
    c.api.reqCurrentTime();
    await waitFor('round trip', () => c.seen.currentTimes.length === 1);
    expect(prices().length).toBe(6);
  });

  it('gives live ticks (BID, ASK, LAST with their sizes) by default, and a snapshot ends with tickSnapshotEnd', async () => {
    const s = await sim({ prices: { AAPL: 190 } });
    const c = await connected(s);
    c.api.reqMktData(1, AAPL, '', false, false);
    // @stoqey/ib 1.6.10 drops the size that follows BID: its TickType BID_SIZE is 0, which it tests as false.
    await waitFor('five ticks', () => c.seen.ticks.length === 5);
    expect(c.seen.ticks.map((t) => [t.kind, t.tickType, t.value])).toEqual([
      ['price', 1, 189.99],
      ['price', 2, 190.01],
      ['size', 3, 200],
      ['price', 4, 190],
      ['size', 5, 100],
    ]);
    expect(c.seen.marketDataTypes).toEqual([]);
    c.api.reqMktData(2, AAPL, '', true, false);
    await waitFor('snapshot', () => c.seen.snapshotEnds.includes(2));
    expect(c.seen.ticks.length).toBe(10);
    s.setPrice('AAPL', 191);
    await waitFor('only the stream moves', () => c.seen.ticks.length === 15);
    expect(new Set(c.seen.ticks.slice(10).map((t) => t.reqId))).toEqual(new Set([1]));
  });

  it('serves IBApiNext too: next id, contract details and account summary through its observables', async () => {
    const s = await sim({ nextValidId: 12 });
    const next = new IBApiNext({ host: '127.0.0.1', port: s.port });
    try {
      next.connect(23);
      await waitFor('connected', () => next.isConnected);
      expect(await next.getNextValidOrderId()).toBe(12);
      const details = await next.getContractDetails(AAPL);
      expect(details.map((d) => [d.contract.symbol, d.minTick])).toEqual([['AAPL', 0.01]]);
      const summary = await firstValueFrom(next.getAccountSummary('All', 'DayTradesRemaining'));
      expect(summary.all.get('DU1234567')?.get('DayTradesRemaining')?.get('')?.value).toBe('3');
    } finally {
      next.disconnect();
    }
  });
});

describe('event order scripts', () => {
  it('holds commission reports back until released, and sends execDetails after the status when asked', async () => {
    const s = await sim({ nextValidId: 1 });
    const c = await connected(s);
    s.delayCommissionReports(true);
    s.delayExecDetailsAfterStatus(true);
    c.api.placeOrder(1, AAPL, order({ action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1 }));
    await waitFor('exec', () => c.seen.execs.length === 1);
    const execId = c.seen.execs[0]?.exec.execId ?? '';
    expect(c.seen.log).toEqual([
      'open 1 Submitted',
      'status 1 Submitted',
      'status 1 Filled',
      'open 1 Filled',
      'status 1 Filled',
      `exec 1 ${execId}`,
    ]);
    s.delayCommissionReports(false);
    await waitFor('commission', () => c.seen.commissions.length === 1);
    expect(c.seen.log.at(-1)).toBe(`commission ${execId}`);

    s.delayExecDetailsAfterStatus(false);
    c.api.placeOrder(2, AAPL, order({ action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1 }));
    await waitFor('second commission', () => c.seen.commissions.length === 2);
    const second = c.seen.log.slice(c.seen.log.indexOf('status 2 Submitted') + 1);
    expect(second[0]).toMatch(/^exec 2 /);
    expect(second.at(-1)).toMatch(/^commission /);
  });

  it('treats an order sent without transmit as held, as TWS does with an empty transmit field', async () => {
    const s = await sim({ nextValidId: 1 });
    const c = await connected(s);
    c.api.placeOrder(1, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1 });
    c.api.reqCurrentTime();
    await waitFor('round trip', () => c.seen.currentTimes.length === 1);
    expect(s.orders().map((o) => [o.status, o.transmit])).toEqual([['PendingSubmit', false]]);
    expect(s.received().find((m) => m.msgId === 3)?.fields.length).toBeGreaterThan(100);
  });

  it('drops every client socket on dropConnections and takes them back afterwards', async () => {
    const s = await sim();
    const a = await connected(s, 1);
    const b = await connected(s, 2);
    expect(s.clients()).toBe(2);
    s.dropConnections();
    await waitFor('both dropped', () => a.seen.disconnects === 1 && b.seen.disconnects === 1);
    expect(s.clients()).toBe(0);
    const again = await connected(s, 1);
    expect(again.seen.nextValidId).toEqual([1]);
    expect(s.clients()).toBe(1);
  });
});

describe('placeOrder decoding and late fills', () => {
  it('decodes every field of an order with an algo, conditions and a good-till date (nothing left over, no 320)', async () => {
    const s = await sim({ nextValidId: 1 });
    const c = await connected(s);
    c.api.placeOrder(
      1,
      AAPL,
      order({
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        lmtPrice: 188.5,
        totalQuantity: 3,
        tif: TimeInForce.GTD,
        goodTillDate: '20261203 16:00:00 US/Eastern',
        outsideRth: true,
        account: 'DU1234567',
        algoStrategy: 'Adaptive',
        algoParams: [{ tag: 'adaptivePriority', value: 'Normal' }],
        conditions: [
          new PriceCondition(200, TriggerMethod.Default, 265598, 'SMART', true, ConjunctionConnection.AND),
          new TimeCondition('20261203 10:00:00 US/Eastern', true, ConjunctionConnection.OR),
        ],
        orderRef: 'exotic',
      }),
    );
    await waitFor('working', () => lastStatus(c, 1) === 'Submitted');
    expect(c.seen.errors).toEqual([]);
    expect(s.orders()[0]).toMatchObject({
      orderRef: 'exotic',
      tif: 'GTD',
      outsideRth: true,
      lmtPrice: 188.5,
      totalQuantity: 3,
    });
  });

  it('books a late fill after a cancel: the order stays Cancelled and the execution is reported', async () => {
    const s = await sim({ nextValidId: 1 });
    const c = await connected(s);
    c.api.placeOrder(
      1,
      AAPL,
      order({ action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 189, totalQuantity: 10 }),
    );
    await waitFor('working', () => lastStatus(c, 1) === 'Submitted');
    c.api.cancelOrder(1);
    await waitFor('cancelled', () => lastStatus(c, 1) === 'Cancelled');
    s.fill(1, 10, 188.95);
    await waitFor('late commission', () => c.seen.commissions.length === 1);
    expect(c.seen.execs.map(({ exec: e }) => [e.orderId, e.shares, e.price])).toEqual([[1, 10, 188.95]]);
    expect(c.seen.statuses.at(-1)).toMatchObject({
      orderId: 1,
      status: 'Cancelled',
      filled: 10,
      remaining: 0,
    });
    expect(s.orders()[0]).toMatchObject({ status: 'Cancelled', filled: 10, avgFillPrice: 188.95 });
  });
});

describe('other clients and versions', () => {
  it("lists another client's working orders on reqAllOpenOrders but only its own on reqOpenOrders", async () => {
    const s = await sim({ nextValidId: 1 });
    const braid = await connected(s, 17);
    const other = await connected(s, 3);
    other.api.placeOrder(
      4,
      AAPL,
      order({
        action: OrderAction.SELL,
        orderType: OrderType.LMT,
        lmtPrice: 250,
        totalQuantity: 2,
        orderRef: 'theirs',
      }),
    );
    braid.api.placeOrder(
      1,
      AAPL,
      order({
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        lmtPrice: 150,
        totalQuantity: 1,
        orderRef: 'ours',
      }),
    );
    await waitFor(
      'both working',
      () => lastStatus(other, 4) === 'Submitted' && lastStatus(braid, 1) === 'Submitted',
    );
    braid.seen.openOrders.length = 0;
    braid.api.reqOpenOrders();
    await waitFor('own end', () => braid.seen.openOrderEnds === 1);
    expect(braid.seen.openOrders.map((x) => x.order.orderRef)).toEqual(['ours']);
    braid.api.reqAllOpenOrders();
    await waitFor('all end', () => braid.seen.openOrderEnds === 2);
    expect(
      braid.seen.openOrders.slice(1).map((x) => [x.orderId, x.order.clientId, x.order.orderRef]),
    ).toEqual([
      [4, 3, 'theirs'],
      [1, 17, 'ours'],
    ]);
    // Their fills are not ours to hear.
    s.fill(4);
    await waitFor('their fill', () => other.seen.commissions.length === 1);
    braid.api.reqCurrentTime();
    await waitFor('round trip', () => braid.seen.currentTimes.length === 1);
    expect(braid.seen.execs).toEqual([]);
  });

  it('answers with the configured server version, which @stoqey/ib refuses outside 100..193', async () => {
    const s = await sim({ serverVersion: 200 });
    const c = ibClient(s.port, 17);
    clients.push(c);
    c.connect();
    await waitFor('refused', () => c.seen.errors.find((e) => e.text.includes('Unsupported Version')));
    expect(c.seen.nextValidId).toEqual([]);
    expect(s.clients()).toBe(0);
  });
});
