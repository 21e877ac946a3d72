// The always-visible strip: mode, trading state, account figures, engine clock and its time zone,
// settings, kill switch. On a narrow screen the account figures give way first (the least important
// drops out whole, never half-cut); the controls on the right never shrink.
import { dec } from '../../../../shared/domain/decimal.ts';
import * as fmt from '../../lib/format.ts';
import { useConnection } from '../../store/connection.ts';
import { timeZoneLabel, useTimeZone } from '../../store/settings.ts';
import { useTerminal } from '../../store/store.ts';
import { KillSwitch } from '../kill-switch/KillSwitch.tsx';
import { TradingStateBadge } from '../kill-switch/TradingState.tsx';
import { ModeControl } from '../mode/ModeControl.tsx';
import { SettingsButton, TimeZoneSelect } from './Settings.tsx';

function Figure(props: { label: string; value: string; tone?: string }) {
  return (
    <div className="figure">
      <span className="figure-label">{props.label}</span>
      <span className={`figure-value num ${props.tone ?? ''}`}>{props.value}</span>
    </div>
  );
}

function dayPnl(equity: string, dayStart: string): string | null {
  try {
    return dec(equity).minus(dayStart).toString();
  } catch {
    return null;
  }
}

function AccountFigures() {
  const a = useTerminal((s) => s.account);
  if (!a) return <div className="figures dim">Waiting for the engine…</div>;
  const day = dayPnl(a.equity, a.dayStartEquity);
  return (
    <div className="figures">
      <Figure label={`Equity ${a.currency}`} value={fmt.money(a.equity)} />
      <Figure label="Day P&L" value={fmt.signedMoney(day)} tone={fmt.toneClass(day)} />
      <Figure
        label="Unrealized"
        value={fmt.signedMoney(a.unrealizedPnl)}
        tone={fmt.toneClass(a.unrealizedPnl)}
      />
      <Figure label="Realized" value={fmt.signedMoney(a.realizedPnl)} tone={fmt.toneClass(a.realizedPnl)} />
      <Figure label="Cash" value={fmt.money(a.cash)} />
    </div>
  );
}

function EngineClock() {
  const time = useTerminal((s) => s.time);
  const status = useConnection((s) => s.status);
  const zone = useTimeZone();
  return (
    <div className="figure clock">
      <span className="figure-label">
        <span className={`dot ${status}`} title={`Engine connection: ${status}`} /> Engine time{' '}
        <TimeZoneSelect />
      </span>
      <span className="figure-value num" title={`Engine clock, shown in ${timeZoneLabel(zone)}`}>
        {time > 0 ? fmt.dateTime(time, zone) : '\u2014'}
      </span>
    </div>
  );
}

export function TopBar() {
  const stale = useConnection((s) => s.status === 'reconnecting');
  return (
    <header className={`topbar${stale ? ' stale' : ''}`}>
      <div className="brand">
        BRAID<span className="brand-sub">execution</span>
      </div>
      <ModeControl />
      <div className="state-group">
        <span className="figure-label">Trading</span>
        <TradingStateBadge />
      </div>
      <AccountFigures />
      <EngineClock />
      <SettingsButton />
      <KillSwitch />
    </header>
  );
}
