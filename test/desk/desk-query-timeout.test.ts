// A desk whose PostgreSQL stops answering without closing the socket (a half-open connection, a stopped
// server behind a proxy): the query in flight fails after the query timeout, the engine says it is off
// the desk and claims nothing, and when the server answers again it reconnects and decides a plan
// inserted meanwhile, once. Without the timeout the loop waits on that query for ever.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/wait.ts';
import { connect, type Engines, engines, insertPlans, restingPlan } from './desk-helpers.ts';

/** A TCP proxy to PostgreSQL that can freeze: every byte held, no socket closed. */
function freezingProxy(target: URL): Promise<{ url: string; freeze(): void; thaw(): void; close(): void }> {
  let frozen = false;
  const pairs: [Socket, Socket | null][] = [];
  const waiting: Socket[] = [];
  const join = (client: Socket) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    pairs.push([client, upstream]);
  };
  const server: Server = createServer((client) => {
    if (frozen) {
      client.pause();
      client.on('error', () => client.destroy());
      waiting.push(client);
    } else join(client);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      const url = new URL(target.href);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      resolve({
        url: url.href,
        freeze() {
          frozen = true;
          for (const [client, upstream] of pairs) {
            client.unpipe();
            upstream?.unpipe();
            client.pause();
            upstream?.pause();
          }
        },
        thaw() {
          frozen = false;
          // The frozen connections are dead to both ends by now; new ones go through.
          for (const [client, upstream] of pairs.splice(0)) {
            client.destroy();
            upstream?.destroy();
          }
          for (const client of waiting.splice(0)) {
            client.resume();
            join(client);
          }
        },
        close() {
          for (const [client, upstream] of pairs) {
            client.destroy();
            upstream?.destroy();
          }
          for (const client of waiting) client.destroy();
          server.close();
        },
      });
    }),
  );
}

let db: TestDatabase;
let sql: pg.Client;
let desk: Engines;
let proxy: Awaited<ReturnType<typeof freezingProxy>>;

beforeAll(async () => {
  db = await freshDatabase('desk_timeout');
  sql = await connect(db.url);
  proxy = await freezingProxy(new URL(db.url));
  desk = engines(proxy.url);
});
afterAll(async () => {
  await desk?.closeAll();
  proxy?.close();
  await sql?.end();
  await db?.drop();
});

describe('the desk when PostgreSQL stops answering', () => {
  test('the hung query fails, the engine leaves the desk, and comes back to decide a plan once', async () => {
    const e1 = await desk.start('e1', { queryTimeoutMs: 500, leaseMs: 1_000 });
    await waitFor('e1 on the desk', async () => (await e1.desk!.deskView()).connected);

    proxy.freeze();
    await waitFor('e1 off the desk', async () => !(await e1.desk!.deskView()).connected);
    await insertPlans(sql, [restingPlan('hung-1', 1)]);
    const claimedWhileFrozen = await sql.query(
      `SELECT state, epoch FROM braid.claims WHERE plan_id = 'hung-1'`,
    );
    expect(claimedWhileFrozen.rows).toEqual([{ state: 'waiting', epoch: 0 }]);

    proxy.thaw();
    await waitFor(
      'the decision of hung-1',
      async () =>
        (await sql.query(`SELECT 1 FROM braid.strands WHERE plan_id = 'hung-1' AND kind = 'decision'`))
          .rowCount! > 0,
    );
    const decisions = await sql.query<{ engine: string; body: { outcome: string } }>(
      `SELECT engine, body FROM braid.strands WHERE plan_id = 'hung-1' AND kind = 'decision'`,
    );
    expect(decisions.rows).toHaveLength(1);
    expect(decisions.rows[0]).toMatchObject({ engine: 'e1', body: { outcome: 'accepted' } });
    expect((await e1.desk!.deskView()).connected).toBe(true);
  });
});
