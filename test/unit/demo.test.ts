// The demo's signal rule on hand-computed bars, and the feed as a component: warm-up, pace, loop, stop,
// on timers run by hand.
import { describe, expect, it } from 'vitest';
import { parseBars, type Step } from '../../src/main/demo/csv.ts';
import { createDemoFeed } from '../../src/main/demo/feed.ts';
import { createSmaCross, firstSignalStep } from '../../src/main/demo/sma-cross.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { EnginePort } from '../../src/main/engine/port.ts';
import type { Bar } from '../../src/shared/domain/instrument.ts';
import { manualTimers } from '../helpers/timers.ts';

const T0 = Date.parse('2024-03-04T14:30:00Z');
const M5 = 5 * 60_000;

// Closes 120, 119, ..., 101 (the 5-bar average below the 20-bar one), then 130 for five bars.
// Bar 20: fast (104+103+102+101+130)/5 = 108 < slow 2220/20 = 111: no cross yet.
// Bar 21: fast (103+102+101+130+130)/5 = 113.2 > slow 2231/20 = 111.55: the up-cross, a buy.
const closes = [...Array.from({ length: 20 }, (_, i) => 120 - i), 130, 130, 130, 130, 130];
const bars: Bar[] = closes.map((c, i) => ({
  time: T0 + i * M5,
  symbol: 'AAA',
  open: String(c),
  high: String(c + 1),
  low: String(c - 1),
  close: String(c),
  volume: '1000',
}));
const steps: Step[] = bars.map((bar) => ({ time: bar.time, bars: [bar] }));

describe('SMA 5/20 cross', () => {
  it('fires once, at the bar where the 5-bar average crosses above the 20-bar one', () => {
    const source = createSmaCross();
    const signals = bars.map((bar) => source.onBar(bar, M5));
    expect(signals.findIndex((s) => s !== null)).toBe(21);
    expect(signals.filter((s) => s !== null)).toHaveLength(1);
    // Stop at the lowest low of bars 12..21 (101 - 1 = 100), risk 30, target 130 + 2 x 30.
    // Gap (113.2 - 111.55) / 111.55 = 1.48%: confidence 0.5 + 5 x 1.48 capped at 0.95.
    expect(signals[21]).toEqual({
      symbol: 'AAA',
      side: 'buy',
      entry: { type: 'market' },
      stopLoss: '100',
      takeProfit: '190',
      confidence: 0.95,
      expiresAt: T0 + 21 * M5 + 31 * M5,
      venue: 'paper',
      timeframe: '5m',
    });
    expect(firstSignalStep(steps, M5)).toBe(21);
  });
});

describe('demo CSV', () => {
  it('groups rows by time and refuses rows out of order', () => {
    const text =
      'time,symbol,open,high,low,close,volume\n2024-03-04T14:30:00Z,A,1,2,0.5,1.5,10\n2024-03-04T14:30:00Z,B,1,1,1,1,1\n2024-03-04T14:35:00Z,A,1,1,1,1,1\n';
    const r = parseBars(text);
    expect(r.ok && r.value.map((s) => [s.time, s.bars.map((b) => b.symbol)])).toEqual([
      [T0, ['A', 'B']],
      [T0 + M5, ['A']],
    ]);
    const bad = parseBars(
      'time,symbol,open,high,low,close,volume\n2024-03-04T14:35:00Z,A,1,1,1,1,1\n2024-03-04T14:30:00Z,A,1,1,1,1,1\n',
    );
    expect(bad).toEqual({
      ok: false,
      error: { code: 'bad_csv', message: 'prices.csv:3: rows out of time order' },
    });
  });
});

describe('demo feed', () => {
  const DAY = 86_400_000;
  const STEP_MS = 1000;

  function engine() {
    const r = createEngine({ config: { approval: 'manual' } });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }

  function feedOn(eng: EnginePort) {
    const t = manualTimers();
    const feed = createDemoFeed({ engine: eng, steps, stepMs: STEP_MS, timers: t.timers, log: () => {} });
    return { feed, ...t, step: (n = 1) => t.advance(n * STEP_MS) };
  }

  const planRows = (eng: EnginePort) => eng.snapshot().plans.map((p) => [p.id, p.status]);

  it('delivers the warm-up at once, then one step per stepMs; the first plan comes three steps in', () => {
    const eng = engine();
    const { feed, step, pending } = feedOn(eng);
    feed.start();
    // Steps 0..18 at once: the first cross (step 21) is three steps away.
    expect(eng.snapshot().time).toBe(T0 + 18 * M5);
    expect(feed.now()).toBe(T0 + 19 * M5);
    expect(pending()).toBe(1);
    step(2);
    expect(eng.snapshot().time).toBe(T0 + 20 * M5);
    expect(eng.snapshot().plans).toEqual([]);
    step();
    // The plan is submitted at the close of bar 21, which is the engine's time now.
    expect(eng.snapshot().time).toBe(T0 + 22 * M5);
    expect(planRows(eng)).toEqual([[`demo-AAA-${T0 + 21 * M5}`, 'pending_approval']]);
    feed.stop();
    eng.close();
  });

  it('plays again on the next trading day, prices joined at the seam, and stops cleanly', () => {
    const eng = engine();
    const delivered: Bar[] = [];
    const spy: EnginePort = Object.assign(Object.create(eng) as EnginePort, {
      onBar: (bar: Bar) => {
        delivered.push(bar);
        eng.onBar(bar);
      },
    });
    const { feed, step, pending } = feedOn(spy);
    feed.start();
    step(6 + 22); // the rest of pass 0 (steps 19..24, Monday 4 March), then steps 0..21 of pass 1
    // Pass 1 is Tuesday 5 March at the same times, mirrored (p -> 120 + 130 - p): it opens at 130, where
    // pass 0 closed, and its closes are 130, 131, ..., 149, then 120 for five bars.
    const monday = delivered.filter((b) => b.time < T0 + DAY);
    expect(monday.at(-1)).toMatchObject({ time: T0 + 24 * M5, close: '130' });
    expect(delivered[monday.length]).toEqual({
      time: T0 + DAY,
      symbol: 'AAA',
      open: '130',
      high: '131',
      low: '129',
      close: '130',
      volume: '1000',
    });
    expect(delivered.at(-1)).toMatchObject({ time: T0 + DAY + 21 * M5, close: '120', high: '121' });
    // The averages run on across the seam. Pass 1, step 21: fast (147+148+149+120+120)/5 = 136.8 <
    // slow (132+...+149 + 120+120)/20 = 138.45: a down-cross, a sell. Stop at the highest high of steps
    // 12..21 (149 + 1 = 150), risk 30, target 120 - 2 x 30. The Monday plan expired overnight (at 18:50).
    const sellAt = T0 + DAY + 21 * M5;
    expect(planRows(eng)).toEqual([
      [`demo-AAA-${T0 + 21 * M5}`, 'expired'],
      [`demo-AAA-${sellAt}`, 'pending_approval'],
    ]);
    expect(eng.snapshot().plans[1]!.input).toMatchObject({
      side: 'sell',
      stopLoss: '150',
      takeProfit: '60',
      confidence: 0.95,
      expiresAt: sellAt + 31 * M5,
    });

    feed.stop();
    feed.stop();
    expect(pending()).toBe(0);
    const count = delivered.length;
    step(100);
    expect(delivered).toHaveLength(count);
    expect(eng.snapshot().time).toBe(sellAt + M5);
    eng.close();
  });

  it('after a restart, starts in the first pass later than the engine’s time', () => {
    const eng = engine();
    // Engine time in pass 1 (Tuesday 5 March): the feed starts in pass 2, Wednesday 6 March, unmirrored.
    eng.onBar({ ...bars[0]!, time: T0 + DAY + 5 * M5 });
    const { feed } = feedOn(eng);
    feed.start();
    expect(eng.snapshot().time).toBe(T0 + 2 * DAY + 18 * M5);
    expect(eng.snapshot().lastPrices).toEqual({ AAA: '102' });
    feed.stop();
    eng.close();
  });
});
