// SQLite's quick_check of every page of a journal: the one start-up check whose cost grows with the
// history (about 0.7 s for a journal of 100,000 trades, 530 MB). A hosted engine's start runs it on a
// thread of its own from the first moment (startPageCheck, before the engine's thread has even loaded);
// the journal opens and the engine rebuilds its state (reads only) meanwhile, and the journal waits for
// the verdict before its first write (health.ts settlePages): the same check, before anything is
// written, off the critical path. Anything but a clean verdict on the unchanged file, and the journal
// runs the check itself, which words what is wrong.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

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

/** SQLite's quick_check on an open database: the problems it lists (empty when every page is sound):
 *  one row per problem, or one row of lines; "ok" when all is sound. */
export function pageProblems(db: Database.Database): string[] {
  return (db.pragma('quick_check(3)') as { quick_check: string }[])
    .flatMap((r) => r.quick_check.split('\n'))
    .filter((line) => line !== 'ok' && line !== '' && !line.startsWith('*** in database'));
}

// The check's thread, as plain JavaScript: a thread that loads no TypeScript starts without the type
// stripper (~0.1 s). It opens the file read-only, runs the check and sets the shared verdict: 1 when
// SQLite says "ok" and nothing else, 2 otherwise (the open's own check then words what is wrong).
const CHECK_THREAD = `
const { workerData } = require('node:worker_threads');
let sound = false;
try {
  const Database = require(workerData.sqlite);
  const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('quick_check(3)');
    sound = rows.length === 1 && rows[0].quick_check === 'ok';
  } finally { db.close(); }
} catch {}
const verdict = new Int32Array(workerData.verdict);
Atomics.store(verdict, 0, sound ? 1 : 2);
Atomics.notify(verdict, 0);
`;

const PENDING = 0;
const SOUND = 1;
const NOT_SOUND = 2;
/** Past this the check is taken as not done (the open checks itself): a thread that never answers must
 *  not hold the start for ever. */
const WAIT_MS = 120_000;

/** A check under way: plain data and shared memory, so it can be handed to another thread (workerData). */
export interface PendingPageCheck {
  path: string;
  /** fileStamp before the check began: a write meanwhile shows as a different stamp when it is used. */
  stamp: string;
  /** One Int32: 0 while the check runs, 1 every page sound, 2 anything else. */
  verdict: SharedArrayBuffer;
}

/** Starts the check of the journal at `path` on a thread of its own; null when it cannot start. */
export function startPageCheck(path: string): PendingPageCheck | null {
  const verdict = new SharedArrayBuffer(4);
  const settle = () => {
    const v = new Int32Array(verdict);
    // A thread that died before its verdict: not sound, so the one waiting checks itself.
    if (Atomics.compareExchange(v, 0, PENDING, NOT_SOUND) === PENDING) Atomics.notify(v, 0);
  };
  try {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const stamp = fileStamp(path);
    const worker = new Worker(CHECK_THREAD, { eval: true, workerData: { path, sqlite, verdict } });
    worker.once('error', settle);
    worker.once('exit', settle);
    worker.unref();
    return { path, stamp, verdict };
  } catch {
    return null;
  }
}

/** Waits (blocking this thread) for a check under way: true when every page was found sound and the
 *  file is as it was before the check began. */
export function pagesFoundSound(pending: PendingPageCheck): boolean {
  const v = new Int32Array(pending.verdict);
  if (Atomics.load(v, 0) === PENDING) Atomics.wait(v, 0, PENDING, WAIT_MS);
  return Atomics.load(v, 0) === SOUND && fileStamp(pending.path) === pending.stamp;
}
