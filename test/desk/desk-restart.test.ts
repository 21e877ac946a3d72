// PostgreSQL restarted under load loses nothing: two engines claiming a stream of plans when the desk's
// server stops (pg_ctl stop -m fast, connections cut); meanwhile they claim nothing, keep trading what they
// hold, and buffer their reports in their journals; when it starts again every plan is decided once, by
// one engine, and the buffered reports are written once, in order.
import type pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type PgServer, privateServer } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/wait.ts';
import { connect, count, type Engines, engines, figures, insertPlans, restingPlan } from './desk-helpers.ts';

let server: PgServer;
let desk: Engines;
let sql: pg.Client | null = null;

beforeAll(async () => {
  server = await privateServer();
  desk = engines(server.url);
});
afterAll(async () => {
  await sql?.end().catch(() => {});
  await desk?.closeAll();
  server?.destroy();
});

test('PostgreSQL restarted under load loses nothing', async () => {
  const e1 = await desk.start('e1', { leaseMs: 1_000 });
  const e2 = await desk.start('e2', { leaseMs: 1_000 });
  sql = await connect(server.url);
  const decided = async () => (await figures(sql!)).decided;
  await waitFor('the desk schema', async () => (await e1.desk!.deskView()).connected);

  const first = Array.from({ length: 200 }, (_, i) => restingPlan(`a-${i}`, i));
  await insertPlans(sql, first);
  await waitFor('the engines busy with them', async () => (await decided()) >= 40);
  await sql.end();
  sql = null;
  server.stop();
  await waitFor(
    'both engines to see the desk gone',
    async () => !(await e1.desk!.deskView()).connected && !(await e2.desk!.deskView()).connected,
  );

  // Trading goes on without the desk: a plan e1 holds is cancelled, and that report waits in its journal.
  const held = (await e1.host.invoke('getSnapshot', {})) as {
    ok: true;
    value: { engine: { plans: { id: string; status: string }[] } };
  };
  const working = held.value.engine.plans.filter((p) => p.status === 'working').map((p) => p.id);
  expect(working.length).toBeGreaterThan(0);
  const cancelled = working[0]!;
  expect(await e1.host.invoke('cancelPlan', { planId: cancelled })).toMatchObject({ ok: true });
  await waitFor('the report buffered', async () => (await e1.desk!.deskView()).outboxPending > 0);
  const buffered = (await e1.desk!.deskView()).outboxPending;

  server.start();
  sql = await connect(server.url);
  const second = Array.from({ length: 200 }, (_, i) => restingPlan(`b-${i}`, 200 + i));
  await insertPlans(sql, second);
  await waitFor('all 400 decided', async () => (await decided()) === 400, 30_000);
  await waitFor('the outboxes empty', async () => {
    const [v1, v2] = await Promise.all([e1.desk!.deskView(), e2.desk!.deskView()]);
    return v1.connected && v2.connected && v1.outboxPending === 0 && v2.outboxPending === 0;
  });

  const f = await figures(sql);
  console.log(
    `desk restart: ${f.plans} plans, ${f.decided} decided, ${f.decidedTwice} decided twice, ${f.lost} lost, ` +
      `${f.entryOrders} entry orders, ${f.entryOrdersTwice} plans with two, ${buffered} reports buffered while down`,
  );
  expect(f).toMatchObject({ plans: 400, decided: 400, decidedTwice: 0, lost: 0, streamsFromTwoEngines: 0 });
  expect(f.entryOrdersTwice).toBe(0);
  // The buffered cancellation reached the desk once, after the plan's earlier reports.
  const stream = await sql.query<{ kind: string; status: string | null }>(
    `SELECT kind, body->>'status' AS status FROM braid.strands WHERE plan_id = $1 ORDER BY id`,
    [cancelled],
  );
  const statuses = stream.rows.filter((r) => r.kind === 'plan_status').map((r) => r.status);
  expect(statuses.filter((s) => s === 'cancelled')).toHaveLength(1);
  expect(statuses.at(-1)).toBe('cancelled');
  expect(statuses.indexOf('working')).toBeLessThan(statuses.indexOf('cancelled'));
  expect(
    await count(sql, `SELECT count(*) AS n FROM braid.strands WHERE plan_id = $1 AND engine <> 'e1'`, [
      cancelled,
    ]),
  ).toBe(0);
});
