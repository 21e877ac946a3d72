// The desk against a real PostgreSQL 15: the schema made once by engines joining together, a plan
// inserted twice executed once, plans inserted while every engine is down executed when one comes back,
// routing by venue or symbol, the fence (a claim whose lease ran out is given up) and stale reports
// refused by the desk itself.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { claimPlans, holdPlans } from '../../src/main/desk/claims.ts';
import { DESK_MIGRATIONS, migrateDesk } from '../../src/main/desk/schema.ts';
import { freshDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/wait.ts';
import { connect, count, type Engines, engines, figures, insertPlans, restingPlan } from './desk-helpers.ts';

let db: TestDatabase;
let sql: pg.Client;
let desk: Engines;

beforeAll(async () => {
  db = await freshDatabase('desk');
  desk = engines(db.url);
  sql = await connect(db.url);
});
afterAll(async () => {
  await desk?.closeAll();
  await sql?.end();
  await db?.drop();
});

const decisionsOf = async (planId: string) =>
  (
    await sql.query<{ engine: string; body: { outcome: string } }>(
      `SELECT engine, body FROM braid.strands WHERE plan_id = $1 AND kind = 'decision'`,
      [planId],
    )
  ).rows;

describe('the desk on PostgreSQL', () => {
  test('two engines joining at once create the schema once', async () => {
    const e1 = await desk.start('e1');
    const e2 = await desk.start('e2');
    await waitFor('both engines on the desk', async () => {
      const [v1, v2] = await Promise.all([e1.desk!.deskView(), e2.desk!.deskView()]);
      return v1.connected && v2.connected && v1.engines.length === 2;
    });
    const applied = await sql.query('SELECT version FROM braid.migrations ORDER BY version');
    expect(applied.rows.map((r) => r.version)).toEqual(DESK_MIGRATIONS.map((m) => m.version));
    // And five more first connections at the same moment, straight: each waits, none fails or repeats.
    const clients = await Promise.all(Array.from({ length: 5 }, () => connect(db.url)));
    await Promise.all(clients.map((c) => migrateDesk(c)));
    await Promise.all(clients.map((c) => c.end()));
    expect(await count(sql, 'SELECT count(*) AS n FROM braid.migrations')).toBe(DESK_MIGRATIONS.length);
  });

  test('the same plan inserted twice is executed once, by one engine', async () => {
    await insertPlans(sql, [restingPlan('twice-1', 1)]);
    await insertPlans(sql, [restingPlan('twice-1', 1)]);
    await waitFor('its decision', async () => (await decisionsOf('twice-1')).length > 0);
    await waitFor(
      'its entry order at the venue',
      async () =>
        (await count(
          sql,
          `SELECT count(*) AS n FROM braid.strands WHERE plan_id = 'twice-1' AND kind = 'order' AND body->>'status' = 'accepted'`,
        )) > 0,
    );
    const decisions = await decisionsOf('twice-1');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.body.outcome).toBe('accepted');
    const f = await figures(sql);
    expect(f).toMatchObject({
      plans: 1,
      decided: 1,
      decidedTwice: 0,
      entryOrders: 1,
      streamsFromTwoEngines: 0,
    });
    // The report stream: the decision, the plan's statuses, the entry order's, all from that engine.
    const stream = await sql.query<{ engine: string; kind: string; tags: string[] }>(
      `SELECT engine, kind, tags FROM braid.strands WHERE plan_id = 'twice-1' ORDER BY id`,
    );
    expect(new Set(stream.rows.map((r) => r.engine))).toEqual(new Set([decisions[0]!.engine]));
    expect(stream.rows.every((r) => r.tags.includes('dm:execution_report'))).toBe(true);
    expect(
      stream.rows.filter((r) => r.kind === 'order').every((r) => r.tags.includes('trader:order_status')),
    ).toBe(true);
  });

  test('plans inserted while every engine is down are executed when one comes back', async () => {
    await desk.stop('e1');
    await desk.stop('e2');
    const plans = Array.from({ length: 40 }, (_, i) => restingPlan(`down-${i}`, 100 + i));
    await insertPlans(sql, plans);
    expect(await count(sql, `SELECT count(*) AS n FROM braid.claims WHERE state = 'waiting'`)).toBe(40);
    // e2 comes back alone (its journal, its held plan): it finds them by its catch-up read, not a NOTIFY.
    const e2 = await desk.start('e2');
    await waitFor('all 40 decided', async () => (await figures(sql)).decided === 41);
    const f = await figures(sql);
    expect(f).toMatchObject({ plans: 41, decided: 41, decidedTwice: 0, lost: 0, streamsFromTwoEngines: 0 });
    const by = await sql.query<{ engine: string; n: string }>(
      `SELECT engine, count(*) AS n FROM braid.strands WHERE kind = 'decision' AND plan_id LIKE 'down-%' GROUP BY engine`,
    );
    expect(by.rows).toEqual([{ engine: 'e2', n: '40' }]);
    const view = await e2.desk!.deskView();
    expect(view.plans).toMatchObject({ waiting: 0, claimed: 0, held: 41 });
    expect(view.engines.map((e) => e.engine)).toEqual(['e1', 'e2']);
    await desk.stop('e2');
  });

  test('routing: an engine takes only the venues or symbols it accepts', async () => {
    const only = await desk.start('only-s7', { accepts: ['S7'] });
    await insertPlans(sql, [restingPlan('route-s8', 8), restingPlan('route-s7', 7)]);
    await waitFor('S7 decided', async () => (await decisionsOf('route-s7')).length === 1);
    expect((await decisionsOf('route-s7'))[0]!.engine).toBe('only-s7');
    // Nobody takes S8 until an engine that accepts it (or anything) joins.
    const s8 = await sql.query(`SELECT state FROM braid.claims WHERE plan_id = 'route-s8'`);
    expect(s8.rows[0]).toEqual({ state: 'waiting' });
    await desk.start('any');
    await waitFor('S8 decided', async () => (await decisionsOf('route-s8')).length === 1);
    expect((await decisionsOf('route-s8'))[0]!.engine).toBe('any');
    void only;
    await desk.stop('only-s7');
    await desk.stop('any');
  });

  test('a claim whose lease ran out before its fence is given up, and its reports are refused', async () => {
    await insertPlans(sql, [restingPlan('fence-1', 9)]);
    const a = { desk: 'default', engine: 'slow', accepts: ['S9'], leaseMs: 100 };
    const b = { desk: 'default', engine: 'fast', accepts: ['S9'], leaseMs: 60_000 };
    const [claimA] = await claimPlans(sql, a, 10);
    expect(claimA).toMatchObject({ planId: 'fence-1', epoch: 1 });
    // Another engine cannot take it while the lease runs.
    expect(await claimPlans(sql, b, 10)).toEqual([]);
    await waitFor(
      'the lease to run out',
      async () =>
        (await count(
          sql,
          `SELECT count(*) AS n FROM braid.claims WHERE plan_id = 'fence-1' AND lease_until < now()`,
        )) > 0,
    );
    const [claimB] = await claimPlans(sql, b, 10);
    expect(claimB).toMatchObject({ planId: 'fence-1', epoch: 2 });
    // The first engine comes back: its fence fails (epoch 1 is stale), so it must give the plan up.
    expect(await holdPlans(sql, a, [claimA!])).toEqual(new Set());
    expect(await holdPlans(sql, b, [claimB!])).toEqual(new Set(['fence-1']));
    // Held: the plan never moves again, even once the holder's lease would have run out.
    expect(await claimPlans(sql, { ...a, leaseMs: 100 }, 10)).toEqual([]);
    // A report under the stale epoch is refused by the desk itself.
    const stale = sql.query(
      `INSERT INTO braid.strands (plan_id, engine, kind, tags, body, epoch) VALUES ('fence-1', 'slow', 'order', '{dm:execution_report}', '{}', 1)`,
    );
    await expect(stale).rejects.toThrow(/stale epoch 1 for plan fence-1 from engine slow/);
    await sql.query(
      `INSERT INTO braid.strands (plan_id, engine, kind, tags, body, epoch) VALUES ('fence-1', 'fast', 'order', '{dm:execution_report}', '{}', 2)`,
    );
  });

  test('NOTIFY braid_strands carries the id of each report', async () => {
    const listener = await connect(db.url);
    const ids: string[] = [];
    listener.on('notification', (n) => {
      if (n.channel === 'braid_strands' && n.payload) ids.push(n.payload);
    });
    await listener.query('LISTEN braid_strands');
    await desk.start('e1');
    await insertPlans(sql, [restingPlan('notify-1', 11)]);
    await waitFor('its decision', async () => (await decisionsOf('notify-1')).length === 1);
    const rows = await sql.query<{ id: string }>(`SELECT id FROM braid.strands WHERE plan_id = 'notify-1'`);
    await waitFor('a notification per report', () => rows.rows.every((r) => ids.includes(r.id)));
    await listener.end();
    await desk.stop('e1');
  });
});

void pg;
