// Open positions with live P&L; Close asks how much to close at market (the whole position by default).
import { memo, useCallback, useMemo, useState } from 'react';
import { dec } from '../../../../shared/domain/decimal.ts';
import type { PositionRecord } from '../../../../shared/domain/portfolio.ts';
import * as fmt from '../../lib/format.ts';
import { useTick } from '../../lib/view-hooks.ts';
import { useTimeZone } from '../../store/settings.ts';
import { useTerminal } from '../../store/store.ts';
import { useTradingBlock } from '../../store/trading-block.ts';
import { selectSymbol, useUi } from '../../store/ui.ts';
import { Panel } from '../shell/Panel.tsx';
import { ClosePositionDialog, requestClose } from './ClosePosition.tsx';
import { Cell, type Column, DataGrid, GridRow, type RowProps } from './DataGrid.tsx';
import { nextSort, type SortState, type SortValue, sortIds } from './sorting.ts';
import { stopView } from './stop.ts';

export const POSITION_COLUMNS: readonly Column[] = [
  { key: 'symbol', label: 'Symbol', width: 'minmax(72px, 1fr)', sortable: true },
  { key: 'side', label: 'Side', width: '48px', sortable: true },
  { key: 'qty', label: 'Qty', width: 'minmax(56px, 0.8fr)', align: 'right', sortable: true },
  { key: 'avg-price', label: 'Avg price', width: 'minmax(70px, 1fr)', align: 'right', sortable: true },
  { key: 'mark', label: 'Mark', width: 'minmax(70px, 1fr)', align: 'right', sortable: true },
  { key: 'mkt-value', label: 'Mkt value', width: 'minmax(80px, 1.1fr)', align: 'right', sortable: true },
  { key: 'unrealized', label: 'Unrl P&L', width: 'minmax(76px, 1.1fr)', align: 'right', sortable: true },
  { key: 'pnl-pct', label: 'P&L %', width: '62px', align: 'right', sortable: true },
  { key: 'opened', label: 'Opened', width: '104px', align: 'right', sortable: true },
  // After Opened: the columns before it keep their places.
  { key: 'stop', label: 'Stop', width: 'minmax(70px, 0.9fr)', align: 'right', sortable: true },
  { key: 'actions', label: '', width: '56px', align: 'center' },
];

/** The position's open P&L: marked to market, plus the funding it received or paid (perpetuals). */
export function positionPnl(p: PositionRecord): string {
  return p.funding === undefined ? p.unrealizedPnl : dec(p.unrealizedPnl).plus(p.funding).toString();
}

/** Open P&L as a percent of the entry notional (display only, exact until the final rounding). */
export function positionPnlPct(p: PositionRecord): string | null {
  try {
    const notional = dec(p.avgPrice).times(p.quantity).abs();
    return notional.eq(0) ? null : dec(positionPnl(p)).div(notional).times(100).toString();
  } catch {
    return null;
  }
}

function marketValue(p: PositionRecord): string | null {
  try {
    return dec(p.markPrice).times(p.quantity).toString();
  } catch {
    return null;
  }
}

/** The working stop's level, or a warning that the position has none (never planned, or cancelled). */
function StopCell(props: { stop: string | null | undefined; tick: string }) {
  const stop = stopView(props.stop);
  if (stop.kind === 'none')
    return (
      <Cell align="right" title="No working stop: nothing limits the loss on this position">
        <span className="tag warning">NO STOP</span>
      </Cell>
    );
  return <Cell align="right">{stop.kind === 'level' ? fmt.price(stop.level, props.tick) : '\u2014'}</Cell>;
}

const PositionRow = memo(function PositionRow({ id, rowIndex, top }: RowProps) {
  const p = useTerminal((s) => s.positions.byId[id]);
  const selected = useUi((s) => s.symbol === id);
  const tick = useTick(id);
  const zone = useTimeZone();
  const block = useTradingBlock();
  if (!p) return null;
  const pnl = positionPnl(p);
  const pnlPct = positionPnlPct(p);
  return (
    <GridRow rowIndex={rowIndex} top={top} selected={selected} onClick={() => selectSymbol(p.symbol)}>
      {/* The Stop column is far right (often scrolled away on a laptop): a mark beside the symbol says
          it too, drawn by CSS so the cell's text stays the symbol. */}
      <Cell
        className={p.stop === null ? 'sym no-stop' : 'sym'}
        title={p.stop === null ? `${p.symbol}: no working stop` : undefined}
      >
        {p.symbol}
      </Cell>
      <Cell>
        <span className={`tag ${p.side}`}>{p.side === 'long' ? 'LONG' : 'SHORT'}</span>
      </Cell>
      <Cell align="right" className="whole">
        {fmt.qty(p.quantity)}
      </Cell>
      <Cell align="right">{fmt.price(p.avgPrice, tick)}</Cell>
      <Cell align="right">{fmt.price(p.markPrice, tick)}</Cell>
      <Cell align="right">{fmt.money(marketValue(p))}</Cell>
      <Cell
        align="right"
        className={fmt.toneClass(pnl)}
        title={
          p.funding === undefined
            ? undefined
            : `Marked to market ${fmt.signedMoney(p.unrealizedPnl)}, funding ${fmt.signedMoney(p.funding)}`
        }
      >
        {fmt.signedMoney(pnl)}
        {p.funding !== undefined && (
          <span className="pnl-funding" title="includes funding">
            {' '}
            ƒ
          </span>
        )}
      </Cell>
      <Cell align="right" className={fmt.toneClass(pnlPct)}>
        {fmt.pct(pnlPct)}
      </Cell>
      <Cell align="right" className="dim" title={fmt.dateTime(p.openedAt, zone)}>
        {fmt.shortDateTime(p.openedAt, zone)}
      </Cell>
      <StopCell stop={p.stop} tick={tick} />
      <Cell align="center">
        <button
          type="button"
          className="btn mini"
          disabled={block.blocked}
          title={block.why ?? `Close ${p.symbol} at market, all or part`}
          onClick={(e) => {
            e.stopPropagation();
            requestClose(p.symbol);
          }}
        >
          Close
        </button>
      </Cell>
    </GridRow>
  );
});

/** What a Positions column sorts by. */
export function positionSortValue(p: PositionRecord, column: string): SortValue {
  switch (column) {
    case 'symbol':
      return p.symbol;
    case 'side':
      return p.side;
    case 'qty':
      return dec(p.quantity);
    case 'avg-price':
      return dec(p.avgPrice);
    case 'mark':
      return dec(p.markPrice);
    case 'mkt-value':
      return dec(p.markPrice).times(p.quantity);
    case 'unrealized':
      return dec(positionPnl(p));
    case 'pnl-pct':
      return dec(positionPnlPct(p) ?? '0');
    case 'opened':
      return p.openedAt;
    case 'stop': {
      // Below every level when ascending (a level is above 0): the unprotected positions come first.
      const stop = stopView(p.stop);
      return stop.kind === 'level' ? dec(stop.level) : dec(stop.kind === 'none' ? 0 : -1);
    }
    default:
      return p.symbol;
  }
}

export function PositionsGrid() {
  const positions = useTerminal((s) => s.positions);
  // Unsorted: the store's own order (by symbol), so a P&L tick never re-sorts 10,000 rows.
  const [sort, setSort] = useState<SortState | null>(null);
  const onSort = useCallback((key: string) => setSort((s) => nextSort(s, key)), []);
  const ids = useMemo(
    () =>
      sort === null
        ? positions.ids
        : sortIds(positions.ids, (id) => positions.byId[id], sort, positionSortValue),
    [positions, sort],
  );
  return (
    <>
      <DataGrid
        label="Positions"
        columns={POSITION_COLUMNS}
        ids={ids}
        Row={PositionRow}
        empty="No open positions"
        sort={sort}
        onSort={onSort}
      />
      <ClosePositionDialog />
    </>
  );
}

function PositionsMeta() {
  const count = useTerminal((s) => s.positions.ids.length);
  const unrealized = useTerminal((s) => s.account?.unrealizedPnl ?? null);
  return (
    <>
      <span>{count} open</span>
      <span className={`num ${fmt.toneClass(unrealized)}`}>{fmt.signedMoney(unrealized)}</span>
    </>
  );
}

export function PositionsBlotter() {
  return (
    <Panel title="Positions" meta={<PositionsMeta />}>
      <PositionsGrid />
    </Panel>
  );
}
