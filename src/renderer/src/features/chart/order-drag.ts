// Moving a working order by its line on the chart (pure, so tests pin it): which orders have a line that
// can be dragged, the price a drag lands on (the instrument's tick, exact), and the price one key press
// moves it to.
import Big from 'big.js';
import { dec } from '../../../../shared/domain/decimal.ts';
import type { OrderRecord } from '../../../../shared/domain/order.ts';
import { canModify, ROLE_LABEL, TYPE_LABEL } from '../blotter/order-status.ts';

export interface DraggableOrder {
  orderId: string;
  /** ENTRY, STOP, TARGET, EXIT: the line's title. */
  label: string;
  /** LMT or STP. */
  type: string;
  side: OrderRecord['side'];
  quantity: string;
  price: string;
}

/** The working limit and stop orders of `symbol` whose price can change now, in the orders' order. */
export function draggableOrders(symbol: string, orders: readonly OrderRecord[]): DraggableOrder[] {
  const out: DraggableOrder[] = [];
  for (const o of orders) {
    if (o.symbol !== symbol || !canModify(o) || o.price === undefined) continue;
    out.push({
      orderId: o.id,
      label: ROLE_LABEL[o.role],
      type: TYPE_LABEL[o.type],
      side: o.side,
      quantity: o.quantity,
      price: o.price,
    });
  }
  return out;
}

/**
 * The price a pointer at `value` (a chart coordinate turned into a number) stands for: the nearest whole
 * number of ticks, half-even, never below one tick. Null for a value that is not a finite number.
 */
export function snapToTick(value: number, tick: string): string | null {
  if (!Number.isFinite(value)) return null;
  const t = dec(tick);
  if (t.lte(0)) return dec(value.toPrecision(12)).toString();
  // A float from the chart carries noise in its last digits: read it at 12 significant digits first.
  const ticks = dec(value.toPrecision(12)).div(t).round(0, Big.roundHalfEven);
  return (ticks.lt(1) ? t : ticks.times(t)).toString();
}

/** `price` moved by `steps` ticks (negative: down), never below one tick. */
export function stepTicks(price: string, steps: number, tick: string): string {
  const t = dec(tick);
  const moved = dec(price).plus(t.times(steps));
  return (moved.lt(t) ? t : moved).toString();
}
