// The desk's part of the engine's SQLite journal (journal migration 3): the plans this engine claimed
// (desk_holds), journaled before a claim is fenced on PostgreSQL and before the plan reaches the engine,
// and the reports waiting to be written to the desk (desk_outbox), in order, kept while PostgreSQL is
// down. A second connection to the journal file: the engine writes its own tables, this one only these
// (and reads the learning strands the engine journaled, which no snapshot carries).
import Database from 'better-sqlite3';
import type { Strand } from '../../shared/domain/learning.ts';
import { migrate } from '../engine/journal/migrations.ts';
import { readStrandRecord } from '../engine/learning/strand.ts';
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
  /** The intents: this engine means to take these plans under these epochs (before the fence). One commit. */
  intend(plans: readonly { planId: string; epoch: number; plan: unknown }[], at: number): void;
  /** Fenced on the desk: the plans are this engine's for good. */
  held(planIds: readonly string[]): void;
  /** The fence failed: the plans are not this engine's; nothing was sent for them. */
  forget(planIds: readonly string[]): void;
  /** The engine decided: the decisions' reports queued and the plans marked decided, in one commit. */
  decided(planIds: readonly string[], reports: readonly Report[], epochOf: EpochOf, at: number): void;
  holds(): LocalHold[];
  /** Queues reports for the desk, each once by its key. Returns how many were new. */
  queue(reports: readonly Report[], epochOf: EpochOf, at: number): number;
  pending(limit: number): OutboxRow[];
  sent(lastSeq: number): void;
  pendingCount(): number;
  /** Every strand the engine journaled (each recording: ended, then with its markouts), oldest first:
   *  what a crash between the engine's record and this outbox would otherwise lose. */
  strands(): Strand[];
  close(): void;
}

type EpochOf = (planId: string) => number | undefined;

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
    strands: db.prepare(`SELECT body FROM events WHERE kind = 'strand' ORDER BY seq`),
  };
  type HoldRow = { plan_id: string; epoch: number; state: HoldState; decided: number; plan: string };
  const toHold = (r: HoldRow): LocalHold => ({
    planId: r.plan_id,
    epoch: r.epoch,
    state: r.state,
    decided: r.decided === 1,
    plan: JSON.parse(r.plan) as unknown,
  });
  const queueMany = db.transaction((reports: readonly Report[], epochOf: EpochOf, at: number) => {
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
  });
  const each = (run: (id: string) => void) =>
    db.transaction((ids: readonly string[]) => {
      for (const id of ids) run(id);
    });
  const intendAll = db.transaction(
    (plans: readonly { planId: string; epoch: number; plan: unknown }[], at: number) => {
      for (const p of plans) stmt.intend.run(p.planId, p.epoch, JSON.stringify(p.plan), at);
    },
  );
  const heldAll = each((id) => stmt.held.run(id));
  const forgetAll = each((id) => stmt.forget.run(id));
  const decidedAll = db.transaction(
    (ids: readonly string[], reports: readonly Report[], epochOf: EpochOf, at: number) => {
      queueMany(reports, epochOf, at);
      for (const id of ids) stmt.decided.run(id);
    },
  );
  return {
    intend: (plans, at) => (plans.length === 0 ? undefined : intendAll(plans, at)),
    held: (ids) => (ids.length === 0 ? undefined : heldAll(ids)),
    forget: (ids) => (ids.length === 0 ? undefined : forgetAll(ids)),
    decided: (ids, reports, epochOf, at) =>
      ids.length === 0 ? undefined : decidedAll(ids, reports, epochOf, at),
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
    strands: () => {
      // Each recording as the strand stood after it: a markouts record is read onto its strand.
      const known = new Map<string, Strand>();
      return (stmt.strands.all() as { body: string }[]).flatMap(
        (r) => readStrandRecord(known, JSON.parse(r.body)) ?? [],
      );
    },
    close: () => db.close(),
  };
}
