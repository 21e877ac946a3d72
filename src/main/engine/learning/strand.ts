// A strand: one record per finished execution (learning.md "Strand"), with the measures of measures.ts.

// The strand's shape is shared (the desk writes it out, the app may show it): src/shared/domain/learning.ts.
import type { Strand as StrandView } from '../../../shared/domain/learning.ts';

export type { Arm, LessonApplied, Strand } from '../../../shared/domain/learning.ts';

export const STRAND_TAGS = ['trader:execution_insights', 'dm:execution_report'];

/** A strand's markouts, taken bars after its order ended. */
export interface StrandMarkouts {
  orderId: string;
  markout1Bps: number | null;
  markout5Bps: number | null;
}

/** The journal's records of kind `strand`: the whole strand when its order ended, then its markouts alone
 *  (journals written before the markout record hold the whole strand again, which reads the same). */
export type StrandRecord =
  | { type: 'strand'; strand: StrandView }
  | { type: 'markout'; markout: StrandMarkouts };

/**
 * A strand record read back onto the strands read before it (by order id, updated in place): the strand as
 * it stands after the record, or null when the record is not a strand record or names a strand never read.
 */
export function readStrandRecord(known: Map<string, StrandView>, body: unknown): StrandView | null {
  if (typeof body !== 'object' || body === null) return null;
  const r = body as Partial<{ type: string; strand: StrandView; markout: StrandMarkouts }>;
  if (r.type === 'strand' && typeof r.strand === 'object' && r.strand !== null) {
    known.set(r.strand.orderId, r.strand);
    return r.strand;
  }
  if (r.type === 'markout' && typeof r.markout === 'object' && r.markout !== null) {
    const before = known.get(r.markout.orderId);
    if (before === undefined) return null;
    const after = { ...before, markout1Bps: r.markout.markout1Bps, markout5Bps: r.markout.markout5Bps };
    known.set(after.orderId, after);
    return after;
  }
  return null;
}
