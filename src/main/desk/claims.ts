// Claiming plans on the desk's PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED over braid.claims with a
// lease and an epoch that rises on every claim, and the fence that turns a claim into a hold.
//
// Why not pg-boss (installed, and it is what desk.md suggests): the exactly-once rule needs the fence
// "this claim is still mine, under this epoch, and its lease has not run out" checked in the same statement
// that makes the plan stay with this engine for ever. pg-boss expires an active job only when its
// supervisor next runs (an interval, not the lease's end), its complete() does not check expiry, and a
// retried job keeps its id with a retry count we cannot fence on; so two engines could both believe they
// hold a plan across the SIGSTOP case. Routing by venue or symbol would need a queue per value, and
// upstream would have to call pg-boss's send() instead of an INSERT. A claim here is one UPDATE on the row
// the inbox trigger made, so the rules of desk.md are each one WHERE clause.
import type pg from 'pg';

export interface ClaimedPlan {
  planId: string;
  epoch: number;
  plan: unknown;
}

export interface DeskIdentity {
  desk: string;
  engine: string;
  /** Venues or symbols this engine takes; null: any plan of its desk. */
  accepts: readonly string[] | null;
  leaseMs: number;
}

/** Announces the engine (or refreshes it after a reconnect) and beats once. */
export async function joinDesk(db: pg.ClientBase, me: DeskIdentity): Promise<void> {
  await db.query(
    `INSERT INTO braid.engines (desk, engine, accepts, lease_ms) VALUES ($1, $2, $3, $4)
     ON CONFLICT (desk, engine) DO UPDATE
       SET accepts = excluded.accepts, lease_ms = excluded.lease_ms, started_at = now(), heartbeat_at = now()`,
    [me.desk, me.engine, me.accepts, me.leaseMs],
  );
}

/** The heartbeat: the engine is alive, and its unfenced claims' leases run on. */
export async function heartbeat(db: pg.ClientBase, me: DeskIdentity): Promise<void> {
  await db.query(
    `WITH beat AS (
       UPDATE braid.engines SET heartbeat_at = now() WHERE desk = $1 AND engine = $2)
     UPDATE braid.claims SET lease_until = now() + make_interval(secs => $3::double precision / 1000)
     WHERE engine = $2 AND state = 'claimed' AND lease_until > now()`,
    [me.desk, me.engine, me.leaseMs],
  );
}

/**
 * Up to `limit` plans waiting on this desk (or claimed by an engine whose lease ran out before it fenced),
 * oldest first, now claimed by this engine under a new epoch.
 */
export async function claimPlans(db: pg.ClientBase, me: DeskIdentity, limit: number): Promise<ClaimedPlan[]> {
  const result = await db.query<{ plan_id: string; epoch: number; plan: unknown }>(
    `WITH open AS (
       SELECT plan_id FROM braid.claims
       WHERE desk = $1 AND state IN ('waiting', 'claimed')
         AND (state = 'waiting' OR lease_until < now())
         AND ($3::text[] IS NULL OR venue = ANY ($3) OR symbol = ANY ($3))
       ORDER BY seq
       LIMIT $4
       FOR UPDATE SKIP LOCKED)
     UPDATE braid.claims c
       SET state = 'claimed', engine = $2, epoch = c.epoch + 1, claimed_at = now(),
           lease_until = now() + make_interval(secs => $5::double precision / 1000)
     FROM open, braid.plan_inbox i
     WHERE c.plan_id = open.plan_id AND i.id = c.plan_id
     RETURNING c.plan_id, c.epoch, i.plan`,
    [me.desk, me.engine, me.accepts, limit, me.leaseMs],
  );
  return result.rows.map((r) => ({ planId: r.plan_id, epoch: r.epoch, plan: r.plan }));
}

/**
 * The fence: the claims (plan, epoch) still this engine's with their lease running become held, for ever.
 * Returns the plan ids fenced; any other must be given up (its lease ran out, or another engine claimed
 * it under a higher epoch).
 */
export async function holdPlans(
  db: pg.ClientBase,
  me: DeskIdentity,
  claims: readonly { planId: string; epoch: number }[],
): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const result = await db.query<{ plan_id: string }>(
    `UPDATE braid.claims c SET state = 'held', held_at = now()
     FROM unnest($2::text[], $3::int[]) AS mine (plan_id, epoch)
     WHERE c.plan_id = mine.plan_id AND c.epoch = mine.epoch AND c.engine = $1
       AND ((c.state = 'claimed' AND c.lease_until > now()) OR c.state = 'held')
     RETURNING c.plan_id`,
    [me.engine, claims.map((c) => c.planId), claims.map((c) => c.epoch)],
  );
  return new Set(result.rows.map((r) => r.plan_id));
}

/** Claims this engine gives up before they were fenced (the plan waits for the next claim). */
export async function giveUp(
  db: pg.ClientBase,
  me: DeskIdentity,
  claims: readonly { planId: string; epoch: number }[],
): Promise<void> {
  if (claims.length === 0) return;
  await db.query(
    `UPDATE braid.claims c SET state = 'waiting', lease_until = NULL
     FROM unnest($2::text[], $3::int[]) AS mine (plan_id, epoch)
     WHERE c.plan_id = mine.plan_id AND c.epoch = mine.epoch AND c.engine = $1 AND c.state = 'claimed'`,
    [me.engine, claims.map((c) => c.planId), claims.map((c) => c.epoch)],
  );
}
