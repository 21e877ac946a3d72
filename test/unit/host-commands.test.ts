// The trader's commands through the real host and engine (in memory): HALTED is left only by resume, a typed
// ticket needs no second approval, partial close, the engine's ticket preview, expiry between bars, and the
// trade history's metrics per filter. Every figure is worked out by hand in a comment.
import { describe, expect, it } from 'vitest';
import { exportTrades } from '../../src/main/engine/history/hash-chain.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { EnginePort } from '../../src/main/engine/port.ts';
import type { HistoryViewsOptions } from '../../src/main/host/history-views.ts';
import { createHost } from '../../src/main/host/host.ts';
import type { Timers } from '../../src/main/host/push-hub.ts';
import type { HostHandle } from '../../src/main/host/types.ts';
import type { CommandArgs, CommandName, CommandResults } from '../../src/shared/contract.ts';
import type { Result } from '../../src/shared/result.ts';

const T0 = Date.parse('2024-03-04T14:30:00Z');
const M5 = 5 * 60_000;

function engine(config: unknown): EnginePort {
  const r = createEngine({ config, symbols: ['AAPL', 'MSFT'] });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const bar = (i: number, symbol: string, open: string, close = open) => ({
  time: T0 + i * M5,
  symbol,
  open,
  high: String(Math.max(Number(open), Number(close))),
  low: String(Math.min(Number(open), Number(close))),
  close,
  volume: '100000',
});

/** Timers the test fires by hand: nothing runs on real time. */
function manualTimers() {
  const due: { fn: () => void; ms: number; id: number }[] = [];
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const id = next++;
      due.push({ fn, ms, id });
      return id;
    },
    clearTimeout: (handle) => {
      const i = due.findIndex((d) => d.id === handle);
      if (i >= 0) due.splice(i, 1);
    },
  };
  const fire = (ms: number) => {
    for (const d of due.splice(0).filter((x) => x.ms === ms)) d.fn();
  };
  return { timers, fire, pending: () => due.map((d) => d.ms) };
}

function setup(config: unknown = { approval: 'manual' }, historyViews?: HistoryViewsOptions) {
  const eng = engine(config);
  eng.onBar(bar(0, 'AAPL', '180'));
  let now = T0 + M5;
  const clock = manualTimers();
  const host = createHost({
    engine: eng,
    now: () => now,
    wallNow: () => now,
    exportTrades,
    timers: clock.timers,
    log: () => {},
    ...(historyViews ? { historyViews } : {}),
  });
  return { eng, host, clock, setNow: (t: number) => (now = t) };
}

/** A command through the host, typed as the contract types its answer. */
function call<N extends CommandName>(host: HostHandle, name: N, args: CommandArgs<N>) {
  return host.invoke(name, args) as Promise<Result<CommandResults[N]>>;
}

const plan = (extra: Record<string, unknown> = {}) => ({
  symbol: 'AAPL',
  side: 'buy' as const,
  entry: { type: 'market' as const },
  quantity: 5,
  stopLoss: 175,
  ...extra,
});

describe('HALTED is left only by resume', () => {
  it('refuses submitPlan and approve with code halted, and changes nothing', async () => {
    const { host, eng, setNow } = setup();
    expect((await host.invoke('kill', {})).ok).toBe(true);
    expect(eng.state).toBe('HALTED');
    const before = JSON.stringify(eng.snapshot().plans);

    const sent = await host.invoke('submitPlan', { plan: plan() });
    expect(sent.ok ? '' : sent.error.code).toBe('halted');
    expect(JSON.stringify(eng.snapshot().plans)).toBe(before);
    expect(eng.settings.get('host.manualSeq')).toBeUndefined();

    // An upstream plan arriving while halted waits in the queue (manual mode); approving it is refused.
    setNow(T0 + 2 * M5);
    eng.submitPlan({ id: 'up-1', ...plan() }, T0 + 2 * M5);
    const approved = await host.invoke('approve', { planId: 'up-1' });
    expect(approved.ok ? '' : approved.error.code).toBe('halted');
    expect(eng.snapshot().plans.find((p) => p.id === 'up-1')?.status).toBe('pending_approval');

    // Neither ACTIVE nor REDUCING lifts the kill switch.
    for (const state of ['ACTIVE', 'REDUCING'] as const) {
      const r = await host.invoke('setTradingState', { state });
      expect(r.ok ? '' : r.error.code).toBe('halted');
      expect(eng.state).toBe('HALTED');
    }

    expect(await host.invoke('resume', {})).toEqual({ ok: true, value: null });
    expect(eng.state).toBe('ACTIVE');
    expect(await host.invoke('approve', { planId: 'up-1' })).toEqual({ ok: true, value: null });
    expect(eng.snapshot().plans.find((p) => p.id === 'up-1')?.status).toBe('working');
    await host.close();
  });

  it('a daily-loss halt is not lifted by setTradingState either', async () => {
    // 10 AAPL bought at 180 (auto), the price falls to 170: equity 100,000 - 100 = 99,900, a 0.1 % fall,
    // above a 0.05 % limit; the next entry trips the limit, which halts.
    const { host, eng, setNow } = setup({ approval: 'auto', risk: { dailyLossLimitPct: 0.0005 } });
    eng.submitPlan({ id: 'a', ...plan({ quantity: 10, stopLoss: 150 }) }, T0 + M5);
    eng.onBar(bar(1, 'AAPL', '180', '170'));
    expect(eng.snapshot().positions[0]?.quantity).toBe('10');
    setNow(T0 + 2 * M5);
    eng.submitPlan({ id: 'b', ...plan({ symbol: 'MSFT', quantity: 1, stopLoss: 1 }) }, T0 + 2 * M5);
    eng.onBar(bar(1, 'MSFT', '400'));
    eng.submitPlan({ id: 'c', ...plan({ symbol: 'MSFT', quantity: 1, stopLoss: 1 }) }, T0 + 2 * M5);
    expect(eng.state).toBe('HALTED');
    const r = await host.invoke('setTradingState', { state: 'REDUCING' });
    expect(r.ok ? '' : r.error.code).toBe('halted');
    expect(eng.state).toBe('HALTED');
    await host.close();
  });
});

describe('the order ticket', () => {
  it('goes to the venue at once, without a second approval, unless review is asked for', async () => {
    const { host, eng } = setup();
    expect(await host.invoke('submitPlan', { plan: plan() })).toEqual({
      ok: true,
      value: { planId: 'manual-1' },
    });
    const direct = eng.snapshot().plans.find((p) => p.id === 'manual-1');
    expect(direct?.status).toBe('working');
    expect(
      eng
        .snapshot()
        .orders.filter((o) => o.planId === 'manual-1')
        .map((o) => o.id),
    ).toEqual(['manual-1:E1']);

    expect(await host.invoke('submitPlan', { plan: plan(), review: true })).toEqual({
      ok: true,
      value: { planId: 'manual-2' },
    });
    expect(eng.snapshot().plans.find((p) => p.id === 'manual-2')?.status).toBe('pending_approval');
    expect(eng.snapshot().orders.some((o) => o.planId === 'manual-2')).toBe(false);
    await host.close();
  });

  it('previews size, notional and risk with the engine sizing rule, recording nothing', async () => {
    const { host, eng } = setup();
    const before = JSON.stringify(eng.snapshot());
    // Equity 100,000, AAPL last 180, stop 175: by risk 100,000 x 0.01 / 5 = 200 shares; by position size
    // 100,000 x 0.05 / 180 = 27.7 -> 27. Notional 27 x 180 = 4,860; risk 27 x 5 = 135.
    const { quantity: _q, ...sized } = plan();
    const r = await call(host, 'previewPlan', { plan: sized });
    expect(r).toEqual({
      ok: true,
      value: { quantity: '27', ref: '180', notional: '4860', risk: '135', problems: [] },
    });
    // A buy with its stop above the entry: the engine's own reason code, on the stopLoss field.
    const wrong = await call(host, 'previewPlan', { plan: { ...sized, stopLoss: 185 } });
    expect(wrong.ok && wrong.value.problems.map((p) => [p.field, p.code])).toEqual([
      ['stopLoss', 'invalid_stop_loss'],
    ]);
    const unknown = await call(host, 'previewPlan', { plan: { ...sized, symbol: 'ZZZZ' } });
    expect(unknown.ok && unknown.value.problems.map((p) => p.code)).toContain('unknown_symbol');
    expect(JSON.stringify(eng.snapshot())).toBe(before);
    await host.close();
  });
});

describe('partial close', () => {
  it('closes part of a position and shrinks the stop to what stays open', async () => {
    const { host, eng, setNow } = setup({ approval: 'auto' });
    eng.submitPlan({ id: 'p', ...plan({ quantity: 10 }) }, T0 + M5);
    eng.onBar(bar(1, 'AAPL', '181')); // entry fills 10 @ 181; the stop for 10 is placed at this close
    expect(eng.snapshot().orders.find((o) => o.id === 'p:SL1')?.quantity).toBe('10');

    setNow(T0 + 2 * M5);
    for (const [quantity, code] of [
      ['11', 'invalid_quantity'],
      ['2.5', 'invalid_quantity'],
    ] as const) {
      const r = await host.invoke('closePosition', { symbol: 'AAPL', quantity });
      expect(r.ok ? '' : r.error.code).toBe(code);
    }
    expect(await host.invoke('closePosition', { symbol: 'AAPL', quantity: '4' })).toEqual({
      ok: true,
      value: null,
    });
    expect(eng.snapshot().orders.find((o) => o.id === 'p:SL1')?.quantity).toBe('6');
    eng.onBar(bar(2, 'AAPL', '182')); // the exit fills 4 @ 182
    const position = eng.snapshot().positions.find((p) => p.symbol === 'AAPL');
    expect(position?.quantity).toBe('6');
    expect(eng.snapshot().trades).toEqual([]);

    // The rest, closed in full: one trade of 10, (4 x 182 + 6 x 183) - 10 x 181 = 728 + 1,098 - 1,810 = 16.
    setNow(T0 + 3 * M5);
    expect(await host.invoke('closePosition', { symbol: 'AAPL' })).toEqual({ ok: true, value: null });
    eng.onBar(bar(3, 'AAPL', '183'));
    const trades = eng.snapshot().trades;
    expect(trades.map((t) => [t.quantity, t.pnl, t.exitReason])).toEqual([['10', '16', 'close']]);
    await host.close();
  });
});

describe('plans expire between bars', () => {
  it('at start and on the host timer, with no bar arriving', async () => {
    const eng = engine({ approval: 'manual' });
    eng.onBar(bar(0, 'AAPL', '180'));
    eng.submitPlan({ id: 'old', ...plan({ expiresAt: T0 + M5 }) }, T0);
    eng.submitPlan({ id: 'later', ...plan({ expiresAt: T0 + 10 * M5 }) }, T0);
    let now = T0 + 2 * M5; // 'old' is past its time when the host starts
    const clock = manualTimers();
    const host = createHost({
      engine: eng,
      now: () => now,
      wallNow: () => now,
      exportTrades,
      timers: clock.timers,
      expiryEveryMs: 1000,
      log: () => {},
    });
    const status = (id: string) => eng.snapshot().plans.find((p) => p.id === id)?.status;
    await host.invoke('getSnapshot', {}); // the start-up expiry ran first in the queue
    expect(status('old')).toBe('expired');
    expect(status('later')).toBe('pending_approval');

    now = T0 + 10 * M5;
    clock.fire(1000);
    await host.invoke('getSnapshot', {});
    expect(status('later')).toBe('expired');
    expect(clock.pending()).toEqual([1000]);
    await host.close();
    expect(clock.pending()).toEqual([]);
  });
});

/** Two round trips closed through the host. AAPL: 10 bought at 181, sold at 185: +40. MSFT: 2 bought at
 *  401, sold at 396: -10. */
async function closeTwoTrades(eng: EnginePort, host: HostHandle, setNow: (t: number) => void) {
  eng.onBar(bar(0, 'MSFT', '400'));
  eng.submitPlan({ id: 'a', ...plan({ quantity: 10, stopLoss: 150 }) }, T0 + M5);
  eng.submitPlan({ id: 'm', ...plan({ symbol: 'MSFT', quantity: 2, stopLoss: 300 }) }, T0 + M5);
  eng.onBar(bar(1, 'AAPL', '181'));
  eng.onBar(bar(1, 'MSFT', '401'));
  setNow(T0 + 2 * M5);
  await host.invoke('closePosition', { symbol: 'AAPL' });
  await host.invoke('closePosition', { symbol: 'MSFT' });
  eng.onBar(bar(2, 'AAPL', '185'));
  eng.onBar(bar(2, 'MSFT', '396'));
}

describe('trade history metrics per filter', () => {
  it('are computed by the engine over the trades the filter keeps', async () => {
    const { host, eng, setNow } = setup({ approval: 'auto' });
    await closeTwoTrades(eng, host, setNow);
    expect(eng.snapshot().trades.map((t) => t.pnl)).toEqual(['40', '-10']);

    const all = await call(host, 'queryHistory', {});
    expect(all.ok && all.value.count).toBe(2);
    expect(all.ok && all.value.metrics.netPnl).toBe('30');
    // Realized equity: 100,000 -> 100,040 -> 100,030; drawdown 10 / 100,040 x 100 = 0.009996...
    expect(all.ok && all.value.equity.map((p) => p.value)).toEqual(['100000', '100040', '100030']);
    expect(all.ok && Number(all.value.metrics.maxDrawdownPct).toFixed(6)).toBe('0.009996');
    // Two trades are below the minimum sample: no Sharpe.
    expect(all.ok && all.value.metrics.sharpe).toBeNull();

    const losers = await call(host, 'queryHistory', { outcome: 'loss' });
    expect(
      losers.ok && [losers.value.count, losers.value.metrics.netPnl, losers.value.metrics.winRate],
    ).toEqual([1, '-10', '0']);
    const aapl = await call(host, 'queryHistory', { symbol: 'AAPL', side: 'long' });
    expect(aapl.ok && aapl.value.equity.map((p) => p.value)).toEqual(['100000', '100040']);
    const bad = await host.invoke('queryHistory', { outcome: 'draw' });
    expect(bad.ok ? '' : bad.error.code).toBe('invalid_input');

    // A trade closing after the views were built joins those that keep it (and only those).
    // AAPL again: 5 bought at 190, sold at 184: -30. Equity 100,030 -> 100,000.
    eng.submitPlan({ id: 'a2', ...plan({ quantity: 5, stopLoss: 150 }) }, T0 + 2 * M5);
    eng.onBar(bar(3, 'AAPL', '190'));
    setNow(T0 + 4 * M5);
    await host.invoke('closePosition', { symbol: 'AAPL' });
    eng.onBar(bar(4, 'AAPL', '184'));
    expect(eng.snapshot().trades.map((t) => t.pnl)).toEqual(['40', '-10', '-30']);
    const after = await call(host, 'queryHistory', {});
    expect(after.ok && [after.value.count, after.value.metrics.netPnl]).toEqual([3, '0']);
    expect(after.ok && after.value.equity.map((p) => p.value)).toEqual([
      '100000',
      '100040',
      '100030',
      '100000',
    ]);
    // 40 / 100,040 x 100 = 0.039984...
    expect(after.ok && Number(after.value.metrics.maxDrawdownPct).toFixed(6)).toBe('0.039984');
    const losersAfter = await call(host, 'queryHistory', { outcome: 'loss' });
    expect(losersAfter.ok && [losersAfter.value.count, losersAfter.value.metrics.netPnl]).toEqual([2, '-40']);
    const aaplAfter = await call(host, 'queryHistory', { symbol: 'AAPL', side: 'long' });
    expect(aaplAfter.ok && aaplAfter.value.equity.map((p) => p.value)).toEqual([
      '100000',
      '100040',
      '100010',
    ]);
    await host.close();
  });
});

describe('a trade history view being built', () => {
  it('holds neither the kill switch nor the queue between its slices', async () => {
    // One trade per slice, and the turn between slices held until the test lets it go.
    let letGo = () => {};
    const held = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const { host, eng, setNow } = setup({ approval: 'auto' }, { slice: 1, yieldTurn: () => held });
    await closeTwoTrades(eng, host, setNow);
    let answered = false;
    const view = call(host, 'queryHistory', {}).then((r) => {
      answered = true;
      return r;
    });
    // The build read its first trade and waits for its turn: the kill and a queued command go first.
    expect((await host.invoke('kill', {})).ok).toBe(true);
    expect(eng.state).toBe('HALTED');
    expect((await host.invoke('resume', {})).ok).toBe(true);
    expect(answered).toBe(false);
    letGo();
    const r = await view;
    expect(r.ok && [r.value.count, r.value.metrics.netPnl]).toEqual([2, '30']);
    await host.close();
  });
});

describe('instruments in the snapshot', () => {
  it('carry the tick and lot of every known symbol', () => {
    const eng = engine({ instruments: { MSFT: { lot: 1, tick: 0.05 } } });
    expect(eng.snapshot().instruments).toEqual({
      AAPL: { tick: '0.01', lot: '1' },
      MSFT: { tick: '0.05', lot: '1' },
    });
  });
});
