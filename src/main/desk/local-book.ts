// The desk's part of the engine's SQLite journal (journal migration 3): the plans this engine claimed
// (desk_holds), journaled before a claim is fenced on PostgreSQL and before the plan reaches the engine,
// and the reports waiting to be written to the desk (desk_outbox), in order, kept while PostgreSQL is
// down. A second connection to the journal file: the engine writes its own tables, this one only these.
import Database from 'better-sqlite3';
import { migrate } from '../engine/journal/migrations.ts';
import type { Report } from './reports.ts';

export type HoldState = 'intent' | 'held';

export interface LocalHold {
  planId: string;
  epoch: number;
  state: HoldState;
  decided: boolean;
  plan: unknown;
}

export interface OutboxRow extends Report {
  seq: number;
  epoch: number;
  at: number;
}

export interface LocalBook {
  /** The intent: this engine means to take the plan under this epoch (before the fence). */
  intend(planId: string, epoch: number, plan: unknown, at: number): void;
  held(planId: string): void;
  decided(planId: string): void;
  /** The fence failed: the plan is not this engine's; nothing was sent for it. */
  forget(planId: string): void;
  hold(planId: string): LocalHold | undefined;
  holds(): LocalHold[];
  /** Queues reports for the desk, each once by its key. Returns how many were new. */
  queue(reports: readonly Report[], epochOf: (planId: string) => number | undefined, at: number): number;
  pending(limit: number): OutboxRow[];
  sent(lastSeq: number): void;
  pendingCount(): number;
  close(): void;
}

export function openLocalBook(path: string): LocalBook {
  const db = new Database(path, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // The engine migrated its journal when it opened it; a journal of its own (no --db) is migrated here.
  migrate(db);
  const stmt = {
    intend: db.prepare(
      `INSERT INTO desk_holds (plan_id, epoch, state, plan, at) VALUES (?, ?, 'intent', ?, ?)
       ON CONFLICT (plan_id) DO UPDATE SET epoch = excluded.epoch, state = 'intent', at = excluded.at
       WHERE desk_holds.state = 'intent'`,
    ),
    held: db.prepare(`UPDATE desk_holds SET state = 'held' WHERE plan_id = ?`),
    decided: db.prepare('UPDATE desk_holds SET decided = 1 WHERE plan_id = ?'),
    forget: db.prepare(`DELETE FROM desk_holds WHERE plan_id = ? AND state = 'intent'`),
    hold: db.prepare('SELECT plan_id, epoch, state, decided, plan FROM desk_holds WHERE plan_id = ?'),
    holds: db.prepare('SELECT plan_id, epoch, state, decided, plan FROM desk_holds'),
    queue: db.prepare(
      `INSERT INTO desk_outbox (report_key, plan_id, epoch, kind, tags, body, at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (report_key) DO NOTHING`,
    ),
    pending: db.prepare(
      'SELECT seq, report_key, plan_id, epoch, kind, tags, body, at FROM desk_outbox ORDER BY seq LIMIT ?',
    ),
    sent: db.prepare('DELETE FROM desk_outbox WHERE seq <= ?'),
    count: db.prepare('SELECT count(*) AS n FROM desk_outbox'),
  };
  type HoldRow = { plan_id: string; epoch: number; state: HoldState; decided: number; plan: string };
  const toHold = (r: HoldRow): LocalHold => ({
    planId: r.plan_id,
    epoch: r.epoch,
    state: r.state,
    decided: r.decided === 1,
    plan: JSON.parse(r.plan) as unknown,
  });
  const queueMany = db.transaction(
    (reports: readonly Report[], epochOf: (planId: string) => number | undefined, at: number) => {
      let added = 0;
      for (const r of reports) {
        const epoch = epochOf(r.planId);
        if (epoch === undefined) continue;
        const info = stmt.queue.run(
          r.key,
          r.planId,
          epoch,
          r.kind,
          JSON.stringify(r.tags),
          JSON.stringify(r.body),
          at,
        );
        added += info.changes;
      }
      return added;
    },
  );
  return {
    intend: (planId, epoch, plan, at) => void stmt.intend.run(planId, epoch, JSON.stringify(plan), at),
    held: (planId) => void stmt.held.run(planId),
    decided: (planId) => void stmt.decided.run(planId),
    forget: (planId) => void stmt.forget.run(planId),
    hold: (planId) => {
      const row = stmt.hold.get(planId) as HoldRow | undefined;
      return row === undefined ? undefined : toHold(row);
    },
    holds: () => (stmt.holds.all() as HoldRow[]).map(toHold),
    queue: (reports, epochOf, at) => (reports.length === 0 ? 0 : queueMany(reports, epochOf, at)),
    pending: (limit) =>
      (
        stmt.pending.all(limit) as {
          seq: number;
          report_key: string;
          plan_id: string;
          epoch: number;
          kind: Report['kind'];
          tags: string;
          body: string;
          at: number;
        }[]
      ).map((r) => ({
        seq: r.seq,
        key: r.report_key,
        planId: r.plan_id,
        epoch: r.epoch,
        kind: r.kind,
        tags: JSON.parse(r.tags) as string[],
        body: JSON.parse(r.body) as Record<string, unknown>,
        at: r.at,
      })),
    sent: (lastSeq) => void stmt.sent.run(lastSeq),
    pendingCount: () => (stmt.count.get() as { n: number }).n,
    close: () => db.close(),
  };
}
