// The hosted engine (desktop app, braid serve) rebuilds its whole state from the journal at start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/main/engine/journal/journal.ts';
import { createEngine, RECENT_BARS } from '../../src/main/engine/kernel.ts';
import type { EnginePort } from '../../src/main/engine/port.ts';

const T0 = Date.parse('2024-03-04T14:30:00Z');
const M5 = 5 * 60_000;
const bar = (i: number, open: string, close = open) => ({
  time: T0 + i * M5,
  symbol: 'AAA',
  open,
  high: String(Math.max(Number(open), Number(close)) + 1),
  low: String(Math.min(Number(open), Number(close)) - 1),
  close,
  volume: '1000',
});

const dirs: string[] = [];
function journalPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'braid-app-'));
  dirs.push(dir);
  return join(dir, 'braid.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(path: string): EnginePort {
  const r = createEngine({ journalPath: path, config: { pdt: { enabled: false } }, symbols: ['AAA'] });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('hosted engine restart', () => {
  it('restores positions, orders, cash and trading state exactly after close and reopen', () => {
    const path = journalPath();
    const a = open(path);
    a.onBar(bar(0, '100'));
    expect(
      a.submitPlan({ id: 'p1', symbol: 'AAA', side: 'buy', quantity: 10, stopLoss: 90 }, T0 + M5).ok,
    ).toBe(true);
    a.onBar(bar(1, '101', '102')); // entry fills at 101; stop placed at the close
    const before = a.snapshot();
    expect(before.positions).toHaveLength(1);
    expect(before.account.cash).toBe('98990'); // 100000 - 10 x 101
    a.close();

    const b = open(path);
    const after = b.snapshot();
    expect(after.positions).toEqual(before.positions);
    expect(after.orders).toEqual(before.orders);
    expect(after.account).toEqual(before.account);
    // The stop-loss keeps working after the restart: a bar through 90 fills it.
    b.onBar({ ...bar(2, '95'), low: '89' });
    const s = b.snapshot();
    expect(s.positions).toHaveLength(0);
    expect(s.trades).toHaveLength(1);
    expect(s.trades[0]!.exitReason).toBe('stop_loss');
    expect(s.trades[0]!.pnl).toBe('-110'); // (90 - 101) x 10, no fees
    expect(s.account.realizedPnl).toBe('-110');
    b.close();
    // Realized P&L is rebuilt from the journaled trades at the next start.
    const c = open(path);
    expect(c.snapshot().account.realizedPnl).toBe('-110');
    c.close();
  });

  it('keeps HALTED across a restart and never reuses a client order id', () => {
    const path = journalPath();
    const a = open(path);
    a.onBar(bar(0, '100'));
    a.submitPlan({ id: 'p1', symbol: 'AAA', side: 'buy', quantity: 5 }, T0 + M5);
    a.onBar(bar(1, '100'));
    a.kill(T0 + M5 + 1);
    a.close();

    const b = open(path);
    expect(b.snapshot().tradingState).toBe('HALTED');
    b.onBar(bar(2, '100')); // the kill's exit fills here
    expect(b.snapshot().positions).toHaveLength(0);
    b.resume(T0 + 3 * M5);
    b.submitPlan({ id: 'p2', symbol: 'AAA', side: 'buy', quantity: 5 }, T0 + 3 * M5);
    const ids = b.snapshot().orders.map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['p1:E1', 'p1:X1', 'p2:E1']);
    b.close();
  });

  it('refuses a second writer on the same journal', () => {
    const path = journalPath();
    const a = open(path);
    const second = createEngine({ journalPath: path });
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.message).toMatch(/in use/);
    a.close();
  });

  it('gives a late client the recent bars of each symbol, the newest RECENT_BARS of them', () => {
    const e = open(journalPath());
    const n = 2 * RECENT_BARS + 7;
    for (let i = 0; i < n; i++) e.onBar(bar(i, String(100 + (i % 5))));
    const recent = e.snapshot().recentBars!.AAA!;
    expect(recent).toHaveLength(RECENT_BARS);
    expect(recent[0]!.time).toBe(T0 + (n - RECENT_BARS) * M5);
    expect(recent[RECENT_BARS - 1]!.time).toBe(T0 + (n - 1) * M5);
    e.close();
  });

  it('shows after a restart the candles it had: the newest RECENT_BARS per symbol, kept in the journal', () => {
    const path = journalPath();
    const a = open(path);
    const n = RECENT_BARS + 20;
    for (let i = 0; i < n; i++) a.onBar(bar(i, String(100 + (i % 7))));
    a.kill(T0 + n * M5); // a command: its checkpoint writes the bars buffered since the last one
    a.close();
    // The journal holds only the newest RECENT_BARS: bounded whatever the session's length.
    const j = Journal.open(path);
    expect(j.chartBars()).toHaveLength(RECENT_BARS);
    j.close();

    const b = open(path);
    const recent = b.snapshot().recentBars!.AAA!;
    expect(recent).toHaveLength(RECENT_BARS);
    expect(recent[0]).toEqual(bar(20, String(100 + (20 % 7))));
    expect(recent[RECENT_BARS - 1]).toEqual(bar(n - 1, String(100 + ((n - 1) % 7))));
    // New bars carry on after the kept ones.
    b.onBar(bar(n, '105'));
    expect(b.snapshot().recentBars!.AAA!.at(-1)!.time).toBe(T0 + n * M5);
    b.close();
  });

  it('a journal of schema version 1 (before chart bars) opens with its state and keeps bars from then on', () => {
    const path = journalPath();
    const a = open(path);
    a.onBar(bar(0, '100'));
    a.submitPlan({ id: 'p1', symbol: 'AAA', side: 'buy', quantity: 3 }, T0 + M5);
    a.onBar(bar(1, '100')); // 3 bought at 100
    a.close();
    // Back to what version 1 had: every table a later migration added goes.
    const old = new Database(path);
    old.exec(
      'DROP TABLE chart_bars; DROP TABLE desk_holds; DROP TABLE desk_outbox; DROP TABLE trades; DROP INDEX events_kind_seq; DROP INDEX intents_by_seq',
    );
    old.pragma('user_version = 1');
    old.close();

    const b = open(path);
    expect(b.snapshot().positions.map((p) => [p.symbol, p.quantity])).toEqual([['AAA', '3']]);
    expect(b.snapshot().recentBars).toEqual({});
    b.onBar(bar(2, '101'));
    b.kill(T0 + 3 * M5);
    b.close();
    const c = open(path);
    expect(c.snapshot().recentBars!.AAA!.map((x) => x.close)).toEqual(['101']);
    c.close();
  });

  it('after a crash between an order intent and its checkpoint, spends the id and sends no duplicate', () => {
    const path = journalPath();
    const a = open(path);
    a.onBar(bar(0, '100'));
    a.submitPlan({ id: 'p1', symbol: 'AAA', side: 'buy', quantity: 5 }, T0 + M5);
    a.onBar(bar(1, '100')); // entry fills at 100
    a.close();
    // A close command that died right after its intent was durable: the intent is in, nothing else is.
    const j = Journal.open(path);
    j.commitIntent('p1:X1', 'p1', T0 + 2 * M5, JSON.stringify({ id: 'p1:X1', role: 'exit' }));
    j.close();

    const b = open(path);
    const s = b.snapshot();
    expect(s.orders.map((o) => o.id)).toEqual(['p1:E1']); // the unacknowledged exit never happened
    expect(s.positions).toHaveLength(1);
    expect(b.closePosition('AAA', T0 + 2 * M5).ok).toBe(true);
    // The interrupted id stays spent: the new exit is p1:X2, so no client order id is ever reused.
    expect(b.snapshot().orders.map((o) => o.id)).toEqual(['p1:E1', 'p1:X2']);
    b.onBar(bar(3, '101'));
    const after = b.snapshot();
    expect(after.positions).toHaveLength(0);
    expect(after.trades[0]).toMatchObject({ exitReason: 'close', pnl: '5' }); // (101 - 100) x 5
    b.close();
  });
});
