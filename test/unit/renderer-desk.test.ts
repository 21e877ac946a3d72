import { describe, expect, it } from 'vitest';
import { deskFigures, deskStatus, heartbeatText } from '../../src/renderer/src/features/venues/desk-view.ts';
import type { DeskView } from '../../src/shared/contract.ts';

const T = Date.parse('2026-12-02T10:00:00Z');
const desk = (over: Partial<DeskView> = {}): DeskView => ({
  name: 'default',
  engine: 'e1',
  connected: true,
  engines: [
    { engine: 'e1', lastHeartbeatAt: T - 2_000, alive: true, holding: 3 },
    { engine: 'e2', lastHeartbeatAt: T - 95_000, alive: false, holding: 1 },
    { engine: 'e3', lastHeartbeatAt: null, alive: false, holding: 0 },
  ],
  waiting: 12,
  claimed: 3,
  heldByDeadEngine: 1,
  buffered: 0,
  at: T,
  ...over,
});

describe('the desk in the Venues panel', () => {
  it('says each heartbeat’s age, and never before the first', () => {
    const [e1, e2, e3] = desk().engines;
    expect(heartbeatText(e1!, T)).toBe('2s ago');
    expect(heartbeatText(e2!, T)).toBe('1m 35s ago');
    expect(heartbeatText(e3!, T)).toBe('never');
  });

  it('counts engines alive, and says what PostgreSQL down means for trading', () => {
    expect(deskStatus(desk())).toBe('default: 1 of 3 engines alive (this one: e1)');
    expect(deskStatus(desk({ connected: false, detail: 'ECONNREFUSED' }))).toBe(
      'default: PostgreSQL unreachable: trading what is held, claiming nothing (ECONNREFUSED)',
    );
  });

  it('warns on plans held by a dead engine and on buffered reports', () => {
    const figures = deskFigures(desk({ buffered: 4 }));
    expect(figures.map((f) => [f.label, f.value, f.warn === true])).toEqual([
      ['Waiting', '12', false],
      ['Claimed', '3', false],
      ['Held by a dead engine', '1', true],
      ['Reports buffered', '4', true],
    ]);
  });
});
