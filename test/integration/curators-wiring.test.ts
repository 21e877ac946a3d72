// The curators wired into plan arrival: a queued plan carries its score; above approval.autoAboveScore
// it is approved by the same path as the operator's click, with the reason said (a notice).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';
import { Journal } from '../../src/main/engine/journal/journal.ts';
import type { EngineEvent } from '../../src/shared/domain/engine-view.ts';

const T0 = Date.parse('2024-03-04T14:30:00Z');
const MIN = 60_000;
const buy = { symbol: 'AAA', side: 'buy', entry: { type: 'market' }, stopLoss: 99 };

function engine(cfg: Record<string, unknown>): { e: Engine; events: EngineEvent[] } {
  const e = new Engine({ config: parseConfig(cfg), symbols: ['AAA'] });
  const events: EngineEvent[] = [];
  e.subscribe((ev) => events.push(ev));
  e.onBar({ time: T0, symbol: 'AAA', open: '100', high: '100', low: '100', close: '100', volume: '1000000' });
  return { e, events };
}
const planOf = (e: Engine, id: string) => e.snapshot().plans.find((p) => p.id === id)!;

describe('curators at plan arrival', () => {
  it('above the threshold the plan is approved without a click, and the reason is said', () => {
    const { e, events } = engine({ approval: { mode: 'manual', autoAboveScore: 0.8 } });
    e.submitPlan({ id: 'p1', ...buy, confidence: 1 }, T0 + MIN);
    const p1 = planOf(e, 'p1');
    // Sized 50 (5 % of 100,000 at 100), risking 50 of the 1,000 budget: risk 1 - 0.05 / 2 = 0.975;
    // confidence 1, venue unknown 0.5, flat book 1: (1 + 0.5 + 0.975 + 1) / 4 = 0.86875.
    expect(p1.score?.total).toBe(0.86875);
    expect(p1.status).toBe('working');
    const notice = events.find((ev) => ev.type === 'notice' && ev.notice.code === 'auto_approved');
    expect(notice?.type === 'notice' && notice.notice.message).toBe(
      "auto-approved: the curators' score 0.87 is above 0.8",
    );
    // AAA now holds a working entry of 50 at 100 = its whole 5,000 limit: position 0;
    // (0.2 + 0.5 + 0.975 + 0) / 4 = 0.41875, so it waits for the operator.
    e.submitPlan({ id: 'p2', ...buy, confidence: 0.2 }, T0 + 2 * MIN);
    expect(planOf(e, 'p2').score?.total).toBe(0.41875);
    expect(planOf(e, 'p2').status).toBe('pending_approval');
  });
  it('without a threshold every queued plan waits, scored; the config weights count', () => {
    const { e } = engine({ approval: 'manual', curators: { weights: { execution: 3, venue: 1 } } });
    e.submitPlan({ id: 'p1', ...buy, confidence: 1 }, T0 + MIN);
    // 0.75 x 1 + 0.25 x 0.5 = 0.875, not auto-approved (no threshold).
    expect(planOf(e, 'p1').score?.total).toBe(0.875);
    expect(planOf(e, 'p1').status).toBe('pending_approval');
  });
  it('the curators config is read and checked', () => {
    const c = parseConfig({
      curators: { weights: { execution: 2, venue: 1 }, bounds: { minFactor: 0.5, maxFactor: 3 } },
    });
    expect(c.curators).toEqual({
      weights: { execution: 2, venue: 1 },
      bounds: { minFactor: 0.5, maxFactor: 3 },
    });
    expect(() => parseConfig({ curators: { weights: { execution: 0 } } })).toThrow(/at least one weight/);
    expect(() => parseConfig({ curators: { weights: { executon: 1 } } })).toThrow();
    expect(parseConfig({}).curators).toBeUndefined();
  });
});

describe('curator weights moved by lessons, journaled, rebuilt on restart', () => {
  it('an active venue lesson lifts the venue weight to 0.30 (notice curator_weight); dismissed, back to 0.25; a restart keeps it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'braid-curator-weights-'));
    try {
      const path = join(dir, 'journal.sqlite');
      const config = parseConfig({
        account: { cash: 10000000 },
        pdt: { enabled: false },
        venues: { paper: { slipBps: 2 }, 'paper-b': { kind: 'paper', slipBps: 12 } },
        routing: { candidates: ['paper', 'paper-b'] },
        learning: { enabled: true, minEvidence: 5 },
        // Every queued plan is scored, and approved by its score (strictly above 0).
        approval: { mode: 'manual', autoAboveScore: 0 },
      });
      const S = 6 * 3600_000;
      const D0 = Date.parse('2026-01-05T00:00:00Z');
      const bar = (i: number) => ({
        time: D0 + i * S,
        symbol: 'AAA',
        open: '100',
        high: '100',
        low: '100',
        close: '100',
        volume: '1000000',
      });
      let journal = Journal.open(path, { kind: 'app' });
      journal.setMeta('kind', 'app');
      let e = new Engine({ config, journal, symbols: ['AAA'] });
      const events: EngineEvent[] = [];
      e.subscribe((ev) => events.push(ev));
      const venueWeight = (engine: Engine, id: string) =>
        engine
          .snapshot()
          .plans.find((p) => p.id === id)!
          .score!.parts.find((p) => p.curator === 'venue')!.weight;
      let t = 0;
      e.onBar(bar(t++));
      for (let i = 0; i < 30; i++) {
        e.submitPlan({ id: `p${i}`, symbol: 'AAA', side: 'buy', quantity: 1 }, D0 + (t - 1) * S + 1000);
        e.onBar(bar(t++));
        e.closePosition('AAA', D0 + (t - 1) * S + 1000);
        e.onBar(bar(t++));
      }
      const lessonId = 'prefer_venue:paper|market|AAA|*|*';
      expect(e.lessons().map((l) => [l.id, l.state])).toEqual([[lessonId, 'active']]);
      expect(venueWeight(e, 'p0')).toBe(0.25);
      expect(venueWeight(e, 'p29')).toBe(0.3);
      const said = events.flatMap((ev) =>
        ev.type === 'notice' && ev.notice.code === 'curator_weight' ? [ev.notice] : [],
      );
      expect(said.map((n) => [n.level, n.message])).toEqual([
        ['info', `venue curator weight 0.250 -> 0.300: lesson ${lessonId} is active (1 active venue lesson)`],
      ]);
      const now = D0 + t * S;
      expect(e.setLessonState(lessonId, 'dismissed', now).ok).toBe(true);
      e.submitPlan({ id: 'q1', symbol: 'AAA', side: 'buy', quantity: 1 }, now + 1);
      expect(venueWeight(e, 'q1')).toBe(0.25);
      expect(e.setLessonState(lessonId, 'active', now + 2).ok).toBe(true);
      e.submitPlan({ id: 'q2', symbol: 'AAA', side: 'buy', quantity: 1 }, now + 3);
      expect(venueWeight(e, 'q2')).toBe(0.3);
      e.close();

      // Restart: the lesson records (and the move journaled with each) rebuild the weights.
      journal = Journal.open(path, { kind: 'app' });
      e = new Engine({ config, journal, symbols: ['AAA'] });
      const cp = journal.checkpointAtOpen!;
      e.restore(cp.seq, cp.live);
      e.submitPlan({ id: 'q3', symbol: 'AAA', side: 'buy', quantity: 1 }, now + 4);
      expect(venueWeight(e, 'q3')).toBe(0.3);
      const records = new Database(path, { readonly: true });
      try {
        const bodies = (
          records.prepare("SELECT body FROM events WHERE kind = 'lesson' ORDER BY seq").all() as {
            body: string;
          }[]
        ).map(
          (r) =>
            JSON.parse(r.body) as { lesson: { state: string }; curatorWeight?: { after: { venue: number } } },
        );
        expect(bodies.map((b) => [b.lesson.state, b.curatorWeight?.after.venue])).toEqual([
          ['active', 0.3],
          ['dismissed', 0.25],
          ['active', 0.3],
        ]);
      } finally {
        records.close();
      }
      e.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
