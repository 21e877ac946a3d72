// The learning loop's Show, continued (issue 10, learning.md): dismissing the lesson mid-run reverts its
// effect; and a second replay where a marketable limit beats a market order shows the order-type lesson.
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

const entries = (r: Report) => (r.strands as StrandRow[]).filter((s) => s.role === 'entry');
const N = 120;

describe('the trader dismisses the venue lesson', () => {
  it('dismissing the lesson mid-run reverts its effect: no advised order after, the split is even again', () => {
    const dismissAt = 85;
    const r = replay(base(true), N, (i) =>
      i === dismissAt
        ? [
            {
              at: iso(T0 + 2 * i * STEP),
              type: 'lesson',
              lessonId: 'prefer_venue:paper|market|AAA|*|*',
              state: 'dismissed',
            },
          ]
        : [],
    );
    const e = entries(r);
    expect((r.lessons as LessonRow[])[0]!.state).toBe('dismissed');
    const after = e.slice(dismissAt);
    expect(after.some((s) => s.arm === 'advised')).toBe(false);
    const baseline = after.filter((s) => s.arm === 'baseline');
    const onB = baseline.filter((s) => s.venue === 'paper-b').length;
    expect(Math.abs(onB - baseline.length / 2)).toBeLessThanOrEqual(1);
    expect(e.slice(0, dismissAt).some((s) => s.arm === 'advised')).toBe(true);
  });
});

describe('the order-type lesson: a marketable limit beats a market order', () => {
  it('limit plans a little through the price fill without slippage; market plans then go as marketable limits', () => {
    const config = {
      account: { cash: 10000000 },
      pdt: { enabled: false },
      venues: { paper: { slipBps: 10 } },
      routing: { candidates: ['paper'] },
      learning: { enabled: true, seed: 3 },
    };
    // The first 60 plans alternate market and a limit 5 bps through the price; then market plans only.
    const r = replay(
      config,
      100,
      () => [],
      (i) => (i < 60 && i % 2 === 1 ? { entry: { type: 'limit', price: 100.05 } } : {}),
    );
    const lesson = (r.lessons as LessonRow[]).find((l) => l.effect.kind === 'marketable_limit')!;
    expect(lesson).toBeDefined();
    expect(lesson.effect).toEqual({ kind: 'marketable_limit', offsetBps: 5 });
    expect(lesson.text).toMatch(
      /^Market entries on paper slipped [\d.]+ bps more than marketable limits 5\.0 bps through the price/,
    );
    const late = entries(r)
      .slice(70)
      .filter((s) => s.arm === 'advised');
    expect(late.length).toBeGreaterThan(15);
    for (const s of late) {
      expect(s.orderType).toBe('limit');
      expect(s.lessonsApplied).toEqual([lesson.id]);
    }
  });
});
