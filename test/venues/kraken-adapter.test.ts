// Braid's Kraken adapter. First the parts that need no venue (Kraken's answers as the real ccxt turns them
// into exceptions, the rate budget, the dead-man timing), then the adapter through the real ccxt against
// the Kraken wire simulator on 127.0.0.1.
import {
  ExchangeError,
  InsufficientFunds,
  InvalidNonce,
  kraken,
  NetworkError,
  RateLimitExceeded,
  RequestTimeout,
} from 'ccxt';
import { describe, expect, it } from 'vitest';
import { deadManProblem, refreshIntervalMs } from '../../src/main/venues/kraken/dead-man.ts';
import {
  backoffMs,
  classifyKrakenError,
  krakenErrorCodes,
  outcomeOf,
} from '../../src/main/venues/kraken/errors.ts';
import { nonceFor, PrivateLane } from '../../src/main/venues/kraken/private-lane.ts';
import {
  amendCost,
  CALLS,
  cancelPenalty,
  chargesFor,
  KRAKEN_LIMITS,
  KrakenRateBudget,
} from '../../src/main/venues/kraken/rate-budget.ts';
import { waitFor } from '../helpers/wait.ts';

const URL = 'https://api.kraken.com/0/private/AddOrder';

/** What the real ccxt kraken class throws for an HTTP answer (its handleRestResponse error path). */
function krakenAnswer(status: number, body: string): unknown {
  const ex = new kraken({});
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  try {
    ex.handleErrors(status, 'reason', URL, 'POST', {}, body, parsed, {}, '');
    ex.handleHttpStatusCode(status, 'reason', URL, 'POST', body);
  } catch (e) {
    return e;
  }
  throw new Error(`ccxt threw nothing for ${status} ${body}`);
}
const errorBody = (...errors: string[]) => JSON.stringify({ error: errors, result: {} });
const submitOutcome = (error: unknown) => outcomeOf(classifyKrakenError(error), 1234);

describe("Kraken's answers to an order, as ccxt raises them", () => {
  it.each([
    ['EOrder:Insufficient funds', 'rejected', 'insufficient_funds'],
    ['EOrder:Order minimum not met', 'rejected', 'size_below_min'],
    ['EOrder:Cost minimum not met', 'rejected', 'size_below_min'],
    ['EGeneral:Invalid arguments', 'rejected', 'invalid_order'],
    ['EGeneral:Invalid arguments:volume', 'rejected', 'invalid_order'],
    ['EOrder:Invalid price:Invalid price argument', 'rejected', 'invalid_order'],
    ['EGeneral:Invalid arguments:price', 'rejected', 'invalid_order'],
    ['EOrder:Unknown order', 'rejected', 'unknown_order'],
    ['EAPI:Invalid nonce', 'rejected', 'venue_unavailable'],
    ['EAPI:Invalid key', 'rejected', 'venue_unavailable'],
    ['EAPI:Invalid signature', 'rejected', 'venue_unavailable'],
    ['EGeneral:Permission denied', 'rejected', 'venue_unavailable'],
    ['EService:Market in cancel_only mode', 'rejected', 'venue_unavailable'],
    ['EAPI:Rate limit exceeded', 'throttled', undefined],
    ['EOrder:Rate limit exceeded', 'throttled', undefined],
    ['EGeneral:Too many requests', 'throttled', undefined],
    ['EGeneral:Temporary lockout', 'throttled', undefined],
    ['EGeneral:Internal error', 'unknown', undefined],
    ['EService:Unavailable', 'unknown', undefined],
    ['EService:Busy', 'unknown', undefined],
    ['EDatabase:Internal error', 'unknown', undefined],
  ])('%s -> %s %s', (text, kind, reason) => {
    const error = krakenAnswer(200, errorBody(text));
    const outcome = submitOutcome(error);
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === 'rejected') expect(outcome.reason).toBe(reason);
    if (outcome.kind === 'throttled') expect(outcome.retryAfterMs).toBe(1234);
    if (outcome.kind !== 'unknown') expect(outcome.message).toContain(text);
  });

  it('an HTTP 5xx or 504 without a Kraken text leaves the order unknown', () => {
    for (const [status, body] of [
      [500, '<html>500 Internal Server Error</html>'],
      [502, 'Bad Gateway'],
      [503, ''],
      [504, 'Gateway Timeout'],
      [520, 'origin error'],
    ] as const) {
      const outcome = submitOutcome(krakenAnswer(status, body));
      expect(outcome.kind, `${status}`).toBe('unknown');
      if (outcome.kind === 'unknown') expect(outcome.message).toContain('ask by client id');
    }
  });

  it('a 5xx that carries a Kraken text is read by the text', () => {
    expect(submitOutcome(krakenAnswer(500, errorBody('EOrder:Insufficient funds')))).toMatchObject({
      kind: 'rejected',
      reason: 'insufficient_funds',
    });
  });

  it('transport failures are unknown, an invalid nonce and a rate limit are not (both are NetworkErrors in ccxt)', () => {
    expect(submitOutcome(new RequestTimeout('kraken POST url request timed out (10000 ms)')).kind).toBe(
      'unknown',
    );
    expect(submitOutcome(new NetworkError('kraken POST url fetch failed: socket hang up')).kind).toBe(
      'unknown',
    );
    expect(submitOutcome(new InvalidNonce('kraken nonce'))).toMatchObject({
      kind: 'rejected',
      reason: 'venue_unavailable',
    });
    expect(submitOutcome(new RateLimitExceeded('kraken 429'))).toMatchObject({ kind: 'throttled' });
    expect(submitOutcome(new InsufficientFunds('kraken'))).toMatchObject({
      kind: 'rejected',
      reason: 'insufficient_funds',
    });
  });

  it('anything that is not a definite Kraken answer is unknown, never a rejection', () => {
    expect(submitOutcome(new TypeError("Cannot read properties of undefined (reading 'txid')")).kind).toBe(
      'unknown',
    );
    expect(submitOutcome(new ExchangeError('kraken unexpected answer')).kind).toBe('unknown');
    expect(submitOutcome('a string').kind).toBe('unknown');
    // An ExchangeError with a Kraken text nobody mapped is still Kraken refusing.
    expect(submitOutcome(krakenAnswer(200, errorBody('EOrder:Something new')))).toMatchObject({
      kind: 'rejected',
      reason: 'rejected',
    });
  });

  it('finds the Kraken texts in a ccxt message', () => {
    expect(
      krakenErrorCodes(
        'kraken {"error":["EOrder:Insufficient funds","EGeneral:Internal error"],"result":{}}',
      ),
    ).toEqual(['EOrder:Insufficient funds', 'EGeneral:Internal error']);
    expect(krakenErrorCodes('kraken POST http://127.0.0.1:4000/0/private/AddOrder fetch failed')).toEqual([]);
  });
});

describe('backoff on a rate-limit answer', () => {
  it('starts at the budget drain time, doubles per answer in a row, caps at a minute, adds up to 20 % jitter', () => {
    expect(backoffMs({ drainMs: 12_000, streak: 1, random: 0 })).toBe(12_000);
    expect(backoffMs({ drainMs: 12_000, streak: 2, random: 0 })).toBe(24_000);
    expect(backoffMs({ drainMs: 12_000, streak: 4, random: 0 })).toBe(60_000);
    expect(backoffMs({ drainMs: 12_000, streak: 1, random: 1 })).toBe(14_400);
    expect(backoffMs({ drainMs: 10, streak: 1, random: 0.5 })).toBe(1_100);
    expect(backoffMs({ drainMs: 12_000, streak: 1, random: 0 }, true)).toBe(15 * 60_000);
  });
});

/** A budget on a hand-moved clock: sleeping moves it. */
function budgetOnClock(limits = KRAKEN_LIMITS.starter) {
  let now = 1_000_000;
  const slept: number[] = [];
  const budget = new KrakenRateBudget({
    limits,
    clock: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  });
  return { budget, slept, now: () => now, advance: (ms: number) => (now += ms) };
}

describe('rate budget (Kraken starter tier: calls 15 at 0.33/s, matching engine 60 per pair at 1/s)', () => {
  it('charges +1 per call, +2 for trade history, nothing on the call counter for orders', () => {
    expect(chargesFor('OpenOrders')).toEqual([{ counter: CALLS, cost: 1 }]);
    expect(chargesFor('TradesHistory')).toEqual([{ counter: CALLS, cost: 2 }]);
    expect(chargesFor('QueryTrades')).toEqual([{ counter: CALLS, cost: 2 }]);
    expect(chargesFor('AddOrder', 'XBTUSD')).toEqual([{ counter: 'XBTUSD', cost: 1 }]);
    expect(chargesFor('CancelOrder', 'XBTUSD', cancelPenalty(2_000))).toEqual([
      { counter: 'XBTUSD', cost: 8 },
    ]);
  });

  it('prices a cancel by the order age, quick cancels highest', () => {
    expect(
      [0, 4_999, 5_000, 9_999, 10_000, 14_999, 15_000, 44_999, 45_000, 89_999, 90_000, 299_999, 300_000].map(
        cancelPenalty,
      ),
    ).toEqual([8, 8, 6, 6, 5, 5, 4, 4, 2, 2, 1, 1, 0]);
    expect(cancelPenalty(undefined)).toBe(8);
    expect([
      amendCost(1_000),
      amendCost(7_000),
      amendCost(20_000),
      amendCost(60_000),
      amendCost(undefined),
    ]).toEqual([4, 3, 2, 1, 4]);
  });

  it('lets 12 calls through at once (80 % of 15) and makes the 13th wait for the decay', async () => {
    const { budget, slept } = budgetOnClock();
    for (let i = 0; i < 12; i++) await budget.reserve(chargesFor('OpenOrders'));
    expect(slept).toEqual([]);
    expect(budget.used()).toBeCloseTo(12 / 15, 10);
    await budget.reserve(chargesFor('OpenOrders'));
    // (12 + 1 - 12) / 0.33 per second = 3.0303 s, rounded up to the ms
    expect(slept).toEqual([3031]);
    expect(budget.used()).toBeLessThanOrEqual(0.8);
  });

  it('queues calls on one counter in order, each charged when it goes', async () => {
    const { budget, slept } = budgetOnClock();
    for (let i = 0; i < 12; i++) await budget.reserve(chargesFor('OpenOrders'));
    const order: string[] = [];
    await Promise.all([
      budget.reserve(chargesFor('TradesHistory')).then(() => order.push('trades')),
      budget.reserve(chargesFor('ClosedOrders')).then(() => order.push('closed')),
    ]);
    expect(order).toEqual(['trades', 'closed']);
    // trades: (12 + 2 - 12) / 0.33 = 6.0606 s -> 6061 ms, leaving 12 - 0.33 * 6.061 + 2 = 11.99987;
    // then closed: (11.99987 + 1 - 12) / 0.33 = 3.0299 s -> 3030 ms
    expect(slept).toEqual([6061, 3030]);
  });

  it('keeps the pairs and the call counter apart', async () => {
    const { budget, slept } = budgetOnClock();
    for (let i = 0; i < 12; i++) await budget.reserve(chargesFor('OpenOrders'));
    for (let i = 0; i < 48; i++) await budget.reserve(chargesFor('AddOrder', 'XBTUSD'));
    await budget.reserve(chargesFor('AddOrder', 'ETHUSD'));
    expect(slept).toEqual([]);
    expect(budget.levels()).toEqual({ calls: 12, XBTUSD: 48, ETHUSD: 1 });
    await budget.reserve(chargesFor('AddOrder', 'XBTUSD'));
    expect(slept).toEqual([1000]); // (48 + 1 - 48) / 1 per second
  });

  it('never lets a burst past 80 % of the counter', async () => {
    const { budget } = budgetOnClock({
      calls: KRAKEN_LIMITS.starter.calls,
      matching: { max: 10, decayPerSecond: 1 },
    });
    const levels: number[] = [];
    for (let i = 0; i < 30; i++) {
      await budget.reserve(chargesFor('AddOrder', 'XBTUSD'));
      levels.push(budget.levels().XBTUSD ?? 0);
    }
    expect(Math.max(...levels)).toBeLessThanOrEqual(8 + 1e-9);
    expect(levels[7]).toBe(8);
  });

  it('lets urgent calls use the last 20 %, and a rate-limit answer fills the counter', async () => {
    const { budget, slept } = budgetOnClock();
    for (let i = 0; i < 12; i++) await budget.reserve(chargesFor('OpenOrders'));
    await budget.reserve(chargesFor('CancelAll'), { urgent: true });
    expect(slept).toEqual([]);
    expect(budget.used()).toBeCloseTo(13 / 15, 10);
    const drain = budget.rateLimited(chargesFor('OpenOrders'));
    expect(budget.used()).toBe(1);
    expect(drain).toBe(9091); // (15 - 12) / 0.33 s
    expect(budget.drainMs(chargesFor('AddOrder', 'XBTUSD'))).toBe(12_000); // (60 - 48) / 1 s
  });
});

describe('dead-man timing', () => {
  it('takes whole seconds from 1 to 86400, or 0 to disarm', () => {
    expect(deadManProblem(60)).toBeNull();
    expect(deadManProblem(0)).toBeNull();
    expect(deadManProblem(86_400)).toBeNull();
    // 0.5 s would reach Kraken as timeout=0 through ccxt's ms -> s truncation: the switch turned OFF.
    expect(deadManProblem(0.5)).toContain('whole number of seconds');
    expect(deadManProblem(-1)).not.toBeNull();
    expect(deadManProblem(86_401)).not.toBeNull();
  });

  it('refreshes every quarter of the timeout, not more often than 15 s, and always within half of it', () => {
    expect(refreshIntervalMs(60)).toBe(15_000);
    expect(refreshIntervalMs(120)).toBe(30_000);
    expect(refreshIntervalMs(40)).toBe(15_000);
    expect(refreshIntervalMs(20)).toBe(10_000);
    expect(refreshIntervalMs(2)).toBe(1_000);
  });
});

describe('private lane', () => {
  it('gives strictly increasing nonces per key, even within one millisecond and across adapters', () => {
    const clock = () => 1_700_000_000_000;
    const a = nonceFor('key-lane-test', clock);
    const b = nonceFor('key-lane-test', clock);
    const other = nonceFor('another-key-lane-test', clock);
    expect([a(), a(), b(), a()]).toEqual([
      1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_002, 1_700_000_000_003,
    ]);
    expect(other()).toBe(1_700_000_000_000);
  });

  it('runs one task at a time, in order, urgent ones first', async () => {
    const lane = new PrivateLane();
    const ran: string[] = [];
    let release: () => void = () => {};
    const first = lane.run(
      () =>
        new Promise<void>((r) => {
          ran.push('first');
          release = r;
        }),
    );
    const second = lane.run(async () => {
      ran.push('second');
    });
    const urgent = lane.run(async () => {
      ran.push('urgent');
    }, true);
    expect(lane.queued).toBe(2);
    await waitFor('the first task to start', () => ran.includes('first'));
    expect(ran).toEqual(['first']);
    release();
    await Promise.all([first, second, urgent]);
    expect(ran).toEqual(['first', 'urgent', 'second']);
    // A task that throws still passes the turn on.
    await expect(lane.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lane.run(async () => 'next')).toBe('next');
  });
});
