// Chaos on the wire between `braid serve` (LIVE) and the Kraken simulator, one serve and one venue for
// the file, each fault a test with its figures: orders Braid intended = orders at the venue (no
// duplicate, none lost), fills at the venue = fills in the journal. The faults that cost long waits (a
// request timing out, a rate-limit storm) are in kraken-chaos-waits.test.ts.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { serveForFile } from './serve-harness.ts';

const file = serveForFile('kraken-chaos', { kraken: {} });

describe('chaos on the wire to Kraken, braid serve in LIVE', () => {
  it('connection dropped after the order was accepted: unknown, then found by cl_ord_id; sent once', async () => {
    file.run.sim.fault({ kind: 'drop_after_accept', path: 'AddOrder' });
    const entry = await file.run.restingBuy('48000');
    const settled = await waitFor('the order found at Kraken', async () => {
      const o = await file.run.orderNow(entry.id);
      return o.status === 'accepted' && o.venueOrderId !== undefined ? o : null;
    });
    expect(file.run.sentFor(entry.id).map((r) => r.fault)).toEqual(['drop_after_accept']);
    expect(file.run.atVenue(entry.id).map((o) => o.txid)).toEqual([settled.venueOrderId]);
    await file.run.endPlan(entry);
    const c = await file.run.expectCountsAgree();
    expect(c.atVenue).toEqual([entry.id]);
  });

  it('HTTP 5xx after acting: unknown, then found and working; sent once', async () => {
    file.run.sim.fault({ kind: 'http_5xx', status: 502, path: 'AddOrder', acted: true });
    const entry = await file.run.restingBuy('47800');
    await file.run.orderIn(entry.id, 'accepted');
    expect(file.run.sentFor(entry.id).map((r) => r.fault)).toEqual(['http_5xx']);
    expect(file.run.atVenue(entry.id)).toHaveLength(1);
    await file.run.endPlan(entry);
    await file.run.expectCountsAgree();
  });

  it('HTTP 5xx before acting: unknown, then ended as never arrived; never sent again', async () => {
    file.run.sim.fault({ kind: 'http_5xx', status: 503, path: 'AddOrder', acted: false });
    const entry = await file.run.restingBuy('47700');
    const ended = await waitFor('ended as never arrived', async () => {
      const o = await file.run.orderNow(entry.id);
      return o.status === 'rejected' ? o : null;
    });
    expect(ended.rejectReason).toBe('not at the venue');
    expect(file.run.sentFor(entry.id)).toHaveLength(1);
    expect(file.run.atVenue(entry.id)).toHaveLength(0);
    const c = await file.run.expectCountsAgree();
    // Two orders intended at the venue so far in this file, each there once; this one is not among them.
    expect(c.intended).not.toContain(entry.id);
  });
});
