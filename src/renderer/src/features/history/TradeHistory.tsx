// Closed trades with filters and sortable columns, the engine's metrics and equity curve for the trades
// the filter keeps (queryHistory), and exports. The rows are pages the engine filters and sorts over its
// whole history (tradeHistory): a long history costs the pages in view. Exports come from the engine
// (with their hash-chain head), not from what the table shows.
import { createContext, memo, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { TradeRecord } from '../../../../shared/domain/portfolio.ts';
import { downloadText } from '../../lib/download.ts';
import * as fmt from '../../lib/format.ts';
import { baseLabel } from '../../lib/plan-labels.ts';
import { usePlanLabel, useTick } from '../../lib/view-hooks.ts';
import { command } from '../../store/actions.ts';
import { useTimeZone } from '../../store/settings.ts';
import { pushToast, useTerminal } from '../../store/store.ts';
import { selectSymbol, withTask } from '../../store/ui.ts';
import {
  Cell,
  type Column,
  DataGrid,
  GridRow,
  nextSort,
  type RowProps,
  type SortState,
} from '../blotter/DataGrid.tsx';
import { Panel } from '../shell/Panel.tsx';
import { EquityCurve } from './EquityCurve.tsx';
import { type HistoryFilter, NO_FILTER } from './filters.ts';
import { useHistoryQuery } from './history-query.ts';
import { MetricsStrip } from './Metrics.tsx';
import { ENGINE_SORT_KEYS } from './page-args.ts';
import { type TradePages, useTradePages } from './trade-pages.ts';

/** Newest first: what a trader looks for first. */
const DEFAULT_TRADE_SORT: SortState = { key: 'closed', dir: 'descending' };

const COLUMNS: readonly Column[] = [
  { key: 'closed', label: 'Closed', width: '108px', sortable: true },
  // Plan labels are made on screen, so the engine cannot sort by them.
  { key: 'plan', label: 'Plan', width: 'minmax(112px, 1.2fr)' },
  { key: 'symbol', label: 'Symbol', width: 'minmax(58px, 0.8fr)', sortable: true },
  { key: 'side', label: 'Side', width: '54px', sortable: true },
  { key: 'qty', label: 'Qty', width: 'minmax(56px, 0.7fr)', align: 'right', sortable: true },
  { key: 'entry', label: 'Entry', width: 'minmax(68px, 0.9fr)', align: 'right', sortable: true },
  { key: 'exit', label: 'Exit', width: 'minmax(68px, 0.9fr)', align: 'right', sortable: true },
  { key: 'reason', label: 'Reason', width: '64px', sortable: true },
  { key: 'pnl', label: 'P&L', width: 'minmax(72px, 1fr)', align: 'right', sortable: true },
  { key: 'pnl-pct', label: 'P&L %', width: '64px', align: 'right', sortable: true },
  { key: 'fees', label: 'Fees', width: 'minmax(52px, 0.5fr)', align: 'right', sortable: true },
];

const NO_POINTS: readonly { time: number; value: string }[] = [];

const REASON: Record<TradeRecord['exitReason'], string> = {
  stop_loss: 'STOP',
  take_profit: 'TARGET',
  trailing_stop: 'TRAIL',
  close: 'CLOSE',
  kill_switch: 'KILL',
};

const PagesContext = createContext<TradePages | null>(null);

/** A row is a display position; its trade comes with its page (asked for when the row is drawn). */
const TradeRow = memo(function TradeRow({ id, rowIndex, top }: RowProps) {
  const pages = useContext(PagesContext);
  const position = Number(id);
  const t = pages?.at(position);
  const zone = useTimeZone();
  const known = usePlanLabel(t?.planId);
  // A plan the terminal no longer holds (an old trade's) is named as its label would be: symbol and time.
  const label = t !== undefined && known === t.planId ? baseLabel(t.symbol, t.entryTime, zone) : known;
  const tick = useTick(t?.symbol);
  useEffect(() => {
    if (t === undefined) pages?.want(position);
  }, [t, pages, position]);
  if (!t)
    return (
      <GridRow rowIndex={rowIndex} top={top}>
        <Cell className="dim">…</Cell>
      </GridRow>
    );
  return (
    <GridRow rowIndex={rowIndex} top={top} onClick={() => selectSymbol(t.symbol)}>
      <Cell
        className="dim"
        title={`${fmt.dateTime(t.exitTime, zone)} (opened ${fmt.dateTime(t.entryTime, zone)})`}
      >
        {fmt.shortDateTime(t.exitTime, zone)}
      </Cell>
      <Cell className="mono" title={t.planId}>
        {label}
      </Cell>
      <Cell className="sym">{t.symbol}</Cell>
      <Cell>
        <span className={`tag ${t.side}`}>{t.side === 'long' ? 'LONG' : 'SHORT'}</span>
      </Cell>
      <Cell align="right" className="whole">
        {fmt.qty(t.quantity)}
      </Cell>
      <Cell align="right">{fmt.price(t.entryPrice, tick)}</Cell>
      <Cell align="right">{fmt.price(t.exitPrice, tick)}</Cell>
      <Cell className="dim">{REASON[t.exitReason] ?? t.exitReason}</Cell>
      <Cell align="right" className={fmt.toneClass(t.pnl)}>
        {fmt.signedMoney(t.pnl)}
      </Cell>
      <Cell align="right" className={fmt.toneClass(t.pnlPct)}>
        {fmt.pct(t.pnlPct)}
      </Cell>
      <Cell align="right" className="dim">
        {fmt.money(t.fees)}
      </Cell>
    </GridRow>
  );
});

async function exportHistory(format: 'csv' | 'json'): Promise<void> {
  await withTask(`Exporting ${format.toUpperCase()}`, async () => {
    const result = await command('exportHistory', { format });
    if (!result.ok) return;
    const { filename, mime, text, count, strands, head } = result.value;
    downloadText(filename, mime, text);
    const what = strands > 0 ? `${count} trades and ${strands} strands` : `${count} trades`;
    pushToast('info', 'export', `${what} → ${filename} (chain head ${head.slice(0, 12)})`);
  });
}

function Filters(props: {
  filter: HistoryFilter;
  symbols: readonly string[];
  onChange: (f: HistoryFilter) => void;
}) {
  const { filter, symbols, onChange } = props;
  return (
    <div className="filters">
      <FilterSelect
        label="Filter by symbol"
        value={filter.symbol}
        options={[['', 'All symbols'], ...symbols.map((sym): [string, string] => [sym, sym])]}
        onChange={(symbol) => onChange({ ...filter, symbol })}
      />
      <FilterSelect
        label="Filter by side"
        value={filter.side}
        options={[
          ['', 'Long + short'],
          ['long', 'Long'],
          ['short', 'Short'],
        ]}
        onChange={(side) => onChange({ ...filter, side: side as HistoryFilter['side'] })}
      />
      <FilterSelect
        label="Filter by outcome"
        value={filter.outcome}
        options={[
          ['', 'Wins + losses'],
          ['win', 'Wins'],
          ['loss', 'Losses'],
        ]}
        onChange={(outcome) => onChange({ ...filter, outcome: outcome as HistoryFilter['outcome'] })}
      />
      <FilterSelect
        label="Filter by exit reason"
        value={filter.reason}
        options={[['', 'Any exit'], ...Object.entries(REASON)]}
        onChange={(reason) => onChange({ ...filter, reason: reason as HistoryFilter['reason'] })}
      />
    </div>
  );
}

/** Grid ids for display positions 0..n-1 (the rows are positions in the engine's order). */
function usePositions(n: number): string[] {
  return useMemo(() => Array.from({ length: n }, (_, i) => String(i)), [n]);
}

export function TradeHistory() {
  const [filter, setFilter] = useState<HistoryFilter>(NO_FILTER);
  const [sort, setSort] = useState<SortState>(DEFAULT_TRADE_SORT);
  const onSort = useCallback((key: string) => {
    if (ENGINE_SORT_KEYS[key] !== undefined) setSort((s) => nextSort(s, key));
  }, []);
  const pages = useTradePages(filter, sort);
  const allTrades = useTerminal((s) => s.metrics?.totalTrades ?? 0);
  const shown = pages.total ?? 0;
  const ids = usePositions(shown);
  const busy = useTerminal((s) => s.host?.busy ?? null);
  const { result, error } = useHistoryQuery(filter);
  const unfiltered =
    filter.symbol === '' && filter.side === '' && filter.outcome === '' && filter.reason === '';
  const snapshotMetrics = useTerminal((s) => (unfiltered ? s.metrics : null));
  // Until the engine answers for this filter, the unfiltered strip shows the snapshot's own metrics.
  const metrics = result?.metrics ?? snapshotMetrics;
  return (
    <Panel
      title="Trade history"
      className="history"
      meta={
        <span>
          {unfiltered || pages.total === null ? '' : `${shown} of `}
          {allTrades} {allTrades === 1 ? 'trade' : 'trades'}
        </span>
      }
      tools={
        <>
          <button
            type="button"
            className="btn"
            disabled={busy !== null}
            onClick={() => void exportHistory('csv')}
          >
            Export CSV
          </button>
          <button
            type="button"
            className="btn"
            disabled={busy !== null}
            onClick={() => void exportHistory('json')}
          >
            Export JSON
          </button>
        </>
      }
    >
      <div className="history-top">
        <MetricsStrip metrics={metrics} sharpeMinTrades={result?.sharpeMinTrades ?? null} />
        <EquityCurve points={result?.equity ?? NO_POINTS} />
        {error !== null && (
          <p className="form-error" role="alert">
            Metrics: {error}
          </p>
        )}
        {pages.error !== null && (
          <p className="form-error" role="alert">
            Trades: {pages.error}
          </p>
        )}
      </div>
      <div className="toolbar">
        <Filters filter={filter} symbols={pages.symbols} onChange={setFilter} />
      </div>
      <PagesContext.Provider value={pages}>
        <DataGrid
          label="Trade history"
          columns={COLUMNS}
          ids={ids}
          Row={TradeRow}
          empty={
            pages.total === null ? 'Loading…' : unfiltered ? 'No closed trades' : 'No trades match the filter'
          }
          sort={sort}
          onSort={onSort}
        />
      </PagesContext.Provider>
    </Panel>
  );
}

/** One history filter: a labelled select of [value, text] options. */
function FilterSelect(props: {
  label: string;
  value: string;
  options: ReadonlyArray<readonly [string, string]>;
  onChange: (value: string) => void;
}) {
  return (
    <select aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      {props.options.map(([value, text]) => (
        <option key={value} value={value}>
          {text}
        </option>
      ))}
    </select>
  );
}
