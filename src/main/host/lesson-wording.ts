// The optional sentence hook (learning.md): each new lesson's template sentence goes to a program the
// trader names (an LLM behind a script, say), and its answer becomes the lesson's text. The hook sees the
// lesson and gives back words only: the engine takes a sentence for an id and nothing else, so the key,
// the effect and the evidence stay the template's. One lesson at a time, a deadline each; a hook that
// fails, hangs or answers nonsense leaves the template's sentence, and the log says why.
import { spawn } from 'node:child_process';
import type { LessonView } from '../../shared/domain/learning.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { Disposer, EnginePort } from '../engine/port.ts';

export interface SentenceHook {
  command: string[];
  timeoutMs: number;
}

/** Runs the hook on one lesson's JSON; the answer's first non-empty line, or why there is none. */
export type RunSentenceHook = (hook: SentenceHook, input: string) => Promise<Result<string>>;

/** Most a hook may write before it is stopped: a sentence is short. */
const MAX_OUTPUT_BYTES = 16 * 1024;

export const runSentenceHook: RunSentenceHook = (hook, input) =>
  new Promise((resolve) => {
    const [program, ...args] = hook.command;
    const what = `sentence hook ${JSON.stringify(program)}`;
    let out = '';
    let errText = '';
    let settled = false;
    const finish = (result: Result<string>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const child = spawn(program!, args, { stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(err('hook_timeout', `${what} gave no answer within ${hook.timeoutMs} ms`));
    }, hook.timeoutMs);
    child.on('error', (e) => finish(err('hook_failed', `${what} could not run: ${e.message}`)));
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.length > MAX_OUTPUT_BYTES) {
        child.kill('SIGKILL');
        finish(err('hook_failed', `${what} wrote more than ${MAX_OUTPUT_BYTES} bytes`));
      }
    });
    child.stderr.on('data', (chunk: string) => {
      if (errText.length < 1024) errText += chunk;
    });
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const why = errText.trim().split('\n')[0] ?? '';
        finish(
          err(
            'hook_failed',
            `${what} ended with ${signal ?? `exit code ${code}`}${why ? `: ${why.slice(0, 200)}` : ''}`,
          ),
        );
        return;
      }
      const line = out.split('\n').find((l) => l.trim() !== '');
      if (line === undefined) finish(err('hook_failed', `${what} answered nothing`));
      else finish(ok(line.trim()));
    });
    // A hook that does not read its input must not fail the write (EPIPE): its answer still counts.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });

/** What the hook reads: the lesson as the template made it. */
export function hookInput(lesson: LessonView): string {
  return JSON.stringify({
    id: lesson.id,
    key: lesson.key,
    text: lesson.templateText ?? lesson.text,
    effect: lesson.effect,
    evidence: lesson.evidence,
    state: lesson.state,
  });
}

export interface LessonWordingOptions {
  engine: Pick<EnginePort, 'subscribe' | 'lessons' | 'setLessonText'>;
  hook: SentenceHook;
  now: () => number;
  log: (line: string) => void;
  run?: RunSentenceHook;
}

export interface LessonWording {
  /** Resolves when every lesson seen so far has had its turn (tests, a clean stop). */
  idle(): Promise<void>;
  stop: Disposer;
}

/** Rewords each lesson that appears from now on; the lessons of earlier runs keep the words they have. */
export function startLessonWording(options: LessonWordingOptions): LessonWording {
  const run = options.run ?? runSentenceHook;
  const seen = new Set(options.engine.lessons().map((l) => l.id));
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  const reword = async (lesson: LessonView): Promise<void> => {
    if (stopped) return;
    const answer = await run(options.hook, hookInput(lesson));
    if (stopped) return;
    if (!answer.ok) {
      options.log(`braid: lesson ${lesson.id} keeps its template sentence: ${answer.error.message}`);
      return;
    }
    const done = options.engine.setLessonText(lesson.id, answer.value, options.now());
    if (!done.ok)
      options.log(`braid: lesson ${lesson.id} keeps its template sentence: ${done.error.message}`);
  };

  const unsubscribe = options.engine.subscribe((event) => {
    if (event.type !== 'learning') return;
    for (const lesson of event.learning.lessons) {
      if (seen.has(lesson.id)) continue;
      seen.add(lesson.id);
      chain = chain.then(() => reword(lesson));
    }
  });

  return {
    idle: () => chain,
    stop: () => {
      stopped = true;
      unsubscribe();
    },
  };
}
