// The journal: the engine's only durable state, in SQLite (WAL, synchronous FULL), written by one writer.
// - events: every plan, order, fill and trade record and trading-state change, append-only, in sequence.
// - intents: each order intent, committed on its own before the order is handed to a venue.
// - checkpoint: the engine's live state (cash, positions, working orders, venue) at an event sequence.
// Events are buffered and committed together with a checkpoint, in one transaction, so the events up to the
// checkpoint's sequence and its live state always agree: the engine's state at start = the checkpoint + the
// history records of those events. An intent is the one thing committed ahead of a checkpoint (it must be
// durable before the venue sees the order); a crash between the two leaves an intent that the events do not
// show yet: a resumed replay recomputes and finds it (no duplicate), the app reconciles it at start.
//
// A file that exists and is not a healthy journal is refused before anything is written to it
// (health.ts); a new journal is started only at a path where none exists, or when the caller asks for a
// fresh one, and then the old file is moved aside, never deleted. One writer per journal (writer-lock.ts);
// readers can read beside it.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Strand } from '../learning/strand.ts';
import { readStrandRecord } from '../learning/strand.ts';
import { JournalDivergence } from './errors.ts';
import {
  checkDatabase,
  checkFileBytes,
  JournalRefused,
  type OpenedCheckpoint,
  settlePages,
  sqliteProblem,
} from './health.ts';
import { LATEST_VERSION, migrate } from './migrations.ts';
import type { PendingPageCheck } from './page-check.ts';
import { TradeTable } from './trade-table.ts';
import { lockWriter, type WriterLock } from './writer-lock.ts';

export { JournalDivergence, JournalLocked, JournalRefused } from './errors.ts';

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

export interface OpenOptions {
  /** Start a new journal: a file already at the path is moved aside to `<path>.replaced-<UTC time>`. */
  fresh?: boolean;
  /** Wall-clock time (ms) of the caller, for the name of a file moved aside. */
  now?: number;
  /** Recorded as meta `kind` when the journal is created ('app' or 'replay'). */
  kind?: string;
  /**
   * What a commit survives. `power-loss` (the default; every journal a venue order goes through): each
   * commit is flushed to the disk (synchronous FULL). `process-crash` (`braid replay`): each commit is in
   * the write-ahead log when it returns, so `kill -9` loses nothing, but it is not flushed one by one
   * (synchronous NORMAL): a power cut may lose the last commits. A replay's venue is a simulator inside
   * the same process and its inputs are files: a run cut by a power cut resumes from an earlier
   * checkpoint and re-executes the same way; no order can reach a venue twice.
   */
  durability?: 'power-loss' | 'process-crash';
  /** The check of the file's pages under way on another thread (page-check.ts): the open reads without
   *  it, and its verdict is waited for before the first write (confirmPages). */
  pagesCheck?: PendingPageCheck | null;
}

/** Writers of a journal wait this long for a reader that happens to hold a lock (WAL recovery). */
const BUSY_TIMEOUT_MS = 5_000;

export class Journal {
  readonly path: string;
  /** Where the file that was at `path` went, when a fresh journal replaced it; else null. */
  readonly replaced: string | null;
  /** The checkpoint as it was when the journal was opened (parsed and checked), or null. */
  readonly checkpointAtOpen: OpenedCheckpoint | null;
  private readonly db: Database.Database;
  private readonly lock: WriterLock;
  /** The closed trades in a table of their own, and the reads of one plan's records (trade-table.ts). */
  readonly history: TradeTable;
  private pending: JournalEvent[] = [];
  /** Chart bars waiting for the next checkpoint, and how many to keep per symbol (0: none kept). */
  private pendingBars: Array<{ symbol: string; time: number; body: string }> = [];
  private keepBars = 0;
  private lastSeq: number;
  private closed = false;
  /** The check of the pages still under way (opened with pagesCheck): settled before the first write. */
  private pagesCheck: PendingPageCheck | null;
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
    upsertBar: Database.Statement;
    pruneBars: Database.Statement;
    chartBars: Database.Statement;
    learningUpTo: Database.Statement;
  };

  private constructor(
    path: string,
    db: Database.Database,
    lock: WriterLock,
    opened: {
      replaced: string | null;
      checkpoint: OpenedCheckpoint | null;
      pagesCheck: PendingPageCheck | null;
    },
  ) {
    this.path = path;
    this.db = db;
    this.lock = lock;
    this.replaced = opened.replaced;
    this.checkpointAtOpen = opened.checkpoint;
    this.pagesCheck = opened.pagesCheck;
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
      upsertBar: db.prepare(
        `INSERT INTO chart_bars (symbol, time, body) VALUES (?, ?, ?)
         ON CONFLICT (symbol, time) DO UPDATE SET body = excluded.body`,
      ),
      pruneBars: db.prepare(
        `DELETE FROM chart_bars WHERE symbol = @symbol AND time < (
           SELECT time FROM chart_bars WHERE symbol = @symbol ORDER BY time DESC LIMIT 1 OFFSET @keep - 1)`,
      ),
      chartBars: db.prepare('SELECT symbol, body FROM chart_bars ORDER BY symbol, time'),
      learningUpTo: db.prepare(
        "SELECT seq, at, kind, ref, body FROM events WHERE kind IN ('strand', 'lesson') AND seq <= ? ORDER BY seq",
      ),
    };
    this.history = new TradeTable(db);
    this.lastSeq = (this.stmt.maxSeq.get() as { m: number }).m;
  }

  /**
   * Opens the journal at `path` as its one writer (a second gets JournalLocked). Where no file exists, a new
   * journal is created; a file that is not a healthy journal is refused (JournalRefused) and left as it is,
   * unless `fresh` asks to move it aside and start anew.
   */
  static open(path: string, options: OpenOptions = {}): Journal {
    // The bytes first: a file that is plainly not a journal is refused before anything is created beside it.
    if (!options.fresh && existsSync(path)) checkFileBytes(path);
    const lock = lockWriter(path);
    let db: Database.Database | null = null;
    try {
      const replaced = options.fresh ? moveAside(path, options.now ?? Date.now()) : null;
      if (!existsSync(path)) {
        if (existsSync(`${path}-wal`)) {
          throw new JournalRefused(
            path,
            `not found, but its write-ahead log ${path}-wal is there: the journal was moved or deleted`,
          );
        }
        try {
          create(path, options.kind);
        } catch (e) {
          throw new JournalRefused(path, `cannot be created (${(e as Error).message})`);
        }
      }
      checkFileBytes(path);
      try {
        db = new Database(path, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
      } catch (e) {
        throw new JournalRefused(path, sqliteProblem(e));
      }
      // Reads only until the file is known to be a journal: nothing is written to a file that is not.
      const pages = options.pagesCheck ?? null;
      const { checkpoint, pagesPending, version } = checkDatabase(db, path, pages);
      // A migration writes: the pages first.
      if (pagesPending && pages !== null && version < LATEST_VERSION) settlePages(db, path, pages);
      try {
        db.pragma('journal_mode = WAL');
        db.pragma(options.durability === 'process-crash' ? 'synchronous = NORMAL' : 'synchronous = FULL');
        db.pragma('foreign_keys = ON');
        migrate(db);
      } catch (e) {
        throw new JournalRefused(path, sqliteProblem(e));
      }
      const stillChecking = pagesPending && version >= LATEST_VERSION ? pages : null;
      return new Journal(path, db, lock, { replaced, checkpoint, pagesCheck: stillChecking });
    } catch (e) {
      db?.close();
      lock.release();
      throw e;
    }
  }

  private writeEvent(e: JournalEvent): void {
    this.stmt.insertEvent.run(e.seq, e.at, e.kind, e.ref, e.body);
    if (e.kind === 'trade') this.history.write(e.seq, e.body);
  }

  /** Buffers an event; it is committed with the next checkpoint. */
  append(at: number, kind: string, ref: string, body: string): number {
    const seq = ++this.lastSeq;
    this.pending.push({ seq, at, kind, ref, body });
    return seq;
  }

  /** Keeps the last `perSymbol` chart bars of each symbol from now on (hosted engines; replay keeps none). */
  keepChartBars(perSymbol: number): void {
    this.keepBars = perSymbol;
  }

  /** Buffers a chart bar; it is written (and older ones pruned) with the next checkpoint. */
  appendChartBar(symbol: string, time: number, body: string): void {
    if (this.keepBars > 0) this.pendingBars.push({ symbol, time, body });
  }

  /** The chart bars kept, oldest first within each symbol. */
  chartBars(): Array<{ symbol: string; body: string }> {
    return this.stmt.chartBars.all() as Array<{ symbol: string; body: string }>;
  }

  /** What a commit survives (OpenOptions.durability), as SQLite says it: FULL flushes every commit. */
  get durability(): 'power-loss' | 'process-crash' {
    return this.db.pragma('synchronous', { simple: true }) === 2 ? 'power-loss' : 'process-crash';
  }

  get sequence(): number {
    return this.lastSeq;
  }

  /** An intent is journaled under this client order id. */
  hasIntent(clientOrderId: string): boolean {
    return this.stmt.intentOf.get(clientOrderId) !== undefined;
  }

  /** Commits an order intent durably (its own transaction) before the order reaches a venue. Returns false
   *  when this very intent was journaled already (a resumed run): nothing is duplicated. */
  commitIntent(clientOrderId: string, planId: string, at: number, body: string): boolean {
    this.confirmPages();
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
    this.confirmPages();
    const events = this.pending;
    const bars = this.pendingBars;
    this.pending = [];
    this.pendingBars = [];
    this.db.transaction(() => {
      for (const e of events) this.writeEvent(e);
      this.stmt.upsertCheckpoint.run(this.lastSeq, cursor, completed ? 1 : 0, state);
      if (bars.length === 0) return;
      const symbols = new Set<string>();
      for (const b of bars) {
        this.stmt.upsertBar.run(b.symbol, b.time, b.body);
        symbols.add(b.symbol);
      }
      for (const symbol of symbols) this.stmt.pruneBars.run({ symbol, keep: this.keepBars });
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

  /** The learning loop's records (strands, markouts, lessons) up to `seq`, by their kind's index: what a
   *  start that reads its other records by plan needs of the rest. */
  *learningUpTo(seq: number): IterableIterator<JournalEvent> {
    yield* this.stmt.learningUpTo.iterate(seq) as IterableIterator<JournalEvent>;
  }

  getMeta(key: string): string | undefined {
    return (this.stmt.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.confirmPages();
    this.stmt.setMeta.run(key, value);
  }

  getSetting(key: string): string | undefined {
    return (this.stmt.getSetting.get(key) as { value: string } | undefined)?.value;
  }

  setSetting(key: string, value: string): void {
    this.confirmPages();
    this.stmt.setSetting.run(key, value);
  }

  /**
   * Waits for the check of the pages still under way on another thread (opened with pagesCheck), and
   * checks here unless it found the unchanged file sound: JournalRefused when the pages are damaged.
   * Every write calls it first, so nothing is written to a journal before its pages are known sound.
   */
  confirmPages(): void {
    const pages = this.pagesCheck;
    if (pages === null) return;
    settlePages(this.db, this.path, pages);
    this.pagesCheck = null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Events not yet checkpointed are dropped on purpose: alone they would disagree with the live state.
    this.pending = [];
    this.pendingBars = [];
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    } finally {
      this.lock.release();
    }
  }
}

/** `<path>.replaced-20240304T143000Z` (UTC; `-2`, `-3`… when taken). */
function asideName(path: string, now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  const base = `${path}.replaced-${stamp}`;
  const taken = (p: string) => existsSync(p) || existsSync(`${p}-wal`);
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

/** Moves the file at `path` (with its write-ahead log, so it stays readable) out of the way. */
function moveAside(path: string, now: number): string | null {
  const parts = ['', '-wal', '-shm'].filter((suffix) => existsSync(`${path}${suffix}`));
  if (parts.length === 0) return null;
  if (existsSync(path) && !statSync(path).isFile()) {
    throw new JournalRefused(path, 'not a Braid journal: not a file (left where it is)');
  }
  const target = asideName(path, now);
  for (const suffix of parts) renameSync(`${path}${suffix}`, `${target}${suffix}`);
  return target;
}

/** Creates a journal under a temporary name and moves it into place once complete, so a crash while
 *  creating never leaves a half-made file at `path` (which would then be refused). */
function create(path: string, kind: string | undefined): void {
  const temp = `${path}.new`;
  // Left by a creation that crashed (we hold the writer lock: no one else is creating it).
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${temp}${suffix}`, { force: true });
  const db = new Database(temp);
  try {
    db.pragma('synchronous = FULL');
    migrate(db);
    if (kind !== undefined) db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('kind', kind);
    // WAL last: the file is complete in itself (no log to carry along) when it is renamed.
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
  renameSync(temp, path);
}

/** Reads the closed trades of a journal without writing to it, beside a running writer if there is one
 *  (export). Throws JournalRefused when the file is not a healthy journal. */
export function readTradeHistory(path: string): unknown[] {
  return readExecutionHistory(path).trades;
}

/** The closed trades and the learning loop's strands of a journal, read without writing to it (export).
 *  A strand's markouts are journaled when a later bar completes them, read onto the strand; strands in
 *  the order they first ended. Throws JournalRefused as readTradeHistory does. */
export function readExecutionHistory(path: string): { trades: unknown[]; strands: Strand[] } {
  checkFileBytes(path);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (e) {
    throw new JournalRefused(path, sqliteProblem(e));
  }
  try {
    checkDatabase(db, path);
    const rows = db.prepare("SELECT seq, body FROM events WHERE kind = 'trade' ORDER BY seq").all() as {
      seq: number;
      body: string;
    }[];
    // A trade again under its plan and exit time is its correction (a late fee): it takes the first's place.
    const tradeAt = new Map<string, number>();
    const trades: unknown[] = [];
    for (const r of rows) {
      let trade: unknown;
      try {
        trade = (JSON.parse(r.body) as { trade?: unknown }).trade;
      } catch {
        trade = undefined;
      }
      if (typeof trade !== 'object' || trade === null) {
        throw new JournalRefused(path, `damaged: its record ${r.seq} is not a trade record`);
      }
      const t = trade as { planId?: unknown; exitTime?: unknown };
      const key = `${String(t.planId)}\u0000${String(t.exitTime)}`;
      const at = tradeAt.get(key);
      if (at === undefined) {
        tradeAt.set(key, trades.length);
        trades.push(trade);
      } else trades[at] = trade;
    }
    // Strands when their orders ended, then their markouts: read onto them, in journal order.
    const strands = new Map<string, Strand>();
    const strandRows = db
      .prepare("SELECT seq, ref, body FROM events WHERE kind = 'strand' ORDER BY seq")
      .all() as { seq: number; ref: string; body: string }[];
    for (const r of strandRows) {
      let body: unknown;
      try {
        body = JSON.parse(r.body);
      } catch {
        body = undefined;
      }
      if (readStrandRecord(strands, body) === null) {
        throw new JournalRefused(path, `damaged: its record ${r.seq} is not a strand record`);
      }
    }
    return { trades, strands: [...strands.values()] };
  } catch (e) {
    if (e instanceof JournalRefused) throw e;
    throw new JournalRefused(path, sqliteProblem(e));
  } finally {
    db.close();
  }
}
