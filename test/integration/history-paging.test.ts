// A hosted engine holds its live plans and its last finished ones; the rest stay in the journal, read back
// by id when asked for, and the trade history is paged by the journal. Nothing of the trading state may
// change for it: a plan id seen before stays a duplicate, the metrics count every trade.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalRecordDamaged } from '../../src/main/engine/journal/errors.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { EnginePort } from '../../src/main/engine/port.ts';
import { submitUpstreamPlan } from '../../src/main/intake/upstream-plans.ts';

const T0 = Date.parse('2024-03-04T14:30:00Z');
const M5 = 5 * 60_000;
const bar = (i: number, price: string) => ({
  time: T0 + i * M5,
  symbol: 'AAA',
  open: price,
  high: price,
  low: price,
  close: price,
  volume: '1000',
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function journalPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'braid-paging-'));
  dirs.push(dir);
  return join(dir, 'braid.sqlite');
}
function open(path: string): EnginePort {
  const r = createEngine({
    journalPath: path,
    config: { pdt: { enabled: false } },
    symbols: ['AAA'],
    keepFinishedPlans: 3,
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Plan i buys 1 at 100 and closes at 100 + i - 5 (5 losses, a flat one, 4 wins for i = 0..9). */
function trade(e: EnginePort, i: number): void {
  const at = 3 * i;
  e.onBar(bar(at, '100'));
  expect(e.submitPlan({ id: `p${i}`, symbol: 'AAA', side: 'buy', quantity: 1 }, T0 + at * M5).ok).toBe(true);
  e.onBar(bar(at + 1, '100')); // bought at 100
  e.onBar(bar(at + 2, String(100 + i - 5)));
  expect(e.closePosition('AAA', T0 + (at + 2) * M5 + 1).ok).toBe(true);
  e.onBar(bar(at + 3, String(100 + i - 5))); // sold at the open
}

describe('a hosted engine holds recent plans and pages the rest', () => {
  it('lets finished plans go, keeps them as duplicates, counts every trade, and reads them back after a restart', () => {
    const path = journalPath();
    const a = open(path);
    for (let i = 0; i < 10; i++) trade(a, i);
    const s = a.snapshot();
    expect(s.tradeCount).toBe(10);
    // 3 kept, up to 20 % more before a batch goes: never all ten.
    expect(s.plans.length).toBeLessThanOrEqual(4);
    expect(s.trades.length).toBe(s.plans.length);
    // P&L -5..4: net -5, 4 wins (1+2+3+4 = 10), 5 losses (5+4+3+2+1 = 15), one flat.
    expect(s.metrics).toMatchObject({ totalTrades: 10, wins: 4, losses: 5, netPnl: '-5', grossLoss: '15' });
    expect(s.account.realizedPnl).toBe('-5');
    // A plan id long let go is still one seen before.
    const again = a.submitPlan({ id: 'p0', symbol: 'AAA', side: 'buy', quantity: 1 }, T0 + 40 * M5);
    expect(again.ok && again.value.status).toBe('closed');
    expect(a.snapshot().positions).toHaveLength(0);
    a.close();

    const b = open(path);
    const r = b.snapshot();
    expect(r.tradeCount).toBe(10);
    expect(r.metrics).toEqual(s.metrics);
    expect(r.account).toEqual(a.snapshot().account);
    expect(r.plans.length).toBeLessThanOrEqual(5);
    // Newest first by default; the losers first by P&L ascending; a filter counts in the journal.
    const page = b.tradeHistory({ offset: 0, limit: 4 });
    expect(page.total).toBe(10);
    expect(page.trades.map((t) => t.planId)).toEqual(['p9', 'p8', 'p7', 'p6']);
    expect(b.tradeHistory({ offset: 8, limit: 4 }).trades.map((t) => t.planId)).toEqual(['p1', 'p0']);
    const losers = b.tradeHistory({ outcome: 'loss', sort: { key: 'pnl', dir: 'asc' } });
    expect(losers.total).toBe(5);
    expect(losers.trades.map((t) => t.pnl)).toEqual(['-5', '-4', '-3', '-2', '-1']);
    expect(losers.symbols).toEqual(['AAA']);
    expect(b.trades().map((t) => t.planId)).toEqual([
      'p0',
      'p1',
      'p2',
      'p3',
      'p4',
      'p5',
      'p6',
      'p7',
      'p8',
      'p9',
    ]);
    // A plan let go before the restart is read back by id: its record as it ended.
    const dup = b.submitPlan({ id: 'p1', symbol: 'AAA', side: 'buy', quantity: 1 }, T0 + 41 * M5);
    expect(dup.ok && dup.value.status).toBe('closed');
    // New trades carry on from the checkpointed sums.
    trade(b, 10);
    expect(b.snapshot().metrics).toMatchObject({ totalTrades: 11, wins: 5, netPnl: '0' });
    b.close();
  });

  it('a let-go plan whose record was damaged while running: that command fails saying so, nothing changes, the engine goes on', () => {
    const path = journalPath();
    const e = open(path);
    for (let i = 0; i < 5; i++) trade(e, i);
    // Another program garbles p1's plan records after the engine let p1 go (it holds p2..p4).
    const other = new Database(path);
    other.prepare("UPDATE events SET body = '{\"type\":\"plan\",' WHERE kind = 'plan' AND ref = 'p1'").run();
    other.close();
    const before = e.snapshot();
    expect(() => e.submitPlan({ id: 'p1', symbol: 'AAA', side: 'buy', quantity: 1 }, T0 + 20 * M5)).toThrow(
      JournalRecordDamaged,
    );
    expect(() => e.submitPlan({ id: 'p1', symbol: 'AAA', side: 'buy', quantity: 1 }, T0 + 20 * M5)).toThrow(
      /^the journal's record of plan p1 does not parse \(.+\): the journal is damaged; stop Braid and restore it from a backup$/,
    );
    // From upstream (POST /api/plans, the inbox, the desk) the plan is answered rejected, saying why.
    expect(
      submitUpstreamPlan(e, { id: 'p1', symbol: 'AAA', side: 'buy', quantity: 1 }, T0 + 20 * M5),
    ).toMatchObject({
      id: 'p1',
      outcome: 'rejected',
      reason: 'journal_damaged',
    });
    expect(e.snapshot().plans).toEqual(before.plans);
    expect(e.snapshot().tradeCount).toBe(5);
    // Another plan trades as before.
    trade(e, 5);
    expect(e.snapshot().tradeCount).toBe(6);
    e.close();
  });
});
