// What the terminal shows of the desk (desk.md "Each engine's terminal shows the desk"): the engines and
// their heartbeats, the plans waiting, claimed, held, and held by an engine that stopped beating.
import type pg from 'pg';

export interface DeskEngineView {
  engine: string;
  /** Venues or symbols it takes; null: any. */
  accepts: string[] | null;
  /** Epoch ms of its last heartbeat (PostgreSQL's clock). */
  heartbeatAt: number;
  /** It beat within three of its leases. */
  alive: boolean;
  /** Plans it holds (fenced: they stay with it). */
  held: number;
}

export interface DeskView {
  desk: string;
  /** This engine. */
  engine: string;
  /** This engine reaches the desk's PostgreSQL now. */
  connected: boolean;
  /** Reports waiting in this engine's journal for the desk (PostgreSQL down, or not yet flushed). */
  outboxPending: number;
  /** The last read of the desk; null while it was never reached. */
  engines: DeskEngineView[];
  plans: { waiting: number; claimed: number; held: number; heldByDeadEngine: number } | null;
  /** Epoch ms the figures were read (null: never). */
  readAt: number | null;
  /** Why it is not connected. */
  detail?: string;
}

/** Reads the desk's figures. An engine is dead when it did not beat within three of its own leases. */
export async function readDesk(
  db: pg.ClientBase,
  desk: string,
): Promise<{ engines: DeskEngineView[]; plans: NonNullable<DeskView['plans']>; readAt: number }> {
  const engines = await db.query<{
    engine: string;
    accepts: string[] | null;
    heartbeat_at: Date;
    alive: boolean;
    held: string;
  }>(
    `SELECT e.engine, e.accepts, e.heartbeat_at,
            e.heartbeat_at > now() - make_interval(secs => 3 * e.lease_ms / 1000.0) AS alive,
            (SELECT count(*) FROM braid.claims c
               WHERE c.desk = e.desk AND c.engine = e.engine AND c.state = 'held') AS held
     FROM braid.engines e WHERE e.desk = $1 ORDER BY e.engine`,
    [desk],
  );
  const counts = await db.query<{ state: string; n: string }>(
    `SELECT state, count(*) AS n FROM braid.claims WHERE desk = $1 GROUP BY state`,
    [desk],
  );
  const of = (state: string) => Number(counts.rows.find((r) => r.state === state)?.n ?? 0);
  const dead = new Set(engines.rows.filter((e) => !e.alive).map((e) => e.engine));
  const heldByDead = engines.rows.filter((e) => dead.has(e.engine)).reduce((n, e) => n + Number(e.held), 0);
  const now = await db.query<{ now: Date }>('SELECT now()');
  return {
    engines: engines.rows.map((e) => ({
      engine: e.engine,
      accepts: e.accepts,
      heartbeatAt: e.heartbeat_at.getTime(),
      alive: e.alive,
      held: Number(e.held),
    })),
    plans: { waiting: of('waiting'), claimed: of('claimed'), held: of('held'), heldByDeadEngine: heldByDead },
    readAt: now.rows[0]!.now.getTime(),
  };
}
