// Strands and lessons live in the journal (learning.md): a replay run again on its completed journal
// rebuilds them from the records and reports the same; one cut short and resumed reports what an
// uninterrupted run does.
import { afterAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../src/main/engine/replay/runner.ts';
import { csv, jsonl, scratch } from '../unit/replay-main.ts';

const T0 = Date.parse('2026-01-05T00:00:00Z');
const STEP = 6 * 3600_000;
const iso = (t: number) => new Date(t).toISOString();
const N = 70;

const files = scratch('braid-learn-resume-');
afterAll(() => files.remove());

const rows: string[] = [];
for (let i = 0; i < 2 * N + 6; i++) rows.push(`${iso(T0 + i * STEP)},AAA,100,100.5,99.5,100,1000000`);
const events: unknown[] = [];
for (let i = 0; i < N; i++) {
  events.push({
    at: iso(T0 + 2 * i * STEP + 1000),
    type: 'plan',
    plan: { id: `p${i}`, symbol: 'AAA', side: 'buy', quantity: 1 },
  });
  events.push({ at: iso(T0 + (2 * i + 1) * STEP + 1000), type: 'close', symbol: 'AAA' });
}
const inputs = {
  prices: files.file('prices.csv', csv(...rows)),
  script: files.file('script.jsonl', jsonl(...events)),
  config: files.file(
    'config.json',
    JSON.stringify({
      account: { cash: 10000000 },
      pdt: { enabled: false },
      venues: { paper: { slipBps: 2 }, 'paper-b': { kind: 'paper', slipBps: 12 } },
      routing: { candidates: ['paper', 'paper-b'] },
      learning: { enabled: true, seed: 5 },
    }),
  ),
  clock: () => 0,
};
const withoutRun = (r: ReturnType<typeof runReplay>) => {
  const { run: _run, ...rest } = r;
  return JSON.stringify(rest);
};

describe('learning in the journal', () => {
  it('run again on the completed journal: the same strands, lessons and evaluation', () => {
    const db = `${files.dir}/a.db`;
    const first = runReplay({ ...inputs, db });
    expect((first as { lessons?: unknown[] }).lessons?.length).toBe(1);
    expect(withoutRun(runReplay({ ...inputs, db }))).toBe(withoutRun(first));
  });

  it('cut short mid-run and resumed: the report of an uninterrupted run', () => {
    const whole = runReplay({ ...inputs, db: `${files.dir}/b.db` });
    const db = `${files.dir}/c.db`;
    class Cut extends Error {}
    expect(() =>
      runReplay({
        ...inputs,
        db,
        onItem: (i) => {
          if (i === 180) throw new Cut();
        },
      }),
    ).toThrow(Cut);
    expect(withoutRun(runReplay({ ...inputs, db }))).toBe(withoutRun(whole));
  });
});
