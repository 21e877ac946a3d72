// Large, MADE-UP inputs for the benchmarks: a prices CSV of 5-minute bars (continuous 24/7 time, rows sorted
// by time then symbol, 2-decimal prices with low <= min(open, close) and high >= max(open, close), integer
// volumes) and a JSONL script of market plans with quantity and stop/target brackets.
//
//   node bench/generate-bars.ts OUT.csv [BARS=1000000] [SYMBOLS=4] [SEED=1]
//
// Each symbol's path is a pure function of (seed, symbol): writePlanScript replays the same walk, so its
// brackets sit on the right side of the price the engine will see when it is given the bars' seed.
import { closeSync, existsSync, openSync, renameSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BAR_MS = 5 * 60_000;
/** 2024-01-01T00:00:00Z: where the bars start when no startMs is given. */
export const DEFAULT_START_MS = Date.UTC(2024, 0, 1);

const KNOWN: ReadonlyArray<readonly [string, number]> = [
  ['AAPL', 180],
  ['MSFT', 410],
  ['SPY', 510],
  ['QQQ', 440],
  ['NVDA', 850],
  ['AMZN', 175],
  ['GOOG', 140],
  ['META', 490],
  ['TSLA', 190],
  ['AMD', 160],
];

/** The first n symbol names (AAPL, MSFT, SPY, QQQ, ..., then S0010, S0011, ...), sorted. */
export function benchSymbols(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(i < KNOWN.length ? KNOWN[i]![0] : `S${String(i).padStart(4, '0')}`);
  return out.sort();
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Base price of a symbol, in cents. */
function basePrice(symbol: string): number {
  const known = KNOWN.find(([s]) => s === symbol);
  return known ? known[1] * 100 : 2_000 + (fnv1a(symbol) % 48_000);
}

const SIGMA = 0.0015;
const REVERSION = 0.0005;

/** One symbol's bars, in integer cents: a mean-reverting random walk around its base price. */
class Walk {
  readonly symbol: string;
  private readonly rand: () => number;
  private readonly base: number;
  private last: number;
  /** Index of the bar `next()` returns next. */
  index = 0;
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;

  constructor(symbol: string, seed: number) {
    this.symbol = symbol;
    this.rand = mulberry32((seed ^ fnv1a(symbol)) >>> 0);
    this.base = basePrice(symbol);
    this.last = this.base;
  }

  next(): void {
    const r = this.rand;
    const open = this.last;
    const z = r() + r() + r() + r() + r() + r() - 3; // ~N(0, 1/2): times SQRT2 below gives unit variance
    const ret = SIGMA * Math.SQRT2 * z + (REVERSION * (this.base - open)) / this.base;
    const close = Math.max(1, Math.round(open * (1 + ret)));
    this.open = open;
    this.close = close;
    this.high = Math.max(open, close) + Math.round(open * SIGMA * 0.8 * r() * r());
    this.low = Math.max(1, Math.min(open, close) - Math.round(open * SIGMA * 0.8 * r() * r()));
    this.volume = 500 + Math.round(20_000 * r() * (1 + 300 * Math.abs(ret)));
    this.last = close;
    this.index++;
  }
}

function cents(c: number): string {
  const whole = Math.floor(c / 100);
  const frac = c - whole * 100;
  return frac < 10 ? `${whole}.0${frac}` : `${whole}.${frac}`;
}

/** ISO 8601 UTC, without the milliseconds when they are zero: 2024-01-01T00:05:00Z. */
function isoSeconds(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.slice(0, 19) + 'Z' : iso;
}

/** Appends text to a file descriptor through a ~1 MB buffer. */
class BufferedWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 1 << 20) this.flush();
  }

  flush(): void {
    if (this.parts.length > 0) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Writes `bars` rows in all (not per symbol) of 5-minute bars for benchSymbols(symbols), from startMs
 * (default 2024-01-01T00:00:00Z) on, every symbol at every time step.
 */
export function writeBars(
  path: string,
  opts: { bars: number; symbols: number; seed: number; startMs?: number },
): void {
  const startMs = opts.startMs ?? DEFAULT_START_MS;
  const walks = benchSymbols(opts.symbols).map((s) => new Walk(s, opts.seed));
  const out = new BufferedWriter(path);
  out.write('time,symbol,open,high,low,close,volume\n');
  let written = 0;
  for (let step = 0; written < opts.bars; step++) {
    const time = isoSeconds(startMs + step * BAR_MS);
    for (let i = 0; i < walks.length && written < opts.bars; i++) {
      const w = walks[i]!;
      w.next();
      out.write(
        `${time},${w.symbol},${cents(w.open)},${cents(w.high)},${cents(w.low)},${cents(w.close)},${w.volume}\n`,
      );
      written++;
    }
  }
  out.close();
}

/**
 * Writes a JSONL script of `plans` market plans, one every stepMs from startMs, cycling through `symbols`,
 * each with a quantity and a stop/target bracket around the last close before its time (0.3% stop, 0.45%
 * target, so most positions close within an hour or so of bars). Pass the seed (and barsStartMs, default
 * 2024-01-01T00:00:00Z) the bars were written with, so that the brackets match their prices. With
 * stepMs × symbols.length of an hour, most plans find their symbol flat (4 symbols, 15 min: about 5 in 6
 * open a position; the others are rejected position_exists, one position per symbol).
 */
export function writePlanScript(
  path: string,
  opts: {
    plans: number;
    symbols: string[];
    startMs: number;
    stepMs: number;
    seed: number;
    barsStartMs?: number;
    /** Shift the symbol cycle by one every lap (0 1 2 3, 1 2 3 0, ...), so that a round-robin over an
     *  even number of venues does not send each symbol to the same venue every time. */
    shifted?: boolean;
  },
): void {
  const barsStartMs = opts.barsStartMs ?? DEFAULT_START_MS;
  const n = opts.symbols.length;
  const walks = opts.symbols.map((s) => new Walk(s, opts.seed));
  const rand = mulberry32((opts.seed ^ 0x9e3779b9) >>> 0);
  const out = new BufferedWriter(path);
  const width = Math.max(6, String(opts.plans).length);
  for (let i = 0; i < opts.plans; i++) {
    const at = opts.startMs + i * opts.stepMs;
    const w = walks[(i + (opts.shifted ? Math.floor(i / n) : 0)) % n]!;
    // The engine sizes and checks at `at` against the close of the last bar that opened before it.
    const lastIndex = Math.ceil((at - barsStartMs) / BAR_MS) - 1;
    while (w.index <= lastIndex) w.next();
    const ref = w.index > 0 ? w.close : basePrice(w.symbol);
    const buy = rand() < 0.5;
    const stop = Math.round(ref * (buy ? 0.997 : 1.003));
    const target = Math.round(ref * (buy ? 1.0045 : 0.9955));
    const plan = {
      id: `b-${String(i + 1).padStart(width, '0')}`,
      symbol: w.symbol,
      side: buy ? 'buy' : 'sell',
      entry: { type: 'market' },
      stopLoss: Number(cents(stop)),
      takeProfit: Number(cents(target)),
      quantity: 1 + Math.floor(rand() * 10),
    };
    out.write(`${JSON.stringify({ at: isoSeconds(at), type: 'plan', plan })}\n`);
  }
  out.close();
}

/** Creates `path` with `write` unless it exists; written to a temporary name first, so never half-written. */
export function cached(path: string, write: (tmp: string) => void): string {
  if (!existsSync(path)) {
    const tmp = `${path}.${process.pid}.tmp`;
    const t0 = performance.now();
    write(tmp);
    renameSync(tmp, path);
    console.log(`  generated ${path} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return path;
}

/** The benches' cached prices CSV: `bars` rows over benchSymbols(symbols), from DEFAULT_START_MS. */
export function cachedBars(dir: string, bars: number, symbols: number, seed: number): string {
  return cached(join(dir, `bars-${bars}-${symbols}-s${seed}.csv`), (tmp) =>
    writeBars(tmp, { bars, symbols, seed }),
  );
}

/** The benches' cached script of `plans` market plans (no venue) spread evenly over the time span of
 *  cachedBars(dir, bars, symbols, seed), past its first hour, one symbol after the other. */
export function cachedPlans(
  dir: string,
  plans: number,
  bars: number,
  symbols: number,
  seed: number,
  shifted = false,
): string {
  const spanMs = Math.ceil(bars / symbols) * BAR_MS;
  const stepMs = Math.max(BAR_MS, Math.floor((spanMs - 2 * 3_600_000) / plans / BAR_MS) * BAR_MS);
  const name = `plans-${plans}-for-${bars}-${symbols}-s${seed}${shifted ? '-shifted' : ''}.jsonl`;
  return cached(join(dir, name), (tmp) =>
    writePlanScript(tmp, {
      plans,
      symbols: benchSymbols(symbols),
      startMs: DEFAULT_START_MS + 3_600_000,
      stepMs,
      seed,
      shifted,
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [outPath, bars = '1000000', symbols = '4', seed = '1'] = process.argv.slice(2);
  if (!outPath) {
    console.error('usage: node bench/generate-bars.ts OUT.csv [BARS=1000000] [SYMBOLS=4] [SEED=1]');
    process.exit(2);
  }
  const t0 = performance.now();
  writeBars(outPath, { bars: Number(bars), symbols: Number(symbols), seed: Number(seed) });
  console.log(`wrote ${bars} bars to ${outPath} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
}
