// Generates the committed replay sample in resources/sample/: MADE-UP 5-minute bars for AAPL, MSFT
// and SPY over the regular US session of 2024-03-04..2024-03-08, a script of plan and operator events
// that exercises the engine, a config and a README. Deterministic: the same bytes on every run.
//
//   node scripts/generate-sample.ts
//
// Prices are carried in integer cents and the random numbers use only + - * / and Math.round, so the
// output does not depend on the platform's transcendental functions.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SEED = 20240304;

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'sample');

/** mulberry32: a small, fast, seeded 32-bit PRNG; returns floats in [0, 1). */
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

/** Approximately standard normal (Irwin-Hall, 12 uniforms): arithmetic only, so bit-for-bit portable. */
function gauss(rand: () => number): number {
  let s = 0;
  for (let i = 0; i < 12; i++) s += rand();
  return s - 6;
}

function cents(c: number): string {
  const whole = Math.floor(c / 100);
  const frac = c - whole * 100;
  return `${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

interface SymbolModel {
  symbol: string;
  /** First open, in cents. */
  start: number;
  /** Per-bar volatility of returns. */
  sigma: number;
  /** Weight of the common market factor in each bar's shock (0..1). */
  beta: number;
  /** Mean volume of a 5-minute bar, in shares. */
  volume: number;
  /** Drift per bar for each day, in units of sigma: the trend days. */
  trend: number[];
}

const MODELS: SymbolModel[] = [
  {
    symbol: 'AAPL',
    start: 17984,
    sigma: 0.0013,
    beta: 0.6,
    volume: 420_000,
    trend: [0.2, -0.25, 0, 0.22, -0.05],
  },
  {
    symbol: 'MSFT',
    start: 41012,
    sigma: 0.0011,
    beta: 0.6,
    volume: 190_000,
    trend: [0, 0.22, -0.25, 0, 0.18],
  },
  { symbol: 'SPY', start: 51068, sigma: 0.0007, beta: 1, volume: 650_000, trend: [0.1, 0, -0.2, 0.2, 0] },
];

const DAYS = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08'];
/** 09:30 America/New_York in UTC before the DST change of 2024-03-10. */
const SESSION_OPEN_UTC = '14:30:00Z';
const BAR_MS = 5 * 60_000;
const BARS_PER_DAY = 78;

interface Bar {
  time: string;
  symbol: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

function generateBars(): Bar[] {
  const rand = mulberry32(SEED);
  const last = MODELS.map((m) => m.start);
  const bars: Bar[] = [];
  for (let d = 0; d < DAYS.length; d++) {
    const openMs = Date.parse(`${DAYS[d]}T${SESSION_OPEN_UTC}`);
    for (let i = 0; i < BARS_PER_DAY; i++) {
      const time = new Date(openMs + i * BAR_MS).toISOString().slice(0, 19) + 'Z';
      const market = gauss(rand);
      // U-shaped intraday activity: busier at the open and the close.
      const x = (i - (BARS_PER_DAY - 1) / 2) / ((BARS_PER_DAY - 1) / 2);
      const activity = 0.75 + 0.9 * x * x;
      for (let s = 0; s < MODELS.length; s++) {
        const m = MODELS[s]!;
        const prev = last[s]!;
        // Overnight gap on the first bar of a day.
        const open = i === 0 && d > 0 ? Math.round(prev * (1 + 0.004 * gauss(rand))) : prev;
        const shock = m.beta * market + Math.sqrt(1 - m.beta * m.beta) * gauss(rand);
        const r = m.sigma * (m.trend[d]! + Math.sqrt(activity) * shock);
        const close = Math.round(open * (1 + r));
        const wickUp = Math.round(open * m.sigma * 0.6 * Math.abs(gauss(rand)));
        const wickDown = Math.round(open * m.sigma * 0.6 * Math.abs(gauss(rand)));
        const high = Math.max(open, close) + wickUp;
        const low = Math.min(open, close) - wickDown;
        const volume =
          Math.round((m.volume * activity * (0.6 + 0.8 * rand()) * (1 + 150 * Math.abs(r))) / 100) * 100;
        bars.push({ time, symbol: m.symbol, open, high, low, close, volume });
        last[s] = close;
      }
    }
  }
  return bars;
}

function pricesCsv(bars: Bar[]): string {
  const lines = ['time,symbol,open,high,low,close,volume'];
  for (const b of bars) {
    lines.push(
      `${b.time},${b.symbol},${cents(b.open)},${cents(b.high)},${cents(b.low)},${cents(b.close)},${b.volume}`,
    );
  }
  return lines.join('\n') + '\n';
}

type ScriptEvent = { at: string; type: string } & Record<string, unknown>;

/** A script event and, for the README, what replay.md makes of it on the bars above. */
interface Step {
  event: ScriptEvent;
  note: string;
}

function plan(at: string, p: Record<string, unknown>, note: string): Step {
  return { event: { at, type: 'plan', plan: p }, note };
}

function op(at: string, type: string, fields: Record<string, unknown>, note: string): Step {
  return { event: { at, type, ...fields }, note };
}

// The levels were chosen by looking at the bars (fixed by SEED); each note says what should happen.
// Sizes without `quantity` come from maxPositionPct (0.2 × ~20,000 equity): no stop here is 5% away.
// biome-ignore format: one event a row reads better than the expanded form
const SCRIPT: Step[] = [
  // Mon 2024-03-04
  plan('2024-03-04T14:45:00Z', {
    id: 'p-001', symbol: 'AAPL', side: 'buy', entry: { type: 'market' }, stopLoss: 179.4, takeProfit: 182.0,
    confidence: 0.72, expected: { returnPct: 1.0, holdMinutes: 180 }, venue: 'paper', timeframe: '5m',
  }, 'market buy AAPL, 22 shares at the 14:45 open (~180.35 with slip); take-profit 182.00 fills in the 17:15 bar: win, day trade 1'),
  plan('2024-03-04T15:00:00Z', {
    id: 'p-002', symbol: 'MSFT', side: 'buy', entry: { type: 'limit', price: 409.5 }, stopLoss: 405.8, takeProfit: 414.5,
    confidence: 0.6, expected: { returnPct: 1.2, holdMinutes: 600 }, venue: 'paper', timeframe: '5m',
  }, 'limit buy MSFT 409.50, 9 shares, fills in the 15:50 bar; held overnight; stop 405.80 hit 03-05 15:10 (~405.76): loss'),
  plan('2024-03-04T16:00:00Z', {
    id: 'p-003', symbol: 'SPY', side: 'buy', entry: { type: 'limit', price: 512.0 }, stopLoss: 513.0, takeProfit: 516.0,
    confidence: 0.55,
  }, 'buy with the stop-loss above the entry: rejected invalid_stop_loss'),
  plan('2024-03-04T16:30:00Z', {
    id: 'p-002', symbol: 'MSFT', side: 'sell', entry: { type: 'market' }, stopLoss: 412.0, takeProfit: 405.0,
    confidence: 0.5,
  }, 'duplicate id p-002: ignored, noted once in the report'),
  plan('2024-03-04T19:00:00Z', {
    id: 'p-004', symbol: 'SPY', side: 'sell', entry: { type: 'stop', price: 513.0 }, stopLoss: 515.9, takeProfit: 509.0,
    confidence: 0.64, expected: { returnPct: 0.8, holdMinutes: 900 }, venue: 'paper', timeframe: '5m',
  }, 'sell stop SPY 513.00 (short on the breakdown), 7 shares, fills in the 19:40 bar; 03-06 opens at 507.62 below the 509.00 target: take-profit at the open, win'),
  // Tue 2024-03-05
  plan('2024-03-05T14:45:00Z', {
    id: 'p-005', symbol: 'AAPL', side: 'buy', entry: { type: 'limit', price: 176.0 }, stopLoss: 174.5, takeProfit: 180.0,
    expiresAt: '2024-03-05T19:30:00Z', confidence: 0.5,
  }, 'limit buy AAPL 176.00, working; the low stays at 176.95 or above until 19:30: expired unfilled'),
  plan('2024-03-05T15:30:00Z', {
    id: 'p-006', symbol: 'MSFT', side: 'buy', entry: { type: 'market' }, condition: { kind: 'price_above', price: 409.0 },
    stopLoss: 406.0, takeProfit: 415.0,
    confidence: 0.68, expected: { returnPct: 1.4, holdMinutes: 1200 }, venue: 'paper', timeframe: '5m',
  }, 'armed; the 16:55 bar closes at 409.40 > 409: 9 shares fill at the 17:00 open (~409.44); take-profit 415.00 fills 03-06 16:20: win'),
  // Wed 2024-03-06
  plan('2024-03-06T17:00:00Z', {
    id: 'p-007', symbol: 'MSFT', side: 'sell', entry: { type: 'market' }, stopLoss: 417.5, takeProfit: 405.0, quantity: 8,
    confidence: 0.58,
  }, 'market short MSFT, quantity 8 as given, at the 17:00 open (~413.24)'),
  plan('2024-03-06T18:00:00Z', {
    id: 'p-008', symbol: 'SPY', side: 'buy', entry: { type: 'limit', price: 504.5 }, stopLoss: 499.0, takeProfit: 512.0,
    confidence: 0.52,
  }, 'limit buy SPY 504.50, 7 shares, fills in the 19:20 bar; held overnight'),
  op('2024-03-06T19:30:00Z', 'close', { symbol: 'MSFT' },
    'flattens p-007 at the 19:30 open (~410.72): win, exit reason close, day trade 2'),
  plan('2024-03-06T20:30:00Z', {
    id: 'p-009', symbol: 'AAPL', side: 'sell', entry: { type: 'market' }, stopLoss: 174.6, takeProfit: 170.0,
    confidence: 0.61,
  }, 'market short AAPL, 23 shares at the 20:30 open (~173.54); held overnight'),
  // Thu 2024-03-07
  plan('2024-03-07T14:45:00Z', {
    id: 'p-010', symbol: 'MSFT', side: 'buy', entry: { type: 'limit', price: 405.0 }, stopLoss: 402.0, takeProfit: 412.0,
    confidence: 0.5,
  }, 'limit buy MSFT 405.00, working (low 406.87)'),
  op('2024-03-07T15:00:00Z', 'kill', {},
    'cancels p-010; flattens p-008 (SPY ~502.01, loss) and p-009 (AAPL ~173.21, small win) at the 15:00 open, exit reason kill_switch; both opened 03-06, so no day trade; HALTED'),
  plan('2024-03-07T15:15:00Z', {
    id: 'p-011', symbol: 'MSFT', side: 'buy', entry: { type: 'market' }, stopLoss: 404.0, confidence: 0.5,
  }, 'arrives while halted: rejected halted'),
  op('2024-03-07T15:30:00Z', 'resume', {}, 'trading state ACTIVE again'),
  plan('2024-03-07T15:30:00Z', {
    id: 'p-012', symbol: 'AAPL', side: 'buy', entry: { type: 'market' }, trailPct: 0.01,
    confidence: 0.66, expected: { returnPct: 2.0, holdMinutes: 1500 }, venue: 'paper', timeframe: '5m',
  }, 'market buy AAPL, 23 shares at the 15:30 open (~172.67), 1% trailing stop and no fixed stop; the stop follows the rally and is hit 03-08 in the 17:30 bar (~177.29): trailing_stop, win'),
  plan('2024-03-07T15:45:00Z', {
    id: 'p-013', symbol: 'MSFT', side: 'buy', entry: { type: 'stop', price: 409.5 }, stopLoss: 406.5, takeProfit: 425.0,
    quantity: 9, confidence: 0.7,
  }, 'buy stop MSFT 409.50, quantity 9 as given, fills in the 16:30 bar (~409.54); neither bracket is reached: still open at the end (mark 419.88)'),
  plan('2024-03-07T16:00:00Z', {
    id: 'p-014', symbol: 'SPY', side: 'buy', entry: { type: 'market' }, condition: { kind: 'price_above', price: 512.0 },
    stopLoss: 509.0, takeProfit: 516.0, confidence: 0.5,
  }, 'armed; SPY never closes above 512 that afternoon'),
  op('2024-03-07T20:00:00Z', 'cancel', { planId: 'p-014' }, 'cancels the armed p-014'),
  // Fri 2024-03-08
  plan('2024-03-08T15:30:00Z', {
    id: 'p-015', symbol: 'SPY', side: 'buy', entry: { type: 'market' }, stopLoss: 510.5, takeProfit: 515.0,
    confidence: 0.55,
  }, 'market buy SPY, 7 shares at the 15:30 open (~512.05); stop 510.50 hit in the 16:20 bar: loss, day trade 3'),
  plan('2024-03-08T17:00:00Z', {
    id: 'p-016', symbol: 'SPY', side: 'sell', entry: { type: 'market' }, stopLoss: 511.0, takeProfit: 505.0,
    confidence: 0.6,
  }, 'three day trades in the window and equity under 25,000: rejected pdt_limit'),
];

const CONFIG = {
  account: { cash: 20000, type: 'margin', leverage: 1, currency: 'USD' },
  approval: 'auto',
  risk: {
    riskPct: 0.01,
    maxPositionPct: 0.2,
    maxOpenPositions: 10,
    maxNotional: null,
    dailyLossLimitPct: null,
  },
  pdt: {
    enabled: true,
    minEquity: 25000,
    maxDayTrades: 3,
    timezone: 'America/New_York',
    method: 'round_trips',
  },
  venues: { paper: { slipBps: 1, takerFeeBps: 1, makerFeeBps: 0.5, maxVolumeShare: null } },
};

function readme(bars: number): string {
  const events = SCRIPT.map(({ event, note }) => {
    const what = event.type === 'plan' ? (event.plan as { id: string }).id : event.type;
    return `- ${event.at.slice(5, 16).replace('T', ' ')}Z ${what}: ${note}`;
  });
  return `# Replay sample

The market data here is MADE UP: \`scripts/generate-sample.ts\` draws it from a seeded random walk
(mulberry32, seed ${SEED}) with trend days, and writes every file of this folder, byte for byte the same on
each run. Regenerate with \`node scripts/generate-sample.ts\` (or \`npm run sample\`).

- \`prices.csv\`: ${bars} five-minute bars (open time, UTC) of AAPL, MSFT and SPY, regular session only,
  2024-03-04..2024-03-08 (14:30-21:00Z, 78 bars a day a symbol).
- \`plans.jsonl\`: ${SCRIPT.length} events: market, limit and stop entries, long and short; conditions that arm,
  trigger or get cancelled; brackets that hit the stop or the target (one through an opening gap); a trailing
  stop; a stop on the wrong side, a duplicate id, an expiry; \`close\`, \`kill\` and \`resume\`; and the pattern day
  trader rule binding on a 20,000 margin account.
- \`config.json\`: cash 20,000 margin, approval auto, riskPct 0.01, maxPositionPct 0.2, PDT on, paper venue
  slipBps 1, takerFeeBps 1, makerFeeBps 0.5.

Run it:

\`\`\`
npx braid replay --prices resources/sample/prices.csv --script resources/sample/plans.jsonl --config resources/sample/config.json
\`\`\`

What each event should do under the replay contract (times UTC, bars named by their open time,
prices with slippage approximate, sizes from maxPositionPct unless \`quantity\` is given):

${events.join('\n')}
`;
}

function main(): void {
  mkdirSync(OUT_DIR, { recursive: true });
  const bars = generateBars();
  const events = SCRIPT.map((s) => s.event);
  writeFileSync(join(OUT_DIR, 'prices.csv'), pricesCsv(bars));
  writeFileSync(join(OUT_DIR, 'plans.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  writeFileSync(join(OUT_DIR, 'config.json'), JSON.stringify(CONFIG, null, 2) + '\n');
  writeFileSync(join(OUT_DIR, 'README.md'), readme(bars.length));
  console.log(`wrote ${bars.length} bars and ${events.length} script events to ${OUT_DIR}`);
}

main();
