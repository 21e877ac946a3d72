// The size lesson in replay (learning.md: "scale size down (never up)"): one paper venue that fills at
// most 10 % of a bar's volume, on bars whose price climbs 0.1 a bar after each plan arrives. An entry of
// 100 of a 1,000 bar fills on the next bar (100.1 against an arrival of 100: 10 bps); one of 300 fills
// 100 a bar over three bars (100.1, 100.2, 100.3: average 100.2, 20 bps). Participation 0.1 sits in the
// log2 band -4, 0.3 in band -2 ([0.25, 0.5)): the lesson scales entries from 25 % of the volume up by
// 0.1 / 0.3 = 0.33, and the next entries of 300 go as floor(300 x 0.33) = 99 and slip 10 bps.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../src/main/engine/replay/runner.ts';
import { csv, jsonl, scratch } from '../unit/replay-main.ts';

const T0 = Date.parse('2026-01-05T00:00:00Z');
const STEP = 3600_000; // hourly bars, a plan every 12 bars: two a day
const WINDOW = 12;
const iso = (t: number) => new Date(t).toISOString();

let dirs: Array<ReturnType<typeof scratch>> = [];
afterAll(() => {
  for (const d of dirs) d.remove();
  dirs = [];
});

type Report = ReturnType<typeof runReplay> & Record<string, unknown>;
interface StrandRow {
  orderId: string;
  role: string;
  arm: string;
  slippageBps: number;
  lessonsApplied: string[];
}
interface LessonRow {
  id: string;
  text: string;
  state: string;
  effect: { kind: string; factor?: number; minParticipation?: number };
  evidence: { n: number; altN: number; meanBps: number; altMeanBps: number; ci95: [number, number] };
}
interface OrderRow {
  id: string;
  role: string;
  quantity: number;
  filledQuantity?: number;
  lessonsApplied?: string[];
}

const PLANS = 80;

let run: { report: Report; db: string } | null = null;
/** One replay, read by both tests (it journals every order durably). */
function once() {
  if (run === null) {
    const files = scratch('braid-learn-size-');
    dirs.push(files);
    const db = `${files.dir}/journal.db`;
    run = { report: replay(files, db), db };
  }
  return run;
}

function replay(files: ReturnType<typeof scratch>, db: string) {
  const rows: string[] = [];
  for (let i = 0; i < PLANS * WINDOW + WINDOW; i++) {
    // 100 at the plan's bar, +0.1 a bar for five bars, then flat until the next plan.
    const p = (100 + 0.1 * Math.min(i % WINDOW, 5)).toFixed(1);
    rows.push(`${iso(T0 + i * STEP)},AAA,${p},${p},${p},${p},1000`);
  }
  const events: unknown[] = [];
  for (let k = 0; k < PLANS; k++) {
    const at = T0 + k * WINDOW * STEP;
    events.push({
      at: iso(at + 1000),
      type: 'plan',
      plan: {
        id: `p${String(k).padStart(3, '0')}`,
        symbol: 'AAA',
        side: 'buy',
        quantity: k % 2 === 0 ? 100 : 300,
      },
    });
    events.push({ at: iso(at + 5 * STEP + 1000), type: 'close', symbol: 'AAA' });
  }
  const config = {
    account: { cash: 10000000 },
    pdt: { enabled: false },
    venues: { paper: { slipBps: 0, maxVolumeShare: 0.1 } },
    routing: { candidates: ['paper'] },
    learning: { enabled: true, seed: 5 },
  };
  return runReplay({
    prices: files.file('prices.csv', csv(...rows)),
    script: files.file('script.jsonl', jsonl(...events)),
    config: files.file('config.json', JSON.stringify(config)),
    db,
    clock: () => 0,
  }) as Report;
}

describe('the size lesson in replay: large entries slipped more, the next ones go smaller', () => {
  it('proposes scale_size 0.33 from 25 % of the volume; the advised entries of 300 go as 99 and slip 10 bps', () => {
    const r = once().report;
    const lessons = r.lessons as LessonRow[];
    expect(lessons.map((l) => l.id)).toEqual(['scale_size:paper|market|AAA|*|*']);
    const lesson = lessons[0]!;
    expect(lesson.state).toBe('active');
    expect(lesson.effect).toEqual({ kind: 'scale_size', factor: 0.33, minParticipation: 0.25 });
    expect(lesson.evidence).toMatchObject({ meanBps: 20, altMeanBps: 10, ci95: [10, 10] });
    expect(lesson.evidence.n).toBeGreaterThanOrEqual(20);
    expect(lesson.evidence.altN).toBeGreaterThanOrEqual(20);
    expect(lesson.text).toMatch(
      /^Market entries on paper of 25 % of the bar's volume or more slipped 10\.0 bps more than smaller ones \(n = \d+ and \d+, 95 % CI 10\.0 to 10\.0\)$/,
    );

    const orders = r.orders as OrderRow[];
    const strands = (r.strands as StrandRow[]).filter((s) => s.role === 'entry');
    const scaled = orders.filter((o) => o.role === 'entry' && o.lessonsApplied?.includes(lesson.id));
    expect(scaled.length).toBeGreaterThan(5);
    for (const o of scaled) {
      expect(o.quantity).toBe(99);
      const s = strands.find((x) => x.orderId === o.id)!;
      expect(s.arm).toBe('advised');
      expect(s.lessonsApplied).toEqual([lesson.id]);
      // 99 fits in one bar's 100: filled at 100.1, 10 bps.
      expect(s.slippageBps).toBe(10);
    }
    // Small entries are never scaled, and no entry grew.
    for (const o of orders.filter((x) => x.role === 'entry')) expect([100, 300, 99]).toContain(o.quantity);
    // Holdout and explore entries of 300 after the lesson still go whole (no lesson touches them).
    const late300 = strands.filter(
      (s) =>
        (s.arm === 'holdout' || s.arm === 'explore') &&
        orders.find((o) => o.id === s.orderId)!.quantity === 300,
    );
    for (const s of late300) expect(s.lessonsApplied).toEqual([]);
  });

  it('the order intent records the lesson with the size before and after, journaled before the venue saw it', () => {
    const { report, db } = once();
    const scaled = (report.orders as OrderRow[]).filter((o) => o.role === 'entry' && o.quantity === 99);
    expect(scaled.length).toBeGreaterThan(5);
    const d = new Database(db, { readonly: true });
    try {
      const intent = d.prepare('SELECT body FROM intents WHERE client_order_id = ?');
      for (const o of scaled) {
        const body = JSON.parse((intent.get(o.id) as { body: string }).body) as {
          quantity: string;
          advice: { arm: string; lessons: unknown[] };
        };
        expect(body.quantity).toBe('99');
        expect(body.advice.arm).toBe('advised');
        expect(body.advice.lessons).toEqual([
          { id: 'scale_size:paper|market|AAA|*|*', effect: 'scale_size', before: '300', after: '99' },
        ]);
      }
    } finally {
      d.close();
    }
  });
});
