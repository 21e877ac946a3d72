// Orders, newest first. Cancel withdraws a working entry (the plan behind it); exits belong to their
// position and go with Close.
import { memo, useMemo, useState } from 'react';
import type { OrderRecord } from '../../../../shared/domain/order.ts';
import * as fmt from '../../lib/format.ts';
import { orderLabel } from '../../lib/plan-labels.ts';
import { usePlanLabel, useTick } from '../../lib/view-hooks.ts';
import { cancelPlan } from '../../store/actions.ts';
import { useTimeZone } from '../../store/settings.ts';
import { useTerminal } from '../../store/store.ts';
import { useTradingBlock } from '../../store/trading-block.ts';
import { selectSymbol, useUi } from '../../store/ui.ts';
import { Panel } from '../shell/Panel.tsx';
import { Cell, type Column, DataGrid, GridRow, type RowProps } from './DataGrid.tsx';

const COLUMNS: readonly Column[] = [
  { key: 'time', label: 'Time', width: '106px' },
  { key: 'order', label: 'Order', width: 'minmax(136px, 1.4fr)' },
  { key: 'symbol', label: 'Symbol', width: 'minmax(62px, 0.8fr)' },
  { key: 'role', label: 'Role', width: '56px' },
  { key: 'side', label: 'Side', width: '42px' },
  { key: 'type', label: 'Type', width: '44px' },
  { key: 'qty', label: 'Qty', width: 'minmax(64px, 0.7fr)', align: 'right' },
  { key: 'filled', label: 'Filled', width: 'minmax(64px, 0.7fr)', align: 'right' },
  { key: 'price', label: 'Price', width: 'minmax(72px, 0.9fr)', align: 'right' },
  { key: 'status', label: 'Status', width: '74px' },
  { key: 'actions', label: '', width: '54px', align: 'center' },
];

const WORKING = new Set<OrderRecord['status']>(['submitted', 'accepted', 'partially_filled']);
const ROLE: Record<OrderRecord['role'], string> = {
  entry: 'ENTRY',
  stop_loss: 'STOP',
  take_profit: 'TARGET',
  exit: 'EXIT',
};
const STATUS: Record<OrderRecord['status'], string> = {
  submitted: 'SUBMITTED',
  accepted: 'WORKING',
  partially_filled: 'PARTIAL',
  filled: 'FILLED',
  cancelled: 'CANCELLED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
};
const TYPE: Record<OrderRecord['type'], string> = { market: 'MKT', limit: 'LMT', stop: 'STP' };

export const isWorking = (o: OrderRecord): boolean => WORKING.has(o.status);

const OrderRow = memo(function OrderRow({ id, rowIndex, top }: RowProps) {
  const o = useTerminal((s) => s.orders.byId[id]);
  const selected = useUi((s) => o !== undefined && s.symbol === o.symbol);
  const zone = useTimeZone();
  const planLabel = usePlanLabel(o?.planId);
  const tick = useTick(o?.symbol);
  const block = useTradingBlock();
  if (!o) return null;
  const working = isWorking(o);
  return (
    <GridRow
      rowIndex={rowIndex}
      top={top}
      selected={selected}
      className={working ? '' : 'done'}
      onClick={() => selectSymbol(o.symbol)}
    >
      <Cell
        className="dim"
        title={`Created ${fmt.dateTime(o.createdAt, zone)}, updated ${fmt.dateTime(o.updatedAt, zone)}`}
      >
        {fmt.shortDateTime(o.createdAt, zone)}
      </Cell>
      <Cell className="mono" title={o.id}>
        {orderLabel(o.id, o.planId, planLabel)}
      </Cell>
      <Cell className="sym">{o.symbol}</Cell>
      <Cell className="dim">{ROLE[o.role]}</Cell>
      <Cell className={o.side === 'buy' ? 'up' : 'down'}>{o.side === 'buy' ? 'BUY' : 'SELL'}</Cell>
      <Cell>{TYPE[o.type]}</Cell>
      <Cell align="right" className="whole">
        {fmt.qty(o.quantity)}
      </Cell>
      <Cell align="right" className="whole">
        {fmt.qty(o.filledQuantity)}
      </Cell>
      <Cell align="right">{fmt.price(o.avgFillPrice ?? o.price, tick)}</Cell>
      <Cell title={o.rejectReason}>
        <span className={`status ${o.status}`}>{STATUS[o.status] ?? o.status}</span>
      </Cell>
      <Cell align="center">
        {working && o.role === 'entry' && (
          <button
            type="button"
            className="btn mini"
            disabled={block.blocked}
            title={block.why ?? `Cancel plan ${planLabel}`}
            onClick={(e) => {
              e.stopPropagation();
              void cancelPlan(o.planId);
            }}
          >
            Cancel
          </button>
        )}
      </Cell>
    </GridRow>
  );
});

/** Ids of working orders, oldest first (recomputed only when the order list changes). */
function useWorkingIds(enabled: boolean): readonly string[] {
  const orders = useTerminal((s) => s.orders);
  return useMemo(
    () =>
      enabled
        ? orders.ids.filter((id) => {
            const o = orders.byId[id];
            return o !== undefined && isWorking(o);
          })
        : orders.ids,
    [orders, enabled],
  );
}

export function OrdersBlotter() {
  const [workingOnly, setWorkingOnly] = useState(false);
  const ids = useWorkingIds(workingOnly);
  const total = useTerminal((s) => s.orders.ids.length);
  return (
    <Panel
      title="Orders"
      meta={<span>{workingOnly ? `${ids.length} working` : `${total} total`}</span>}
      tools={
        <label className="check">
          <input type="checkbox" checked={workingOnly} onChange={(e) => setWorkingOnly(e.target.checked)} />
          Working only
        </label>
      }
    >
      <DataGrid label="Orders" columns={COLUMNS} ids={ids} reverse Row={OrderRow} empty="No orders" />
    </Panel>
  );
}
