// What the engine does for Kraken because Kraken spot cannot: a trailing stop (the engine moves the stop at
// Kraken with AmendOrder as Kraken's last price rises, and the moved stop closes the position), through
// `braid serve` in LIVE and the real ccxt client against the simulator.
import { afterEach, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { LiveRun } from './serve-harness.ts';

let run: LiveRun | null = null;

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
    run = await LiveRun.open('kraken-trail');
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
});
