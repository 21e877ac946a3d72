// Pattern-day-trader counter: used, remaining, when the oldest leaves the window, a warning at the limit.
import { useTerminal } from '../../store/store.ts';
import { Panel } from '../shell/Panel.tsx';

export function DayTrades() {
  const view = useTerminal((s) => s.dayTrades);
  if (!view) {
    return (
      <Panel title="Day trades">
        <div className="empty">Waiting for the engine…</div>
      </Panel>
    );
  }
  const atLimit = view.enabled && view.applies && view.remaining <= 0;
  const pips = Array.from({ length: view.max }, (_, i) => i < view.used);
  return (
    <Panel
      title="Day trades"
      className="day-trades"
      meta={
        <span className="dim">
          {!view.enabled ? 'rule off' : view.applies ? 'PDT rule applies' : 'not binding'}
        </span>
      }
    >
      <div className="pdt">
        <div className="pdt-count">
          <span className={`pdt-used num${atLimit ? ' down' : ''}`}>{view.used}</span>
          <span className="pdt-max num">/ {view.max}</span>
          <span className="pdt-caption">used in 5 business days</span>
        </div>
        <div className="pdt-pips" aria-hidden="true">
          {pips.map((used, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: pips are positions, not records
            <span key={i} className={used ? 'pip used' : 'pip'} />
          ))}
        </div>
        <dl className="kv">
          <dt>Remaining</dt>
          <dd className="num">{view.remaining}</dd>
          <dt>Oldest leaves window</dt>
          <dd className="num">{view.oldestLeavesOn ?? '\u2014'}</dd>
        </dl>
        {atLimit && (
          <div className="banner warning" role="alert">
            Day-trade limit reached: a new day trade will be refused until{' '}
            {view.oldestLeavesOn ?? 'the window rolls'}.
          </div>
        )}
        {view.enabled && view.applies && view.remaining === 1 && (
          <div className="banner caution" role="status">
            One day trade left.
          </div>
        )}
        {view.dayTrades.length > 0 && (
          <ul className="pdt-list">
            {view.dayTrades.map((d) => (
              <li key={`${d.date}-${d.symbol}`}>
                <span className="num dim">{d.date}</span> <span className="sym">{d.symbol}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Panel>
  );
}
