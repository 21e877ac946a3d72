// Working orders moved on the chart: over each working limit or stop order's price line lies a thin
// handle (an ARIA slider). Drag it, or focus it and press the arrow keys (Shift: ten ticks) then Enter,
// and the order's price changes to the level let go of, on the instrument's tick (modifyOrder). While it
// moves a dashed line shows where it will go; Esc, or letting go where it started, changes nothing.
// lightweight-charts has no draggable price lines: the handles are placed over its lines every frame
// from the series' price-to-pixel mapping, so they follow scrolling, zooming and rescaling.
import type { IChartApi, IPriceLine, ISeriesApi } from 'lightweight-charts';
import {
  type KeyboardEvent,
  type PointerEvent,
  type RefObject,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { dec } from '../../../../shared/domain/decimal.ts';
import type { OrderRecord } from '../../../../shared/domain/order.ts';
import * as fmt from '../../lib/format.ts';
import { orderLabel } from '../../lib/plan-labels.ts';
import { usePlanLabel } from '../../lib/view-hooks.ts';
import { modifyOrderPrice } from '../../store/actions.ts';
import { useTerminal } from '../../store/store.ts';
import { useTradingBlock } from '../../store/trading-block.ts';
import { type DraggableOrder, draggableOrders, snapToTick, stepTicks } from './order-drag.ts';
import { COLORS } from './theme.ts';

/** Half the handle's height: the line sits in its middle. */
const HALF_PX = 4;
/** A pointer that moved less than this was a click, not a drag. */
const DRAG_PX = 3;

interface Moving {
  orderId: string;
  price: string;
  sending: boolean;
}

type Series = ISeriesApi<'Candlestick'>;

function Handle(props: {
  order: DraggableOrder;
  planId: string;
  tick: string;
  moving: Moving | null;
  blocked: string | null;
  register: (id: string, el: HTMLDivElement | null) => void;
  priceAt: (clientY: number) => string | null;
  onMove: (m: Moving | null) => void;
  onSend: (orderId: string, price: string) => void;
}) {
  const { order: d, moving, tick } = props;
  const planLabel = usePlanLabel(props.planId);
  const drag = useRef<{ startY: number; moved: boolean } | null>(null);
  const mine = moving?.orderId === d.orderId ? moving : null;
  const shown = mine?.price ?? d.price;
  const name = `Move ${d.label} ${d.type} ${orderLabel(d.orderId, props.planId, planLabel)}`;

  const finish = (price: string | null): void => {
    if (price !== null && !dec(price).eq(d.price)) props.onSend(d.orderId, price);
    else props.onMove(null);
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0 || props.blocked !== null || mine?.sending) return;
    e.preventDefault();
    e.stopPropagation();
    e.currentTarget.focus();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { startY: e.clientY, moved: false };
    props.onMove({ orderId: d.orderId, price: d.price, sending: false });
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const g = drag.current;
    if (!g) return;
    if (Math.abs(e.clientY - g.startY) >= DRAG_PX) g.moved = true;
    if (!g.moved) return;
    const price = props.priceAt(e.clientY);
    if (price !== null) props.onMove({ orderId: d.orderId, price, sending: false });
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>): void => {
    const g = drag.current;
    if (!g) return;
    drag.current = null;
    finish(g.moved ? props.priceAt(e.clientY) : null);
  };
  const onPointerCancel = (): void => {
    if (!drag.current) return;
    drag.current = null;
    props.onMove(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (mine?.sending) return;
    const steps: Record<string, number> = { ArrowUp: 1, ArrowDown: -1, PageUp: 10, PageDown: -10 };
    const step = steps[e.key];
    if (step !== undefined) {
      e.preventDefault();
      if (props.blocked !== null) return;
      props.onMove({
        orderId: d.orderId,
        price: stepTicks(shown, e.shiftKey ? step * 10 : step, tick),
        sending: false,
      });
    } else if (e.key === 'Enter' && mine) {
      e.preventDefault();
      finish(mine.price);
    } else if (e.key === 'Escape' && mine) {
      e.preventDefault();
      props.onMove(null);
    }
  };

  return (
    <div
      ref={(el) => props.register(d.orderId, el)}
      role="slider"
      tabIndex={0}
      aria-label={name}
      aria-orientation="vertical"
      aria-valuenow={Number(shown)}
      aria-valuetext={fmt.price(shown, tick)}
      aria-disabled={props.blocked !== null || undefined}
      title={
        props.blocked ??
        `${d.label} ${d.type} ${fmt.qty(d.quantity)} at ${fmt.price(shown, tick)}: drag to move it (or arrow keys, then Enter)`
      }
      className={`order-handle${mine ? ' moving' : ''}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerCancel}
      onKeyDown={onKeyDown}
      onBlur={() => {
        // A keyboard move not sent is dropped when focus leaves (a drag keeps focus until it ends).
        if (mine && !mine.sending && drag.current === null) props.onMove(null);
      }}
    >
      <span className="order-grip">
        {d.label} {fmt.price(shown, tick)}
      </span>
    </div>
  );
}

export function OrderHandles(props: {
  chart: RefObject<IChartApi | null>;
  series: RefObject<Series | null>;
  symbol: string;
  tick: string;
}) {
  const { symbol, tick } = props;
  const orders = useTerminal((s) => s.orders);
  const block = useTradingBlock();
  const draggable = useMemo(() => {
    const list: OrderRecord[] = [];
    for (const id of orders.ids) {
      const o = orders.byId[id];
      if (o?.symbol === symbol) list.push(o);
    }
    return draggableOrders(symbol, list);
  }, [orders, symbol]);
  const [moving, setMoving] = useState<Moving | null>(null);
  const layer = useRef<HTMLDivElement>(null);
  const elements = useRef(new Map<string, HTMLDivElement>());
  const ghost = useRef<IPriceLine | null>(null);
  // Read by the placement loop, which runs outside React's renders.
  const live = useRef({ draggable, moving });
  live.current = { draggable, moving };

  // The order being moved is gone (filled, cancelled) or can no longer change: stop moving it.
  useEffect(() => {
    if (moving && !moving.sending && !draggable.some((d) => d.orderId === moving.orderId)) setMoving(null);
  }, [draggable, moving]);

  // Each frame: the layer covers the candle pane, each handle sits on its line (hidden off the scale).
  useEffect(() => {
    let frame = 0;
    const place = (): void => {
      const chart = props.chart.current;
      const series = props.series.current;
      const el = layer.current;
      if (chart && series && el) {
        const pane = chart.paneSize(0);
        el.style.width = `${pane.width}px`;
        el.style.height = `${pane.height}px`;
        const { draggable: list, moving: m } = live.current;
        for (const d of list) {
          const handle = elements.current.get(d.orderId);
          if (!handle) continue;
          const price = m?.orderId === d.orderId ? m.price : d.price;
          const y = series.priceToCoordinate(Number(price));
          const visible = y !== null && y >= 0 && y <= pane.height;
          handle.style.visibility = visible ? 'visible' : 'hidden';
          if (visible) handle.style.transform = `translateY(${Math.round(y - HALF_PX)}px)`;
        }
      }
      frame = requestAnimationFrame(place);
    };
    frame = requestAnimationFrame(place);
    return () => cancelAnimationFrame(frame);
  }, [props.chart, props.series]);

  // The dashed line where the order will go, while it moves.
  const movingOrder = moving ? draggable.find((d) => d.orderId === moving.orderId) : undefined;
  const ghostPrice = moving?.price;
  const ghostTitle = movingOrder ? `${movingOrder.label} \u2192` : '';
  useEffect(() => {
    const series = props.series.current;
    if (!series) return;
    if (ghostPrice === undefined) {
      if (ghost.current) series.removePriceLine(ghost.current);
      ghost.current = null;
      return;
    }
    const options = {
      price: Number(ghostPrice),
      color: COLORS.exit,
      lineWidth: 1 as const,
      lineStyle: 2,
      axisLabelVisible: true,
      title: ghostTitle,
    };
    if (ghost.current) ghost.current.applyOptions(options);
    else ghost.current = series.createPriceLine(options);
  }, [ghostPrice, ghostTitle, props.series]);
  useEffect(
    () => () => {
      // The chart may be gone first (it is removed with its own component): nothing left to remove then.
      try {
        if (ghost.current) props.series.current?.removePriceLine(ghost.current);
      } catch {
        // already removed with the chart
      }
      ghost.current = null;
    },
    [props.series],
  );

  const priceAt = (clientY: number): string | null => {
    const series = props.series.current;
    const el = layer.current;
    if (!series || !el) return null;
    const value = series.coordinateToPrice(clientY - el.getBoundingClientRect().top);
    return value === null ? null : snapToTick(value, tick);
  };
  const send = (orderId: string, price: string): void => {
    setMoving({ orderId, price, sending: true });
    void modifyOrderPrice(orderId, price).then(() => setMoving(null));
  };
  const register = (id: string, el: HTMLDivElement | null): void => {
    if (el) elements.current.set(id, el);
    else elements.current.delete(id);
  };

  return (
    <div ref={layer} className="order-handles">
      {draggable.map((d) => (
        <Handle
          key={d.orderId}
          order={d}
          planId={orders.byId[d.orderId]?.planId ?? ''}
          tick={tick}
          moving={moving}
          blocked={block.why}
          register={register}
          priceAt={priceAt}
          onMove={setMoving}
          onSend={send}
        />
      ))}
    </div>
  );
}
