// Strands are journaled one record per commit: the strands whose orders ended and the markouts taken
// since the last (learning.md "Strand"). Journals written before hold a record per strand, then one per
// markouts, and older ones the whole strand twice. Every reader (restart, export, the desk's outbox) reads
// all of them through readStrandRecord; the index counts the strands it names as fresh.
import { describe, expect, it } from 'vitest';
import { readStrandRecord, strandsRecord } from '../../src/main/engine/learning/strand.ts';
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
    participation: null,
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
    expect(readStrandRecord(known, { type: 'strand', strand: ended })).toEqual([ended]);
    const [after, ...more] = readStrandRecord(known, {
      type: 'markout',
      markout: { orderId: 'o-1', markout1Bps: -1.5, markout5Bps: 4.25 },
    })!;
    expect(more).toEqual([]);
    expect(after).toEqual({ ...ended, markout1Bps: -1.5, markout5Bps: 4.25 });
    expect(known.get('o-1')).toEqual(after);
    // The strand first read is not changed under whoever holds it.
    expect(ended.markout5Bps).toBeNull();
  });

  it("a commit's record: its strands, then its markouts onto them or onto a strand of an earlier commit", () => {
    const known = new Map<string, Strand>();
    // Through JSON, as the journal holds it.
    const journaled = (r: unknown) => JSON.parse(JSON.stringify(r)) as unknown;
    const first = journaled(strandsRecord([strand('o-1'), strand('o-2', { role: 'stop_loss' })], []));
    const fresh = (record: unknown) => {
      const ids: string[] = [];
      const read = readStrandRecord(known, record, (s) => ids.push(s.orderId));
      return { read, ids };
    };
    const one = fresh(first);
    expect(one.ids).toEqual(['o-1', 'o-2']);
    expect(one.read).toEqual([strand('o-1'), strand('o-2', { role: 'stop_loss' })]);
    // Read again, the same record names no strand fresh: an index counts each once.
    expect(fresh(first).ids).toEqual([]);
    const second = journaled(
      strandsRecord(
        [strand('o-3')],
        [
          { orderId: 'o-1', markout1Bps: -1.5, markout5Bps: 4.25 },
          { orderId: 'o-3', markout1Bps: 0.5, markout5Bps: -2 },
        ],
      ),
    );
    // Only o-3 is new; each strand as it stood after each part: o-3 ended, o-1 with its markouts, o-3
    // with its markouts.
    const two = fresh(second);
    expect(two.ids).toEqual(['o-3']);
    expect(two.read).toEqual([
      strand('o-3'),
      strand('o-1', { markout1Bps: -1.5, markout5Bps: 4.25 }),
      strand('o-3', { markout1Bps: 0.5, markout5Bps: -2 }),
    ]);
    expect([...known.values()]).toEqual([
      strand('o-1', { markout1Bps: -1.5, markout5Bps: 4.25 }),
      strand('o-2', { role: 'stop_loss' }),
      strand('o-3', { markout1Bps: 0.5, markout5Bps: -2 }),
    ]);
    // Read back in the strand's own key order (an export lists them as they were written).
    expect(Object.keys(known.get('o-2')!)).toEqual(Object.keys(strand('o-2')));
  });

  it('names each field once per record: 100 strands in well under half the bytes of 100 whole ones', () => {
    const strands = Array.from({ length: 100 }, (_, i) => strand(`o-${i}`));
    const whole = strands.map((s) => JSON.stringify({ type: 'strand', strand: s })).join('').length;
    const record = JSON.stringify(strandsRecord(strands, []));
    expect(record.length).toBeLessThan(whole * 0.45);
    expect(readStrandRecord(new Map(), JSON.parse(record))).toEqual(strands);
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
    const good = strandsRecord([strand('o-1')], []) as unknown as Record<string, unknown[]>;
    expect(readStrandRecord(known, { ...good, rows: [(good.rows![0] as unknown[]).slice(1)] })).toBeNull();
    expect(readStrandRecord(known, { ...good, markouts: [['o-1', 'x', 2]] })).toBeNull();
    expect(readStrandRecord(known, { ...good, fields: undefined })).toBeNull();
    expect(known.size).toBe(0);
    expect(
      readStrandRecord(known, { ...strandsRecord([], [{ orderId: 'o-9', markout1Bps: 1, markout5Bps: 2 }]) }),
    ).toBeNull();
    const none: string[] = [];
    expect(readStrandRecord(known, { type: 'lesson', lesson: {} }, (s) => none.push(s.orderId))).toBeNull();
    expect(none).toEqual([]);
    expect(
      readStrandRecord(known, {
        type: 'markout',
        markout: { orderId: 'o-9', markout1Bps: 1, markout5Bps: 2 },
      }),
    ).toBeNull();
    expect(known.size).toBe(0);
  });
});
