// SQLite's quick_check of every page of a journal: the one start-up check whose cost grows with the
// history (about 0.6 s for a journal of 100,000 trades, 530 MB). A hosted engine runs it on a thread of
// its own while the rest of the start loads (startPageCheck), and the journal's open then skips it when
// the file has not changed since (a `PageCheck` it is given): the same check, before anything is written,
// off the critical path. Anything but a clean answer is left to the open's own checks, which word it.
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** The file as it was when its pages were found sound: the open compares, so a change means check again. */
export interface PageCheck {
  path: string;
  /** The journal's size and modification time and its write-ahead log's size (fileStamp). */
  stamp: string;
}

/**
 * The journal's size and modification time and its log's size, as one comparable string. Any write moves
 * one of them: a commit grows the log, a checkpoint of the log writes the file. The log's own time is left
 * out: a reader (the check itself) creates an empty log where there was none.
 */
export function fileStamp(path: string): string {
  const stat = (p: string) => {
    try {
      return statSync(p);
    } catch {
      return null;
    }
  };
  const file = stat(path);
  return `${file?.size ?? 'none'}@${file?.mtimeMs ?? 'none'}|${stat(`${path}-wal`)?.size ?? 0}`;
}

/** SQLite's quick_check on an open database: the problems it lists (empty when every page is sound). */
export function pageProblems(db: Database.Database): string[] {
  // One row per problem, or one row of lines; "ok" when every page is sound.
  return (db.pragma('quick_check(3)') as { quick_check: string }[])
    .flatMap((r) => r.quick_check.split('\n'))
    .filter((line) => line !== 'ok' && line !== '' && !line.startsWith('*** in database'));
}

/** Checks the pages of the journal at `path` (reads only). A PageCheck when every page is sound; null
 *  otherwise, or when the file cannot be read as SQLite (the open's checks then say why). */
export function checkPages(path: string): PageCheck | null {
  const stamp = fileStamp(path);
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    return pageProblems(db).length === 0 ? { path, stamp } : null;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

/** checkPages on a thread of its own; resolves null on any failure (never rejects). */
export function startPageCheck(path: string): Promise<PageCheck | null> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./page-check-worker.ts', import.meta.url), { workerData: path });
    } catch {
      resolve(null);
      return;
    }
    worker.once('message', (answer: PageCheck | null) => resolve(answer));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
}
