// Braid's own schema `braid` on the desk's PostgreSQL, created at first connection by numbered migrations,
// so an upstream system needs nothing but an INSERT into braid.plan_inbox (desk.md). Several engines may
// connect for the first time at once: a transaction-scoped advisory lock lets one migrate while the others
// wait, then find the work done. Never edit a shipped migration: add the next number.
import type pg from 'pg';

/** An arbitrary constant: the desk schema's migration lock (pg_advisory_xact_lock). */
const MIGRATION_LOCK = 0x62726169;

export interface DeskMigration {
  version: number;
  name: string;
  sql: string;
}

export const DESK_MIGRATIONS: readonly DeskMigration[] = [
  {
    version: 1,
    name: 'plan inbox, claims, engines, strands, notify triggers',
    sql: `
      CREATE TABLE braid.plan_inbox (
        id         text PRIMARY KEY,
        desk       text NOT NULL DEFAULT 'default',
        plan       jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      -- One row per plan, made by the inbox trigger: who holds it and under which epoch. waiting: nobody;
      -- claimed: an engine took it and may still give it up (until lease_until); held: the engine journaled
      -- its intent and fenced the claim, the plan never moves again; given_up is never stored (the row goes
      -- back to waiting). The epoch rises on every claim, so a report carries the claim it was made under.
      CREATE TABLE braid.claims (
        plan_id     text PRIMARY KEY REFERENCES braid.plan_inbox (id) ON DELETE CASCADE,
        desk        text NOT NULL,
        seq         bigserial NOT NULL,
        venue       text,
        symbol      text,
        state       text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'claimed', 'held')),
        engine      text,
        epoch       integer NOT NULL DEFAULT 0,
        lease_until timestamptz,
        claimed_at  timestamptz,
        held_at     timestamptz,
        decided_at  timestamptz,
        decision    text
      );
      -- What a claim scans: the claimable plans of a desk in arrival order.
      CREATE INDEX claims_open ON braid.claims (desk, seq) WHERE state IN ('waiting', 'claimed');
      CREATE INDEX claims_engine ON braid.claims (engine, state);

      CREATE TABLE braid.engines (
        desk         text NOT NULL,
        engine       text NOT NULL,
        accepts      text[],
        started_at   timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        lease_ms     integer NOT NULL,
        PRIMARY KEY (desk, engine)
      );

      -- Reports out, with the seed notes' tags. report_key makes a report written at most once whatever
      -- the retries (a buffered outbox flushed after a crash); epoch is the claim it was made under.
      CREATE TABLE braid.strands (
        id         bigserial PRIMARY KEY,
        plan_id    text,
        engine     text,
        kind       text,
        tags       text[],
        body       jsonb,
        created_at timestamptz DEFAULT now(),
        epoch      integer,
        report_key text UNIQUE
      );
      CREATE INDEX strands_plan ON braid.strands (plan_id);
      CREATE INDEX strands_tags ON braid.strands USING gin (tags);

      CREATE FUNCTION braid.plan_arrived() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO braid.claims (plan_id, desk, venue, symbol)
        VALUES (NEW.id, NEW.desk, NEW.plan->>'venue', NEW.plan->>'symbol');
        PERFORM pg_notify('braid_plans', NEW.desk);
        RETURN NEW;
      END $$;
      CREATE TRIGGER plan_arrived AFTER INSERT ON braid.plan_inbox
        FOR EACH ROW EXECUTE FUNCTION braid.plan_arrived();

      -- A report from an engine that no longer holds the plan under that epoch is refused here, whoever
      -- writes it (the engine's own flush already writes only its current claims).
      CREATE FUNCTION braid.strand_written() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' AND NEW.epoch IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM braid.claims c
          WHERE c.plan_id = NEW.plan_id AND c.engine = NEW.engine AND c.epoch = NEW.epoch
            AND c.state = 'held') THEN
          RAISE EXCEPTION 'stale epoch % for plan % from engine %', NEW.epoch, NEW.plan_id, NEW.engine
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER strand_checked BEFORE INSERT ON braid.strands
        FOR EACH ROW EXECUTE FUNCTION braid.strand_written();

      CREATE FUNCTION braid.strand_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('braid_strands', NEW.id::text);
        RETURN NEW;
      END $$;
      CREATE TRIGGER strand_notify AFTER INSERT ON braid.strands
        FOR EACH ROW EXECUTE FUNCTION braid.strand_notify();
    `,
  },
];

export const DESK_SCHEMA_VERSION = DESK_MIGRATIONS[DESK_MIGRATIONS.length - 1]!.version;

/** Brings schema `braid` to the latest version; safe to run from any number of engines at once. */
export async function migrateDesk(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE SCHEMA IF NOT EXISTS braid');
    await client.query(
      `CREATE TABLE IF NOT EXISTS braid.migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = await client.query<{ version: number }>('SELECT version FROM braid.migrations');
    const applied = new Set(done.rows.map((r) => r.version));
    const newest = Math.max(0, ...applied);
    if (newest > DESK_SCHEMA_VERSION)
      throw new Error(
        `the desk schema is at version ${newest}, newer than this Braid (${DESK_SCHEMA_VERSION}): upgrade Braid`,
      );
    for (const m of DESK_MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO braid.migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
