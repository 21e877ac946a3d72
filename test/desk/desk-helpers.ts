// Engines on a desk for the desk tests, in this process (bootHost, as the braid serve worker does), and
// the figures read back from PostgreSQL: who decided each plan, its entry orders, its report stream.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type BootedHost, bootHost } from '../../src/main/host/boot.ts';

export const SYMBOLS = 400;
/** Instruments S0..S399: one working entry per symbol per engine (a second plan on it is position_exists). */
export const instruments = Object.fromEntries(Array.from({ length: SYMBOLS }, (_, i) => [`S${i}`, {}]));

export function deskConfig(url: string, engine: string, accepts?: string[]): unknown {
  return {
    approval: 'auto',
    instruments,
    risk: { maxOpenPositions: 100_000, maxNotional: null },
    desk: { url, engine, ...(accepts ? { accepts } : {}) },
  };
}

/** A plan that rests on the paper venue: a limit buy far below any price. */
export function restingPlan(id: string, n: number, venue?: string): Record<string, unknown> {
  return {
    id,
    symbol: `S${n % SYMBOLS}`,
    side: 'buy',
    entry: { type: 'limit', price: 1 },
    quantity: 1,
    ...(venue ? { venue } : {}),
  };
}

export interface Engines {
  dir: string;
  start(
    name: string,
    options?: { accepts?: string[]; leaseMs?: number; queryTimeoutMs?: number },
  ): Promise<BootedHost>;
  stop(name: string): Promise<void>;
  closeAll(): Promise<void>;
}

/** Journals in memory-backed /dev/shm where there is one: each engine commit is an fsync (synchronous
 *  FULL), which on a CI disk costs more than everything the desk does for a plan. */
export const journalRoot = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

export function engines(url: string): Engines {
  const dir = mkdtempSync(join(journalRoot, 'braid-desk-'));
  const running = new Map<string, BootedHost>();
  const stop = async (name: string) => {
    const booted = running.get(name);
    running.delete(name);
    await booted?.host.close();
  };
  return {
    dir,
    async start(name, options = {}) {
      const booted = await bootHost({
        config: deskConfig(url, name, options.accepts),
        journalPath: join(dir, `${name}.sqlite`),
        env: {
          BRAID_DESK_LEASE_MS: String(options.leaseMs ?? 2_000),
          ...(options.queryTimeoutMs ? { BRAID_DESK_QUERY_TIMEOUT_MS: String(options.queryTimeoutMs) } : {}),
        },
      });
      if (!booted.ok) throw new Error(`engine ${name} did not boot: ${booted.error.message}`);
      running.set(name, booted.value);
      return booted.value;
    },
    stop,
    async closeAll() {
      for (const name of [...running.keys()]) await stop(name);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

export async function count(c: pg.ClientBase, sql: string, params: unknown[] = []): Promise<number> {
  const r = await c.query<{ n: string }>(sql, params);
  return Number(r.rows[0]?.n ?? 0);
}

/** Inserts plans as an upstream system does (one INSERT; a plan id sent again is ignored). */
export async function insertPlans(
  c: pg.ClientBase,
  plans: readonly Record<string, unknown>[],
): Promise<void> {
  await c.query(
    `INSERT INTO braid.plan_inbox (id, plan) SELECT p->>'id', p FROM jsonb_array_elements($1::jsonb) p
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(plans)],
  );
}

export interface DeskFigures {
  plans: number;
  /** Plans with a decision strand. */
  decided: number;
  /** Plans decided by more than one engine, or more than once. */
  decidedTwice: number;
  /** Plans with more than one entry order id in their reports. */
  entryOrdersTwice: number;
  entryOrders: number;
  /** Plans whose dm:execution_report strands come from more than one engine. */
  streamsFromTwoEngines: number;
  /** Plans without any decision. */
  lost: number;
}

export async function figures(c: pg.ClientBase): Promise<DeskFigures> {
  const plans = await count(c, 'SELECT count(*) AS n FROM braid.plan_inbox');
  const decided = await count(
    c,
    `SELECT count(DISTINCT plan_id) AS n FROM braid.strands WHERE kind = 'decision'`,
  );
  const decidedTwice = await count(
    c,
    `SELECT count(*) AS n FROM (SELECT plan_id FROM braid.strands WHERE kind = 'decision'
       GROUP BY plan_id HAVING count(*) > 1 OR count(DISTINCT engine) > 1) x`,
  );
  const entryOrders = await count(
    c,
    `SELECT count(DISTINCT (engine, body->>'orderId')) AS n FROM braid.strands
     WHERE kind = 'order' AND body->>'role' = 'entry'`,
  );
  const entryOrdersTwice = await count(
    c,
    `SELECT count(*) AS n FROM (SELECT plan_id FROM braid.strands WHERE kind = 'order' AND body->>'role' = 'entry'
       GROUP BY plan_id HAVING count(DISTINCT (engine, body->>'orderId')) > 1) x`,
  );
  const streamsFromTwoEngines = await count(
    c,
    `SELECT count(*) AS n FROM (SELECT plan_id FROM braid.strands WHERE 'dm:execution_report' = ANY (tags)
       GROUP BY plan_id HAVING count(DISTINCT engine) > 1) x`,
  );
  const lost = await count(
    c,
    `SELECT count(*) AS n FROM braid.plan_inbox i
     WHERE NOT EXISTS (SELECT 1 FROM braid.strands s WHERE s.plan_id = i.id AND s.kind = 'decision')`,
  );
  return { plans, decided, decidedTwice, entryOrdersTwice, entryOrders, streamsFromTwoEngines, lost };
}
