// The paper venue's quote rules (venues.md "Modes"), one pure function: where an order fills on a quote.
import { describe, expect, it } from 'vitest';
import { quoteTouch } from '../../src/main/engine/venues/paper/fill-model.ts';
import { dec } from '../../src/shared/domain/decimal.ts';

const q = { bid: dec('99'), ask: dec('101'), last: dec('100') };
const slip = dec('50'); // 0.5 %
const at = (r: ReturnType<typeof quoteTouch>) => (r ? [r.price.toString(), r.liquidity] : null);

describe('quoteTouch', () => {
  it('market: buy at the ask + slip, sell at the bid - slip', () => {
    expect(at(quoteTouch('market', 'buy', undefined, q, slip))).toEqual(['101.505', 'taker']);
    expect(at(quoteTouch('market', 'sell', undefined, q, slip))).toEqual(['98.505', 'taker']);
  });

  it('limit: fills at the opposite quote once it reaches the limit, no slip', () => {
    expect(at(quoteTouch('limit', 'buy', dec('100.9'), q, slip))).toBeNull();
    expect(at(quoteTouch('limit', 'buy', dec('101'), q, slip))).toEqual(['101', 'maker']);
    expect(at(quoteTouch('limit', 'buy', dec('102'), q, slip))).toEqual(['101', 'maker']);
    expect(at(quoteTouch('limit', 'sell', dec('99.1'), q, slip))).toBeNull();
    expect(at(quoteTouch('limit', 'sell', dec('98'), q, slip))).toEqual(['99', 'maker']);
  });

  it('stop: triggers when the last price crosses it, fills as a market order', () => {
    expect(at(quoteTouch('stop', 'buy', dec('100.1'), q, slip))).toBeNull();
    expect(at(quoteTouch('stop', 'buy', dec('100'), q, slip))).toEqual(['101.505', 'taker']);
    expect(at(quoteTouch('stop', 'sell', dec('99.9'), q, slip))).toBeNull();
    expect(at(quoteTouch('stop', 'sell', dec('100'), q, slip))).toEqual(['98.505', 'taker']);
  });
});
