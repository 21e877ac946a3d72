// Chaos for `braid serve` (LIVE) on IB, against the TWS API simulator: kill -9 with working orders, as
// kraken-chaos and hyperliquid-chaos do for theirs. Four limit buys rest at the gateway (one plan each);
// serve is killed with SIGKILL; while it is down the gateway fills one whole and one in part, then
// restarts offering nextValidId 1 again. serve comes back on the same journal: every execution at IB is
// booked once, the orders still working are Braid's (not external), a new order takes an id above every
// id used (none reused, no 103), and the positions are the gateway's. The figures are printed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { dec, str, ZERO } from '../../src/shared/domain/decimal.ts';
import type { OrderRecord } from '../../src/shared/domain/order.ts';
import { waitFor } from '../helpers/wait.ts';
import { type IbSimulator, startIbSimulator } from './ib/simulator.ts';
import { armLive, type Served, startServe } from './serve-harness.ts';

// AAPL, MSFT and SPY are stocks the gateway knows; QQQ and IBM it trades because they are priced.
const PRICES = { AAPL: 190, MSFT: 400, SPY: 600, QQQ: 500, IBM: 250 };
/** The gateway's statuses of an order still working. */
const WORKING_AT_IB = ['Submitted', 'PreSubmitted'];

let sim: IbSimulator;
let dir: string;
let served: Served | null = null;
let pinSet = false;

function writeConfig(): string {
  const path = join(dir, 'config.json');
  const instruments = Object.fromEntries(Object.keys(PRICES).map((s) => [s, { tick: '0.01', lot: '1' }]));
  writeFileSync(
    path,
    JSON.stringify({
      account: { cash: '100000', type: 'margin', leverage: '2' },
      approval: 'manual',
      defaultVenue: 'ib',
      venues: { ib: { host: '127.0.0.1', port: sim.port, clientId: 7 } },
      instruments,
    }),
  );
  return path;
}

const live = (): Served => {
  if (!served) throw new Error('braid serve is not running');
  return served;
};

/** braid serve on this file's journal, IB connected and reconciled, LIVE armed. */
async function serve(): Promise<Served> {
  served = await startServe({ db: join(dir, 'state.sqlite'), config: writeConfig(), env: {} });
  const s = served;
  await waitFor('ib connected and reconciled', async () => {
    const v = (await s.snapshot()).host.venues.find((x) => x.name === 'ib');
    return v && v.state === 'connected' && !v.reconciling && v.lastReconciledAt !== null;
  });
  await armLive(s, !pinSet);
  pinSet = true;
  return s;
}

/** A limit buy on IB through the approval queue, approved as the operator does; its entry, accepted. */
async function restingBuy(symbol: string, price: string, quantity: string): Promise<OrderRecord> {
  const s = live();
  const submitted = await s.invoke<{ planId: string }>('submitPlan', {
    plan: { venue: 'ib', symbol, side: 'buy', entry: { type: 'limit', price }, quantity },
    review: true,
  });
  if (!submitted.ok) throw new Error(`submitPlan ${symbol}: ${submitted.error.message}`);
  const { planId } = submitted.value;
  await waitFor(`${symbol} awaiting approval`, async () =>
    (await s.snapshot()).engine.plans.some((p) => p.id === planId && p.status === 'pending_approval'),
  );
  const approved = await s.invoke('approve', { planId });
  if (!approved.ok) throw new Error(`approve ${symbol}: ${approved.error.message}`);
  return waitFor(`${symbol} accepted at IB`, async () => {
    const o = (await s.snapshot()).engine.orders.find((x) => x.planId === planId && x.role === 'entry');
    return o?.status === 'accepted' && o.venueOrderId !== undefined ? o : null;
  });
}

/** The gateway's order carrying this Braid order (orderRef). */
const atGateway = (id: string) => {
  const found = sim.orders().filter((o) => o.orderRef === id);
  expect(found).toHaveLength(1);
  return found[0]!;
};

/** The gateway's positions, from its executions (all buys here): symbol -> shares. */
function gatewayPositions(): Array<[string, string]> {
  const held = new Map<string, ReturnType<typeof dec>>();
  for (const e of sim.executions()) {
    const signed = e.side === 'BOT' ? dec(e.shares) : dec(e.shares).neg();
    held.set(e.symbol, (held.get(e.symbol) ?? ZERO).plus(signed));
  }
  return [...held]
    .filter(([, q]) => !q.eq(0))
    .map(([s, q]): [string, string] => [s, str(q)])
    .sort(([a], [b]) => a.localeCompare(b));
}

beforeAll(async () => {
  sim = await startIbSimulator({ nextValidId: 1, prices: PRICES });
  dir = mkdtempSync(join(tmpdir(), 'braid-ib-serve-chaos-'));
  await serve();
});

beforeEach(() => {
  onTestFailed(async () => {
    const s = await served?.snapshot().catch(() => null);
    console.log(
      [
        `ib: ${JSON.stringify(s?.host.venues.find((v) => v.name === 'ib'))}`,
        `orders: ${JSON.stringify(s?.engine.orders.map((o) => [o.id, o.symbol, o.status, o.filledQuantity, o.venueOrderId]))}`,
        `fills: ${JSON.stringify(s?.engine.fills.map((f) => [f.orderId, f.quantity, f.tradeId]))}`,
        `sim orders: ${JSON.stringify(sim.orders().map((o) => [o.orderId, o.orderRef, o.symbol, o.status, o.filled]))}`,
        `sim executions: ${JSON.stringify(sim.executions().map((e) => [e.execId, e.orderId, e.shares]))}`,
        served?.stderr().split('\n').slice(-30).join('\n'),
      ].join('\n'),
    );
  });
});

afterAll(async () => {
  await served?.kill9().catch(() => {});
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('chaos: braid serve on IB, LIVE', () => {
  it('kill -9 with working orders, fills and a gateway restart while down: each fill booked once, no id reused', async () => {
    const aapl = await restingBuy('AAPL', '185', '10');
    const msft = await restingBuy('MSFT', '390', '5');
    const spy = await restingBuy('SPY', '590', '4');
    const qqq = await restingBuy('QQQ', '490', '4');
    const working = [aapl, msft, spy, qqq];
    for (const o of working) expect(atGateway(o.id).status).toBe('Submitted');
    const used = sim.placeOrderMessages().map((m) => m.orderId);
    expect(used).toHaveLength(4);

    await live().kill9();
    served = null;
    // While Braid is down: AAPL fills whole, MSFT 2 of 5; then IB Gateway's restart offers id 1 again.
    sim.fill(atGateway(aapl.id).orderId, 10, 185);
    sim.fill(atGateway(msft.id).orderId, 2, 390);
    expect(sim.executions()).toHaveLength(2);
    await sim.restartGateway({ nextValidId: 1 });

    const placedFrom = sim.placeOrderMessages().length;
    await serve();
    const s = await waitFor('the downtime fills booked', async () => {
      const snap = await live().snapshot();
      const a = snap.engine.orders.find((o) => o.id === aapl.id);
      const m = snap.engine.orders.find((o) => o.id === msft.id);
      return a?.status === 'filled' && m?.filledQuantity === '2' ? snap : null;
    });
    const status = (o: OrderRecord) => s.engine.orders.find((x) => x.id === o.id);
    expect(status(msft)?.status).toBe('partially_filled');
    // The orders still working are Braid's own, under the same gateway order ids: none taken for external.
    for (const o of [msft, spy, qqq]) {
      expect(status(o)?.venueOrderId).toBe(String(atGateway(o.id).orderId));
      expect(WORKING_AT_IB).toContain(atGateway(o.id).status);
    }
    expect(status(spy)?.status).toBe('accepted');
    expect(status(qqq)?.status).toBe('accepted');
    expect(live().stderr()).not.toMatch(/ib_external_(order|fill)/);

    // A new order after the rollback: above every id used, none reused, no 103.
    const ibm = await restingBuy('IBM', '245', '4');
    const sent = sim
      .placeOrderMessages()
      .slice(placedFrom)
      .map((m) => m.orderId);
    expect(sent).toEqual([atGateway(ibm.id).orderId]);
    expect(sent[0]).toBeGreaterThan(Math.max(...used));
    const reused = sent.filter((id) => used.includes(id)).length;
    expect(live().stderr()).toContain('ib_next_valid_id_rolled_back');
    expect(live().stderr()).not.toMatch(/\b103\b|duplicate order id/i);
    const ids = sim.orders().map((o) => o.orderId);
    expect(new Set(ids).size).toBe(ids.length);

    // Every execution at IB booked once, and the positions are the gateway's.
    const after = await live().snapshot();
    const booked = after.engine.fills.filter((f) => f.venue === 'ib');
    const execIds = sim.executions().map((e) => e.execId);
    const duplicates = booked.length - new Set(booked.map((f) => f.tradeId)).size;
    expect(duplicates).toBe(0);
    expect(booked.map((f) => f.tradeId).sort()).toEqual([...execIds].sort());
    expect(booked.map((f) => [f.orderId, f.price, f.quantity]).sort()).toEqual(
      [
        [aapl.id, '185', '10'],
        [msft.id, '390', '2'],
      ].sort(),
    );
    const positions = after.engine.positions
      .map((p): [string, string] => [p.symbol, p.quantity])
      .sort(([a], [b]) => a.localeCompare(b));
    expect(positions).toEqual(gatewayPositions());
    expect(positions).toEqual([
      ['AAPL', '10'],
      ['MSFT', '2'],
    ]);
    console.log(
      `ib chaos: kill -9 and restart: orders ${sim.orders().length} at IB (${working.length} before the kill, ` +
        `${sent.length} after), fills at IB ${execIds.length}, booked ${booked.length}, duplicates ${duplicates}, ` +
        `reused ids ${reused}`,
    );
  });
});
