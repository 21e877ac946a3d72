// The always-visible strip: mode, trading state, account figures, engine clock, kill switch.
import { dec } from '../../../../shared/domain/decimal.ts';
import * as fmt from '../../lib/format.ts';
import { useConnection } from '../../store/connection.ts';
import { type TimeZoneName, timeZoneLabel, useTimeZone } from '../../store/settings.ts';
import { useTerminal } from '../../store/store.ts';
import { KillSwitch } from '../kill-switch/KillSwitch.tsx';
import { TradingStateBadge } from '../kill-switch/TradingState.tsx';
import { ModeControl } from '../mode/ModeControl.tsx';

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
      <Figure label="Cash" value={fmt.money(a.cash)} />
      <Figure label="Day P&L" value={fmt.signedMoney(day)} tone={fmt.toneClass(day)} />
      <Figure
        label="Unrealized"
        value={fmt.signedMoney(a.unrealizedPnl)}
        tone={fmt.toneClass(a.unrealizedPnl)}
      />
      <Figure label="Realized" value={fmt.signedMoney(a.realizedPnl)} tone={fmt.toneClass(a.realizedPnl)} />
    </div>
  );
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** "2024-03-01 09:30:00" in the chosen zone (the sv-SE locale writes ISO-like dates). */
function clockText(time: number, zone: TimeZoneName): string {
  let f = clockFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('sv-SE', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    clockFormats.set(zone, f);
  }
  return f.format(time);
}

function EngineClock() {
  const time = useTerminal((s) => s.time);
  const status = useConnection((s) => s.status);
  const zone = useTimeZone();
  return (
    <div className="figure clock">
      <span className="figure-label">
        <span className={`dot ${status}`} title={`Engine connection: ${status}`} /> Engine time{' '}
        {timeZoneLabel(zone)}
      </span>
      <span className="figure-value num">{time > 0 ? clockText(time, zone) : '\u2014'}</span>
    </div>
  );
}

export function TopBar() {
  return (
    <header className="topbar">
      <div className="brand">
        BRAID<span className="brand-sub">execution</span>
      </div>
      <ModeControl />
      <div className="state-group">
        <span className="figure-label">Trading</span>
        <TradingStateBadge />
      </div>
      <AccountFigures />
      <div className="spacer" />
      <EngineClock />
      <KillSwitch />
    </header>
  );
}
