// Issue 12 figure 2: how a replay's cost grows with its plans. The real runner (runReplay, a journal in a
// temporary SQLite file) over 200,000 bars (4 symbols) with no plans, 5,000 and 20,000 bracketed market
// plans (bench/generate-bars.ts cachedPlans). growth = (20k - bars only) / (5k - bars only): 4 when the
// plans' cost is linear in their number; goal <= 4.6. Each round runs the three in turn, the order
// reversed every other round; medians of ROUNDS rounds.
//
//   node bench/plan-growth.bench.ts [ROUNDS=3]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReplay } from '../src/main/engine/replay/runner.ts';
import { cached, cachedBars, cachedPlans } from './generate-bars.ts';
import { median } from './median.ts';

const BARS = 200_000;
const SYMBOLS = 4;
const SEED = 1;
const GOAL_GROWTH = 4.6;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(ROOT, '.bench');

export interface PlanGrowthFigures {
  bars: number;
  barsOnlySeconds: number;
  seconds5k: number;
  seconds20k: number;
  growth: number;
  met: boolean;
}

export async function planGrowthBench(opts: { rounds?: number } = {}): Promise<PlanGrowthFigures> {
  const rounds = opts.rounds ?? 3;
  mkdirSync(CACHE, { recursive: true });
  const prices = cachedBars(CACHE, BARS, SYMBOLS, SEED);
  const scripts = [
    cached(join(CACHE, 'empty.jsonl'), (tmp) => writeFileSync(tmp, '')),
    cachedPlans(CACHE, 5_000, BARS, SYMBOLS, SEED),
    cachedPlans(CACHE, 20_000, BARS, SYMBOLS, SEED),
  ];
  const seconds: number[][] = [[], [], []];
  const dir = mkdtempSync(join(tmpdir(), 'braid-plan-growth-'));
  const clock = () => performance.now() / 1000;
  try {
    // A warm-up run, so that the first measured one does not pay for compiling the engine.
    runReplay({ prices, script: scripts[1]!, db: join(dir, 'warm.sqlite'), clock });
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      for (const k of order) {
        const db = join(dir, `r${r}-${k}.sqlite`);
        const t0 = performance.now();
        const report = runReplay({ prices, script: scripts[k]!, db, clock });
        seconds[k]!.push((performance.now() - t0) / 1000);
        if (report.run.bars !== BARS) throw new Error(`replayed ${report.run.bars} bars, expected ${BARS}`);
        rmSync(db, { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const [barsOnlySeconds, seconds5k, seconds20k] = seconds.map(median) as [number, number, number];
  const growth = (seconds20k - barsOnlySeconds) / (seconds5k - barsOnlySeconds);
  const met = growth <= GOAL_GROWTH;
  const s = (xs: number[]) => xs.map((x) => `${x.toFixed(2)} s`).join(', ');
  console.log(
    `plan growth: ${BARS.toLocaleString('en-US')} bars (${SYMBOLS} symbols), Node ${process.version}`,
  );
  console.log(
    `  bars only: ${s(seconds[0]!)}; 5,000 plans: ${s(seconds[1]!)}; 20,000 plans: ${s(seconds[2]!)}`,
  );
  console.log(
    `  (${seconds20k.toFixed(2)} - ${barsOnlySeconds.toFixed(2)}) / (${seconds5k.toFixed(2)} - ` +
      `${barsOnlySeconds.toFixed(2)}) = ${growth.toFixed(2)} (linear 4, goal <= ${GOAL_GROWTH}): ${met ? 'met' : 'NOT met'}`,
  );
  return { bars: BARS, barsOnlySeconds, seconds5k, seconds20k, growth, met };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const figures = await planGrowthBench({ rounds: Number(process.argv[2] ?? 3) });
  if (!figures.met) process.exitCode = 1;
}
