import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';

describe("the engine's lessons and the trader's switch on them", () => {
  it('lists what the engine learned, with its evidence, and switches it', () => {
    const T0 = Date.parse('2026-01-05T00:00:00Z');
    const STEP = 6 * 3600_000;
    const engine = new Engine({
      config: parseConfig({
        account: { cash: 10000000 },
        pdt: { enabled: false },
        venues: { paper: { slipBps: 2 }, 'paper-b': { kind: 'paper', slipBps: 12 } },
        routing: { candidates: ['paper', 'paper-b'] },
        learning: { enabled: true, minEvidence: 5 },
      }),
      symbols: ['AAA'],
    });
    const bar = (i: number) => ({
      time: T0 + i * STEP,
      symbol: 'AAA',
      open: '100',
      high: '100',
      low: '100',
      close: '100',
      volume: '1000000',
    });
    // A plan after each bar, its position closed after the next: entries alternate between the venues.
    let t = 0;
    engine.onBar(bar(t++));
    for (let i = 0; i < 30; i++) {
      engine.submitPlan({ id: `p${i}`, symbol: 'AAA', side: 'buy', quantity: 1 }, T0 + (t - 1) * STEP + 1000);
      engine.onBar(bar(t++));
      engine.closePosition('AAA', T0 + (t - 1) * STEP + 1000);
      engine.onBar(bar(t++));
    }
    // The Execution quality view: per venue and order type, entries and exits alike.
    const quality = engine.snapshot().learning!.quality;
    // 30 entries and 30 exits; a sell pays its venue's slippage as a buy does.
    expect(quality.map((q) => [q.venue, q.orderType, Math.round(q.meanSlippageBps * 1e6) / 1e6])).toEqual([
      ['paper', 'market', 2],
      ['paper-b', 'market', 12],
    ]);
    expect(quality[0]!.n + quality[1]!.n).toBe(60);
    expect(quality[0]!.ci95).toEqual([2, 2]);
    const now = T0 + t * STEP;
    const [lesson] = engine.lessons();
    expect(lesson).toMatchObject({ id: 'prefer_venue:paper|market|AAA|*|*', state: 'active' });
    expect(lesson!.evidence).toMatchObject({ meanBps: 2, altMeanBps: 12 });
    expect(lesson!.evidence.ci95.map((x) => Math.round(x * 1e6) / 1e6)).toEqual([10, 10]);
    expect(engine.setLessonState(lesson!.id, 'dismissed', now).ok).toBe(true);
    expect(engine.lessons()[0]!.state).toBe('dismissed');
    expect(engine.snapshot().learning!.lessons[0]!.state).toBe('dismissed');
    expect(engine.setLessonState('nope', 'active', now)).toMatchObject({
      ok: false,
      error: { code: 'unknown_lesson' },
    });
  });
});
