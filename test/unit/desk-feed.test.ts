import { describe, expect, it } from 'vitest';
import type { DeskView as DeskFigures } from '../../src/main/desk/desk-view.ts';
import { startDeskFeed, toDeskView } from '../../src/main/host/desk-feed.ts';
import { waitFor } from '../helpers/wait.ts';

const T = Date.parse('2026-12-02T10:00:00Z');
const figures = (over: Partial<DeskFigures> = {}): DeskFigures => ({
  desk: 'default',
  engine: 'e1',
  connected: true,
  outboxPending: 2,
  engines: [
    { engine: 'e1', accepts: null, heartbeatAt: T - 1_000, alive: true, held: 3 },
    { engine: 'e2', accepts: ['ib'], heartbeatAt: T - 90_000, alive: false, held: 1 },
  ],
  plans: { waiting: 7, claimed: 3, held: 4, heldByDeadEngine: 1 },
  readAt: T,
  ...over,
});

describe('the desk as the terminal shows it', () => {
  it('maps the desk’s figures into the contract’s view', () => {
    expect(toDeskView(figures(), T + 5)).toEqual({
      name: 'default',
      engine: 'e1',
      connected: true,
      engines: [
        { engine: 'e1', lastHeartbeatAt: T - 1_000, alive: true, holding: 3 },
        { engine: 'e2', lastHeartbeatAt: T - 90_000, alive: false, holding: 1 },
      ],
      waiting: 7,
      claimed: 3,
      heldByDeadEngine: 1,
      buffered: 2,
      at: T,
    });
    // Never reached: no plan figures yet, and the time of the view is now.
    expect(
      toDeskView(figures({ connected: false, plans: null, readAt: null, detail: 'ECONNREFUSED' }), T + 5),
    ).toMatchObject({
      connected: false,
      waiting: 0,
      detail: 'ECONNREFUSED',
      at: T + 5,
    });
  });

  it('says joining until the desk answers, tells listeners of a change only, and keeps the last figures on a failed read', async () => {
    let answer: () => Promise<DeskFigures> = async () => figures();
    let desk: { read: () => Promise<DeskFigures> } | null = null;
    const feed = startDeskFeed({
      name: 'default',
      engine: 'e1',
      read: () => desk?.read() ?? null,
      now: () => T,
      everyMs: 5,
    });
    expect(feed.view()).toMatchObject({ connected: false, detail: 'joining the desk', engines: [] });
    let changes = 0;
    feed.onChange(() => changes++);
    desk = { read: () => answer() };
    await waitFor('the first figures', () => feed.view().connected);
    expect(feed.view().waiting).toBe(7);
    const seen = changes;
    // The same figures again: no change said (listeners are told only when something moved).
    await waitFor('a few more reads', async () => {
      await new Promise((r) => setImmediate(r));
      return changes === seen;
    });
    answer = async () => {
      throw new Error('connection terminated');
    };
    await waitFor('the failure', () => feed.view().detail === 'connection terminated');
    expect(feed.view()).toMatchObject({ connected: false, waiting: 7, claimed: 3 });
    expect(changes).toBe(seen + 1);
    feed.stop();
  });
});
