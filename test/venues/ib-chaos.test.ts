// Chaos for Braid's IB adapter through the REAL @stoqey/ib client against the TWS API simulator, each
// with its count printed: a gateway restart whose nextValidId is rolled back below ids Braid used (0
// reused ids, no error 103), 1100 with fills during the outage (0 lost, 0 double-booked after 1101 and
// 1102), fills while the adapter is down (a dropped socket; Braid killed and started again) found at
// reconnect, a client id in use (326) that waits instead of spinning, and a rejected bracket child (201).
import { afterEach, describe, expect, it } from 'vitest';
import { realTimers, type Timers } from '../../src/main/venues/backoff.ts';
import { createIbVenue, type IbVenue, type IbVenueOptions } from '../../src/main/venues/ib/ib-venue.ts';
import { memoryIdStore } from '../../src/main/venues/ib/order-ids.ts';
import type { VenueEvent, VenueFill, VenueOrderReport } from '../../src/main/venues/venue.ts';
import { waitFor } from '../helpers/wait.ts';
import { type IbSimulator, startIbSimulator } from './ib/simulator.ts';

const ACCOUNT = 'DU1234567';
let venues: IbVenue[] = [];
let sims: IbSimulator[] = [];

afterEach(async () => {
  for (const v of venues) await v.disconnect();
  for (const s of sims) await s.close();
  venues = [];
  sims = [];
});

async function sim(nextValidId = 1): Promise<IbSimulator> {
  const s = await startIbSimulator({ nextValidId });
  sims.push(s);
  return s;
}

interface Watched {
  venue: IbVenue;
  events: VenueEvent[];
  fills: () => VenueFill[];
  reports: (id: string) => VenueOrderReport[];
}

function adapter(
  s: IbSimulator,
  store: ReturnType<typeof memoryIdStore>,
  opts: Partial<IbVenueOptions> = {},
): Watched {
  const venue = createIbVenue({
    host: '127.0.0.1',
    port: s.port,
    clientId: 17,
    account: ACCOUNT,
    idStore: store,
    ...opts,
  });
  venues.push(venue);
  const events: VenueEvent[] = [];
  venue.onEvent((e) => events.push(e));
  return {
    venue,
    events,
    fills: () => events.flatMap((e) => (e.type === 'fill' ? [e.fill] : [])),
    reports: (id) =>
      events.flatMap((e) => (e.type === 'order' && e.report.clientOrderId === id ? [e.report] : [])),
  };
}

const limit = (id: string, quantity = '10') =>
  ({ clientOrderId: id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity, price: '180' }) as const;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const reconnects = (w: Watched) => w.events.filter((e) => e.type === 'reconnected').length;
const duplicates = (ids: readonly (string | number)[]) => ids.length - new Set(ids).size;

describe('IB chaos', () => {
  it('gateway restart with nextValidId rolled back from 6 to 2, then Braid restarted against nextValidId 3: 0 reused ids, no error 103', async () => {
    const s = await sim(1);
    const store = memoryIdStore();
    const a = adapter(s, store);
    expect((await a.venue.connect()).ok).toBe(true);
    for (let i = 1; i <= 5; i++) expect((await a.venue.submit(limit(`g${i}`))).kind).toBe('accepted');
    const down = deferred();
    const restart = s.restartGateway({ nextValidId: 2, downUntil: down.promise });
    await waitFor('lost', () => a.venue.health().state === 'disconnected');
    const attemptsBefore = a.venue.connectionAttempts;
    // It keeps trying by itself while the gateway is down (refused sockets), with backoff.
    await waitFor('retrying', () => a.venue.connectionAttempts >= attemptsBefore + 2);
    down.resolve();
    await restart;
    await waitFor('reconnected', () => reconnects(a) === 1);
    for (let i = 6; i <= 8; i++) expect((await a.venue.submit(limit(`g${i}`))).kind).toBe('accepted');
    await a.venue.disconnect();

    // Braid restarts (its mark persisted at 8) against a gateway that says 3.
    await s.restartGateway({ nextValidId: 3 });
    const b = adapter(s, store);
    expect((await b.venue.connect()).ok).toBe(true);
    for (let i = 9; i <= 10; i++) expect((await b.venue.submit(limit(`g${i}`))).kind).toBe('accepted');

    const ids = s.placeOrderMessages().map((m) => m.orderId);
    const errors103 = a.venue.duplicateIdErrors + b.venue.duplicateIdErrors;
    console.log(
      `[ib-chaos] rollback: placeOrders ${ids.length}, ids ${ids.join(',')}, reused ${duplicates(ids)}, error 103 ${errors103}, ids offered below the mark ${a.venue.rolledBackIds} + ${b.venue.rolledBackIds}`,
    );
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(duplicates(ids)).toBe(0);
    expect(errors103).toBe(0);
    // 6 - 2 = 4 offered ids below the mark after the gateway restart; 9 - 3 = 6 after Braid's.
    expect([a.venue.rolledBackIds, b.venue.rolledBackIds]).toEqual([4, 6]);
    expect(s.orders().filter((o) => o.status === 'Submitted')).toHaveLength(10);
    expect(store.value).toBe(10);
  });

  it('1100 with fills during the outage: entries paused; after 1101 (data lost) and 1102, 0 fills lost and 0 double-booked', async () => {
    const s = await sim(1);
    const a = adapter(s, memoryIdStore());
    expect((await a.venue.connect()).ok).toBe(true);
    expect((await a.venue.ticker('AAPL')).ok).toBe(true);
    for (let i = 1; i <= 6; i++) await a.venue.submit(limit(`o${i}`));
    s.connectivityLost();
    await waitFor('paused', () => a.venue.health().state === 'disconnected');
    expect(a.venue.health().detail).toContain('1100');
    expect(
      a.events.some(
        (e) => e.type === 'connection' && e.state === 'disconnected' && e.detail?.includes('entries paused'),
      ),
    ).toBe(true);
    // During the outage: orders 1 and 2 fill, 3 fills 3 of 10, 4 fills 2 then 5: 5 executions, 20 + 3 + 7 shares.
    s.fill(1);
    s.fill(2);
    s.fill(3, 3);
    s.fill(4, 2);
    s.fill(4, 5);
    expect(a.fills()).toEqual([]);
    const mktDataBefore = s.received().filter((m) => m.msgId === 1).length;
    s.connectivityRestored(true);
    await waitFor('reconnected after 1101', () => reconnects(a) === 1);
    expect(a.venue.health().state).toBe('connected');
    // 1101: data lost: market data subscribed again.
    expect(s.received().filter((m) => m.msgId === 1).length).toBe(mktDataBefore + 1);
    // Another outage with nothing new, ended by 1102.
    s.connectivityLost();
    await waitFor('paused again', () => a.venue.health().state === 'disconnected');
    s.connectivityRestored(false);
    await waitFor('reconnected after 1102', () => reconnects(a) === 2);
    // 1102: data maintained: no second subscription.
    expect(s.received().filter((m) => m.msgId === 1).length).toBe(mktDataBefore + 1);
    // The engine's own reconciliation read, once more.
    const mass = await a.venue.massStatus({ since: 0 });

    const atVenue = s.executions().map((e) => e.execId);
    const booked = a.fills().map((f) => f.tradeId);
    const lost = atVenue.filter((id) => !booked.includes(id)).length;
    console.log(
      `[ib-chaos] 1100: executions at IB ${atVenue.length}, fills booked ${booked.length}, lost ${lost}, double-booked ${duplicates(booked)}, reconnections ${reconnects(a)}`,
    );
    expect(atVenue).toHaveLength(5);
    expect(lost).toBe(0);
    expect(duplicates(booked)).toBe(0);
    expect(booked).toHaveLength(5);
    expect(a.fills().reduce((n, f) => n + Number(f.quantity), 0)).toBe(30);
    // Each fill with its commission: 1.00 each (under 200 shares).
    expect(a.fills().every((f) => f.fee === '1')).toBe(true);
    expect(a.reports('o1').at(-1)?.state).toBe('filled');
    expect(a.reports('o3').at(-1)).toMatchObject({ state: 'partially_filled', filledQuantity: '3' });
    expect(a.reports('o4').at(-1)).toMatchObject({ state: 'partially_filled', filledQuantity: '7' });
    expect(mass.ok && mass.value.openOrders.map((o) => o.clientOrderId).sort()).toEqual([
      'o3',
      'o4',
      'o5',
      'o6',
    ]);
  });

  it('fills while the adapter is down: a dropped socket reconnects by itself, and Braid killed and started again, both find them at reconnect', async () => {
    const s = await sim(1);
    const store = memoryIdStore();
    const a = adapter(s, store);
    expect((await a.venue.connect()).ok).toBe(true);
    for (let i = 1; i <= 3; i++) await a.venue.submit(limit(`d${i}`));
    // The socket drops and the gateway refuses for a while; order 1 fills meanwhile.
    const down = deferred();
    const restart = s.restartGateway({ nextValidId: 4, downUntil: down.promise });
    await waitFor('lost', () => a.venue.health().state === 'disconnected');
    s.fill(1);
    down.resolve();
    await restart;
    await waitFor('reconnected', () => reconnects(a) === 1);
    expect(a.fills().map((f) => f.clientOrderId)).toEqual(['d1']);
    expect(a.reports('d1').at(-1)?.state).toBe('filled');

    // Braid is killed with d2 and d3 working; d2 fills while nothing is connected.
    await a.venue.disconnect();
    await waitFor('no client', () => s.clients() === 0);
    s.fill(2, 4);
    s.fill(2);
    const b = adapter(s, store);
    expect((await b.venue.connect()).ok).toBe(true);
    // A fresh process books every execution of the day it is told (the engine's journal dedupes d1's).
    const d2 = b.fills().filter((f) => f.clientOrderId === 'd2');
    const open = await b.venue.openOrders();
    console.log(
      `[ib-chaos] down: executions at IB ${s.executions().length}, found by the restarted adapter ${b.fills().length} (d2: ${d2.length}), open after restart ${open.ok ? open.value.map((o) => o.clientOrderId).join(',') : '?'}`,
    );
    expect(d2.map((f) => f.quantity)).toEqual(['4', '6']);
    expect(
      b
        .fills()
        .map((f) => f.tradeId)
        .sort(),
    ).toEqual(
      s
        .executions()
        .map((e) => e.execId)
        .sort(),
    );
    expect(open.ok && open.value.map((o) => [o.clientOrderId, o.venueOrderId])).toEqual([['d3', '3']]);
    // Its next order continues from the persisted mark.
    expect(await b.venue.submit(limit('d4'))).toMatchObject({ kind: 'accepted', venueOrderId: '4' });
  });

  it('a client id in use (326) at a reconnection waits at least clientIdWaitMs before trying again, never spins', async () => {
    const s = await sim(1);
    const delays: number[] = [];
    // Reconnection waits (under a second) are held while `hold` is set, so the rival below is surely first.
    let hold = false;
    const held: (() => void)[] = [];
    const timers: Timers = {
      setTimeout: (fn, ms) => {
        delays.push(ms);
        if (hold && ms < 1_000) {
          held.push(fn);
          return null;
        }
        return realTimers.setTimeout(fn, ms);
      },
      clearTimeout: (h) => {
        if (h !== null) realTimers.clearTimeout(h);
      },
    };
    const a = adapter(s, memoryIdStore(), { timers, clientIdWaitMs: 60_000 });
    expect((await a.venue.connect()).ok).toBe(true);
    // Another connection with client id 17 (a second Braid): refused with 326, and it does not retry.
    const other = adapter(s, memoryIdStore());
    const refused = await other.venue.connect();
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toContain('326');
    expect(other.venue.connectionAttempts).toBe(1);
    await other.venue.disconnect();
    // The first loses its socket; a rival takes client id 17 first: the reconnection meets 326 and waits.
    const rival = adapter(s, memoryIdStore());
    hold = true;
    s.dropConnections();
    await waitFor('lost', () => a.venue.health().state === 'disconnected');
    expect((await rival.venue.connect()).ok).toBe(true);
    hold = false;
    await waitFor('the reconnection timer', () => held.length > 0);
    for (const fn of held.splice(0)) fn();
    await waitFor('a 326 wait', () => delays.some((d) => d >= 60_000));
    const attempts = a.venue.connectionAttempts;
    console.log(
      `[ib-chaos] 326: attempts ${attempts}, wait after 326 ${Math.max(...delays)} ms, detail "${a.venue.health().detail}"`,
    );
    expect(a.venue.health().detail).toContain('326');
    expect(attempts).toBeLessThanOrEqual(3);
  });

  it('a rejected bracket child (201): the take-profit refused, the entry and its stop stand; the stop refused, nothing is left at IB', async () => {
    const s = await sim(1);
    const gate = new Gate();
    const a = adapter(s, memoryIdStore(), { pacing: gate });
    expect((await a.venue.connect()).ok).toBe(true);
    const bracket = (id: string) => ({
      entry: {
        clientOrderId: id,
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        quantity: '10',
        price: '189',
      } as const,
      takeProfit: {
        clientOrderId: `${id}:TP`,
        symbol: 'AAPL',
        side: 'sell',
        type: 'limit',
        quantity: '10',
        price: '200',
      } as const,
      stopLoss: {
        clientOrderId: `${id}:SL`,
        symbol: 'AAPL',
        side: 'sell',
        type: 'stop',
        quantity: '10',
        stopPrice: '185',
      } as const,
    });
    // The take-profit (second message) is refused.
    gate.closed = true;
    const first = a.venue.submitBracket(bracket('x1'));
    await gate.passOne();
    await waitFor('parent on the wire', () => s.placeOrderMessages().length === 1);
    s.rejectNext(201, 'Order rejected - reason:The take-profit price is outside the limits');
    gate.open();
    const one = await first;
    expect(one).toMatchObject({
      entry: { kind: 'accepted', venueOrderId: '1' },
      takeProfit: { kind: 'rejected', reason: 'rejected' },
      stopLoss: { kind: 'accepted', venueOrderId: '3' },
    });
    // The stop-loss (third message) is refused: the held parent and target are never transmitted.
    gate.closed = true;
    const second = a.venue.submitBracket(bracket('x2'));
    await gate.passOne();
    await gate.passOne();
    await waitFor('parent and target on the wire', () => s.placeOrderMessages().length === 5);
    s.rejectNext(201, 'Order rejected - reason:The stop price is invalid');
    gate.open();
    const two = await second;
    expect(two).toMatchObject({
      entry: { kind: 'rejected' },
      takeProfit: { kind: 'rejected' },
      stopLoss: { kind: 'rejected', reason: 'rejected' },
    });
    const working = s.orders().filter((o) => o.status === 'Submitted' || o.status === 'PreSubmitted');
    const legs = [one, two].flatMap((b) => [b.entry, b.takeProfit, b.stopLoss]);
    console.log(
      `[ib-chaos] bracket child 201: legs sent ${legs.length}, accepted ${legs.filter((l) => l.kind === 'accepted').length}, rejected ${legs.filter((l) => l.kind === 'rejected').length}, working at IB ${working.map((o) => o.orderRef).join(',')}`,
    );
    expect(working.map((o) => o.orderRef).sort()).toEqual(['x1', 'x1:SL']);
    expect(a.reports('x2').at(-1)?.state).toBe('rejected');
  });
});

/** A pacing that holds messages while closed: a test lets them out one by one. */
class Gate {
  closed = false;
  private readonly held: (() => void)[] = [];

  take(): Promise<void> {
    if (!this.closed) return Promise.resolve();
    return new Promise((r) => this.held.push(r));
  }

  used(): number {
    return 0;
  }

  async passOne(): Promise<void> {
    await waitFor('a held message', () => this.held.length > 0);
    this.held.shift()?.();
  }

  open(): void {
    this.closed = false;
    for (const r of this.held.splice(0)) r();
  }
}
