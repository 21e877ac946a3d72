import type { DayTrade } from '../../../../shared/domain/portfolio.ts';
// Pattern-day-trader counter: used, remaining, when the oldest leaves the window, a warning at the limit.
// Day-trade dates are exchange dates (New York), whatever zone the rest of the screen shows: each says so.
import * as fmt from '../../lib/format.ts';
import { EXCHANGE_TIME_ZONE, timeZoneLabel } from '../../store/settings.ts';
import { useTerminal } from '../../store/store.ts';
import { Panel } from '../shell/Panel.tsx';

/** The zone day-trade dates are counted in (the engine's PDT calendar: the exchange's). */
const DATE_ZONE = timeZoneLabel(EXCHANGE_TIME_ZONE);

export function DayTrades() {
  const view = useTerminal((s) => s.dayTrades);
  if (!view) {
    return (
      <Panel title="Day trades">
        <div className="empty">Waiting for the engine…</div>
      </Panel>
    );
  }
  // The broker's own count, when it says one, is the one the limit follows (it knows day trades made
  // outside Braid); Braid's own count stays beside it, and a difference is pointed out.
  const broker = view.broker;
  const remaining = broker?.remaining ?? view.remaining;
  const atLimit = view.enabled && view.applies && remaining <= 0;
  const differs = broker !== undefined && broker.remaining !== null && broker.remaining !== view.remaining;
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
          {broker && (
            <>
              <dt title={`Read from ${broker.venue} at ${new Date(broker.at).toISOString()}`}>
                Broker remaining ({broker.venue.toUpperCase()})
              </dt>
              <dd className="num pdt-broker">{broker.remaining ?? 'no limit'}</dd>
              {broker.equity !== null && (
                <>
                  <dt>Broker equity</dt>
                  <dd className="num">{fmt.money(broker.equity)}</dd>
                </>
              )}
            </>
          )}
          <dt>{broker ? "Braid's count: remaining" : 'Remaining'}</dt>
          <dd className="num">{view.remaining}</dd>
          <dt>Oldest leaves window</dt>
          <dd className="num">
            {view.oldestLeavesOn === null ? (
              '\u2014'
            ) : (
              <>
                {view.oldestLeavesOn} <span className="dim">{DATE_ZONE}</span>
              </>
            )}
          </dd>
        </dl>
        {atLimit && (
          <div className="banner warning" role="alert">
            Day-trade limit reached: a new day trade will be refused until{' '}
            {view.oldestLeavesOn === null ? 'the window rolls' : `${view.oldestLeavesOn} (${DATE_ZONE})`}.
          </div>
        )}
        {differs && (
          <div className="banner caution" role="status">
            {broker.venue.toUpperCase()} counts {broker.remaining} day trade
            {broker.remaining === 1 ? '' : 's'} left, Braid {view.remaining}: the broker's count applies (it
            sees trades made elsewhere).
          </div>
        )}
        {view.enabled && view.applies && remaining === 1 && (
          <div className="banner caution" role="status">
            One day trade left.
          </div>
        )}
        {view.dayTrades.length > 0 && (
          <ul className="pdt-list" aria-label={`Day trades by exchange date (${DATE_ZONE})`}>
            {keyedDayTrades(view.dayTrades).map(({ key, d }) => (
              <li key={key}>
                <span className="num dim" title={`Exchange date, ${DATE_ZONE}`}>
                  {d.date} {DATE_ZONE}
                </span>{' '}
                <span className="sym">{d.symbol}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Panel>
  );
}

/** Several day trades of one symbol on one date are several rows: each keyed by its date, symbol and
 *  how many of that pair came before it (React needs unique keys). */
function keyedDayTrades(list: readonly DayTrade[]): Array<{ key: string; d: DayTrade }> {
  const seen = new Map<string, number>();
  return list.map((d) => {
    const base = `${d.date}-${d.symbol}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { key: `${base}-${n}`, d };
  });
}
