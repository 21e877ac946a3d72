// The lessons the engine learned from its executions, each of which the operator can turn on or off.
// A view of the engine's own lessons (engine/learning): the host keeps no copy, so what the app shows is
// what the engine applies, and a switch goes to the engine (journaled there). Without an engine behind it
// the book is empty, and turning an unknown lesson on or off is a clear error rather than a silent no-op.
import type { LessonView } from '../../shared/contract.ts';
import type { LessonView as EngineLesson, LessonState } from '../../shared/domain/learning.ts';
import { err, ok, type Result } from '../../shared/result.ts';

export interface LessonBook {
  list(): LessonView[];
  setEnabled(lessonId: string, enabled: boolean): Result<null>;
  /** learning.md's states: active, dismissed, or proposed again (reopened). */
  setState?(lessonId: string, state: LessonState): Result<null>;
}

/** What the book reads from the engine (Engine.lessons, Engine.setLessonState). */
export interface LessonSource {
  lessons(): EngineLesson[];
  setLessonState(lessonId: string, state: LessonState, now: number): Result<null>;
}

/** "n = 142 and 151, means 9.8 and 0.0 bps, 95 % CI 8.9 to 10.7": the evidence in one line. */
export function evidenceText(l: EngineLesson): string {
  const e = l.evidence;
  return `n = ${e.n} and ${e.altN}, means ${e.meanBps.toFixed(1)} and ${e.altMeanBps.toFixed(1)} bps, 95 % CI ${e.ci95[0].toFixed(1)} to ${e.ci95[1].toFixed(1)}`;
}

export function engineLessonBook(source: LessonSource, now: () => number): LessonBook {
  const setState = (id: string, state: LessonState) => source.setLessonState(id, state, now());
  return {
    list: () =>
      source.lessons().map((l) => ({
        id: l.id,
        text: l.text,
        enabled: l.state === 'active',
        evidence: evidenceText(l),
      })),
    // Off is dismissed (its key is not proposed again until reopened); on is active.
    setEnabled: (id, enabled) => setState(id, enabled ? 'active' : 'dismissed'),
    setState,
  };
}

export function createLessonBook(initial: readonly LessonView[] = []): LessonBook {
  const lessons = new Map(initial.map((lesson) => [lesson.id, { ...lesson }]));
  return {
    list: () => [...lessons.values()].map((lesson) => ({ ...lesson })),
    setEnabled(lessonId, enabled) {
      const lesson = lessons.get(lessonId);
      if (lesson === undefined) return err('unknown_lesson', `unknown lesson: ${lessonId}`);
      lesson.enabled = enabled;
      return ok(null);
    },
  };
}
