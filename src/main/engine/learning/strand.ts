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

/** A strand's fields as a `strands` record lists them, in the strand's own order; `tags` is the
 *  record's, one list for all its strands. */
export const STRAND_FIELDS = [
  'orderId',
  'planId',
  'symbol',
  'venue',
  'orderType',
  'side',
  'role',
  'status',
  'timeBucket',
  'regime',
  'day',
  'sentAt',
  'endedAt',
  'arrivalPrice',
  'decisionPrice',
  'planned',
  'filled',
  'avgFillPrice',
  'fees',
  'notional',
  'latencyMs',
  'slippageBps',
  'shortfallBps',
  'fillRatio',
  'markout1Bps',
  'markout5Bps',
  'participation',
  'limitOffsetBps',
  'arm',
  'propensity',
  'lessonsApplied',
] as const satisfies ReadonlyArray<keyof StrandView>;

/** The journal's records of kind `strand`. Written now: one `strands` record per commit, the strands that
 *  ended since the last as rows under their field names (written once), then the markouts taken since
 *  as [orderId, 1-bar, 5-bar]: a row per commit, not per strand, and no key repeated per strand (the
 *  journal's rows and bytes were most of what a strand cost). Read too: the single records of journals
 *  written before, the whole strand when its order ended and then its markouts alone (older still: the
 *  whole strand again, which reads the same). */
export type StrandRecord =
  | {
      type: 'strands';
      fields: readonly string[];
      tags: readonly string[];
      rows: unknown[][];
      markouts: Array<[string, number | null, number | null]>;
    }
  | { type: 'strand'; strand: StrandView }
  | { type: 'markout'; markout: StrandMarkouts };

/** The record of a commit's strands and markouts (every strand carries STRAND_TAGS). */
export function strandsRecord(
  strands: readonly StrandView[],
  markouts: readonly StrandMarkouts[],
): StrandRecord {
  return {
    type: 'strands',
    fields: STRAND_FIELDS,
    tags: STRAND_TAGS,
    rows: strands.map((s) => STRAND_FIELDS.map((f) => s[f] ?? null)),
    markouts: markouts.map((m) => [m.orderId, m.markout1Bps, m.markout5Bps]),
  };
}

/** A `strands` record's rows as strands, or null when one is not a row of its fields. */
function rowsOf(body: Record<string, unknown>): StrandView[] | null {
  const { fields, tags, rows } = body;
  if (!Array.isArray(fields) || !Array.isArray(tags) || !Array.isArray(rows)) return null;
  if (!fields.includes('orderId') || !fields.every((f) => typeof f === 'string')) return null;
  const out: StrandView[] = [];
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== fields.length) return null;
    const s: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) s[fields[i] as string] = row[i];
    if (typeof s.orderId !== 'string') return null;
    s.tags = [...tags];
    out.push(s as unknown as StrandView);
  }
  return out;
}

/** A `strands` record's markouts, or null when one is not [orderId, number | null, number | null]. */
function markoutsOf(body: Record<string, unknown>): StrandMarkouts[] | null {
  if (!Array.isArray(body.markouts)) return null;
  const out: StrandMarkouts[] = [];
  const bps = (x: unknown) => x === null || typeof x === 'number';
  for (const m of body.markouts as unknown[]) {
    if (!Array.isArray(m) || m.length !== 3 || typeof m[0] !== 'string' || !bps(m[1]) || !bps(m[2]))
      return null;
    out.push({ orderId: m[0], markout1Bps: m[1] as number | null, markout5Bps: m[2] as number | null });
  }
  return out;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/**
 * A strand record read onto the strands read before it (by order id, updated in place): each strand as it
 * stands after each of the record's parts (a markout as its strand with it), in the order written; null
 * when the record is not a strand record or a markout names a strand never read (damage). `fresh` hears
 * each strand not read before (what an index counts: a record read twice counts once).
 */
export function readStrandRecord(
  known: Map<string, StrandView>,
  body: unknown,
  fresh?: (strand: StrandView) => void,
): StrandView[] | null {
  if (!isObject(body)) return null;
  const out: StrandView[] = [];
  const strand = (s: unknown): boolean => {
    if (!isObject(s)) return false;
    const v = s as unknown as StrandView;
    if (fresh && !known.has(v.orderId)) fresh(v);
    known.set(v.orderId, v);
    out.push(v);
    return true;
  };
  const markout = (m: unknown): boolean => {
    if (!isObject(m)) return false;
    const r = m as unknown as StrandMarkouts;
    const before = known.get(r.orderId);
    if (before === undefined) return false;
    const after = { ...before, markout1Bps: r.markout1Bps, markout5Bps: r.markout5Bps };
    known.set(after.orderId, after);
    out.push(after);
    return true;
  };
  switch (body.type) {
    case 'strands': {
      const strands = rowsOf(body);
      const markouts = markoutsOf(body);
      // A markout follows its strand: in this record or an earlier one.
      if (strands === null || markouts === null || !strands.every(strand) || !markouts.every(markout))
        return null;
      return out;
    }
    case 'strand':
      return strand(body.strand) ? out : null;
    case 'markout':
      return markout(body.markout) ? out : null;
    default:
      return null;
  }
}
