import { describe, expect, it } from 'vitest';
import { PaperVenue, paperVenueStateSchema } from '../../src/main/engine/venues/paper/paper-venue.ts';

const fill = { slipBps: '0', takerFeeBps: '0', makerFeeBps: '0', maxVolumeShare: null, lotOf: () => '1' };

function pair() {
  const paper = new PaperVenue(fill);
  const b = new PaperVenue({ ...fill, slipBps: '12', name: 'paper-b' });
  paper.adopt(b);
  return { paper, b };
}

describe('several paper venues, one checkpoint', () => {
  it("the other paper venues travel in paper's state and come back from it; one venue alone checkpoints as before", () => {
    expect(Object.keys(new PaperVenue(fill).state())).toEqual(['working', 'positions', 'nextVenueId']);
    const { paper, b } = pair();
    expect(paper.siblings().map((v) => v.name)).toEqual(['paper-b']);
    b.submit(
      { clientOrderId: 'p1:E1', symbol: 'AAA', side: 'buy', type: 'limit', quantity: '2', price: '90' },
      0,
    );
    const saved = paperVenueStateSchema.parse(JSON.parse(JSON.stringify(paper.state())));
    expect(Object.keys(saved.others ?? {})).toEqual(['paper-b']);
    const again = pair();
    again.paper.restore(saved);
    expect(again.b.state()).toEqual(b.state());
    expect(again.paper.state()).toEqual(paper.state());
  });

  it("a bar fills the other venue's orders with its own slippage", () => {
    const { paper, b } = pair();
    const fills: Array<{ venue: string; price: string }> = [];
    for (const v of [paper, b])
      v.onEvent((e) => {
        if (e.type === 'filled') fills.push({ venue: v.name, price: e.price });
      });
    paper.submit({ clientOrderId: 'a', symbol: 'AAA', side: 'buy', type: 'market', quantity: '1' }, 0);
    b.submit({ clientOrderId: 'b', symbol: 'AAA', side: 'buy', type: 'market', quantity: '1' }, 0);
    paper.onBar({
      time: 60_000,
      symbol: 'AAA',
      open: '100',
      high: '100',
      low: '100',
      close: '100',
      volume: '1000',
    });
    expect(fills).toEqual([
      { venue: 'paper-b', price: '100.12' },
      { venue: 'paper', price: '100' },
    ]);
  });
});
