// The bottom line: connection, where plans come from, how they are approved.
import { useConnection } from '../../store/connection.ts';
import { timeZoneLabel, useTimeZone } from '../../store/settings.ts';
import { useTerminal } from '../../store/store.ts';

export function StatusBar() {
  const status = useConnection((s) => s.status);
  const source = useTerminal((s) => s.host?.signalSource ?? null);
  const approval = useTerminal((s) => s.approval);
  const fills = useTerminal((s) => s.fills.length);
  const reason = useTerminal((s) => s.tradingReason);
  const zone = useTimeZone();
  return (
    <footer className="statusbar">
      <span>
        <span className={`dot ${status}`} />{' '}
        {status === 'connected'
          ? 'Connected'
          : status === 'connecting'
            ? 'Connecting…'
            : 'Disconnected: retrying'}
      </span>
      <span className="source" title={source ? `${source.name}: ${source.rule}` : undefined}>
        Signal source: <b>{source ? source.name : 'none'}</b>
        {source && <span className="dim"> ({source.rule})</span>}
      </span>
      <span>
        Approval: <b>{approval}</b>
      </span>
      <span>
        Fills: <b className="num">{fills}</b>
      </span>
      {reason && <span className="warn">{reason}</span>}
      <span className="spacer" />
      <span className="dim">Times in {timeZoneLabel(zone)}</span>
    </footer>
  );
}
