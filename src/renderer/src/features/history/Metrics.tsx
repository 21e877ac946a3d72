// Performance over closed trades, as the engine computes it.
import * as fmt from '../../lib/format.ts';
import { useTerminal } from '../../store/store.ts';

function Metric(props: { label: string; value: string; tone?: string }) {
  return (
    <div className="metric">
      <span className="metric-label">{props.label}</span>
      <span className={`metric-value num ${props.tone ?? ''}`}>{props.value}</span>
    </div>
  );
}

export function MetricsStrip() {
  const m = useTerminal((s) => s.metrics);
  if (!m) return null;
  return (
    <div className="metrics">
      <Metric label="Trades" value={`${m.totalTrades}`} />
      <Metric label="Win rate" value={fmt.fractionPct(m.winRate)} />
      <Metric label="W / L" value={`${m.wins} / ${m.losses}`} />
      <Metric label="Net P&L" value={fmt.signedMoney(m.netPnl)} tone={fmt.toneClass(m.netPnl)} />
      <Metric label="Profit factor" value={fmt.decimal(m.profitFactor, 2)} />
      <Metric label="Expectancy" value={fmt.signedMoney(m.expectancy)} tone={fmt.toneClass(m.expectancy)} />
      <Metric label="Avg win" value={fmt.money(m.avgWin)} tone="up" />
      <Metric label="Avg loss" value={fmt.money(m.avgLoss)} tone="down" />
      <Metric label="Max DD" value={fmt.pct(m.maxDrawdownPct)} />
      <Metric label="Sharpe" value={fmt.decimal(m.sharpe, 2)} />
    </div>
  );
}
