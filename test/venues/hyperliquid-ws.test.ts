// Braid's Hyperliquid adapter with its account WebSocket: the REAL ccxt clients (REST `hyperliquid` for
// orders, pro `hyperliquid` for watchOrders/watchMyTrades) against the wire simulator. The poll interval
// is an hour, so whatever reaches the adapter's events in between was pushed (or read by a REST catch-up
// the socket's coming and going asked for, which the sim's request log shows). Fees by hand: maker
// 0.015 %.
import { afterEach, describe, expect, it } from 'vitest';
import { realTimers, type Timers } from '../../src/main/venues/backoff.ts';
import {
  HyperliquidVenue,
  type HyperliquidVenueOptions,
} from '../../src/main/venues/hyperliquid/hyperliquid-venue.ts';
import { cloidOf } from '../../src/main/venues/hyperliquid/pricing.ts';
import type {
  VenueEvent,
  VenueFill,
  VenueOrderReport,
  VenueOrderRequest,
} from '../../src/main/venues/venue.ts';
import { waitFor } from '../helpers/wait.ts';
import {
  type HyperliquidSim,
  type HyperliquidSimOptions,
  l1Digest,
  signDigest,
  startHyperliquidSim,
} from './hyperliquid/simulator.ts';

const BTC = 'BTC/USDC:USDC';
const HOUR = 3_600_000;
const POLL_MS = 3_333_000;
const RECONCILE_MS = 2_222_000;

const toClose: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of toClose.splice(0).reverse()) await close();
});

interface Rig {
  sim: HyperliquidSim;
  venue: HyperliquidVenue;
  events: VenueEvent[];
  fills: () => VenueFill[];
  reports: () => VenueOrderReport[];
  /** Every delay the adapter's timers were set to, in order. */
  delays: number[];
}

async function rig(
  over: { sim?: HyperliquidSimOptions; venue?: Partial<HyperliquidVenueOptions> } = {},
): Promise<Rig> {
  const sim = await startHyperliquidSim({
    prices: { BTC: { bid: 89_999, ask: 90_000, mark: 90_000 }, ETH: { bid: 2_999.9, ask: 3_000 } },
    ...over.sim,
  });
  toClose.push(() => sim.close());
  const delays: number[] = [];
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      delays.push(ms);
      return realTimers.setTimeout(fn, ms);
    },
    clearTimeout: (h) => realTimers.clearTimeout(h),
  };
  const venue = new HyperliquidVenue({
    url: sim.url,
    wsUrl: sim.wsUrl,
    walletAddress: sim.account,
    privateKey: sim.agentKey,
    pollMs: POLL_MS,
    fullPollMs: HOUR,
    reconcileMs: RECONCILE_MS,
    wsBackoff: { baseMs: 20, maxMs: 100, jitter: 0 },
    timeoutMs: 2_000,
    deadManSeconds: 0,
    random: () => 0,
    timers,
    ...over.venue,
  });
  toClose.push(() => venue.disconnect());
  const events: VenueEvent[] = [];
  venue.onEvent((e) => events.push(e));
  expect(await venue.connect()).toEqual({ ok: true, value: null });
  return {
    sim,
    venue,
    events,
    delays,
    fills: () => events.flatMap((e) => (e.type === 'fill' ? [e.fill] : [])),
    reports: () => events.flatMap((e) => (e.type === 'order' ? [e.report] : [])),
  };
}

const limit = (id: string, quantity = '0.01'): VenueOrderRequest => ({
  clientOrderId: id,
  symbol: BTC,
  side: 'buy',
  type: 'limit',
  quantity,
  price: '89000',
});

/** REST reads of a type the sim got since `at` (sim clock). */
const readsSince = (sim: HyperliquidSim, type: string, at: number) =>
  sim.requests().filter((r) => r.type === type && r.at >= at).length;

/** The socket is subscribed and the catch-up it asked for has been read (its open list came). */
async function pushing(r: Rig, subscriptions = 1): Promise<void> {
  await waitFor('the socket up', () => {
    const s = r.venue.feedStatus();
    return s.state === 'up' && s.subscriptions === subscriptions;
  });
  const upAt = r.sim.wsSessions().at(-1)!.openedAt;
  await waitFor('the catch-up read', () => readsSince(r.sim, 'frontendOpenOrders', upAt) > 0);
  await r.venue.pollNow();
}

let lastNonce = 0;
/** A cancel sent by someone else (the account's own key, the Hyperliquid app): only a push tells Braid. */
async function cancelElsewhere(sim: HyperliquidSim, oid: number): Promise<void> {
  const action = { type: 'cancel', cancels: [{ a: 0, o: oid }] };
  const nonce = Math.max(sim.now(), lastNonce + 1);
  lastNonce = nonce;
  const signature = signDigest(l1Digest(action, nonce, true), sim.accountKey);
  const res = await fetch(`${sim.url}/exchange`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ action, nonce, signature }),
  });
  expect(res.status).toBe(200);
}

describe('Hyperliquid adapter: the account WebSocket', () => {
  it('a fill reaches the events by push, before any REST read could have brought it', async () => {
    const r = await rig();
    await pushing(r);
    expect(await r.venue.submit(limit('W-1'))).toMatchObject({ kind: 'accepted' });
    const cloid = cloidOf('W-1');
    const madeAt = r.sim.now();
    let readsBeforeEvent = -1;
    r.venue.onEvent((e) => {
      if (e.type === 'fill') readsBeforeEvent = readsSince(r.sim, 'userFillsByTime', madeAt);
    });
    const tid = r.sim.fill(cloid, '0.004');
    const fill = await waitFor('the pushed fill', () => r.fills()[0]);
    // No fills read reached the sim between the fill and its event: the socket brought it.
    expect(readsBeforeEvent).toBe(0);
    expect(fill).toMatchObject({
      tradeId: String(tid),
      clientOrderId: 'W-1',
      symbol: BTC,
      side: 'buy',
      quantity: '0.004',
      price: '89000',
      // 0.004 × 89000 × 0.00015 = 0.0534
      fee: '0.0534',
    });
    // The poll it asked for reads the order's state (a partial fill pushes no order update).
    await waitFor('partially filled', () =>
      r.reports().find((x) => x.state === 'partially_filled' && x.filledQuantity === '0.004'),
    );
    expect(r.fills()).toHaveLength(1);
  });

  it('a whole fill: its order update comes first on the wire, yet the fill is booked before the report', async () => {
    const r = await rig();
    await pushing(r);
    await r.venue.submit(limit('W-6'));
    r.sim.fill(cloidOf('W-6'), '0.01');
    await waitFor('filled', () => r.reports().find((x) => x.state === 'filled'));
    const sent = r.sim.wsSessions()[0]!.sent.map((m) => (m as { channel: string }).channel);
    expect(sent.slice(-2)).toEqual(['orderUpdates', 'userFills']);
    const kinds = r.events.flatMap((e) =>
      e.type === 'fill' ? ['fill'] : e.type === 'order' ? [`order:${e.report.state}`] : [],
    );
    expect(kinds).toEqual(['order:open', 'fill', 'order:filled']);
    expect(r.reports().at(-1)).toMatchObject({ filledQuantity: '0.01', avgFillPrice: '89000' });
  });

  it('a partial fill and a cancel made elsewhere arrive by push; each fill once', async () => {
    const r = await rig();
    await pushing(r);
    await r.venue.submit(limit('W-2', '0.02'));
    const cloid = cloidOf('W-2');
    const oid = r.sim.order(cloid)!.oid;
    r.sim.fill(cloid, '0.005');
    await waitFor('partially filled', () => r.reports().find((x) => x.state === 'partially_filled'));
    const cancelledAt = r.sim.now();
    let restSince = -1;
    r.venue.onEvent((e) => {
      if (e.type === 'order' && e.report.state === 'cancelled')
        restSince =
          readsSince(r.sim, 'orderStatus', cancelledAt) +
          readsSince(r.sim, 'frontendOpenOrders', cancelledAt);
    });
    await cancelElsewhere(r.sim, oid);
    const cancelled = await waitFor('cancelled', () => r.reports().find((x) => x.state === 'cancelled'));
    expect(restSince).toBe(0);
    expect(cancelled).toMatchObject({
      clientOrderId: 'W-2',
      venueOrderId: String(oid),
      quantity: '0.02',
      filledQuantity: '0.005',
    });
    expect(r.reports().map((x) => x.state)).toEqual(['open', 'partially_filled', 'cancelled']);
    expect(r.fills().map((f) => f.quantity)).toEqual(['0.005']);
  });

  it('a dropped socket comes back; a fill made while it was down is found by the REST catch-up, once', async () => {
    // An empty snapshot on resubscribe: only the REST catch-up can find what was missed.
    const r = await rig({ sim: { wsSnapshotFills: 0 } });
    await pushing(r);
    await r.venue.submit(limit('W-3'));
    const cloid = cloidOf('W-3');
    r.sim.wsRefuse(true);
    expect(r.sim.wsDrop('reset')).toBe(1);
    await waitFor('down', () => r.venue.feedStatus().state !== 'up');
    await waitFor('the drop said', () =>
      r.events.find((e) => e.type === 'notice' && e.code === 'hyperliquid_ws_down'),
    );
    // Down: REST polls at pollMs again.
    await waitFor('polling at pollMs', () => r.delays.at(-1) === POLL_MS || r.delays.includes(POLL_MS));
    await r.venue.pollNow();
    const tid = r.sim.fill(cloid, '0.01');
    expect(r.fills()).toEqual([]);
    r.sim.wsRefuse(false);
    await waitFor('reconnected', () => r.events.find((e) => e.type === 'reconnected'));
    const fill = await waitFor('the missed fill', () => r.fills()[0]);
    expect(fill).toMatchObject({ tradeId: String(tid), clientOrderId: 'W-3', quantity: '0.01' });
    await waitFor('filled', () => r.reports().find((x) => x.state === 'filled'));
    await pushing(r, 2);
    expect(r.fills()).toHaveLength(1);
    expect(r.reports().filter((x) => x.state === 'filled')).toHaveLength(1);
    expect(r.events.filter((e) => e.type === 'notice' && e.code === 'hyperliquid_ws_restored')).toHaveLength(
      1,
    );
    // Up again: the next poll waits reconcileMs.
    expect(r.delays.at(-1)).toBe(RECONCILE_MS);
  });

  it('a missed fill both in the snapshot after a reconnect and in the REST catch-up is booked once', async () => {
    const r = await rig();
    await pushing(r);
    await r.venue.submit(limit('W-4'));
    r.sim.wsRefuse(true);
    r.sim.wsDrop('close');
    await waitFor('down', () => r.venue.feedStatus().state !== 'up');
    await r.venue.pollNow();
    const tid = r.sim.fill(cloidOf('W-4'), '0.01');
    r.sim.wsRefuse(false);
    await pushing(r, 2);
    expect(r.fills().map((f) => f.tradeId)).toEqual([String(tid)]);
  });

  it('without a reachable socket the adapter polls REST at pollMs and says so once', async () => {
    const sim = await startHyperliquidSim();
    sim.wsRefuse(true);
    await sim.close();
    const r = await rig({ venue: { wsUrl: sim.wsUrl, pollMs: 100 } });
    await waitFor('said', () =>
      r.events.find((e) => e.type === 'notice' && e.code === 'hyperliquid_ws_unavailable'),
    );
    await r.venue.submit(limit('W-5'));
    r.sim.fill(cloidOf('W-5'), '0.01');
    await waitFor('the polled fill', () => r.fills()[0]);
    await waitFor('more attempts', () => r.delays.filter((d) => d === 100).length > 3);
    expect(r.venue.feedStatus().subscriptions).toBe(0);
    expect(
      r.events.filter((e) => e.type === 'notice' && e.code === 'hyperliquid_ws_unavailable'),
    ).toHaveLength(1);
  });
});
