// Mean arrival slippage per venue and order type with its 95 % interval: a dot and a whisker per row on
// one axis through zero (left of zero: the venue paid the trader; right: it cost). SVG, no library: a
// handful of rows.
import type { ExecutionQualityRow } from '../../../../shared/domain/learning.ts';
import { chartDomain } from './lesson-view.ts';

const ROW_H = 18;
const LABEL_W = 110;
const WIDTH = 320;

export function QualityChart({ rows }: { rows: readonly ExecutionQualityRow[] }) {
  const [lo, hi] = chartDomain(rows);
  const plotW = WIDTH - LABEL_W - 8;
  const x = (v: number) => LABEL_W + ((v - lo) / (hi - lo)) * plotW;
  const height = rows.length * ROW_H + 16;
  return (
    <svg
      className="quality-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      role="img"
      aria-label="Mean arrival slippage with its 95 % interval, bps"
    >
      <line x1={x(0)} x2={x(0)} y1={0} y2={rows.length * ROW_H} className="axis-zero" />
      {rows.map((r, i) => {
        const y = i * ROW_H + ROW_H / 2;
        return (
          <g key={`${r.venue}|${r.orderType}`}>
            <text x={4} y={y + 4} className="label">
              {r.venue} {r.orderType}
            </text>
            {r.ci95 && <line x1={x(r.ci95[0])} x2={x(r.ci95[1])} y1={y} y2={y} className="whisker" />}
            <circle
              cx={x(r.meanSlippageBps)}
              cy={y}
              r={3}
              className={r.meanSlippageBps > 0 ? 'cost' : 'gain'}
            />
          </g>
        );
      })}
      <text x={x(lo)} y={height - 3} className="tick">
        {lo.toFixed(1)}
      </text>
      <text x={x(hi)} y={height - 3} className="tick" textAnchor="end">
        {hi.toFixed(1)} bps
      </text>
    </svg>
  );
}
