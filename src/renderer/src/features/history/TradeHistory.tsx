// Closed trades with filters and sortable columns, the engine's metrics and equity curve for the trades
// the filter keeps (queryHistory), and exports. Exports come from the engine (with their hash-chain
// head), not from what the table shows.
import { memo, useCallback, useMemo, useState } from 'react';
import type { TradeRecord } from '../../../../shared/domain/portfolio.ts';
import { downloadText } from '../../lib/download.ts';
import * as fmt from '../../lib/format.ts';
import { labelsOf, usePlanLabel, useTick } from '../../lib/view-hooks.ts';
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
import { filteredIds, type HistoryFilter, NO_FILTER } from './filters.ts';
import { useHistoryQuery } from './history-query.ts';
import { MetricsStrip } from './Metrics.tsx';
import { DEFAULT_TRADE_SORT, sortTradeIds } from './sort.ts';

const COLUMNS: readonly Column[] = [
  { key: 'closed', label: 'Closed', width: '108px', sortable: true },
  { key: 'plan', label: 'Plan', width: 'minmax(112px, 1.2fr)', sortable: true },
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

const TradeRow = memo(function TradeRow({ id, rowIndex, top }: RowProps) {
  const t = useTerminal((s) => s.trades[Number(id)]);
  const zone = useTimeZone();
  const label = usePlanLabel(t?.planId);
  const tick = useTick(t?.symbol);
  if (!t) return null;
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

function Filters(props: { filter: HistoryFilter; onChange: (f: HistoryFilter) => void }) {
  const trades = useTerminal((s) => s.trades);
  const symbols = useMemo(() => [...new Set(trades.map((t) => t.symbol))].sort(), [trades]);
  const { filter, onChange } = props;
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

/** Trade ids the filter keeps, in the order of the sorted column. */
function useSortedIds(filter: HistoryFilter, sort: SortState): string[] {
  const trades = useTerminal((s) => s.trades);
  const zone = useTimeZone();
  // Plan labels matter only when sorting by plan: otherwise do not re-sort on every plan update.
  const labels = useTerminal((s) => (sort.key === 'plan' ? labelsOf(s, zone) : null));
  return useMemo(() => {
    const kept = filteredIds(trades, filter);
    return sortTradeIds(trades, kept, sort, labels ? (id) => labels.get(id) ?? id : undefined);
  }, [trades, filter, sort, labels]);
}

export function TradeHistory() {
  const [filter, setFilter] = useState<HistoryFilter>(NO_FILTER);
  const [sort, setSort] = useState<SortState>(DEFAULT_TRADE_SORT);
  const onSort = useCallback((key: string) => setSort((s) => nextSort(s, key)), []);
  const trades = useTerminal((s) => s.trades);
  const allTrades = useTerminal((s) => s.metrics?.totalTrades ?? 0);
  const ids = useSortedIds(filter, sort);
  const busy = useTerminal((s) => s.host?.busy ?? null);
  const { result, error } = useHistoryQuery(filter);
  const unfiltered = filter === NO_FILTER;
  const snapshotMetrics = useTerminal((s) => (unfiltered ? s.metrics : null));
  // Until the engine answers for this filter, the unfiltered strip shows the snapshot's own metrics.
  const metrics = result?.metrics ?? snapshotMetrics;
  return (
    <Panel
      title="Trade history"
      className="history"
      meta={
        <span>
          {ids.length === trades.length ? '' : `${ids.length} of `}
          {trades.length} {trades.length === 1 ? 'trade' : 'trades'}
          {/* A hosted engine sends its newest trades; the export and the metrics have every one. */}
          {allTrades > trades.length ? ` (the latest of ${allTrades}; Export has all)` : ''}
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
      </div>
      <div className="toolbar">
        <Filters filter={filter} onChange={setFilter} />
      </div>
      <DataGrid
        label="Trade history"
        columns={COLUMNS}
        ids={ids}
        Row={TradeRow}
        empty={trades.length === 0 ? 'No closed trades' : 'No trades match the filter'}
        sort={sort}
        onSort={onSort}
      />
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
