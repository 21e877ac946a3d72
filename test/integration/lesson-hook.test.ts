// The learning loop's last pieces around a lesson: the trader hears of it (a notice the app turns into a
// desktop notification), an optional hook rewords its sentence and never its effect, and its strands go
// out with the trade history. A real engine on a real journal; the hook a real program.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportTrades, verifyExport } from '../../src/main/engine/history/hash-chain.ts';
import { readExecutionHistory } from '../../src/main/engine/journal/journal.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import { readStrandRecord } from '../../src/main/engine/learning/strand.ts';
import type { EnginePort } from '../../src/main/engine/port.ts';
import { startLessonWording } from '../../src/main/host/lesson-wording.ts';
import { notesFor } from '../../src/renderer/src/lib/notes.ts';
import type { Strand } from '../../src/shared/domain/learning.ts';
import type { TradeRecord } from '../../src/shared/domain/portfolio.ts';

const T0 = Date.parse('2026-01-05T00:00:00Z');
const STEP = 6 * 3600_000;
const CONFIG = {
  account: { cash: 10000000 },
  pdt: { enabled: false },
  venues: { paper: { slipBps: 2 }, 'paper-b': { kind: 'paper', slipBps: 12 } },
  routing: { candidates: ['paper', 'paper-b'] },
  learning: { enabled: true, minEvidence: 5 },
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'braid-lesson-hook-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(): EnginePort {
  const made = createEngine({ config: CONFIG, journalPath: join(dir, 'journal.db'), symbols: ['AAA'] });
  if (!made.ok) throw new Error(made.error.message);
  return made.value;
}

const bar = (i: number, close = '100') => ({
  time: T0 + i * STEP,
  symbol: 'AAA',
  open: close,
  high: close,
  low: close,
  close,
  volume: '1000000',
});

/** Entries alternate between the venues (round-robin) until paper-b's 10 bps extra shows as a lesson.
 *  Returns the index of the next bar. */
function trade(engine: EnginePort, rounds = 30): number {
  let t = 0;
  engine.onBar(bar(t++));
  for (let i = 0; i < rounds; i++) {
    engine.submitPlan({ id: `p${i}`, symbol: 'AAA', side: 'buy', quantity: 1 }, T0 + (t - 1) * STEP + 1000);
    engine.onBar(bar(t++));
    engine.closePosition('AAA', T0 + (t - 1) * STEP + 1000);
    engine.onBar(bar(t++));
  }
  return t;
}

/** A hook program: node running `body` with the lesson JSON in `lesson`. */
function hook(body: string): string[] {
  const file = join(dir, `hook-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    file,
    `let input = '';\nprocess.stdin.on('data', (c) => (input += c));\nprocess.stdin.on('end', () => {\n  const lesson = JSON.parse(input);\n  ${body}\n});\n`,
  );
  return [process.execPath, file];
}

describe('a new lesson: the notice, the reworded sentence, the strands in the export', () => {
  it('tells the trader, rewords the sentence (never the effect), and keeps the words across a restart', async () => {
    const engine = open();
    const lines: string[] = [];
    const wording = startLessonWording({
      engine,
      hook: {
        // The hook tries to change the effect too: only its sentence can land.
        command: hook(
          "const kind = lesson.effect.kind;\n  lesson.effect = { kind: 'scale_size', factor: 0.1 };\n  process.stdout.write('\\nIn plain words: ' + kind + ' after n = ' + lesson.evidence.n + '\\n');",
        ),
        timeoutMs: 20_000,
      },
      now: () => T0,
      log: (l) => lines.push(l),
    });
    const notices: string[] = [];
    const events: Parameters<typeof notesFor>[0][number][] = [];
    engine.subscribe((e) => {
      if (e.type === 'notice' && e.notice.code === 'lesson_proposed') {
        notices.push(e.notice.message);
        events.push(e);
      }
    });
    trade(engine);
    await wording.idle();
    expect(lines).toEqual([]);
    const [lesson, ...others] = engine.lessons();
    expect(others).toEqual([]);
    // One notice, as the lesson was made (autoActivate: active at once), with the template's sentence.
    expect(notices).toEqual([`New lesson, active: ${lesson!.templateText}`]);
    expect(lesson!.templateText).toMatch(/^Market entries on paper-b slipped 10\.0 bps more than on paper/);
    // The app's desktop notification for it.
    expect(notesFor(events)).toEqual([{ title: 'New lesson', body: `active: ${lesson!.templateText}` }]);
    expect(lesson!.effect).toEqual({ kind: 'prefer_venue', venue: 'paper', over: ['paper-b'] });
    expect(lesson!.text).toBe(`In plain words: prefer_venue after n = ${lesson!.evidence.n}`);
    expect(engine.snapshot().learning!.lessons[0]!.text).toBe(lesson!.text);
    wording.stop();
    engine.close();

    const again = open();
    const [kept] = again.lessons();
    expect(kept).toEqual(lesson);
    again.close();
  });

  it('a hook that fails, hangs or answers more than a line of text leaves the template sentence', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [
        hook("process.stderr.write('model offline\\n'); process.exit(3);"),
        20_000,
        /ended with exit code 3: model offline$/,
      ],
      [hook('setTimeout(() => {}, 60_000);'), 300, /gave no answer within 300 ms$/],
      [
        hook("process.stdout.write('x'.repeat(400));"),
        20_000,
        /the sentence is 400 characters, at most 300$/,
      ],
      [[join(dir, 'no-such-hook')], 20_000, /could not run: spawn .*no-such-hook ENOENT$/],
    ];
    for (const [command, timeoutMs, why] of cases) {
      rmSync(join(dir, 'journal.db'), { force: true });
      rmSync(join(dir, 'journal.db-wal'), { force: true });
      rmSync(join(dir, 'journal.db-shm'), { force: true });
      const engine = open();
      const lines: string[] = [];
      const wording = startLessonWording({
        engine,
        hook: { command, timeoutMs },
        now: () => T0,
        log: (l) => lines.push(l),
      });
      trade(engine);
      await wording.idle();
      const [lesson] = engine.lessons();
      expect(lesson!.templateText).toBeUndefined();
      expect(lesson!.text).toMatch(/^Market entries on paper-b slipped 10\.0 bps more than on paper/);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(why);
      expect(lines[0]).toContain(`lesson ${lesson!.id} keeps its template sentence`);
      wording.stop();
      engine.close();
    }
  });

  it('a plan refused before its entry leaves no decision price or assignment in the checkpoint', () => {
    const engine = open();
    engine.onBar(bar(0));
    // Unknown symbol: refused after its arrival was seen (the advisor had chosen its venue).
    engine.submitPlan({ id: 'refused', symbol: 'ZZZ', side: 'buy', quantity: 1 }, T0 + 1000);
    // Refused too, with a decision price (its symbol has a close): far past the position limit.
    engine.submitPlan({ id: 'too-big', symbol: 'AAA', side: 'buy', quantity: 100_000_000 }, T0 + 1000);
    // Traded: its entry's strand reads both, then drops them.
    engine.submitPlan({ id: 'traded', symbol: 'AAA', side: 'buy', quantity: 1 }, T0 + 1000);
    engine.onBar(bar(1));
    engine.onBar(bar(2));
    const plans = engine.snapshot().plans;
    expect(plans.map((p) => [p.id, p.status])).toEqual([
      ['refused', 'rejected'],
      ['too-big', 'rejected'],
      ['traded', 'open'],
    ]);
    expect(engine.strands().map((s) => s.planId)).toEqual(['traded']);
    engine.close();
    const db = new Database(join(dir, 'journal.db'), { readonly: true });
    const { state } = db.prepare('SELECT state FROM checkpoint').get() as { state: string };
    db.close();
    const learning = (JSON.parse(state) as { learning: { decision: object; assignments: object } }).learning;
    expect(learning.decision).toEqual({});
    expect(learning.assignments).toEqual({});
  });

  it('exports the strands with the trades, the same from the app and from the journal', () => {
    const engine = open();
    let t = trade(engine);
    // One bar more: the last strands have their 1-bar markout, not yet their 5-bar one.
    engine.onBar(bar(t++, '101'));
    const before = engine.strands();
    // 30 entries and 30 exits, each a finished execution.
    expect(before).toHaveLength(60);
    expect(before.filter((s) => s.role === 'entry')).toHaveLength(30);
    const last = before.at(-1)!;
    // The last exit sold on paper (the lesson's venue holds the position) at 100 less its 2 bps, 99.98;
    // its first bar closed at 100: a sell's 1-bar markout is −(100 − 99.98) / 99.98 × 10,000 = −2.0004…
    // bps; its fifth closes at 101: −(101 − 99.98) / 99.98 × 10,000 = −102.02… bps.
    expect(last).toMatchObject({ role: 'exit', venue: 'paper', avgFillPrice: '99.98', markout5Bps: null });
    expect(last.markout1Bps).toBeCloseTo((-(100 - 99.98) / 99.98) * 10_000, 9);
    engine.close();

    // A restart between the two markouts keeps the first.
    const again = open();
    expect(again.strands()).toEqual(before);
    for (let k = 0; k < 4; k++) again.onBar(bar(t++, '101'));
    const after = again.strands();
    expect(after.at(-1)!.markout1Bps).toBe(last.markout1Bps);
    expect(after.at(-1)!.markout5Bps).toBeCloseTo((-(101 - 99.98) / 99.98) * 10_000, 9);
    const fromApp = exportTrades(again.trades(), 'json', after);
    expect(fromApp.count).toBe(30);
    expect(fromApp.strands).toBe(60);
    expect(verifyExport(fromApp.text)).toEqual({
      ok: true,
      format: 'json',
      count: 30,
      head: fromApp.head,
      strands: 60,
    });
    again.close();
    // The strand was journaled whole with the commit after its order ended, its markouts alone with the
    // commit after they were complete (each commit's strands in one record).
    const db = new Database(join(dir, 'journal.db'), { readonly: true });
    const records = (
      db.prepare("SELECT body FROM events WHERE kind = 'strand' ORDER BY seq").all() as { body: string }[]
    ).map((r) => JSON.parse(r.body) as { type: string; markouts: Array<[string, number, number]> });
    db.close();
    expect(new Set(records.map((r) => r.type))).toEqual(new Set(['strands']));
    // A record's own strands, as they were written (its markouts left out: some name earlier strands).
    const strandsIn = (r: object) => readStrandRecord(new Map(), { ...r, markouts: [] }) ?? [];
    expect(records.flatMap(strandsIn)).toHaveLength(60);
    const mine = records.filter(
      (r) =>
        strandsIn(r).some((s) => s.orderId === last.orderId) || r.markouts.some((m) => m[0] === last.orderId),
    );
    expect(mine).toHaveLength(2);
    expect(strandsIn(mine[0]!).find((s) => s.orderId === last.orderId)).toEqual({
      ...last,
      markout1Bps: null,
    });
    expect(strandsIn(mine[1]!).some((s) => s.orderId === last.orderId)).toBe(false);
    expect(mine[1]!.markouts.filter((m) => m[0] === last.orderId)).toEqual([
      [last.orderId, last.markout1Bps, after.at(-1)!.markout5Bps],
    ]);
    // `braid export --db` reads the same from the journal alone.
    const read = readExecutionHistory(join(dir, 'journal.db'));
    expect(read.strands).toEqual(after);
    const fromJournal = exportTrades(read.trades as TradeRecord[], 'json', read.strands as Strand[]);
    expect(fromJournal.text).toBe(fromApp.text);
  });
});
