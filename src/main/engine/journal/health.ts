// Is this file a healthy Braid journal? Checked before anything is written to it, so a file that is not
// one (empty, truncated, another program's database, damaged pages, a checkpoint that does not parse, a
// newer schema) is refused with one line naming it, and never migrated, reset or replaced silently.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { CheckpointRefused, checkCheckpoint } from '../checkpoint.ts';
import { JournalRefused } from './errors.ts';
import { JOURNAL_TABLES, LATEST_VERSION } from './migrations.ts';
import { type PendingPageCheck, pageProblems, pagesFoundSound } from './page-check.ts';

export { JournalRefused } from './errors.ts';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;

function sizeOf(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

const errorCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * What the bytes of the file say, before SQLite opens it: empty, not SQLite, or cut short.
 * Throws JournalRefused; returns when the file may be a journal.
 */
export function checkFileBytes(path: string): void {
  let size: number;
  const header = Buffer.alloc(HEADER_BYTES);
  let read = 0;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new JournalRefused(path, 'not a Braid journal: not a file');
    size = stat.size;
    const fd = openSync(path, 'r');
    try {
      read = readSync(fd, header, 0, HEADER_BYTES, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (e instanceof JournalRefused) throw e;
    throw new JournalRefused(path, `cannot be read (${errorCode(e)})`);
  }
  if (size === 0) throw new JournalRefused(path, 'not a Braid journal: the file is empty (0 bytes)');
  if (read < SQLITE_MAGIC.length || !header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    throw new JournalRefused(path, 'not a Braid journal: not an SQLite database');
  }
  if (read < HEADER_BYTES) {
    throw new JournalRefused(path, `damaged: truncated to ${size} bytes, shorter than an SQLite header`);
  }
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65_536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    throw new JournalRefused(path, `damaged: its header gives a page size of ${raw}`);
  }
  // The database file only ever grows or shrinks by whole pages.
  if (size % pageSize !== 0) {
    throw new JournalRefused(
      path,
      `damaged: truncated to ${size} bytes, not a whole number of ${pageSize}-byte pages`,
    );
  }
  // The header's page count is valid when its change counter matches "version-valid-for". A write-ahead
  // log beside the file may hold pages the file does not have yet: then SQLite itself judges the size.
  const pages = header.readUInt32BE(28);
  const counterValid = header.readUInt32BE(24) === header.readUInt32BE(92);
  const walFrames = (sizeOf(`${path}-wal`) ?? 0) > 32;
  if (counterValid && pages > 0 && !walFrames && size < pages * pageSize) {
    throw new JournalRefused(
      path,
      `damaged: truncated to ${size} bytes, its header says ${pages} pages of ${pageSize} bytes`,
    );
  }
}

/** An SQLite error met while reading the file, as the reason it is refused. */
export function sqliteProblem(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? String(error);
  if (e.code === 'SQLITE_NOTADB') return 'not a Braid journal: not an SQLite database';
  if (e.code === 'SQLITE_CORRUPT' || /malformed/.test(message)) return `damaged: ${message} (SQLite)`;
  return `cannot be used: ${message}${e.code ? ` (${e.code})` : ''}`;
}

/** Tables and columns as SQLite reports them. */
function tablesOf(db: Database.Database): Map<string, Set<string>> {
  const tables = new Map<string, Set<string>>();
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  for (const name of names) {
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(name) as string[];
    tables.set(name, new Set(columns));
  }
  return tables;
}

/** A journal's checkpoint row with its state parsed (and checked to be an engine state). */
export interface OpenedCheckpoint {
  seq: number;
  cursor: number;
  completed: boolean;
  /** The engine's LiveState (engine.ts), as journaled. */
  live: unknown;
}

/**
 * Checks an open database (reads only): Braid's schema at a version this Braid knows, every page sound
 * (SQLite's quick_check), and a checkpoint that is an engine state. Throws JournalRefused.
 */
export function checkDatabase(
  db: Database.Database,
  path: string,
  pages: PendingPageCheck | null = null,
): { version: number; checkpoint: OpenedCheckpoint | null; pagesPending: boolean } {
  // A check under way on another thread is waited for before the first write (settlePages), not here.
  const deferred = pages !== null && pages.path === path;
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = tablesOf(db);
    if (version > LATEST_VERSION) {
      throw new JournalRefused(
        path,
        `written by a newer Braid (journal schema version ${version}; this Braid reads up to ` +
          `${LATEST_VERSION}): upgrade Braid`,
      );
    }
    if (version === 0) {
      throw new JournalRefused(
        path,
        tables.size === 0
          ? 'not a Braid journal: an empty SQLite database'
          : `not a Braid journal: an SQLite database with tables ${[...tables.keys()].join(', ')}`,
      );
    }
    for (const [table, columns] of Object.entries(JOURNAL_TABLES)) {
      const found = tables.get(table);
      if (!found) throw new JournalRefused(path, `not a Braid journal: it has no table "${table}"`);
      for (const column of columns) {
        if (!found.has(column)) {
          throw new JournalRefused(
            path,
            `not a Braid journal: its table "${table}" has no column "${column}"`,
          );
        }
      }
    }
    if (!deferred) refuseDamagedPages(db, path);
    const row = db.prepare('SELECT seq, cursor, completed, state FROM checkpoint WHERE id = 1').get() as
      | { seq: unknown; cursor: unknown; completed: unknown; state: unknown }
      | undefined;
    if (row === undefined) return { version, checkpoint: null, pagesPending: deferred };
    if (
      !Number.isSafeInteger(row.seq) ||
      !Number.isSafeInteger(row.cursor) ||
      (row.completed !== 0 && row.completed !== 1) ||
      typeof row.state !== 'string'
    ) {
      throw new JournalRefused(path, 'damaged: its checkpoint row has values of the wrong type');
    }
    const live = checkCheckpointState(path, row.state);
    return {
      version,
      checkpoint: {
        seq: row.seq as number,
        cursor: row.cursor as number,
        completed: row.completed === 1,
        live,
      },
      pagesPending: deferred,
    };
  } catch (e) {
    // Whatever failed on a file whose pages are being checked: the check's verdict words it first.
    if (deferred && pages !== null) settlePages(db, path, pages);
    if (e instanceof JournalRefused) throw e;
    throw new JournalRefused(path, sqliteProblem(e));
  }
}

/** SQLite's quick_check here and now; JournalRefused naming what it found. */
function refuseDamagedPages(db: Database.Database, path: string): void {
  const problems = pageProblems(db);
  if (problems.length > 0) {
    throw new JournalRefused(path, `damaged: SQLite's check found ${oneLine(problems.join('; '))}`);
  }
}

/** Waits for the check under way on another thread; unless it found every page of the unchanged file
 *  sound, checks here (and refuses what it finds). */
export function settlePages(db: Database.Database, path: string, pages: PendingPageCheck): void {
  if (!pagesFoundSound(pages)) refuseDamagedPages(db, path);
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Parses a checkpoint's state and checks it is an engine state; throws JournalRefused when not. */
export function checkCheckpointState(path: string, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new JournalRefused(path, `damaged: its checkpoint does not parse (${(e as Error).message})`);
  }
  try {
    checkCheckpoint(value);
  } catch (e) {
    if (!(e instanceof CheckpointRefused)) throw e;
    if (e.newer) {
      const whose = e.part === null ? 'its checkpoint' : `its checkpoint's part ${e.part}`;
      throw new JournalRefused(path, `written by a newer Braid (${whose}: ${e.problem}): upgrade Braid`);
    }
    const part = e.part === null ? '' : ` in its part ${e.part}`;
    const where = e.field === '' ? 'the checkpoint' : e.field;
    throw new JournalRefused(
      path,
      `damaged: its checkpoint is not an engine state (${where}: ${oneLine(e.problem)})${part}`,
    );
  }
  return value;
}
