// A plan's bracket held by Hyperliquid itself: through the bridge and the REAL ccxt client against the wire
// simulator, an entry with its stop-loss and take-profit goes as ONE `order` action grouped `normalTpsl`
// (parent, then tp and sl triggers, reduce-only, each with its own cloid); the entry fills; the engine's
// exits adopt the children (nothing more is sent); the take-profit triggers, Hyperliquid cancels the stop;
// the engine ends flat with one fill per leg. The engine here is a stand-in that does what brackets.ts
// does with a live venue's reports (exits on the entry's first fill, sized to it; the sibling cancelled
// once flat), so the venue's one-cancels-other and the engine's meet as they will in Braid.
//
// hyperliquid-venue.ts (another engineer's) does not yet declare nativeBrackets: the venue is wrapped
// here with the capability and submitBracket from order-requests.ts, as the adapter will delegate it.
import { afterEach, describe, expect, it } from 'vitest';
import type { VenueEvent, VenueOrder } from '../../src/main/engine/venues/venue.ts';
import type { BracketedOrder } from '../../src/main/venues/bridge/native-brackets.ts';
import { ExecutionBridge } from '../../src/main/venues/execution-bridge.ts';
import {
  HYPERLIQUID_CAPABILITIES,
  HyperliquidVenue,
} from '../../src/main/venues/hyperliquid/hyperliquid-venue.ts';
import type { OrderRequests } from '../../src/main/venues/hyperliquid/order-requests.ts';
import { cloidOf } from '../../src/main/venues/hyperliquid/pricing.ts';
import type { LiveVenue } from '../../src/main/venues/venue.ts';
import { dec, str } from '../../src/shared/domain/decimal.ts';
import { waitFor } from '../helpers/wait.ts';
import { startHyperliquidSim } from './hyperliquid/simulator.ts';

const BTC = 'BTC/USDC:USDC';
const NEVER = 3_600_000;

const toClose: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of toClose.splice(0).reverse()) await close();
});

/** The adapter with the two lines hyperliquid-venue.ts will have: the capability, and the delegation. */
function withNativeBrackets(venue: HyperliquidVenue): LiveVenue {
  const orders = (venue as unknown as { orders: OrderRequests }).orders;
  return Object.assign(Object.create(venue) as HyperliquidVenue, {
    capabilities: { ...HYPERLIQUID_CAPABILITIES, nativeBrackets: true },
    submitBracket: orders.submitBracket.bind(orders),
  });
}

/** What the engine does with a live venue's word on a bracketed plan (brackets.ts, venue-reports.ts). */
class EngineStandIn {
  position = dec(0);
  readonly fills = new Map<string, string[]>();
  readonly status = new Map<string, string>();
  private readonly booked = new Set<string>();
  private exitsPlaced = false;
  private readonly bridge: ExecutionBridge;
  constructor(bridge: ExecutionBridge) {
    this.bridge = bridge;
    bridge.onEvent((e) => this.on(e));
  }

  private on(e: VenueEvent): void {
    if (!('clientOrderId' in e)) return;
    const id = e.clientOrderId;
    if (e.type === 'accepted') this.status.set(id, 'accepted');
    if (e.type === 'status' && e.state) this.status.set(id, e.state);
    if (e.type === 'cancelled') this.status.set(id, 'cancelled');
    if (e.type !== 'filled' || e.tradeId === undefined || this.booked.has(e.tradeId)) return;
    this.booked.add(e.tradeId);
    this.fills.set(id, [...(this.fills.get(id) ?? []), `${e.quantity}@${e.price}`]);
    this.position = id.endsWith(':E1') ? this.position.plus(e.quantity) : this.position.minus(e.quantity);
    if (id.endsWith(':E1') && !this.exitsPlaced) {
      this.exitsPlaced = true;
      const leg = (over: Partial<VenueOrder>): VenueOrder => ({
        clientOrderId: '',
        symbol: BTC,
        side: 'sell',
        type: 'limit',
        quantity: str(this.position),
        ocoGroup: 'P1:OCO',
        reduceOnly: true,
        ...over,
      });
      this.bridge.submit(
        leg({ clientOrderId: 'P1:SL1', type: 'stop', price: '88000', bracketLeg: 'stop_loss' }),
        0,
      );
      this.bridge.submit(
        leg({ clientOrderId: 'P1:TP1', type: 'limit', price: '92000', bracketLeg: 'take_profit' }),
        0,
      );
    }
    if (!id.endsWith(':E1') && this.position.eq(0)) {
      // Flat: the other leg is cancelled (the booking's closeTrade), if the venue has not ended it yet.
      const other = id === 'P1:TP1' ? 'P1:SL1' : 'P1:TP1';
      if (!['cancelled', 'filled'].includes(this.status.get(other) ?? '')) this.bridge.cancel(other, 0);
    }
  }
}

async function rig() {
  const sim = await startHyperliquidSim({ prices: { BTC: { bid: 89_999, ask: 90_000, mark: 90_000 } } });
  toClose.push(() => sim.close());
  const venue = new HyperliquidVenue({
    url: sim.url,
    walletAddress: sim.account,
    privateKey: sim.agentKey,
    pollMs: NEVER,
    fullPollMs: NEVER,
    timeoutMs: 2_000,
    deadManSeconds: 0,
    random: () => 0,
  });
  toClose.push(() => venue.disconnect());
  expect(await venue.connect()).toEqual({ ok: true, value: null });
  return { sim, venue, live: withNativeBrackets(venue) };
}

const bracketOf = (quantity: string) => {
  const leg = { symbol: BTC, side: 'sell' as const, quantity, reduceOnly: true };
  return {
    entry: {
      clientOrderId: 'Q1:E1',
      symbol: BTC,
      side: 'buy' as const,
      type: 'limit' as const,
      quantity,
      price: '89500',
    },
    stopLoss: { ...leg, clientOrderId: 'Q1:SL1', type: 'stop' as const, stopPrice: '88000' },
    takeProfit: { ...leg, clientOrderId: 'Q1:TP1', type: 'limit' as const, price: '92000' },
  };
};

describe('Hyperliquid normalTpsl at the adapter and the simulator', () => {
  it('one outcome per leg; the entry cancelled unfilled takes its children with it', async () => {
    const { sim, live } = await rig();
    const out = await live.submitBracket!(bracketOf('0.01'));
    expect([out.entry.kind, out.stopLoss.kind, out.takeProfit.kind]).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]);
    const ids = [out.entry, out.takeProfit, out.stopLoss].map((o) =>
      o.kind === 'accepted' ? o.venueOrderId : '',
    );
    expect(sim.orders().map((o) => String(o.oid))).toEqual(ids);
    expect(sim.orders().map((o) => o.status)).toEqual(['open', 'open', 'open']);
    expect((await live.cancel({ clientOrderId: 'Q1:E1' })).kind).toBe('accepted');
    expect(sim.orders().map((o) => o.status)).toEqual(['canceled', 'canceled', 'canceled']);
  });

  it('a parent filled in part, then cancelled: its children rest for what it filled', async () => {
    const { sim, live } = await rig();
    const out = await live.submitBracket!(bracketOf('0.03'));
    expect(out.entry.kind).toBe('accepted');
    sim.fill(cloidOf('Q1:E1'), '0.01');
    expect((await live.cancel({ clientOrderId: 'Q1:E1' })).kind).toBe('accepted');
    const [entry, tp, sl] = sim.orders();
    expect(entry!.status).toBe('canceled');
    expect([tp!.status, tp!.sz, sl!.status, sl!.sz]).toEqual(['open', '0.01', 'open', '0.01']);
    // The mark falls through the stop: it fills 0.01; the take-profit is cancelled by the venue.
    sim.setPrice('BTC', { bid: 87_900, ask: 87_901, mark: 87_900 });
    expect(sim.orders().map((o) => o.status)).toEqual(['canceled', 'canceled', 'filled']);
    expect(sim.positions().filter((p) => !dec(p.szi).eq(0))).toEqual([]);
  });
});

describe('Hyperliquid native brackets (normalTpsl) through the bridge and ccxt', () => {
  it('one action of three orders; the entry fills; the take-profit triggers and Hyperliquid cancels the stop; flat, one fill per leg', async () => {
    const sim = await startHyperliquidSim({ prices: { BTC: { bid: 89_999, ask: 90_000, mark: 90_000 } } });
    toClose.push(() => sim.close());
    const venue = new HyperliquidVenue({
      url: sim.url,
      walletAddress: sim.account,
      privateKey: sim.agentKey,
      pollMs: NEVER,
      fullPollMs: NEVER,
      timeoutMs: 2_000,
      deadManSeconds: 0,
      random: () => 0,
    });
    toClose.push(() => venue.disconnect());
    expect(await venue.connect()).toEqual({ ok: true, value: null });
    const live = withNativeBrackets(venue);
    const bridge = new ExecutionBridge({ live, now: () => sim.now() });
    toClose.push(async () => bridge.dispose());
    await bridge.connect();
    expect(bridge.nativeBrackets).toBe(true);
    const engine = new EngineStandIn(bridge);

    const entry: BracketedOrder = {
      clientOrderId: 'P1:E1',
      symbol: BTC,
      side: 'buy',
      type: 'limit',
      quantity: '0.01',
      price: '89500',
      bracket: {
        stopLoss: { clientOrderId: 'P1:SL1', price: '88000' },
        takeProfit: { clientOrderId: 'P1:TP1', price: '92000' },
      },
    };
    bridge.submit(entry, 0);
    await waitFor('the entry accepted', () => engine.status.get('P1:E1') === 'accepted');

    const actions = sim.actions('order');
    expect(actions).toHaveLength(1);
    const action = (actions[0]!.body as { action: { grouping: string; orders: Record<string, unknown>[] } })
      .action;
    expect(action.grouping).toBe('normalTpsl');
    expect(action.orders).toHaveLength(3);
    const [parent, tp, sl] = action.orders as Array<{
      b: boolean;
      p: string;
      s: string;
      r: boolean;
      c: string;
      t: Record<string, unknown>;
    }>;
    expect(parent).toMatchObject({ b: true, p: '89500', s: '0.01', r: false, c: cloidOf('P1:E1') });
    expect(parent!.t).toEqual({ limit: { tif: 'Gtc' } });
    expect(tp).toMatchObject({ b: false, p: '92000', s: '0.01', r: true, c: cloidOf('P1:TP1') });
    expect(tp!.t).toEqual({ trigger: { isMarket: false, triggerPx: '92000', tpsl: 'tp' } });
    expect(sl).toMatchObject({ b: false, s: '0.01', r: true, c: cloidOf('P1:SL1') });
    expect(sl!.t).toEqual({ trigger: { isMarket: true, triggerPx: '88000', tpsl: 'sl' } });
    // Nothing reached the engine about the exits it has not placed yet.
    expect(engine.status.has('P1:SL1')).toBe(false);

    // The ask comes down through the entry: it fills as a maker at 89,500; the children wake, 0.01 each.
    sim.setPrice('BTC', { bid: 89_400, ask: 89_500, mark: 89_450 });
    await waitFor('the exits adopted', async () => {
      await venue.pollNow();
      return engine.status.get('P1:SL1') !== undefined && engine.status.get('P1:TP1') !== undefined;
    });
    expect(engine.fills.get('P1:E1')).toEqual(['0.01@89500']);
    expect(engine.status.get('P1:SL1')).not.toBe('rejected');
    // Adopted, not sent again: still the one order action.
    expect(sim.actions('order')).toHaveLength(1);

    // The mark reaches 92,000: the take-profit triggers and fills at the bid; Hyperliquid cancels the stop.
    sim.setPrice('BTC', { bid: 92_000, ask: 92_001, mark: 92_000 });
    await waitFor('flat, the stop ended', async () => {
      await venue.pollNow();
      return engine.position.eq(0) && engine.status.get('P1:SL1') === 'cancelled';
    });
    expect(engine.fills.get('P1:TP1')).toEqual(['0.01@92000']);
    expect(engine.fills.has('P1:SL1')).toBe(false);
    expect(engine.status.get('P1:TP1')).toBe('filled');
    // The venue's one-cancels-other did it: Braid sent no cancel, and nothing more was placed.
    expect(sim.actions('cancel')).toHaveLength(0);
    expect(sim.actions('cancelByCloid')).toHaveLength(0);
    expect(sim.actions('order')).toHaveLength(1);
    expect(sim.fills()).toHaveLength(2);
    expect(sim.positions().filter((p) => !dec(p.szi).eq(0))).toEqual([]);
    const byCloid = (id: string) => sim.order(cloidOf(id))?.status;
    expect([byCloid('P1:E1'), byCloid('P1:TP1'), byCloid('P1:SL1')]).toEqual([
      'filled',
      'filled',
      'canceled',
    ]);
  });
});
