import { describe, expect, it } from 'vitest';
import {
  bookEntry,
  bookExit,
  markedValue,
  openBook,
  positionView,
  tradeOf,
} from '../../src/main/engine/portfolio/position-book.ts';
import { dec } from '../../src/shared/domain/decimal.ts';

const T = Date.parse('2024-03-04T15:00:00Z');

describe('position book', () => {
  it('books a long in two fills: exact average, unrealized P&L and marked value', () => {
    const b = openBook('AAA', 'p1', 'buy', T);
    bookEntry(b, dec(2), dec('200'), dec('0.02')); // 2 @ 100
    bookEntry(b, dec(1), dec('103'), dec('0.01')); // 1 @ 103
    // avg = 303 / 3 = 101; at mark 104: (104 - 101) x 3 = 9; marked value 3 x 104 = 312.
    expect(positionView(b, dec(104))).toMatchObject({ side: 'long', quantity: '3', avgPrice: '101' });
    expect(positionView(b, dec(104)).unrealizedPnl).toBe('9');
    expect(markedValue(b, dec(104)).toString()).toBe('312');
  });

  it('closes a short in two exits: P&L from notionals after every fee, exit price averaged', () => {
    const b = openBook('AAA', 'p1', 'sell', T);
    bookEntry(b, dec(4), dec('200'), dec('0.1')); // short 4 @ 50
    expect(markedValue(b, dec(48)).toString()).toBe('-192'); // cash holds the 200 of the sale
    bookExit(b, dec(1), dec('49'), dec('0.05'), 'take_profit'); // buy back 1 @ 49
    bookExit(b, dec(3), dec('141'), dec('0.15'), 'stop_loss'); // buy back 3 @ 47
    expect(b.qty).toBe('0');
    const t = tradeOf(b, T + 60_000);
    // gross = 200 - (49 + 141) = 10; fees 0.1 + 0.05 + 0.15 = 0.3; pnl 9.7; pnlPct 9.7 / 200 x 100 = 4.85.
    expect(t).toMatchObject({
      side: 'short',
      quantity: '4',
      entryPrice: '50',
      exitPrice: '47.5', // 190 / 4
      exitReason: 'stop_loss', // the last exit's reason
      pnl: '9.7',
      pnlPct: '4.85',
      fees: '0.3',
      entryTime: T,
      exitTime: T + 60_000,
    });
  });
});
