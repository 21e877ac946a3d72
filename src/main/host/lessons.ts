// The lessons the engine learned from its executions, each of which the operator can turn on or off.
// The learning loop comes later: for now the book is empty, and turning an unknown lesson on or off is a
// clear error rather than a silent no-op.
import type { LessonView } from '../../shared/contract.ts';
import { err, ok, type Result } from '../../shared/result.ts';

export interface LessonBook {
  list(): LessonView[];
  setEnabled(lessonId: string, enabled: boolean): Result<null>;
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
