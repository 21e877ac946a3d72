// `braid serve --config FILE` with venues.kraken and the environment credentials, trading on the Kraken
// simulator through the real ccxt client: LIVE armed through the API (setPin, armLive); a ticket reaches
// Kraken with Braid's order id as cl_ord_id; a fill at the venue shows in the snapshot; the kill switch
// sends CancelAll and one flattening order and leaves trading HALTED; a late fill after a cancel is
// booked; kill -9 with working orders and fills during the downtime, then a restart, loses nothing and
// sends nothing twice.
import { afterEach, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { type KrakenRun, ServeRun } from './serve-harness.ts';

let run: KrakenRun | null = null;

beforeEach(() => {
  onTestFailed(async () => {
    if (run) console.log(await run.dump());
  });
});

afterEach(async () => {
  await run?.close();
  run = null;
});

const addOrders = (r: KrakenRun) => r.sim.requests().filter((q) => q.path === 'AddOrder');

describe('braid serve on Kraken (simulator)', () => {
  it('LIVE: AddOrder with cl_ord_id = Braid order id; the fill is booked; kill: CancelAll, one flattening order, HALTED', async () => {
    run = await ServeRun.open('kraken-serve', { kraken: {} });
    const served = await run.serve({ armed: true });
    // stderr is its own pipe: wait for the start line rather than assume it came before the answers.
    await waitFor('the start line naming the live venues', () =>
      served.stderr().includes('PAPER mode, no demo feed, live venues: kraken (credentials set)'),
    );
    const submitted = await served.invoke<{ planId: string }>('submitPlan', {
      plan: {
        symbol: 'BTC/USD',
        side: 'buy',
        entry: { type: 'limit', price: '49000' },
        quantity: '0.01',
        stopLoss: '45000',
        venue: 'kraken',
      },
    });
    expect(submitted.ok).toBe(true);
    const planId = submitted.ok ? submitted.value.planId : '';
    const entry = await waitFor('the entry accepted by Kraken', async () => {
      const o = (await served.snapshot()).engine.orders.find(
        (x) => x.planId === planId && x.role === 'entry',
      );
      return o?.status === 'accepted' ? o : null;
    });
    const sent = addOrders(run);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.params).toMatchObject({
      cl_ord_id: entry.id,
      type: 'buy',
      ordertype: 'limit',
      price: '49000',
      volume: '0.01',
    });
    expect(entry.venue).toBe('kraken');
    expect(entry.venueOrderId).toBe(run.atVenue(entry.id)[0]?.txid);

    // A fill at the venue shows as a fill in the snapshot; the engine places the bracket's stop at once.
    expect(run.sim.fill(entry.id, '0.01', '49000')).toBeDefined();
    const filled = await waitFor('the fill booked', async () => {
      const s = await served.snapshot();
      return s.engine.fills.some((f) => f.orderId === entry.id) ? s : null;
    });
    expect(
      filled.engine.fills.filter((f) => f.orderId === entry.id).map((f) => [f.price, f.quantity]),
    ).toEqual([['49000', '0.01']]);
    await waitFor('the stop at Kraken', () =>
      run!.sim.orders().some((o) => o.ordertype === 'stop-loss' && o.status === 'open'),
    );
    // Kraken's ticker marks the position.
    run.sim.setPrice('BTC/USD', { bid: '51000', ask: '51000.2', last: '51000.1' });
    const marked = await waitFor("the position marked at Kraken's last", async () => {
      const p = (await served.snapshot()).engine.positions[0];
      return p?.markPrice === '51000.1' ? p : null;
    });
    // 0.01 × (51000.1 − 49000)
    expect(marked.unrealizedPnl).toBe('20.001');

    const before = addOrders(run).length;
    expect((await served.invoke('kill')).ok).toBe(true);
    // HALTED at once; flat, and every order ended, once Kraken's reports are in.
    const halted = await waitFor('flat, nothing working, HALTED', async () => {
      const s = await served.snapshot();
      const working = s.engine.orders.filter((o) =>
        ['submitted', 'accepted', 'partially_filled', 'pending_cancel', 'unknown'].includes(o.status),
      );
      return s.engine.tradingState === 'HALTED' && s.engine.positions.length === 0 && working.length === 0
        ? s
        : null;
    });
    expect(run.sim.requests().filter((r) => r.path === 'CancelAll')).toHaveLength(1);
    // The stop went with the CancelAll, not with a CancelOrder of its own.
    expect(run.sim.requests().filter((r) => r.path === 'CancelOrder')).toHaveLength(0);
    const after = addOrders(run).slice(before);
    expect(after.map((r) => [r.params.type, r.params.ordertype, r.params.volume])).toEqual([
      ['sell', 'market', '0.01'],
    ]);
    expect(run.sim.orders().filter((o) => o.status === 'open')).toEqual([]);
    expect(halted.engine.orders.map((o) => [o.id, o.status])).toEqual([
      [entry.id, 'filled'],
      [`${planId}:SL1`, 'cancelled'],
      [`${planId}:X1`, 'filled'],
    ]);
    await run.expectCountsAgree();
  });

  it('a late fill after a cancel is booked', async () => {
    run = await ServeRun.open('kraken-late-fill', { kraken: {} });
    await run.serve({ armed: true });
    const entry = await run.restingBuy('47500');
    await run.orderIn(entry.id, 'accepted');
    // Kraken matched part of the order just before the cancel reached it; the trade is reported later.
    run.sim.holdFills(true);
    expect(run.sim.fill(entry.id, '0.004', '47500')).toBeUndefined();
    expect((await run.served.invoke('cancelOrder', { orderId: entry.id })).ok).toBe(true);
    await run.orderIn(entry.id, 'cancelled');
    expect(run.sim.releaseFills()).toHaveLength(1);
    const booked = await waitFor('the late fill booked', async () => {
      const s = await run!.served.snapshot();
      const fills = s.engine.fills.filter((x) => x.orderId === entry.id);
      return fills.length > 0 ? { s, fills } : null;
    });
    expect(booked.fills.map((x) => [x.price, x.quantity])).toEqual([['47500', '0.004']]);
    expect(booked.s.engine.orders.find((o) => o.id === entry.id)?.filledQuantity).toBe('0.004');
    expect(booked.s.engine.positions.map((p) => [p.symbol, p.side, p.quantity])).toEqual([
      ['BTC/USD', 'long', '0.004'],
    ]);
    await run.expectCountsAgree();
  });

  it('kill -9 with working orders, fills during the downtime, then a restart: every fill booked once, nothing sent twice', async () => {
    run = await ServeRun.open('kraken-kill9', { kraken: {} });
    await run.serve({ armed: true });
    const btc = await run.restingBuy('49000', 'BTC/USD', '0.01');
    const eth = await run.restingBuy('2900', 'ETH/USD', '0.1');
    await run.orderIn(btc.id, 'accepted');
    await run.orderIn(eth.id, 'accepted');

    await run.kill9();
    // While Braid is down: one order fills whole, the other in part.
    expect(run.sim.fill(btc.id, '0.01', '49000')).toBeDefined();
    expect(run.sim.fill(eth.id, '0.04', '2900')).toBeDefined();

    // Back up (PAPER, as after every start): reconciliation books the fills the journal lacks.
    await run.serve({ armed: false });
    const reconciled = await waitFor('the downtime fills booked', async () => {
      const s = await run!.served.snapshot();
      const b = s.engine.orders.find((o) => o.id === btc.id);
      const e = s.engine.orders.find((o) => o.id === eth.id);
      return b?.status === 'filled' && e?.filledQuantity === '0.04' ? s : null;
    });
    expect(reconciled.engine.orders.find((o) => o.id === eth.id)?.status).toBe('partially_filled');
    expect(
      reconciled.engine.positions
        .map((p) => [p.symbol, p.quantity])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    ).toEqual([
      ['BTC/USD', '0.01'],
      ['ETH/USD', '0.04'],
    ]);
    expect(run.sentFor(btc.id)).toHaveLength(1);
    expect(run.sentFor(eth.id)).toHaveLength(1);
    const c = await run.expectCountsAgree();
    expect(c.fillsAtVenue).toBe(2);

    // Once more, a clean restart: the same fills, not booked again.
    await run.served.stop();
    await run.serve({ armed: false });
    const again = await run.served.snapshot();
    expect(again.engine.fills).toHaveLength(2);
    await run.expectCountsAgree();
  });

  it("with venues.kraken.wsUrl braid serve subscribes to Kraken's private executions; a fill pushed there is booked once", async () => {
    run = await ServeRun.open('kraken-serve-ws', { kraken: {} });
    // REST polls at the slowest the config allows, so the socket is what brings reports in between.
    await run.serve({ armed: true, kraken: { wsUrl: run.sim.wsUrl, pollMs: 60_000 } });
    const session = await waitFor('a subscribed executions session', () =>
      run!.sim.wsSessions().find((w) => w.subscribedAt !== null && w.closedAt === null),
    );
    // Subscribed with the token GetWebSocketsToken issued over REST, on the key's one nonce sequence.
    expect(run.sim.requests().some((r) => r.path === 'GetWebSocketsToken' && r.error.length === 0)).toBe(
      true,
    );
    const entry = await run.restingBuy('49000');
    await run.orderIn(entry.id, 'accepted');
    const tradeId = run.sim.fill(entry.id, '0.01', '49000');
    expect(tradeId).toBeDefined();
    await waitFor('the pushed trade on the socket', () =>
      JSON.stringify(run!.sim.wsSessions().find((w) => w.id === session.id)?.sent ?? []).includes(tradeId!),
    );
    const filled = await run.orderIn(entry.id, 'filled');
    expect(filled.filledQuantity).toBe('0.01');
    const s = await run.served.snapshot();
    expect(s.engine.fills.filter((f) => f.orderId === entry.id).map((f) => f.tradeId)).toEqual([tradeId]);
    await run.expectCountsAgree();
  });
});
