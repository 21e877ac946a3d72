// Native brackets through the bridge (bridge/native-brackets.ts): an entry the engine sends with its
// journaled exits goes to a venue that holds brackets as one submitBracket; the engine's later submits of
// those exits adopt the children (nothing sent); a partly filled entry's children are brought to its
// fill; the venue's own one-cancels-other answers the engine's cancel; the kill switch; a restart.
import { describe, expect, it } from 'vitest';
import type { VenueEvent, VenueOrder } from '../../src/main/engine/venues/venue.ts';
import type { BracketedOrder } from '../../src/main/venues/bridge/native-brackets.ts';
import { ExecutionBridge } from '../../src/main/venues/execution-bridge.ts';
import type { VenueBracketRequest, VenueOrderReport } from '../../src/main/venues/venue.ts';
import { manualTimers } from '../helpers/timers.ts';
import { waitFor } from '../helpers/wait.ts';
import { FakeLiveVenue, flush } from './fake-live-venue.ts';

async function setup(nativeBrackets = true) {
  const live = new FakeLiveVenue('hyperliquid', { nativeBrackets });
  const clock = manualTimers();
  const bridge = new ExecutionBridge({
    live,
    now: () => 1_000,
    timers: clock.timers,
    random: () => 0,
    confirmAfterMs: 5_000,
  });
  await bridge.connect();
  const events: VenueEvent[] = [];
  bridge.onEvent((e) => events.push(e));
  return { live, clock, bridge, events };
}

const entry = (over: Partial<BracketedOrder> = {}): BracketedOrder => ({
  clientOrderId: 'P1:E1',
  symbol: 'BTC/USD',
  side: 'buy',
  type: 'limit',
  quantity: '0.5',
  price: '60000',
  bracket: {
    stopLoss: { clientOrderId: 'P1:SL1', price: '58000' },
    takeProfit: { clientOrderId: 'P1:TP1', price: '63000' },
  },
  ...over,
});

/** The exits as the engine submits them after the entry's fill (brackets.ts placeStop/placeTakeProfit). */
const stop = (quantity = '0.5'): VenueOrder => ({
  clientOrderId: 'P1:SL1',
  symbol: 'BTC/USD',
  side: 'sell',
  type: 'stop',
  quantity,
  price: '58000',
  ocoGroup: 'P1:OCO',
  bracketLeg: 'stop_loss',
  reduceOnly: true,
});
const target = (quantity = '0.5'): VenueOrder => ({
  clientOrderId: 'P1:TP1',
  symbol: 'BTC/USD',
  side: 'sell',
  type: 'limit',
  quantity,
  price: '63000',
  ocoGroup: 'P1:OCO',
  bracketLeg: 'take_profit',
  reduceOnly: true,
});

const report = (
  id: string,
  venueOrderId: string,
  over: Partial<VenueOrderReport> = {},
): VenueOrderReport => ({
  clientOrderId: id,
  venueOrderId,
  symbol: 'BTC/USD',
  side: 'sell',
  type: id.includes('SL') ? 'stop' : 'limit',
  state: 'open',
  quantity: '0.5',
  filledQuantity: '0',
  time: 5,
  ...over,
});

const fill = (id: string, venueOrderId: string, tradeId: string, quantity: string, price: string) => ({
  type: 'fill' as const,
  fill: {
    tradeId,
    venueOrderId,
    clientOrderId: id,
    symbol: 'BTC/USD',
    side: id.endsWith('E1') ? ('buy' as const) : ('sell' as const),
    price,
    quantity,
    fee: '0',
    feeCurrency: 'USD',
    liquidity: 'maker' as const,
    time: 6,
  },
});

const of = (events: VenueEvent[], id: string) =>
  events.filter((e) => 'clientOrderId' in e && e.clientOrderId === id);

/** Sent, accepted, the entry filled in full at the venue; the engine heard the fill. */
async function filledBracket() {
  const s = await setup();
  s.bridge.submit(entry(), 0);
  await waitFor('the condition', () =>
    s.events.some((e) => e.type === 'accepted' && e.clientOrderId === 'P1:E1'),
  );
  s.live.emit(fill('P1:E1', 'O1', 'T1', '0.5', '60000'));
  s.live.emit({
    type: 'order',
    report: report('P1:E1', 'O1', { side: 'buy', state: 'filled', filledQuantity: '0.5' }),
  });
  await waitFor('the condition', () =>
    s.events.some((e) => e.type === 'filled' && e.clientOrderId === 'P1:E1'),
  );
  return s;
}

describe('native brackets: one bracket at the venue, its children adopted', () => {
  it('an entry with journaled exits goes as one submitBracket: exits full size, reduce-only, the engine ids', async () => {
    const s = await setup();
    s.bridge.submit(entry({ price: '60000.07' }), 0);
    await waitFor('the condition', () => s.live.callsOf('submitBracket').length === 1);
    const b = s.live.callsOf('submitBracket')[0]!.args[0] as VenueBracketRequest;
    expect(b.entry).toMatchObject({ clientOrderId: 'P1:E1', type: 'limit', quantity: '0.5', price: '60000' });
    expect(b.stopLoss).toEqual({
      clientOrderId: 'P1:SL1',
      symbol: 'BTC/USD',
      side: 'sell',
      type: 'stop',
      quantity: '0.5',
      stopPrice: '58000',
      reduceOnly: true,
    });
    expect(b.takeProfit).toEqual({
      clientOrderId: 'P1:TP1',
      symbol: 'BTC/USD',
      side: 'sell',
      type: 'limit',
      quantity: '0.5',
      price: '63000',
      reduceOnly: true,
    });
    expect(s.live.callsOf('submit')).toHaveLength(0);
    await waitFor('the condition', () => s.events.some((e) => e.type === 'accepted'));
    // The engine has not submitted its exits yet: it hears of the entry only.
    expect(s.events.map((e) => ('clientOrderId' in e ? e.clientOrderId : e.type))).toEqual([
      'P1:E1',
      'P1:E1',
    ]);
    expect(s.events[0]).toMatchObject({ type: 'amended', price: '60000' });
    expect(s.events[1]).toMatchObject({ type: 'accepted', venueOrderId: 'O1' });
  });

  it('the engine submits the exits after the fill: adopted with their venue ids, nothing sent', async () => {
    const s = await filledBracket();
    s.live.emit({ type: 'order', report: report('P1:SL1', 'O2') });
    await flush();
    expect(of(s.events, 'P1:SL1')).toEqual([]);
    s.bridge.submit(stop(), 0);
    s.bridge.submit(target(), 0);
    await waitFor('the condition', () => of(s.events, 'P1:TP1').length > 0);
    await flush();
    expect(s.live.callsOf('submit')).toHaveLength(0);
    // What the venue said of the stop while it was kept reaches the engine now, in order.
    expect(of(s.events, 'P1:SL1')).toEqual([
      { type: 'accepted', clientOrderId: 'P1:SL1', venueOrderId: 'O2', time: 1 },
      {
        type: 'status',
        clientOrderId: 'P1:SL1',
        venueOrderId: 'O2',
        state: 'open',
        quantity: '0.5',
        filledQuantity: '0',
        time: 5,
      },
    ]);
    expect(of(s.events, 'P1:TP1')).toEqual([
      { type: 'accepted', clientOrderId: 'P1:TP1', venueOrderId: 'O3', time: 1 },
    ]);
    // After adoption the venue's word goes straight through.
    s.live.emit({
      type: 'order',
      report: report('P1:TP1', 'O3', { state: 'partially_filled', filledQuantity: '0.1' }),
    });
    await waitFor('the condition', () => of(s.events, 'P1:TP1').length === 2);
    expect(of(s.events, 'P1:TP1')[1]).toMatchObject({
      type: 'status',
      state: 'partially_filled',
      filledQuantity: '0.1',
    });
  });

  it('the entry ends part filled: both children are modified to the filled quantity, once', async () => {
    const s = await setup();
    s.bridge.submit(entry(), 0);
    await waitFor('the condition', () => s.events.some((e) => e.type === 'accepted'));
    s.live.emit(fill('P1:E1', 'O1', 'T1', '0.2', '60000'));
    await waitFor('the condition', () => s.events.some((e) => e.type === 'filled'));
    // The engine places its exits for what is open (0.2) while the entry works: adopted as they are.
    s.bridge.submit(stop('0.2'), 0);
    s.bridge.submit(target('0.2'), 0);
    await waitFor('the condition', () => of(s.events, 'P1:TP1').length === 1);
    expect(s.live.callsOf('modify')).toHaveLength(0);
    // A further fill: the engine resizes its legs; the venue follows its parent, so nothing is sent.
    s.live.emit(fill('P1:E1', 'O1', 'T2', '0.1', '60000'));
    await waitFor('the condition', () => s.events.filter((e) => e.type === 'filled').length === 2);
    s.bridge.amend('P1:SL1', { quantity: '0.3' }, 0);
    await waitFor('the condition', () => of(s.events, 'P1:SL1').length === 2);
    expect(of(s.events, 'P1:SL1')[1]).toEqual({
      type: 'amended',
      clientOrderId: 'P1:SL1',
      quantity: '0.3',
      price: '58000',
      time: 0,
    });
    expect(s.live.callsOf('modify')).toHaveLength(0);
    // The rest of the entry is cancelled: 0.3 of 0.5 filled, the children (0.5 at the venue) go to 0.3.
    s.live.emit({
      type: 'order',
      report: report('P1:E1', 'O1', { side: 'buy', state: 'cancelled', filledQuantity: '0.3' }),
    });
    await waitFor('the condition', () => s.live.callsOf('modify').length === 2);
    expect(s.live.callsOf('modify').map((c) => c.args)).toEqual([
      [{ clientOrderId: 'P1:SL1', venueOrderId: 'O2' }, { quantity: '0.3' }],
      [{ clientOrderId: 'P1:TP1', venueOrderId: 'O3' }, { quantity: '0.3' }],
    ]);
    // The engine's own resize to the same size sends nothing more.
    s.bridge.amend('P1:TP1', { quantity: '0.3' }, 0);
    await flush();
    expect(s.live.callsOf('modify')).toHaveLength(2);
  });

  it('the venue cancels the sibling itself: the engine cancel sends nothing and is answered by the venue', async () => {
    const s = await filledBracket();
    s.bridge.submit(stop(), 0);
    s.bridge.submit(target(), 0);
    await waitFor('the condition', () => of(s.events, 'P1:TP1').length === 1);
    s.live.emit(fill('P1:TP1', 'O3', 'T9', '0.5', '63000'));
    await waitFor('the condition', () => of(s.events, 'P1:TP1').some((e) => e.type === 'filled'));
    // The engine's one-cancels-other, before the venue's report of the stop's end.
    s.bridge.cancel('P1:SL1', 0);
    await flush();
    expect(s.live.callsOf('cancel')).toHaveLength(0);
    s.live.emit({ type: 'order', report: report('P1:SL1', 'O2', { state: 'cancelled' }) });
    await waitFor('the condition', () => of(s.events, 'P1:SL1').some((e) => e.type === 'status'));
    expect(of(s.events, 'P1:SL1').at(-1)).toMatchObject({ type: 'status', state: 'cancelled' });
  });

  it('no word from the venue on the sibling: a query answers the engine cancel, never a stuck pending_cancel', async () => {
    const s = await filledBracket();
    s.bridge.submit(stop(), 0);
    s.bridge.submit(target(), 0);
    await waitFor('the condition', () => of(s.events, 'P1:TP1').length === 1);
    s.live.emit(fill('P1:TP1', 'O3', 'T9', '0.5', '63000'));
    await waitFor('the condition', () => of(s.events, 'P1:TP1').some((e) => e.type === 'filled'));
    s.live.book.set('P1:SL1', report('P1:SL1', 'O2', { state: 'cancelled' }));
    s.bridge.cancel('P1:SL1', 0);
    await flush();
    // Time passes until the bridge asks (after confirmAfterMs, then its query's backoff).
    await waitFor('the query to answer', () => {
      s.clock.advance(1_000);
      return of(s.events, 'P1:SL1').some((e) => e.type === 'status');
    });
    expect(s.live.callsOf('cancel')).toHaveLength(0);
    expect(s.live.callsOf('orderStatus')).toHaveLength(1);
    expect(of(s.events, 'P1:SL1').at(-1)).toMatchObject({ type: 'status', state: 'cancelled' });
  });

  it('kill switch while the bracket is queued: it never goes; while on the wire: cancel-all ends all three', async () => {
    const s = await setup();
    const release = s.live.hold('submit');
    s.bridge.submit(
      {
        clientOrderId: 'P0:E1',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'limit',
        quantity: '0.1',
        price: '59000',
      },
      0,
    );
    await waitFor('the condition', () => s.live.callsOf('submit').length === 1);
    s.bridge.submit(entry(), 0);
    s.bridge.cancel('P1:E1', 0);
    const killed = s.bridge.cancelAll();
    release();
    expect((await killed).kind).toBe('accepted');
    await flush();
    expect(s.live.callsOf('submitBracket')).toHaveLength(0);
    expect(of(s.events, 'P1:E1')).toEqual([
      { type: 'cancelled', clientOrderId: 'P1:E1', reason: 'cancelled before it was sent', time: 0 },
    ]);

    const t = await setup();
    const onWire = t.live.hold('submitBracket');
    t.bridge.submit(entry(), 0);
    await waitFor('the condition', () => t.live.callsOf('submitBracket').length === 1);
    t.bridge.cancel('P1:E1', 0);
    const kill = t.bridge.cancelAll();
    onWire();
    expect((await kill).kind).toBe('accepted');
    expect(t.live.callsOf('cancel')).toHaveLength(0);
    for (const [id, oid] of [
      ['P1:E1', 'O1'],
      ['P1:SL1', 'O2'],
      ['P1:TP1', 'O3'],
    ] as const)
      t.live.emit({
        type: 'order',
        report: report(id, oid, { state: 'cancelled', ...(id === 'P1:E1' ? { side: 'buy' } : {}) }),
      });
    await waitFor('the condition', () => of(t.events, 'P1:E1').some((e) => e.type === 'status'));
    await flush();
    expect(of(t.events, 'P1:E1').at(-1)).toMatchObject({ type: 'status', state: 'cancelled' });
    // The engine never placed the exits: nothing of theirs reaches it.
    expect(of(t.events, 'P1:SL1')).toEqual([]);
    expect(of(t.events, 'P1:TP1')).toEqual([]);
  });

  it('a restart with a bracket working: the children the venue reports are adopted when the engine submits them', async () => {
    const s = await setup();
    s.bridge.adopt([
      {
        clientOrderId: 'P1:E1',
        venueOrderId: 'O1',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'limit',
        quantity: '0.5',
        price: '60000',
        status: 'accepted',
      },
    ]);
    s.live.emit({ type: 'order', report: report('P1:SL1', 'O2', { stopPrice: '58000' }) });
    s.live.emit({ type: 'order', report: report('P1:TP1', 'O3', { price: '63000' }) });
    s.live.emit(fill('P1:E1', 'O1', 'T1', '0.5', '60000'));
    await waitFor('the condition', () => s.events.some((e) => e.type === 'filled'));
    await flush();
    expect(of(s.events, 'P1:SL1')).toEqual([]);
    s.bridge.submit(stop(), 0);
    s.bridge.submit(target(), 0);
    await waitFor('the condition', () => of(s.events, 'P1:TP1').length === 1);
    expect(s.live.callsOf('submit')).toHaveLength(0);
    expect(of(s.events, 'P1:SL1')).toEqual([
      { type: 'accepted', clientOrderId: 'P1:SL1', venueOrderId: 'O2', time: 5 },
    ]);
    expect(of(s.events, 'P1:TP1')).toEqual([
      { type: 'accepted', clientOrderId: 'P1:TP1', venueOrderId: 'O3', time: 5 },
    ]);
  });

  it('a child the venue refused is no child: the engine exit goes out as an ordinary order', async () => {
    const s = await setup();
    s.live.answer('submitBracket', {
      entry: { kind: 'accepted', venueOrderId: 'O1', time: 1 },
      stopLoss: { kind: 'accepted', venueOrderId: 'O2', time: 1 },
      takeProfit: { kind: 'rejected', reason: 'invalid_order', message: 'no' },
    });
    s.bridge.submit(entry(), 0);
    await waitFor('the condition', () => s.events.some((e) => e.type === 'accepted'));
    s.live.emit(fill('P1:E1', 'O1', 'T1', '0.5', '60000'));
    await waitFor('the condition', () => s.events.some((e) => e.type === 'filled'));
    s.bridge.submit(stop(), 0);
    s.bridge.submit(target(), 0);
    await waitFor('the condition', () => of(s.events, 'P1:TP1').length === 1);
    expect(
      s.live.callsOf('submit').map((c) => (c.args[0] as { clientOrderId: string }).clientOrderId),
    ).toEqual(['P1:TP1']);
  });

  it('the engine one-cancels-other path is unchanged: no bracket attached, or a venue without native brackets', async () => {
    const s = await setup();
    s.bridge.submit({ ...entry(), bracket: undefined } as BracketedOrder, 0);
    const t = await setup(false);
    t.bridge.submit(entry(), 0);
    const u = await setup();
    u.bridge.submit(entry({ type: 'stop', price: '61000' }), 0);
    await waitFor(
      'the condition',
      () =>
        s.live.callsOf('submit').length === 1 &&
        t.live.callsOf('submit').length === 1 &&
        u.live.callsOf('submit').length === 1,
    );
    expect(s.live.callsOf('submitBracket')).toHaveLength(0);
    expect(t.live.callsOf('submitBracket')).toHaveLength(0);
    expect(u.live.callsOf('submitBracket')).toHaveLength(0);
  });
});
