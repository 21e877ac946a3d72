// Closed trades (newest first) with filters, the engine's performance metrics, the equity curve and
// exports. Exports come from the engine (with their hash-chain head), not from what the table shows.
import { memo, useMemo, useState } from 'react';
import type { TradeRecord } from '../../../../shared/domain/portfolio.ts';
import { downloadText } from '../../lib/download.ts';
import * as fmt from '../../lib/format.ts';
import { command } from '../../store/actions.ts';
import { pushToast, useTerminal } from '../../store/store.ts';
import { selectSymbol, withTask } from '../../store/ui.ts';
import { Cell, type Column, DataGrid, GridRow, type RowProps } from '../blotter/DataGrid.tsx';
import { Panel } from '../shell/Panel.tsx';
import { EquityCurve } from './EquityCurve.tsx';
import { filteredIds, type HistoryFilter, NO_FILTER } from './filters.ts';
import { MetricsStrip } from './Metrics.tsx';

const COLUMNS: readonly Column[] = [
  { key: 'closed', label: 'Closed', width: '106px' },
  { key: 'plan', label: 'Plan', width: 'minmax(56px, 1fr)' },
  { key: 'symbol', label: 'Symbol', width: 'minmax(62px, 0.8fr)' },
  { key: 'side', label: 'Side', width: '50px' },
  { key: 'qty', label: 'Qty', width: 'minmax(40px, 0.6fr)', align: 'right' },
  { key: 'entry', label: 'Entry', width: 'minmax(60px, 0.9fr)', align: 'right' },
  { key: 'exit', label: 'Exit', width: 'minmax(60px, 0.9fr)', align: 'right' },
  { key: 'reason', label: 'Reason', width: '62px' },
  { key: 'pnl', label: 'P&L', width: 'minmax(68px, 1fr)', align: 'right' },
  { key: 'pnl-pct', label: 'P&L %', width: '58px', align: 'right' },
  { key: 'fees', label: 'Fees', width: 'minmax(44px, 0.5fr)', align: 'right' },
];

const REASON: Record<TradeRecord['exitReason'], string> = {
  stop_loss: 'STOP',
  take_profit: 'TARGET',
  trailing_stop: 'TRAIL',
  close: 'CLOSE',
  kill_switch: 'KILL',
};

const TradeRow = memo(function TradeRow({ id, rowIndex, top }: RowProps) {
  const t = useTerminal((s) => s.trades[Number(id)]);
  if (!t) return null;
  return (
    <GridRow rowIndex={rowIndex} top={top} onClick={() => selectSymbol(t.symbol)}>
      <Cell className="dim" title={fmt.dateTime(t.exitTime)}>
        {fmt.shortDateTime(t.exitTime)}
      </Cell>
      <Cell className="mono" title={t.planId}>
        {t.planId}
      </Cell>
      <Cell className="sym">{t.symbol}</Cell>
      <Cell>
        <span className={`tag ${t.side}`}>{t.side === 'long' ? 'LONG' : 'SHORT'}</span>
      </Cell>
      <Cell align="right">{fmt.qty(t.quantity)}</Cell>
      <Cell align="right">{fmt.price(t.entryPrice)}</Cell>
      <Cell align="right">{fmt.price(t.exitPrice)}</Cell>
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
    const { filename, mime, text, count, head } = result.value;
    downloadText(filename, mime, text);
    pushToast('info', 'export', `${count} trades → ${filename} (chain head ${head.slice(0, 12)})`);
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

export function TradeHistory() {
  const [filter, setFilter] = useState<HistoryFilter>(NO_FILTER);
  const trades = useTerminal((s) => s.trades);
  const ids = useMemo(() => filteredIds(trades, filter), [trades, filter]);
  const busy = useTerminal((s) => s.host?.busy ?? null);
  return (
    <Panel
      title="Trade history"
      className="history"
      meta={
        <span>
          {ids.length === trades.length ? '' : `${ids.length} of `}
          {trades.length} {trades.length === 1 ? 'trade' : 'trades'}
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
        <MetricsStrip />
        <EquityCurve />
      </div>
      <div className="toolbar">
        <Filters filter={filter} onChange={setFilter} />
      </div>
      <DataGrid
        label="Trade history"
        columns={COLUMNS}
        ids={ids}
        reverse
        Row={TradeRow}
        empty="No closed trades"
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
