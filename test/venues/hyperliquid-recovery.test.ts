// Braid's Hyperliquid adapter under pressure, with the REAL ccxt client against the wire simulator:
// order actions come before polls in the weight budget (polls stop short of the 80 % ceiling by a
// reserve kept for actions, and wait behind a waiting action), and one HTTP 5xx costs at most the poll
// it failed (it is not a lost connection; two in a row are, and the next poll then reads something so an
// answer can mend it, even with no order working). A 5xx on an order stays `unknown`, never resent.
// Polls run by hand (pollNow), so every expectation is exact.
import { afterEach, describe, expect, it } from 'vitest';
import {
  HyperliquidVenue,
  type HyperliquidVenueOptions,
} from '../../src/main/venues/hyperliquid/hyperliquid-venue.ts';
import { cloidOf } from '../../src/main/venues/hyperliquid/pricing.ts';
import { WeightBudget } from '../../src/main/venues/hyperliquid/rate-budget.ts';
import type { VenueEvent, VenueOrderRequest } from '../../src/main/venues/venue.ts';
import { waitFor } from '../helpers/wait.ts';
import { type HyperliquidSim, startHyperliquidSim } from './hyperliquid/simulator.ts';

const BTC = 'BTC/USDC:USDC';
const NEVER = 3_600_000;

const toClose: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of toClose.splice(0).reverse()) await close();
});

async function rig(over: Partial<HyperliquidVenueOptions> = {}) {
  const sim = await startHyperliquidSim({
    prices: { BTC: { bid: 89_999, ask: 90_000, mark: 90_000 }, ETH: { bid: 2_999.9, ask: 3_000 } },
  });
  toClose.push(() => sim.close());
  const venue = new HyperliquidVenue({
    url: sim.url,
    walletAddress: sim.account,
    privateKey: sim.agentKey,
    pollMs: NEVER,
    fullPollMs: NEVER,
    timeoutMs: 2_000,
    deadManSeconds: 0,
    random: () => 0,
    ...over,
  });
  toClose.push(() => venue.disconnect());
  const events: VenueEvent[] = [];
  venue.onEvent((e) => events.push(e));
  expect(await venue.connect()).toEqual({ ok: true, value: null });
  const states = () => events.flatMap((e) => (e.type === 'connection' ? [e.state] : []));
  return { sim, venue, events, states };
}

const limit = (id: string): VenueOrderRequest => ({
  clientOrderId: id,
  symbol: BTC,
  side: 'buy',
  type: 'limit',
  quantity: '0.01',
  price: '89000',
});

const infoSince = (sim: HyperliquidSim, from: number) =>
  sim
    .requests()
    .slice(from)
    .filter((r) => r.endpoint === 'info')
    .map((r) => r.type);

/** A budget on a hand clock whose sleeps are released by the test, one at a time. */
function handBudget(perMinute = 100) {
  const clock = { t: 0 };
  const sleeping: Array<{ ms: number; wake: () => void }> = [];
  const budget = new WeightBudget({
    clock: () => clock.t,
    perMinute,
    sleep: (ms) => new Promise<void>((wake) => sleeping.push({ ms, wake })),
  });
  return { budget, clock, sleeping };
}

describe('the weight budget: order actions before polls', () => {
  it('reads stop 10 % short of the 80 % ceiling; actions may use it', async () => {
    // 100 a minute: ceiling 80, reads up to 70.
    const { budget, sleeping } = handBudget();
    expect(budget.limitOf('action')).toBe(80);
    expect(budget.limitOf('read')).toBe(70);
    await budget.take(70, 'read');
    expect(budget.readWouldWait(1)).toBe(true);
    let read = false;
    const polled = budget.take(1, 'read').then(() => {
      read = true;
    });
    await Promise.resolve();
    // 70 + 1 > 70: the read sleeps until the 70 leaves the minute (60 s + 1 ms).
    expect(sleeping.map((s) => s.ms)).toEqual([60_001]);
    // The order goes through at once, beside the waiting read: 70 + 10 = 80, at the ceiling.
    await budget.take(10);
    expect(budget.usedWeight()).toBe(80);
    expect(read).toBe(false);
    sleeping[0]!.wake();
    await Promise.resolve();
    expect(read).toBe(false); // woken at the same time: still no room, it sleeps again
    expect(sleeping).toHaveLength(2);
    sleeping.splice(0);
    void polled;
  });

  it('a read waits while an action waits, so the action is not overtaken when room comes', async () => {
    const { budget, clock, sleeping } = handBudget();
    await budget.take(60, 'action');
    clock.t = 30_000;
    await budget.take(15, 'action'); // 75 at 30 s
    const order: string[] = [];
    const action = budget.take(10).then(() => order.push('action')); // 85 > 80: waits for the 60
    const poll = budget.take(2, 'read').then(() => order.push('read')); // 77 > 70 anyway; and behind it
    await Promise.resolve();
    expect(budget.readWouldWait(1)).toBe(true);
    expect(sleeping.map((s) => s.ms)).toEqual([30_001, 30_001]);
    clock.t = 60_001; // the 60 leaves: 15 in the minute
    for (const s of sleeping.splice(0)) s.wake();
    await action;
    await new Promise((r) => setImmediate(r));
    for (const s of sleeping.splice(0)) s.wake();
    await poll;
    expect(order).toEqual(['action', 'read']);
    expect(budget.usedWeight()).toBe(27);
  });

  it('near the ceiling a poll skips its round, and an order goes out at once', async () => {
    // 60 a minute: ceiling 48, reads up to 42. Connect spends 41 (markets 40 + the signed noop 1).
    const { sim, venue } = await rig({ weightPerMinute: 60 });
    expect(sim.weight().used).toBe(41);
    const from = sim.requests().length;
    await venue.pollNow(); // an orderStatus (2) would make 43 > 42: skipped
    expect(sim.requests().length).toBe(from);
    const started = Date.now();
    expect(await venue.submit(limit('B-1'))).toMatchObject({ kind: 'accepted' });
    expect(Date.now() - started).toBeLessThan(1_000); // not held for the minute to roll
    expect(sim.actions('order')).toHaveLength(1);
    expect(sim.weight().used).toBe(42);
  });
});

describe('one HTTP 5xx costs one poll, not the connection', () => {
  it('a 5xx on a poll read: still connected, and the next poll reads it all', async () => {
    const { sim, venue, events, states } = await rig();
    expect((await venue.submit(limit('R-1'))).kind).toBe('accepted');
    await venue.pollNow();
    sim.fill(cloidOf('R-1'), '0.004');
    sim.fault({ kind: 'http_5xx', status: 502, path: 'info', acted: false });
    await venue.pollNow();
    expect(sim.requests().at(-1)).toMatchObject({ type: 'orderStatus', status: 502 });
    expect(venue.health().state).toBe('connected');
    expect(states()).toEqual(['connecting', 'connected']);
    await venue.pollNow();
    expect(events.filter((e) => e.type === 'fill').map((e) => e.type === 'fill' && e.fill.quantity)).toEqual([
      '0.004',
    ]);
    expect(events.some((e) => e.type === 'reconnected')).toBe(false);
  });

  it('two in a row are a lost connection; with nothing working the next poll still asks, and mends it', async () => {
    const { sim, venue, events, states } = await rig();
    await venue.pollNow(); // the first full read
    sim.fault({ kind: 'http_5xx', status: 503, path: 'clearinghouseState', acted: false, count: 2 });
    expect((await venue.positions()).ok).toBe(false);
    expect(venue.health().state).toBe('connected');
    expect((await venue.balances()).ok).toBe(false);
    expect(venue.health().state).toBe('disconnected');
    // No order working and no full read due: before, this poll sent nothing and the venue stayed
    // disconnected until the next full poll (30 s). In doubt, it reads fills and the open list.
    const from = sim.requests().length;
    await venue.pollNow();
    expect(infoSince(sim, from)).toEqual(['userFillsByTime', 'frontendOpenOrders']);
    expect(venue.health().state).toBe('connected');
    expect(states()).toEqual(['connecting', 'connected', 'disconnected', 'connected']);
    expect(events.filter((e) => e.type === 'reconnected')).toHaveLength(1);
  });

  it('a 5xx on an order is unknown and never resent; the connection stays', async () => {
    const { sim, venue, states } = await rig();
    sim.fault({ kind: 'http_5xx', status: 502, path: 'order', acted: false });
    expect(await venue.submit(limit('R-3'))).toMatchObject({ kind: 'unknown' });
    expect(sim.actions('order')).toHaveLength(1);
    expect(venue.health().state).toBe('connected');
    expect(await venue.orderStatus({ clientOrderId: 'R-3' })).toEqual({ ok: true, value: null });
    expect(sim.actions('order')).toHaveLength(1);
    expect(states()).toEqual(['connecting', 'connected']);
  });

  it('with its own timer the poll after a failed one books what the failed one missed', async () => {
    const { sim, venue, events } = await rig({ pollMs: 100 });
    expect((await venue.submit(limit('R-4'))).kind).toBe('accepted');
    const from = sim.requests().length;
    sim.fault({ kind: 'http_5xx', status: 502, path: 'orderStatus', acted: false });
    sim.fill(cloidOf('R-4'), '0.01');
    let statusReads = -1;
    venue.onEvent((e) => {
      if (e.type === 'fill')
        statusReads = sim
          .requests()
          .slice(from)
          .filter((r) => r.type === 'orderStatus').length;
    });
    await waitFor('the fill', () => events.find((e) => e.type === 'fill'));
    // The failed poll's orderStatus (502), then the next poll's, which saw the move and read the fill.
    expect(statusReads).toBe(2);
    expect(sim.requests().filter((r) => r.status === 502)).toHaveLength(1);
    expect(venue.health().state).toBe('connected');
  });
});
