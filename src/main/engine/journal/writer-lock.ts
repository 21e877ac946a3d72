// One writer per journal, while any number of readers (`braid export`) read it beside the writer.
// The journal itself runs in WAL with SQLite's normal locking, so readers can open it; the one-writer rule
// is a lock on a companion file `<journal>.lock`: an SQLite exclusive transaction held open on it for the
// writer's life. The operating system drops that lock when the process ends, kill -9 included, so a
// crashed writer never leaves a stale lock behind. The lock file stays (empty): removing it could let two
// processes lock two different files of the same name.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { JournalLocked, JournalRefused } from './errors.ts';

export { JournalLocked } from './errors.ts';

export interface WriterLock {
  release(): void;
}

export const lockPathOf = (journalPath: string) => `${journalPath}.lock`;

/** Takes the writer lock of the journal at `path` or throws JournalLocked (held by another writer). */
export function lockWriter(path: string): WriterLock {
  if (!existsSync(dirname(path))) {
    throw new JournalRefused(path, 'cannot be opened: its folder does not exist');
  }
  const lockPath = lockPathOf(path);
  let db: Database.Database;
  try {
    db = new Database(lockPath, { timeout: 0 });
  } catch (e) {
    throw new JournalRefused(path, `cannot be locked (${lockPath}: ${(e as Error).message})`);
  }
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new JournalLocked(path);
    throw new JournalRefused(path, `cannot be locked (${lockPath}: ${(e as Error).message})`);
  }
  let held = true;
  return {
    release: () => {
      if (!held) return;
      held = false;
      db.close(); // rolls the empty transaction back and drops the lock
    },
  };
}
