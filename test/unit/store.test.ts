// The renderer store: the reducer (applyPush: snapshot in, event batches patch it), the engine link
// (the WebSocket transport with a fake socket and hand-run timers), the trading block, the persisted
// settings and the token's move out of the address bar. Pure or injected, so tested without a DOM.
// Expectations are worked by hand from the fixtures below.
import { describe, expect, it } from 'vitest';
import { adoptToken, TOKEN_KEY } from '../../src/renderer/src/api/token.ts';
import { backoffMs, createWsApi, type SocketEvents, type SocketLike } from '../../src/renderer/src/api/ws.ts';
import { applyPush } from '../../src/renderer/src/store/reducer.ts';
import { DEFAULT_SETTINGS, readSettings } from '../../src/renderer/src/store/settings.ts';
import {
  initialState,
  MAX_BARS,
  MAX_TOASTS,
  MAX_TRADES,
  type TerminalState,
} from '../../src/renderer/src/store/state.ts';
import { CONNECTING_TEXT, HALTED_TEXT, tradingBlock } from '../../src/renderer/src/store/trading-block.ts';
import type { AppEvent, AppSnapshot, HostState } from '../../src/shared/contract.ts';
import type { AccountView, DayTradesView, EngineSnapshot } from '../../src/shared/domain/engine-view.ts';
import type { Bar } from '../../src/shared/domain/instrument.ts';
import type { Metrics } from '../../src/shared/domain/metrics.ts';
import type { FillRecord, OrderRecord } from '../../src/shared/domain/order.ts';
import type { PlanRecord } from '../../src/shared/domain/plan.ts';
import type { PositionRecord } from '../../src/shared/domain/portfolio.ts';
import { closedTrade } from '../helpers/closed-trade.ts';

const T = Date.UTC(2024, 2, 1, 15, 0); // 2024-03-01 15:00 UTC

const account = (equity: string): AccountView => ({
  currency: 'USD',
  cash: '90000',
  equity,
  startEquity: '100000',
  dayStartEquity: '100000',
  realizedPnl: '0',
  unrealizedPnl: '0',
});

const metrics: Metrics = {
  totalTrades: 0,
  wins: 0,
  losses: 0,
  winRate: null,
  grossProfit: '0',
  grossLoss: '0',
  profitFactor: null,
  avgWin: null,
  avgLoss: null,
  expectancy: null,
  netPnl: '0',
  maxDrawdownPct: '0',
  sharpe: null,
};

const dayTrades: DayTradesView = {
  enabled: true,
  applies: true,
  used: 1,
  remaining: 2,
  max: 3,
  oldestLeavesOn: '2024-03-06',
  dayTrades: [{ date: '2024-02-28', symbol: 'AAPL' }],
};

const host: HostState = {
  mode: 'PAPER',
  pinSet: false,
  venues: [],
  signalSource: null,
  busy: null,
};

function plan(id: string, symbol: string, status: PlanRecord['status'], receivedAt: number): PlanRecord {
  return {
    id,
    status,
    receivedAt,
    updatedAt: receivedAt,
    quantity: '10',
    input: {
      id,
      symbol,
      side: 'buy',
      entry: { type: 'market' },
      stopLoss: '95',
      confidence: 0.7,
      expiresAt: T + 300_000,
    },
  };
}

function position(symbol: string, mark: string, pnl: string): PositionRecord {
  return {
    symbol,
    planId: `p-${symbol}`,
    side: 'long',
    quantity: '10',
    avgPrice: '100',
    markPrice: mark,
    unrealizedPnl: pnl,
    openedAt: T - 60_000,
  };
}

function order(id: string, createdAt: number, status: OrderRecord['status'] = 'accepted'): OrderRecord {
  return {
    id,
    planId: `plan-${id}`,
    symbol: 'AAPL',
    venue: 'paper',
    role: 'entry',
    side: 'buy',
    type: 'market',
    quantity: '10',
    status,
    filledQuantity: '0',
    createdAt,
    updatedAt: createdAt,
  };
}

const bar = (symbol: string, time: number, close: string): Bar => ({
  symbol,
  time,
  open: close,
  high: close,
  low: close,
  close,
  volume: '100',
});

function snapshot(engine: Partial<EngineSnapshot> = {}): AppSnapshot {
  return {
    engine: {
      time: T,
      tradingState: 'ACTIVE',
      approval: 'manual',
      account: account('100000'),
      plans: [],
      orders: [],
      fills: [],
      trades: [],
      tradeCount: 0,
      positions: [],
      dayTrades,
      metrics,
      lastPrices: { AAPL: '100' },
      instruments: { AAPL: { tick: '0.01', lot: '1' } },
      ...engine,
    },
    host,
  };
}

const start = (engine: Partial<EngineSnapshot> = {}): TerminalState =>
  applyPush(initialState, { kind: 'snapshot', snapshot: snapshot(engine) });
const events = (state: TerminalState, ...evs: AppEvent[]): TerminalState =>
  applyPush(state, { kind: 'events', events: evs });

describe('applyPush: snapshot', () => {
  it('loads the engine view, sorts positions by symbol and orders by creation, and queues pending plans oldest first', () => {
    const s = start({
      plans: [
        plan('late', 'MSFT', 'pending_approval', T - 1000),
        plan('armed', 'AAPL', 'armed', T - 5000),
        plan('early', 'AAPL', 'pending_approval', T - 9000),
      ],
      positions: [position('MSFT', '101', '10'), position('AAPL', '99', '-10')],
      orders: [order('o2', T - 100), order('o1', T - 200)],
    });
    expect(s.loaded).toBe(true);
    expect(s.time).toBe(T);
    expect(s.queue).toEqual(['early', 'late']);
    expect(s.positions.ids).toEqual(['AAPL', 'MSFT']);
    expect(s.orders.ids).toEqual(['o1', 'o2']);
    expect(s.plans.ids).toHaveLength(3);
    expect(s.host).toEqual(host);
  });

  it('keeps streamed candles across a reconnect (the snapshot carries none)', () => {
    const s1 = events(start(), { type: 'bar', bar: bar('AAPL', T, '101') });
    const s2 = applyPush(s1, { kind: 'snapshot', snapshot: snapshot({ time: T + 60_000 }) });
    expect(s2.bars.AAPL).toEqual([bar('AAPL', T, '101')]);
    expect(s2.time).toBe(T + 60_000);
  });

  it("draws the host's recent candles from a snapshot that carries them", () => {
    const s1 = events(start(), { type: 'bar', bar: bar('AAPL', T, '101') });
    const recent = { MSFT: [bar('MSFT', T - 300_000, '410'), bar('MSFT', T, '411')] };
    const s2 = applyPush(s1, { kind: 'snapshot', snapshot: snapshot({ recentBars: recent }) });
    expect(s2.bars).toEqual(recent);
  });
});

describe('applyPush: events', () => {
  it('moves a plan out of the queue when it is approved and into it when a new one arrives', () => {
    const s0 = start({ plans: [plan('a', 'AAPL', 'pending_approval', T - 2000)] });
    const s1 = events(
      s0,
      { type: 'plan', plan: { ...plan('a', 'AAPL', 'armed', T - 2000), updatedAt: T + 1000 } },
      { type: 'plan', plan: plan('b', 'MSFT', 'pending_approval', T + 500) },
    );
    expect(s1.queue).toEqual(['b']);
    expect(s1.plans.byId.a?.status).toBe('armed');
    expect(s1.plans.ids).toEqual(['a', 'b']);
    // Engine time follows the newest event time seen (the plan update at T + 1000).
    expect(s1.time).toBe(T + 1000);
  });

  it('patches one position without touching the others (row identity is what keeps re-renders narrow)', () => {
    const s0 = start({ positions: [position('AAPL', '100', '0'), position('MSFT', '100', '0')] });
    const s1 = events(s0, { type: 'position', symbol: 'MSFT', position: position('MSFT', '102.5', '25') });
    expect(s1.positions.byId.MSFT?.unrealizedPnl).toBe('25');
    expect(s1.positions.byId.AAPL).toBe(s0.positions.byId.AAPL);
    // An update is not an insertion: the id list (what the grid renders from) keeps its identity.
    expect(s1.positions.ids).toBe(s0.positions.ids);
    expect(s1.lastPrices.MSFT).toBe('102.5');
    // Slices no event touched keep their identity too.
    expect(s1.orders).toBe(s0.orders);
    expect(s1.plans).toBe(s0.plans);
  });

  it('inserts new positions in symbol order and removes a closed one (position null)', () => {
    const s0 = start({ positions: [position('AAPL', '100', '0'), position('TSLA', '100', '0')] });
    const s1 = events(s0, { type: 'position', symbol: 'MSFT', position: position('MSFT', '100', '0') });
    expect(s1.positions.ids).toEqual(['AAPL', 'MSFT', 'TSLA']);
    const s2 = events(s1, { type: 'position', symbol: 'AAPL', position: null });
    expect(s2.positions.ids).toEqual(['MSFT', 'TSLA']);
    expect(s2.positions.byId.AAPL).toBeUndefined();
    // Removing an unknown symbol changes nothing.
    const s3 = events(s2, { type: 'position', symbol: 'NOPE', position: null });
    expect(s3.positions).toBe(s2.positions);
  });

  it('upserts orders by id and appends fills and trades', () => {
    const s0 = start({ orders: [order('o1', T - 100)] });
    const fill: FillRecord = {
      id: 'o1#1',
      orderId: 'o1',
      planId: 'plan-o1',
      symbol: 'AAPL',
      side: 'buy',
      time: T + 2000,
      price: '100.5',
      quantity: '10',
      fee: '0.1',
      liquidity: 'taker',
    };
    const s1 = events(
      s0,
      {
        type: 'order',
        order: { ...order('o1', T - 100, 'filled'), filledQuantity: '10', updatedAt: T + 2000 },
      },
      { type: 'order', order: order('o2', T + 2000) },
      { type: 'fill', fill },
      { type: 'trade', trade: closedTrade('plan-x', 'AAPL', '12.5', T + 3000) },
    );
    expect(s1.orders.ids).toEqual(['o1', 'o2']);
    expect(s1.orders.byId.o1?.status).toBe('filled');
    expect(s1.fills).toEqual([fill]);
    expect(s1.trades.map((t) => t.pnl)).toEqual(['12.5']);
    expect(s1.time).toBe(T + 3000);
    expect(s0.fills).toEqual([]); // the previous state is not mutated
  });

  it('replaces account, trading state, day trades, metrics and host', () => {
    const s1 = events(
      start(),
      { type: 'account', account: account('100250.75') },
      { type: 'tradingState', state: 'HALTED', reason: 'kill switch' },
      { type: 'dayTrades', dayTrades: { ...dayTrades, used: 3, remaining: 0 } },
      { type: 'metrics', metrics: { ...metrics, totalTrades: 4 } },
      { type: 'host', host: { ...host, mode: 'LIVE', pinSet: true } },
    );
    expect(s1.account?.equity).toBe('100250.75');
    expect(s1.tradingState).toBe('HALTED');
    expect(s1.tradingReason).toBe('kill switch');
    expect(s1.dayTrades?.remaining).toBe(0);
    expect(s1.metrics?.totalTrades).toBe(4);
    expect(s1.host?.mode).toBe('LIVE');
  });

  it('appends candles per symbol, replaces a candle with the same open time, ignores an older one', () => {
    const s1 = events(
      start(),
      { type: 'bar', bar: bar('AAPL', T, '101') },
      { type: 'bar', bar: bar('AAPL', T + 60_000, '102') },
      { type: 'bar', bar: bar('MSFT', T, '400') },
      { type: 'bar', bar: bar('AAPL', T + 60_000, '102.25') },
      { type: 'bar', bar: bar('AAPL', T - 60_000, '99') },
    );
    expect(s1.bars.AAPL?.map((b) => [b.time, b.close])).toEqual([
      [T, '101'],
      [T + 60_000, '102.25'],
    ]);
    expect(s1.bars.MSFT).toHaveLength(1);
    expect(s1.lastPrices).toEqual({ AAPL: '102.25', MSFT: '400' });
    expect(s1.time).toBe(T + 60_000);
  });

  it('keeps at most MAX_BARS candles per symbol, dropping the oldest', () => {
    let s = start();
    const batch: AppEvent[] = [];
    for (let i = 0; i <= MAX_BARS; i++) batch.push({ type: 'bar', bar: bar('AAPL', T + i * 60_000, '100') });
    s = events(s, ...batch);
    expect(s.bars.AAPL).toHaveLength(MAX_BARS);
    expect(s.bars.AAPL?.[0]?.time).toBe(T + 60_000);
  });

  it('keeps the newest MAX_TRADES closed trades (the history pages through the engine); a correction replaces its row', () => {
    const closes: AppEvent[] = [];
    for (let i = 0; i < MAX_TRADES + 3; i++)
      closes.push({ type: 'trade', trade: closedTrade(`p${i}`, 'AAPL', '1', T + i * 1000) });
    let s = events(start(), ...closes);
    expect(s.trades).toHaveLength(MAX_TRADES);
    expect([s.trades[0]?.planId, s.trades.at(-1)?.planId]).toEqual(['p3', `p${MAX_TRADES + 2}`]);
    s = events(s, { type: 'trade', trade: closedTrade('p10', 'AAPL', '-2', T + 10_000) });
    expect(s.trades).toHaveLength(MAX_TRADES);
    expect(s.trades.find((t) => t.planId === 'p10')?.pnl).toBe('-2');
  });

  it('turns notices into toasts, newest last, capped at MAX_TOASTS', () => {
    const notices: AppEvent[] = [];
    for (let i = 0; i < MAX_TOASTS + 2; i++) {
      notices.push({
        type: 'notice',
        notice: { level: 'warning', code: `c${i}`, message: `m${i}`, time: T + i },
      });
    }
    const s = events(start(), ...notices);
    expect(s.toasts).toHaveLength(MAX_TOASTS);
    expect(s.toasts[0]?.code).toBe('c2');
    expect(s.toasts.at(-1)).toMatchObject({
      code: `c${MAX_TOASTS + 1}`,
      level: 'warning',
      seq: MAX_TOASTS + 2,
    });
  });

  it('returns the same state for an empty batch and ignores event types it does not know', () => {
    const s0 = start();
    expect(events(s0)).toBe(s0);
    const unknown = { type: 'from-the-future', x: 1 } as unknown as AppEvent;
    const s1 = events(s0, unknown);
    expect(s1.positions).toBe(s0.positions);
    expect(s1.account).toBe(s0.account);
  });
});

describe('applyPush: instruments', () => {
  it("keeps each symbol's tick and lot from the snapshot (display precision), and none from an older engine", () => {
    expect(start().instruments).toEqual({ AAPL: { tick: '0.01', lot: '1' } });
    const older = snapshot();
    delete (older.engine as Partial<EngineSnapshot>).instruments;
    expect(applyPush(initialState, { kind: 'snapshot', snapshot: older }).instruments).toEqual({});
  });
});

describe('trading block', () => {
  it('blocks while connecting, while reconnecting and while HALTED, in that order of precedence', () => {
    expect(tradingBlock('connected', 'ACTIVE')).toEqual({ blocked: false, why: null });
    expect(tradingBlock('connected', 'REDUCING')).toEqual({ blocked: false, why: null });
    expect(tradingBlock('connected', 'HALTED')).toEqual({ blocked: true, why: HALTED_TEXT });
    expect(HALTED_TEXT).toBe('Trading is HALTED: press Resume trading first');
    expect(tradingBlock('reconnecting', 'HALTED')).toEqual({
      blocked: true,
      why: 'Disconnected \u2014 reconnecting',
    });
    expect(tradingBlock('connecting', 'ACTIVE')).toEqual({ blocked: true, why: CONNECTING_TEXT });
    // The same answer is the same object, so a component holding it does not re-render for nothing.
    expect(tradingBlock('connected', 'HALTED')).toBe(tradingBlock('connected', 'HALTED'));
  });
});

describe('settings read back from localStorage', () => {
  it('defaults: UTC, typed tickets go straight out, Close asks first, no layout', () => {
    expect(readSettings(null)).toEqual({
      timeZone: 'UTC',
      confirmOwnTickets: false,
      confirmClose: true,
      layout: { sizes: {}, collapsed: {} },
    });
  });

  it('keeps well-formed fields and drops the rest, so a damaged entry never breaks the page', () => {
    const stored = JSON.stringify({
      timeZone: 'exchange',
      confirmOwnTickets: true,
      confirmClose: 'no', // not a boolean: default
      layout: {
        sizes: { 'col:trade': 1.5, 'row:Positions': Number.MAX_VALUE, '<script>': 1, 'col:side': 'wide' },
        collapsed: { Lessons: true, Orders: false, ['x'.repeat(65)]: true },
      },
      extra: 1,
    });
    expect(readSettings(stored)).toEqual({
      timeZone: 'exchange',
      confirmOwnTickets: true,
      confirmClose: true,
      layout: { sizes: { 'col:trade': 1.5, 'row:Positions': 10_000 }, collapsed: { Lessons: true } },
    });
    for (const bad of ['', 'not json', '[]', '"UTC"', 'null', '{"timeZone":"Europe/Paris"}']) {
      expect(readSettings(bad), bad).toEqual(DEFAULT_SETTINGS);
    }
  });
});

describe('the token leaves the address bar', () => {
  function env(href: string, stored: Record<string, string> = {}) {
    const replaced: string[] = [];
    const storage = {
      getItem: (k: string) => stored[k] ?? null,
      setItem: (k: string, v: string) => {
        stored[k] = v;
      },
    };
    return {
      replaced,
      stored,
      env: {
        location: { href },
        history: {
          state: null,
          replaceState: (_s: unknown, _t: string, url?: string | URL | null) => replaced.push(String(url)),
        },
        storage,
      },
    };
  }

  it('takes ?token= into sessionStorage and rewrites the URL without it, keeping the rest', () => {
    const e = env('http://127.0.0.1:4100/?token=abc123&x=1#top');
    expect(adoptToken(e.env)).toBe('abc123');
    expect(e.replaced).toEqual(['/?x=1#top']);
    expect(e.stored[TOKEN_KEY]).toBe('abc123');
  });

  it('after a reload (no token in the URL) uses the stored one and leaves the URL alone', () => {
    const e = env('http://127.0.0.1:4100/', { [TOKEN_KEY]: 'abc123' });
    expect(adoptToken(e.env)).toBe('abc123');
    expect(e.replaced).toEqual([]);
  });

  it('a malformed token is still removed from the URL but never stored or used', () => {
    const e = env('http://127.0.0.1:4100/?token=%3Cscript%3E', { [TOKEN_KEY]: 'old' });
    expect(adoptToken(e.env)).toBe('old');
    expect(e.replaced).toEqual(['/']);
    expect(e.stored[TOKEN_KEY]).toBe('old');
    expect(adoptToken(env('http://127.0.0.1:4100/').env)).toBeNull();
  });
});

describe('WebSocket transport: drop, backoff, reconnect', () => {
  class FakeSocket implements SocketLike {
    sent: string[] = [];
    readonly url: string;
    private readonly on: SocketEvents;
    constructor(url: string, on: SocketEvents) {
      this.url = url;
      this.on = on;
    }
    send(text: string): void {
      this.sent.push(text);
    }
    push(message: unknown): void {
      this.on.message(JSON.stringify(message));
    }
    drop(): void {
      this.on.close();
    }
  }

  function rig() {
    const sockets: FakeSocket[] = [];
    const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
    const log: string[] = [];
    let clock = 1_000;
    const api = createWsApi(
      () => `ws://h/api/ws?token=t${sockets.length}`,
      {
        live: (now) => log.push(`live@${now}`),
        lost: (attempt) => log.push(`lost#${attempt}`),
        message: () => {},
      },
      {
        now: () => clock,
        setTimer: (fn, ms) => {
          const t = { fn, ms, cleared: false };
          timers.push(t);
          return t;
        },
        clearTimer: (t) => {
          (t as { cleared: boolean }).cleared = true;
        },
        open: (url, on) => {
          const s = new FakeSocket(url, on);
          sockets.push(s);
          return s;
        },
      },
    );
    const pushed: string[] = [];
    api.subscribe((m) => pushed.push(m.kind));
    /** Runs the pending reconnect timer (the one not cleared, not an invoke timeout) and returns its delay. */
    const fireReconnect = (): number => {
      const t = timers.find((x) => !x.cleared && x.ms < 30_000);
      if (!t) throw new Error('no reconnect timer pending');
      t.cleared = true;
      t.fn();
      return t.ms;
    };
    return { api, sockets, log, pushed, fireReconnect, tick: (ms: number) => (clock += ms) };
  }

  it('backs off 250, 500, 1000 ... ms, capped at 5 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(backoffMs)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('is live only once a snapshot arrived; refuses commands while down; reconnects with the new URL', async () => {
    const r = rig();
    expect(r.sockets).toHaveLength(1);
    // Open but no snapshot yet: a command is refused at once, never queued for later.
    expect(await r.api.invoke('kill', {})).toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect(r.sockets[0]!.sent).toEqual([]);

    r.sockets[0]!.push({ kind: 'snapshot', snapshot: {} });
    expect(r.log).toEqual(['live@1000']);
    expect(r.pushed).toEqual(['snapshot']);

    // A command in flight when the link drops is answered "disconnected", not left hanging.
    const inFlight = r.api.invoke('kill', {});
    expect(JSON.parse(r.sockets[0]!.sent[0]!)).toMatchObject({ kind: 'invoke', id: 1, name: 'kill' });
    r.sockets[0]!.drop();
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect(r.log).toEqual(['live@1000', 'lost#1']);
    expect(await r.api.invoke('kill', {})).toMatchObject({ ok: false, error: { code: 'disconnected' } });

    // Two failed attempts: the delays double.
    expect(r.fireReconnect()).toBe(250);
    r.sockets[1]!.drop();
    expect(r.fireReconnect()).toBe(500);
    expect(r.log).toEqual(['live@1000', 'lost#1', 'lost#2']);

    // The third socket gets a snapshot: live again, the attempt count starts over.
    r.tick(5_000);
    const third = r.sockets[2]!;
    expect(third.url).toBe('ws://h/api/ws?token=t2'); // the URL is built afresh for every attempt
    third.push({ kind: 'snapshot', snapshot: {} });
    expect(r.log).toEqual(['live@1000', 'lost#1', 'lost#2', 'live@6000']);
    expect(r.pushed).toEqual(['snapshot', 'snapshot']);
    third.drop();
    expect(r.fireReconnect()).toBe(250);

    // A result is matched to its invocation by id.
    r.sockets[3]!.push({ kind: 'snapshot', snapshot: {} });
    const answered = r.api.invoke('resume', {});
    const id = JSON.parse(r.sockets[3]!.sent[0]!).id as number;
    r.sockets[3]!.push({ kind: 'result', id, result: { ok: true, value: null } });
    expect(await answered).toEqual({ ok: true, value: null });
  });
});
