// The learning loop's strands on the desk (desk.md "Reports out"): an engine with a learning config takes a
// plan from braid.plan_inbox, the plan fills and closes on paper, and each finished order's strand reaches
// braid.strands with its tags, once per key (the strand recorded when the order ended, and again when its
// 5-bar markout is known), each row announced by a NOTIFY carrying its id.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Desk } from '../../src/main/desk/desk.ts';
import { startEngineDesk } from '../../src/main/desk/engine-desk.ts';
import { parseConfig } from '../../src/main/engine/config.ts';
import { exportTrades } from '../../src/main/engine/history/hash-chain.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { EnginePort } from '../../src/main/engine/port.ts';
import { createHost } from '../../src/main/host/host.ts';
import type { HostHandle } from '../../src/main/host/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/wait.ts';
import { connect, count, insertPlans, journalRoot } from './desk-helpers.ts';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const MINUTE = 60_000;

let db: TestDatabase;
let sql: pg.Client;
let listener: pg.Client;
let dir: string;
let engine: EnginePort;
let host: HostHandle;
let desk: Desk;
let startDesk: () => Desk;
let barNo = 0;
const notified: string[] = [];

function rawConfig(url: string): unknown {
  return {
    approval: 'auto',
    account: { cash: 100_000 },
    pdt: { enabled: false },
    instruments: { AAA: {} },
    venues: { paper: { slipBps: 0, takerFeeBps: 0, makerFeeBps: 0 } },
    learning: { enabled: true, seed: 3 },
    desk: { url, engine: 'learner' },
  };
}

/** One minute bar of AAA, open = close unless told. */
function bar(prices: { open: string; high: string; low: string; close: string }): void {
  engine.onBar({ time: T0 + barNo++ * MINUTE, symbol: 'AAA', volume: '1000000', ...prices });
}
const flat = (p: string) => bar({ open: p, high: p, low: p, close: p });

const planOf = (id: string) => engine.snapshot().plans.find((p) => p.id === id);

beforeAll(async () => {
  db = await freshDatabase('strands');
  sql = await connect(db.url);
  listener = await connect(db.url);
  listener.on('notification', (n) => {
    if (n.channel === 'braid_strands' && n.payload) notified.push(n.payload);
  });
  await listener.query('LISTEN braid_strands');
  dir = mkdtempSync(join(journalRoot, 'braid-desk-strands-'));
  const journalPath = join(dir, 'learner.sqlite');
  const config = rawConfig(db.url);
  const created = createEngine({ config, journalPath });
  if (!created.ok) throw new Error(created.error.message);
  engine = created.value;
  const now = () => T0 + barNo * MINUTE;
  host = createHost({ engine, now, wallNow: () => Date.now(), exportTrades });
  startDesk = () =>
    startEngineDesk({
      config: parseConfig(config).desk!,
      host,
      engine,
      journalPath,
      env: { BRAID_DESK_LEASE_MS: '5000' },
      now,
      log: () => {},
    });
  desk = startDesk();
});
afterAll(async () => {
  await desk?.stop();
  await host?.close();
  await listener?.end();
  await sql?.end();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface StrandRow {
  id: string;
  engine: string;
  report_key: string;
  tags: string[];
  body: {
    orderId: string;
    planId: string;
    role: string;
    status: string;
    filled: string;
    avgFillPrice: string | null;
    markout1Bps: number | null;
    markout5Bps: number | null;
  };
}
const strandRows = async () =>
  (
    await sql.query<StrandRow>(
      `SELECT id::text AS id, engine, report_key, tags, body FROM braid.strands
       WHERE plan_id = 'learn-1' AND kind = 'strand' ORDER BY id`,
    )
  ).rows;

describe('strands on the desk', () => {
  test('a plan filled and closed: its strands in braid.strands with their tags, once per key, each notified', async () => {
    flat('100'); // The learning book's arrival price for the entry: the last close, 100.
    await waitFor('the engine on the desk', async () => (await desk.deskView()).connected);
    await insertPlans(sql, [
      { id: 'learn-1', symbol: 'AAA', side: 'buy', quantity: 10, takeProfit: '110', stopLoss: '90' },
    ]);
    await waitFor(
      'its decision on the desk',
      async () =>
        (await count(
          sql,
          `SELECT count(*) AS n FROM braid.strands WHERE plan_id = 'learn-1' AND kind = 'decision'`,
        )) === 1,
    );
    // The market entry fills at the next bar's open (100, no slippage); the bar after reaches the target.
    flat('100');
    await waitFor('the entry filled', () => planOf('learn-1')?.status === 'open');
    bar({ open: '104', high: '111', low: '104', close: '108' });
    await waitFor('the plan closed at its target', () => planOf('learn-1')?.status === 'closed');
    const orders = engine.snapshot().orders.filter((o) => o.planId === 'learn-1');
    const entry = orders.find((o) => o.role === 'entry')!;
    const ended = orders.filter((o) => o.role !== 'entry');
    expect(entry.status).toBe('filled');
    // Each of the plan's orders has ended: the entry and the target filled, the stop cancelled with it.
    await waitFor('a strand per finished order', async () => (await strandRows()).length === orders.length);
    const first = await strandRows();
    expect(new Set(first.map((r) => r.body.orderId))).toEqual(new Set(orders.map((o) => o.id)));
    expect(first.every((r) => r.body.markout5Bps === null)).toBe(true);
    expect(first.find((r) => r.body.orderId === entry.id)).toMatchObject({
      report_key: `strand:${entry.id}:ended`,
      body: { role: 'entry', status: 'filled', filled: '10', avgFillPrice: '100' },
    });
    expect(ended.map((o) => [o.role, o.status, o.filledQuantity]).sort()).toEqual([
      ['stop_loss', 'cancelled', '0'],
      ['take_profit', 'filled', '10'],
    ]);

    // Five more bars: the filled orders' 5-bar markouts are known, each strand recorded again as a new report.
    const filled = orders.filter((o) => o.filledQuantity !== '0');
    for (let i = 0; i < 5; i++) flat('102');
    await waitFor(
      'the markout strands',
      async () => (await strandRows()).length === orders.length + filled.length,
    );
    const rows = await strandRows();
    const keys = rows.map((r) => r.report_key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys)).toEqual(
      new Set([
        ...orders.map((o) => `strand:${o.id}:ended`),
        ...filled.map((o) => `strand:${o.id}:markout5`),
      ]),
    );
    // The entry bought at 100; five bars later the price is 102: +200 bps for a buy.
    const entryMarkout = rows.find((r) => r.report_key === `strand:${entry.id}:markout5`)!;
    expect(entryMarkout.body.markout5Bps).toBe(200);
    expect(entryMarkout.body.markout1Bps).not.toBeNull();
    // The stop never filled: no markout, one strand.
    const stop = ended.find((o) => o.role === 'stop_loss')!;
    expect(rows.filter((r) => r.body.orderId === stop.id).map((r) => r.report_key)).toEqual([
      `strand:${stop.id}:ended`,
    ]);
    for (const r of rows) {
      expect(r.engine).toBe('learner');
      expect(r.tags).toEqual(['trader:execution_insights', 'dm:execution_report', 'cil:execution_insights']);
    }
    await waitFor('a NOTIFY per strand row', () => rows.every((r) => notified.includes(r.id)));
    // Nothing reported twice: every key of the plan's stream is one row.
    expect(
      await count(
        sql,
        `SELECT count(*) AS n FROM (SELECT report_key FROM braid.strands WHERE plan_id = 'learn-1'
           GROUP BY report_key HAVING count(*) > 1) x`,
      ),
    ).toBe(0);
    expect(desk.stats().refused).toBe(0);
  });

  test('strands a crash kept from the outbox are written from the journal when the desk comes back, once', async () => {
    const before = await strandRows();
    expect(before).toHaveLength(5);
    await desk.stop();
    // As if the engine's strand records had reached its journal but never the desk's outbox: the rows
    // are gone from the desk, and the desk that starts again finds them in the journal.
    await sql.query(`DELETE FROM braid.strands WHERE plan_id = 'learn-1' AND kind = 'strand'`);
    desk = startDesk();
    await waitFor('the strands written again', async () => (await strandRows()).length === before.length);
    const after = await strandRows();
    expect(after.map((r) => [r.report_key, r.body])).toEqual(before.map((r) => [r.report_key, r.body]));
    // The plan's other reports were there already: each still one row.
    expect(
      await count(
        sql,
        `SELECT count(*) AS n FROM (SELECT report_key FROM braid.strands WHERE plan_id = 'learn-1'
           GROUP BY report_key HAVING count(*) > 1) x`,
      ),
    ).toBe(0);
  });

  test('a strand under a stale epoch is refused by the desk itself', async () => {
    const claim = await sql.query<{ epoch: number }>(
      `SELECT epoch FROM braid.claims WHERE plan_id = 'learn-1'`,
    );
    const stale = claim.rows[0]!.epoch - 1;
    await expect(
      sql.query(
        `INSERT INTO braid.strands (plan_id, engine, kind, tags, body, epoch, report_key)
         VALUES ('learn-1', 'learner', 'strand', '{trader:execution_insights}', '{}', $1, 'strand:x:ended')`,
        [stale],
      ),
    ).rejects.toThrow(/stale epoch/);
  });
});
