// Several paper venues and routing candidates in `braid replay` (learning.md "Venues and candidates in
// replay"), learning off: plans without a venue go to the candidates in turn, by arrival; an exit goes
// to the venue that holds the position; each paper venue fills with its own slippage.
import { afterEach, describe, expect, it } from 'vitest';
import { runReplay } from '../../src/main/engine/replay/runner.ts';
import { csv, jsonl, scratch } from '../unit/replay-main.ts';

const T0 = Date.parse('2026-03-02T15:00:00Z');
const MIN = 60_000;
const iso = (t: number) => new Date(t).toISOString();

let files: ReturnType<typeof scratch> | null = null;
afterEach(() => {
  files?.remove();
  files = null;
});

function run(config: unknown, plans: number) {
  files = scratch('braid-learn-venues-');
  const rows: string[] = [];
  for (let i = 0; i < 2 * plans + 2; i++) rows.push(`${iso(T0 + i * MIN)},AAA,100,100,100,100,1000000`);
  // One position a symbol: each plan's position is closed before the next plan arrives.
  const events: unknown[] = [];
  for (let i = 0; i < plans; i++) {
    events.push({
      at: iso(T0 + 2 * i * MIN + 1000),
      type: 'plan',
      plan: { id: `p${i}`, symbol: 'AAA', side: 'buy', quantity: 1 },
    });
    events.push({ at: iso(T0 + (2 * i + 1) * MIN + 1000), type: 'close', symbol: 'AAA' });
  }
  return runReplay({
    prices: files.file('prices.csv', csv(...rows)),
    script: files.file('script.jsonl', jsonl(...events)),
    config: files.file('config.json', JSON.stringify(config)),
    db: `${files.dir}/journal.db`,
    clock: () => 0,
  });
}

describe('replay: two paper venues as routing candidates, learning off', () => {
  const config = {
    account: { cash: 1000000 },
    pdt: { enabled: false },
    venues: { paper: { slipBps: 2 }, 'paper-b': { kind: 'paper', slipBps: 12 } },
    routing: { candidates: ['paper', 'paper-b'] },
  };

  it('entries alternate by arrival, each fills with its venue slippage, exits go where the position is', () => {
    const report = run(config, 6);
    const entries = report.orders.filter((o) => o.role === 'entry');
    expect(entries.map((o) => ('venue' in o ? o.venue : 'paper'))).toEqual([
      'paper',
      'paper-b',
      'paper',
      'paper-b',
      'paper',
      'paper-b',
    ]);
    // Buys at an open of 100: 2 bps → 100.02, 12 bps → 100.12.
    expect(entries.map((o) => (o as { avgFillPrice?: number }).avgFillPrice)).toEqual([
      100.02, 100.12, 100.02, 100.12, 100.02, 100.12,
    ]);
    const exits = report.orders.filter((o) => o.role === 'exit');
    expect(exits.length).toBe(6);
    for (const exit of exits) {
      const entry = entries.find((e) => e.planId === exit.planId)!;
      expect('venue' in exit ? exit.venue : 'paper').toBe('venue' in entry ? entry.venue : 'paper');
      expect(exit.status).toBe('filled');
    }
  });

  it('a config without candidates sends every plan to paper, and reports no venue', () => {
    const report = run({ ...config, routing: undefined }, 3);
    expect(report.orders.every((o) => !('venue' in o))).toBe(true);
  });
});
