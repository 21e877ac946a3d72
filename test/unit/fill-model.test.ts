// The paper venue's fill rules (replay.md "Paper venue fill model") as pure functions.
// Every expected price is computed by hand in the comment next to it: slip = price x slipBps / 10,000.
import { describe, expect, it } from 'vitest';
import {
  type BarPrices,
  feeOf,
  quoteFill,
  reachesAtOpen,
  reachesInRange,
  slipped,
} from '../../src/main/engine/venues/paper/fill-model.ts';
import { type Dec, dec } from '../../src/shared/domain/decimal.ts';

/** A bar from "open high low". */
const bar = (ohl: string): BarPrices => {
  const [open, high, low] = ohl.split(' ').map((x) => dec(x));
  return { open: open!, high: high!, low: low! };
};
const bps = (n: number | string): Dec => dec(n);
/** Compares decimals exactly; on failure the message shows the actual value. */
const expectDec = (actual: Dec | undefined, expected: string) =>
  expect(actual?.eq(expected) ? expected : actual?.toString()).toBe(expected);

describe('slippage: price x slipBps / 10,000, always against the trader', () => {
  it('a buy pays the slip above the price', () => {
    // 100 + 100 x 10 / 10,000 = 100 + 0.1 = 100.1
    expectDec(slipped(dec(100), 'buy', bps(10)), '100.1');
  });

  it('a sell receives the slip below the price', () => {
    // 100 - 100 x 10 / 10,000 = 99.9
    expectDec(slipped(dec(100), 'sell', bps(10)), '99.9');
  });

  it('zero slipBps leaves the price unchanged', () => {
    expectDec(slipped(dec('123.45'), 'buy', bps(0)), '123.45');
  });
});

describe('market orders fill at the bar open with slippage, taker liquidity', () => {
  it('market buy fills at open + slip', () => {
    // open 200, slip 200 x 5 / 10,000 = 0.1 -> 200.1
    const q = quoteFill('market', 'buy', undefined, bar('200 210 190'), bps(5));
    expectDec(q?.price, '200.1');
    expect(q?.liquidity).toBe('taker');
    expect(q?.atOpen).toBe(true);
  });

  it('market sell fills at open - slip', () => {
    // open 200, slip 0.1 -> 199.9
    const q = quoteFill('market', 'sell', undefined, bar('200 210 190'), bps(5));
    expectDec(q?.price, '199.9');
    expect(q?.liquidity).toBe('taker');
  });

  it('market orders always reach the bar (open and range)', () => {
    expect(reachesAtOpen('market', 'buy', undefined, bar('1 2 1'))).toBe(true);
    expect(reachesInRange('market', 'sell', undefined, bar('1 2 1'))).toBe(true);
  });
});

describe('limit orders: at the open when the open is better, else at the level; never slipped; maker', () => {
  it('limit buy at 100 with open 98 <= 100 fills at the open 98 (gap through the limit)', () => {
    const q = quoteFill('limit', 'buy', dec(100), bar('98 99 97'), bps(50));
    expectDec(q?.price, '98'); // no slippage although slipBps = 50
    expect(q?.liquidity).toBe('maker');
    expect(q?.atOpen).toBe(true);
  });

  it('limit buy at 100 with open 100 (equal) fills at the open 100', () => {
    expectDec(quoteFill('limit', 'buy', dec(100), bar('100 101 99'), bps(50))?.price, '100');
  });

  it('limit buy at 100 with open 103 and low 99 <= 100 fills at the limit 100', () => {
    const q = quoteFill('limit', 'buy', dec(100), bar('103 104 99'), bps(50));
    expectDec(q?.price, '100'); // not 99 (the low), and not 100 + slip
    expect(q?.liquidity).toBe('maker');
    expect(q?.atOpen).toBe(false);
  });

  it('limit buy at 100 with low 100 exactly (touch) fills at 100', () => {
    expectDec(quoteFill('limit', 'buy', dec(100), bar('103 104 100'), bps(0))?.price, '100');
  });

  it('limit buy at 100 with low 100.01 > 100 does not fill', () => {
    expect(quoteFill('limit', 'buy', dec(100), bar('103 104 100.01'), bps(0))).toBeNull();
  });

  it('limit sell at 110 with open 112 >= 110 fills at the open 112', () => {
    const q = quoteFill('limit', 'sell', dec(110), bar('112 113 111'), bps(50));
    expectDec(q?.price, '112');
    expect(q?.liquidity).toBe('maker');
    expect(q?.atOpen).toBe(true);
  });

  it('limit sell at 110 with open 108 and high 111 >= 110 fills at the limit 110', () => {
    const q = quoteFill('limit', 'sell', dec(110), bar('108 111 107'), bps(50));
    expectDec(q?.price, '110');
    expect(q?.atOpen).toBe(false);
  });

  it('limit sell at 110 with high 109.99 < 110 does not fill', () => {
    expect(quoteFill('limit', 'sell', dec(110), bar('108 109.99 107'), bps(0))).toBeNull();
  });
});

describe('stop orders: at the open + slip when the open gaps through, else at the level + slip; taker', () => {
  it('stop buy at 105 with open 107 >= 105 fills at 107 + 0.107 = 107.107', () => {
    // slip = 107 x 10 / 10,000 = 0.107
    const q = quoteFill('stop', 'buy', dec(105), bar('107 108 106'), bps(10));
    expectDec(q?.price, '107.107');
    expect(q?.liquidity).toBe('taker');
    expect(q?.atOpen).toBe(true);
  });

  it('stop buy at 105 with open 103 and high 106 >= 105 fills at 105 + 0.105 = 105.105', () => {
    // slip = 105 x 10 / 10,000 = 0.105
    const q = quoteFill('stop', 'buy', dec(105), bar('103 106 102'), bps(10));
    expectDec(q?.price, '105.105');
    expect(q?.liquidity).toBe('taker');
    expect(q?.atOpen).toBe(false);
  });

  it('stop buy at 105 with high 104.99 < 105 does not fill', () => {
    expect(quoteFill('stop', 'buy', dec(105), bar('103 104.99 102'), bps(10))).toBeNull();
  });

  it('stop sell at 95 with open 93 <= 95 fills at 93 - 0.093 = 92.907', () => {
    // slip = 93 x 10 / 10,000 = 0.093
    const q = quoteFill('stop', 'sell', dec(95), bar('93 94 92'), bps(10));
    expectDec(q?.price, '92.907');
    expect(q?.atOpen).toBe(true);
  });

  it('stop sell at 95 with open 97 and low 94 <= 95 fills at 95 - 0.095 = 94.905', () => {
    // slip = 95 x 10 / 10,000 = 0.095
    const q = quoteFill('stop', 'sell', dec(95), bar('97 98 94'), bps(10));
    expectDec(q?.price, '94.905');
    expect(q?.liquidity).toBe('taker');
    expect(q?.atOpen).toBe(false);
  });

  it('stop sell at 95 with low 95.01 > 95 does not fill', () => {
    expect(quoteFill('stop', 'sell', dec(95), bar('97 98 95.01'), bps(10))).toBeNull();
  });

  it('reachesAtOpen / reachesInRange name the sides of limits and stops', () => {
    const b = bar('100 105 95');
    // limit buy reaches at open when open <= level; stop buy when open >= level
    expect(reachesAtOpen('limit', 'buy', dec(100), b)).toBe(true);
    expect(reachesAtOpen('limit', 'buy', dec('99.99'), b)).toBe(false);
    expect(reachesAtOpen('stop', 'buy', dec(100), b)).toBe(true);
    expect(reachesAtOpen('stop', 'buy', dec('100.01'), b)).toBe(false);
    // limit sell: open >= level; stop sell: open <= level
    expect(reachesAtOpen('limit', 'sell', dec('100.01'), b)).toBe(false);
    expect(reachesAtOpen('stop', 'sell', dec('99.99'), b)).toBe(false);
    // ranges: buy limit by the low, buy stop by the high, sell limit by the high, sell stop by the low
    expect(reachesInRange('limit', 'buy', dec(95), b)).toBe(true);
    expect(reachesInRange('limit', 'buy', dec('94.99'), b)).toBe(false);
    expect(reachesInRange('stop', 'buy', dec(105), b)).toBe(true);
    expect(reachesInRange('stop', 'buy', dec('105.01'), b)).toBe(false);
    expect(reachesInRange('limit', 'sell', dec(105), b)).toBe(true);
    expect(reachesInRange('limit', 'sell', dec('105.01'), b)).toBe(false);
    expect(reachesInRange('stop', 'sell', dec(95), b)).toBe(true);
    expect(reachesInRange('stop', 'sell', dec('94.99'), b)).toBe(false);
  });
});

describe('fees: notional x bps / 10,000', () => {
  it('taker fee on 10 @ 100.1 at 5 bps = 1001 x 5 / 10,000 = 0.5005', () => {
    expectDec(feeOf(dec('100.1'), dec(10), bps(5)), '0.5005');
  });

  it('maker fee on 3 @ 50 at 0.5 bps = 150 x 0.5 / 10,000 = 0.0075', () => {
    expectDec(feeOf(dec(50), dec(3), bps('0.5')), '0.0075');
  });

  it('zero bps is a zero fee', () => {
    expectDec(feeOf(dec(50), dec(3), bps(0)), '0');
  });

  it('fractional quantities are exact: 0.001 @ 30,000 at 10 bps = 30 x 10 / 10,000 = 0.03', () => {
    expectDec(feeOf(dec(30000), dec('0.001'), bps(10)), '0.03');
  });
});
