// Chaos on the wire between `braid serve` (LIVE) and the Hyperliquid simulator, one serve and one venue
// for the file, as kraken-chaos.test.ts does for Kraken: each fault a test with its figures, printed for
// the record: orders Braid intended = orders at the venue (0 duplicates, none lost), fills at the venue =
// fills in the journal (0 lost, none twice).
import { beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { type Counts, serveForFile, venueReady } from './serve-harness.ts';

const file = serveForFile('hyperliquid-chaos', { hyperliquid: {} });

beforeEach(async () => {
  // A fault a failed test left unspent is not the next test's; each starts with Hyperliquid ready (an
  // answerless 5xx costs the adapter its connection until a read succeeds again).
  file.run.sim.clearFaults();
  await venueReady(file.run.served, 'hyperliquid', 30_000);
});

const say = (fault: string, c: Counts) =>
  console.log(
    `hyperliquid chaos: ${fault}: orders intended ${c.intended.length}, at the venue ${c.atVenue.length}, ` +
      `duplicates ${c.duplicates}, lost ${c.missingAtVenue.length}; fills at the venue ${c.fillsAtVenue}, ` +
      `in the journal ${c.fillsInJournal}`,
  );

describe('chaos on the wire to Hyperliquid, braid serve in LIVE', () => {
  it('connection dropped after the order was accepted: unknown, then found by cloid; sent once', async () => {
    file.run.sim.fault({ kind: 'drop_after_accept', path: 'order' });
    const entry = await file.run.restingBuy('85000');
    const settled = await waitFor('the order found at Hyperliquid', async () => {
      const o = await file.run.orderNow(entry.id);
      return o.status === 'accepted' && o.venueOrderId !== undefined ? o : null;
    });
    expect(file.run.sentFor(entry.id).map((r) => r.fault)).toEqual(['drop_after_accept']);
    expect(file.run.atVenue(entry.id).map((o) => String(o.oid))).toEqual([settled.venueOrderId]);
    await file.run.endPlan(entry);
    say('drop after accept', await file.run.expectCountsAgree());
  });

  it('answer lost (the request times out): unknown, then found by cloid; sent once', async () => {
    file.run.sim.fault({ kind: 'lose_answer', path: 'order' });
    const entry = await file.run.restingBuy('84900');
    await file.run.orderIn(entry.id, 'accepted', 30_000);
    expect(file.run.sentFor(entry.id)).toHaveLength(1);
    expect(file.run.atVenue(entry.id)).toHaveLength(1);
    await file.run.endPlan(entry);
    say('answer lost', await file.run.expectCountsAgree());
  });

  it('HTTP 5xx after acting: unknown, then found and working; sent once', async () => {
    file.run.sim.fault({ kind: 'http_5xx', status: 502, path: 'order', acted: true });
    const entry = await file.run.restingBuy('84800');
    await file.run.orderIn(entry.id, 'accepted');
    expect(file.run.sentFor(entry.id).map((r) => r.fault)).toEqual(['http_5xx']);
    expect(file.run.atVenue(entry.id)).toHaveLength(1);
    await file.run.endPlan(entry);
    say('5xx after acting', await file.run.expectCountsAgree());
  });

  it('HTTP 5xx before acting: unknown, then ended as never arrived; never sent again', async () => {
    file.run.sim.fault({ kind: 'http_5xx', status: 503, path: 'order', acted: false });
    const entry = await file.run.restingBuy('84700');
    const ended = await waitFor('ended as never arrived', async () => {
      const o = await file.run.orderNow(entry.id);
      return o.status === 'rejected' ? o : null;
    });
    expect(ended.rejectReason).toBe('not at the venue');
    expect(file.run.sentFor(entry.id)).toHaveLength(1);
    expect(file.run.atVenue(entry.id)).toHaveLength(0);
    const c = await file.run.expectCountsAgree();
    expect(c.intended).not.toContain(entry.id);
    say('5xx before acting', c);
  });

  it('a 429 storm: the order waits its turn and goes once Hyperliquid lets it; placed once', async () => {
    // The storm's first hit is the order's (so a poll cannot take it first), then every request.
    file.run.sim.fault({ kind: 'rate_limit_storm', path: 'order', count: 1 });
    file.run.sim.fault({ kind: 'rate_limit_storm', count: 3 });
    const entry = await file.run.restingBuy('84600');
    await file.run.orderIn(entry.id, 'accepted', 30_000);
    const tries = file.run.sentFor(entry.id);
    // Refused with 429 (nothing done) while the storm lasted, then placed once.
    expect(tries.length).toBeGreaterThan(1);
    expect(tries.slice(0, -1).every((r) => r.status === 429)).toBe(true);
    expect(tries.at(-1)?.status).toBe(200);
    expect(file.run.atVenue(entry.id)).toHaveLength(1);
    await file.run.endPlan(entry);
    say('429 storm', await file.run.expectCountsAgree());
  });

  it('kill -9 with working orders, fills during the downtime, then a restart: every fill booked once', async () => {
    const run = file.run;
    const btc = await run.restingBuy('84000', 'BTC/USD', '0.01');
    const eth = await run.restingBuy('2800', 'ETH/USD', '0.1');
    await run.orderIn(btc.id, 'accepted');
    await run.orderIn(eth.id, 'accepted');

    await run.kill9();
    // While Braid is down: one order fills whole, the other in part.
    expect(run.sim.fill(run.atVenue(btc.id)[0]!.oid, '0.01')).toBeDefined();
    expect(run.sim.fill(run.atVenue(eth.id)[0]!.oid, '0.04')).toBeDefined();

    // Back up (PAPER, as after every start): reconciliation books the fills the journal lacks.
    await run.serve({ armed: false });
    const reconciled = await waitFor('the downtime fills booked', async () => {
      const s = await run.served.snapshot();
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
    say('kill -9 and restart', c);
  });
});
