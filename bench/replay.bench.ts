// Replay throughput of the real runner (runReplay: inputs read and checked, the engine on the paper venue,
// a journal in a temporary SQLite file, the report), beside a ceiling for the same input in the same process:
// reading and parsing the prices CSV into the bar table (readPrices), which any replay must do. The ratio
// says how much the engine, the journal and the report add on top.
//
//   node bench/replay.bench.ts [BARS=1000000] [PLANS=2000]
//
// Inputs are generated once and cached under .bench/ (git-ignored): BARS five-minute bars over 4 symbols, an
// empty script ("without orders") and scripts of PLANS/2 and PLANS bracketed market plans spread over the bars
// ("with orders": the pair shows whether the cost grows linearly with the orders). Target: >= 200,000 bars/s
// without orders.
//
// With csv-parse installed (`npm install --no-save csv-parse`), it also times the same prices read through
// that library, its records fed to the same row checks (barTableBuilder), and says what the replay's
// throughput would be with it: the measure behind keeping the hand-split reader (issue 6 item 10).
//
// Then the learning figure over the same bars (bench/learning.bench.ts: learning on against off, 10,000
// plans over two paper venues).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { barTableBuilder, PRICES_HEADER, readPrices } from '../src/main/engine/replay/inputs.ts';
import { runReplay } from '../src/main/engine/replay/runner.ts';
import { cached, cachedBars, cachedPlans } from './generate-bars.ts';
import { learningBench } from './learning.bench.ts';
import { median } from './median.ts';

const TARGET_BARS_PER_S = 200_000;
const RUNS = 3;
const SYMBOLS = 4;
const SEED = 1;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(ROOT, '.bench');

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (s: number) => `${s.toFixed(2)} s`;

interface Measure {
  label: string;
  seconds: number;
  bars: number;
  orders?: number;
}

function timeIt<T>(f: () => T): { value: T; seconds: number } {
  const t0 = performance.now();
  const value = f();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/** Wall and CPU seconds (user + system, all threads: under a loaded machine CPU time varies less). */
function timeCpu<T>(f: () => T): { value: T; seconds: number; cpu: number } {
  const c0 = process.cpuUsage();
  const { value, seconds } = timeIt(f);
  const c = process.cpuUsage(c0);
  return { value, seconds, cpu: (c.user + c.system) / 1e6 };
}

type CsvParseSync = (text: string, options: Record<string, unknown>) => string[][];

/** csv-parse's synchronous parser when it is installed, else null (it is not a dependency). */
async function csvParse(): Promise<CsvParseSync | null> {
  const name = 'csv-parse/sync';
  try {
    return ((await import(name)) as { parse: CsvParseSync }).parse;
  } catch {
    return null;
  }
}

/** The prices read by csv-parse into records, then checked row by row exactly as readPrices does. */
function readWithLibrary(parse: CsvParseSync, file: string, text: string) {
  const records = parse(text, { skip_empty_lines: true, relax_column_count: true });
  if (records[0]?.join(',') !== PRICES_HEADER) throw new Error('csv-parse: unexpected header');
  const bars = barTableBuilder(file, records.length);
  for (let i = 1; i < records.length; i++) bars.row(records[i]!, i + 1);
  return bars.table();
}

async function main(): Promise<void> {
  const bars = Number(process.argv[2] ?? 1_000_000);
  const plans = Number(process.argv[3] ?? 2_000);
  mkdirSync(CACHE, { recursive: true });
  const prices = cachedBars(CACHE, bars, SYMBOLS, SEED);
  const empty = cached(join(CACHE, 'empty.jsonl'), (tmp) => writeFileSync(tmp, ''));
  const planScriptOf = (n: number) => cachedPlans(CACHE, n, bars, SYMBOLS, SEED);
  const planScript = planScriptOf(plans);
  const halfScript = planScriptOf(Math.floor(plans / 2));
  const dir = mkdtempSync(join(tmpdir(), 'braid-replay-bench-'));
  const clock = () => performance.now() / 1000;
  const results: Measure[] = [];
  try {
    console.log(
      `replay bench: ${fmt(bars)} bars (${SYMBOLS} symbols), Node ${process.version}, journal in ${dir}`,
    );

    // Ceiling: read + parse the CSV into the bar table; and the real runner without orders on a fresh journal.
    // Alternated, 3 runs each after a warm-up parse; the median of each is reported.
    timeIt(() => readPrices(prices, readFileSync(prices, 'utf8')));
    const parse: number[] = [];
    const parseCpu: number[] = [];
    const plain: number[] = [];
    const plainCpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const p = timeCpu(() => readPrices(prices, readFileSync(prices, 'utf8')));
      if (p.value.length !== bars) throw new Error(`read ${p.value.length} bars, expected ${bars}`);
      parse.push(p.seconds);
      parseCpu.push(p.cpu);
      const db = join(dir, `no-orders-${i}.sqlite`);
      const r = timeCpu(() => runReplay({ prices, script: empty, db, clock }));
      if (r.value.run.bars !== bars || r.value.orders.length !== 0)
        throw new Error('replay without orders: wrong report');
      plain.push(r.seconds);
      plainCpu.push(r.cpu);
      rmSync(db, { force: true });
    }
    const ceiling = median(parse);
    const noOrders = median(plain);
    console.log(`  parse runs: ${parse.map(secs).join(', ')}; replay runs: ${plain.map(secs).join(', ')}`);
    results.push({ label: 'ceiling: read + parse CSV (readPrices)', seconds: ceiling, bars });
    results.push({ label: 'replay without orders (runReplay)', seconds: noOrders, bars });

    // The same read through a CSV library, when one is installed: what keeping a library would cost.
    const library = await csvParse();
    let libraryNote = 'csv-parse not installed (npm install --no-save csv-parse): library comparison skipped';
    if (library !== null) {
      const lib: number[] = [];
      const libCpu: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const l = timeCpu(() => readWithLibrary(library, prices, readFileSync(prices, 'utf8')));
        if (l.value.length !== bars)
          throw new Error(`csv-parse read ${l.value.length} bars, expected ${bars}`);
        lib.push(l.seconds);
        libCpu.push(l.cpu);
      }
      const libSeconds = median(lib);
      results.push({ label: 'csv-parse + the same row checks', seconds: libSeconds, bars });
      const cpuRatio = median(libCpu) / median(parseCpu);
      // Projected on CPU time, which a loaded machine disturbs less than wall time: the replay's CPU with
      // the library's read in place of readPrices'.
      const replayCpu = median(plainCpu);
      const replayCpuWithLibrary = replayCpu - median(parseCpu) + median(libCpu);
      libraryNote =
        `csv-parse + the same checks: ${secs(libSeconds)} wall (${(libSeconds / ceiling).toFixed(2)}x readPrices), ` +
        `CPU ${secs(median(libCpu))} vs ${secs(median(parseCpu))} (${cpuRatio.toFixed(2)}x); the replay without orders ` +
        `(CPU ${secs(replayCpu)}) would take ${secs(replayCpuWithLibrary)} of CPU with it: ` +
        `${((replayCpu / replayCpuWithLibrary) * 100).toFixed(0)}% of today's throughput`;
    }

    // The real runner with orders: half the plans, then all of them (the pair shows how the cost scales).
    const withOrders: { plans: number; seconds: number; report: ReturnType<typeof runReplay> }[] = [];
    for (const [n, file] of [
      [Math.floor(plans / 2), halfScript],
      [plans, planScript],
    ] as const) {
      const db = join(dir, `with-orders-${n}.sqlite`);
      const r = timeIt(() => runReplay({ prices, script: file, db, clock }));
      if (r.value.run.bars !== bars) throw new Error('replay with orders: wrong bar count');
      withOrders.push({ plans: n, seconds: r.seconds, report: r.value });
      results.push({
        label: `replay with ${fmt(n)} plans (runReplay)`,
        seconds: r.seconds,
        bars,
        orders: r.value.orders.length,
      });
      rmSync(db, { force: true });
    }

    console.log('');
    const row = (a: string, b: string, c: string, d: string, e: string) =>
      console.log(
        `| ${a.padEnd(40)} | ${b.padStart(9)} | ${c.padStart(11)} | ${d.padStart(9)} | ${e.padStart(15)} |`,
      );
    row('stage', 'time', 'bars/s', 'orders/s', 'x ceiling time');
    row('-'.repeat(40), `${'-'.repeat(8)}:`, `${'-'.repeat(10)}:`, `${'-'.repeat(8)}:`, `${'-'.repeat(14)}:`);
    for (const r of results) {
      row(
        r.label,
        secs(r.seconds),
        fmt(r.bars / r.seconds),
        r.orders === undefined ? '' : fmt(r.orders / r.seconds),
        (r.seconds / ceiling).toFixed(2),
      );
    }
    const rate = bars / noOrders;
    const [half, full] = withOrders as [(typeof withOrders)[0], (typeof withOrders)[0]];
    const report = full.report;
    console.log('');
    console.log(
      `with orders: ${fmt(report.orders.length)} orders, ${fmt(report.fills.length)} fills, ${fmt(report.trades.length)} trades ` +
        `from ${fmt(plans)} plans (${report.plans.filter((p) => p.status === 'rejected').length} rejected); ` +
        `twice the plans took ${(full.seconds / half.seconds).toFixed(1)}x the time ` +
        `(${((full.seconds - noOrders) / (half.seconds - noOrders) || 0).toFixed(1)}x beyond the replay without orders; linear would be 2x)`,
    );
    console.log(
      `summary: replay without orders ${fmt(rate)} bars/s, ${(noOrders / ceiling).toFixed(2)}x the parse-only ceiling ` +
        `(${fmt(bars / ceiling)} bars/s; the engine adds ${secs(noOrders - ceiling)}); ` +
        `target >= ${fmt(TARGET_BARS_PER_S)} bars/s: ${rate >= TARGET_BARS_PER_S ? 'met' : 'NOT met'}; ` +
        `with ${fmt(plans)} plans ${fmt(bars / full.seconds)} bars/s, ${fmt(report.orders.length / full.seconds)} orders/s`,
    );
    console.log(libraryNote);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Issue 10's figure, in the same run: learning on against off over the same bars, 10,000 plans.
  await learningBench({ cache: CACHE, bars, plans: 10_000, rounds: 5 });
}

await main();
