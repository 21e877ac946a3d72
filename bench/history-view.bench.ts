// The Trade history's metrics and equity curve on a long history (issue 12): what a closed trade costs the
// engine when the region asks `queryHistory` again, against computing the view afresh as it was done
// before (every trade read, then the view walked over them), side by side on one journal.
//
//   node bench/history-view.bench.ts [TRADES=100000] [CLOSED=200]
//
// The journal is the serve-start bench's (TRADES round trips, cached under .bench/), opened on a copy by
// the hosted engine and the host as `braid serve` opens them. The first question builds the view in
// slices; meanwhile a turn of the event loop is timed (the longest gap is what a kill switch waits at
// most). Then CLOSED more round trips each close a trade and ask again.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportTrades } from '../src/main/engine/history/hash-chain.ts';
import { historyView } from '../src/main/engine/history/history-view.ts';
import { createEngine } from '../src/main/engine/kernel.ts';
import { createHost } from '../src/main/host/host.ts';
import { dec } from '../src/shared/domain/decimal.ts';
import { TRADE_SYMBOLS } from '../test/helpers/trade-journal.ts';
import { median } from './median.ts';
import { journalWith } from './serve-start.bench.ts';

/** A closed trade's question, median: goal. */
const TARGET_MS = 10;

export interface HistoryViewFigures {
  trades: number;
  /** The first question: the view built in slices. */
  buildSeconds: number;
  /** The longest the event loop waited during the build. */
  longestTurnMs: number;
  /** queryHistory after a closed trade, median and 99th percentile. */
  perTradeMs: number;
  perTradeP99Ms: number;
  /** The view computed afresh over every trade (before), median of 3. */
  freshMs: number;
  answerBytes: number;
  met: boolean;
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.ceil(p * xs.length) - 1]!;

export async function historyViewBench(
  opts: { trades?: number; closed?: number } = {},
): Promise<HistoryViewFigures> {
  const trades = opts.trades ?? 100_000;
  const closed = opts.closed ?? 200;
  const dir = mkdtempSync(join(tmpdir(), 'braid-history-view-'));
  const path = join(dir, 'journal.sqlite');
  copyFileSync(journalWith(trades), path);
  const r = createEngine({
    journalPath: path,
    config: { approval: 'auto', pdt: { enabled: false } },
    symbols: [...TRADE_SYMBOLS],
    log: () => {},
  });
  if (!r.ok) throw new Error(r.error.message);
  const engine = r.value;
  // Bars go on from the journal's last (4 per round trip, 5 minutes apart).
  let i = 4 * trades;
  const T0 = Date.UTC(2024, 0, 2, 14, 30);
  let now = T0 + i * 300_000;
  const host = createHost({ engine, now: () => now, wallNow: () => now, exportTrades, log: () => {} });
  const bar = (symbol: string, price: string) => {
    now = T0 + i++ * 300_000;
    engine.onBar({ time: now, symbol, open: price, high: price, low: price, close: price, volume: '1000' });
  };
  try {
    // The event loop's longest gap while the first question is answered.
    let longestTurnMs = 0;
    let building = true;
    let last = performance.now();
    const tick = () => {
      const t = performance.now();
      longestTurnMs = Math.max(longestTurnMs, t - last);
      last = t;
      if (building) setImmediate(tick);
    };
    setImmediate(tick);
    const t0 = performance.now();
    const first = await host.invoke('queryHistory', {});
    const buildSeconds = (performance.now() - t0) / 1000;
    building = false;
    if (!first.ok) throw new Error(first.error.message);
    const answerBytes = JSON.stringify(first.value).length;

    const perTrade: number[] = [];
    for (let n = 0; n < closed; n++) {
      const symbol = TRADE_SYMBOLS[n % TRADE_SYMBOLS.length]!;
      bar(symbol, '100');
      const sent = await host.invoke('submitPlan', {
        plan: { symbol, side: 'buy', quantity: 1, entry: { type: 'market' } },
      });
      if (!sent.ok) throw new Error(sent.error.message);
      bar(symbol, '100');
      bar(symbol, '101');
      const out = await host.invoke('closePosition', { symbol });
      if (!out.ok) throw new Error(out.error.message);
      bar(symbol, '101');
      const q0 = performance.now();
      const answer = await host.invoke('queryHistory', {});
      perTrade.push(performance.now() - q0);
      if (!answer.ok || (answer.value as { count: number }).count !== trades + n + 1)
        throw new Error(`the view counts ${answer.ok ? (answer.value as { count: number }).count : '?'}`);
    }

    // Before: every trade read, then the view walked over them, at each question.
    const fresh: number[] = [];
    for (let k = 0; k < 3; k++) {
      const f0 = performance.now();
      historyView(engine.tradesByExit({}, 0, Number.MAX_SAFE_INTEGER), dec(engine.startingEquity()));
      fresh.push(performance.now() - f0);
    }
    const figures: HistoryViewFigures = {
      trades,
      buildSeconds,
      longestTurnMs,
      perTradeMs: median(perTrade),
      perTradeP99Ms: percentile(perTrade, 0.99),
      freshMs: median(fresh),
      answerBytes,
      met: median(perTrade) < TARGET_MS,
    };
    console.log(
      `history view on ${trades.toLocaleString('en-US')} trades: first question ${buildSeconds.toFixed(2)} s ` +
        `(built in slices; the event loop waited ${longestTurnMs.toFixed(0)} ms at most), answer ` +
        `${(answerBytes / 1024).toFixed(0)} KB; after each of ${closed} closed trades ` +
        `${figures.perTradeMs.toFixed(2)} ms (p99 ${figures.perTradeP99Ms.toFixed(2)} ms) against ` +
        `${figures.freshMs.toFixed(0)} ms computed afresh: ${(figures.freshMs / figures.perTradeMs).toFixed(0)}x; ` +
        `target < ${TARGET_MS} ms: ${figures.met ? 'met' : 'NOT met'}`,
    );
    return figures;
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  await historyViewBench({
    trades: Number(process.argv[2] ?? 100_000),
    closed: Number(process.argv[3] ?? 200),
  });
}
