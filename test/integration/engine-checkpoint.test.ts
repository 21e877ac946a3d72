// The engine's checkpoint (issue 7, section 1): each part's state under its own schema version, checked
// whole before anything is applied. A malformed part, or one from a newer Braid, is refused with the part
// and field named; version 1 checkpoints (before the split) are still read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointRefused, checkCheckpoint } from '../../src/main/engine/checkpoint.ts';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';
import { Journal } from '../../src/main/engine/journal/journal.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';

const T = Date.parse('2024-03-04T15:00:00Z');
const bar = (i: number, close: string) => ({
  time: T + i * 300_000,
  symbol: 'AAA',
  open: close,
  high: close,
  low: close,
  close,
  volume: '1000',
});

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** A journal with an open position, a working stop and a trailing plan, checkpointed. */
function journalWithState(): { path: string; snapshot: string; checkpoint: Record<string, unknown> } {
  dir = mkdtempSync(join(tmpdir(), 'braid-checkpoint-'));
  const path = join(dir, 'journal.sqlite');
  const journal = Journal.open(path, { kind: 'app' });
  journal.setMeta('kind', 'app');
  const engine = new Engine({ config: parseConfig({ pdt: { enabled: false } }), journal, symbols: ['AAA'] });
  engine.onBar(bar(0, '50'));
  engine.submitPlan(
    { id: 'p1', symbol: 'AAA', side: 'buy', quantity: 10, stopLoss: 45, trailPct: 0.05 },
    T + 1,
  );
  engine.onBar(bar(1, '52'));
  engine.onBar(bar(2, '55'));
  engine.note('script_note', 'kept across restarts', T + 900_001);
  const snapshot = JSON.stringify(engine.snapshot());
  const checkpoint = engine.liveState() as Record<string, unknown>;
  engine.close();
  return { path, snapshot, checkpoint };
}

function setCheckpoint(path: string, state: unknown): void {
  const db = new Database(path);
  db.prepare('UPDATE checkpoint SET state = ?').run(JSON.stringify(state));
  db.close();
}

function refusal(raw: unknown): CheckpointRefused {
  try {
    checkCheckpoint(raw);
  } catch (e) {
    if (e instanceof CheckpointRefused) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('the checkpoint', () => {
  it('carries its version and each part’s, and a restart rebuilds the same engine from it', () => {
    const { path, snapshot, checkpoint } = journalWithState();
    expect(checkpoint.version).toBe(2);
    expect(checkpoint.parts).toEqual({
      clock: 1,
      plans: 1,
      risk: 1,
      portfolio: 1,
      orders: 1,
      venue: 1,
      engine: 1,
    });
    const r = createEngine({ journalPath: path, config: { pdt: { enabled: false } } });
    if (!r.ok) throw new Error(r.error.message);
    const { recentBars: _bars, ...again } = r.value.snapshot();
    expect(JSON.stringify(again)).toBe(snapshot);
    r.value.close();
  });

  it('keeps running fill figures for working orders only: the filled entry leaves none behind', () => {
    const { checkpoint } = journalWithState();
    const orders = checkpoint as { fillCount: Record<string, number>; orderNotional: Record<string, string> };
    // p1's entry filled (finished); its stop works and has no fill yet: nothing to keep for either.
    expect(orders.fillCount).toEqual({});
    expect(orders.orderNotional).toEqual({});
  });

  it('reads a version 1 checkpoint (one flat object, no versions, no booked trade ids)', () => {
    const { path, snapshot, checkpoint } = journalWithState();
    const { version: _v, parts: _p, bookedTrades: _b, ...v1 } = checkpoint;
    expect(() => checkCheckpoint(v1)).not.toThrow();
    setCheckpoint(path, v1);
    const r = createEngine({ journalPath: path, config: { pdt: { enabled: false } } });
    if (!r.ok) throw new Error(r.error.message);
    const { recentBars: _bars, ...again } = r.value.snapshot();
    expect(JSON.stringify(again)).toBe(snapshot);
    r.value.close();
  });

  it('refuses a malformed part, naming the part and the field', () => {
    const { checkpoint } = journalWithState();
    let e = refusal({ ...checkpoint, cash: 'a lot' });
    expect([e.part, e.field, e.problem]).toEqual(['portfolio', 'cash', 'expected a decimal number']);
    const positions = checkpoint.positions as Array<Record<string, unknown>>;
    e = refusal({ ...checkpoint, positions: [{ ...positions[0], side: 'sideways' }] });
    expect([e.part, e.field]).toEqual(['portfolio', 'positions.0.side']);
    e = refusal({ ...checkpoint, tradingState: 'PANIC' });
    expect([e.part, e.field]).toEqual(['risk', 'tradingState']);
    e = refusal({ ...checkpoint, orderSeq: { 'p1:E': -1 } });
    expect(e.part).toBe('orders');
    e = refusal({ ...checkpoint, surprise: 1 });
    expect(e.message).toBe('checkpoint: surprise: not a field of any part');
  });

  it('refuses a checkpoint or a part written by a newer Braid', () => {
    const { checkpoint } = journalWithState();
    let e = refusal({ ...checkpoint, version: 3 });
    expect(e.newer).toBe(true);
    expect(e.message).toBe('checkpoint was written by a newer Braid (version 3; this Braid reads up to 2)');
    e = refusal({ ...checkpoint, parts: { ...(checkpoint.parts as object), orders: 2 } });
    expect(e.message).toBe(
      'checkpoint part orders was written by a newer Braid (version 2; this Braid reads 1)',
    );
  });

  it('is not half loaded: a bad part leaves the engine as it was', () => {
    const { path, checkpoint } = journalWithState();
    const journal = Journal.open(path, { kind: 'app' });
    const engine = new Engine({
      config: parseConfig({ pdt: { enabled: false } }),
      journal,
      symbols: ['AAA'],
    });
    const before = JSON.stringify(engine.snapshot());
    expect(() => engine.restore(journal.checkpointAtOpen!.seq, { ...checkpoint, cash: 'a lot' })).toThrow(
      'checkpoint part portfolio: cash: expected a decimal number',
    );
    expect(JSON.stringify(engine.snapshot())).toBe(before);
    expect(engine.snapshot().plans).toEqual([]);
    journal.close();
  });

  it('the hosted engine refuses such a journal in one line that names the part', () => {
    const { path, checkpoint } = journalWithState();
    setCheckpoint(path, { ...checkpoint, parts: { ...(checkpoint.parts as object), risk: 7 } });
    const r = createEngine({ journalPath: path });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('journal_refused');
    expect(r.error.message).toBe(
      `${path}: written by a newer Braid (its checkpoint's part risk: version 7; this Braid reads 1): upgrade Braid`,
    );
  });
});
