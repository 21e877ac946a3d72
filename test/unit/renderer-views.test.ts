// What the renderer's panels derive, pure: the ticket's inline checks, a partial close's quantity,
// the history's questions to the engine, chart markers and level lines, the queue's display of the engine's sizing, the
// equity curve as plotted, desktop notes. Expectations computed by hand.
import { describe, expect, it } from 'vitest';
import { planRisk, planSize, riskPctOfEquity } from '../../src/renderer/src/features/approvals/risk.ts';
import { closeQuantity } from '../../src/renderer/src/features/blotter/close.ts';
import { nextSort, sortIds } from '../../src/renderer/src/features/blotter/sorting.ts';
import { appendFrom } from '../../src/renderer/src/features/chart/bars.ts';
import { fillMarkers, workingLines } from '../../src/renderer/src/features/chart/markers.ts';
import { crosshairLabel, tickMarkLabel } from '../../src/renderer/src/features/chart/time-labels.ts';
import { chartPoints } from '../../src/renderer/src/features/history/curve.ts';
import { NO_FILTER, queryArgs } from '../../src/renderer/src/features/history/filters.ts';
import { PAGE_SIZE, pageArgs } from '../../src/renderer/src/features/history/page-args.ts';
import { sharpeText } from '../../src/renderer/src/features/history/sharpe.ts';
import {
  checkTicket,
  EMPTY_TICKET,
  type TicketContext,
  ticketFieldOf,
} from '../../src/renderer/src/features/ticket/ticket-checks.ts';
import { notesFor } from '../../src/renderer/src/lib/notes.ts';
import { orderLabel } from '../../src/renderer/src/lib/plan-labels.ts';
import { dec } from '../../src/shared/domain/decimal.ts';
import type { Bar } from '../../src/shared/domain/instrument.ts';
import type { FillRecord, OrderRecord } from '../../src/shared/domain/order.ts';
import type { PlanRecord } from '../../src/shared/domain/plan.ts';

const T = Date.UTC(2024, 2, 5, 14, 30);

function plan(
  id: string,
  over: Partial<PlanRecord> = {},
  input: Partial<PlanRecord['input']> = {},
): PlanRecord {
  return {
    id,
    input: { id, symbol: 'SPY', side: 'buy', entry: { type: 'market' }, stopLoss: '95', ...input },
    status: 'pending_approval',
    receivedAt: T,
    updatedAt: T,
    ...over,
  };
}

describe('order ticket: inline checks', () => {
  const ctx: TicketContext = { known: new Set(['SPY', 'QQQ']), last: '512.1', tick: '0.01', lot: '1' };
  const buy = { ...EMPTY_TICKET, symbol: 'spy' };

  it('a clean market buy becomes the plan to preview and send (symbol upper-cased, blanks left out)', () => {
    expect(checkTicket({ ...buy, stopLoss: '510', takeProfit: '515' }, ctx)).toEqual({
      plan: { symbol: 'SPY', side: 'buy', entry: { type: 'market' }, stopLoss: '510', takeProfit: '515' },
      problems: {},
    });
  });

  it('a buy needs stop < entry < target, judged at the last price for a market entry', () => {
    const r = checkTicket({ ...buy, stopLoss: '513', takeProfit: '511' }, ctx);
    expect(r.problems).toEqual({
      stopLoss: "Stop loss: a buy's stop must be below the last price 512.10",
      takeProfit: "Take profit: a buy's target must be above the last price 512.10",
    });
    // Side problems do not stop the engine preview (it sizes the plan regardless).
    expect(r.plan).not.toBeNull();
  });

  it('a sell needs target < entry < stop, judged at its limit price', () => {
    const sell = { ...buy, side: 'sell' as const, type: 'limit' as const, price: '500' };
    expect(checkTicket({ ...sell, stopLoss: '499.5', takeProfit: '500' }, ctx).problems).toEqual({
      stopLoss: "Stop loss: a sell's stop must be above the entry 500.00",
      takeProfit: "Take profit: a sell's target must be below the entry 500.00",
    });
    expect(checkTicket({ ...sell, stopLoss: '505', takeProfit: '490' }, ctx).problems).toEqual({});
  });

  it('without a reference price, stop and target are still checked against each other', () => {
    const r = checkTicket({ ...buy, stopLoss: '515', takeProfit: '510' }, { ...ctx, last: undefined });
    expect(r.problems).toEqual({ stopLoss: "Stop loss: a buy's stop must be below its target" });
  });

  it('an unknown symbol, a bad number or a missing limit price holds the preview back', () => {
    const unknown = checkTicket({ ...buy, symbol: 'ZZZ' }, ctx);
    expect(unknown).toEqual({ plan: null, problems: { symbol: 'Symbol: the engine does not know ZZZ' } });
    const typo = checkTicket({ ...buy, stopLoss: '51O' }, ctx);
    expect(typo).toEqual({
      plan: null,
      problems: { stopLoss: 'Stop loss: expected a number such as 512.10' },
    });
    const noPrice = checkTicket({ ...buy, type: 'limit' }, ctx);
    expect(noPrice.problems).toEqual({ price: 'Entry price: a limit entry needs a price' });
    expect(checkTicket({ ...buy, quantity: '0' }, ctx).problems).toEqual({
      quantity: 'Quantity: must be greater than 0',
    });
    // Whole lots only: 1000.5 shares, or 0.15 of a 0.1 lot, is refused where it is typed.
    expect(checkTicket({ ...buy, quantity: '1000.5' }, ctx)).toEqual({
      plan: null,
      problems: { quantity: 'Quantity: a whole number of lots (lot 1)' },
    });
    expect(checkTicket({ ...buy, quantity: '0.15' }, { ...ctx, lot: '0.10' }).problems).toEqual({
      quantity: 'Quantity: a whole number of lots (lot 0.1)',
    });
    expect(checkTicket({ ...buy, quantity: '0.3' }, { ...ctx, lot: '0.1' }).plan?.quantity).toBe('0.3');
    // Before the first snapshot there is nothing to check a symbol against.
    expect(checkTicket({ ...buy, symbol: 'ZZZ' }, { ...ctx, known: null }).plan?.symbol).toBe('ZZZ');
  });

  it('the trail is typed in percent and sent as a fraction', () => {
    expect(checkTicket({ ...buy, trail: '2.5' }, ctx).plan?.trailPct).toBe('0.025');
    expect(checkTicket({ ...buy, trail: '100' }, ctx).problems).toEqual({
      trail: 'Trail %: must be below 100',
    });
  });

  it("the engine's problem fields land on the ticket's fields", () => {
    expect(ticketFieldOf('entry.price')).toBe('price');
    expect(ticketFieldOf('plan.stopLoss')).toBe('stopLoss');
    expect(ticketFieldOf('trailPct')).toBe('trail');
    expect(ticketFieldOf('plan')).toBe('plan');
  });
});

describe('partial close', () => {
  it('the whole position by default (no quantity sent), part of it in whole lots', () => {
    expect(closeQuantity('100', '100', '1')).toEqual({ ok: true, quantity: undefined });
    expect(closeQuantity(' 40 ', '100', '1')).toEqual({ ok: true, quantity: '40' });
    expect(closeQuantity('0.5', '2', '0.1')).toEqual({ ok: true, quantity: '0.5' });
  });

  it('refuses nothing, zero, more than is open, broken lots and text', () => {
    expect(closeQuantity('', '100', '1')).toEqual({ ok: false, problem: 'Enter the quantity to close' });
    expect(closeQuantity('0', '100', '1')).toEqual({
      ok: false,
      problem: 'Quantity: must be greater than 0',
    });
    expect(closeQuantity('101', '100', '1')).toEqual({
      ok: false,
      problem: 'Quantity: at most the open 100',
    });
    expect(closeQuantity('2.5', '100', '1')).toEqual({
      ok: false,
      problem: 'Quantity: a whole number of lots (lot 1)',
    });
    expect(closeQuantity('ten', '100', '1')).toEqual({
      ok: false,
      problem: 'Quantity: expected a number such as 50',
    });
  });
});

describe('trade history: sorting and the engine query', () => {
  it('a click sorts ascending, a second click descending', () => {
    const s1 = nextSort({ key: 'closed', dir: 'descending' }, 'pnl');
    expect(s1).toEqual({ key: 'pnl', dir: 'ascending' });
    expect(nextSort(s1, 'pnl')).toEqual({ key: 'pnl', dir: 'descending' });
  });

  it("a page is asked of the engine with the grid's column as its sort key", () => {
    expect(pageArgs(NO_FILTER, { key: 'closed', dir: 'descending' }, 0)).toEqual({
      sort: { key: 'closed', dir: 'desc' },
      offset: 0,
      limit: PAGE_SIZE,
    });
    expect(pageArgs({ ...NO_FILTER, symbol: 'SPY' }, { key: 'pnl-pct', dir: 'ascending' }, 3)).toEqual({
      symbol: 'SPY',
      sort: { key: 'pnlPct', dir: 'asc' },
      offset: 3 * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
  });

  it('any grid: exact decimals, times and texts; a record gone or unreadable does not break the sort', () => {
    const rows: Record<string, { p: string }> = { a: { p: '10.5' }, b: { p: '9.75' }, c: { p: 'n/a' } };
    const byP = (r: { p: string }) => dec(r.p);
    expect(sortIds(['a', 'b', 'c', 'gone'], (id) => rows[id], { key: 'p', dir: 'ascending' }, byP)).toEqual([
      'c', // unreadable: first
      'b',
      'a',
    ]);
    expect(sortIds(['a', 'b'], (id) => rows[id], { key: 'p', dir: 'descending' }, byP)).toEqual(['a', 'b']);
  });

  it('the filter goes to the engine with unset fields left out (its schema is strict)', () => {
    expect(queryArgs(NO_FILTER)).toEqual({});
    expect(queryArgs({ symbol: 'SPY', side: '', outcome: 'loss', reason: 'stop_loss' })).toEqual({
      symbol: 'SPY',
      outcome: 'loss',
      reason: 'stop_loss',
    });
  });

  it('Sharpe only when the engine gives one', () => {
    expect(sharpeText('1.23456', 20)).toBe('1.23');
    expect(sharpeText(null, 20)).toBe('n/a (needs 20 trades)');
    expect(sharpeText(null, null)).toBe('n/a');
  });

  it("the engine's equity curve is plotted in seconds, one point per second", () => {
    expect(
      chartPoints([
        { time: T, value: '100000' },
        { time: T + 60_000, value: '100000.1' },
        { time: T + 60_400, value: '99999.9' }, // the same second: the later value stands
        { time: T + 120_000, value: '100009.95' },
      ]),
    ).toEqual([
      { time: T / 1000, value: 100000 },
      { time: T / 1000 + 60, value: 99999.9 },
      { time: T / 1000 + 120, value: 100009.95 },
    ]);
  });
});

describe('approval queue: the engine’s sizing, not a renderer estimate', () => {
  it('shows the engine preview as an estimate until the plan is sized, and its risk exactly', () => {
    const waiting = plan('p', { preview: { quantity: '40', ref: '100.10' } });
    expect(planSize(waiting)).toEqual({ quantity: '40', estimated: true });
    expect(planRisk(waiting)).toBe('204'); // |100.10 - 95| x 40 = 5.10 x 40
    const sized = plan(
      'q',
      { quantity: '3', preview: { quantity: '40', ref: '100' } },
      {
        side: 'sell',
        entry: { type: 'limit', price: '0.3' },
        stopLoss: '0.4',
      },
    );
    expect(planSize(sized)).toEqual({ quantity: '3', estimated: false });
    expect(planRisk(sized)).toBe('0.3'); // |0.3 - 0.4| x 3, where floats give 0.30000000000000004
    expect(riskPctOfEquity('204', '100000')).toBe('0.204');
  });

  it('no preview, no stop: nothing is made up', () => {
    expect(planSize(plan('r'))).toBeNull();
    expect(
      planRisk(plan('r', { preview: { quantity: '10', ref: '100' } }, { stopLoss: undefined })),
    ).toBeNull();
  });
});

describe('chart: markers and level lines', () => {
  const bar = (minute: number): Bar => ({
    time: T + minute * 60_000,
    symbol: 'SPY',
    open: '512',
    high: '513',
    low: '511',
    close: '512.5',
    volume: '1000',
  });
  const bars = [bar(0), bar(1), bar(2)];
  const order = (id: string, role: OrderRecord['role'], over: Partial<OrderRecord> = {}): OrderRecord => ({
    id,
    planId: 'p',
    symbol: 'SPY',
    venue: 'paper',
    role,
    side: 'buy',
    type: 'limit',
    quantity: '100',
    status: 'accepted',
    filledQuantity: '0',
    createdAt: T,
    updatedAt: T,
    ...over,
  });
  const fill = (id: string, orderId: string, side: 'buy' | 'sell', at: number, price: string, q: string) =>
    ({
      id,
      orderId,
      planId: 'p',
      symbol: 'SPY',
      side,
      time: at,
      price,
      quantity: q,
      fee: '0',
      liquidity: 'taker',
    }) satisfies FillRecord;
  const orders = { 'p:E1': order('p:E1', 'entry'), 'p:X1': order('p:X1', 'exit', { side: 'sell' }) };

  it('fills on one candle and side merge into one marker at their weighted price, at tick precision', () => {
    const marks = fillMarkers(
      'SPY',
      bars,
      [
        fill('f1', 'p:E1', 'buy', T + 60_000 + 5_000, '510.921087', '100'),
        fill('f2', 'p:E1', 'buy', T + 60_000 + 9_000, '511.2', '200'),
        fill('f3', 'p:X1', 'sell', T + 60_000 + 30_000, '512.1', '300'),
        fill('f4', 'p:X1', 'sell', T + 120_000 + 1_000, '513', '50'),
        fill('f5', 'p:E1', 'buy', T - 60_000, '500', '1'), // before the first candle: not drawn
      ],
      orders,
      '0.01',
    );
    // (510.921087 x 100 + 511.2 x 200) / 300 = 153332.1087 / 300 = 511.107029...
    expect(marks).toEqual([
      {
        time: (T + 60_000) / 1000,
        position: 'belowBar',
        kind: 'entry',
        side: 'buy',
        text: 'BUY 300@511.11 (2 fills)',
      },
      {
        time: (T + 60_000) / 1000,
        position: 'aboveBar',
        kind: 'exit',
        side: 'sell',
        text: 'EXIT 300@512.10',
      },
      {
        time: (T + 120_000) / 1000,
        position: 'aboveBar',
        kind: 'exit',
        side: 'sell',
        text: 'EXIT 50@513.00',
      },
    ]);
  });

  it('an entry and an exit on the same spot share one marker, the entry first', () => {
    const shortOrders = {
      'p:E1': order('p:E1', 'entry', { side: 'sell' }),
      'p:X1': order('p:X1', 'exit', { side: 'sell' }),
    };
    const marks = fillMarkers(
      'SPY',
      bars,
      [
        fill('f1', 'p:X1', 'sell', T + 10_000, '512', '5'),
        fill('f2', 'p:E1', 'sell', T + 20_000, '511.5', '10'),
      ],
      shortOrders,
      '0.5',
    );
    expect(marks).toEqual([
      {
        time: T / 1000,
        position: 'aboveBar',
        kind: 'entry',
        side: 'sell',
        text: 'EXIT 5@512.0 · SELL 10@511.5',
      },
    ]);
  });

  it("the time axis and the crosshair read in the operator's zone", () => {
    const open = Date.UTC(2024, 2, 5, 14, 30) / 1000; // 09:30 in New York (EST)
    expect(tickMarkLabel(open, 3, 'UTC')).toBe('14:30');
    expect(tickMarkLabel(open, 3, 'America/New_York')).toBe('09:30');
    expect(tickMarkLabel(open + 7, 4, 'America/New_York')).toBe('09:30:07');
    expect(tickMarkLabel(open, 2, 'America/New_York')).toBe('5');
    // 03:00 UTC on 1 March is still 29 February in New York.
    const night = Date.UTC(2024, 2, 1, 3, 0) / 1000;
    expect(tickMarkLabel(night, 1, 'UTC')).toBe('Mar');
    expect(tickMarkLabel(night, 1, 'America/New_York')).toBe('Feb');
    expect(tickMarkLabel(night, 0, 'America/New_York')).toBe('2024');
    expect(crosshairLabel(open, 'America/New_York')).toBe('2024-03-05 09:30');
  });

  it('streamed candles update from the last drawn one; other history (a restart) is drawn afresh', () => {
    const drawn = [bar(0), bar(1), bar(2)];
    expect(appendFrom(drawn, [...drawn, bar(3), bar(4)])).toBe(2); // redraw candle 2 (it may have grown), add 3, 4
    expect(appendFrom(drawn, [bar(1), bar(2), bar(3)])).toBe(1); // the oldest dropped (MAX_BARS): still an append
    // A snapshot after a restart carries older candles than were drawn: redraw all.
    expect(appendFrom([bar(2)], drawn)).toBeNull();
    // History that skips past what was drawn, or none drawn yet: redraw.
    expect(appendFrom(drawn, [bar(5), bar(6)])).toBeNull();
    expect(appendFrom([], drawn)).toBeNull();
    expect(appendFrom(drawn, [bar(0), bar(1)])).toBeNull(); // the last drawn candle is gone
  });

  it('working entry, stop and target lines from orders, then from plans not yet filled, one per level', () => {
    const lines = workingLines(
      'SPY',
      [
        order('p:E1', 'entry', { price: '510.50' }),
        order('o:S1', 'stop_loss', { type: 'stop', side: 'sell', price: '505' }),
        order('o:T1', 'take_profit', { side: 'sell', price: '520' }),
        order('o:S0', 'stop_loss', { type: 'stop', price: '500', status: 'cancelled' }), // not working
        order('x:E1', 'entry', { type: 'market' }), // a market entry has no level
      ],
      [
        plan(
          'p',
          { status: 'working' },
          { entry: { type: 'limit', price: '510.5' }, stopLoss: '506', takeProfit: '520' },
        ),
        plan('q', {}, { entry: { type: 'limit', price: '508' }, stopLoss: '504' }),
        plan('r', { status: 'closed' }, { entry: { type: 'limit', price: '400' } }),
        plan('s', {}, { symbol: 'QQQ', entry: { type: 'limit', price: '300' } }),
      ],
    );
    expect(lines).toEqual([
      { role: 'entry', price: '508', pending: true },
      { role: 'entry', price: '510.5', pending: false }, // the working order outranks its plan's level
      { role: 'stop', price: '504', pending: true },
      { role: 'stop', price: '505', pending: false },
      { role: 'stop', price: '506', pending: true }, // plan p's bracket, not placed until the entry fills
      { role: 'target', price: '520', pending: false },
    ]);
  });
});

describe('labels and notes', () => {
  it("an order id shows its plan's short label", () => {
    expect(orderLabel('demo-SPY-1709649000000:E1', 'demo-SPY-1709649000000', 'SPY-0305-1430')).toBe(
      'SPY-0305-1430:E1',
    );
    expect(orderLabel('other', 'p', 'SPY-0305-1430')).toBe('other');
  });

  it('desktop notes: prices at the tick, plans by label, reasons in words with the code second', () => {
    const view = { tick: () => '0.01', label: (id: string) => (id === 'x' ? 'TSLA-0305-1430' : id) };
    const notes = notesFor(
      [
        {
          type: 'fill',
          fill: {
            id: 'x:E1#1',
            orderId: 'x:E1',
            planId: 'x',
            symbol: 'TSLA',
            side: 'buy',
            time: T,
            price: '510.921087',
            quantity: '100',
            fee: '0',
            liquidity: 'taker',
          },
        },
        { type: 'plan', plan: { ...plan('x', { status: 'rejected' }), reason: 'insufficient_funds' } },
        { type: 'plan', plan: { ...plan('y', { status: 'rejected' }), reason: 'operator' } },
      ],
      view,
    );
    expect(notes).toEqual([
      { title: 'Filled TSLA', body: 'BUY 100 @ 510.92' },
      { title: 'Plan rejected: SPY', body: 'Plan TSLA-0305-1430: insufficient funds (insufficient_funds)' },
    ]);
  });
});
