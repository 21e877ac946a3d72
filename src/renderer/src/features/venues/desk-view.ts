// The desk in the operator's words (pure, so tests pin them): each engine's heartbeat, and where the
// plans of the shared stream are.
import type { DeskEngineView, DeskView } from '../../../../shared/contract.ts';

/** Seconds since the heartbeat, as the row says it; "never" before the first. */
export function heartbeatText(e: DeskEngineView, now: number): string {
  if (e.lastHeartbeatAt === null) return 'never';
  const s = Math.max(0, Math.round((now - e.lastHeartbeatAt) / 1000));
  return s < 60 ? `${s}s ago` : `${Math.floor(s / 60)}m ${s % 60}s ago`;
}

/** The desk's plan figures, in order, with a warning on plans held by a dead engine. */
export function deskFigures(
  d: DeskView,
): Array<{ label: string; value: string; warn?: boolean; title: string }> {
  return [
    { label: 'Waiting', value: String(d.waiting), title: 'Plans no engine has claimed yet' },
    { label: 'Claimed', value: String(d.claimed), title: 'Plans claimed by a live engine' },
    {
      label: 'Held by a dead engine',
      value: String(d.heldByDeadEngine),
      warn: d.heldByDeadEngine > 0,
      title:
        'Plans whose engine stopped after journaling an order: they stay with it (never sent twice) until it comes back',
    },
    {
      label: 'Reports buffered',
      value: String(d.buffered),
      warn: d.buffered > 0,
      title: 'Reports kept in this engine’s journal until PostgreSQL takes them',
    },
  ];
}

/** The section's status line. */
export function deskStatus(d: DeskView): string {
  const alive = d.engines.filter((e) => e.alive).length;
  return d.connected
    ? `${d.name}: ${alive} of ${d.engines.length} engines alive (this one: ${d.engine})`
    : `${d.name}: PostgreSQL unreachable: trading what is held, claiming nothing${d.detail ? ` (${d.detail})` : ''}`;
}
