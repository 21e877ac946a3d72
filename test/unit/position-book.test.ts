import { describe, expect, it } from 'vitest';
import { Portfolio, portfolioStateSchema } from '../../src/main/engine/portfolio/portfolio.ts';
import {
  bookEntry,
  bookExit,
  bookFunding,
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

describe('funding on a perpetual position', () => {
  it('is booked once per payment time, shown beside the mark-to-market P&L and in the closed trade', () => {
    const b = openBook('BTC/USD', 'p1', 'buy', T);
    bookEntry(b, dec('0.5'), dec('30000'), dec('10.5')); // long 0.5 @ 60,000
    expect(positionView(b, dec(60000)).funding).toBeUndefined();
    // Paid 1.25 at the first hour, received 0.40 at the second; the first again (a re-read) is not booked.
    expect(bookFunding(b, dec('-1.25'), T + 3_600_000)).toBe(true);
    expect(bookFunding(b, dec('0.40'), T + 7_200_000)).toBe(true);
    expect(bookFunding(b, dec('-1.25'), T + 3_600_000)).toBe(false);
    expect(bookFunding(b, dec('-9'), T + 7_200_000)).toBe(false);
    const view = positionView(b, dec(60100));
    expect(view.unrealizedPnl).toBe('50'); // (60,100 - 60,000) x 0.5, funding apart
    expect(view.funding).toBe('-0.85');
    bookExit(b, dec('0.5'), dec('30100'), dec('10.5'), 'close');
    // Gross 100, fees 21, funding -0.85: 78.15.
    expect(tradeOf(b, T + 8_000_000).pnl).toBe('78.15');
  });
});

describe('the portfolio books funding into cash', () => {
  it('moves cash and the open P&L; refuses a symbol Braid holds nothing in; counts a re-read once', () => {
    const p = new Portfolio('10000', 'USD', () => null);
    const b = openBook('ETH/USD', 'p2', 'sell', T);
    bookEntry(b, dec('2'), dec('6000'), dec('0'));
    p.positions.set('ETH/USD', b);
    p.bookCash('sell', dec('6000'), dec('0'));
    p.setLast('ETH/USD', '3000');
    expect(p.bookFunding('BTC/USD', dec('1'), T + 1).kind).toBe('no_position');
    const booked = p.bookFunding('ETH/USD', dec('2.5'), T + 3_600_000); // 2.5 received
    expect(booked.kind).toBe('booked');
    expect(p.bookFunding('ETH/USD', dec('2.5'), T + 3_600_000).kind).toBe('duplicate');
    expect(p.cash.toString()).toBe('16002.5');
    // Equity: cash 16,002.5 less the short marked at 3,000 x 2 = 10,002.5; open P&L 0 + 2.5.
    expect(p.equity().toString()).toBe('10002.5');
    expect(p.account().unrealizedPnl).toBe('2.5');
    // The checkpoint keeps the funding and its cursor (strict schema).
    const state = portfolioStateSchema.parse(p.state());
    expect(state.positions[0]).toMatchObject({ funding: '2.5', fundingThrough: T + 3_600_000 });
  });
});
