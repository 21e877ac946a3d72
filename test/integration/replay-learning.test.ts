// The learning loop's Show (issue 10, learning.md): two paper venues that differ only in slippage and
// market plans without a venue. Learning off splits them evenly; learning on finds the cheaper venue,
// closes most of the gap, and proves it against the holdout; dismissing the lesson reverts it.
import { afterAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../src/main/engine/replay/runner.ts';
import { csv, jsonl, scratch } from '../unit/replay-main.ts';

const T0 = Date.parse('2026-01-05T00:00:00Z');
const STEP = 6 * 3600_000; // four bars a day: two plans a day, so errors cluster over many days
const iso = (t: number) => new Date(t).toISOString();

let dirs: Array<ReturnType<typeof scratch>> = [];
afterAll(() => {
  for (const d of dirs) d.remove();
  dirs = [];
});

type Report = ReturnType<typeof runReplay> & Record<string, unknown>;
interface StrandRow {
  orderId: string;
  planId: string;
  venue: string;
  orderType: string;
  role: string;
  arm: string;
  propensity: number;
  slippageBps: number;
  lessonsApplied: string[];
}
interface LessonRow {
  id: string;
  text: string;
  state: string;
  effect: { kind: string; venue?: string; offsetBps?: number };
  evidence: { n: number; altN: number; ci95: [number, number] };
}
interface LearningRow {
  advised: { n: number; meanSlippageBps: number };
  holdout: { n: number; meanSlippageBps: number };
  improvementBps: number;
  improvementCi95: [number, number];
}

function replay(
  config: unknown,
  plans: number,
  extra: (i: number) => unknown[] = () => [],
  planOf: (i: number) => object = () => ({}),
) {
  const files = scratch('braid-learn-');
  dirs.push(files);
  const rows: string[] = [];
  for (let i = 0; i < 2 * plans + 6; i++) rows.push(`${iso(T0 + i * STEP)},AAA,100,100.5,99.5,100,1000000`);
  const events: unknown[] = [];
  for (let i = 0; i < plans; i++) {
    events.push(...extra(i));
    events.push({
      at: iso(T0 + 2 * i * STEP + 1000),
      type: 'plan',
      plan: { id: `p${String(i).padStart(3, '0')}`, symbol: 'AAA', side: 'buy', quantity: 1, ...planOf(i) },
    });
    events.push({ at: iso(T0 + (2 * i + 1) * STEP + 1000), type: 'close', symbol: 'AAA' });
  }
  return runReplay({
    prices: files.file('prices.csv', csv(...rows)),
    script: files.file('script.jsonl', jsonl(...events)),
    config: files.file('config.json', JSON.stringify(config)),
    db: `${files.dir}/journal.db`,
    clock: () => 0,
  }) as Report;
}

const base = (enabled: boolean) => ({
  account: { cash: 10000000 },
  pdt: { enabled: false },
  venues: { paper: { slipBps: 2 }, 'paper-b': { kind: 'paper', slipBps: 12 } },
  routing: { candidates: ['paper', 'paper-b'] },
  learning: { enabled, seed: 7 },
});

/** The learning-on run, shared by the tests that read it (each replay journals every order durably). */
let learningOn: Report | null = null;
const onRun = () => {
  learningOn ??= replay(base(true), N);
  return learningOn;
};

const entries = (r: Report) => (r.strands as StrandRow[]).filter((s) => s.role === 'entry');
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const N = 120;

describe('the learning loop in replay: two paper venues 10 bps apart', () => {
  it('learning off: plans without a venue split evenly, the baseline mean sits halfway', () => {
    const r = replay(base(false), N);
    const e = entries(r);
    expect(e.length).toBe(N);
    expect(e.filter((s) => s.venue === 'paper').length).toBe(N / 2);
    expect(mean(e.map((s) => s.slippageBps))).toBeCloseTo(7, 6);
    expect(e.every((s) => s.arm === 'baseline' && s.lessonsApplied.length === 0)).toBe(true);
    // The evidence is there all the same: a lesson is proposed (active, by autoActivate), never applied.
    expect((r.lessons as LessonRow[]).map((l) => l.id)).toEqual(['prefer_venue:paper|market|AAA|*|*']);
  });

  it('learning on: the lesson moves the second half towards paper; advised beats holdout with an interval excluding zero', () => {
    const r = onRun();
    const e = entries(r);
    const lessons = r.lessons as LessonRow[];
    expect(lessons.length).toBe(1);
    const lesson = lessons[0]!;
    expect(lesson.effect).toEqual({ kind: 'prefer_venue', venue: 'paper', over: ['paper-b'] });
    expect(lesson.state).toBe('active');
    expect(lesson.text).toMatch(
      /^Market entries on paper-b slipped 10\.0 bps more than on paper \(n = \d+ and \d+, 95 % CI 10\.0 to 10\.0\)$/,
    );
    expect(lesson.evidence.n).toBeGreaterThanOrEqual(20);

    // Over the second half, the mean slippage closes at least half of the 7 → 2 bps gap.
    const second = e.slice(N / 2);
    const closed = (7 - mean(second.map((s) => s.slippageBps))) / (7 - 2);
    expect(closed).toBeGreaterThanOrEqual(0.5);

    const learning = r.learning as unknown as LearningRow;
    expect(learning.advised.meanSlippageBps).toBeCloseTo(2, 6);
    expect(learning.improvementBps).toBeGreaterThan(0);
    expect(learning.improvementCi95[0]).toBeGreaterThan(0);

    // The holdout near its share (15 %, seeded), over every plan.
    const holdout = e.filter((s) => s.arm === 'holdout').length / N;
    expect(holdout).toBeGreaterThan(0.09);
    expect(holdout).toBeLessThan(0.21);
    // Advised orders list their lesson (strand and order), holdout orders none.
    const orders = r.orders as Array<{ id: string; lessonsApplied?: string[] }>;
    for (const s of e) {
      const order = orders.find((o) => o.id === s.orderId)!;
      if (s.arm === 'advised') {
        expect(s.lessonsApplied).toEqual([lesson.id]);
        expect(order.lessonsApplied).toEqual([lesson.id]);
        expect(s.venue).toBe('paper');
      }
      if (s.arm === 'holdout') {
        expect(s.lessonsApplied).toEqual([]);
        expect(order.lessonsApplied).toBeUndefined();
        expect(s.propensity).toBe(0.5);
      }
    }
    expect(e.filter((s) => s.arm === 'advised').length).toBeGreaterThan(N / 3);
  });

  it('the same seed gives the same report; another seed other arms', () => {
    const a = onRun();
    const b = replay(base(true), N);
    const { run: _ra, ...ra } = a;
    const { run: _rb, ...rb } = b;
    expect(JSON.stringify(ra)).toBe(JSON.stringify(rb));
    const c = replay({ ...base(true), learning: { enabled: true, seed: 8 } }, 40);
    expect(entries(c).map((s) => s.arm)).not.toEqual(
      entries(a)
        .slice(0, 40)
        .map((s) => s.arm),
    );
  });
});
