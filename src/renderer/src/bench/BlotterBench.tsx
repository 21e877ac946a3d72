// The blotter benchmark page (`?bench=blotter`, driven by bench/ui.bench.ts): the real Positions grid fed
// by the real store, 10,000 synthetic positions, row updates pushed the way the transport pushes them
// (one events message per frame), frames timed with requestAnimationFrame in the page.
import type { Root } from 'react-dom/client';
import type { AppSnapshot } from '../../../shared/contract.ts';
import type { PositionRecord } from '../../../shared/domain/portfolio.ts';
import { ROW_HEIGHT } from '../features/blotter/DataGrid.tsx';
import { PositionsGrid } from '../features/blotter/PositionsBlotter.tsx';
import { Panel } from '../features/shell/Panel.tsx';
import { dispatchPush } from '../store/store.ts';
import type { BenchOptions, BenchResult } from './bench-types.ts';

declare global {
  interface Window {
    __braidBench?: { ready: boolean; run(options: BenchOptions): Promise<BenchResult> };
  }
}

const VARIANTS = 8;

function symbolOf(i: number): string {
  return `S${String(i).padStart(5, '0')}`;
}

/** Synthetic decimal text from integer cents (no float arithmetic on money, even fake money). */
function cents(n: number): string {
  const neg = n < 0;
  const a = Math.abs(n);
  return `${neg ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

function makePositions(rows: number): { base: PositionRecord[]; variants: PositionRecord[][] } {
  const base: PositionRecord[] = [];
  const variants: PositionRecord[][] = [];
  for (let i = 0; i < rows; i++) {
    const avg = 1000 + ((i * 7919) % 90000); // cents
    const quantity = 1 + ((i * 31) % 400);
    const long = i % 3 !== 0;
    const p: PositionRecord = {
      symbol: symbolOf(i),
      planId: `plan-${i}`,
      side: long ? 'long' : 'short',
      quantity: String(quantity),
      avgPrice: cents(avg),
      markPrice: cents(avg),
      unrealizedPnl: '0.00',
      openedAt: Date.UTC(2024, 2, 1, 14, 30) + i * 1000,
    };
    base.push(p);
    const vs: PositionRecord[] = [];
    for (let k = 0; k < VARIANTS; k++) {
      const mark = avg + (k - VARIANTS / 2) * (1 + (i % 13));
      const pnl = (mark - avg) * quantity * (long ? 1 : -1);
      vs.push({ ...p, markPrice: cents(mark), unrealizedPnl: cents(pnl) });
    }
    variants.push(vs);
  }
  return { base, variants };
}

function snapshotWith(positions: PositionRecord[]): AppSnapshot {
  const zero = '0';
  return {
    engine: {
      time: Date.UTC(2024, 2, 1, 15),
      tradingState: 'ACTIVE',
      approval: 'manual',
      account: {
        currency: 'USD',
        cash: '100000',
        equity: '100000',
        startEquity: '100000',
        dayStartEquity: '100000',
        realizedPnl: zero,
        unrealizedPnl: zero,
      },
      plans: [],
      orders: [],
      fills: [],
      trades: [],
      tradeCount: 0,
      positions,
      dayTrades: {
        enabled: false,
        applies: false,
        used: 0,
        remaining: 3,
        max: 3,
        oldestLeavesOn: null,
        dayTrades: [],
      },
      metrics: {
        totalTrades: 0,
        wins: 0,
        losses: 0,
        winRate: null,
        grossProfit: zero,
        grossLoss: zero,
        profitFactor: null,
        avgWin: null,
        avgLoss: null,
        expectancy: null,
        netPnl: zero,
        maxDrawdownPct: zero,
        sharpe: null,
      },
      lastPrices: {},
      instruments: {},
    },
    host: { mode: 'PAPER', pinSet: false, venues: [], signalSource: null, busy: null },
  };
}

const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));

async function run(options: BenchOptions): Promise<BenchResult> {
  const { base, variants } = makePositions(options.rows);
  dispatchPush({ kind: 'snapshot', snapshot: snapshotWith(base) });
  const grid = document.querySelector<HTMLElement>('[role="grid"]');
  if (!grid) throw new Error('no grid on the page');
  grid.scrollTop = 0;
  for (let i = 0; i < 10; i++) await nextFrame(); // settle after the first render

  let loaf: number | null = null;
  let observer: PerformanceObserver | null = null;
  if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
    loaf = 0;
    observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) loaf = Math.max(loaf ?? 0, e.duration);
    });
    observer.observe({ type: 'long-animation-frame' });
  }

  const durationMs = options.seconds * 1000;
  const start = performance.now();
  let sent = 0;
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  // The transport: one events message per frame-length tick, carrying the updates due by now.
  // Half the updates land on rows in view (the expensive case), half anywhere in the 10,000.
  const pump = setInterval(() => {
    const due = Math.min(
      options.updatesPerSecond * options.seconds,
      Math.floor(((performance.now() - start) / 1000) * options.updatesPerSecond),
    );
    if (due <= sent) return;
    const firstVisible = Math.floor(grid.scrollTop / ROW_HEIGHT);
    const visible = Math.max(1, Math.ceil(grid.clientHeight / ROW_HEIGHT));
    const events = [];
    for (; sent < due; sent++) {
      const i =
        sent % 2 === 0 ? Math.min(options.rows - 1, firstVisible + random(visible)) : random(options.rows);
      const p = variants[i]![random(VARIANTS)]!;
      events.push({ type: 'position' as const, symbol: p.symbol, position: p });
    }
    dispatchPush({ kind: 'events', events });
  }, 16);

  const stamps: number[] = [];
  const maxScroll = options.rows * ROW_HEIGHT;
  for (;;) {
    const t = await nextFrame();
    stamps.push(t);
    const elapsed = t - start;
    if (elapsed >= durationMs) break;
    grid.scrollTop = ((elapsed / 1000) * options.scrollPxPerSecond) % maxScroll;
  }
  clearInterval(pump);
  observer?.disconnect();

  const intervals: number[] = [];
  for (let i = 1; i < stamps.length; i++) intervals.push(stamps[i]! - stamps[i - 1]!);
  const sorted = [...intervals].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return {
    rows: options.rows,
    updatesSent: sent,
    seconds: options.seconds,
    frames: intervals.length,
    medianFps: median > 0 ? 1000 / median : 0,
    p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
    longestFrameMs: sorted[sorted.length - 1] ?? 0,
    longestLoafMs: loaf,
    renderedRows: grid.querySelectorAll('[role="row"]').length,
    worst: intervals
      .map((ms, i) => ({ atMs: Math.round(stamps[i + 1]! - start), ms: Math.round(ms * 10) / 10 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5),
  };
}

export function mountBench(root: Root): void {
  root.render(
    <div className="bench">
      <Panel title="Positions">
        <PositionsGrid />
      </Panel>
    </div>,
  );
  window.__braidBench = { ready: true, run };
}
