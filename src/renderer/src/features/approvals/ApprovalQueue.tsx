// Plans waiting for the operator: the engine's own size and risk, the curators' score (its breakdown in
// the tooltip; a plan not scored shows its confidence) and an expiry countdown on engine time. Approve
// is disabled while trading is blocked (HALTED, or the engine link down), and the queue says why.
// Keyboard: arrows move the selection, A approves, R rejects (focus the queue first).
import { type KeyboardEvent, memo, useEffect } from 'react';
import * as fmt from '../../lib/format.ts';
import { usePlanLabel, useTick } from '../../lib/view-hooks.ts';
import { approvePlan, rejectPlan } from '../../store/actions.ts';
import { DISCONNECTED_TEXT, useIsConnected } from '../../store/connection.ts';
import { useTerminal } from '../../store/store.ts';
import { useTradingBlock } from '../../store/trading-block.ts';
import { selectSymbol, useUi } from '../../store/ui.ts';
import { Cell, type Column, DataGrid, GridRow, type RowProps } from '../blotter/DataGrid.tsx';
import { Panel } from '../shell/Panel.tsx';
import { planRisk, planSize, riskPctOfEquity } from './risk.ts';
import { scoreCell } from './score-view.ts';
import './approvals.css';

const COLUMNS: readonly Column[] = [
  { key: 'plan', label: 'Plan', width: 'minmax(118px, 1.2fr)' },
  { key: 'symbol', label: 'Symbol', width: 'minmax(62px, 0.8fr)' },
  { key: 'side', label: 'Side', width: '42px' },
  { key: 'entry', label: 'Entry', width: 'minmax(86px, 1fr)', align: 'right' },
  { key: 'qty', label: 'Qty', width: 'minmax(64px, 0.7fr)', align: 'right' },
  { key: 'stop', label: 'Stop', width: 'minmax(64px, 0.8fr)', align: 'right' },
  { key: 'target', label: 'Target', width: 'minmax(64px, 0.8fr)', align: 'right' },
  { key: 'risk', label: 'Risk', width: 'minmax(72px, 0.9fr)', align: 'right' },
  { key: 'score', label: 'Score', width: '50px', align: 'right' },
  { key: 'expires', label: 'Expires', width: '62px', align: 'right' },
  { key: 'actions', label: '', width: '112px', align: 'center' },
];

const ESTIMATE = "The engine's sizing when the plan arrived: it sizes again when you approve";

const ENTRY_TYPE = { market: 'MKT', limit: 'LMT', stop: 'STP' } as const;
const rowDomId = (planId: string): string => `queue-${planId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

function Countdown({ expiresAt }: { expiresAt: number | undefined }) {
  const now = useTerminal((s) => s.time);
  if (expiresAt === undefined) return <span className="dim">GTC</span>;
  const left = expiresAt - now;
  return <span className={left < 60_000 ? 'warn' : ''}>{fmt.countdown(left)}</span>;
}

const PlanRow = memo(function PlanRow({ id, rowIndex, top }: RowProps) {
  const selected = useUi((s) => s.queueSelected === id);
  const plan = useTerminal((s) => s.plans.byId[id]);
  const equity = useTerminal((s) => s.account?.equity);
  const label = usePlanLabel(id);
  const tick = useTick(plan?.input.symbol);
  const block = useTradingBlock();
  const connected = useIsConnected();
  if (!plan) return null;
  const { input } = plan;
  const size = planSize(plan);
  const risk = planRisk(plan);
  const riskPct = riskPctOfEquity(risk, equity);
  const estimate = size?.estimated ? ESTIMATE : undefined;
  const score = scoreCell(plan);
  return (
    <GridRow
      id={rowDomId(id)}
      rowIndex={rowIndex}
      top={top}
      selected={selected}
      onClick={() => {
        useUi.setState({ queueSelected: id });
        selectSymbol(input.symbol);
      }}
    >
      <Cell className="mono" title={id}>
        {label}
      </Cell>
      <Cell className="sym">{input.symbol}</Cell>
      <Cell className={input.side === 'buy' ? 'up' : 'down'}>{input.side === 'buy' ? 'BUY' : 'SELL'}</Cell>
      <Cell align="right">
        <span className="dim">{ENTRY_TYPE[input.entry.type]} </span>
        {input.entry.price === undefined ? '' : fmt.price(input.entry.price, tick)}
      </Cell>
      <Cell align="right" className={size?.estimated ? 'whole estimated' : 'whole'} title={estimate}>
        {size?.estimated ? '\u2248' : ''}
        {fmt.qty(size?.quantity)}
      </Cell>
      <Cell align="right">{fmt.price(input.stopLoss, tick)}</Cell>
      <Cell align="right">{fmt.price(input.takeProfit, tick)}</Cell>
      <Cell
        align="right"
        className={size?.estimated ? 'estimated' : undefined}
        title={
          riskPct === null ? undefined : `${fmt.pct(riskPct)} of equity${estimate ? ` (${estimate})` : ''}`
        }
      >
        {size?.estimated && risk !== null ? '\u2248' : ''}
        {fmt.money(risk)}
      </Cell>
      <Cell align="right" className={score.scored ? 'scored' : undefined} title={score.title}>
        {score.text}
      </Cell>
      <Cell align="right">
        <Countdown expiresAt={input.expiresAt} />
      </Cell>
      <Cell align="center" className="actions">
        <button
          type="button"
          className="btn mini approve"
          disabled={block.blocked}
          title={block.why ?? undefined}
          onClick={(e) => {
            e.stopPropagation();
            void approvePlan(id);
          }}
        >
          Approve
        </button>
        <button
          type="button"
          className="btn mini reject"
          // Rejecting is allowed while HALTED; it only needs the engine link.
          disabled={!connected}
          title={connected ? undefined : DISCONNECTED_TEXT}
          onClick={(e) => {
            e.stopPropagation();
            void rejectPlan(id);
          }}
        >
          Reject
        </button>
      </Cell>
    </GridRow>
  );
});

export function ApprovalQueue() {
  const queue = useTerminal((s) => s.queue);
  const approval = useTerminal((s) => s.approval);
  const selected = useUi((s) => s.queueSelected);
  const block = useTradingBlock();
  // The selection falls back to the oldest plan when the selected one leaves the queue.
  const current = selected !== null && queue.includes(selected) ? selected : (queue[0] ?? null);
  const index = current === null ? -1 : queue.indexOf(current);
  useEffect(() => {
    if (current !== selected) useUi.setState({ queueSelected: current });
  }, [current, selected]);
  const setSelected = (id: string): void => useUi.setState({ queueSelected: id });

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.target instanceof HTMLButtonElement && (e.key === 'Enter' || e.key === ' ')) return;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const key = e.key.toLowerCase();
    if (key === 'arrowdown' || key === 'arrowup' || key === 'j' || key === 'k') {
      const step = key === 'arrowdown' || key === 'j' ? 1 : -1;
      const next = queue[Math.min(queue.length - 1, Math.max(0, index + step))];
      if (next !== undefined) setSelected(next);
      e.preventDefault();
    } else if (key === 'a' && current !== null && !block.blocked) {
      void approvePlan(current);
      e.preventDefault();
    } else if (key === 'r' && current !== null) {
      void rejectPlan(current);
      e.preventDefault();
    }
  };

  return (
    <Panel
      title="Approval queue"
      className="queue"
      meta={
        <>
          <span className={queue.length > 0 ? 'count hot' : 'count'}>{queue.length} pending</span>
          <span className="dim">{approval === 'manual' ? 'manual approval' : 'auto-execute'}</span>
        </>
      }
      tools={
        <span className="keys" title="Focus the queue, then use these keys">
          <kbd>↑</kbd>
          <kbd>↓</kbd> select <kbd>A</kbd> approve <kbd>R</kbd> reject
        </span>
      }
    >
      {block.blocked && (
        <div className="queue-blocked" role="status">
          <b>Approve is disabled.</b> {block.why}
        </div>
      )}
      <DataGrid
        label="Approval queue"
        columns={COLUMNS}
        ids={queue}
        Row={PlanRow}
        empty="No plans waiting for approval"
        focusIndex={index}
        activeDescendant={current === null ? undefined : rowDomId(current)}
        onKeyDown={onKeyDown}
      />
    </Panel>
  );
}
