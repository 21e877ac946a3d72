// The engine host with the real engine (in memory): dispatch, PIN, lessons, export, and push batching.
import { describe, expect, it } from 'vitest';
import { exportTrades } from '../../src/main/engine/history/hash-chain.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { EnginePort } from '../../src/main/engine/port.ts';
import { createHost } from '../../src/main/host/host.ts';
import { PIN_SETTING } from '../../src/main/host/live-mode.ts';
import { createPushHub } from '../../src/main/host/push-hub.ts';
import type { AppEvent, AppSnapshot, PushMessage } from '../../src/shared/contract.ts';
import { manualTimers } from '../helpers/timers.ts';

const T0 = Date.parse('2024-03-04T14:30:00Z');
const M5 = 5 * 60_000;

function engine(config: unknown = { approval: 'manual' }): EnginePort {
  const r = createEngine({ config, symbols: ['AAPL'] });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function setup(options: { now?: () => number } = {}) {
  const eng = engine();
  eng.onBar({ time: T0, symbol: 'AAPL', open: '180', high: '181', low: '179', close: '180', volume: '1000' });
  let wall = T0;
  const frames = manualTimers();
  const host = createHost({
    engine: eng,
    now: options.now ?? (() => T0 + M5),
    wallNow: () => wall,
    exportTrades,
    frameMs: 16,
    timers: frames.timers,
    log: () => {},
  });
  return { eng, host, frames, advanceWall: (ms: number) => (wall += ms) };
}

describe('host commands', () => {
  it('submits a manual plan for review with a host id; it waits in the approval queue', async () => {
    const { host, eng } = setup();
    const plan = { symbol: 'AAPL', side: 'buy', entry: { type: 'market' }, quantity: 5, stopLoss: 175 };
    expect(await host.invoke('submitPlan', { plan, review: true })).toEqual({
      ok: true,
      value: { planId: 'manual-1' },
    });
    expect(await host.invoke('submitPlan', { plan, review: true })).toEqual({
      ok: true,
      value: { planId: 'manual-2' },
    });
    const record = eng.snapshot().plans.find((p) => p.id === 'manual-1');
    expect(record?.status).toBe('pending_approval');
    expect(record?.input.quantity).toBe('5');
    expect(record?.input.stopLoss).toBe('175');
    expect(await host.invoke('approve', { planId: 'manual-1' })).toEqual({ ok: true, value: null });
    expect(eng.snapshot().plans.find((p) => p.id === 'manual-1')?.status).toBe('working');
  });

  it('invalid input changes nothing', async () => {
    const { host, eng } = setup();
    const before = JSON.stringify(eng.snapshot());
    const r = await host.invoke('submitPlan', {
      plan: { symbol: 'AAPL', side: 'hold', entry: { type: 'market' } },
    });
    expect(r.ok ? '' : r.error.code).toBe('invalid_input');
    expect((await host.invoke('kill', { now: 1 })).ok).toBe(false);
    expect(JSON.stringify(eng.snapshot())).toBe(before);
    expect(eng.settings.get('host.manualSeq')).toBeUndefined();
  });

  it('kill and resume reach the engine at the host time', async () => {
    const { host, eng } = setup();
    expect(await host.invoke('kill', {})).toEqual({ ok: true, value: null });
    expect(eng.snapshot().tradingState).toBe('HALTED');
    expect(eng.snapshot().time).toBe(T0 + M5);
    await host.invoke('resume', {});
    expect(eng.snapshot().tradingState).toBe('ACTIVE');
  });

  it('turns an engine that throws into an error Result', async () => {
    const eng = engine();
    // The real engine with one command that fails as a full disk would.
    const broken: EnginePort = Object.assign(Object.create(eng) as EnginePort, {
      kill: () => {
        throw new Error('disk full');
      },
    });
    const host = createHost({
      engine: broken,
      now: () => T0,
      wallNow: () => T0,
      exportTrades,
      log: () => {},
    });
    expect(await host.invoke('kill', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'kill failed: disk full' },
    });
    await host.close();
  });

  it('refuses commands after close', async () => {
    const { host } = setup();
    await host.close();
    await host.close();
    expect(await host.invoke('getSnapshot', {})).toEqual({
      ok: false,
      error: { code: 'closed', message: 'The engine is shut down.' },
    });
  });
});

describe('LIVE mode and PIN', () => {
  it('stores only a salted scrypt hash and arms LIVE with the right PIN', async () => {
    const { host, eng } = setup();
    expect(await host.invoke('armLive', { pin: '1234' })).toMatchObject({
      ok: false,
      error: { code: 'pin_not_set' },
    });
    expect(await host.invoke('setPin', { pin: '482913' })).toEqual({ ok: true, value: null });
    const stored = eng.settings.get(PIN_SETTING) ?? '';
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(stored).not.toContain('482913');

    expect(await host.invoke('armLive', { pin: '000000' })).toEqual({
      ok: false,
      error: { code: 'wrong_pin', message: 'Wrong PIN.' },
    });
    const snap = (await host.invoke('getSnapshot', {})) as { ok: true; value: AppSnapshot };
    expect(snap.value.host).toMatchObject({ mode: 'PAPER', pinSet: true });
    expect(await host.invoke('armLive', { pin: '482913' })).toEqual({ ok: true, value: null });
    const live = (await host.invoke('getSnapshot', {})) as { ok: true; value: AppSnapshot };
    expect(live.value.host.mode).toBe('LIVE');
    await host.invoke('disarmLive', {});
    const paper = (await host.invoke('getSnapshot', {})) as { ok: true; value: AppSnapshot };
    expect(paper.value.host.mode).toBe('PAPER');
  });

  it('the same PIN hashes differently each time (salted)', async () => {
    const { host, eng } = setup();
    await host.invoke('setPin', { pin: '1234' });
    const first = eng.settings.get(PIN_SETTING);
    await host.invoke('setPin', { pin: '1234', currentPin: '1234' });
    expect(eng.settings.get(PIN_SETTING)).not.toBe(first);
  });

  it('changing the PIN needs the current one', async () => {
    const { host } = setup();
    await host.invoke('setPin', { pin: '1234' });
    expect(await host.invoke('setPin', { pin: '5678' })).toMatchObject({
      ok: false,
      error: { code: 'pin_required' },
    });
    expect(await host.invoke('setPin', { pin: '5678', currentPin: '9999' })).toMatchObject({
      ok: false,
      error: { code: 'wrong_pin' },
    });
    expect(await host.invoke('setPin', { pin: '5678', currentPin: '1234' })).toEqual({
      ok: true,
      value: null,
    });
    expect(await host.invoke('armLive', { pin: '5678' })).toEqual({ ok: true, value: null });
  });

  it('locks arming for a minute after five wrong PINs', async () => {
    const { host, advanceWall } = setup();
    await host.invoke('setPin', { pin: '1234' });
    for (let i = 0; i < 5; i++) await host.invoke('armLive', { pin: '0000' });
    expect(await host.invoke('armLive', { pin: '1234' })).toEqual({
      ok: false,
      error: { code: 'pin_locked', message: 'Too many wrong PINs: try again in 60 s.' },
    });
    advanceWall(60_000);
    expect(await host.invoke('armLive', { pin: '1234' })).toEqual({ ok: true, value: null });
  });
});

describe('lessons and export', () => {
  it('refuses a lesson switch clearly when the learning loop is not configured', async () => {
    const { host } = setup();
    expect(await host.invoke('setLessonState', { lessonId: 'l-9', state: 'active' })).toEqual({
      ok: false,
      error: { code: 'learning_off', message: 'the learning loop is not configured (add "learning")' },
    });
  });

  it('exports the trade history with its hash-chain head', async () => {
    const { host } = setup();
    const r = await host.invoke('exportHistory', { format: 'csv' });
    expect(r).toEqual({
      ok: true,
      value: { ...exportTrades([], 'csv'), filename: 'braid-trades-2024-03-04.csv', mime: 'text/csv' },
    });
    const json = await host.invoke('exportHistory', { format: 'json' });
    expect(json.ok && (json.value as { mime: string; count: number })).toMatchObject({
      mime: 'application/json',
      count: 0,
    });
  });
});

describe('push hub', () => {
  const ev = (n: number): AppEvent => ({
    type: 'notice',
    notice: { level: 'info', code: `n${n}`, message: '', time: n },
  });
  const snapshot = { engine: {}, host: {} } as unknown as AppSnapshot;

  it('sends a snapshot first, then one batch per frame, never two within 16 ms', () => {
    const t = manualTimers();
    const hub = createPushHub({ snapshot: () => snapshot, frameMs: 16, timers: t.timers });
    const got: Array<{ at: number; m: PushMessage }> = [];
    let clock = 0;
    hub.subscribe((m) => got.push({ at: clock, m }));
    expect(got).toEqual([{ at: 0, m: { kind: 'snapshot', snapshot } }]);

    for (let i = 1; i <= 100; i++) hub.publish(ev(i)); // a burst: one message
    clock += 15;
    t.advance(15);
    expect(got).toHaveLength(1);
    clock += 1;
    t.advance(1);
    expect(got).toHaveLength(2);
    expect(got[1]!.m.kind === 'events' && got[1]!.m.events.length).toBe(100);

    hub.publish(ev(101)); // right after a flush: waits a whole frame
    clock += 10;
    t.advance(10);
    expect(got).toHaveLength(2);
    clock += 6;
    t.advance(6);
    expect(got).toHaveLength(3);
    expect(got[2]!.at - got[1]!.at).toBe(16);
  });

  it('a late subscriber does not get events already in its snapshot twice', () => {
    const t = manualTimers();
    const hub = createPushHub({ snapshot: () => snapshot, frameMs: 16, timers: t.timers });
    const early: PushMessage[] = [];
    const late: PushMessage[] = [];
    hub.subscribe((m) => early.push(m));
    hub.publish(ev(1));
    hub.publish(ev(2));
    hub.subscribe((m) => late.push(m));
    hub.publish(ev(3));
    t.advance(16);
    expect(early[1]).toEqual({ kind: 'events', events: [ev(1), ev(2), ev(3)] });
    expect(late).toEqual([
      { kind: 'snapshot', snapshot },
      { kind: 'events', events: [ev(3)] },
    ]);
  });

  it('stops cleanly: no timer left, nothing sent after dispose or unsubscribe', () => {
    const t = manualTimers();
    const hub = createPushHub({ snapshot: () => snapshot, frameMs: 16, timers: t.timers });
    const got: PushMessage[] = [];
    const off = hub.subscribe((m) => got.push(m));
    hub.publish(ev(1));
    off();
    t.advance(16);
    expect(got).toHaveLength(1);
    hub.subscribe((m) => got.push(m));
    hub.publish(ev(2));
    hub.dispose();
    expect(t.pending()).toBe(0);
    t.advance(100);
    expect(got).toHaveLength(2);
  });

  it('the host pushes engine and host events through it, one batch at the end of the frame', async () => {
    const { host, frames } = setup();
    const got: PushMessage[] = [];
    host.subscribe((m) => got.push(m));
    await host.invoke('kill', {});
    await host.invoke('setPin', { pin: '1234' });
    expect(got.map((m) => m.kind)).toEqual(['snapshot']);
    frames.advance(16);
    expect(got.map((m) => m.kind)).toEqual(['snapshot', 'events']);
    const events = got.flatMap((m) => (m.kind === 'events' ? m.events : []));
    expect(events.some((e) => e.type === 'tradingState' && e.state === 'HALTED')).toBe(true);
    expect(events.find((e) => e.type === 'host')).toMatchObject({ host: { pinSet: true, mode: 'PAPER' } });
    await host.close();
  });
});
