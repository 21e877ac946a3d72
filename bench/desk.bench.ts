// The desk on PostgreSQL under load, beside a bare queue on the same server in the same run:
//   desk   ENGINES `braid serve` processes (paper venue) on one desk; plans INSERTed into braid.plan_inbox
//          as an upstream system does, paced by the backlog (the next batch when fewer than BACKLOG wait),
//          each claimed (SKIP LOCKED, lease, epoch), its intent journaled, fenced, decided by the engine
//          (its own journal: two SQLite commits, synchronous FULL) and its decision written to
//          braid.strands (with the plan's status and order reports, through the engine's outbox).
//   bare   the same number of plain INSERTs into a one-table queue and ENGINES workers in this process
//          looping `SELECT ... FOR UPDATE SKIP LOCKED LIMIT 50` + UPDATE taken, same pacing: what the
//          claiming costs on this PostgreSQL with nothing else done per plan.
// Figures: plans per second claimed and decided (first insert to last claim / decision), and the latency
// from insert to decision (to taken, bare), p50 and p99, all on PostgreSQL's clock; then the ratio.
//
//   node bench/desk.bench.ts [PLANS=100000] [ENGINES=5] [--shm]
//     --shm   the engines' journals in /dev/shm (no fsync cost); default: the temporary folder on disk.
// Uses BRAID_TEST_PG_URL when set (a new database on it), else starts a private PostgreSQL 15 as the
// tests do (test/helpers/postgres.ts). Instruments S0..S399: the engine takes one working entry per
// symbol, so past the first 400 on each engine a plan is decided `rejected: position_exists` (a decision
// still: claimed, fenced, judged, reported).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { connect, count, insertPlans, restingPlan } from '../test/desk/desk-helpers.ts';
import { type ServedEngine, serveEngine } from '../test/desk/serve-engines.ts';
import { freshDatabase } from '../test/helpers/postgres.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const PLANS = Number(args[0] ?? 100_000);
const ENGINES = Number(args[1] ?? 5);
const SHM = process.argv.includes('--shm');
const BATCH = 500;
const BACKLOG = 2_000;

const say = (line: string) => process.stdout.write(`${line}\n`);

async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 1_800_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Figures {
  claimedPerS: number;
  decidedPerS: number;
  p50: number;
  p99: number;
  seconds: number;
}

async function paced(
  sql: pg.Client,
  insert: (from: number, n: number) => Promise<void>,
  waiting: () => Promise<number>,
  finished: () => Promise<number>,
): Promise<void> {
  let inserted = 0;
  let last = Date.now();
  while (inserted < PLANS) {
    if ((await waiting()) < BACKLOG) {
      const n = Math.min(BATCH, PLANS - inserted);
      await insert(inserted, n);
      inserted += n;
    } else await new Promise((r) => setTimeout(r, 5));
    if (Date.now() - last > 10_000) {
      last = Date.now();
      say(`  ... ${inserted} inserted, ${await finished()} done`);
    }
  }
  await until(async () => (await finished()) >= PLANS, 'every plan done');
  void sql;
}

async function deskRun(url: string): Promise<Figures> {
  const dir = mkdtempSync(join(SHM ? '/dev/shm' : tmpdir(), 'braid-desk-bench-'));
  const engines: ServedEngine[] = [];
  const sql = await connect(url);
  try {
    for (let i = 1; i <= ENGINES; i++) engines.push(await serveEngine(dir, `e${i}`, url));
    await until(
      async () =>
        (await count(
          sql,
          `SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'braid' AND tablename = 'engines'`,
        )) > 0 && (await count(sql, 'SELECT count(*) AS n FROM braid.engines')) === ENGINES,
      'the engines on the desk',
      120_000,
    );
    await paced(
      sql,
      (from, n) =>
        insertPlans(
          sql,
          Array.from({ length: n }, (_, i) => restingPlan(`bench-${from + i}`, from + i)),
        ),
      () => count(sql, `SELECT count(*) AS n FROM braid.claims WHERE state <> 'held'`),
      () => count(sql, 'SELECT count(*) AS n FROM braid.claims WHERE decided_at IS NOT NULL'),
    );
    const r = await sql.query<{
      claimed: number;
      decided: number;
      p50: number;
      p99: number;
      seconds: number;
    }>(
      `SELECT $1 / extract(epoch FROM max(c.claimed_at) - min(i.created_at)) AS claimed,
              $1 / extract(epoch FROM max(c.decided_at) - min(i.created_at)) AS decided,
              extract(epoch FROM max(c.decided_at) - min(i.created_at)) AS seconds,
              1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.decided_at - i.created_at)) AS p50,
              1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM c.decided_at - i.created_at)) AS p99
       FROM braid.claims c JOIN braid.plan_inbox i ON i.id = c.plan_id`,
      [PLANS],
    );
    const row = r.rows[0]!;
    return {
      claimedPerS: Number(row.claimed),
      decidedPerS: Number(row.decided),
      p50: Number(row.p50),
      p99: Number(row.p99),
      seconds: Number(row.seconds),
    };
  } finally {
    await Promise.all(engines.map((e) => e.stop()));
    await sql.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bareRun(url: string): Promise<Figures> {
  const sql = await connect(url);
  await sql.query(`CREATE TABLE bare_queue (id text PRIMARY KEY, payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(), taken_at timestamptz, taken_by text)`);
  await sql.query('CREATE INDEX bare_open ON bare_queue (created_at) WHERE taken_at IS NULL');
  let stop = false;
  const workers = await Promise.all(Array.from({ length: ENGINES }, () => connect(url)));
  const loops = workers.map(async (c, w) => {
    while (!stop) {
      const got = await c.query(
        `WITH open AS (SELECT id FROM bare_queue WHERE taken_at IS NULL ORDER BY created_at LIMIT 50
                       FOR UPDATE SKIP LOCKED)
         UPDATE bare_queue q SET taken_at = now(), taken_by = $1 FROM open WHERE q.id = open.id RETURNING q.id`,
        [`w${w}`],
      );
      if (got.rowCount === 0) await new Promise((r) => setTimeout(r, 5));
    }
  });
  try {
    await paced(
      sql,
      (from, n) =>
        sql
          .query(
            `INSERT INTO bare_queue (id, payload) SELECT p->>'id', p FROM jsonb_array_elements($1::jsonb) p`,
            [JSON.stringify(Array.from({ length: n }, (_, i) => restingPlan(`bare-${from + i}`, from + i)))],
          )
          .then(() => {}),
      () => count(sql, 'SELECT count(*) AS n FROM bare_queue WHERE taken_at IS NULL'),
      () => count(sql, 'SELECT count(*) AS n FROM bare_queue WHERE taken_at IS NOT NULL'),
    );
    const r = await sql.query<{ taken: number; p50: number; p99: number; seconds: number }>(
      `SELECT $1 / extract(epoch FROM max(taken_at) - min(created_at)) AS taken,
              extract(epoch FROM max(taken_at) - min(created_at)) AS seconds,
              1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM taken_at - created_at)) AS p50,
              1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM taken_at - created_at)) AS p99
       FROM bare_queue`,
      [PLANS],
    );
    const row = r.rows[0]!;
    return {
      claimedPerS: Number(row.taken),
      decidedPerS: Number(row.taken),
      p50: Number(row.p50),
      p99: Number(row.p99),
      seconds: Number(row.seconds),
    };
  } finally {
    stop = true;
    await Promise.all(loops);
    await Promise.all(workers.map((c) => c.end()));
    await sql.end();
  }
}

async function main(): Promise<void> {
  const db = await freshDatabase('desk_bench');
  try {
    say(
      `bench:desk: ${PLANS} plans, ${ENGINES} engines (braid serve, paper), journals ${SHM ? 'in /dev/shm' : 'on disk'}, ` +
        `batches of ${BATCH} while fewer than ${BACKLOG} wait`,
    );
    const bare = await bareRun(db.url);
    say(
      `bare INSERT + SKIP LOCKED: ${bare.claimedPerS.toFixed(0)} plans/s taken, insert->taken p50 ${bare.p50.toFixed(1)} ms, p99 ${bare.p99.toFixed(1)} ms (${bare.seconds.toFixed(1)} s)`,
    );
    const desk = await deskRun(db.url);
    say(
      `desk: ${desk.claimedPerS.toFixed(0)} plans/s claimed, ${desk.decidedPerS.toFixed(0)} plans/s decided, insert->decision p50 ${desk.p50.toFixed(1)} ms, p99 ${desk.p99.toFixed(1)} ms (${desk.seconds.toFixed(1)} s)`,
    );
    say(
      `ratio desk/bare: throughput ${(desk.decidedPerS / bare.claimedPerS).toFixed(3)}, p50 latency ${(desk.p50 / bare.p50).toFixed(1)}x, p99 ${(desk.p99 / bare.p99).toFixed(1)}x`,
    );
  } finally {
    await db.drop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:desk failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
