// The always-visible strip: mode, trading state, account figures, engine clock, kill switch.
import { dec } from '../../../../shared/domain/decimal.ts';
import * as fmt from '../../lib/format.ts';
import { useTerminal } from '../../store/store.ts';
import { useUi } from '../../store/ui.ts';
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

function EngineClock() {
  const time = useTerminal((s) => s.time);
  const connection = useUi((s) => s.connection);
  return (
    <div className="figure clock">
      <span className="figure-label">
        <span className={`dot ${connection}`} title={`Engine connection: ${connection}`} /> Engine time UTC
      </span>
      <span className="figure-value num">{time > 0 ? fmt.dateTime(time) : '\u2014'}</span>
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
