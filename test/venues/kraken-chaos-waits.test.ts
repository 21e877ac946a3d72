// Chaos that makes Braid wait, between `braid serve` (LIVE) and the Kraken simulator: a request whose
// answer never comes (the client times out after 10 s) and a rate-limit storm (Kraken's own backoff).
// Figures as in kraken-chaos.test.ts: orders intended = orders at the venue, fills at the venue = fills
// in the journal.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { serveForFile } from './serve-harness.ts';

const file = serveForFile('kraken-chaos-waits', { kraken: {} });

describe('chaos that makes Braid wait, braid serve in LIVE', () => {
  it('answer lost (the request times out): unknown, then found by cl_ord_id; sent once', async () => {
    file.run.sim.fault({ kind: 'lose_answer', path: 'AddOrder' });
    const entry = await file.run.restingBuy('47900');
    const settled = await waitFor(
      'the order found at Kraken',
      async () => {
        const o = await file.run.orderNow(entry.id);
        return o.status === 'accepted' ? o : null;
      },
      30_000,
    );
    expect(file.run.sentFor(entry.id)).toHaveLength(1);
    expect(file.run.atVenue(entry.id).map((o) => o.txid)).toEqual([settled.venueOrderId]);
    await file.run.endPlan(entry);
    await file.run.expectCountsAgree();
  });

  it('a rate-limit storm: the order waits its turn and goes once Kraken lets it; placed once', async () => {
    // The storm is on every private call; its first hit is the order's (so a poll cannot take it first).
    file.run.sim.fault({ kind: 'error', path: 'AddOrder', error: 'EAPI:Rate limit exceeded', count: 1 });
    file.run.sim.fault({ kind: 'rate_limit_storm', count: 3 });
    const entry = await file.run.restingBuy('47600');
    await waitFor(
      'accepted after the storm',
      async () => (await file.run.orderNow(entry.id)).status === 'accepted',
      45_000,
    );
    const tries = file.run.sentFor(entry.id);
    // Refused for the rate limit (nothing done) while the storm lasted, then placed once.
    expect(tries.length).toBeGreaterThan(1);
    expect(tries.at(-1)?.error).toEqual([]);
    expect(tries.slice(0, -1).every((r) => r.error.includes('EAPI:Rate limit exceeded'))).toBe(true);
    expect(file.run.atVenue(entry.id)).toHaveLength(1);
    await file.run.endPlan(entry);
    await file.run.expectCountsAgree();
  });
});
