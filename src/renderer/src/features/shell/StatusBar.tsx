// The bottom line: connection, where plans come from, how they are approved.
import { useTerminal } from '../../store/store.ts';
import { useUi } from '../../store/ui.ts';

export function StatusBar() {
  const connection = useUi((s) => s.connection);
  const loaded = useTerminal((s) => s.loaded);
  const source = useTerminal((s) => s.host?.signalSource ?? null);
  const approval = useTerminal((s) => s.approval);
  const fills = useTerminal((s) => s.fills.length);
  const reason = useTerminal((s) => s.tradingReason);
  return (
    <footer className="statusbar">
      <span>
        <span className={`dot ${connection}`} />{' '}
        {connection === 'open'
          ? loaded
            ? 'Connected'
            : 'Loading…'
          : connection === 'connecting'
            ? 'Connecting…'
            : 'Disconnected: retrying'}
      </span>
      <span>
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
      <span className="dim">Times in UTC (engine clock)</span>
    </footer>
  );
}
