// Numbered migrations (after Signal Desktop): each runs once, in a transaction, and moves user_version on.
// Never edit a shipped migration: add the next number.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'journal, intents, checkpoint, meta, settings',
    up(db) {
      db.exec(`
        CREATE TABLE events (
          seq   INTEGER PRIMARY KEY,
          at    INTEGER NOT NULL,
          kind  TEXT    NOT NULL,
          ref   TEXT    NOT NULL,
          body  TEXT    NOT NULL
        );
        CREATE INDEX events_kind_ref ON events (kind, ref);
        -- One row per order intent, written before the order reaches a venue: the client order id is
        -- the primary key, so an order can never be journaled (or sent) twice.
        CREATE TABLE intents (
          client_order_id TEXT PRIMARY KEY,
          plan_id         TEXT    NOT NULL,
          seq             INTEGER NOT NULL,
          at              INTEGER NOT NULL,
          body            TEXT    NOT NULL
        );
        CREATE TABLE checkpoint (
          id        INTEGER PRIMARY KEY CHECK (id = 1),
          seq       INTEGER NOT NULL,
          cursor    INTEGER NOT NULL,
          completed INTEGER NOT NULL,
          state     TEXT    NOT NULL
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
    },
  },
  {
    version: 2,
    name: 'chart bars',
    up(db) {
      // The last candles of each symbol, so a chart shows after a restart what it showed before. Market
      // data, not trading state: written with checkpoints, bounded per symbol by the writer.
      db.exec(`
        CREATE TABLE chart_bars (
          symbol TEXT    NOT NULL,
          time   INTEGER NOT NULL,
          body   TEXT    NOT NULL,
          PRIMARY KEY (symbol, time)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 3,
    name: 'desk holds and report outbox',
    up(db) {
      // The desk on PostgreSQL (src/main/desk): each plan this engine claimed, journaled before the claim
      // is fenced and the plan reaches the engine (state intent -> held, or given_up), and the reports
      // (strands) waiting to be written to the desk, in order; kept while PostgreSQL is down.
      db.exec(`
        CREATE TABLE desk_holds (
          plan_id  TEXT    PRIMARY KEY,
          epoch    INTEGER NOT NULL,
          state    TEXT    NOT NULL,
          decided  INTEGER NOT NULL DEFAULT 0,
          plan     TEXT    NOT NULL,
          at       INTEGER NOT NULL
        );
        CREATE TABLE desk_outbox (
          seq        INTEGER PRIMARY KEY AUTOINCREMENT,
          report_key TEXT    NOT NULL UNIQUE,
          plan_id    TEXT    NOT NULL,
          epoch      INTEGER NOT NULL,
          kind       TEXT    NOT NULL,
          tags       TEXT    NOT NULL,
          body       TEXT    NOT NULL,
          at         INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 4,
    name: 'closed trades table, events by kind in sequence',
    up(db) {
      // The trade history, one row per closed trade (a late fee's correction replaces its row), so the
      // terminal pages and filters it without reading the event log. Written in the same transaction as
      // the trade's event (journal.ts). pnl: a double for ordering only; outcome: the exact sign of the
      // P&L (1 win, -1 loss, 0 flat); the exact figures are in body. Filled here from the trade events of
      // a journal written before it.
      db.exec(`
        CREATE TABLE trades (
          seq         INTEGER PRIMARY KEY,
          plan_id     TEXT    NOT NULL,
          exit_time   INTEGER NOT NULL,
          symbol      TEXT    NOT NULL,
          side        TEXT    NOT NULL,
          exit_reason TEXT    NOT NULL,
          outcome     INTEGER NOT NULL,
          pnl         REAL    NOT NULL,
          pnl_pct     REAL    NOT NULL,
          body        TEXT    NOT NULL,
          UNIQUE (plan_id, exit_time)
        );
        CREATE INDEX trades_by_exit ON trades (exit_time, seq);
        CREATE INDEX trades_by_symbol ON trades (symbol, exit_time, seq);
        CREATE INDEX events_kind_seq ON events (kind, seq);
        INSERT INTO trades (seq, plan_id, exit_time, symbol, side, exit_reason, outcome, pnl, pnl_pct, body)
          SELECT seq, json_extract(body, '$.trade.planId'), json_extract(body, '$.trade.exitTime'),
                 json_extract(body, '$.trade.symbol'), json_extract(body, '$.trade.side'),
                 json_extract(body, '$.trade.exitReason'),
                 sign(CAST(json_extract(body, '$.trade.pnl') AS REAL)),
                 CAST(json_extract(body, '$.trade.pnl') AS REAL),
                 CAST(json_extract(body, '$.trade.pnlPct') AS REAL), json_extract(body, '$.trade')
          FROM events WHERE kind = 'trade' AND json_valid(body) ORDER BY seq
          ON CONFLICT (plan_id, exit_time) DO UPDATE SET outcome = excluded.outcome, pnl = excluded.pnl,
            pnl_pct = excluded.pnl_pct, body = excluded.body;
      `);
    },
  },
  {
    version: 5,
    name: 'order intents by sequence',
    up(db) {
      // The start reads the intents journaled after the last checkpoint (a crash cut them short): by
      // this index, not a scan of every intent ever journaled (74 ms at 100,000 trades, growing).
      db.exec('CREATE INDEX intents_by_seq ON intents (seq)');
    },
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Tables and the columns Braid reads in a journal of any version: what tells a Braid journal from another
 *  SQLite database (health.ts). A migration that drops or renames one of them updates this list. */
export const JOURNAL_TABLES: Readonly<Record<string, readonly string[]>> = {
  events: ['seq', 'at', 'kind', 'ref', 'body'],
  intents: ['client_order_id', 'plan_id', 'seq', 'at', 'body'],
  checkpoint: ['id', 'seq', 'cursor', 'completed', 'state'],
  meta: ['key', 'value'],
  settings: ['key', 'value'],
};

/** Brings the database to the latest version; refuses a database from a newer Braid. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_VERSION) {
    throw new Error(
      `journal schema version ${current} is newer than this Braid (${LATEST_VERSION}): upgrade Braid`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
