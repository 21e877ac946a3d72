// Issue 12 figure 1: `braid replay` of BARS bars without orders against the floor of any replay (bench/
// floor.ts: read the CSV, split lines and fields, parse every number), both as whole processes, so module
// loading, the journal and the report count as a user sees them. Goal: floor seconds / replay seconds
// >= 0.50. Runs alternate (floor, replay, floor, ...) so that a drifting machine load falls on both alike;
// each run of the replay gets a fresh journal, removed after; medians are reported.
//
//   node bench/replay-floor.bench.ts [BARS=1000000] [RUNS=3]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cached, cachedBars } from './generate-bars.ts';
import { median } from './median.ts';

const GOAL_RATIO = 0.5;
const SYMBOLS = 4;
const SEED = 1;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(ROOT, '.bench');

export interface ReplayFloorFigures {
  bars: number;
  floorSeconds: number;
  replaySeconds: number;
  ratio: number;
  met: boolean;
}

/** Wall seconds of a whole Node process; throws with its standard error when it fails. */
function timeProcess(args: string[]): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, stdout: r.stdout };
}

export async function replayFloorBench(
  opts: { bars?: number; runs?: number } = {},
): Promise<ReplayFloorFigures> {
  const bars = opts.bars ?? 1_000_000;
  const runs = opts.runs ?? 3;
  mkdirSync(CACHE, { recursive: true });
  const prices = cachedBars(CACHE, bars, SYMBOLS, SEED);
  const empty = cached(join(CACHE, 'empty.jsonl'), (tmp) => writeFileSync(tmp, ''));
  const dir = mkdtempSync(join(tmpdir(), 'braid-replay-floor-'));
  const floor: number[] = [];
  const replay: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const f = timeProcess([join(ROOT, 'bench/floor.ts'), prices]);
      if (Number(f.stdout.trim()) !== bars)
        throw new Error(`floor read ${f.stdout.trim()} rows, expected ${bars}`);
      floor.push(f.seconds);
      const run = mkdtempSync(join(dir, 'run-'));
      const out = join(run, 'report.json');
      const args = ['replay', '--prices', prices, '--script', empty, '--db', join(run, 'j.sqlite')];
      replay.push(timeProcess([join(ROOT, 'bin/braid.js'), ...args, '--out', out]).seconds);
      rmSync(run, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const floorSeconds = median(floor);
  const replaySeconds = median(replay);
  const ratio = floorSeconds / replaySeconds;
  const met = ratio >= GOAL_RATIO;
  const s = (xs: number[]) => xs.map((x) => `${x.toFixed(2)} s`).join(', ');
  console.log(
    `replay vs floor: ${bars.toLocaleString('en-US')} bars, whole processes, Node ${process.version}`,
  );
  console.log(`  floor runs: ${s(floor)}; replay runs: ${s(replay)}`);
  console.log(
    `  floor ${floorSeconds.toFixed(2)} s / replay ${replaySeconds.toFixed(2)} s = ${ratio.toFixed(2)} ` +
      `(goal >= ${GOAL_RATIO.toFixed(2)}): ${met ? 'met' : 'NOT met'}`,
  );
  return { bars, floorSeconds, replaySeconds, ratio, met };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const figures = await replayFloorBench({
    bars: Number(process.argv[2] ?? 1_000_000),
    runs: Number(process.argv[3] ?? 3),
  });
  if (!figures.met) process.exitCode = 1;
}
