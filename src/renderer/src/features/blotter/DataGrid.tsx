// biome-ignore-all lint/a11y/useSemanticElements: a virtualized grid positions its rows absolutely; <table> rows cannot be laid out that way, so the ARIA grid roles carry the semantics
// biome-ignore-all lint/a11y/useFocusableInteractive: focus stays on the grid (aria-activedescendant names the selected row), as the ARIA grid pattern allows
// A virtualized ARIA grid: a sticky header row, then only the visible rows in the DOM (each still a
// role=row with its aria-rowindex), so 10,000 rows cost what 40 do. Rows are components keyed by id that
// subscribe to their own record: an update to one record re-renders one row.
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  type ComponentType,
  type CSSProperties,
  type KeyboardEvent,
  memo,
  type ReactNode,
  useEffect,
  useRef,
} from 'react';
import './grid.css';
import type { SortState } from './sorting.ts';

export { nextSort, type SortDirection, type SortState } from './sorting.ts';

export interface Column {
  /** Unique within a grid (labels may be empty, e.g. the actions column). */
  key: string;
  label: string;
  /** A CSS grid track, e.g. "64px" or "minmax(70px, 1fr)". */
  width: string;
  align?: 'left' | 'right' | 'center';
  /** The header is a button that sorts the grid by this column. */
  sortable?: boolean;
}

export interface RowProps {
  id: string;
  /** 1-based position in the grid, header included (aria-rowindex). */
  rowIndex: number;
  top: number;
}

export const ROW_HEIGHT = 22;

interface DataGridProps {
  label: string;
  columns: readonly Column[];
  ids: readonly string[];
  /** Newest first: ids are stored oldest first. */
  reverse?: boolean;
  Row: ComponentType<RowProps>;
  empty?: ReactNode;
  /** Keeps this row (display index) in view, e.g. the keyboard selection. */
  focusIndex?: number;
  onKeyDown?: (e: KeyboardEvent<HTMLDivElement>) => void;
  activeDescendant?: string;
  /** The column the rows are sorted by (aria-sort on its header); ids come already sorted. */
  sort?: SortState | null;
  onSort?: (key: string) => void;
}

export function columnsTemplate(columns: readonly Column[]): string {
  return columns.map((c) => c.width).join(' ');
}

const HeaderRow = memo(function HeaderRow(props: {
  columns: readonly Column[];
  sort: SortState | null;
  onSort: ((key: string) => void) | undefined;
}) {
  const { columns, sort, onSort } = props;
  return (
    <div role="row" aria-rowindex={1} className="grid-row grid-header">
      {columns.map((c) => {
        const sortable = c.sortable === true && onSort !== undefined;
        const dir = sort?.key === c.key ? sort.dir : undefined;
        return (
          <div
            role="columnheader"
            key={c.key}
            className={`cell ${c.align ?? 'left'}${sortable ? ' sortable' : ''}`}
            aria-sort={sortable ? (dir ?? 'none') : undefined}
          >
            {sortable ? (
              <button
                type="button"
                className="sort-button"
                title={`Sort by ${c.label}`}
                onClick={() => onSort(c.key)}
              >
                <span className="sort-label">{c.label}</span>
                <span className="sort-mark" aria-hidden="true">
                  {dir === 'ascending' ? '\u25B2' : dir === 'descending' ? '\u25BC' : ''}
                </span>
              </button>
            ) : (
              c.label
            )}
          </div>
        );
      })}
    </div>
  );
});

export function DataGrid(props: DataGridProps) {
  const { ids, reverse = false, Row } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const { focusIndex } = props;
  useEffect(() => {
    if (focusIndex !== undefined && focusIndex >= 0) virtualizer.scrollToIndex(focusIndex);
  }, [focusIndex, virtualizer]);

  const style = { '--cols': columnsTemplate(props.columns) } as CSSProperties;
  const bodyStyle: CSSProperties = { height: virtualizer.getTotalSize() };
  return (
    <div
      ref={scrollRef}
      role="grid"
      aria-label={props.label}
      aria-rowcount={ids.length + 1}
      aria-readonly="true"
      aria-activedescendant={props.activeDescendant}
      tabIndex={0}
      onKeyDown={props.onKeyDown}
      className="grid"
      style={style}
    >
      <div role="rowgroup" className="grid-head">
        <HeaderRow columns={props.columns} sort={props.sort ?? null} onSort={props.onSort} />
      </div>
      <div role="rowgroup" className="grid-body" style={bodyStyle}>
        {virtualizer.getVirtualItems().map((item) => {
          const id = ids[reverse ? ids.length - 1 - item.index : item.index];
          if (id === undefined) return null;
          return <Row key={id} id={id} rowIndex={item.index + 2} top={item.start} />;
        })}
      </div>
      {ids.length === 0 && props.empty !== undefined && <div className="grid-empty">{props.empty}</div>}
    </div>
  );
}

/** The row element every grid row renders: positioned by the virtualizer, selectable. */
export function GridRow(props: {
  rowIndex: number;
  top: number;
  id?: string;
  selected?: boolean;
  className?: string;
  onClick?: () => void;
  children: ReactNode;
}) {
  const style: CSSProperties = { transform: `translateY(${props.top}px)` };
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a click only selects the chart symbol; keys act on the grid
    <div
      id={props.id}
      role="row"
      aria-rowindex={props.rowIndex}
      aria-selected={props.selected}
      className={`grid-row${props.rowIndex % 2 === 1 ? ' alt' : ''}${props.selected ? ' selected' : ''}${props.className ? ` ${props.className}` : ''}`}
      style={style}
      onClick={props.onClick}
    >
      {props.children}
    </div>
  );
}

export function Cell(props: {
  align?: 'left' | 'right' | 'center';
  className?: string;
  children?: ReactNode;
  title?: string;
}) {
  return (
    <div
      role="gridcell"
      className={`cell ${props.align ?? 'left'}${props.className ? ` ${props.className}` : ''}`}
      title={props.title}
    >
      {props.children}
    </div>
  );
}
