// Orders, newest first. Cancel withdraws a working entry (the plan behind it); exits belong to their
// position and go with Close.
import { memo, useCallback, useMemo, useState } from 'react';
import { dec } from '../../../../shared/domain/decimal.ts';
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
import { nextSort, type SortState, type SortValue, sortIds } from './sorting.ts';

const COLUMNS: readonly Column[] = [
  { key: 'time', label: 'Time', width: '106px', sortable: true },
  { key: 'order', label: 'Order', width: 'minmax(136px, 1.4fr)', sortable: true },
  { key: 'symbol', label: 'Symbol', width: 'minmax(62px, 0.8fr)', sortable: true },
  { key: 'role', label: 'Role', width: '56px', sortable: true },
  { key: 'side', label: 'Side', width: '42px', sortable: true },
  { key: 'type', label: 'Type', width: '44px', sortable: true },
  { key: 'qty', label: 'Qty', width: 'minmax(64px, 0.7fr)', align: 'right', sortable: true },
  { key: 'filled', label: 'Filled', width: 'minmax(64px, 0.7fr)', align: 'right', sortable: true },
  { key: 'price', label: 'Price', width: 'minmax(72px, 0.9fr)', align: 'right', sortable: true },
  { key: 'status', label: 'Status', width: '74px', sortable: true },
  { key: 'actions', label: '', width: '54px', align: 'center' },
];

const WORKING = new Set<OrderRecord['status']>([
  'submitted',
  'accepted',
  'partially_filled',
  'pending_cancel',
  'pending_modify',
  'unknown',
]);
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
  pending_cancel: 'CANCELLING',
  pending_modify: 'MODIFYING',
  unknown: 'UNKNOWN',
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

/** What an Orders column sorts by. */
export function orderSortValue(o: OrderRecord, column: string): SortValue {
  switch (column) {
    case 'time':
      return o.createdAt;
    case 'order':
      return o.id;
    case 'symbol':
      return o.symbol;
    case 'role':
      return o.role;
    case 'side':
      return o.side;
    case 'type':
      return o.type;
    case 'qty':
      return dec(o.quantity);
    case 'filled':
      return dec(o.filledQuantity);
    case 'price':
      return dec(o.avgFillPrice ?? o.price ?? '0');
    case 'status':
      return STATUS[o.status] ?? o.status;
    default:
      return o.createdAt;
  }
}

export function OrdersBlotter() {
  const [workingOnly, setWorkingOnly] = useState(false);
  const kept = useWorkingIds(workingOnly);
  const orders = useTerminal((s) => s.orders);
  const total = orders.ids.length;
  // Unsorted: newest first (the store keeps them oldest first).
  const [sort, setSort] = useState<SortState | null>(null);
  const onSort = useCallback((key: string) => setSort((s) => nextSort(s, key)), []);
  const ids = useMemo(
    () => (sort === null ? kept : sortIds(kept, (id) => orders.byId[id], sort, orderSortValue)),
    [kept, orders, sort],
  );
  return (
    <Panel
      title="Orders"
      meta={<span>{workingOnly ? `${kept.length} working` : `${total} total`}</span>}
      tools={
        <label className="check">
          <input type="checkbox" checked={workingOnly} onChange={(e) => setWorkingOnly(e.target.checked)} />
          Working only
        </label>
      }
    >
      <DataGrid
        label="Orders"
        columns={COLUMNS}
        ids={ids}
        reverse={sort === null}
        Row={OrderRow}
        empty="No orders"
        sort={sort}
        onSort={onSort}
      />
    </Panel>
  );
}
