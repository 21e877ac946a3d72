// The demo's signal rule on hand-computed bars, and the feed as a component: warm-up, pace, loop, stop.
import { describe, expect, it } from 'vitest';
import { parseBars, type Step } from '../../src/main/demo/csv.ts';
import { createDemoFeed } from '../../src/main/demo/feed.ts';
import { createSmaCross, firstSignalStep } from '../../src/main/demo/sma-cross.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { Bar } from '../../src/shared/domain/instrument.ts';
import { waitFor } from '../helpers/wait.ts';

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
  function engine() {
    const r = createEngine({ config: { approval: 'manual' } });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }

  it('delivers the warm-up at once, then the first plan a few steps in, into the approval queue', async () => {
    const eng = engine();
    const feed = createDemoFeed({ engine: eng, steps, stepMs: 10, log: () => {} });
    feed.start();
    // Steps 0..18 at once: the first cross (step 21) is three steps away.
    expect(eng.snapshot().time).toBe(T0 + 18 * M5);
    expect(feed.now()).toBe(T0 + 19 * M5);
    const plan = await waitFor('the first demo plan', () => eng.snapshot().plans[0]);
    expect(plan).toMatchObject({ id: `demo-AAA-${T0 + 21 * M5}`, status: 'pending_approval' });
    feed.stop();
    eng.close();
  });

  it('loops with shifted times, one plan per symbol at a time, and stops cleanly', async () => {
    const eng = engine();
    const feed = createDemoFeed({ engine: eng, steps, stepMs: 2, log: () => {} });
    feed.start();
    // 25 steps a loop. Loop 2's cross (step 46) finds the first plan still pending (it expires at 52):
    // no plan. Loop 3's cross (step 71) comes after the expiry: a new plan.
    await waitFor('three loops', () => eng.snapshot().time >= T0 + 72 * M5);
    feed.stop();
    const stoppedAt = eng.snapshot().time;
    const plans = eng.snapshot().plans.map((p) => [p.id, p.status]);
    expect(plans).toEqual([
      [`demo-AAA-${T0 + 21 * M5}`, 'expired'],
      [`demo-AAA-${T0 + 71 * M5}`, 'pending_approval'],
    ]);
    await new Promise((r) => setTimeout(r, 30));
    expect(eng.snapshot().time).toBe(stoppedAt);
    eng.close();
  });

  it('after a restart, starts in a loop later than the engine’s time', () => {
    const eng = engine();
    eng.onBar({ ...bars[0]!, time: T0 + 30 * M5 });
    const feed = createDemoFeed({ engine: eng, steps, stepMs: 1000, log: () => {} });
    feed.start();
    // Loop 2 starts at T0 + 50 x M5 (span 25 bars): warm-up up to its step 18.
    expect(eng.snapshot().time).toBe(T0 + 50 * M5 + 18 * M5);
    feed.stop();
    eng.close();
  });
});
