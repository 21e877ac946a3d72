// A real PostgreSQL 15 for a test, never a mock. `freshDatabase()` gives a test file its own database on
// the server CI started (.ci/postgres.sh exports BRAID_TEST_PG_URL), dropped after; without that variable
// (a local `npx vitest run test/desk/x.test.ts`) it starts a private server the same way .ci/postgres.sh
// does. `privateServer()` always starts one of its own, for a test that stops and restarts PostgreSQL
// (pg_ctl) without disturbing the other files running at the same time.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const isRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary as the postgres user (initdb and postgres refuse root). */
function asPostgres(binary: string, args: string[]): string {
  const file = join(PG_BIN, binary);
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PgServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** pg_ctl stop (fast: connections are cut) */
  stop(): void;
  /** pg_ctl start on the same port and data */
  start(): void;
  /** Stops it for good and removes its folder. */
  destroy(): void;
}

/** initdb into a temporary folder, a free port, the socket in that folder, trust for 127.0.0.1. */
export async function privateServer(): Promise<PgServer> {
  const dir = mkdtempSync(join(tmpdir(), 'braid-pg-'));
  chmodSync(dir, 0o755);
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=300',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  const start = () =>
    void asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', options, 'start']);
  const stop = () => void asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestDatabase {
  /** A URL to this test's own database. */
  url: string;
  /** Drops the database (and stops the private server when one was started). */
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A new database for one test file on the CI server, or on a private one when there is none. */
export async function freshDatabase(label = 'braid_test'): Promise<TestDatabase> {
  const shared = process.env.BRAID_TEST_PG_URL;
  const server = shared === undefined || shared === '' ? await privateServer() : null;
  const base = server?.url ?? (shared as string);
  const name = `${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(base, name),
    async drop() {
      try {
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await c.end();
        }
      } finally {
        server?.destroy();
      }
    },
  };
}
