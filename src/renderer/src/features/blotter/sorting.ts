// Column sorting of a grid: which column, which way, what a click on a header does, and the sorted ids
// (exact: decimals compare as big.js values, never as floats).
import type { Dec } from '../../../../shared/domain/decimal.ts';

export type SortDirection = 'ascending' | 'descending';

export interface SortState {
  key: string;
  dir: SortDirection;
}

/** The sort after a click on a column header: a new column sorts ascending, the same one flips. */
export function nextSort(current: SortState | null, key: string): SortState {
  if (current?.key === key) return { key, dir: current.dir === 'ascending' ? 'descending' : 'ascending' };
  return { key, dir: 'ascending' };
}

/** What a column sorts by: a time or count, a text, or an exact decimal. */
export type SortValue = number | string | Dec;

/** Below every value: a record whose value cannot be read. */
type Unreadable = null;

export function compareValues(a: SortValue | Unreadable, b: SortValue | Unreadable): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'object' && typeof b === 'object') return a.cmp(b);
  return 0;
}

/**
 * `ids` in the order of a sort, each record's value read once. Ties keep the order of `ids` whichever the
 * direction, so equal rows never shuffle between renders. A value that cannot be read counts as the lowest.
 */
export function sortIds<T>(
  ids: readonly string[],
  recordOf: (id: string) => T | undefined,
  sort: SortState,
  sortValue: (record: T, column: string) => SortValue,
): string[] {
  const keyed: { id: string; at: number; value: SortValue | Unreadable }[] = [];
  ids.forEach((id, at) => {
    const r = recordOf(id);
    if (r === undefined) return;
    let value: SortValue | Unreadable;
    try {
      value = sortValue(r, sort.key);
    } catch {
      value = null;
    }
    keyed.push({ id, at, value });
  });
  const sign = sort.dir === 'ascending' ? 1 : -1;
  keyed.sort((a, b) => sign * compareValues(a.value, b.value) || a.at - b.at);
  return keyed.map((k) => k.id);
}
