// The embedded inbox's reader: new rows of plan_inbox go through the plan door and each row's outcome is
// written to plan_inbox_status. Picked up within 100 ms: every POLL_MS it asks SQLite's data_version
// whether another connection committed (a read of the WAL index, no table page), and only then reads the
// rows past its high-water mark (the rowid of the last row it took) that have no status yet. Polling the
// mark alone would run the query every tick; data_version says exactly when there is something to read.
// At start the mark is 0: every row without a status (written while Braid was down, or cut short by a
// crash) is taken first; rows that have one are never submitted again. Rowids SQLite gives again after
// upstream deleted the newest rows are caught by a full read of the unanswered rows (FULL_SCAN_MS). A row
// that cannot be read gets `rejected` with its reason and the rows after it go on. The engine's
// idempotency on the plan id (the same plan through HTTP and the inbox) is the door's, not the inbox's.
import { ok, type Result } from '../../shared/result.ts';
import { type InboxRow, type InboxStatusRow, type InboxStore, openInbox } from './inbox-store.ts';
import type { PlanDoor } from './plan-door.ts';
import { readJson } from './plan-json.ts';
import type { PlanOutcome } from './plan-outcome.ts';

/** Under the 100 ms pickup bound with room for the submission itself. */
export const POLL_MS = 20;
/** Rows taken per read; more waiting are read on the next tick without waiting for a new commit. */
const BATCH = 200;
/**
 * SQLite gives a new row max(rowid) + 1: once upstream deletes the newest rows (a cleaner of answered
 * rows), new ones can get rowids at or under the mark. So after a change that shows nothing past the
 * mark, and at most this often while changes come, every unanswered row is read from the start.
 */
const FULL_SCAN_MS = 1000;
/** After the door or the file failed: the next try waits this long (the log says it once). */
export const RETRY_MS = 1000;

export interface InboxOptions {
  path: string;
  door: PlanDoor;
  /** When outcomes are recorded (plan_inbox_status.at). */
  clock?: () => number;
  pollMs?: number;
  /** How long a write of outcomes waits for another writer's lock (2 s unless given). */
  busyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface Inbox {
  /** Rows answered since start (tests, the terminal). */
  answered(): number;
  /** Stops polling, waits for a batch in flight, closes the file. Idempotent. */
  close(): Promise<void>;
}

interface Prepared {
  row: InboxRow;
  /** The plan to submit, or the row's outcome already (it could not be read). */
  plan?: unknown;
  refused?: { reason: string; message: string };
}

function prepare(row: InboxRow): Prepared {
  const json = readJson(row.plan, `inbox row ${row.id}: plan`);
  if (!json.ok) return { row, refused: { reason: json.error.code, message: json.error.message } };
  const plan = json.value;
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) return { row, plan };
  const id = (plan as { id?: unknown }).id;
  // The row's id is the plan's: a plan without one takes it, a plan naming another is refused.
  if (id === undefined) return { row, plan: { ...plan, id: row.id } };
  if (id !== row.id)
    return {
      row,
      refused: {
        reason: 'id_mismatch',
        message: `inbox row ${row.id}: the plan's id ${JSON.stringify(id).slice(0, 80)} is not the row's`,
      },
    };
  return { row, plan };
}

function statusOf(id: string, outcome: PlanOutcome, at: string): InboxStatusRow {
  if (outcome.outcome === 'accepted') return { id, status: 'accepted', reason: null, at };
  if (outcome.outcome === 'duplicate')
    return { id, status: 'duplicate', reason: `the plan id was seen before (it is ${outcome.status})`, at };
  return { id, status: 'rejected', reason: `${outcome.reason}: ${outcome.message}`, at };
}

export function startInbox(options: InboxOptions): Result<Inbox> {
  const opened = openInbox(options.path, options.busyTimeoutMs);
  if (!opened.ok) return opened;
  const store: InboxStore = opened.value;
  const clock = options.clock ?? (() => Date.now());
  const pollMs = options.pollMs ?? POLL_MS;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  let mark = 0;
  let lastFullScan = Number.NEGATIVE_INFINITY;
  let seenVersion: number | null = null;
  let more = true;
  let answered = 0;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The last try failed: the next one waits RETRY_MS. */
  let failed = false;
  let running: Promise<void> = Promise.resolve();
  let lastProblem = '';

  const say = (problem: string) => {
    if (problem !== lastProblem) log(`braid: inbox ${options.path}: ${problem}`);
    lastProblem = problem;
  };

  /**
   * Outcomes the engine gave that are not in the file yet (a writer held its lock past busy_timeout):
   * written before anything else is read, so a plan the engine took is never asked again and answered
   * `duplicate` instead of what it was.
   */
  let unrecorded: { statuses: InboxStatusRow[]; mark: number } | null = null;
  const recordAnswered = () => {
    if (unrecorded === null) return;
    store.record(unrecorded.statuses);
    answered += unrecorded.statuses.length;
    mark = unrecorded.mark;
    unrecorded = null;
  };

  /**
   * One read of the unanswered rows after `from` and their outcomes; false when there were none. When the
   * door cannot answer, nothing is recorded and the rows go again.
   */
  const drain = async (from: number): Promise<boolean> => {
    const rows = store.after(from, BATCH);
    if (rows.length === 0) {
      more = false;
      return false;
    }
    const prepared = rows.map(prepare);
    const toSubmit = prepared.filter((p) => p.refused === undefined);
    let outcomes: PlanOutcome[] = [];
    if (toSubmit.length > 0) {
      const result = await options.door(toSubmit.map((p) => p.plan));
      if (!result.ok) {
        // Nothing recorded, the mark stays: the same rows go again on the next tick.
        more = true;
        failed = true;
        say(`plans not submitted, trying again: ${result.error.message}`);
        return true;
      }
      outcomes = result.value;
    }
    const at = new Date(clock()).toISOString();
    let next = 0;
    const statuses = prepared.map((p) =>
      p.refused
        ? statusOf(p.row.id, { id: p.row.id, outcome: 'rejected', ...p.refused }, at)
        : statusOf(p.row.id, outcomes[next++]!, at),
    );
    // Every unanswered row up to this one has been read: the mark may even go down (after a full scan).
    unrecorded = { statuses, mark: rows.at(-1)!.rowid };
    more = rows.length === BATCH;
    recordAnswered();
    failed = false;
    lastProblem = '';
    return true;
  };

  const tick = () => {
    timer = null;
    if (closed) return;
    running = (async () => {
      try {
        recordAnswered();
        const version = store.dataVersion();
        if (more || version !== seenVersion) {
          seenVersion = version;
          const now = clock();
          if (now - lastFullScan >= FULL_SCAN_MS) {
            lastFullScan = now;
            await drain(0);
          } else if (!(await drain(mark))) {
            // A change with nothing past the mark: rows deleted and new ones given rowids below it.
            lastFullScan = now;
            await drain(0);
          }
        }
      } catch (error) {
        more = true;
        failed = true;
        say(`inbox file failed, trying again: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
    void running.then(() => {
      if (!closed) timer = setTimeout(tick, failed ? Math.max(pollMs, RETRY_MS) : pollMs);
    });
  };
  tick();

  let closing: Promise<void> | null = null;
  return ok({
    answered: () => answered,
    close() {
      closing ??= (async () => {
        closed = true;
        if (timer !== null) clearTimeout(timer);
        await running;
        try {
          recordAnswered();
        } catch (error) {
          log(`braid: inbox ${options.path}: outcomes not written at close: ${(error as Error).message}`);
        }
        try {
          store.close();
        } catch (error) {
          log(`braid: inbox ${options.path}: close failed: ${(error as Error).message}`);
        }
      })();
      return closing;
    },
  });
}
