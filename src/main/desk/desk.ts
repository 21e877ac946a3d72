// One engine on a desk (desk.md "The desk"): it joins the desk's PostgreSQL, claims the plans of its desk
// that it accepts, and hands each to the engine through a plan door once the claim is fenced; it writes
// the engine's decisions, plan status changes, orders and fills back as strands.
//
// The exactly-once protocol, per plan (epochs rise on every claim, claims.ts):
//   1. claim (plan, epoch k) with a lease;
//   2. journal the intent locally (desk_holds, state intent), so a crash from here on is remembered;
//   3. fence on PostgreSQL: held if the claim is still (this engine, k) and its lease runs; a plan held
//      never moves to another engine. Fence refused (the lease ran out, another engine claimed it): the
//      plan is given up and nothing was sent;
//   4. mark it held locally, and only then submit it to the engine, which journals its order intent (the
//      client id derived from the plan id) before anything reaches a venue; the engine is idempotent on
//      plan id, so a restart between 3 and the decision submits it again harmlessly.
// Reports go through the journal's outbox first and reach PostgreSQL in order, once each (report keys),
// and only under the claim they were made for (a stale epoch is refused by the desk itself). PostgreSQL
// down: nothing is claimed, the engine trades what it holds, reports wait in the outbox.
// NOTIFY only wakes the loop; every wake-up and every reconnect reads what is waiting (notifications are
// lost while nobody listens).
import pg from 'pg';
import type { EngineEvent } from '../../shared/domain/engine-view.ts';
import { claimPlans, type DeskIdentity, giveUp, heartbeat, holdPlans, joinDesk } from './claims.ts';
import { type DeskView, readDesk } from './desk-view.ts';
import type { LocalBook, OutboxRow } from './local-book.ts';
import { decisionReport, type Report, reportsOf } from './reports.ts';
import { migrateDesk } from './schema.ts';

/** What a door answers per plan (src/main/intake/plan-outcome.ts has the same shape). */
export type DeskOutcome =
  | { id: string | null; outcome: 'accepted' | 'duplicate'; status: string }
  | { id: string | null; outcome: 'rejected'; reason: string; message: string };

export interface DeskOptions {
  url: string;
  desk: string;
  engine: string;
  accepts: readonly string[] | null;
  /** A claim not fenced within this long may be taken by another engine; heartbeats every third of it. */
  leaseMs?: number;
  /** Plans claimed per round. */
  batch?: number;
  /** A query unanswered this long fails and the connection is dropped (default 15 s). */
  queryTimeoutMs?: number;
  /** How long a quiet desk waits between catch-up reads (a lost NOTIFY costs at most this). */
  pollMs?: number;
  book: LocalBook;
  /** The engine's door for upstream plans: one outcome per plan, in order. */
  submit: (plans: readonly unknown[]) => Promise<DeskOutcome[] | null>;
  /** The engine's events (the host's push, or the engine itself). */
  onEvents: (listener: (events: readonly EngineEvent[]) => void) => () => void;
  /** The reports of what the engine knows now of plans the desk gave it (at start: what a crash lost). */
  current?: () => Report[];
  /** Epoch ms (the journal's `at`). */
  now: () => number;
  password?: string;
  log?: (line: string) => void;
}

export interface Desk {
  /** Starts joining; returns at once (PostgreSQL may be down). */
  start(): void;
  deskView(): Promise<DeskView>;
  /** Counters for tests and the bench. */
  stats(): { claimed: number; decided: number; givenUp: number; written: number; refused: number };
  stop(): Promise<void>;
}

const DEFAULT_LEASE_MS = 10_000;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2_000;
const FLUSH_BATCH = 500;
/** A query unanswered this long is a lost connection (beyond a lease: the others have taken over by then). */
const QUERY_TIMEOUT_MS = 15_000;

export function createDesk(options: DeskOptions): Desk {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const me: DeskIdentity = {
    desk: options.desk,
    engine: options.engine,
    accepts: options.accepts === null ? null : [...options.accepts],
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
  };
  const batch = options.batch ?? 50;
  const pollMs = options.pollMs ?? 1_000;
  const beatMs = Math.max(20, Math.floor(me.leaseMs / 3));
  const { book } = options;
  const stats = { claimed: 0, decided: 0, givenUp: 0, written: 0, refused: 0 };

  // Plans the desk gave this engine and their epochs (the journal's desk_holds, read once).
  const epochs = new Map<string, number>();
  for (const h of book.holds()) epochs.set(h.planId, h.epoch);
  const mine = (planId: string) => epochs.has(planId);

  let client: pg.Client | null = null;
  let connected = false;
  let stopped = false;
  let started = false;
  let detail: string | undefined = 'not connected yet';
  let lastBeat = 0;
  let reconnectMs = RECONNECT_MIN_MS;
  let wake: (() => void) | null = null;
  let woken = false;
  let loop: Promise<void> = Promise.resolve();

  const poke = () => {
    woken = true;
    const w = wake;
    wake = null;
    w?.();
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopped) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  // Reports are journaled as the engine emits them, whatever the desk's state.
  const unsubscribe = options.onEvents((events) => {
    const reports = events.flatMap((e) => reportsOf(e, mine));
    if (reports.length === 0) return;
    try {
      if (book.queue(reports, (id) => epochs.get(id), options.now()) > 0) poke();
    } catch (error) {
      log(`braid desk: could not journal ${reports.length} reports: ${String(error)}`);
    }
  });

  const lost = (why: unknown) => {
    if (connected || client !== null) log(`braid desk: lost ${me.desk} (${describe(why)}): claiming nothing`);
    connected = false;
    detail = describe(why);
    const c = client;
    client = null;
    c?.removeAllListeners('notification');
    c?.end().catch(() => {});
  };

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({
      connectionString: options.url,
      ...(options.password !== undefined ? { password: options.password } : {}),
      connectionTimeoutMillis: 5_000,
      // A query the server never answers (a half-open socket, a stopped server) must not hang the loop:
      // it fails, the connection is dropped and the loop reconnects and settles its holds again.
      query_timeout: options.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
      statement_timeout: options.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
      keepAlive: true,
    });
    c.on('error', (e) => {
      if (client === c) lost(e);
    });
    c.on('end', () => {
      if (client === c) lost('the connection closed');
    });
    await c.connect();
    try {
      await migrateDesk(c);
      await joinDesk(c, me);
      c.on('notification', poke);
      await c.query('LISTEN braid_plans');
    } catch (error) {
      await c.end().catch(() => {});
      throw error;
    }
    return c;
  }

  /** After a (re)connect: the intents a crash or an outage left, settled before anything new is claimed. */
  async function resolveHolds(c: pg.Client): Promise<void> {
    const intents = book.holds().filter((h) => h.state === 'intent');
    await fence(c, intents);
    const undecided = book.holds().filter((h) => h.state === 'held' && !h.decided);
    await decide(undecided);
    // What the engine did while reports could not be journaled (a kill between an event and its
    // journaling): read again from the engine, written once by their keys.
    if (options.current) book.queue(options.current(), (id) => epochs.get(id), options.now());
  }

  /** The fence for journaled intents; those refused are given up. Returns the plans now held. */
  async function fence<T extends { planId: string; epoch: number }>(
    c: pg.Client,
    intents: readonly T[],
  ): Promise<T[]> {
    if (intents.length === 0) return [];
    const fenced = await holdPlans(c, me, intents);
    const refused = intents.filter((p) => !fenced.has(p.planId));
    book.forget(refused.map((p) => p.planId));
    for (const p of refused) epochs.delete(p.planId);
    stats.givenUp += refused.length;
    await giveUp(c, me, refused);
    const held = intents.filter((p) => fenced.has(p.planId));
    book.held(held.map((p) => p.planId));
    return held;
  }

  /** Held plans to the engine; each decision becomes a report. */
  async function decide(plans: readonly { planId: string; epoch: number; plan: unknown }[]): Promise<void> {
    if (plans.length === 0) return;
    const outcomes = await options.submit(plans.map((p) => p.plan));
    if (outcomes === null) return; // The door is closed (shutting down): decided at the next start.
    const reports: Report[] = [];
    const decided: string[] = [];
    plans.forEach((p, i) => {
      const o = outcomes[i];
      if (o === undefined) return;
      reports.push(decisionReport(p.planId, o));
      decided.push(p.planId);
    });
    book.decided(decided, reports, (id) => epochs.get(id), options.now());
    stats.decided += reports.length;
    poke();
  }

  async function claimRound(c: pg.Client): Promise<number> {
    const claimed = await claimPlans(c, me, batch);
    if (claimed.length === 0) return 0;
    stats.claimed += claimed.length;
    book.intend(claimed, options.now());
    for (const p of claimed) epochs.set(p.planId, p.epoch);
    await decide(await fence(c, claimed));
    return claimed.length;
  }

  async function flush(c: pg.Client): Promise<void> {
    for (;;) {
      const rows = book.pending(FLUSH_BATCH);
      if (rows.length === 0) return;
      const written = await writeStrands(c, me.engine, rows);
      stats.written += written;
      stats.refused += rows.length - written;
      // Only a claim this engine no longer holds under that epoch: the desk has another engine's word.
      if (written < rows.length)
        log(`braid desk: ${rows.length - written} reports refused by the desk (a claim lost, stale epoch)`);
      book.sent(rows[rows.length - 1]!.seq);
    }
  }

  async function run(): Promise<void> {
    while (!stopped) {
      if (client === null) {
        try {
          const c = await connect();
          if (stopped) {
            await c.end().catch(() => {});
            return;
          }
          client = c;
          connected = true;
          detail = undefined;
          reconnectMs = RECONNECT_MIN_MS;
          log(`braid desk: ${me.engine} joined desk ${me.desk}`);
          await resolveHolds(c);
        } catch (error) {
          if (client !== null) lost(error);
          else detail = describe(error);
          await pause(reconnectMs);
          woken = false;
          reconnectMs = Math.min(RECONNECT_MAX_MS, reconnectMs * 2);
          continue;
        }
      }
      const c = client;
      if (c === null) continue;
      try {
        woken = false;
        const t = Date.now();
        if (t - lastBeat >= beatMs) {
          await heartbeat(c, me);
          lastBeat = t;
        }
        await flush(c);
        const claimed = stopped ? 0 : await claimRound(c);
        await flush(c);
        if (claimed >= batch) continue; // More may be waiting: no pause.
        await pause(Math.min(pollMs, beatMs));
      } catch (error) {
        lost(error);
      }
    }
  }

  return {
    start() {
      if (started) return;
      started = true;
      loop = run().catch((e: unknown) => log(`braid desk: stopped on an error: ${describe(e)}`));
    },
    async deskView(): Promise<DeskView> {
      const base = {
        desk: me.desk,
        engine: me.engine,
        connected,
        outboxPending: book.pendingCount(),
      };
      const c = client;
      if (c === null || !connected)
        return { ...base, engines: [], plans: null, readAt: null, ...(detail ? { detail } : {}) };
      try {
        return { ...base, ...(await readDesk(c, me.desk)) };
      } catch (error) {
        return { ...base, engines: [], plans: null, readAt: null, detail: describe(error) };
      }
    },
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      poke();
      await loop;
      unsubscribe();
      const c = client;
      client = null;
      connected = false;
      await c?.end().catch(() => {});
    },
  };
}

/** Writes outbox rows in order, only those of a claim this engine holds under that epoch; returns how
 *  many the desk took (a row written before, by its key, counts as taken). */
async function writeStrands(c: pg.ClientBase, engine: string, rows: readonly OutboxRow[]): Promise<number> {
  const result = await c.query<{ taken: string }>(
    `WITH incoming AS (
       SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[])
         WITH ORDINALITY AS r (report_key, plan_id, epoch, kind, tags, body, ord)),
     fresh AS (
       SELECT i.* FROM incoming i
       JOIN braid.claims c ON c.plan_id = i.plan_id AND c.engine = $1 AND c.epoch = i.epoch AND c.state = 'held'),
     written AS (
       INSERT INTO braid.strands (plan_id, engine, kind, tags, body, epoch, report_key)
       SELECT plan_id, $1, kind, tags::text[], body::jsonb, epoch, report_key FROM fresh ORDER BY ord
       ON CONFLICT (report_key) DO NOTHING
       RETURNING plan_id, kind, body),
     decided AS (
       UPDATE braid.claims c SET decided_at = now(), decision = w.body->>'outcome'
       FROM written w WHERE w.kind = 'decision' AND c.plan_id = w.plan_id AND c.decided_at IS NULL)
     SELECT count(*) AS taken FROM fresh`,
    [
      engine,
      rows.map((r) => r.key),
      rows.map((r) => r.planId),
      rows.map((r) => r.epoch),
      rows.map((r) => r.kind),
      rows.map((r) => pgArray(r.tags)),
      rows.map((r) => JSON.stringify(r.body)),
    ],
  );
  return Number(result.rows[0]?.taken ?? 0);
}

/** A text[] literal: tags are plain words with a colon, quoted anyway. */
function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (ch) => `\\${ch}`)}"`).join(',')}}`;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
