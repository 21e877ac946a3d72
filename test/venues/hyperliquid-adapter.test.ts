// Braid's Hyperliquid adapter with the REAL ccxt `hyperliquid` client against the wire simulator (which
// recovers every signer and keeps Hyperliquid's nonce set): orders, fills, cancels, modify, stops, the
// builder-fee/referrer switch-off, nonces, faults, the dead-man switch and the key lock. Polls are run by
// hand (pollNow) so every expectation is exact. Money computed by hand in the comments.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HyperliquidVenue,
  type HyperliquidVenueOptions,
} from '../../src/main/venues/hyperliquid/hyperliquid-venue.ts';
import { cloidOf, marketLimitPrice, roundPrice, tickAt } from '../../src/main/venues/hyperliquid/pricing.ts';
import { WeightBudget } from '../../src/main/venues/hyperliquid/rate-budget.ts';
import type { Timers } from '../../src/main/venues/kraken/dead-man.ts';
import type {
  VenueEvent,
  VenueFill,
  VenueOrderReport,
  VenueOrderRequest,
} from '../../src/main/venues/venue.ts';
import { dec } from '../../src/shared/domain/decimal.ts';
import {
  addressOfKey,
  type HyperliquidSim,
  type HyperliquidSimOptions,
  startHyperliquidSim,
  TEST_KEYS,
} from './hyperliquid/simulator.ts';

const BTC = 'BTC/USDC:USDC';
const ETH = 'ETH/USDC:USDC';
const AGENT = addressOfKey(TEST_KEYS.agent);
/** Polls only when a test asks (pollNow): the timer never fires within a test. */
const NEVER = 3_600_000;

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
}

async function rig(
  options: { sim?: HyperliquidSimOptions; venue?: Partial<HyperliquidVenueOptions>; connect?: boolean } = {},
): Promise<Rig> {
  const sim = await startHyperliquidSim({
    prices: {
      BTC: { bid: 89_999, ask: 90_000, mark: 90_000 },
      ETH: { bid: 2_999.9, ask: 3_000, mark: 3_000 },
    },
    ...options.sim,
  });
  toClose.push(() => sim.close());
  const venue = adapter(sim, options.venue);
  const events: VenueEvent[] = [];
  venue.onEvent((e) => events.push(e));
  if (options.connect !== false) expect(await venue.connect()).toEqual({ ok: true, value: null });
  return {
    sim,
    venue,
    events,
    fills: () => events.flatMap((e) => (e.type === 'fill' ? [e.fill] : [])),
    reports: () => events.flatMap((e) => (e.type === 'order' ? [e.report] : [])),
  };
}

function adapter(sim: HyperliquidSim, over: Partial<HyperliquidVenueOptions> = {}): HyperliquidVenue {
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
  return venue;
}

const limit = (id: string, over: Partial<VenueOrderRequest> = {}): VenueOrderRequest => ({
  clientOrderId: id,
  symbol: BTC,
  side: 'buy',
  type: 'limit',
  quantity: '0.01',
  price: '89000',
  ...over,
});

const actionOf = (r: { body: unknown }) => (r.body as { action: Record<string, unknown> }).action;

describe('pricing rules (hand-computed)', () => {
  it('5 significant figures and 6 − szDecimals decimals, rounded the safe way; integers always pass', () => {
    expect(roundPrice(dec('89000.5'), 5, 'down').toFixed()).toBe('89000');
    expect(roundPrice(dec('89000.5'), 5, 'up').toFixed()).toBe('89001');
    expect(roundPrice(dec('123456.7'), 5, 'down').toFixed()).toBe('123456'); // an integer is always fine
    expect(roundPrice(dec('2999.15'), 4, 'up').toFixed()).toBe('2999.2'); // 5 figures
    expect(roundPrice(dec('29.9917'), 4, 'down').toFixed()).toBe('29.99'); // 6 − 4 = 2 decimals
    expect(roundPrice(dec('0.0123456'), 0, 'down').toFixed()).toBe('0.012345');
    expect(tickAt(dec('90000'), 5)).toBe('1');
    expect(tickAt(dec('3000'), 4)).toBe('0.1');
    // 90123 × 1.01 = 91024.23 → 91024 (a buy's bound rounds down); × 0.99 = 89221.77 → 89222 (up).
    expect(marketLimitPrice(dec(90_123), 'buy', dec('0.01'), 5).toFixed()).toBe('91024');
    expect(marketLimitPrice(dec(90_123), 'sell', dec('0.01'), 5).toFixed()).toBe('89222');
    expect(cloidOf('PLAN-1:E1')).toMatch(/^0x[0-9a-f]{32}$/);
    expect(cloidOf('PLAN-1:E1')).toBe(cloidOf('PLAN-1:E1'));
    expect(cloidOf('PLAN-1:E1')).not.toBe(cloidOf('PLAN-1:E2'));
  });
});

describe('the weight budget: 1,200 a minute, kept under 80 %', () => {
  it('a call waits until its weight fits under 960; a 429 holds every call off 1 s, then 2 s', async () => {
    const clock = { t: 0 };
    const budget = new WeightBudget({
      clock: () => clock.t,
      sleep: async (ms) => {
        clock.t += ms;
      },
    });
    await budget.take(950);
    clock.t = 1_000;
    await budget.take(10); // 960: at the ceiling, not past it
    expect(clock.t).toBe(1_000);
    await budget.take(2); // 962 > 960: waits until the 950 (charged at 0) leaves the minute
    expect(clock.t).toBe(60_001);
    expect(budget.usedWeight()).toBe(12);
    expect(budget.used()).toBe(0.01);
    expect(budget.rateLimited(0)).toBe(1_000);
    expect(budget.rateLimited(0.5)).toBe(2_200); // 2 s + 10 % jitter
    await budget.take(1);
    expect(clock.t).toBe(60_001 + 2_200);
    budget.answered();
    expect(budget.rateLimited(0)).toBe(1_000);
  });
});

describe('HyperliquidVenue through ccxt against the simulator', () => {
  it('connects: perps with tick from 5 significant figures, lot 10^−szDecimals, $10 minimum; signed by the API wallet', async () => {
    const { sim, venue } = await rig();
    const instruments = await venue.instruments();
    expect(instruments).toEqual({
      ok: true,
      value: [
        {
          symbol: BTC,
          venueSymbol: 'BTC',
          base: 'BTC',
          quote: 'USDC',
          tick: '1',
          lot: '0.00001',
          minSize: '0.00001',
          minNotional: '10',
        },
        {
          symbol: ETH,
          venueSymbol: 'ETH',
          base: 'ETH',
          quote: 'USDC',
          tick: '0.1',
          lot: '0.0001',
          minSize: '0.0001',
          minNotional: '10',
        },
      ],
    });
    expect(venue.health()).toMatchObject({ state: 'connected' });
    // The signed no-op proved the API wallet acts for the account.
    expect(sim.actions('noop')).toMatchObject([
      { signer: AGENT, signerRole: 'agent', status: 200, error: undefined },
    ]);
    expect(venue.capabilities).toEqual({
      nativeBrackets: true,
      oco: false,
      stopOrders: true,
      amend: 'cancel_replace',
      reduceOnly: true,
      postOnly: true,
      cancelAll: false,
      deadManSwitch: true,
      nativeTrailing: false,
      dayOrders: false,
      outsideRth: false,
    });
  });

  it('no monetisation: no approveBuilderFee, no setReferrer, no builder field on any order, cancel or modify', async () => {
    const { sim, venue } = await rig();
    expect((await venue.submit(limit('NB-1'))).kind).toBe('accepted');
    expect((await venue.submit(limit('NB-2', { type: 'market', price: undefined }))).kind).toBe('accepted');
    expect((await venue.modify({ clientOrderId: 'NB-1' }, { price: '88000' })).kind).toBe('accepted');
    expect((await venue.cancel({ clientOrderId: 'NB-1' })).kind).toBe('accepted');
    expect(sim.actions('order')).toHaveLength(2);
    expect(sim.actions('batchModify')).toHaveLength(1);
    expect(sim.actions('cancel')).toHaveLength(1);
    expect(sim.actions('approveBuilderFee')).toEqual([]);
    expect(sim.actions('setReferrer')).toEqual([]);
    expect(sim.builderOrders()).toEqual([]);
    for (const r of sim.requests().filter((x) => x.endpoint === 'exchange')) {
      expect(Object.keys(actionOf(r))).not.toContain('builder');
      expect(r.signerRole).toBe('agent');
    }
    // No builder's cut on the market order's fill: taker fee only, 0.01 × 90000 × 0.00045 = 0.405.
    expect(sim.fills()).toMatchObject([{ fee: '0.405', builderFee: '0' }]);
  });

  it('a limit rests (GTC, cloid from Braid id), a crossing one fills as taker; balances and positions as computed', async () => {
    const { sim, venue, fills, reports } = await rig();
    const rest = await venue.submit(limit('L-1'));
    expect(rest).toMatchObject({ kind: 'accepted', venueOrderId: '91000000001' });
    expect(sim.order(cloidOf('L-1'))).toMatchObject({
      oid: 91_000_000_001,
      status: 'open',
      tif: 'Gtc',
      limitPx: '89000',
      sz: '0.01',
      reduceOnly: false,
    });
    // 90100 crosses the 90000 ask: 0.01 fills there as taker.
    const cross = await venue.submit(limit('L-2', { price: '90100' }));
    expect(cross).toMatchObject({ kind: 'accepted', venueOrderId: '91000000002' });
    await venue.pollNow();
    expect(fills()).toEqual([
      {
        tradeId: '500000000000001',
        venueOrderId: '91000000002',
        clientOrderId: 'L-2',
        symbol: BTC,
        side: 'buy',
        price: '90000',
        quantity: '0.01',
        fee: '0.405', // 900 × 0.045 %
        feeCurrency: 'USDC',
        liquidity: 'taker',
        time: sim.fills()[0]!.time,
      },
    ]);
    expect(reports().map((r) => [r.clientOrderId, r.state, r.filledQuantity, r.price])).toEqual([
      ['L-1', 'open', '0', '89000'],
      ['L-2', 'filled', '0.01', '90100'],
    ]);
    expect(reports()[1]!.avgFillPrice).toBe('90000');
    // Cash 100000 − 0.405; mark = entry, nothing unrealized. Withdrawable: less 900 / 20 = 45 of margin
    // and the resting buy's 0.01 × 89000 / 20 = 44.5.
    expect(await venue.balances()).toEqual({
      ok: true,
      value: [{ asset: 'USDC', total: '99999.595', free: '99910.095' }],
    });
    expect(await venue.positions()).toEqual({
      ok: true,
      value: [
        {
          symbol: BTC,
          quantity: '0.01',
          entryPrice: '90000',
          leverage: 20,
          marginMode: 'cross',
          unrealizedPnl: '0',
          marginUsed: '45',
          fundingSinceOpen: '0',
        },
      ],
    });
  });

  it('a partial fill, then the rest: each fill once, the report partially_filled then filled', async () => {
    const { sim, venue, fills, reports } = await rig();
    await venue.submit(limit('P-1', { quantity: '0.02' }));
    await venue.pollNow();
    sim.fill(cloidOf('P-1'), '0.005');
    await venue.pollNow();
    await venue.pollNow();
    // Maker at 89000: 0.005 × 89000 × 0.015 % = 0.06675.
    expect(fills().map((f) => [f.quantity, f.price, f.fee, f.liquidity])).toEqual([
      ['0.005', '89000', '0.06675', 'maker'],
    ]);
    expect(reports().map((r) => [r.state, r.filledQuantity])).toEqual([
      ['open', '0'],
      ['partially_filled', '0.005'],
    ]);
    sim.fill(cloidOf('P-1'), '0.015');
    await venue.pollNow();
    expect(fills().map((f) => f.quantity)).toEqual(['0.005', '0.015']);
    expect(reports().at(-1)).toMatchObject({
      state: 'filled',
      quantity: '0.02',
      filledQuantity: '0.02',
      avgFillPrice: '89000',
    });
  });

  it('cancel, and a fill that lands after the cancel is booked once', async () => {
    const { sim, venue, fills, reports } = await rig();
    const placed = await venue.submit(limit('C-1'));
    const oid = placed.kind === 'accepted' ? placed.venueOrderId : '';
    sim.holdFills(true);
    sim.fill(Number(oid), '0.01'); // matched, but reported late
    expect(await venue.cancel({ clientOrderId: 'C-1' })).toMatchObject({
      kind: 'accepted',
      venueOrderId: oid,
    });
    expect(sim.order(Number(oid))!.status).toBe('canceled');
    await venue.pollNow();
    expect(reports().map((r) => r.state)).toEqual(['cancelled']);
    expect(fills()).toEqual([]);
    const [tid] = sim.releaseFills();
    await venue.pollNow();
    await venue.pollNow();
    expect(fills().map((f) => [f.tradeId, f.clientOrderId, f.quantity])).toEqual([
      [String(tid), 'C-1', '0.01'],
    ]);
    // And a read from the start has it once too.
    const since = await venue.fillsSince({ since: 0 });
    expect(since.ok && since.value.map((f) => f.tradeId)).toEqual([String(tid)]);
    // A second cancel: Hyperliquid has no such open order.
    expect(await venue.cancel({ clientOrderId: 'C-1' })).toMatchObject({
      kind: 'rejected',
      reason: 'unknown_order',
    });
  });

  it('market: an IOC limit at the mark ± 1 %, not ccxt 5 %; a reduce-only market close flattens the position', async () => {
    const { sim, venue, fills } = await rig();
    sim.setPrice(BTC, { bid: 90_100, ask: 90_110, mark: 90_123 });
    const buy = await venue.submit(limit('M-1', { type: 'market', price: undefined }));
    expect(buy.kind).toBe('accepted');
    // 90123 × 1.01 = 91024.23 → 91024; it takes the 90110 ask.
    expect(sim.order(cloidOf('M-1'))).toMatchObject({
      limitPx: '91024',
      tif: 'Ioc',
      status: 'filled',
      reduceOnly: false,
    });
    const close = await venue.submit(
      limit('M-2', { type: 'market', side: 'sell', price: undefined, reduceOnly: true }),
    );
    expect(close.kind).toBe('accepted');
    // 90123 × 0.99 = 89221.77 → 89222; it takes the 90100 bid.
    expect(sim.order(cloidOf('M-2'))).toMatchObject({
      limitPx: '89222',
      tif: 'Ioc',
      status: 'filled',
      reduceOnly: true,
    });
    expect(sim.positions()).toEqual([]);
    await venue.pollNow();
    expect(fills().map((f) => [f.clientOrderId, f.side, f.price, f.quantity])).toEqual([
      ['M-1', 'buy', '90110', '0.01'],
      ['M-2', 'sell', '90100', '0.01'],
    ]);
    expect(await venue.positions()).toEqual({ ok: true, value: [] });
    // Reduce-only with nothing to reduce is Hyperliquid's refusal.
    const nothing = await venue.submit(
      limit('M-3', { type: 'market', side: 'sell', price: undefined, reduceOnly: true }),
    );
    expect(nothing).toMatchObject({ kind: 'rejected', reason: 'invalid_order' });
  });

  it('modify is cancel-replace: a new oid with the same cloid, sized to what is left; reports by cloid', async () => {
    const { sim, venue, fills, reports } = await rig();
    const first = await venue.submit(limit('X-1', { quantity: '0.02' }));
    const oldOid = first.kind === 'accepted' ? first.venueOrderId : '';
    sim.fill(cloidOf('X-1'), '0.005');
    const modified = await venue.modify({ clientOrderId: 'X-1', venueOrderId: oldOid }, { price: '88500' });
    expect(modified.kind).toBe('accepted');
    const newOid = modified.kind === 'accepted' ? modified.venueOrderId : '';
    expect(newOid).not.toBe(oldOid);
    expect(sim.order(Number(oldOid))!.status).toBe('canceled');
    // 0.02 − 0.005 filled = 0.015 left, at the new price, same cloid.
    expect(sim.order(Number(newOid))).toMatchObject({
      cloid: cloidOf('X-1'),
      status: 'open',
      limitPx: '88500',
      sz: '0.015',
    });
    await venue.pollNow();
    expect(fills().map((f) => [f.venueOrderId, f.clientOrderId, f.quantity])).toEqual([
      [oldOid, 'X-1', '0.005'],
    ]);
    // The order as a whole: 0.02, of which 0.005 filled (on the replaced oid); the old oid's end is not reported.
    expect(
      reports().map((r) => [r.venueOrderId, r.clientOrderId, r.state, r.quantity, r.filledQuantity, r.price]),
    ).toEqual([[newOid, 'X-1', 'partially_filled', '0.02', '0.005', '88500']]);
    const status = await venue.orderStatus({ clientOrderId: 'X-1' });
    expect(status).toMatchObject({ ok: true, value: { venueOrderId: newOid, filledQuantity: '0.005' } });
    // A larger size: 0.03 in all, 0.025 to go.
    const bigger = await venue.modify({ clientOrderId: 'X-1' }, { quantity: '0.03' });
    const third = bigger.kind === 'accepted' ? bigger.venueOrderId : '';
    expect(sim.order(Number(third))).toMatchObject({ cloid: cloidOf('X-1'), limitPx: '88500', sz: '0.025' });
  });

  it('a modify whose answer is lost: unknown; the old oid ending is not reported as the order ending', async () => {
    const { sim, venue, reports } = await rig();
    const first = await venue.submit(limit('Y-1'));
    const oldOid = first.kind === 'accepted' ? first.venueOrderId : '';
    await venue.pollNow();
    sim.fault({ kind: 'drop_after_accept', path: 'batchModify' });
    expect(await venue.modify({ clientOrderId: 'Y-1' }, { price: '88000' })).toMatchObject({
      kind: 'unknown',
    });
    const replacement = sim.order(cloidOf('Y-1'))!;
    expect(String(replacement.oid)).not.toBe(oldOid);
    await venue.pollNow();
    await venue.pollNow();
    expect(reports().map((r) => [r.venueOrderId, r.state, r.price])).toEqual([
      [oldOid, 'open', '89000'],
      [String(replacement.oid), 'open', '88000'],
    ]);
    expect(sim.actions('batchModify')).toHaveLength(1);
  });

  it('a stop modified: a new trigger price, the same cloid, its limit the new trigger − 1 %', async () => {
    const { sim, venue } = await rig();
    await venue.submit(limit('SM-0', { price: '90000' })); // long 0.01
    await venue.submit(
      limit('SM-1', { type: 'stop', side: 'sell', price: undefined, stopPrice: '85000', reduceOnly: true }),
    );
    const moved = await venue.modify({ clientOrderId: 'SM-1' }, { stopPrice: '86000' });
    expect(moved.kind).toBe('accepted');
    // 86000 × 0.99 = 85140.
    expect(sim.order(cloidOf('SM-1'))).toMatchObject({
      status: 'open',
      limitPx: '85140',
      sz: '0.01',
      trigger: { isMarket: true, triggerPx: '86000', tpsl: 'sl' },
    });
    const status = await venue.orderStatus({ clientOrderId: 'SM-1' });
    expect(status).toMatchObject({ ok: true, value: { type: 'stop', stopPrice: '86000', state: 'open' } });
  });

  it('a stop is a trigger order (sl, market, limit at the trigger − 1 %) that fires on the mark', async () => {
    const { sim, venue, fills } = await rig();
    await venue.submit(limit('S-0', { price: '90000' })); // long 0.01 at 90000
    const stop = await venue.submit(
      limit('S-1', { type: 'stop', side: 'sell', price: undefined, stopPrice: '85000', reduceOnly: true }),
    );
    expect(stop.kind).toBe('accepted');
    // 85000 × 0.99 = 84150.
    expect(sim.order(cloidOf('S-1'))).toMatchObject({
      status: 'open',
      limitPx: '84150',
      reduceOnly: true,
      trigger: { isMarket: true, triggerPx: '85000', tpsl: 'sl' },
    });
    await venue.pollNow();
    sim.setPrice(BTC, { bid: 84_800, ask: 84_810, mark: 84_900 });
    await venue.pollNow();
    // Sold 0.01 at the 84800 bid: closed P&L 0.01 × (84800 − 90000) = −52.
    expect(fills().map((f) => [f.clientOrderId, f.side, f.price])).toEqual([
      ['S-0', 'buy', '90000'],
      ['S-1', 'sell', '84800'],
    ]);
    expect(sim.fills().at(-1)!.closedPnl).toBe('-52');
    expect(sim.positions()).toEqual([]);
  });

  it('refusals: $10 minimum before sending, insufficient margin, post-only that would cross, DAY', async () => {
    const { sim, venue } = await rig();
    // 0.0001 × 89000 = 8.90 < 10: refused here, nothing sent.
    expect(await venue.submit(limit('R-1', { quantity: '0.0001' }))).toMatchObject({
      kind: 'rejected',
      reason: 'size_below_min',
    });
    expect(sim.actions('order')).toEqual([]);
    // 30 × 89000 / 20 = 133500 of margin > 100000.
    expect(await venue.submit(limit('R-2', { quantity: '30' }))).toMatchObject({
      kind: 'rejected',
      reason: 'insufficient_funds',
    });
    expect(await venue.submit(limit('R-3', { price: '90000', postOnly: true }))).toMatchObject({
      kind: 'rejected',
      reason: 'invalid_order',
      message: expect.stringContaining('Post only order would have immediately matched'),
    });
    expect(actionOf(sim.actions('order')[1]!)).toMatchObject({
      orders: [{ t: { limit: { tif: 'Alo' } } }],
    });
    expect(await venue.submit(limit('R-4', { timeInForce: 'DAY' }))).toMatchObject({
      kind: 'rejected',
      reason: 'invalid_order',
    });
    // A price between ticks is rounded (a buy down), not refused: 89000.7 → 89000.
    expect((await venue.submit(limit('R-5', { price: '89000.7' }))).kind).toBe('accepted');
    expect(sim.order(cloidOf('R-5'))!.limitPx).toBe('89000');
    expect(sim.orders()).toHaveLength(1);
  });

  it('nonces: two submits in one millisecond get two nonces, one apart, and both orders are placed', async () => {
    const T = Date.now();
    const { sim, venue } = await rig({ venue: { clock: () => T } });
    const [a, b] = await Promise.all([
      venue.submit(limit('N-1')),
      venue.submit(limit('N-2', { price: '88000' })),
    ]);
    expect([a.kind, b.kind]).toEqual(['accepted', 'accepted']);
    const nonces = sim.actions('order').map((r) => r.nonce!);
    expect(nonces).toHaveLength(2);
    expect(Math.abs(nonces[0]! - nonces[1]!)).toBe(1);
    expect(sim.actions('order').every((r) => r.error === undefined)).toBe(true);
    expect(sim.nonces(AGENT)).toEqual(expect.arrayContaining(nonces));
    // A second adapter on the same wallet in this process continues the sequence, never repeats it.
    await venue.disconnect();
    const again = adapter(sim, { clock: () => T });
    await again.connect();
    await again.submit(limit('N-3', { price: '87000' }));
    expect(sim.actions('order').at(-1)!.nonce).toBeGreaterThan(Math.max(...nonces));
    expect(sim.orders()).toHaveLength(3);
  });

  it('accepted then the connection dropped: unknown, resolved by orderStatus by cloid, never sent twice', async () => {
    const { sim, venue } = await rig();
    sim.fault({ kind: 'drop_after_accept', path: 'order' });
    const outcome = await venue.submit(limit('U-1'));
    expect(outcome).toMatchObject({ kind: 'unknown' });
    expect(sim.actions('order')).toHaveLength(1);
    const status = await venue.orderStatus({ clientOrderId: 'U-1' });
    expect(status).toEqual({
      ok: true,
      value: expect.objectContaining({
        clientOrderId: 'U-1',
        venueOrderId: String(sim.orders()[0]!.oid),
        state: 'open',
      }),
    });
    expect(sim.orders()).toHaveLength(1);
    expect(sim.actions('order')).toHaveLength(1);
  });

  it('HTTP 5xx is unknown (whether or not it acted); orderStatus tells which', async () => {
    const { sim, venue } = await rig();
    sim.fault({ kind: 'http_5xx', status: 502, path: 'order', acted: false });
    expect(await venue.submit(limit('5-1'))).toMatchObject({ kind: 'unknown' });
    expect(await venue.orderStatus({ clientOrderId: '5-1' })).toEqual({ ok: true, value: null });
    sim.fault({ kind: 'http_5xx', status: 503, path: 'order', acted: true });
    expect(await venue.submit(limit('5-2'))).toMatchObject({ kind: 'unknown' });
    expect(await venue.orderStatus({ clientOrderId: '5-2' })).toMatchObject({
      ok: true,
      value: { state: 'open' },
    });
    expect(sim.orders()).toHaveLength(1);
  });

  it('a 429 storm: throttled with a retry time, nothing placed; after the backoff the order goes', async () => {
    let skew = 0;
    const { sim, venue } = await rig({
      venue: {
        clock: () => Date.now() + skew,
        sleep: async (ms) => {
          skew += ms;
        },
      },
    });
    sim.fault({ kind: 'rate_limit_storm', path: 'order', count: 2 });
    // Backoff 1 s, then 2 s (jitter 0).
    expect(await venue.submit(limit('T-1'))).toMatchObject({ kind: 'throttled', retryAfterMs: 1_000 });
    expect(await venue.submit(limit('T-1'))).toMatchObject({ kind: 'throttled', retryAfterMs: 2_000 });
    expect(sim.orders()).toEqual([]);
    expect(venue.health().state).toBe('connected'); // a rate limit is not a lost connection
    const before = skew;
    expect((await venue.submit(limit('T-1'))).kind).toBe('accepted');
    expect(skew - before).toBeGreaterThanOrEqual(1_900); // it waited out the hold-off
    expect(sim.orders()).toHaveLength(1);
  });

  it('an answer lost (timeout) is unknown; the weight Braid counts is the weight the venue counts', async () => {
    const { sim, venue } = await rig({ venue: { timeoutMs: 300 } });
    // Connect: spotMeta 20 + metaAndAssetCtxs 20 + noop 1.
    expect(sim.weight().used).toBe(41);
    expect(venue.health().rateBudgetUsed * 1_200).toBeCloseTo(41, 9);
    sim.fault({ kind: 'lose_answer', path: 'order' });
    expect(await venue.submit(limit('W-1'))).toMatchObject({ kind: 'unknown' });
    expect(sim.order(cloidOf('W-1'))!.status).toBe('open'); // it was placed
    // Not polled by status (it is the bridge's to resolve by client id); the first poll reads fills (20)
    // and the open list (20), which shows it, so it is watched from then on (orderStatus 2).
    await venue.pollNow();
    expect(sim.weight().used).toBe(41 + 1 + 40);
    expect(venue.health().rateBudgetUsed * 1_200).toBeCloseTo(82, 9);
    await venue.pollNow();
    expect(sim.requests().at(-1)).toMatchObject({ type: 'orderStatus', weight: 2 });
    expect(sim.weight().used).toBe(84);
    expect(venue.health().rateBudgetUsed * 1_200).toBeCloseTo(84, 9);
  });

  it('a restarted adapter finds Braid orders by their cloid: status and cancel by client id alone', async () => {
    const { sim, venue } = await rig();
    await venue.submit(limit('Z-1'));
    await venue.disconnect();
    const next = adapter(sim);
    await next.connect();
    expect(await next.orderStatus({ clientOrderId: 'Z-1' })).toMatchObject({
      ok: true,
      value: { clientOrderId: 'Z-1', state: 'open', price: '89000', quantity: '0.01' },
    });
    expect((await next.cancel({ clientOrderId: 'Z-1' })).kind).toBe('accepted');
    expect(sim.order(cloidOf('Z-1'))!.status).toBe('canceled');
    expect(await next.orderStatus({ clientOrderId: 'nobody' })).toEqual({ ok: true, value: null });
    // Fills on an order it was told of (the journal's ids) come named by Braid's id.
    const t0 = Date.now();
    await venue.disconnect();
    await next.disconnect();
    const third = adapter(sim);
    await third.connect();
    const direct = adapter(sim, { privateKey: sim.accountKey });
    await direct.connect();
    await direct.submit(limit('Z-2', { price: '90000' })); // placed by another process, filled at once
    third.knowClientOrderIds(['Z-2']);
    const read = await third.fillsSince({ since: t0 });
    expect(read.ok && read.value.map((f) => f.clientOrderId)).toEqual(['Z-2']);
  });

  it('fills while the connection is down arrive after it is back; a new process reads them with fillsSince', async () => {
    const { sim, venue, events, fills } = await rig();
    const placed = await venue.submit(limit('D-1'));
    await venue.pollNow();
    const t0 = Date.now();
    sim.fault({ kind: 'drop_before_accept', path: 'info', count: 1 });
    await venue.pollNow();
    expect(venue.health().state).toBe('disconnected');
    const tid = sim.fill(cloidOf('D-1'), '0.01');
    await venue.pollNow();
    const kinds = events.map((e) => (e.type === 'connection' ? `connection:${e.state}` : e.type));
    expect(kinds.slice(-5)).toEqual([
      'connection:disconnected',
      'connection:connected',
      'reconnected',
      'fill',
      'order',
    ]);
    expect(fills().map((f) => [f.tradeId, f.clientOrderId])).toEqual([[String(tid), 'D-1']]);
    await venue.disconnect();
    // Another Braid process on the same wallet (after this one stopped) reads the fill from its cursor.
    const next = adapter(sim);
    await next.connect();
    const read = await next.fillsSince({ since: t0 });
    expect(read.ok && read.value.map((f) => [f.tradeId, f.venueOrderId, f.quantity])).toEqual([
      [String(tid), placed.kind === 'accepted' ? placed.venueOrderId : '', '0.01'],
    ]);
    const mass = await next.massStatus({ since: t0 });
    expect(
      mass.ok && [
        mass.value.openOrders,
        mass.value.fills.length,
        mass.value.positions.map((p) => p.quantity),
      ],
    ).toEqual([[], 1, ['0.01']]);
  });

  it('testnet signs as testnet (phantom source b): a mainnet signer is someone else to a testnet venue', async () => {
    const { sim, venue } = await rig({ sim: { mainnet: false }, venue: { testnet: true } });
    expect(sim.actions('noop')).toMatchObject([{ signerRole: 'agent' }]);
    expect((await venue.submit(limit('TN-1'))).kind).toBe('accepted');
    const mainnet = adapter(sim);
    const refused = await mainnet.connect();
    expect(refused).toMatchObject({ ok: false, retryable: false });
    expect(sim.orders()).toHaveLength(1);
  });

  it('cancelAll cancels every open order in one signed action (Hyperliquid has no cancel-all)', async () => {
    const { sim, venue } = await rig();
    await venue.submit(limit('K-1'));
    await venue.submit(limit('K-2', { symbol: ETH, side: 'sell', quantity: '0.1', price: '3100' }));
    expect(await venue.cancelAll()).toMatchObject({ kind: 'accepted' });
    expect(sim.orders().map((o) => o.status)).toEqual(['canceled', 'canceled']);
    expect(sim.actions('cancel')).toHaveLength(1);
    expect(await venue.openOrders()).toEqual({ ok: true, value: [] });
    expect(await venue.cancelAll()).toMatchObject({ kind: 'accepted' }); // nothing left: nothing sent
    expect(sim.actions('cancel')).toHaveLength(1);
  });

  it('funding payments are read from userFunding', async () => {
    const { sim, venue } = await rig();
    const t0 = Date.now();
    await venue.submit(limit('F-1', { price: '90000' })); // long 0.01
    // Long 0.01 × mark 90000 × 0.0001 = 0.09 paid.
    expect(sim.applyFunding('BTC', '0.0001')).toBe('-0.09');
    const funding = await venue.fundingSince(t0);
    expect(funding).toEqual({
      ok: true,
      value: [
        { symbol: BTC, time: expect.any(Number), amount: '-0.09', rate: '0.0001', positionSize: '0.01' },
      ],
    });
    const positions = await venue.positions();
    expect(positions.ok && positions.value[0]!.fundingSinceOpen).toBe('0.09');
  });
});

describe('dead-man switch and key lock', () => {
  /** Timers run by hand: the refresh is asserted, never waited for. */
  function handTimers() {
    const pending: Array<{ fn: () => void; ms: number; handle: number }> = [];
    let next = 1;
    const timers: Timers = {
      setTimeout: (fn, ms) => {
        const handle = next++;
        pending.push({ fn, ms, handle });
        return handle;
      },
      clearTimeout: (handle) => {
        const i = pending.findIndex((p) => p.handle === handle);
        if (i >= 0) pending.splice(i, 1);
      },
    };
    return { timers, pending };
  }

  it('armed at connect (60 s ahead), refreshed every 15 s, cleared on a planned stop', async () => {
    const { timers, pending } = handTimers();
    const { sim, venue } = await rig({
      sim: { scheduleCancelVolume: 0 },
      venue: { deadManSeconds: 60, timers },
    });
    const [armed] = sim.actions('scheduleCancel');
    expect(actionOf(armed!).time).toBe(armed!.nonce! + 60_000);
    expect(sim.deadMan().time).toBe(armed!.nonce! + 60_000);
    expect(venue.health().detail).toBeUndefined();
    const refresh = pending.find((p) => p.ms === 15_000);
    expect(refresh).toBeDefined();
    refresh!.fn();
    const again = await venue.refreshDeadMan(); // the timer's refresh and this one: each moves it on
    expect(again.ok).toBe(true);
    const last = sim.actions('scheduleCancel').at(-1)!;
    expect(sim.deadMan().time).toBe(last.nonce! + 60_000);
    expect(sim.actions('scheduleCancel').length).toBeGreaterThanOrEqual(2);
    await venue.disconnect();
    // Cleared: the action without a time.
    expect(actionOf(sim.actions('scheduleCancel').at(-1)!)).toEqual({ type: 'scheduleCancel' });
    expect(sim.deadMan().time).toBeNull();
  });

  it('refused for a small account: connected, and the health says why in Hyperliquid words', async () => {
    const { sim, venue, events } = await rig({ venue: { deadManSeconds: 60 } });
    const words =
      'Cannot set scheduled cancel time until enough volume traded. Required: $1000000. Traded: $0.';
    expect(venue.health()).toMatchObject({
      state: 'connected',
      detail: `dead-man switch unavailable: ${words}`,
    });
    expect(events.filter((e) => e.type === 'notice').map((e) => e.type === 'notice' && e.code)).toEqual([
      'dead_man_unavailable',
    ]);
    expect(await venue.armDeadMan(60)).toEqual({ ok: false, message: words, retryable: false });
    expect((await venue.submit(limit('DM-1'))).kind).toBe('accepted'); // trading goes on without it
    expect(sim.deadMan().time).toBeNull();
    expect(await venue.armDeadMan(3)).toMatchObject({ ok: false, retryable: false }); // < 5 s: not sent
  });

  it('a second Braid on the same API wallet is refused at connect, with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'braid-hl-lock-'));
    toClose.push(async () => rmSync(dir, { recursive: true, force: true }));
    const { sim } = await rig({ venue: { keyLockDir: dir } });
    const second = adapter(sim, { keyLockDir: dir });
    const refused = await second.connect();
    expect(refused).toMatchObject({ ok: false, retryable: false });
    expect(!refused.ok && refused.message).toContain('is already trading with this Hyperliquid API wallet');
    expect(second.health()).toMatchObject({ state: 'failed' });
    // A stranger key (not approved for the account) is refused by Hyperliquid, and said so.
    const stranger = adapter(sim, { privateKey: TEST_KEYS.stranger });
    const bad = await stranger.connect();
    expect(bad).toMatchObject({ ok: false, retryable: false });
    expect(!bad.ok && bad.message).toContain('does not know this signer');
    expect(JSON.stringify(bad)).not.toContain(TEST_KEYS.stranger.slice(2));
  });
});
