// A strand: one record per finished execution (learning.md "Strand"), with the measures of measures.ts.

// The strand's shape is shared (the desk writes it out, the app may show it): src/shared/domain/learning.ts.
export type { Arm, LessonApplied, Strand } from '../../../shared/domain/learning.ts';

export const STRAND_TAGS = ['trader:execution_insights', 'dm:execution_report'];
