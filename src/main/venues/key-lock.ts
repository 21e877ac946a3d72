// One process per venue API key. Kraken's nonce is per key and strictly increasing: two processes (or the
// old and new instance during a restart) signing with one key race their nonces and Kraken answers
// `EAPI:Invalid nonce`, an order among them. So a second Braid on the same key is refused at connect.
//
// The lock is an SQLite exclusive transaction held open on `<dir>/<venue>-<sha256(key)[:16]>.lock`, the
// same device as the journal's writer lock: the operating system drops it when the process ends, kill -9
// included, so a crash never leaves a stale lock to clear, and a reused pid can never be mistaken for a
// live holder (the weakness of a pid file). The key itself never reaches the disk: only a hash names the
// file. A sidecar `.owner` file, written by the holder once it has the lock, says which process holds it,
// for the refusal message only.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface KeyLock {
  readonly path: string;
  /** Drops the lock (idempotent). */
  release(): void;
}

export type KeyLockResult = { ok: true; lock: KeyLock } | { ok: false; message: string };

/**
 * Every lock held in this process, until released. Without this reference a caller that let go of its
 * KeyLock would lose the lock to the garbage collector (better-sqlite3 closes a collected connection,
 * and the transaction with it), silently, a second or so later.
 */
const heldHere = new Set<Database.Database>();

/** The lock file for `venue`'s key in `dir`, named from a SHA-256 of the key (never the key itself). */
export function keyLockPath(dir: string, venue: string, apiKey: string): string {
  const digest = createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 16);
  return join(dir, `${venue}-key-${digest}.lock`);
}

function ownerOf(ownerPath: string): string {
  try {
    const owner = JSON.parse(readFileSync(ownerPath, 'utf8')) as { pid?: unknown; since?: unknown };
    if (typeof owner.pid !== 'number') return 'another Braid process';
    const since = typeof owner.since === 'number' ? `, since ${new Date(owner.since).toISOString()}` : '';
    return `another Braid process (pid ${owner.pid}${since})`;
  } catch {
    return 'another Braid process';
  }
}

/**
 * Takes the lock on `venue`'s API key in `dir` (created if missing), or says why not. Never throws.
 * `now` stamps the owner file.
 */
export function acquireKeyLock(
  dir: string,
  venue: string,
  apiKey: string,
  options: { pid?: number; now?: () => number } = {},
): KeyLockResult {
  const path = keyLockPath(dir, venue, apiKey);
  const ownerPath = `${path}.owner`;
  let db: Database.Database;
  try {
    mkdirSync(dir, { recursive: true });
    db = new Database(path, { timeout: 0 });
  } catch (e) {
    return { ok: false, message: `cannot lock the ${venue} API key (${path}): ${(e as Error).message}` };
  }
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') {
      return {
        ok: false,
        message:
          `${ownerOf(ownerPath)} is already trading with this ${venue} API key (lock ${path}). ` +
          `${venue} nonces are per key, so two processes on one key get their requests refused: ` +
          'stop the other one, or give this one its own API key.',
      };
    }
    return { ok: false, message: `cannot lock the ${venue} API key (${path}): ${(e as Error).message}` };
  }
  try {
    const pid = options.pid ?? process.pid;
    writeFileSync(ownerPath, JSON.stringify({ pid, since: (options.now ?? Date.now)() }));
  } catch {
    // The owner file only improves the message a second process shows; the lock holds without it.
  }
  heldHere.add(db);
  let held = true;
  return {
    ok: true,
    lock: {
      path,
      release: () => {
        if (!held) return;
        held = false;
        try {
          rmSync(ownerPath, { force: true });
        } catch {
          // a stale owner file is harmless: it is read only while the lock is held, and rewritten then
        }
        heldHere.delete(db);
        db.close(); // rolls the empty transaction back and drops the lock
      },
    },
  };
}
