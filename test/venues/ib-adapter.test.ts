// Braid's IB adapter (src/main/venues/ib) through the REAL @stoqey/ib client against the TWS API
// simulator (test/venues/ib/simulator.ts) on 127.0.0.1: market, limit and stop orders, a partial fill,
// a fill, cancel, a late fill after a cancel, a native bracket (parent and two children, the exits in one
// OCA group, transmit on the last only), a trailing stop, the kill switch's reqGlobalCancel, and the
// broker's own day-trade count. Commissions are the simulator's: max(1.00, 0.005 a share).
import { afterEach, describe, expect, it } from 'vitest';
import { realTimers, type Timers } from '../../src/main/venues/backoff.ts';
import {
  createIbVenue,
  type IbVenue,
  type IbVenueOptions,
  NO_DEAD_MAN,
} from '../../src/main/venues/ib/ib-venue.ts';
import { memoryIdStore } from '../../src/main/venues/ib/order-ids.ts';
import { Pacing } from '../../src/main/venues/ib/pacing.ts';
import type { VenueEvent, VenueFill, VenueOrderReport } from '../../src/main/venues/venue.ts';
import { waitFor } from '../helpers/wait.ts';
import { ibClient } from './ib/client.ts';
import { type IbSimOptions, type IbSimulator, startIbSimulator } from './ib/simulator.ts';

const ACCOUNT = 'DU1234567';
let open: { sim: IbSimulator; venue: IbVenue }[] = [];

afterEach(async () => {
  for (const { sim, venue } of open) {
    await venue.disconnect();
    await sim.close();
  }
  open = [];
});

interface Rig {
  sim: IbSimulator;
  venue: IbVenue;
  events: VenueEvent[];
  store: ReturnType<typeof memoryIdStore>;
  fills: () => VenueFill[];
  reports: (clientOrderId: string) => VenueOrderReport[];
}

async function rig(simOpts: IbSimOptions = {}, venueOpts: Partial<IbVenueOptions> = {}): Promise<Rig> {
  const sim = await startIbSimulator({ nextValidId: 1, ...simOpts });
  const store = memoryIdStore(0);
  const venue = createIbVenue({
    host: '127.0.0.1',
    port: sim.port,
    clientId: 17,
    account: ACCOUNT,
    idStore: store,
    ...venueOpts,
  });
  open.push({ sim, venue });
  const events: VenueEvent[] = [];
  venue.onEvent((e) => events.push(e));
  const connected = await venue.connect();
  expect(connected).toEqual({ ok: true, value: null });
  return {
    sim,
    venue,
    events,
    store,
    fills: () => events.flatMap((e) => (e.type === 'fill' ? [e.fill] : [])),
    reports: (id) =>
      events.flatMap((e) => (e.type === 'order' && e.report.clientOrderId === id ? [e.report] : [])),
  };
}

const lastState = (r: Rig, id: string) => r.reports(id).at(-1)?.state;

describe('IB adapter: connection and instruments', () => {
  it('connects with host, port and clientId, reads AAPL contract details (minTick is the tick) and says there is no dead-man switch', async () => {
    const r = await rig();
    expect(r.venue.health()).toMatchObject({ state: 'connected', detail: NO_DEAD_MAN });
    expect(r.venue.capabilities).toMatchObject({
      nativeBrackets: true,
      amend: 'native',
      cancelAll: true,
      deadManSwitch: false,
      nativeTrailing: true,
      dayOrders: true,
      outsideRth: true,
      reduceOnly: false,
    });
    const instruments = await r.venue.instruments();
    expect(instruments).toEqual({
      ok: true,
      value: [
        {
          symbol: 'AAPL',
          venueSymbol: 'AAPL STK NASDAQ',
          base: 'AAPL',
          quote: 'USD',
          tick: '0.01',
          lot: '1',
          minSize: '1',
          minNotional: null,
        },
      ],
    });
    // The start read everything: executions, all open orders, positions, the account summary.
    const ids = r.sim.received().map((m) => m.msgId);
    for (const id of [7, 16, 61, 62]) expect(ids).toContain(id);
  });

  it("without an account in the config it trades the login's first account (managedAccounts)", async () => {
    const sim = await startIbSimulator({ nextValidId: 1, accounts: ['DU7654321', 'DU1111111'] });
    const venue = createIbVenue({
      host: '127.0.0.1',
      port: sim.port,
      clientId: 17,
      idStore: memoryIdStore(),
    });
    open.push({ sim, venue });
    expect((await venue.connect()).ok).toBe(true);
    sim.setPosition('DU7654321', 'AAPL', 5, 190);
    sim.setPosition('DU1111111', 'AAPL', 9, 190);
    expect(await venue.positions()).toEqual({
      ok: true,
      value: [{ symbol: 'AAPL', quantity: '5', entryPrice: '190' }],
    });
    await venue.submit({
      clientOrderId: 'acct1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '1',
      price: '100',
    });
    const placed = sim.received().find((m) => m.msgId === 3);
    expect(placed?.fields).toContain('DU7654321');
  });

  it('a gateway that is not there: connect answers at once, retryable, in words; nothing is left trying', async () => {
    const sim = await startIbSimulator();
    const port = sim.port;
    await sim.close();
    const venue = createIbVenue({ host: '127.0.0.1', port, clientId: 17, idStore: memoryIdStore() });
    const out = await venue.connect();
    expect(out).toMatchObject({ ok: false, retryable: true });
    expect(!out.ok && out.message).toContain(`127.0.0.1:${port}`);
    expect(venue.health().state).toBe('disconnected');
    expect(venue.connectionAttempts).toBe(1);
    expect(
      await venue.submit({ clientOrderId: 'n1', symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' }),
    ).toMatchObject({
      kind: 'rejected',
      reason: 'venue_unavailable',
    });
  });

  it('quotes AAPL from delayed market data (reqMarketDataType 3): bid and ask a cent either side of 190', async () => {
    const r = await rig();
    const t = await r.venue.ticker('AAPL');
    expect(t).toMatchObject({
      ok: true,
      value: { symbol: 'AAPL', bid: '189.99', ask: '190.01', last: '190' },
    });
    const type = r.sim.received().find((m) => m.msgId === 59);
    expect(type?.fields[2]).toBe('3');
  });
});

describe('IB adapter: orders', () => {
  it('market: accepted under orderId 1 with Braid id in orderRef, one fill at 190 with its 1.00 commission, filled', async () => {
    const r = await rig();
    const out = await r.venue.submit({
      clientOrderId: 'm1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '10',
    });
    expect(out).toMatchObject({ kind: 'accepted', venueOrderId: '1' });
    await waitFor('the fill', () => r.fills().length === 1 && lastState(r, 'm1') === 'filled');
    expect(r.fills()[0]).toMatchObject({
      clientOrderId: 'm1',
      venueOrderId: '1',
      side: 'buy',
      price: '190',
      quantity: '10',
      fee: '1',
      feeCurrency: 'USD',
    });
    expect(r.sim.orders()[0]).toMatchObject({
      orderId: 1,
      orderRef: 'm1',
      orderType: 'MKT',
      totalQuantity: 10,
      tif: 'DAY',
      outsideRth: false,
    });
    expect(r.store.value).toBe(1);
    // IB repeats orderStatus: filled is reported once.
    expect(r.reports('m1').filter((x) => x.state === 'filled')).toHaveLength(1);
  });

  it('limit: rests, a partial fill of 40 at 189.5, then the rest, two fills and 140 shares in all; GTC and outside RTH pass through', async () => {
    const r = await rig();
    const out = await r.venue.submit({
      clientOrderId: 'l1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '140',
      price: '189.5',
      timeInForce: 'GTC',
      outsideRth: true,
    });
    expect(out.kind).toBe('accepted');
    await waitFor('open', () => lastState(r, 'l1') === 'open');
    expect(r.sim.orders()[0]).toMatchObject({
      orderType: 'LMT',
      lmtPrice: 189.5,
      tif: 'GTC',
      outsideRth: true,
    });
    r.sim.fill(1, 40, 189.5);
    await waitFor('partial', () => lastState(r, 'l1') === 'partially_filled' && r.fills().length === 1);
    expect(r.reports('l1').at(-1)).toMatchObject({
      filledQuantity: '40',
      quantity: '140',
      avgFillPrice: '189.5',
    });
    // 40 shares: commission max(1.00, 0.20) = 1.
    expect(r.fills()[0]).toMatchObject({ quantity: '40', price: '189.5', fee: '1' });
    r.sim.setPrice('AAPL', 189.4);
    await waitFor('filled', () => lastState(r, 'l1') === 'filled' && r.fills().length === 2);
    const total = r.fills().reduce((n, f) => n + Number(f.quantity), 0);
    expect(total).toBe(140);
  });

  it('stop: rests PreSubmitted (open), triggers when AAPL trades through 185 and fills at the mark', async () => {
    const r = await rig();
    const out = await r.venue.submit({
      clientOrderId: 's1',
      symbol: 'AAPL',
      side: 'sell',
      type: 'stop',
      quantity: '5',
      stopPrice: '185',
    });
    expect(out.kind).toBe('accepted');
    await waitFor('open', () => lastState(r, 's1') === 'open');
    expect(r.sim.orders()[0]).toMatchObject({ orderType: 'STP', auxPrice: 185, action: 'SELL' });
    r.sim.setPrice('AAPL', 184.5);
    await waitFor('filled', () => lastState(r, 's1') === 'filled');
    expect(r.fills()).toMatchObject([{ side: 'sell', quantity: '5', price: '184.5' }]);
  });

  it('cancel: a resting limit is cancelled (202); cancelling it again answers at once', async () => {
    const r = await rig();
    await r.venue.submit({
      clientOrderId: 'c1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '10',
      price: '180',
    });
    const cancelled = await r.venue.cancel({ clientOrderId: 'c1' });
    expect(cancelled).toMatchObject({ kind: 'accepted', venueOrderId: '1' });
    expect(lastState(r, 'c1')).toBe('cancelled');
    expect((await r.venue.cancel({ clientOrderId: 'c1' })).kind).toBe('accepted');
    expect(r.sim.received().filter((m) => m.msgId === 4)).toHaveLength(1);
    expect(r.fills()).toEqual([]);
  });

  it('a late fill after a cancel: IB executed 4 shares before the cancel took, unheard (1100); at 1102 the fill is booked once and the order ends cancelled with 4 filled', async () => {
    // The cancel's answer is lost in the outage: unknown after the (short, for the test) ack wait.
    const r = await rig({}, { ackTimeoutMs: 300 });
    await r.venue.submit({
      clientOrderId: 'c2',
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '10',
      price: '180',
    });
    r.sim.connectivityLost();
    await waitFor('paused', () => r.venue.health().state === 'disconnected');
    r.sim.fill(1, 4, 180);
    const cancel = await r.venue.cancel({ clientOrderId: 'c2' });
    expect(cancel.kind).toBe('unknown');
    await waitFor('cancelled at IB', () => r.sim.orders()[0]?.status === 'Cancelled');
    expect(r.sim.orders()[0]).toMatchObject({ status: 'Cancelled', filled: 4 });
    expect(r.fills()).toEqual([]);
    r.sim.connectivityRestored(false);
    await waitFor('reconnected', () => r.events.some((e) => e.type === 'reconnected'));
    expect(r.fills()).toMatchObject([{ clientOrderId: 'c2', quantity: '4', price: '180', fee: '1' }]);
    expect(r.reports('c2').at(-1)).toMatchObject({ state: 'cancelled', filledQuantity: '4' });
    // Asked again (the engine's reconciliation): the same execId, booked no second time.
    const again = await r.venue.fillsSince({ since: 0 });
    expect(again.ok && again.value.map((f) => f.tradeId)).toEqual([r.sim.executions()[0]?.execId]);
    expect(r.fills()).toHaveLength(1);
  });

  it('trailing stop: TRAIL with a 2.00 trail; the stop follows the mark up to 195 and fills when AAPL falls to 192.9', async () => {
    const r = await rig();
    const out = await r.venue.submit({
      clientOrderId: 't1',
      symbol: 'AAPL',
      side: 'sell',
      type: 'trailing',
      quantity: '3',
      trailingAmount: '2',
    });
    expect(out.kind).toBe('accepted');
    expect(r.sim.orders()[0]).toMatchObject({ orderType: 'TRAIL', auxPrice: 2 });
    r.sim.setPrice('AAPL', 195);
    r.sim.setPrice('AAPL', 193.5);
    expect(lastState(r, 't1')).not.toBe('filled');
    r.sim.setPrice('AAPL', 192.9);
    await waitFor('trail filled', () => lastState(r, 't1') === 'filled');
    // Stop at 195 - 2 = 193: triggered at 192.9, filled at the mark.
    expect(r.fills()).toMatchObject([{ side: 'sell', quantity: '3', price: '192.9' }]);
  });

  it('native bracket: parent and two children, parentId set, the exits in one OCA group, transmit false on all but the last', async () => {
    const r = await rig();
    const out = await r.venue.submitBracket({
      entry: {
        clientOrderId: 'b1',
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        quantity: '10',
        price: '190',
      },
      takeProfit: {
        clientOrderId: 'b1:TP',
        symbol: 'AAPL',
        side: 'sell',
        type: 'limit',
        quantity: '10',
        price: '200',
      },
      stopLoss: {
        clientOrderId: 'b1:SL',
        symbol: 'AAPL',
        side: 'sell',
        type: 'stop',
        quantity: '10',
        stopPrice: '185',
      },
    });
    expect(out).toMatchObject({
      entry: { kind: 'accepted', venueOrderId: '1' },
      takeProfit: { kind: 'accepted', venueOrderId: '2' },
      stopLoss: { kind: 'accepted', venueOrderId: '3' },
    });
    const [p, tp, sl] = r.sim.orders();
    expect(p).toMatchObject({ orderId: 1, parentId: 0, transmit: false, ocaGroup: '' });
    expect(tp).toMatchObject({
      orderId: 2,
      parentId: 1,
      transmit: false,
      ocaGroup: 'braid-b1',
      orderType: 'LMT',
      lmtPrice: 200,
    });
    expect(sl).toMatchObject({
      orderId: 3,
      parentId: 1,
      transmit: true,
      ocaGroup: 'braid-b1',
      orderType: 'STP',
      auxPrice: 185,
    });
    // The limit entry fills at 190 at once (the mark); the stop then rests at IB; AAPL falls to 184: the
    // stop fills, the take-profit is cancelled by its OCA group.
    await waitFor('entry filled', () => lastState(r, 'b1') === 'filled');
    r.sim.setPrice('AAPL', 184);
    await waitFor(
      'stop filled, target cancelled',
      () => lastState(r, 'b1:SL') === 'filled' && lastState(r, 'b1:TP') === 'cancelled',
    );
    expect(r.fills().map((f) => [f.clientOrderId, f.side, f.quantity, f.price])).toEqual([
      ['b1', 'buy', '10', '190'],
      ['b1:SL', 'sell', '10', '184'],
    ]);
  });

  it("moving a bracket's stop keeps it the parent's child in the OCA group: the stop moved to 187 fills there, the target is cancelled", async () => {
    const r = await rig();
    await r.venue.submitBracket({
      entry: { clientOrderId: 'mb', symbol: 'AAPL', side: 'buy', type: 'market', quantity: '10' },
      takeProfit: {
        clientOrderId: 'mb:TP',
        symbol: 'AAPL',
        side: 'sell',
        type: 'limit',
        quantity: '10',
        price: '200',
      },
      stopLoss: {
        clientOrderId: 'mb:SL',
        symbol: 'AAPL',
        side: 'sell',
        type: 'stop',
        quantity: '10',
        stopPrice: '185',
      },
    });
    await waitFor('entry filled', () => lastState(r, 'mb') === 'filled');
    expect(await r.venue.modify({ clientOrderId: 'mb:SL' }, { stopPrice: '187' })).toMatchObject({
      kind: 'accepted',
      venueOrderId: '3',
    });
    expect(r.sim.orders().find((o) => o.orderId === 3)).toMatchObject({
      auxPrice: 187,
      parentId: 1,
      ocaGroup: 'braid-mb',
    });
    r.sim.setPrice('AAPL', 186.5);
    await waitFor(
      'stop filled, target cancelled',
      () => lastState(r, 'mb:SL') === 'filled' && lastState(r, 'mb:TP') === 'cancelled',
    );
    expect(r.fills().map((f) => [f.clientOrderId, f.price])).toEqual([
      ['mb', '190'],
      ['mb:SL', '186.5'],
    ]);
  });

  it('modify in place: placeOrder again under the same orderId with the new limit', async () => {
    const r = await rig();
    await r.venue.submit({
      clientOrderId: 'a1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '10',
      price: '180',
    });
    const out = await r.venue.modify({ clientOrderId: 'a1' }, { price: '181' });
    expect(out).toMatchObject({ kind: 'accepted', venueOrderId: '1' });
    expect(r.sim.placeOrderMessages().map((m) => m.orderId)).toEqual([1, 1]);
    await waitFor('new price', () => r.reports('a1').at(-1)?.price === '181');
    expect(r.sim.orders()).toHaveLength(1);
  });

  it('a rejection (201) is the outcome, with IB words', async () => {
    const r = await rig();
    r.sim.rejectNext(201, 'Order rejected - reason:insufficient buying power');
    const out = await r.venue.submit({
      clientOrderId: 'r1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '1000000',
    });
    expect(out).toMatchObject({ kind: 'rejected', reason: 'insufficient_funds' });
    expect(lastState(r, 'r1')).toBe('rejected');
  });
});

describe('IB adapter: orders placed elsewhere', () => {
  it("another client's order 1 (the same orderId as Braid's) is external, named by its permId; Braid's order 1 is untouched", async () => {
    const r = await rig();
    await r.venue.submit({
      clientOrderId: 'own1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '10',
      price: '180',
    });
    const other = ibClient(r.sim.port, 18);
    other.connect();
    try {
      await waitFor('the other client', () => other.seen.nextValidId.length > 0);
      other.api.placeOrder(
        1,
        { symbol: 'AAPL', secType: 'STK' as never, exchange: 'SMART', currency: 'USD' },
        {
          action: 'SELL' as never,
          orderType: 'LMT' as never,
          totalQuantity: 7,
          lmtPrice: 200,
          tif: 'DAY' as never,
          transmit: true,
        },
      );
      await waitFor('at IB', () => r.sim.orders().length === 2);
      const open = await r.venue.openOrders();
      expect(open.ok).toBe(true);
      const rows = open.ok ? open.value : [];
      const permId = r.sim.orders().find((o) => o.clientId === 18)?.permId;
      expect(rows.map((o) => [o.clientOrderId, o.venueOrderId, o.side, o.quantity])).toEqual([
        ['own1', '1', 'buy', '10'],
        [undefined, `perm:${permId}`, 'sell', '7'],
      ]);
      expect(r.events.some((e) => e.type === 'notice' && e.code === 'ib_external_order')).toBe(true);
      expect(await r.venue.orderStatus({ clientOrderId: 'own1' })).toMatchObject({
        ok: true,
        value: { state: 'open', quantity: '10', price: '180' },
      });
    } finally {
      other.close();
    }
  });
});

describe('IB adapter: kill switch and account', () => {
  it('cancelAll sends reqGlobalCancel: both working orders end at IB and are reported cancelled', async () => {
    const r = await rig();
    await r.venue.submit({
      clientOrderId: 'k1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'limit',
      quantity: '10',
      price: '180',
    });
    await r.venue.submit({
      clientOrderId: 'k2',
      symbol: 'AAPL',
      side: 'sell',
      type: 'stop',
      quantity: '10',
      stopPrice: '170',
    });
    const out = await r.venue.cancelAll();
    expect(out.kind).toBe('accepted');
    await waitFor('reqGlobalCancel on the wire', () => r.sim.received().some((m) => m.msgId === 58));
    await waitFor(
      'both cancelled',
      () => lastState(r, 'k1') === 'cancelled' && lastState(r, 'k2') === 'cancelled',
    );
    expect(r.sim.orders().map((o) => o.status)).toEqual(['Cancelled', 'Cancelled']);
  });

  it("the broker's day-trade count and equity from reqAccountSummary; positions from reqPositions", async () => {
    const r = await rig();
    expect(await r.venue.accountSummary()).toEqual({
      ok: true,
      value: { dayTradesRemaining: 3, equity: '100000' },
    });
    r.sim.setAccountSummary({ DayTradesRemaining: '1', NetLiquidation: '24500.50' });
    expect(await r.venue.accountSummary()).toEqual({
      ok: true,
      value: { dayTradesRemaining: 1, equity: '24500.5' },
    });
    r.sim.setAccountSummary({ DayTradesRemaining: '-1' });
    expect(await r.venue.accountSummary()).toMatchObject({ ok: true, value: { dayTradesRemaining: null } });
    r.sim.setPosition(ACCOUNT, 'AAPL', 25, 188.25);
    expect(await r.venue.positions()).toEqual({
      ok: true,
      value: [{ symbol: 'AAPL', quantity: '25', entryPrice: '188.25' }],
    });
    expect(await r.venue.balances()).toEqual({
      ok: true,
      value: [{ asset: 'USD', total: '100000', free: '100000' }],
    });
  });
});

/** Real timers, except the commission wait (`ms` 1234), which the test fires by hand. */
class CommissionTimers implements Timers {
  private readonly held = new Map<object, () => void>();
  setTimeout(fn: () => void, ms: number): unknown {
    if (ms !== 1234) return realTimers.setTimeout(fn, ms);
    const handle = {};
    this.held.set(handle, fn);
    return handle;
  }
  clearTimeout(handle: unknown): void {
    if (!this.held.delete(handle as object)) realTimers.clearTimeout(handle);
  }
  fireAll(): void {
    const fns = [...this.held.values()];
    this.held.clear();
    for (const fn of fns) fn();
  }
}

describe('IB adapter: commissions and order of messages', () => {
  it('a fill waits for its commission report: booked once it arrives, with the fee; past the wait, with fee 0 and a notice when it comes', async () => {
    const timers = new CommissionTimers();
    const r = await rig({}, { timers, commissionWaitMs: 1234 });
    r.sim.delayCommissionReports(true);
    await r.venue.submit({
      clientOrderId: 'f1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '300',
    });
    await waitFor('filled', () => lastState(r, 'f1') === 'filled');
    expect(r.fills()).toEqual([]);
    expect(r.venue.fillsAwaitingCommission).toBe(1);
    r.sim.delayCommissionReports(false);
    // 300 shares: 0.005 x 300 = 1.50.
    await waitFor('the fill with its fee', () => r.fills().length === 1);
    expect(r.fills()[0]).toMatchObject({ clientOrderId: 'f1', quantity: '300', fee: '1.5' });

    r.sim.delayCommissionReports(true);
    await r.venue.submit({
      clientOrderId: 'f2',
      symbol: 'AAPL',
      side: 'sell',
      type: 'market',
      quantity: '300',
    });
    await waitFor('filled', () => lastState(r, 'f2') === 'filled' && r.venue.fillsAwaitingCommission === 1);
    timers.fireAll();
    expect(r.fills().at(-1)).toMatchObject({ clientOrderId: 'f2', fee: '0' });
    r.sim.delayCommissionReports(false);
    // Past the wait, the commission is a fee event for the engine to book against the trade id.
    await waitFor('the late fee sent on', () => r.events.some((e) => e.type === 'fee'));
    const fee = r.events.find((e) => e.type === 'fee');
    const f2 = r.fills().at(-1)!;
    expect(fee).toMatchObject({
      type: 'fee',
      tradeId: f2.tradeId,
      venueOrderId: f2.venueOrderId,
      clientOrderId: 'f2',
      fee: '1.5',
      currency: 'USD',
    });
    expect(r.fills()).toHaveLength(2);
  });

  it('execDetails after the status: the order is reported filled first, the fill follows once', async () => {
    const r = await rig();
    r.sim.delayExecDetailsAfterStatus(true);
    await r.venue.submit({
      clientOrderId: 'e1',
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '10',
    });
    await waitFor('fill', () => r.fills().length === 1);
    const order = r.events.findIndex((e) => e.type === 'order' && e.report.state === 'filled');
    const fill = r.events.findIndex((e) => e.type === 'fill');
    expect(order).toBeGreaterThanOrEqual(0);
    expect(order).toBeLessThan(fill);
    expect(r.fills()).toMatchObject([{ clientOrderId: 'e1', quantity: '10', price: '190', fee: '1' }]);
  });
});

describe('IB adapter: pacing', () => {
  it('100 messages at once go out 40, 40 and 20 a second apart: never more than 40 in any second', async () => {
    let now = 0;
    const pacing = new Pacing({
      perSecond: 40,
      clock: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    const sentAt: number[] = [];
    await Promise.all(Array.from({ length: 100 }, () => pacing.send(() => sentAt.push(now))));
    const at = (t: number) => sentAt.filter((x) => x === t).length;
    expect([at(0), at(1000), at(2000)]).toEqual([40, 40, 20]);
    for (const t of sentAt)
      expect(sentAt.filter((x) => x > t - 1000 && x <= t).length).toBeLessThanOrEqual(40);
    expect(pacing.used()).toBe(0.5);
  });
});
