// A strand is journaled whole when its order ends, then its markouts alone when the fifth bar after it
// closes (learning.md "Strand"); journals written before the markouts record hold the whole strand twice.
// Every reader (restart, export, the desk's outbox) reads both through readStrandRecord.
import { describe, expect, it } from 'vitest';
import { readStrandRecord } from '../../src/main/engine/learning/strand.ts';
import type { Strand } from '../../src/shared/domain/learning.ts';

const T0 = 1_709_303_400_000;

function strand(orderId: string, over: Partial<Strand> = {}): Strand {
  return {
    orderId,
    planId: 'plan-1',
    symbol: 'AAPL',
    venue: 'paper',
    orderType: 'market',
    side: 'buy',
    role: 'entry',
    status: 'filled',
    timeBucket: 14,
    regime: 'normal',
    day: '2024-03-01',
    sentAt: T0,
    endedAt: T0 + 1_000,
    arrivalPrice: '190',
    decisionPrice: '190',
    planned: '10',
    filled: '10',
    avgFillPrice: '190.038',
    fees: '0',
    notional: 1900,
    latencyMs: { ack: 0, firstFill: 0, lastFill: 0 },
    slippageBps: 2,
    shortfallBps: 2,
    fillRatio: 1,
    markout1Bps: null,
    markout5Bps: null,
    limitOffsetBps: null,
    arm: 'baseline',
    propensity: 0.5,
    lessonsApplied: [],
    tags: ['trader:execution_insights', 'dm:execution_report'],
    ...over,
  };
}

describe('strand records', () => {
  it('reads the markouts record onto the strand its order ended with', () => {
    const known = new Map<string, Strand>();
    const ended = strand('o-1');
    expect(readStrandRecord(known, { type: 'strand', strand: ended })).toBe(ended);
    const after = readStrandRecord(known, {
      type: 'markout',
      markout: { orderId: 'o-1', markout1Bps: -1.5, markout5Bps: 4.25 },
    });
    expect(after).toEqual({ ...ended, markout1Bps: -1.5, markout5Bps: 4.25 });
    expect(known.get('o-1')).toEqual(after);
    // The strand first read is not changed under whoever holds it.
    expect(ended.markout5Bps).toBeNull();
  });

  it('reads a journal of the earlier form (the whole strand again) the same', () => {
    const known = new Map<string, Strand>();
    readStrandRecord(known, { type: 'strand', strand: strand('o-1') });
    readStrandRecord(known, {
      type: 'strand',
      strand: strand('o-1', { markout1Bps: -1.5, markout5Bps: 4.25 }),
    });
    expect([...known.values()]).toEqual([strand('o-1', { markout1Bps: -1.5, markout5Bps: 4.25 })]);
  });

  it('names nothing for a record that is not a strand record or whose strand was never read', () => {
    const known = new Map<string, Strand>();
    expect(readStrandRecord(known, null)).toBeNull();
    expect(readStrandRecord(known, { type: 'strand' })).toBeNull();
    expect(readStrandRecord(known, { type: 'strand', strand: 'o-1' })).toBeNull();
    expect(
      readStrandRecord(known, {
        type: 'markout',
        markout: { orderId: 'o-9', markout1Bps: 1, markout5Bps: 2 },
      }),
    ).toBeNull();
    expect(known.size).toBe(0);
  });
});
