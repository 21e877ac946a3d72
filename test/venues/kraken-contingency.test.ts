// What the engine does for Kraken because Kraken spot cannot: a trailing stop (the engine moves the stop at
// Kraken with AmendOrder as Kraken's last price rises, and the moved stop closes the position), and a
// bracket's take-profit held by the engine (a resting stop holds the BTC a resting take-profit would need:
// the stop is cancelled first, then the take-profit sells IOC), through `braid serve` in LIVE and the real
// ccxt client against the simulator.
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

describe("the engine's contingent orders on Kraken", () => {
  it('a trailing stop: the engine moves the stop at Kraken as the last price rises; the moved stop closes it', async () => {
    run = await ServeRun.open('kraken-trail', { kraken: {} });
    const served = await run.serve({ armed: true });
    const submitted = await served.invoke<{ planId: string }>('submitPlan', {
      plan: {
        symbol: 'BTC/USD',
        side: 'buy',
        entry: { type: 'limit', price: '49000' },
        quantity: '0.01',
        trailPct: '0.02',
        venue: 'kraken',
      },
    });
    expect(submitted.ok).toBe(true);
    const planId = submitted.ok ? submitted.value.planId : '';
    const entry = await run.orderIn(`${planId}:E1`, 'accepted');
    run.sim.fill(entry.id, '0.01', '49000');
    // The first stop: 2 % under the average entry, 49000 × 0.98 = 48020.
    await waitFor('the first stop at Kraken', () =>
      run!.sim
        .orders()
        .some((o) => o.cl_ord_id === `${planId}:SL1` && o.status === 'open' && Number(o.price) === 48020),
    );
    const txid = run.atVenue(`${planId}:SL1`)[0]!.txid;
    // Kraken's last rises to 51000: the stop follows to 51000 × 0.98 = 49980, amended in place (same txid).
    run.sim.setPrice('BTC/USD', { bid: '50999.9', ask: '51000.1', last: '51000' });
    await waitFor('the stop moved at Kraken', () =>
      run!.sim
        .orders()
        .some((o) => o.cl_ord_id === `${planId}:SL1` && o.status === 'open' && Number(o.price) === 49980),
    );
    expect(run.atVenue(`${planId}:SL1`).map((o) => o.txid)).toEqual([txid]);
    expect(run.sim.requests().filter((r) => r.path === 'AmendOrder' && r.params.txid === txid)).toHaveLength(
      1,
    );
    // The last falls through it: the stop triggers and sells at the bid.
    run.sim.setPrice('BTC/USD', { bid: '49900', ask: '49900.2', last: '49900.1' });
    const s = await waitFor('the trade closed by the trailing stop', async () => {
      const snap = await served.snapshot();
      return snap.engine.trades.length === 1 ? snap : null;
    });
    expect(s.engine.trades[0]).toMatchObject({ exitReason: 'trailing_stop', exitPrice: '49900' });
    expect(s.engine.positions).toEqual([]);
    await run.expectCountsAgree();
  });

  it('a bracket: the stop rests at Kraken, the take-profit is held by the engine; at the target the stop is cancelled first, then the take-profit sells IOC', async () => {
    run = await ServeRun.open('kraken-held-tp', { kraken: {} });
    const served = await run.serve({ armed: true });
    const submitted = await served.invoke<{ planId: string }>('submitPlan', {
      plan: {
        symbol: 'BTC/USD',
        side: 'buy',
        entry: { type: 'limit', price: '49000' },
        quantity: '0.01',
        stopLoss: '45000',
        takeProfit: '55000',
        venue: 'kraken',
      },
    });
    expect(submitted.ok).toBe(true);
    const planId = submitted.ok ? submitted.value.planId : '';
    const entry = await run.orderIn(`${planId}:E1`, 'accepted');
    run.sim.fill(entry.id, '0.01', '49000');
    await waitFor('the stop at Kraken', () =>
      run!.sim.orders().some((o) => o.cl_ord_id === `${planId}:SL1` && o.status === 'open'),
    );
    // The take-profit is the engine's: held, never sent, so it cannot be refused for the stop's BTC.
    const held = await run.orderIn(`${planId}:TP1`, 'held');
    expect(held).toMatchObject({ side: 'sell', type: 'limit', price: '55000', quantity: '0.01' });
    expect(run.sentFor(`${planId}:TP1`)).toEqual([]);
    expect(run.sim.orders().map((o) => o.cl_ord_id)).toEqual([entry.id, `${planId}:SL1`]);
    const refusals = () => run!.sim.requests().filter((r) => r.error.some((e) => /Insufficient/i.test(e)));
    expect(refusals()).toEqual([]);

    // Kraken's bid reaches the target.
    run.sim.setPrice('BTC/USD', { bid: '55000', ask: '55000.2', last: '55000.1' });
    const s = await waitFor('the trade closed by the take-profit', async () => {
      const snap = await served.snapshot();
      return snap.engine.trades.length === 1 ? snap : null;
    });
    const [stop] = run.atVenue(`${planId}:SL1`);
    const [tp, ...more] = run.atVenue(`${planId}:TP1`);
    expect(more).toEqual([]);
    expect(stop?.status).toBe('canceled');
    expect(tp).toMatchObject({
      type: 'sell',
      ordertype: 'limit',
      price: '55000',
      timeinforce: 'IOC',
      status: 'closed',
    });
    // Never both exits at Kraken: the take-profit's AddOrder came after the stop's cancel.
    const paths = run.sim
      .requests()
      .map((r) => `${r.path} ${String(r.params.cl_ord_id ?? r.params.txid ?? '')}`);
    const cancelAt = paths.findIndex((p) => p.startsWith('CancelOrder'));
    const sendAt = paths.indexOf(`AddOrder ${planId}:TP1`);
    expect(cancelAt).toBeGreaterThanOrEqual(0);
    expect(sendAt).toBeGreaterThan(cancelAt);
    expect(refusals()).toEqual([]);
    // By hand, from the simulator's fees (maker 16 bp for the resting entry, taker 26 bp for the IOC that
    // crosses): entry 0.01 × 49000 = 490, fee 0.784; exit 0.01 × 55000 = 550, fee 1.43;
    // P&L = 550 − 490 − 0.784 − 1.43 = 57.786.
    expect(s.engine.trades[0]).toMatchObject({
      exitReason: 'take_profit',
      entryPrice: '49000',
      exitPrice: '55000',
      quantity: '0.01',
      fees: '2.214',
      pnl: '57.786',
    });
    expect(run.sim.trades().map((t) => [t.type, t.price, t.fee, t.maker])).toEqual([
      ['buy', '49000', '0.784', true],
      ['sell', '55000', '1.43', false],
    ]);
    expect(run.sim.balances()).toMatchObject({ ZUSD: '100057.786', XXBT: '0' });
    expect(s.engine.positions).toEqual([]);
    await run.expectCountsAgree();
  });
});
