// The journal: the engine's only durable state, in SQLite (WAL, synchronous FULL), written by one writer.
// - events: every plan, order, fill and trade record and trading-state change, append-only, in sequence.
// - intents: each order intent, committed on its own before the order is handed to a venue.
// - checkpoint: the engine's live state (cash, positions, working orders, venue) at an event sequence.
// Events are buffered and committed together with a checkpoint, in one transaction, so the events up to the
// checkpoint's sequence and its live state always agree: the engine's state at start = the checkpoint + the
// history records of those events. An intent is the one thing committed ahead of a checkpoint (it must be
// durable before the venue sees the order); a crash between the two leaves an intent that the events do not
// show yet: a resumed replay recomputes and finds it (no duplicate), the app reconciles it at start.
import Database from 'better-sqlite3';
import { migrate } from './migrations.ts';

export interface JournalEvent {
  seq: number;
  at: number;
  kind: string;
  ref: string;
  body: string;
}

export interface Checkpoint {
  seq: number;
  cursor: number;
  completed: boolean;
  state: string;
}

/** The journal holds an order intent that the engine recomputed differently: the inputs or the code changed. */
export class JournalDivergence extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalDivergence';
  }
}

export class JournalLocked extends Error {
  constructor(path: string) {
    super(`${path} is in use by another Braid process`);
    this.name = 'JournalLocked';
  }
}

export class Journal {
  readonly path: string;
  private readonly db: Database.Database;
  private pending: JournalEvent[] = [];
  private lastSeq: number;
  private closed = false;
  private readonly stmt: {
    insertEvent: Database.Statement;
    insertIntent: Database.Statement;
    intentOf: Database.Statement;
    upsertCheckpoint: Database.Statement;
    readCheckpoint: Database.Statement;
    maxSeq: Database.Statement;
    getMeta: Database.Statement;
    setMeta: Database.Statement;
    getSetting: Database.Statement;
    setSetting: Database.Statement;
    eventsUpTo: Database.Statement;
    intentsAfter: Database.Statement;
  };

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
    this.stmt = {
      insertEvent: db.prepare('INSERT INTO events (seq, at, kind, ref, body) VALUES (?, ?, ?, ?, ?)'),
      insertIntent: db.prepare(
        'INSERT INTO intents (client_order_id, plan_id, seq, at, body) VALUES (?, ?, ?, ?, ?)',
      ),
      intentOf: db.prepare('SELECT body FROM intents WHERE client_order_id = ?'),
      upsertCheckpoint: db.prepare(
        `INSERT INTO checkpoint (id, seq, cursor, completed, state) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, cursor = excluded.cursor,
           completed = excluded.completed, state = excluded.state`,
      ),
      readCheckpoint: db.prepare('SELECT seq, cursor, completed, state FROM checkpoint WHERE id = 1'),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS m FROM events'),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      getSetting: db.prepare('SELECT value FROM settings WHERE key = ?'),
      setSetting: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      eventsUpTo: db.prepare('SELECT seq, at, kind, ref, body FROM events WHERE seq <= ? ORDER BY seq'),
      intentsAfter: db.prepare(
        'SELECT client_order_id AS clientOrderId, body FROM intents WHERE seq >= ? ORDER BY seq, rowid',
      ),
    };
    this.lastSeq = (this.stmt.maxSeq.get() as { m: number }).m;
  }

  /** Opens (creating and migrating) a journal. One writer: a second process gets JournalLocked. */
  static open(path: string): Journal {
    const db = new Database(path, { timeout: 0 });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      // Hold the write lock for the life of the process: one writer, by construction.
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN IMMEDIATE; COMMIT;');
      migrate(db);
    } catch (e) {
      db.close();
      if (
        e instanceof Error &&
        /SQLITE_BUSY|database is locked/i.test(`${(e as { code?: string }).code} ${e.message}`)
      ) {
        throw new JournalLocked(path);
      }
      throw e;
    }
    return new Journal(path, db);
  }

  private writeEvent(e: JournalEvent): void {
    this.stmt.insertEvent.run(e.seq, e.at, e.kind, e.ref, e.body);
  }

  /** Buffers an event; it is committed with the next checkpoint. */
  append(at: number, kind: string, ref: string, body: string): number {
    const seq = ++this.lastSeq;
    this.pending.push({ seq, at, kind, ref, body });
    return seq;
  }

  get sequence(): number {
    return this.lastSeq;
  }

  /** Commits an order intent durably (its own transaction) before the order reaches a venue. Returns false
   *  when this very intent was journaled already (a resumed run): nothing is duplicated. */
  commitIntent(clientOrderId: string, planId: string, at: number, body: string): boolean {
    const existing = this.stmt.intentOf.get(clientOrderId) as { body: string } | undefined;
    if (existing) {
      if (existing.body !== body) {
        throw new JournalDivergence(`order intent ${clientOrderId} was journaled with other contents`);
      }
      return false;
    }
    this.stmt.insertIntent.run(clientOrderId, planId, this.lastSeq, at, body);
    return true;
  }

  /** Commits buffered events and the engine's live state at this point of the input (cursor). */
  checkpoint(state: string, cursor: number, completed: boolean): void {
    const events = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const e of events) this.writeEvent(e);
      this.stmt.upsertCheckpoint.run(this.lastSeq, cursor, completed ? 1 : 0, state);
    })();
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  loadCheckpoint(): Checkpoint | null {
    const row = this.stmt.readCheckpoint.get() as
      | { seq: number; cursor: number; completed: number; state: string }
      | undefined;
    return row
      ? { seq: row.seq, cursor: row.cursor, completed: row.completed === 1, state: row.state }
      : null;
  }

  /** Intents from the checkpoint at `seq` on (those it covers are in its history; the rest were cut short). */
  intentsAfter(seq: number): Array<{ clientOrderId: string; body: string }> {
    return this.stmt.intentsAfter.all(seq) as Array<{ clientOrderId: string; body: string }>;
  }

  *eventsUpTo(seq: number): IterableIterator<JournalEvent> {
    yield* this.stmt.eventsUpTo.iterate(seq) as IterableIterator<JournalEvent>;
  }

  getMeta(key: string): string | undefined {
    return (this.stmt.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt.setMeta.run(key, value);
  }

  getSetting(key: string): string | undefined {
    return (this.stmt.getSetting.get(key) as { value: string } | undefined)?.value;
  }

  setSetting(key: string, value: string): void {
    this.stmt.setSetting.run(key, value);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Events not yet checkpointed are dropped on purpose: alone they would disagree with the live state.
    this.pending = [];
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}

/** Reads the closed trades of a journal without writing to it (export). Throws when it is not a journal. */
export function readTradeHistory(path: string): string[] {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 0 });
  try {
    const rows = db.prepare("SELECT body FROM events WHERE kind = 'trade' ORDER BY seq").all() as {
      body: string;
    }[];
    return rows.map((r) => r.body);
  } finally {
    db.close();
  }
}
