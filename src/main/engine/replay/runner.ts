// `braid replay`: the real engine on the paper venue, fed by recorded bars and a script of events.
// With a journal, the run checkpoints as it goes; run again on the same journal it resumes from the last
// checkpoint (recomputing what came after it: order intents already journaled are recognised, not sent
// twice) or, when complete, just reports.
import { createHash } from 'node:crypto';
import { Engine, type LiveState } from '../engine.ts';
import { Journal, JournalRefused } from '../journal/journal.ts';
import { readText } from './input-error.ts';
import {
  type BarTable,
  barOf,
  InputError,
  readConfig,
  readPrices,
  readScript,
  type ScriptEvent,
} from './inputs.ts';
import { buildReport, type Report } from './report.ts';

export interface ReplayOptions {
  prices: string;
  script: string;
  config?: string;
  /** Journal path; without it the caller passes a temporary one. */
  db: string;
  /** Seconds since some origin, for the report's `run` block only (the one clock reading of a replay). */
  clock: () => number;
  /** Start a new journal (`--new`): a file already at `db` is moved aside, never deleted. */
  fresh?: boolean;
  /** Wall-clock time (ms), for the name of a journal moved aside. */
  now?: number;
  /** Lines for the operator (standard error): a journal moved aside. */
  log?: (line: string) => void;
  /** Test seams: called after each processed input item and after each durable order intent. */
  onItem?: (index: number) => void;
  onIntent?: (clientOrderId: string) => void;
}

/** Without new events, a checkpoint every this many items bounds the work a crash makes us redo. */
const CHECKPOINT_EVERY = 50_000;
/** With new events, at most one checkpoint per this many items: the live state is serialized whole, and
 *  what a crash loses since the last one is recomputed on resume. */
const CHECKPOINT_MIN_GAP = 1_024;

export function runReplay(o: ReplayOptions): Report {
  const started = o.clock();
  const config = readConfig(o.config);
  const pricesText = readText(o.prices);
  const scriptText = readText(o.script);
  const bars = readPrices(o.prices, pricesText);
  const script = readScript(o.script, scriptText);
  const inputs = createHash('sha256')
    .update(pricesText)
    .update('\0')
    .update(scriptText)
    .update('\0')
    .update(JSON.stringify(config))
    .digest('hex');

  // A replay's orders go to a simulated venue in this process: a commit needs to survive the process
  // (kill -9 resumes), not a power cut (the run re-executes from the last checkpoint the disk kept).
  const journal = Journal.open(o.db, {
    kind: 'replay',
    durability: 'process-crash',
    ...(o.fresh ? { fresh: true, ...(o.now !== undefined ? { now: o.now } : {}) } : {}),
  });
  try {
    if (journal.replaced !== null) {
      o.log?.(`braid: moved the journal that was at ${o.db} to ${journal.replaced}; starting a new journal`);
    }
    const recorded = journal.getMeta('replay.inputs');
    if (recorded !== undefined && recorded !== inputs) {
      throw new InputError(
        o.db,
        0,
        'this journal belongs to a replay of other inputs (prices, script or config differ)',
      );
    }
    if (journal.getMeta('kind') === 'app')
      throw new InputError(o.db, 0, 'this journal belongs to the desktop app, not a replay');
    const engine = new Engine({
      config,
      journal,
      symbols: bars.symbols,
      ...(o.onIntent ? { onIntentCommitted: o.onIntent } : {}),
    });
    let cursor = 0;
    let completed = false;
    const cp = journal.checkpointAtOpen;
    if (cp) {
      try {
        engine.restore(cp.seq, cp.live as LiveState);
      } catch (e) {
        throw new JournalRefused(
          o.db,
          `damaged: its state cannot be rebuilt from its records (${(e as Error).message})`,
        );
      }
      cursor = cp.cursor;
      completed = cp.completed;
    }
    if (recorded === undefined) {
      journal.setMeta('kind', 'replay');
      journal.setMeta('replay.inputs', inputs);
    }
    const total = script.length + bars.length;
    let sinceCheckpoint = 0;
    if (!completed) {
      applyInputs(engine, bars, script, cursor, (index) => {
        sinceCheckpoint++;
        if (
          (engine.hasPending && sinceCheckpoint >= CHECKPOINT_MIN_GAP) ||
          sinceCheckpoint >= CHECKPOINT_EVERY
        ) {
          engine.checkpoint(index + 1, false);
          sinceCheckpoint = 0;
        }
        o.onItem?.(index);
      });
      engine.checkpoint(total, true);
    }
    const report = buildReport(
      engine.snapshot(),
      {
        duplicatePlans: engine.duplicates,
        notes: engine.noteList(),
        dayTrades: engine.allDayTrades(),
        learning: engine.learningReport(),
      },
      { events: script.length, bars: bars.length, seconds: Number((o.clock() - started).toFixed(3)) },
    );
    return report;
  } finally {
    journal.close();
  }
}

/** Merges script events and bars by time (script first at equal times) from input item `from` on. */
function applyInputs(
  engine: Engine,
  bars: BarTable,
  script: ScriptEvent[],
  from: number,
  afterItem: (index: number) => void,
): void {
  let si = 0;
  let bi = 0;
  let index = 0;
  // Skip what a previous run already applied (the merge order is a pure function of the inputs).
  while (index < from) {
    if (si < script.length && (bi >= bars.length || script[si]!.at <= bars.time[bi]!)) si++;
    else bi++;
    index++;
  }
  while (si < script.length || bi < bars.length) {
    if (si < script.length && (bi >= bars.length || script[si]!.at <= bars.time[bi]!)) {
      applyScriptEvent(engine, script[si++]!);
    } else {
      engine.onBar(barOf(bars, bi++));
    }
    afterItem(index++);
  }
}

function applyScriptEvent(engine: Engine, e: ScriptEvent): void {
  let result: { ok: boolean; error?: { code: string; message: string } };
  switch (e.type) {
    case 'plan':
      result = engine.submitPlan(e.raw, e.at);
      break;
    case 'approve':
      result = engine.approve(e.planId, e.at);
      break;
    case 'reject':
      result = engine.reject(e.planId, e.reason, e.at);
      break;
    case 'cancel':
      result = engine.cancelPlan(e.planId, e.at);
      break;
    case 'close':
      result = engine.closePosition(e.symbol, e.at);
      break;
    case 'kill':
      result = engine.kill(e.at);
      break;
    case 'resume':
      result = engine.resume(e.at);
      break;
    case 'reduce':
      result = engine.setTradingState('REDUCING', e.at);
      break;
    case 'lesson':
      result = engine.setLessonState(e.lessonId, e.state, e.at);
      break;
  }
  if (!result.ok && result.error)
    engine.note(result.error.code, `script line ${e.line}: ${result.error.message}`, e.at);
}
