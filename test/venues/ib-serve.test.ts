// `braid serve --config FILE` with venues.ib pointing at the TWS API simulator, trading AAPL and MSFT (tick 0.01,
// lot 1) on a margin account with the PDT rule on, LIVE armed through the API. No credentials: the
// gateway holds the login. The Venues panel's view, a manually approved limit plan reaching the gateway as
// one placeOrder carrying Braid's order id in orderRef, a scripted fill booked once, IB's own day-trade
// count and equity in the snapshot, a restart of serve on the same journal against a gateway whose
// nextValidId rolled back (Braid's persisted mark wins: no id reused, no 103), and the kill switch
// (reqGlobalCancel, then a market order closing the position).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { AppSnapshot } from '../../src/shared/contract.ts';
import type { OrderRecord } from '../../src/shared/domain/order.ts';
import { waitFor } from '../helpers/wait.ts';
import { type IbSimulator, startIbSimulator } from './ib/simulator.ts';
import { armLive, type Served, startServe, WORKING } from './serve-harness.ts';

const MSG_PLACE_ORDER = 3;
const MSG_GLOBAL_CANCEL = 58;

let sim: IbSimulator;
let dir: string;
let served: Served | null = null;
let pinSet = false;

/** The config braid serve runs with: IB only, AAPL, margin with the PDT rule, manual approval. */
function writeConfig(): string {
  const path = join(dir, 'config.json');
  writeFileSync(
    path,
    JSON.stringify({
      account: { cash: '100000', type: 'margin', leverage: '2' },
      approval: 'manual',
      pdt: { enabled: true },
      defaultVenue: 'ib',
      venues: { ib: { host: '127.0.0.1', port: sim.port, clientId: 7 } },
      instruments: { AAPL: { tick: '0.01', lot: '1' }, MSFT: { tick: '0.01', lot: '1' } },
    }),
  );
  return path;
}

/** Waits until IB is connected and reconciled (orders may go there). */
const ibReady = (s: Served) =>
  waitFor('ib connected and reconciled', async () => {
    const v = (await s.snapshot()).host.venues.find((x) => x.name === 'ib');
    return v && v.state === 'connected' && !v.reconciling && v.lastReconciledAt !== null;
  });

/** braid serve on this file's journal, IB reconciled, LIVE armed. */
async function serve(): Promise<Served> {
  served = await startServe({ db: join(dir, 'state.sqlite'), config: writeConfig(), env: {} });
  await ibReady(served);
  await armLive(served, !pinSet);
  pinSet = true;
  return served;
}

const live = (): Served => {
  if (!served) throw new Error('braid serve is not running');
  return served;
};

/** A plan on IB sent to the approval queue (`review`), approved through the API as the operator does;
 *  nothing reaches the gateway before the approval. Its entry order. */
async function approvedPlan(plan: Record<string, unknown>): Promise<OrderRecord> {
  const s = live();
  const placedBefore = sim.placeOrderMessages().length;
  const submitted = await s.invoke<{ planId: string }>('submitPlan', {
    plan: { venue: 'ib', ...plan },
    review: true,
  });
  if (!submitted.ok) throw new Error(`submitPlan: ${submitted.error.message}`);
  const { planId } = submitted.value;
  await waitFor('the plan awaiting approval', async () =>
    (await s.snapshot()).engine.plans.some((p) => p.id === planId && p.status === 'pending_approval'),
  );
  expect(sim.placeOrderMessages()).toHaveLength(placedBefore);
  const approved = await s.invoke('approve', { planId });
  if (!approved.ok) throw new Error(`approve: ${approved.error.message}`);
  return waitFor('the entry order', async () =>
    (await s.snapshot()).engine.orders.find((o) => o.planId === planId && o.role === 'entry'),
  );
}

const orderIn = (id: string, status: OrderRecord['status']) =>
  waitFor(`${id} ${status}`, async () => {
    const o = (await live().snapshot()).engine.orders.find((x) => x.id === id);
    return o?.status === status ? o : null;
  });

/** The gateway's orders carrying this Braid order (orderRef). */
const atGateway = (id: string) => sim.orders().filter((o) => o.orderRef === id);

/** The order ids of every placeOrder the gateway received. */
const placedIds = () => sim.placeOrderMessages().map((m) => m.orderId);

beforeAll(async () => {
  sim = await startIbSimulator({ nextValidId: 1, prices: { AAPL: 190, MSFT: 400 } });
  // IB's own view of the account (read at every reconciliation): one day trade less than Braid's count.
  sim.setAccountSummary({ DayTradesRemaining: '2', NetLiquidation: '18000.00' });
  dir = mkdtempSync(join(tmpdir(), 'braid-ib-serve-'));
  await serve();
});

beforeEach(() => {
  onTestFailed(async () => {
    const s = await served?.snapshot().catch(() => null);
    console.log(
      [
        `ib: ${JSON.stringify(s?.host.venues.find((v) => v.name === 'ib'))}`,
        `plans: ${JSON.stringify(s?.engine.plans.map((p) => [p.id, p.status, p.reason]))}`,
        `orders: ${JSON.stringify(s?.engine.orders.map((o) => [o.id, o.status, o.venueOrderId]))}`,
        `sim orders: ${JSON.stringify(sim.orders().map((o) => [o.orderId, o.orderRef, o.orderType, o.status]))}`,
        served?.stderr().split('\n').slice(-30).join('\n'),
      ].join('\n'),
    );
  });
});

afterAll(async () => {
  await served?.stop();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('braid serve on IB (TWS API simulator), LIVE', () => {
  it('the Venues panel: ib connected, reconciled, no credentials needed, no dead-man switch', async () => {
    const view = (await live().snapshot()).host.venues.find((v) => v.name === 'ib');
    expect(view).toMatchObject({
      live: true,
      state: 'connected',
      reconciling: false,
      credentials: 'none_needed',
      deadMan: { state: 'unsupported' },
    });
    expect(view?.lastReconciledAt).toEqual(expect.any(Number));
  });

  it("an approved limit plan is one placeOrder with Braid's id in orderRef; a scripted fill is booked once", async () => {
    const before = sim.placeOrderMessages().length;
    const entry = await approvedPlan({
      symbol: 'AAPL',
      side: 'buy',
      entry: { type: 'limit', price: '189.5' },
      quantity: '10',
    });
    const accepted = await orderIn(entry.id, 'accepted');
    const sent = sim.placeOrderMessages().slice(before);
    expect(sent).toHaveLength(1);
    const [order] = atGateway(entry.id);
    expect(order).toMatchObject({
      orderId: sent[0]!.orderId,
      clientId: 7,
      symbol: 'AAPL',
      action: 'BUY',
      orderType: 'LMT',
      totalQuantity: 10,
      lmtPrice: 189.5,
      status: 'Submitted',
    });
    expect(accepted.venueOrderId).toBe(String(order!.orderId));

    sim.fill(order!.orderId, 10, 189.5);
    await orderIn(entry.id, 'filled');
    const s = await waitFor('the position booked', async () => {
      const snap = await live().snapshot();
      return snap.engine.positions.length > 0 ? snap : null;
    });
    const [exec] = sim.executions().filter((e) => e.orderRef === entry.id);
    // The gateway's commission: max(1.00, 0.005 × 10 shares) = 1 USD.
    expect(
      s.engine.fills.filter((f) => f.orderId === entry.id).map((f) => [f.price, f.quantity, f.fee]),
    ).toEqual([['189.5', '10', '1']]);
    expect(exec?.shares).toBe(10);
    expect(s.engine.positions.map((p) => [p.symbol, p.side, p.quantity])).toEqual([['AAPL', 'long', '10']]);
    // The commission report and the duplicate orderStatus came after: still one fill.
    const again = await live().snapshot();
    expect(again.engine.fills.filter((f) => f.orderId === entry.id)).toHaveLength(1);
  });

  it("the snapshot's day trades carry IB's DayTradesRemaining and its equity beside Braid's own count", async () => {
    const s: AppSnapshot = await waitFor('the broker count', async () => {
      const snap = await live().snapshot();
      return snap.engine.dayTrades.broker ? snap : null;
    });
    expect(s.engine.dayTrades.broker).toMatchObject({ venue: 'ib', remaining: 2, equity: '18000' });
    expect(s.engine.dayTrades.remaining).toBe(3);
  });

  it('restarted on the same journal against a gateway whose nextValidId rolled back: no id reused, no 103', async () => {
    const used = placedIds();
    expect(used.length).toBeGreaterThan(0);
    await live().stop();
    served = null;
    // IB Gateway's nightly restart: it comes back offering id 1 again.
    await sim.restartGateway({ nextValidId: 1 });
    const from = sim.placeOrderMessages().length;
    const inboundFrom = sim.received().length;
    await serve();
    // MSFT: AAPL is held (one plan per symbol); this one rests until the kill switch.
    const entry = await approvedPlan({
      symbol: 'MSFT',
      side: 'buy',
      entry: { type: 'limit', price: '395' },
      quantity: '5',
    });
    await orderIn(entry.id, 'accepted');
    const sent = sim.placeOrderMessages().slice(from);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.orderId).toBeGreaterThan(Math.max(...used));
    // The earlier run's AAPL fill, read again at the reconciliation, is still booked once (fee 1 USD).
    const after = await live().snapshot();
    expect(
      after.engine.fills.filter((f) => f.symbol === 'AAPL').map((f) => [f.price, f.quantity, f.fee]),
    ).toEqual([['189.5', '10', '1']]);
    expect(after.engine.positions.map((p) => [p.symbol, p.side, p.quantity])).toEqual([
      ['AAPL', 'long', '10'],
    ]);
    expect(atGateway(entry.id).map((o) => [o.orderId, o.status])).toEqual([[sent[0]!.orderId, 'Submitted']]);
    // Every order the gateway holds has its own id (none overwritten by a reused one).
    const ids = sim.orders().map((o) => o.orderId);
    expect(new Set(ids).size).toBe(ids.length);
    // braid serve logs the gateway's errors and the engine's notices: the rollback was seen, no 103 came.
    expect(live().stderr()).toContain('ib_next_valid_id_rolled_back');
    expect(live().stderr()).not.toMatch(/\b103\b|duplicate order id/i);
    expect(
      sim
        .received()
        .slice(inboundFrom)
        .filter((m) => m.msgId === MSG_PLACE_ORDER),
    ).toHaveLength(1);
  });

  it('the kill switch: reqGlobalCancel, then the position closed by a market order', async () => {
    const s = live();
    const resting = (await s.snapshot()).engine.orders.find((o) => o.status === 'accepted');
    expect(resting).toBeDefined();
    const inboundFrom = sim.received().length;
    const from = sim.orders().length;
    expect((await s.invoke('kill')).ok).toBe(true);
    const halted = await waitFor('flat, nothing working, HALTED', async () => {
      const snap = await s.snapshot();
      const working = snap.engine.orders.filter((o) => WORKING.includes(o.status));
      return snap.engine.tradingState === 'HALTED' &&
        snap.engine.positions.length === 0 &&
        working.length === 0
        ? snap
        : null;
    });
    expect(
      sim
        .received()
        .slice(inboundFrom)
        .filter((m) => m.msgId === MSG_GLOBAL_CANCEL),
    ).toHaveLength(1);
    expect(atGateway(resting!.id).map((o) => o.status)).toEqual(['Cancelled']);
    expect(halted.engine.orders.find((o) => o.id === resting!.id)?.status).toBe('cancelled');
    // One flattening order: a market sell of the 10 shares, filled.
    expect(
      sim
        .orders()
        .slice(from)
        .map((o) => [o.action, o.orderType, o.totalQuantity, o.status]),
    ).toEqual([['SELL', 'MKT', 10, 'Filled']]);
    expect(sim.orders().filter((o) => o.status === 'Submitted' || o.status === 'PreSubmitted')).toEqual([]);
  });
});
