// Performance over the closed trades the history filter keeps, as the engine computes it (queryHistory).
import type { Metrics } from '../../../../shared/domain/metrics.ts';
import * as fmt from '../../lib/format.ts';
import { sharpeText } from './sharpe.ts';

function Metric(props: { label: string; value: string; tone?: string; title?: string }) {
  return (
    <div className="metric" title={props.title}>
      <span className="metric-label">{props.label}</span>
      <span className={`metric-value num ${props.tone ?? ''}`}>{props.value}</span>
    </div>
  );
}

export function MetricsStrip(props: { metrics: Metrics | null; sharpeMinTrades: number | null }) {
  const m = props.metrics;
  if (!m) return <div className="metrics dim">Metrics: waiting for the engine…</div>;
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
      <Metric
        label="Sharpe"
        value={sharpeText(m.sharpe, props.sharpeMinTrades)}
        title="Per trade: mean / standard deviation of the trades' P&L %"
      />
    </div>
  );
}
