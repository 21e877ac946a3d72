// `braid serve --config FILE` with venues.hyperliquid and the environment credentials (an API wallet for
// the account), trading perpetuals on the Hyperliquid simulator through the real ccxt client: LIVE armed
// through the API (setPin, armLive). Braid's BTC/USD is Hyperliquid's BTC/USDC:USDC (venueSymbols): the
// wire carries the venue's name, the engine's records Braid's. Limit and market orders (a market order is
// an IOC limit within 1 % of the mark), partial fill, fill, cancel, a late fill after a cancel (booked
// once), a bracket (both legs rest reduce-only; when one fills the engine cancels the other), a
// reduce-only close, the kill switch, and across the whole file: no approveBuilderFee, no setReferrer, no
// order with a builder field ever reached the venue. Prices hand-computed in the comments.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/shared/domain/decimal.ts';
import { waitFor } from '../helpers/wait.ts';
import { BTC_PERP, type HyperliquidRun, serveForFile, WORKING, wireOrders } from './serve-harness.ts';

// One run (simulator and braid serve) for the file, at a poll the weight budget sustains (see the harness).
const file = serveForFile('hyperliquid-serve', { hyperliquid: {} });

/** The builder-fee check, over every request of the run so far: ccxt's defaults are all switched off. */
function expectNoBuilderFee(run: HyperliquidRun): void {
  const sim = run.sim;
  expect(sim.actions('order').length).toBeGreaterThan(0);
  expect(sim.actions('approveBuilderFee')).toEqual([]);
  expect(sim.actions('setReferrer')).toEqual([]);
  expect(sim.builderOrders()).toEqual([]);
  expect(sim.requests().some((r) => r.rawBody.includes('"builder"'))).toBe(false);
}

/** The order actions' wire orders sent since `from` (an index into the sim's order actions). */
const ordersSince = (run: HyperliquidRun, from: number) =>
  run.sim
    .actions('order')
    .slice(from)
    .flatMap((r) => wireOrders(r));

/** Waits until the engine holds no position and nothing works; the snapshot. */
const flat = (run: HyperliquidRun) =>
  waitFor('flat, nothing working', async () => {
    const s = await run.served.snapshot();
    const working = s.engine.orders.filter((o) => WORKING.includes(o.status));
    return s.engine.positions.length === 0 && working.length === 0 ? s : null;
  });

describe('braid serve on Hyperliquid (simulator), LIVE', () => {
  it("limit order (partial fill, fill), reduce-only close, market order: the venue's name on the wire, Braid's in the records", async () => {
    const run = file.run;
    const served = run.served;
    await waitFor('the start line naming the live venues', () =>
      served.stderr().includes('live venues: hyperliquid (credentials set)'),
    );
    const view = (await served.snapshot()).host.venues.find((v) => v.name === 'hyperliquid');
    expect(view).toMatchObject({ live: true, credentials: 'set', reconciling: false, state: 'connected' });

    const entry = await run.restingBuy('89000', 'BTC/USD', '0.01');
    const accepted = await run.orderIn(entry.id, 'accepted');
    const sent = run.sentFor(entry.id);
    expect(sent).toHaveLength(1);
    // BTC is asset 0; a GTC limit buy of 0.01 at 89000, not reduce-only, with Braid's cloid.
    expect(wireOrders(sent[0]!)).toEqual([
      expect.objectContaining({
        a: 0,
        b: true,
        p: '89000',
        s: '0.01',
        r: false,
        t: { limit: { tif: 'Gtc' } },
      }),
    ]);
    expect(accepted.symbol).toBe('BTC/USD');
    expect(accepted.venueOrderId).toBe(String(run.atVenue(entry.id)[0]?.oid));

    const tid1 = run.sim.fill(run.atVenue(entry.id)[0]!.oid, '0.004');
    const partial = await run.orderIn(entry.id, 'partially_filled');
    expect(partial.filledQuantity).toBe('0.004');
    const tid2 = run.sim.fill(run.atVenue(entry.id)[0]!.oid, '0.006');
    const filled = await run.orderIn(entry.id, 'filled');
    expect(filled.filledQuantity).toBe('0.01');
    const s = await run.served.snapshot();
    expect(
      s.engine.fills.filter((f) => f.orderId === entry.id).map((f) => [f.tradeId, f.price, f.quantity]),
    ).toEqual([
      [String(tid1), '89000', '0.004'],
      [String(tid2), '89000', '0.006'],
    ]);
    expect(s.engine.positions.map((p) => [p.symbol, p.side, p.quantity])).toEqual([
      ['BTC/USD', 'long', '0.01'],
    ]);
    expect(run.sim.positions().map((p) => [p.coin, p.szi])).toEqual([['BTC', '0.01']]);

    // A reduce-only close (closePosition): one market order, an IOC sell within 1 % below the mark.
    const from = run.sim.actions('order').length;
    expect((await run.served.invoke('closePosition', { symbol: 'BTC/USD' })).ok).toBe(true);
    await flat(run);
    // Mark 90000 × 0.99 = 89100 (5 significant figures, a sell's bound rounds up: 89100).
    expect(ordersSince(run, from)).toEqual([
      expect.objectContaining({
        a: 0,
        b: false,
        p: '89100',
        s: '0.01',
        r: true,
        t: { limit: { tif: 'Ioc' } },
      }),
    ]);
    expect(run.sim.positions()).toEqual([]);
    await run.expectCountsAgree();

    // A market order goes as an IOC limit 1 % beyond the mark and fills at the ask.
    const from2 = run.sim.actions('order').length;
    const market = await run.plan({
      symbol: 'BTC/USD',
      side: 'buy',
      entry: { type: 'market' },
      quantity: '0.002',
    });
    const bought = await run.orderIn(market.id, 'filled');
    // Mark 90000 × 1.01 = 90900: a buy's bound rounds down, 5 significant figures hold it.
    expect(ordersSince(run, from2)).toEqual([
      expect.objectContaining({
        a: 0,
        b: true,
        p: '90900',
        s: '0.002',
        r: false,
        t: { limit: { tif: 'Ioc' } },
      }),
    ]);
    // It crossed the ask (90001) as a taker.
    expect(bought.filledQuantity).toBe('0.002');
    const after = await run.served.snapshot();
    expect(after.engine.fills.filter((f) => f.orderId === market.id).map((f) => f.price)).toEqual(['90001']);
    expect((await run.served.invoke('closePosition', { symbol: 'BTC/USD' })).ok).toBe(true);
    await flat(run);
    await run.expectCountsAgree();
    expectNoBuilderFee(run);
  });

  it('a bracket: both legs rest reduce-only; the take-profit fills and the engine cancels the stop', async () => {
    const run = file.run;
    const entry = await run.plan({
      symbol: 'BTC/USD',
      side: 'buy',
      entry: { type: 'limit', price: '89500' },
      quantity: '0.01',
      stopLoss: '85000',
      takeProfit: '95000',
    });
    await run.orderIn(entry.id, 'accepted');
    // Hyperliquid holds the bracket: the entry went with its take-profit and stop-loss as one action.
    const actions = run.sim.actions('order');
    const action = (
      actions.at(-1)!.body as { action: { grouping: string; orders: Array<Record<string, unknown>> } }
    ).action;
    expect(action.grouping).toBe('normalTpsl');
    expect(action.orders.map((o) => [o.b, o.s, o.r, o.t])).toEqual([
      [true, '0.01', false, { limit: { tif: 'Gtc' } }],
      [false, '0.01', true, { trigger: { isMarket: false, triggerPx: '95000', tpsl: 'tp' } }],
      [false, '0.01', true, { trigger: { isMarket: true, triggerPx: '85000', tpsl: 'sl' } }],
    ]);
    const from = actions.length;
    run.sim.fill(run.atVenue(entry.id)[0]!.oid, '0.01');
    await run.orderIn(entry.id, 'filled');
    const legs = await waitFor('both legs resting at the venue', async () => {
      const s = await run.served.snapshot();
      const ls = s.engine.orders.filter((o) => o.planId === entry.planId && o.role !== 'entry');
      return ls.length === 2 && ls.every((o) => o.status === 'accepted') ? ls : null;
    });
    const sl = legs.find((o) => o.role === 'stop_loss')!;
    const tp = legs.find((o) => o.role === 'take_profit')!;
    // The engine's exits adopted the children: nothing more went out.
    expect(ordersSince(run, from)).toHaveLength(0);
    expect(run.atVenue(sl.id).map((o) => [o.status, o.reduceOnly])).toEqual([['open', true]]);
    expect(run.atVenue(tp.id).map((o) => [o.status, o.reduceOnly])).toEqual([['open', true]]);

    // The mark reaches the target: the take-profit triggers and takes the bid; Hyperliquid cancels the stop.
    run.sim.setPrice(BTC_PERP, { bid: 95_100, ask: 95_101, mark: 95_100 });
    await run.orderIn(tp.id, 'filled');
    await run.orderIn(sl.id, 'cancelled');
    expect(run.atVenue(sl.id).map((o) => o.status)).toEqual(['canceled']);
    const s = await flat(run);
    expect(s.engine.fills.filter((f) => f.orderId === tp.id).map((f) => [f.price, f.quantity])).toEqual([
      ['95100', '0.01'],
    ]);
    expect(run.sim.actions('cancel')).toHaveLength(0);
    expect(run.sim.positions()).toEqual([]);
    await run.expectCountsAgree();
    expectNoBuilderFee(run);
    run.sim.setPrice(BTC_PERP, { bid: 89_999, ask: 90_001, mark: 90_000 });
  });

  it('the kill switch: every working order cancelled, one reduce-only flattening order, HALTED', async () => {
    const run = file.run;
    const long = await run.restingBuy('89000', 'BTC/USD', '0.02');
    await run.orderIn(long.id, 'accepted');
    run.sim.fill(run.atVenue(long.id)[0]!.oid, '0.02');
    await run.orderIn(long.id, 'filled');
    const resting = await run.restingBuy('2500', 'ETH/USD', '0.1');
    await run.orderIn(resting.id, 'accepted');

    const from = run.sim.actions('order').length;
    expect((await run.served.invoke('kill')).ok).toBe(true);
    const halted = await waitFor('flat, nothing working, HALTED', async () => {
      const s = await run.served.snapshot();
      const working = s.engine.orders.filter((o) => WORKING.includes(o.status));
      return s.engine.tradingState === 'HALTED' && s.engine.positions.length === 0 && working.length === 0
        ? s
        : null;
    });
    // One flattening order: a reduce-only IOC sell of the whole 0.02 within 1 % below the mark (89100).
    expect(ordersSince(run, from)).toEqual([
      expect.objectContaining({
        a: 0,
        b: false,
        p: '89100',
        s: '0.02',
        r: true,
        t: { limit: { tif: 'Ioc' } },
      }),
    ]);
    expect(run.sim.orders().filter((o) => o.status === 'open')).toEqual([]);
    expect(run.atVenue(resting.id).map((o) => o.status)).toEqual(['canceled']);
    expect(halted.engine.orders.find((o) => o.id === resting.id)?.status).toBe('cancelled');
    expect(run.sim.positions()).toEqual([]);
    // 0.02 bought at 89000 and sold at the bid 89999: the venue's and Braid's quantities agree.
    expect(dec(run.sim.cash()).gt(0)).toBe(true);
    await run.expectCountsAgree();
    expectNoBuilderFee(run);
  });
  it('a cancel, then a late fill of the cancelled order: booked once', async () => {
    const run = file.run;
    // Trading again after the kill switch's test (resume; LIVE stays armed).
    expect((await run.served.invoke('resume')).ok).toBe(true);
    const entry = await run.restingBuy('88000', 'BTC/USD', '0.01');
    await run.orderIn(entry.id, 'accepted');
    const oid = run.atVenue(entry.id)[0]!.oid;
    // Hyperliquid matched part of it just before the cancel reached it; the fill is reported later.
    run.sim.holdFills(true);
    expect(run.sim.fill(oid, '0.003')).toBeUndefined();
    expect((await run.served.invoke('cancelOrder', { orderId: entry.id })).ok).toBe(true);
    await run.orderIn(entry.id, 'cancelled');
    expect(run.atVenue(entry.id).map((o) => o.status)).toEqual(['canceled']);
    const [tid] = run.sim.releaseFills();
    expect(tid).toBeDefined();
    const booked = await waitFor('the late fill booked', async () => {
      const s = await run.served.snapshot();
      const fills = s.engine.fills.filter((x) => x.orderId === entry.id);
      return fills.length > 0 ? { s, fills } : null;
    });
    expect(booked.fills.map((x) => [x.tradeId, x.price, x.quantity])).toEqual([
      [String(tid), '88000', '0.003'],
    ]);
    expect(booked.s.engine.positions.map((p) => [p.symbol, p.side, p.quantity])).toEqual([
      ['BTC/USD', 'long', '0.003'],
    ]);
    // A later poll reads the same fill again (the adapter reads back a minute): still booked once.
    const reads = run.sim.requests().filter((r) => r.type === 'userFillsByTime').length;
    await waitFor(
      'another fill read',
      () => run.sim.requests().filter((r) => r.type === 'userFillsByTime' && r.status === 200).length > reads,
    );
    const again = await run.served.snapshot();
    expect(again.engine.fills.filter((x) => x.orderId === entry.id)).toHaveLength(1);
    await run.expectCountsAgree();
    // Last in the file: the engine reopens the cancelled entry as partially_filled on its late fill, and a
    // cancel of it then stays pending_cancel (the bridge holds it as ended and sends nothing): reported.
    expectNoBuilderFee(run);
  });
});
