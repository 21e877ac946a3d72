// A position's stop as the Positions blotter shows it: the working stop's level, NO STOP (the engine says
// there is none: never planned, not placed yet, or cancelled), or unknown (an engine that does not say).
import type { PositionRecord } from '../../../../shared/domain/portfolio.ts';

export type StopView = { kind: 'level'; level: string } | { kind: 'none' } | { kind: 'unknown' };

export function stopView(stop: PositionRecord['stop']): StopView {
  if (stop === null) return { kind: 'none' };
  if (stop === undefined || stop === '') return { kind: 'unknown' };
  return { kind: 'level', level: stop };
}
