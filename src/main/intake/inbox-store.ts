// The embedded inbox's SQLite file (desk.md "Embedded inbox"), all its SQL here, as prepared statements.
// Any local process inserts into plan_inbox; Braid writes each plan's outcome into plan_inbox_status.
// WAL mode: a writer never waits for Braid's reads, and Braid's status writes are short transactions
// (busy_timeout covers the moment two writers meet).
import Database from 'better-sqlite3';
import { err, ok, type Result } from '../../shared/result.ts';

export interface InboxRow {
  rowid: number;
  id: string;
  plan: string;
  createdAt: string;
}

export type InboxStatus = 'accepted' | 'rejected' | 'duplicate';

export interface InboxStatusRow {
  id: string;
  status: InboxStatus;
  reason: string | null;
  at: string;
}

export interface InboxStore {
  /** Changes when another connection commits (PRAGMA data_version): the cheap "anything new?" check. */
  dataVersion(): number;
  /** Rows with no status yet, oldest first: the catch-up at start (rows written while Braid was down). */
  unanswered(limit: number): InboxRow[];
  /** Rows after the high-water mark with no status yet, oldest first. */
  after(rowid: number, limit: number): InboxRow[];
  /** The outcomes of a batch, in one transaction; a row that has a status keeps its first one. */
  record(statuses: readonly InboxStatusRow[]): void;
  status(id: string): InboxStatusRow | undefined;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS plan_inbox (
  id TEXT PRIMARY KEY,
  plan TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plan_inbox_status (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  reason TEXT,
  at TEXT NOT NULL
);
`;

const COLUMNS = 'i.rowid AS rowid, i.id AS id, i.plan AS plan, i.created_at AS createdAt';
const NO_STATUS = 'NOT EXISTS (SELECT 1 FROM plan_inbox_status s WHERE s.id = i.id)';

/** Opens (creating when missing) the inbox file. Never throws. */
export function openInbox(path: string, busyTimeoutMs = 2000): Result<InboxStore> {
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    return err('inbox_unavailable', `cannot open the inbox ${path}: ${(error as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.exec(SCHEMA);
    const dataVersion = db.prepare('PRAGMA data_version').pluck();
    const unanswered = db.prepare(
      `SELECT ${COLUMNS} FROM plan_inbox i WHERE ${NO_STATUS} ORDER BY i.rowid LIMIT ?`,
    );
    const after = db.prepare(
      `SELECT ${COLUMNS} FROM plan_inbox i WHERE i.rowid > ? AND ${NO_STATUS} ORDER BY i.rowid LIMIT ?`,
    );
    const insertStatus = db.prepare(
      'INSERT INTO plan_inbox_status (id, status, reason, at) VALUES (@id, @status, @reason, @at) ON CONFLICT (id) DO NOTHING',
    );
    const status = db.prepare('SELECT id, status, reason, at FROM plan_inbox_status WHERE id = ?');
    const record = db.transaction((rows: readonly InboxStatusRow[]) => {
      for (const row of rows) insertStatus.run(row);
    });
    return ok({
      dataVersion: () => dataVersion.get() as number,
      unanswered: (limit) => unanswered.all(limit) as InboxRow[],
      after: (rowid, limit) => after.all(rowid, limit) as InboxRow[],
      record: (rows) => record(rows),
      status: (id) => status.get(id) as InboxStatusRow | undefined,
      close: () => db.close(),
    });
  } catch (error) {
    db.close();
    return err('inbox_unavailable', `the inbox ${path} cannot be used: ${(error as Error).message}`);
  }
}
