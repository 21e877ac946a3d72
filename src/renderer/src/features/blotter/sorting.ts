// Column sorting of a grid: which column, which way, and what a click on a header does.

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
