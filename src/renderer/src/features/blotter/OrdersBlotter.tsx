// Orders, newest first, each with its venue and the venue's own id. Cancel withdraws any working order
// (an entry ends its plan; a single stop or target leg leaves the rest of the bracket); Modify changes a
// working limit or stop order's price and quantity in place (Enter sends, Esc leaves it as it was).
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import { dec } from '../../../../shared/domain/decimal.ts';
import type { OrderRecord } from '../../../../shared/domain/order.ts';
import * as fmt from '../../lib/format.ts';
import { orderLabel } from '../../lib/plan-labels.ts';
import { usePlanLabel, useTick } from '../../lib/view-hooks.ts';
import { cancelOrder } from '../../store/actions.ts';
import { useConnection } from '../../store/connection.ts';
import { useTimeZone } from '../../store/settings.ts';
import { useTerminal } from '../../store/store.ts';
import { tradingBlock, useTradingBlock } from '../../store/trading-block.ts';
import { editOrder, selectSymbol, useUi } from '../../store/ui.ts';
import { Panel } from '../shell/Panel.tsx';
import { Cell, type Column, DataGrid, GridRow, type RowProps } from './DataGrid.tsx';
import { OrderEditor } from './OrderEditor.tsx';
import {
  adviceTitle,
  canCancel,
  canModify,
  isWorking,
  ROLE_LABEL,
  STATUS_LABEL,
  statusLabel,
  statusTitle,
  statusTone,
  typeLabel,
} from './order-status.ts';
import { nextSort, type SortState, type SortValue, sortIds } from './sorting.ts';

export { isWorking } from './order-status.ts';

export const ORDER_COLUMNS: readonly Column[] = [
  { key: 'time', label: 'Time', width: '106px', sortable: true },
  { key: 'order', label: 'Order', width: 'minmax(136px, 1.4fr)', sortable: true },
  { key: 'symbol', label: 'Symbol', width: 'minmax(62px, 0.8fr)', sortable: true },
  { key: 'venue', label: 'Venue', width: '56px', sortable: true },
  { key: 'role', label: 'Role', width: '56px', sortable: true },
  { key: 'side', label: 'Side', width: '42px', sortable: true },
  { key: 'type', label: 'Type', width: '44px', sortable: true },
  { key: 'qty', label: 'Qty', width: 'minmax(64px, 0.7fr)', align: 'right', sortable: true },
  { key: 'filled', label: 'Filled', width: 'minmax(64px, 0.7fr)', align: 'right', sortable: true },
  { key: 'price', label: 'Price', width: 'minmax(72px, 0.9fr)', align: 'right', sortable: true },
  { key: 'status', label: 'Status', width: '84px', sortable: true },
  { key: 'venue-id', label: 'Venue id', width: 'minmax(64px, 0.8fr)', sortable: true },
  { key: 'actions', label: '', width: '98px', align: 'center' },
];

/** Cancel is refused only while the engine link is down: a HALTED terminal may still withdraw orders. */
function useCancelBlock() {
  const connection = useConnection((s) => s.status);
  return useMemo(() => tradingBlock(connection, 'ACTIVE'), [connection]);
}

const OrderRow = memo(function OrderRow({ id, rowIndex, top }: RowProps) {
  const o = useTerminal((s) => s.orders.byId[id]);
  const selected = useUi((s) => o !== undefined && s.symbol === o.symbol);
  const editing = useUi((s) => s.editingOrder === id);
  const zone = useTimeZone();
  const planLabel = usePlanLabel(o?.planId);
  const tick = useTick(o?.symbol);
  const block = useTradingBlock();
  const cancelBlock = useCancelBlock();
  const modifiable = o !== undefined && canModify(o);
  // The order stopped being changeable (filled, cancelled, a change from elsewhere): close its editor.
  useEffect(() => {
    if (editing && !modifiable) editOrder(null);
  }, [editing, modifiable]);
  if (!o) return null;
  const working = isWorking(o);
  const label = orderLabel(o.id, o.planId, planLabel);
  const tone = statusTone(o.status);
  const status = (
    <Cell title={statusTitle(o)}>
      <span className={`status ${o.status} tone-${tone}`}>{statusLabel(o.status)}</span>
    </Cell>
  );
  const head = (
    <>
      <Cell
        className="dim"
        title={`Created ${fmt.dateTime(o.createdAt, zone)}, updated ${fmt.dateTime(o.updatedAt, zone)}`}
      >
        {fmt.shortDateTime(o.createdAt, zone)}
      </Cell>
      <Cell className="mono" title={adviceTitle(o) ?? o.id}>
        {o.advice && o.advice.lessons.length > 0 && (
          <span className="tag lesson-applied" data-lessons={o.advice.lessons.map((l) => l.id).join(' ')}>
            L{o.advice.lessons.length > 1 ? o.advice.lessons.length : ''}
          </span>
        )}
        {label}
      </Cell>
      <Cell className="sym">{o.symbol}</Cell>
      <Cell
        className="dim"
        title={o.routedFrom ? `fallback from ${o.routedFrom.venue}: ${o.routedFrom.reason}` : o.venue}
      >
        {o.venue}
      </Cell>
      <Cell className="dim">{ROLE_LABEL[o.role]}</Cell>
      <Cell className={o.side === 'buy' ? 'up' : 'down'}>{o.side === 'buy' ? 'BUY' : 'SELL'}</Cell>
      <Cell>{typeLabel(o)}</Cell>
    </>
  );
  const venueId = (
    <Cell className="mono dim" title={o.venueOrderId ?? 'No venue id yet'}>
      {o.venueOrderId ?? '\u2014'}
    </Cell>
  );
  const classes = [working ? '' : 'done', `tone-${tone}`].filter(Boolean).join(' ');
  if (editing && modifiable) {
    return (
      <GridRow rowIndex={rowIndex} top={top} selected={selected} className={`${classes} editing`}>
        <OrderEditor order={o} label={label} head={head} status={status} venueId={venueId} />
      </GridRow>
    );
  }
  return (
    <GridRow
      rowIndex={rowIndex}
      top={top}
      selected={selected}
      className={classes}
      onClick={() => selectSymbol(o.symbol)}
    >
      {head}
      <Cell align="right" className="whole">
        {fmt.qty(o.quantity)}
      </Cell>
      <Cell align="right" className="whole">
        {fmt.qty(o.filledQuantity)}
      </Cell>
      <Cell align="right">{fmt.price(o.avgFillPrice ?? o.price, tick)}</Cell>
      {status}
      {venueId}
      <Cell align="center" className="actions">
        {modifiable && (
          <button
            type="button"
            className="btn mini"
            disabled={block.blocked}
            title={block.why ?? `Change the price or quantity of ${label}`}
            onClick={(e) => {
              e.stopPropagation();
              editOrder(o.id);
            }}
          >
            Modify
          </button>
        )}
        {canCancel(o) && (
          <button
            type="button"
            className="btn mini"
            disabled={cancelBlock.blocked}
            title={cancelBlock.why ?? `Cancel ${ROLE_LABEL[o.role].toLowerCase()} order ${label}`}
            onClick={(e) => {
              e.stopPropagation();
              void cancelOrder(o.id);
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
    case 'venue':
      return o.venue;
    case 'venue-id':
      return o.venueOrderId ?? '';
    case 'role':
      return o.role;
    case 'side':
      return o.side;
    case 'type':
      return typeLabel(o);
    case 'qty':
      return dec(o.quantity);
    case 'filled':
      return dec(o.filledQuantity);
    case 'price':
      return dec(o.avgFillPrice ?? o.price ?? '0');
    case 'status':
      return STATUS_LABEL[o.status] ?? o.status;
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
        columns={ORDER_COLUMNS}
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
