import { describe, expect, it } from 'vitest';
import {
  DayTradeCounter,
  type DayTradePolicyConfig,
  type DayTradeState,
} from '../../src/main/engine/risk/day-trades.ts';

const t = (iso: string): number => Date.parse(iso);

const CONFIG: DayTradePolicyConfig = {
  enabled: true,
  accountType: 'margin',
  minEquity: '25000',
  maxDayTrades: 3,
  timezone: 'America/New_York',
  method: 'round_trips',
};

function counter(over: Partial<DayTradePolicyConfig> = {}, state?: DayTradeState): DayTradeCounter {
  return new DayTradeCounter({ ...CONFIG, ...over }, state);
}

/** Opens and closes `symbol` between two instants. */
function roundTrip(c: DayTradeCounter, symbol: string, open: string, flat: string) {
  c.positionOpened(symbol, t(open));
  return c.positionFlat(symbol, t(flat));
}

// New York is UTC-5 (EST) until 2024-03-10 and from 2024-11-03, UTC-4 (EDT) in between.
// 2024-03-04 is a Monday; Good Friday is 2024-03-29; Thanksgiving is 2024-11-28.

describe('counting day trades (round_trips)', () => {
  it('an open and a close on the same trading day is one day trade, dated that day', () => {
    const c = counter();
    const dt = roundTrip(c, 'AAPL', '2024-03-05T15:00:00Z', '2024-03-05T19:00:00Z'); // 10:00 -> 14:00 ET
    expect(dt).toEqual({ date: '2024-03-05', symbol: 'AAPL' });
    expect(c.dayTrades()).toEqual([{ date: '2024-03-05', symbol: 'AAPL' }]);
    expect(c.inWindow(t('2024-03-05T19:00:00Z'))).toBe(1);
  });

  it('two round trips in the same symbol on the same day count two', () => {
    const c = counter();
    roundTrip(c, 'AAPL', '2024-03-05T15:00:00Z', '2024-03-05T16:00:00Z');
    roundTrip(c, 'AAPL', '2024-03-05T17:00:00Z', '2024-03-05T18:00:00Z');
    expect(c.inWindow(t('2024-03-05T20:00:00Z'))).toBe(2);
    expect(c.dayTrades()).toEqual([
      { date: '2024-03-05', symbol: 'AAPL' },
      { date: '2024-03-05', symbol: 'AAPL' },
    ]);
  });

  it('overlapping round trips in two symbols on one day count one each', () => {
    const c = counter();
    c.positionOpened('AAPL', t('2024-03-05T15:00:00Z'));
    c.positionOpened('MSFT', t('2024-03-05T15:30:00Z'));
    expect(c.positionFlat('AAPL', t('2024-03-05T16:00:00Z'))).toEqual({ date: '2024-03-05', symbol: 'AAPL' });
    expect(c.positionFlat('MSFT', t('2024-03-05T16:30:00Z'))).toEqual({ date: '2024-03-05', symbol: 'MSFT' });
    expect(c.inWindow(t('2024-03-05T17:00:00Z'))).toBe(2);
  });

  it('a position opened Monday and closed Tuesday is not a day trade', () => {
    const c = counter();
    expect(roundTrip(c, 'AAPL', '2024-03-04T15:00:00Z', '2024-03-05T15:00:00Z')).toBeNull();
    expect(c.dayTrades()).toEqual([]);
    expect(c.inWindow(t('2024-03-05T15:00:00Z'))).toBe(0);
  });

  it('adding to an open position keeps the first open date (opened Monday, closed Tuesday: 0)', () => {
    const c = counter();
    c.positionOpened('AAPL', t('2024-03-04T15:00:00Z'));
    c.positionOpened('AAPL', t('2024-03-05T15:00:00Z'));
    expect(c.positionFlat('AAPL', t('2024-03-05T16:00:00Z'))).toBeNull();
  });

  it('going flat without a recorded open records nothing', () => {
    const c = counter();
    expect(c.positionFlat('AAPL', t('2024-03-05T16:00:00Z'))).toBeNull();
    expect(c.dayTrades()).toEqual([]);
  });

  it('a reversal through flat closes the first position and opens a new one', () => {
    const c = counter();
    c.positionOpened('AAPL', t('2024-03-04T15:00:00Z'));
    expect(c.positionFlat('AAPL', t('2024-03-05T15:00:00Z'))).toBeNull(); // overnight: not a day trade
    c.positionOpened('AAPL', t('2024-03-05T15:00:00Z'));
    expect(c.positionFlat('AAPL', t('2024-03-05T18:00:00Z'))).toEqual({ date: '2024-03-05', symbol: 'AAPL' });
  });
});

describe('trading day in the exchange time zone', () => {
  it('10:00 ET to 20:30 ET (01:30Z the next UTC day) is a day trade on the New York date', () => {
    const c = counter();
    expect(roundTrip(c, 'AAPL', '2024-03-05T15:00:00Z', '2024-03-06T01:30:00Z')).toEqual({
      date: '2024-03-05',
      symbol: 'AAPL',
    });
  });

  it('20:30 ET to 10:00 ET next day is not a day trade though both fills are on one UTC day', () => {
    const c = counter();
    expect(roundTrip(c, 'AAPL', '2024-03-06T01:30:00Z', '2024-03-06T15:00:00Z')).toBeNull();
  });

  it('23:30 ET to 00:30 ET crosses New York midnight: not a day trade', () => {
    const c = counter();
    expect(roundTrip(c, 'AAPL', '2024-03-06T04:30:00Z', '2024-03-06T05:30:00Z')).toBeNull();
  });

  it('fills at 04:30Z and 04:45Z on Monday 2024-03-04 are Sunday 2024-03-03 in New York', () => {
    const c = counter();
    expect(roundTrip(c, 'BTC/USD', '2024-03-04T04:30:00Z', '2024-03-04T04:45:00Z')).toEqual({
      date: '2024-03-03',
      symbol: 'BTC/USD',
    });
  });

  it('the configured time zone decides the date (UTC: the same fills are on 2024-03-04)', () => {
    const c = counter({ timezone: 'UTC' });
    expect(roundTrip(c, 'BTC/USD', '2024-03-04T04:30:00Z', '2024-03-04T04:45:00Z')).toEqual({
      date: '2024-03-04',
      symbol: 'BTC/USD',
    });
  });

  it('uses EDT in summer: 03:30Z..03:59Z on 2024-07-01 is Sunday 2024-06-30 evening', () => {
    const c = counter();
    expect(roundTrip(c, 'BTC/USD', '2024-07-01T03:30:00Z', '2024-07-01T03:59:00Z')).toEqual({
      date: '2024-06-30',
      symbol: 'BTC/USD',
    });
  });
});

describe('the five-business-day window', () => {
  /** One day trade on each weekday Mon 2024-03-04 .. Fri 2024-03-08 (10:00 -> 11:00 EST). */
  function weekOfDayTrades(): DayTradeCounter {
    const c = counter();
    for (const d of ['04', '05', '06', '07', '08']) {
      roundTrip(c, 'AAPL', `2024-03-${d}T15:00:00Z`, `2024-03-${d}T16:00:00Z`);
    }
    return c;
  }

  it('counts all five trades Mon..Fri on Friday and through the weekend', () => {
    const c = weekOfDayTrades();
    expect(c.inWindow(t('2024-03-08T20:00:00Z'))).toBe(5);
    expect(c.inWindow(t('2024-03-09T15:00:00Z'))).toBe(5); // Saturday
    expect(c.inWindow(t('2024-03-10T15:00:00Z'))).toBe(5); // Sunday
  });

  it('on the next Monday the window is Tue..Mon: the oldest (Monday) trade has left', () => {
    const c = weekOfDayTrades();
    expect(c.inWindow(t('2024-03-11T03:30:00Z'))).toBe(5); // Sunday 23:30 EDT
    expect(c.inWindow(t('2024-03-11T04:30:00Z'))).toBe(4); // Monday 00:30 EDT
    expect(c.inWindow(t('2024-03-11T14:00:00Z'))).toBe(4); // Monday 10:00 EDT
    expect(c.oldestLeavesOn(t('2024-03-08T20:00:00Z'))).toBe('2024-03-11');
  });

  it('the window ages out one trade per business day', () => {
    const c = weekOfDayTrades();
    expect(c.inWindow(t('2024-03-12T14:00:00Z'))).toBe(3);
    expect(c.inWindow(t('2024-03-14T14:00:00Z'))).toBe(1);
    expect(c.inWindow(t('2024-03-15T14:00:00Z'))).toBe(0);
    expect(c.dayTrades()).toHaveLength(5); // the record keeps them all
  });

  it('stretches over Good Friday 2024-03-29: a Monday 03-25 trade still counts on Monday 04-01', () => {
    const c = counter();
    roundTrip(c, 'AAPL', '2024-03-25T14:00:00Z', '2024-03-25T15:00:00Z'); // EDT
    expect(c.inWindow(t('2024-04-01T14:00:00Z'))).toBe(1); // window 03-25, 26, 27, 28, 04-01
    expect(c.inWindow(t('2024-04-02T14:00:00Z'))).toBe(0);
    expect(c.oldestLeavesOn(t('2024-03-25T15:00:00Z'))).toBe('2024-04-02');
  });

  it('without a holiday the same weekday trade leaves a week later (Monday 03-18 out on Monday 03-25)', () => {
    const c = counter();
    roundTrip(c, 'AAPL', '2024-03-18T14:00:00Z', '2024-03-18T15:00:00Z');
    expect(c.inWindow(t('2024-03-22T14:00:00Z'))).toBe(1);
    expect(c.inWindow(t('2024-03-25T14:00:00Z'))).toBe(0);
    expect(c.oldestLeavesOn(t('2024-03-18T15:00:00Z'))).toBe('2024-03-25');
  });

  it('on a holiday the window ends at the business day before it (Good Friday: 03-22..03-28)', () => {
    const c = counter();
    roundTrip(c, 'AAPL', '2024-03-21T14:00:00Z', '2024-03-21T15:00:00Z');
    roundTrip(c, 'AAPL', '2024-03-22T14:00:00Z', '2024-03-22T15:00:00Z');
    expect(c.inWindow(t('2024-03-29T14:00:00Z'))).toBe(1);
  });

  it('stretches over Thanksgiving 2024-11-28: a Friday 11-22 trade counts on 11-29, not on 12-02', () => {
    const c = counter();
    roundTrip(c, 'AAPL', '2024-11-22T15:00:00Z', '2024-11-22T16:00:00Z'); // EST
    expect(c.inWindow(t('2024-11-29T15:00:00Z'))).toBe(1); // window 11-22, 25, 26, 27, 29
    expect(c.inWindow(t('2024-12-02T15:00:00Z'))).toBe(0);
    expect(c.oldestLeavesOn(t('2024-11-25T15:00:00Z'))).toBe('2024-12-02');
  });

  it('a day trade dated on a weekend counts from that day and leaves like one on the Friday before', () => {
    const c = counter();
    roundTrip(c, 'BTC/USD', '2024-03-04T04:30:00Z', '2024-03-04T04:45:00Z'); // Sunday 03-03 ET
    expect(c.inWindow(t('2024-03-04T04:45:00Z'))).toBe(1); // Sunday: window 02-26..03-01, plus today
    expect(c.inWindow(t('2024-03-07T15:00:00Z'))).toBe(1); // Thursday: window 03-01..03-07
    expect(c.inWindow(t('2024-03-08T15:00:00Z'))).toBe(0); // Friday: window 03-04..03-08
    expect(c.oldestLeavesOn(t('2024-03-04T04:45:00Z'))).toBe('2024-03-08');
  });

  it('a trade dated after "now" is not counted yet', () => {
    const c = counter();
    roundTrip(c, 'AAPL', '2024-03-06T15:00:00Z', '2024-03-06T16:00:00Z');
    expect(c.inWindow(t('2024-03-05T15:00:00Z'))).toBe(0);
  });
});

describe('when the policy binds', () => {
  it('applies to a margin account with day-start equity below 25000', () => {
    expect(counter().applies('24999.99')).toBe(true);
  });

  it('does not apply at exactly 25000 (the minimum is inclusive) or above', () => {
    expect(counter().applies('25000')).toBe(false);
    expect(counter().applies('25000.00')).toBe(false);
    expect(counter().applies('1000000')).toBe(false);
  });

  it('does not apply to a cash account', () => {
    expect(counter({ accountType: 'cash' }).applies('100')).toBe(false);
  });

  it('does not apply when switched off for the account', () => {
    expect(counter({ enabled: false }).applies('100')).toBe(false);
  });

  it('honours a configured minimum equity', () => {
    expect(counter({ minEquity: '1000' }).applies('999.5')).toBe(true);
    expect(counter({ minEquity: '1000' }).applies('1000')).toBe(false);
  });
});

describe('blocking entries', () => {
  const NOW = '2024-03-07T20:00:00Z';
  function withDayTrades(n: number, over: Partial<DayTradePolicyConfig> = {}): DayTradeCounter {
    const c = counter(over);
    for (let i = 0; i < n; i++) roundTrip(c, `S${i}`, '2024-03-07T15:00:00Z', '2024-03-07T16:00:00Z');
    return c;
  }

  it('does not block below maxDayTrades (2 of 3)', () => {
    const c = withDayTrades(2);
    expect(c.blocksEntry(t(NOW), '10000')).toBe(false);
    expect(c.remaining(t(NOW))).toBe(1);
  });

  it('blocks at exactly maxDayTrades (3 of 3)', () => {
    const c = withDayTrades(3);
    expect(c.blocksEntry(t(NOW), '10000')).toBe(true);
    expect(c.remaining(t(NOW))).toBe(0);
  });

  it('remaining never goes below zero (4 of 3)', () => {
    const c = withDayTrades(4);
    expect(c.inWindow(t(NOW))).toBe(4);
    expect(c.remaining(t(NOW))).toBe(0);
    expect(c.blocksEntry(t(NOW), '10000')).toBe(true);
  });

  it('never blocks when the policy does not apply (equity 25000, cash account, disabled)', () => {
    expect(withDayTrades(3).blocksEntry(t(NOW), '25000')).toBe(false);
    expect(withDayTrades(3, { accountType: 'cash' }).blocksEntry(t(NOW), '10000')).toBe(false);
    expect(withDayTrades(3, { enabled: false }).blocksEntry(t(NOW), '10000')).toBe(false);
  });

  it('honours a configured maxDayTrades (0 blocks every entry while the policy applies)', () => {
    expect(withDayTrades(0, { maxDayTrades: 0 }).blocksEntry(t(NOW), '10000')).toBe(true);
    expect(withDayTrades(3, { maxDayTrades: 4 }).blocksEntry(t(NOW), '10000')).toBe(false);
  });

  it('unblocks on the business day the oldest trade leaves the window', () => {
    const c = counter();
    roundTrip(c, 'A', '2024-03-04T15:00:00Z', '2024-03-04T16:00:00Z'); // Mon
    roundTrip(c, 'B', '2024-03-06T15:00:00Z', '2024-03-06T16:00:00Z'); // Wed
    roundTrip(c, 'C', '2024-03-08T15:00:00Z', '2024-03-08T16:00:00Z'); // Fri
    expect(c.blocksEntry(t('2024-03-08T17:00:00Z'), '10000')).toBe(true);
    expect(c.oldestLeavesOn(t('2024-03-08T17:00:00Z'))).toBe('2024-03-11');
    expect(c.blocksEntry(t('2024-03-11T14:00:00Z'), '10000')).toBe(false); // Monday 10:00 EDT
    expect(c.oldestLeavesOn(t('2024-03-11T14:00:00Z'))).toBe('2024-03-13'); // Wed + 5 business days
  });
});

describe('oldestLeavesOn', () => {
  it('is null with no day trades', () => {
    expect(counter().oldestLeavesOn(t('2024-03-05T15:00:00Z'))).toBeNull();
  });

  it('is null once every recorded day trade has left the window', () => {
    const c = counter();
    roundTrip(c, 'AAPL', '2024-03-04T15:00:00Z', '2024-03-04T16:00:00Z');
    expect(c.oldestLeavesOn(t('2024-03-11T14:00:00Z'))).toBeNull();
  });

  it('is the fifth business day after the oldest counted trade (Mon 03-04 -> Mon 03-11)', () => {
    const c = counter();
    roundTrip(c, 'AAPL', '2024-03-04T15:00:00Z', '2024-03-04T16:00:00Z');
    roundTrip(c, 'AAPL', '2024-03-05T15:00:00Z', '2024-03-05T16:00:00Z');
    expect(c.oldestLeavesOn(t('2024-03-05T16:00:00Z'))).toBe('2024-03-11');
  });
});

describe('view', () => {
  it('reports the counted day trades and the policy state for the UI', () => {
    const c = counter();
    roundTrip(c, 'AAPL', '2024-03-01T15:00:00Z', '2024-03-01T16:00:00Z'); // Fri, out by Fri 03-08
    roundTrip(c, 'MSFT', '2024-03-05T15:00:00Z', '2024-03-05T16:00:00Z');
    roundTrip(c, 'AAPL', '2024-03-07T15:00:00Z', '2024-03-07T16:00:00Z');
    expect(c.view(t('2024-03-08T15:00:00Z'), '20000')).toEqual({
      enabled: true,
      applies: true,
      used: 2,
      remaining: 1,
      max: 3,
      oldestLeavesOn: '2024-03-12',
      dayTrades: [
        { date: '2024-03-05', symbol: 'MSFT' },
        { date: '2024-03-07', symbol: 'AAPL' },
      ],
    });
  });

  it('shows enabled false and applies false for an account with the policy switched off', () => {
    const v = counter({ enabled: false }).view(t('2024-03-08T15:00:00Z'), '20000');
    expect(v.enabled).toBe(false);
    expect(v.applies).toBe(false);
    expect(v.oldestLeavesOn).toBeNull();
  });
});

describe('checkpoint state', () => {
  it('is plain JSON and restores open positions and day trades', () => {
    const c = counter();
    roundTrip(c, 'AAPL', '2024-03-05T15:00:00Z', '2024-03-05T16:00:00Z');
    c.positionOpened('MSFT', t('2024-03-05T17:00:00Z'));
    const saved = JSON.parse(JSON.stringify(c.state())) as DayTradeState;
    expect(saved).toEqual({
      open: { MSFT: '2024-03-05' },
      dayTrades: [{ date: '2024-03-05', symbol: 'AAPL' }],
    });

    const restored = counter({}, saved);
    expect(restored.positionFlat('MSFT', t('2024-03-05T18:00:00Z'))).toEqual({
      date: '2024-03-05',
      symbol: 'MSFT',
    });
    expect(restored.inWindow(t('2024-03-05T18:00:00Z'))).toBe(2);
  });

  it('is a copy: changing the returned state does not change the counter', () => {
    const c = counter();
    roundTrip(c, 'AAPL', '2024-03-05T15:00:00Z', '2024-03-05T16:00:00Z');
    const s = c.state();
    s.dayTrades.push({ date: '2024-03-05', symbol: 'X' });
    s.dayTrades[0]!.symbol = 'Y';
    s.open.Z = '2024-03-05';
    expect(c.state()).toEqual({ open: {}, dayTrades: [{ date: '2024-03-05', symbol: 'AAPL' }] });
  });

  it('restored day trades are kept oldest first', () => {
    const c = counter(
      {},
      {
        open: {},
        dayTrades: [
          { date: '2024-03-06', symbol: 'B' },
          { date: '2024-03-05', symbol: 'A' },
        ],
      },
    );
    expect(c.dayTrades().map((d) => d.date)).toEqual(['2024-03-05', '2024-03-06']);
  });

  it('rejects a state with a malformed date', () => {
    expect(() => counter({}, { open: { A: '5 March' }, dayTrades: [] })).toThrow(RangeError);
    expect(() => counter({}, { open: {}, dayTrades: [{ date: '2024-3-5', symbol: 'A' }] })).toThrow(
      RangeError,
    );
  });
});

describe('configuration', () => {
  it('rejects an unknown method, a bad maxDayTrades, a non-decimal minEquity and an unknown zone', () => {
    expect(() => counter({ method: 'rolling' as 'round_trips' })).toThrow(RangeError);
    expect(() => counter({ maxDayTrades: -1 })).toThrow(RangeError);
    expect(() => counter({ maxDayTrades: 2.5 })).toThrow(RangeError);
    expect(() => counter({ minEquity: 'lots' })).toThrow(RangeError);
    expect(() => counter({ timezone: 'Nowhere/Special' })).toThrow(RangeError);
  });
});

describe("the broker's own count (IB's DayTradesRemaining)", () => {
  const now = t('2024-03-05T19:00:00Z');
  const broker = (remaining: number | null, equity: string | null = '20000') => ({
    venue: 'ib',
    remaining,
    equity,
    at: now,
  });

  it('decides the limit when it says one: 0 left blocks though Braid counts none', () => {
    const c = counter();
    expect(c.blocksEntry(now, '20000')).toBe(false);
    c.setBroker(broker(0));
    expect(c.blocksEntry(now, '20000')).toBe(true);
    const view = c.view(now, '20000');
    expect(view.used).toBe(0); // Braid's own count, shown beside the broker's
    expect(view.remaining).toBe(3);
    expect(view.broker).toEqual({ venue: 'ib', remaining: 0, equity: '20000', at: now });
  });

  it('allows what the broker allows even when Braid counts the limit reached', () => {
    const c = counter();
    roundTrip(c, 'AAPL', '2024-03-05T15:00:00Z', '2024-03-05T15:10:00Z');
    roundTrip(c, 'MSFT', '2024-03-05T15:20:00Z', '2024-03-05T15:30:00Z');
    roundTrip(c, 'TSLA', '2024-03-05T15:40:00Z', '2024-03-05T15:50:00Z');
    expect(c.blocksEntry(now, '20000')).toBe(true);
    c.setBroker(broker(2));
    expect(c.blocksEntry(now, '20000')).toBe(false);
  });

  it("takes the broker's equity for the $25,000 rule, and its null remaining as Braid's count", () => {
    const c = counter();
    // Day-start equity below 25,000 as Braid books it, but the broker says 30,000: the rule does not bind.
    c.setBroker(broker(0, '30000'));
    expect(c.applies('20000')).toBe(false);
    expect(c.blocksEntry(now, '20000')).toBe(false);
    // No remaining figure from the broker: Braid's own count decides, with the broker's equity.
    c.setBroker(broker(null, '20000'));
    roundTrip(c, 'AAPL', '2024-03-05T15:00:00Z', '2024-03-05T15:10:00Z');
    expect(c.blocksEntry(now, '20000')).toBe(false);
    c.setBroker(null);
    expect(c.view(now, '20000').broker).toBeUndefined();
  });
});

describe('a hosted engine keeps the day trades of its last business days only', () => {
  it('keepDays 5: a trade older than the 5 business days up to the newest one is let go; the count is unchanged', () => {
    const kept = new DayTradeCounter(CONFIG, undefined, 5);
    const all = counter();
    // One day trade each business day from Monday 2024-03-04 to Tuesday 2024-03-12 (7 business days).
    const days = ['04', '05', '06', '07', '08', '11', '12'];
    for (const d of days) {
      for (const c of [kept, all]) roundTrip(c, 'AAPL', `2024-03-${d}T15:00:00Z`, `2024-03-${d}T16:00:00Z`);
    }
    // The 5 business days up to Tuesday the 12th: Wednesday the 6th to the 12th (the weekend skipped).
    expect(kept.dayTrades().map((x) => x.date)).toEqual([
      '2024-03-06',
      '2024-03-07',
      '2024-03-08',
      '2024-03-11',
      '2024-03-12',
    ]);
    expect(all.dayTrades()).toHaveLength(7);
    const now = t('2024-03-12T20:00:00Z');
    expect([kept.inWindow(now), all.inWindow(now)]).toEqual([5, 5]);
    expect(kept.oldestLeavesOn(now)).toBe(all.oldestLeavesOn(now));
    // What the checkpoint keeps comes back bounded the same way.
    expect(new DayTradeCounter(CONFIG, all.state(), 5).dayTrades()).toEqual(kept.dayTrades());
  });

  it('refuses to keep fewer days than it counts', () => {
    expect(() => new DayTradeCounter(CONFIG, undefined, 4)).toThrow(/keepDays must be a whole number >= 5/);
  });
});
