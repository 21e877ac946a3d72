// A journal with a long history of closed trades, made by the hosted engine itself (createEngine, as
// `braid serve` opens it): each round trip a market plan bought or sold, filled at the next bar's open,
// then closed and filled again, over 4 symbols. It holds what a terminal that traded that much holds: every
// plan, order, fill and trade event, the trade table and a checkpoint. Used by the serve-start bench and
// the Trade history paging test.
import { createEngine } from '../../src/main/engine/kernel.ts';

export const TRADE_SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'] as const;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const M5 = 5 * 60_000;

/**
 * Writes `trades` round trips to a new journal at `path`. Trade n (0-based): symbol TRADE_SYMBOLS[n % 4],
 * plan id `t<n>`, long when n is even, quantity 1 + n % 5, in at 100 and out at 95 + n % 11, so its
 * P&L is (95 + n % 11 − 100) × quantity, negated for a short.
 */
export function writeTradeJournal(path: string, trades: number): void {
  const r = createEngine({
    journalPath: path,
    config: { approval: 'auto', pdt: { enabled: false } },
    symbols: [...TRADE_SYMBOLS],
  });
  if (!r.ok) throw new Error(r.error.message);
  const e = r.value;
  let i = 0;
  const bar = (symbol: string, price: string) => {
    const time = T0 + i++ * M5;
    e.onBar({ time, symbol, open: price, high: price, low: price, close: price, volume: '1000' });
    return time;
  };
  try {
    for (let n = 0; n < trades; n++) {
      const symbol = TRADE_SYMBOLS[n % TRADE_SYMBOLS.length]!;
      const at = bar(symbol, '100');
      const plan = { id: `t${n}`, symbol, side: n % 2 === 0 ? 'buy' : 'sell', quantity: 1 + (n % 5) };
      const submitted = e.submitPlan(plan, at + 1);
      if (!submitted.ok) throw new Error(submitted.error.message);
      bar(symbol, '100'); // filled at the open
      const exit = bar(symbol, String(95 + (n % 11)));
      const closed = e.closePosition(symbol, exit + 1);
      if (!closed.ok) throw new Error(closed.error.message);
      bar(symbol, String(95 + (n % 11))); // closed at the open
    }
    const count = e.snapshot().tradeCount;
    if (count !== trades) throw new Error(`generated ${count} trades, expected ${trades}`);
  } finally {
    e.close();
  }
}

/** Trade n's P&L as writeTradeJournal makes it (see there). */
export function tradePnl(n: number): number {
  const perUnit = 95 + (n % 11) - 100;
  return (n % 2 === 0 ? perUnit : -perUnit) * (1 + (n % 5));
}
