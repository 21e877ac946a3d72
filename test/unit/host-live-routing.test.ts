// PAPER / LIVE through the host: arming LIVE routes new orders to the connected live venues, disarming
// sends them to paper again; the Venues panel's `live` flag and the top bar follow the mode and each
// venue's connection; a venue's change is pushed to the terminal.
import { describe, expect, it } from 'vitest';
import { exportTrades } from '../../src/main/engine/history/hash-chain.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { Venue, VenueEvent, VenueOrder } from '../../src/main/engine/venues/venue.ts';
import { createHost } from '../../src/main/host/host.ts';
import { PAPER_VIEW, type VenueDesk } from '../../src/main/host/venue-desk.ts';
import type { AppSnapshot, PushMessage, VenueView } from '../../src/shared/contract.ts';
import { ok } from '../../src/shared/result.ts';
import { waitFor } from '../helpers/wait.ts';

const T0 = Date.parse('2024-03-04T14:30:00Z');
const bar = (i: number) => ({
  time: T0 + i * 60_000,
  symbol: 'BTC/USD',
  open: '50000',
  high: '50000',
  low: '50000',
  close: '50000',
  volume: '10',
});

/** A live venue that records what it is sent and answers nothing by itself. */
class RecordingVenue implements Venue {
  readonly name = 'kraken';
  readonly asynchronous = true;
  readonly sent: VenueOrder[] = [];
  async connect() {}
  async disconnect() {}
  submit(order: VenueOrder) {
    this.sent.push(order);
  }
  cancel() {}
  amend() {}
  query() {
    return undefined;
  }
  openOrders() {
    return [];
  }
  positions() {
    return [];
  }
  onEvent(_listener: (e: VenueEvent) => void) {
    return () => {};
  }
}

function desk(kraken: Partial<VenueView>) {
  const listeners = new Set<() => void>();
  let view: VenueView = {
    ...PAPER_VIEW,
    name: 'kraken',
    credentials: 'set',
    deadMan: { state: 'off' },
    ...kraken,
  };
  const d: VenueDesk & { change(patch: Partial<VenueView>): void } = {
    list: () => [PAPER_VIEW, view],
    test: async () => ok({ latencyMs: 3 }),
    setCredentials: async () => ok(null),
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    change(patch) {
      view = { ...view, ...patch };
      for (const l of listeners) l();
    },
  };
  return d;
}

function setup(kraken: Partial<VenueView> = {}) {
  const venue = new RecordingVenue();
  const r = createEngine({ config: { pdt: { enabled: false } }, symbols: ['BTC/USD'], venues: [venue] });
  if (!r.ok) throw new Error(r.error.message);
  const engine = r.value;
  engine.onBar(bar(0));
  const venues = desk(kraken);
  const host = createHost({
    engine,
    venues,
    now: () => T0 + 60_000,
    wallNow: () => T0,
    exportTrades,
    log: () => {},
    frameMs: 0,
  });
  return { venue, venues, host, engine };
}

const plan = (venue?: string) => ({
  plan: {
    symbol: 'BTC/USD',
    side: 'buy' as const,
    entry: { type: 'market' as const },
    quantity: '1',
    ...(venue ? { venue } : {}),
  },
});

async function hostState(host: ReturnType<typeof setup>['host']) {
  const r = await host.invoke('getSnapshot', {});
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as AppSnapshot).host;
}

describe('PAPER and LIVE through the host', () => {
  it('in PAPER a plan for kraken trades on paper; armed LIVE it goes to kraken; disarmed, paper again', async () => {
    const { venue, host, engine } = setup({ state: 'connected' });
    const first = await host.invoke('submitPlan', plan('kraken'));
    expect(first, JSON.stringify(first)).toMatchObject({ ok: true });
    expect(venue.sent).toHaveLength(0);
    expect(engine.snapshot().orders.at(-1)!.venue).toBe('paper');
    engine.onBar(bar(1)); // the paper entry fills
    expect((await hostState(host)).venues.map((v) => [v.name, v.live])).toEqual([
      ['paper', true],
      ['kraken', false],
    ]);

    expect((await host.invoke('setPin', { pin: '2468' })).ok).toBe(true);
    expect((await host.invoke('armLive', { pin: '2468' })).ok).toBe(true);
    expect((await hostState(host)).venues.map((v) => [v.name, v.live])).toEqual([
      ['paper', false],
      ['kraken', true],
    ]);
    // The paper position is closed first (one position per symbol), then the live entry goes to kraken.
    expect((await host.invoke('closePosition', { symbol: 'BTC/USD' })).ok).toBe(true);
    // A paper position's exit stays on paper whatever the mode: the order is where its position is.
    expect(engine.snapshot().orders.at(-1)).toMatchObject({ role: 'exit', venue: 'paper' });
    engine.onBar(bar(2)); // the paper exit fills
    expect((await host.invoke('submitPlan', plan('kraken'))).ok).toBe(true);
    expect(venue.sent.map((o) => [o.symbol, o.side, o.type, o.quantity])).toEqual([
      ['BTC/USD', 'buy', 'market', '1'],
    ]);

    expect((await host.invoke('disarmLive', {})).ok).toBe(true);
    expect((await hostState(host)).mode).toBe('PAPER');
    await host.close();
  });

  it('a venue that is not connected is not live, and the terminal hears when it connects', async () => {
    const { venues, host } = setup({ state: 'connecting' });
    await host.invoke('setPin', { pin: '2468' });
    await host.invoke('armLive', { pin: '2468' });
    expect((await hostState(host)).venues.find((v) => v.name === 'kraken')!.live).toBe(false);
    const pushed: PushMessage[] = [];
    const stop = host.subscribe((m) => pushed.push(m));
    venues.change({ state: 'connected', reconciling: true });
    venues.change({ reconciling: false, lastReconciledAt: T0 });
    await waitFor('the reconciled venue pushed', () =>
      pushed.some(
        (m) =>
          m.kind === 'events' &&
          m.events.some((e) => e.type === 'host' && e.host.venues.some((v) => v.lastReconciledAt === T0)),
      ),
    );
    const hostEvents = pushed
      .flatMap((m) => (m.kind === 'events' ? m.events : []))
      .filter((e) => e.type === 'host');
    expect(hostEvents.length).toBeGreaterThanOrEqual(1);
    const last = hostEvents.at(-1)!;
    expect(last.type === 'host' && last.host.venues.find((v) => v.name === 'kraken')).toMatchObject({
      live: true,
      lastReconciledAt: T0,
    });
    stop();
    await host.close();
  });

  it('the kill switch does not wait behind a command that awaits the vault; what queued after that finds HALTED', async () => {
    const { venues, host, engine } = setup({ state: 'connected' });
    let release: (r: ReturnType<typeof ok<null>>) => void = () => {};
    venues.setCredentials = () =>
      new Promise((resolve) => {
        release = resolve;
      });
    let saved = false;
    const saving = host.invoke('setVenueCredentials', {
      venue: 'kraken',
      apiKey: 'K',
      apiSecret: 'c2VjcmV0',
    });
    void saving.then(() => {
      saved = true;
    });
    const queued = host.invoke('submitPlan', plan());
    expect(await host.invoke('kill', {})).toEqual({ ok: true, value: null });
    expect(engine.state).toBe('HALTED');
    expect(saved).toBe(false);
    release(ok(null));
    expect((await saving).ok).toBe(true);
    const after = await queued;
    expect(after.ok ? '' : after.error.code).toBe('halted');
    expect(engine.snapshot().plans).toHaveLength(0);
    await host.close();
  });
});
