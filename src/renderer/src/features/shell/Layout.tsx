// The workspace grid: three columns that share the width, panels that share each column's height, drag
// handles between them (mouse, touch or arrow keys) and the sizes remembered in the layout settings.
// Sizes are flex weights, so a layout made on a large screen keeps its proportions on a laptop; the side
// column is the one fixed width (the ticket is a form). Collapsed and empty panels shrink to their content
// (CSS: `.slot.collapsed`, `.slot:has(.grid-empty)`), so the others get the room; the approval queue keeps
// its room empty or not.
import { type CSSProperties, type KeyboardEvent, type PointerEvent, type ReactNode, useRef } from 'react';
import { setPanelSizes, useSettings } from '../../store/settings.ts';

export const SIDE_DEFAULT_PX = 264;
const SIDE_MIN_PX = 232;
const SIDE_MAX_PX = 520;
/** No column narrower than this (below it, a very narrow window scrolls sideways), no panel lower than this. */
const COLUMN_MIN_PX = 260;
const SLOT_MIN_PX = 80;
const KEY_STEP_PX = 24;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

export function useSize(key: string, fallback: number): number {
  return useSettings((s) => s.layout.sizes[key] ?? fallback);
}

/**
 * A drag handle. `begin` measures what the drag starts from and returns how to apply a pixel delta;
 * the handle does the pointer capture and the keyboard.
 */
function Handle(props: {
  axis: 'x' | 'y';
  label: string;
  /** The first neighbour's share of the two, in percent (aria-valuenow). */
  value: number;
  begin: (handle: HTMLElement) => ((deltaPx: number) => void) | null;
}) {
  const drag = useRef<{ start: number; apply: (d: number) => void } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0) return;
    const apply = props.begin(e.currentTarget);
    if (!apply) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { start: props.axis === 'x' ? e.clientX : e.clientY, apply };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    if (d) d.apply((props.axis === 'x' ? e.clientX : e.clientY) - d.start);
  };
  const end = (): void => {
    drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const back = props.axis === 'x' ? 'ArrowLeft' : 'ArrowUp';
    const forward = props.axis === 'x' ? 'ArrowRight' : 'ArrowDown';
    if (e.key !== back && e.key !== forward) return;
    e.preventDefault();
    props.begin(e.currentTarget)?.(e.key === back ? -KEY_STEP_PX : KEY_STEP_PX);
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: a focusable splitter is role=separator by the ARIA pattern; <hr> cannot take focus or pointer drags
    <div
      role="separator"
      aria-orientation={props.axis === 'x' ? 'vertical' : 'horizontal'}
      aria-label={props.label}
      aria-valuenow={Math.round(props.value)}
      aria-valuemin={0}
      aria-valuemax={100}
      tabIndex={0}
      className={`handle handle-${props.axis}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={end}
      onPointerCancel={end}
      onKeyDown={onKeyDown}
    />
  );
}

/** Each resizable panel's share of its column until the operator drags a handle. */
const DEFAULT_WEIGHTS: Readonly<Record<string, number>> = {
  'Approval queue': 0.9,
  Positions: 1,
  Orders: 1.1,
  Chart: 1,
  'Trade history': 1.15,
};

const useWeight = (name: string): number => useSize(`row:${name}`, DEFAULT_WEIGHTS[name] ?? 1);

/**
 * One panel's place in a column: its flex weight, collapsed state from the settings. `keepsRoom`: the
 * panel keeps its share while empty (the approval queue is where plans arrive; with every panel of a
 * column empty, the room would otherwise be left blank below them). `fit`: as high as its content, no
 * share to trade (the Venues list: a line or two per venue).
 */
export function Slot(props: {
  name: string;
  fill?: boolean;
  keepsRoom?: boolean;
  fit?: boolean;
  children: ReactNode;
}) {
  const weight = useWeight(props.name);
  const collapsed = useSettings((s) => s.layout.collapsed[props.name] === true);
  const style = { '--w': weight } as CSSProperties;
  return (
    <div
      className={`slot${collapsed ? ' collapsed' : ''}${props.fill ? ' fill' : ''}${props.keepsRoom ? ' keeps-room' : ''}${props.fit ? ' fit' : ''}`}
      data-slot={props.name}
      data-weight={weight}
      style={style}
    >
      {props.children}
    </div>
  );
}

function slotParts(el: Element | null): { name: string; weight: number; px: number } | null {
  if (!(el instanceof HTMLElement) || !el.classList.contains('slot')) return null;
  // A slot sized by its content (collapsed, empty) does not trade height with its neighbour.
  if (getComputedStyle(el).flexGrow === '0') return null;
  const name = el.dataset.slot ?? '';
  return { name, weight: Number(el.dataset.weight) || 1, px: el.getBoundingClientRect().height };
}

/** A handle between two panels of a column: moves height from one to the other, their sum kept. */
export function RowHandle(props: { above: string; below: string }) {
  const above = useWeight(props.above);
  const below = useWeight(props.below);
  return (
    <Handle
      axis="y"
      label={`Resize ${props.above} and ${props.below}`}
      value={(100 * above) / (above + below)}
      begin={(handle) => {
        const a = slotParts(handle.previousElementSibling);
        const b = slotParts(handle.nextElementSibling);
        if (!a || !b) return null;
        const px = a.px + b.px;
        const weight = a.weight + b.weight;
        if (px < 2 * SLOT_MIN_PX) return null;
        return (d) => {
          const aPx = clamp(a.px + d, SLOT_MIN_PX, px - SLOT_MIN_PX);
          const aWeight = (weight * aPx) / px;
          setPanelSizes({ [`row:${a.name}`]: aWeight, [`row:${b.name}`]: weight - aWeight });
        };
      }}
    />
  );
}

export function Columns(props: { trade: ReactNode; analysis: ReactNode; side: ReactNode }) {
  const trade = useSize('col:trade', 1.15);
  const analysis = useSize('col:analysis', 1);
  const side = clamp(useSize('col:side', SIDE_DEFAULT_PX), SIDE_MIN_PX, SIDE_MAX_PX);
  const style: CSSProperties = {
    gridTemplateColumns: `minmax(${COLUMN_MIN_PX}px, ${trade}fr) auto minmax(${COLUMN_MIN_PX}px, ${analysis}fr) auto ${side}px`,
  };
  const width = (el: Element | null): number => (el ? el.getBoundingClientRect().width : 0);
  return (
    <main className="workspace" style={style}>
      <div className="column col-trade">{props.trade}</div>
      <Handle
        axis="x"
        label="Resize the trading and chart columns"
        value={(100 * trade) / (trade + analysis)}
        begin={(handle) => {
          const a = width(handle.previousElementSibling);
          const b = width(handle.nextElementSibling);
          const px = a + b;
          const weight = trade + analysis;
          if (px < 2 * COLUMN_MIN_PX) return null;
          return (d) => {
            const aPx = clamp(a + d, COLUMN_MIN_PX, px - COLUMN_MIN_PX);
            const aWeight = (weight * aPx) / px;
            setPanelSizes({ 'col:trade': aWeight, 'col:analysis': weight - aWeight });
          };
        }}
      />
      <div className="column col-analysis">{props.analysis}</div>
      <Handle
        axis="x"
        label="Resize the side column"
        value={(100 * (side - SIDE_MIN_PX)) / (SIDE_MAX_PX - SIDE_MIN_PX)}
        begin={(handle) => {
          const analysisPx = width(handle.previousElementSibling);
          const start = side;
          return (d) => {
            // Growing the side column takes from the chart column, never below its minimum.
            const max = Math.min(SIDE_MAX_PX, start + Math.max(0, analysisPx - COLUMN_MIN_PX));
            setPanelSizes({ 'col:side': clamp(start - d, SIDE_MIN_PX, max) });
          };
        }}
      />
      <div className="column col-side">{props.side}</div>
    </main>
  );
}
