// SQLite's quick_check of every page of a journal: the one start-up check whose cost grows with the
// history (about 0.7 s for a journal of 100,000 trades, 530 MB). A hosted engine's start runs it on a
// thread of its own from the first moment (startPageCheck, before the engine's thread has even loaded),
// and the journal's open skips it when the file has not changed since (a `PageCheck` it is given): the
// same check, before anything is written, off the critical path. Anything but a clean answer is left to
// the open's own checks, which word it.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
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

type CheckRows = { quick_check: string }[];

/** The problems in quick_check's rows: one row per problem, or one row of lines; "ok" when all is sound. */
function problemsOf(rows: CheckRows): string[] {
  return rows
    .flatMap((r) => r.quick_check.split('\n'))
    .filter((line) => line !== 'ok' && line !== '' && !line.startsWith('*** in database'));
}

/** SQLite's quick_check on an open database: the problems it lists (empty when every page is sound). */
export function pageProblems(db: Database.Database): string[] {
  return problemsOf(db.pragma('quick_check(3)') as CheckRows);
}

// The check's thread, as plain JavaScript: a thread that loads no TypeScript starts without the type
// stripper (~0.1 s). It opens the file read-only, runs the check and posts the rows (or why it could not).
const CHECK_THREAD = `
const { workerData } = require('node:worker_threads');
let answer;
try {
  const Database = require(workerData.sqlite);
  const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
  try { answer = { rows: db.pragma('quick_check(3)') }; } finally { db.close(); }
} catch (e) {
  answer = { failed: String(e && e.message) };
}
workerData.port.postMessage(answer);
workerData.port.close();
`;

/** A check under way: its answer comes on `port`. Plain data and a port, so it can be handed to another
 *  thread (in workerData, the port in the transfer list). */
export interface PendingPageCheck {
  path: string;
  /** fileStamp before the check began: a write meanwhile shows as a different stamp at the open. */
  stamp: string;
  port: MessagePort;
}

/** Starts the check of the journal at `path` on a thread of its own; null when it cannot start. */
export function startPageCheck(path: string): PendingPageCheck | null {
  const { port1, port2 } = new MessageChannel();
  try {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const stamp = fileStamp(path);
    const worker = new Worker(CHECK_THREAD, {
      eval: true,
      workerData: { path, sqlite, port: port1 },
      transferList: [port1],
    });
    // A thread that fails before it answers closes its end: the waiting side then hears null.
    worker.once('error', () => port2.close());
    worker.unref();
    return { path, stamp, port: port2 };
  } catch {
    port1.close();
    port2.close();
    return null;
  }
}

/** The answer of a check under way: a PageCheck when every page is sound, else null (never rejects). */
export function pageCheckOf(pending: PendingPageCheck | null): Promise<PageCheck | null> {
  if (pending === null) return Promise.resolve(null);
  const { path, stamp, port } = pending;
  return new Promise((resolve) => {
    port.once('message', (answer: { rows?: CheckRows }) => {
      port.close();
      resolve(answer.rows !== undefined && problemsOf(answer.rows).length === 0 ? { path, stamp } : null);
    });
    port.once('close', () => resolve(null));
  });
}

/** The check in this thread (tests, tools): a PageCheck when every page is sound, else null. */
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
