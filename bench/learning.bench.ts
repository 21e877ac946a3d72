// What the learning loop costs in replay (issue 10): the real runner (runReplay: inputs read and checked,
// the engine, a journal in a temporary SQLite file, the report) over the same bars and the same market
// plans without a venue, routed over two paper venues that differ only in slippage
// (`routing.candidates: ["paper", "paper-b"]`, learning.md "Venues and candidates in replay"), with and
// without learning. Goal: learning on takes at most 15 % more time than without it.
//
//   node bench/learning.bench.ts [BARS=1000000] [PLANS=10000] [ROUNDS=5]
//
// Three configs, identical but for `learning`:
//   none  no `learning` section: no learning book at all (nothing measured, nothing journaled). The
//         baseline of the ratio: it is what a trader who never turns learning on runs, so on / none is
//         the whole price of the loop (strands, their journal records, lessons, advice).
//   off   `{"enabled": false}`: strands measured and journaled, lessons derived, no advice (round-robin);
//         printed to split the price into measuring and advising.
//   on    `{"enabled": true}`: the advisor chooses, with holdout and exploration.
// Each run is a fresh Node process (as `braid replay` is), timed around runReplay alone: no run inherits
// another's heap or garbage, which in one process made whichever ran later pay for the earlier ones. Each
// round runs none and on side by side (none, on, off; the next round off, on, none), so that each round's
// on / none compares two runs the machine ran at the same pace: this VM's speed drifts by a factor of up
// to 1.5 between minutes, more than the figure measured. The judged figure is the median of the rounds'
// on / none, wall and CPU (the larger of the two); the table shows each variant's median time.
// `npm run bench` runs it after the replay figure (bench/replay.bench.ts calls learningBench).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReplay } from '../src/main/engine/replay/runner.ts';
import { cachedBars, cachedPlans } from './generate-bars.ts';
import { median } from './median.ts';

const GOAL_RATIO = 1.15;
const SYMBOLS = 4;
const SEED = 1;

type Variant = 'none' | 'off' | 'on';
const VARIANTS: Variant[] = ['none', 'off', 'on'];

/** The config of each variant: the spec's example venues (learning.md "Config"), learning aside. */
function configOf(v: Variant): unknown {
  return {
    venues: { paper: { slipBps: 2 }, 'paper-b': { kind: 'paper', slipBps: 12 } },
    routing: { candidates: ['paper', 'paper-b'] },
    ...(v === 'none' ? {} : { learning: { enabled: v === 'on', seed: SEED } }),
  };
}

type Report = ReturnType<typeof runReplay>;

interface LearningBlock {
  advised: { n: number; meanSlippageBps: number | null; ci95: [number, number] | null };
  holdout: { n: number; meanSlippageBps: number | null; ci95: [number, number] | null };
  improvementBps: number | null;
  improvementCi95: [number, number] | null;
  guardrails: { fillRatio: number | null; markout5: number | null };
}
interface LessonRow {
  id: string;
  state: string;
  effect: { kind: string; venue?: string };
  evidence: { n: number; altN: number; meanBps: number; altMeanBps: number };
}
interface StrandRow {
  venue: string;
  role: string;
  arm: string;
}
/** The report's learning additions (present only with a `learning` config). */
const extra = (r: Report) =>
  r as unknown as { strands?: StrandRow[]; lessons?: LessonRow[]; learning?: LearningBlock };

/** What a child run tells the parent: its times and what the sanity check prints of its report. */
interface Run {
  seconds: number;
  cpu: number;
  bars: number;
  orders: number;
  strands: number;
  entries: number;
  onPaper: number;
  arms: Array<[string, number]>;
  lessons: LessonRow[];
  learning: LearningBlock | null;
}

/** One replay in this process (the child's part): timed around runReplay alone. */
function runOnce(prices: string, script: string, config: string, db: string): Run {
  const clock = () => performance.now() / 1000;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const report = runReplay({ prices, script, config, db, clock });
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const x = extra(report);
  const entries = (x.strands ?? []).filter((s) => s.role === 'entry');
  const arms = new Map<string, number>();
  for (const s of entries) arms.set(s.arm, (arms.get(s.arm) ?? 0) + 1);
  return {
    seconds,
    cpu: (c.user + c.system) / 1e6,
    bars: report.run.bars,
    orders: report.orders.length,
    strands: x.strands?.length ?? 0,
    entries: entries.length,
    onPaper: entries.filter((s) => s.venue === 'paper').length,
    arms: [...arms],
    lessons: x.lessons ?? [],
    learning: x.learning ?? null,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (s: number) => `${s.toFixed(2)} s`;
const bps = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
const ci = (c: [number, number] | null) => (c === null ? 'n/a' : `[${bps(c[0])}, ${bps(c[1])}]`);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');

export interface LearningFigures {
  bars: number;
  plans: number;
  orders: number;
  /** Medians of the rounds, seconds. */
  wall: Record<Variant, number>;
  cpu: Record<Variant, number>;
  /** Median of the rounds' on / none, the larger of wall and CPU: the figure judged against GOAL_RATIO. */
  ratio: number;
  met: boolean;
}

const SELF = fileURLToPath(import.meta.url);

export async function learningBench(o: {
  cache: string;
  bars: number;
  plans: number;
  rounds: number;
}): Promise<LearningFigures> {
  const { bars, plans, rounds } = o;
  mkdirSync(o.cache, { recursive: true });
  const prices = cachedBars(o.cache, bars, SYMBOLS, SEED);
  // Shifted symbol order: with 4 symbols in a plain cycle, the round-robin over 2 venues would send
  // each symbol to one venue only, and no braid would have an alternative to compare with.
  const script = cachedPlans(o.cache, plans, bars, SYMBOLS, SEED, true);
  const dir = mkdtempSync(join(tmpdir(), 'braid-learning-bench-'));
  const configs = new Map<Variant, string>();
  for (const v of VARIANTS) {
    const file = join(dir, `config-${v}.json`);
    writeFileSync(file, JSON.stringify(configOf(v)));
    configs.set(v, file);
  }
  const runs = new Map<Variant, Run[]>(VARIANTS.map((v) => [v, []]));
  try {
    console.log('');
    console.log(
      `learning bench: ${fmt(bars)} bars (${SYMBOLS} symbols), ${fmt(plans)} market plans without a venue over ` +
        `paper (2 bps) and paper-b (12 bps), ${rounds} rounds, each run a fresh process, Node ${process.version}; ` +
        `load average ${load()}`,
    );
    for (let round = 0; round < rounds; round++) {
      const order: Variant[] = round % 2 === 0 ? ['none', 'on', 'off'] : ['off', 'on', 'none'];
      for (const v of order) {
        const db = join(dir, `${v}-${round}.sqlite`);
        const out = execFileSync(process.execPath, [SELF, '--child', prices, script, configs.get(v)!, db], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        rmSync(db, { force: true });
        const run = JSON.parse(out.trim().split('\n').at(-1)!) as Run;
        if (run.bars !== bars) throw new Error(`${v}: replayed ${run.bars} bars, expected ${bars}`);
        if (run.orders === 0) throw new Error(`${v}: no orders`);
        if ((run.learning === null) !== (v === 'none'))
          throw new Error(`${v}: the report's learning block is ${v === 'none' ? 'there' : 'missing'}`);
        runs.get(v)!.push(run);
        console.log(
          `  round ${round + 1} ${v.padEnd(4)}: ${secs(run.seconds)} wall, ${secs(run.cpu)} CPU, ` +
            `${fmt(run.orders)} orders`,
        );
      }
    }

    const wall = (v: Variant) => median(runs.get(v)!.map((r) => r.seconds));
    const cpu = (v: Variant) => median(runs.get(v)!.map((r) => r.cpu));
    const last = (v: Variant) => runs.get(v)!.at(-1)!;
    console.log('');
    const row = (a: string, b: string, c: string, d: string, e: string, f: string) =>
      console.log(
        `| ${a.padEnd(34)} | ${b.padStart(9)} | ${c.padStart(9)} | ${d.padStart(9)} | ${e.padStart(8)} | ${f.padStart(13)} |`,
      );
    row('replay (median of rounds)', 'time', 'CPU', 'bars/s', 'orders/s', 'x none (wall)');
    row(
      '-'.repeat(34),
      `${'-'.repeat(8)}:`,
      `${'-'.repeat(8)}:`,
      `${'-'.repeat(8)}:`,
      `${'-'.repeat(7)}:`,
      `${'-'.repeat(12)}:`,
    );
    const label: Record<Variant, string> = {
      none: 'no learning section',
      off: 'learning {"enabled": false}',
      on: 'learning {"enabled": true}',
    };
    for (const v of VARIANTS) {
      row(
        label[v],
        secs(wall(v)),
        secs(cpu(v)),
        fmt(bars / wall(v)),
        fmt(last(v).orders / wall(v)),
        (wall(v) / wall('none')).toFixed(3),
      );
    }

    // The sanity check that learning did work: its lessons, the venue split, advised against holdout.
    for (const v of ['off', 'on'] as const) {
      const x = last(v);
      const l = x.learning!;
      console.log('');
      console.log(
        `learning ${v}: ${fmt(x.strands)} strands, ${fmt(x.entries)} entries, ` +
          `${fmt(x.onPaper)} on paper / ${fmt(x.entries - x.onPaper)} on paper-b; arms ` +
          x.arms.map(([a, n]) => `${a} ${fmt(n)}`).join(', '),
      );
      console.log(`  ${x.lessons.length} lessons proposed:`);
      for (const lesson of x.lessons.slice(0, 8)) {
        console.log(
          `    ${lesson.id} (${lesson.state}; ${lesson.effect.kind}${lesson.effect.venue ? ` ${lesson.effect.venue}` : ''}; ` +
            `n ${lesson.evidence.n} vs ${lesson.evidence.altN}, ${bps(lesson.evidence.meanBps)} vs ${bps(lesson.evidence.altMeanBps)} bps)`,
        );
      }
      if (x.lessons.length > 8) console.log(`    ... and ${x.lessons.length - 8} more`);
      console.log(
        `  advised n ${l.advised.n}, mean slippage ${bps(l.advised.meanSlippageBps)} bps ${ci(l.advised.ci95)}; ` +
          `holdout n ${l.holdout.n}, ${bps(l.holdout.meanSlippageBps)} bps ${ci(l.holdout.ci95)}; ` +
          `improvement ${bps(l.improvementBps)} bps, 95 % CI ${ci(l.improvementCi95)}; ` +
          `guardrails fill ratio ${bps(l.guardrails.fillRatio)}, markout5 ${bps(l.guardrails.markout5)}`,
      );
    }

    // Each round's on / none, its two runs side by side; judged on wall and CPU time alike (on a loaded
    // machine either can flatter one side).
    const pairs = runs.get('on')!.map((on, i) => {
      const none = runs.get('none')![i]!;
      return { wall: on.seconds / none.seconds, cpu: on.cpu / none.cpu };
    });
    const pairedWall = median(pairs.map((p) => p.wall));
    const pairedCpu = median(pairs.map((p) => p.cpu));
    const ratio = Math.max(pairedWall, pairedCpu);
    console.log('');
    console.log(
      `on / none by round (wall): ${pairs.map((p) => p.wall.toFixed(3)).join(', ')}; ` +
        `(CPU): ${pairs.map((p) => p.cpu.toFixed(3)).join(', ')}`,
    );
    console.log(
      `summary: learning on / none ${pairedWall.toFixed(3)}x wall (CPU ${pairedCpu.toFixed(3)}x), medians of the rounds; ` +
        `of the median times ${(wall('on') / wall('none')).toFixed(3)}x wall (CPU ${(cpu('on') / cpu('none')).toFixed(3)}x), ` +
        `on / off ${(wall('on') / wall('off')).toFixed(3)}x wall (CPU ${(cpu('on') / cpu('off')).toFixed(3)}x), ` +
        `off / none ${(wall('off') / wall('none')).toFixed(3)}x wall; ` +
        `goal <= ${GOAL_RATIO.toFixed(2)}x (on / none, wall and CPU): ${ratio <= GOAL_RATIO ? 'met' : 'NOT met'}; ` +
        `load average ${load()}`,
    );
    return {
      bars,
      plans,
      orders: last('on').orders,
      wall: { none: wall('none'), off: wall('off'), on: wall('on') },
      cpu: { none: cpu('none'), off: cpu('off'), on: cpu('on') },
      ratio,
      met: ratio <= GOAL_RATIO,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  if (process.argv[2] === '--child') {
    const [prices, script, config, db] = process.argv.slice(3) as [string, string, string, string];
    console.log(JSON.stringify(runOnce(prices, script, config, db)));
  } else {
    const [bars = '1000000', plans = '10000', rounds = '5'] = process.argv.slice(2);
    await learningBench({
      cache: fileURLToPath(new URL('../.bench', import.meta.url)),
      bars: Number(bars),
      plans: Number(plans),
      rounds: Number(rounds),
    });
  }
}
