// A seeded, bounded fuzz of `braid replay`'s inputs (issue 6, "Show"): malformed prices rows, script lines,
// plans and configs, times and huge values. Every case says what it expects: a shape error is exit 2 with
// exactly one stderr line `FILE:LINE: reason` at the line it broke; a plan that parses but is not
// acceptable completes (exit 0) with that plan rejected with its reason code (replay.md "Command"). Never a
// stack trace, never another exit code. Cases run in this process through the CLI's own entry point
// (main(argv), as bin/braid.js calls it); a handful run through the real CLI and must answer the same.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csv, jsonl, type MainRun, runMain, scratch } from '../unit/replay-main.ts';

const SEED = 0x5eed_0006;
const CASES = 520;
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/braid.js');

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

interface Rng {
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
}

function rngOf(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
  };
}

// ------------------------------------------------------------------------------------- valid inputs

const MIN5 = 5 * 60_000;
const T0 = Date.parse('2024-03-04T14:30:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** 6 times x 2 symbols, in time order: AAA around 30, BBB around 20 (lot 0.5 in the config). */
function baseRows(): string[] {
  const rows: string[] = [];
  for (let i = 0; i < 6; i++) {
    rows.push(`${iso(T0 + i * MIN5)},AAA,30,31,29,30.5,1000`);
    rows.push(`${iso(T0 + i * MIN5)},BBB,20,20.5,19,20,500`);
  }
  return rows;
}

type Event = Record<string, unknown>;
const at = (i: number, extra = 60_000) => iso(T0 + i * MIN5 + extra);

function baseEvents(): Event[] {
  return [
    { at: at(0), type: 'plan', plan: { id: 'p1', symbol: 'AAA', side: 'buy', quantity: 2, stopLoss: 25 } },
    {
      at: at(1),
      type: 'plan',
      plan: { id: 'p2', symbol: 'BBB', side: 'buy', entry: { type: 'limit', price: 19.5 }, quantity: 1.5 },
    },
    { at: at(3), type: 'close', symbol: 'AAA' },
  ];
}

/** A config as lines, so that a case knows the line of each key it breaks. */
function baseConfigLines(): string[] {
  return [
    '{',
    '  "account": {',
    '    "cash": 50000,',
    '    "type": "margin"',
    '  },',
    '  "approval": "auto",',
    '  "risk": {',
    '    "riskPct": 0.01,',
    '    "maxNotional": null',
    '  },',
    '  "pdt": {',
    '    "enabled": false',
    '  },',
    '  "venues": {',
    '    "paper": {',
    '      "slipBps": 1',
    '    }',
    '  },',
    '  "instruments": {',
    '    "BBB": { "lot": 0.5 }',
    '  }',
    '}',
  ];
}

// ------------------------------------------------------------------------------------------- cases

type Expect =
  | { kind: 'refused'; file: 'prices' | 'script' | 'config'; line: number | 'any' }
  | { kind: 'rejected'; planId: string; reason: string };

interface Case {
  what: string;
  prices: string;
  script: string;
  config: string;
  expect: Expect;
}

const CONTROLS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\u000b',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u2028',
];
const BAD_NUMBERS = [
  'abc',
  '0x1F',
  '1e',
  '--1',
  'NaN',
  'Infinity',
  '',
  ' ',
  '1.2.3',
  '\u0661\u0662',
  '\u00bd',
  '+-3',
  '3 4',
  '"3"',
];
const HUGE_NUMBERS = ['1e300', '9'.repeat(30), '1e16', '123456789012345678', '1e-300', '0.0000000000000001'];
const BAD_TIMES: unknown[] = [
  '1969-12-31T23:59:59Z',
  '2101-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '2024-02-30T14:30:00Z',
  '2024-02-31T14:30:00Z',
  '2023-02-29T14:30:00Z',
  '2024-04-31T14:30:00Z',
  '2024-13-01T14:30:00Z',
  '2024-00-10T14:30:00Z',
  '2024-03-04T24:00:00Z',
  '2024-03-04T14:60:00Z',
  '2024-03-04T14:30:61Z',
  '2024-03-04T14:30:00+24:00',
  '2024-03-04 14:30:00',
  '2024-03-04',
  'yesterday',
  '-1',
  '8640000000000000',
  '1000000000000000',
  '9007199254740991',
  '1.5',
  '',
];
const BAD_JSON_TIMES: unknown[] = [...BAD_TIMES, -86_400_000, 8.64e15, 1e15, 1.5, true, null, {}, []];

function longText(r: Rng, min: number): string {
  return 'x'.repeat(min + r.int(200));
}

/** A valid row with one field replaced; the reader refuses it at its own line. */
function brokenRow(r: Rng, row: string): { row: string; what: string } {
  const f = row.split(',');
  switch (r.int(9)) {
    case 0: {
      const extra = r.int(2) === 0;
      return { row: extra ? `${row},1` : f.slice(0, 6).join(','), what: 'wrong field count' };
    }
    case 1:
      f[2 + r.int(5)] = r.pick(BAD_NUMBERS);
      return { row: f.join(','), what: 'not a number' };
    case 2:
      f[2 + r.int(4)] = r.pick(['0', '0.0', '-1', '-30', '0e5', '-0']);
      return { row: f.join(','), what: 'zero or negative price' };
    case 3:
      f[2 + r.int(5)] = r.pick(HUGE_NUMBERS);
      return { row: f.join(','), what: 'huge or tiny value' };
    case 4:
      [f[3], f[4]] = [f[4]!, f[3]!]; // high below low
      return { row: f.join(','), what: 'inconsistent bar' };
    case 5:
      f[0] = String(r.pick(BAD_TIMES));
      return { row: f.join(','), what: `bad time ${JSON.stringify(f[0])}` };
    case 6: {
      const s = f[1]!;
      const k = r.int(s.length + 1);
      f[1] = s.slice(0, k) + r.pick(CONTROLS) + s.slice(k);
      // A tab at either end is trimmed away as whitespace: keep it inside.
      if (f[1].trim() !== f[1]) f[1] = `A${f[1]}A`;
      return { row: f.join(','), what: 'control character in the symbol' };
    }
    case 7:
      f[1] = r.pick(['S'.repeat(33 + r.int(40)), '', ' ', 'A B', 'AÄA', 'A"A', "A'A", 'A;A']);
      return { row: f.join(','), what: 'bad symbol' };
    default:
      f[6] = `1${'0'.repeat(1_100 + r.int(5_000))}`;
      return { row: f.join(','), what: 'over-long row' };
  }
}

function pricesCase(r: Rng): Case {
  const rows = baseRows();
  const k = 1 + r.int(rows.length - 1);
  let what: string;
  switch (r.int(4)) {
    case 0: {
      // Out of time order: an earlier time than the row before.
      const f = rows[k]!.split(',');
      f[0] = iso(Date.parse(rows[k - 1]!.split(',')[0]!) - MIN5 * (1 + r.int(3)));
      rows[k] = f.join(',');
      what = 'out of time order';
      break;
    }
    case 1:
      rows[k] = rows[k - 1]!; // the same symbol twice at one time
      what = 'a second bar of a symbol at one time';
      break;
    default: {
      const b = brokenRow(r, rows[k]!);
      rows[k] = b.row;
      what = b.what;
    }
  }
  return {
    what: `prices row ${k}: ${what}`,
    prices: csv(...rows),
    script: jsonl(...baseEvents()),
    config: baseConfigLines().join('\n'),
    expect: { kind: 'refused', file: 'prices', line: k + 2 },
  };
}

const UNKNOWN_KEYS = [
  'foo',
  'stoploss',
  'Quantity',
  'price',
  '__proto__',
  'constructor',
  'x'.repeat(300),
  '',
  'plan',
];

/** A plan line broken in one place: a shape error at that line. */
function brokenPlan(r: Rng): { plan: unknown; what: string } {
  const p: Record<string, unknown> = {
    id: 'bad',
    symbol: 'BBB',
    side: 'buy',
    entry: { type: 'limit', price: 19 },
    stopLoss: 18,
    quantity: 1,
  };
  const choices: Array<() => string> = [
    () => {
      p[r.pick(UNKNOWN_KEYS.filter((k) => k !== 'price' && k !== 'plan'))] = 1;
      return 'unknown key';
    },
    () => {
      p.entry = { type: 'limit', price: 19, [r.pick(['limit', 'px', 'stop'])]: 1 };
      return 'unknown key in entry';
    },
    () => {
      p.side = r.pick(['hold', 'BUY', 1, null, '', ['buy']]);
      return 'bad side';
    },
    () => {
      p.entry = r.pick([
        { type: 'twap' },
        { type: 'market', price: 19 },
        { type: 'limit' },
        { type: 'stop' },
        'market',
        5,
      ]);
      return 'bad entry';
    },
    () => {
      p[r.pick(['quantity', 'stopLoss', 'takeProfit', 'trailPct'])] = r.pick([
        ...BAD_NUMBERS.filter((x) => x.trim() !== ''),
        ...HUGE_NUMBERS,
        true,
        {},
        [],
        1e300,
      ]);
      return 'bad decimal';
    },
    () => {
      p.id = r.pick([5, '', '   ', longText(r, 201), `p${r.pick(CONTROLS)}1`, {}, null]);
      return 'bad id';
    },
    () => {
      const s = r.pick(['AA\u0000A', 'B\u001bB', 'S'.repeat(33), 'A B', '', 7]);
      p.symbol = s;
      return 'bad symbol';
    },
    () => {
      p.venue = r.pick([longText(r, 65), `pa${r.pick(CONTROLS)}per`, 3, '']);
      return 'bad venue';
    },
    () => {
      p.timeframe = r.pick([longText(r, 33), `5${r.pick(CONTROLS)}m`, 5]);
      return 'bad timeframe';
    },
    () => {
      p.expiresAt = r.pick(BAD_JSON_TIMES.filter((t) => t !== null));
      return 'bad expiresAt';
    },
    () => {
      p.confidence = r.pick([1.01, -0.01, 2, 100, -1, '0.5', true, Number.MAX_VALUE]);
      return 'confidence outside 0..1 or not a number';
    },
    () => {
      p.expected = r.pick([{ returnPct: 'high' }, { holdMinutes: {} }, { hold: 1 }, 5, 'soon']);
      return 'bad expected';
    },
    () => {
      p.condition = r.pick([
        { kind: 'price_above' },
        { kind: 'cross', price: 19 },
        { price: 19 },
        'above',
        { kind: 'price_below', price: 19, x: 1 },
      ]);
      return 'bad condition';
    },
  ];
  const what = r.pick(choices)();
  return { plan: p, what };
}

function scriptCase(r: Rng): Case {
  const events = baseEvents();
  const lines = events.map((e) => JSON.stringify(e));
  const k = r.int(lines.length + 1); // the broken line replaces line k, or is appended
  let text: string;
  let what: string;
  switch (r.int(12)) {
    case 0: {
      const good = JSON.stringify(events[r.int(events.length)]);
      let cut = good.slice(0, 1 + r.int(good.length - 1));
      try {
        JSON.parse(cut);
        cut += '}}';
      } catch {
        // already invalid
      }
      text = cut;
      what = 'bad JSON';
      break;
    }
    case 1:
      text = r.pick(['[1,2]', '"plan"', '42', 'null', 'true', '[]']);
      what = 'not an object';
      break;
    case 2:
      text = JSON.stringify({ at: at(2), type: r.pick(['explode', 'PLAN', '', 'buy', 7, null, ['kill']]) });
      what = 'unknown event type';
      break;
    case 3:
      text = JSON.stringify({ at: r.pick(BAD_JSON_TIMES), type: r.pick(['kill', 'resume', 'reduce']) });
      what = 'bad at';
      break;
    case 4:
      text = JSON.stringify({ type: 'resume' });
      what = 'no at';
      break;
    case 5:
      text = JSON.stringify({ at: at(2), type: r.pick(['kill', 'resume']), [r.pick(UNKNOWN_KEYS)]: true });
      what = 'unknown key on the line';
      break;
    case 6:
    case 7: {
      const b = brokenPlan(r);
      text = JSON.stringify({ at: at(2), type: 'plan', plan: b.plan });
      what = `plan: ${b.what}`;
      break;
    }
    case 8:
      text = JSON.stringify({
        at: at(2),
        type: r.pick(['approve', 'cancel', 'reject']),
        planId: r.pick([7, '', longText(r, 201), `p${r.pick(CONTROLS)}1`, null]),
      });
      what = 'bad planId';
      break;
    case 9:
      text = JSON.stringify({
        at: at(2),
        type: 'close',
        symbol: r.pick(['', 'AA\u0000A', 'S'.repeat(40), 3, 'A B']),
      });
      what = 'bad close symbol';
      break;
    case 10:
      text = JSON.stringify({
        at: at(2),
        type: 'reject',
        planId: 'p1',
        reason: r.pick([longText(r, 501), 'a\u0000b', 5]),
      });
      what = 'bad reason';
      break;
    default:
      text = JSON.stringify({
        at: at(2),
        type: 'plan',
        plan: { id: 'x'.repeat(16_400 + r.int(100_000)), symbol: 'AAA', side: 'buy' },
      });
      what = 'over-long line';
  }
  lines.splice(k, k < lines.length ? 1 : 0, text);
  return {
    what: `script line ${k + 1}: ${what}`,
    prices: csv(...baseRows()),
    script: `${lines.join('\n')}\n`,
    config: baseConfigLines().join('\n'),
    expect: { kind: 'refused', file: 'script', line: k + 1 },
  };
}

/** A plan that parses but is not acceptable: the run completes and the plan is rejected with `reason`. */
function semanticCase(r: Rng): Case {
  const p: Record<string, unknown> = {
    id: 'bad',
    symbol: 'BBB',
    side: 'buy',
    entry: { type: 'limit', price: 19 },
    stopLoss: 18,
    takeProfit: 22,
    quantity: 1,
  };
  // Each reason code with values that trigger it and nothing else (BBB's lot is 0.5).
  const cases: Array<[string, string, unknown[]]> = [
    ['invalid_quantity', 'quantity', [-1, 0, -0.5, '-3', 0.25, 1.3, '0.7']],
    ['unknown_symbol', 'symbol', ['ZZZ', 'AAPL', 'BTC/USD', 'aaa']],
    ['unknown_venue', 'venue', ['nyse', 'live', 'Paper']],
    ['invalid_price', 'entry', [0, -19, '-0.5'].map((price) => ({ type: 'limit', price }))],
    ['invalid_price', 'stopLoss', [0, -1]],
    ['invalid_price', 'takeProfit', [0, -22]],
    ['invalid_stop_loss', 'stopLoss', [19, 19.5, 25]],
    ['invalid_take_profit', 'takeProfit', [19, 18, 0.5]],
    ['invalid_trail', 'trailPct', [1, 1.5, -0.1, 0, 40]],
  ];
  const [reason, field, values] = r.pick(cases);
  p[field] = r.pick(values);
  const events = baseEvents();
  events.splice(2, 0, { at: at(2), type: 'plan', plan: p });
  return {
    what: `plan "bad": ${reason} ${JSON.stringify(p)}`,
    prices: csv(...baseRows()),
    script: jsonl(...events),
    config: baseConfigLines().join('\n'),
    expect: { kind: 'rejected', planId: 'bad', reason },
  };
}

function configCase(r: Rng): Case {
  const lines = baseConfigLines();
  let line: number | 'any';
  let what: string;
  switch (r.int(5)) {
    case 0: {
      // An unknown key as the first line of a section (or the file).
      const opens = lines.map((l, i) => (l.endsWith('{') ? i : -1)).filter((i) => i >= 0);
      const i = r.pick(opens);
      const key = r.pick([
        'dailyLossLimtPct',
        'slipbps',
        'Cash',
        'approvals',
        'lots',
        'x'.repeat(100),
        'risk',
      ]);
      lines.splice(i + 1, 0, `${' '.repeat(4)}${JSON.stringify(key)}: 1,`);
      line = i + 2;
      what = `unknown key ${key}`;
      break;
    }
    case 1: {
      // A bad value on a value's line.
      const swaps: Array<[RegExp, unknown[]]> = [
        [/"cash": 50000/, ['"lots"', '-1', '1e400', 'true', '{}', '"1e16"']],
        [/"type": "margin"/, ['"retirement"', '1', 'null, "x": 1']],
        [/"approval": "auto"/, ['"Auto"', 'true', '[]']],
        [/"riskPct": 0.01/, ['0', '2', '-0.5', '"1%"']],
        [/"maxNotional": null/, ['0', '-5', '"none"', 'false']],
        [/"enabled": false/, ['"no"', '0', 'null, "method": "weekly"']],
        [/"slipBps": 1/, ['-1', '"one"', '1e999']],
        [/"lot": 0.5/, ['0', '-0.5', '"half"', '0.5, "tick": 0']],
      ];
      const [re, values] = r.pick(swaps);
      const i = lines.findIndex((l) => re.test(l));
      const value = r.pick(values);
      lines[i] = lines[i]!.replace(re, (m) => `${m.split(':')[0]}: ${value}`);
      line = i + 1;
      what = `bad value ${lines[i]!.trim()}`;
      break;
    }
    case 2: {
      // An unknown time zone, or an instrument that is not a symbol.
      if (r.int(2) === 0) {
        lines.splice(
          12,
          0,
          `    "timezone": ${JSON.stringify(r.pick(['Mars/Olympus', 'EST5', '', 'x'.repeat(70)]))},`,
        );
        line = 13;
      } else {
        lines.splice(
          20,
          0,
          `    ${JSON.stringify(r.pick(['A B', 'AA\u0000', 'S'.repeat(40), '']))}: { "lot": 1 },`,
        );
        line = 21;
      }
      what = 'bad time zone or instrument';
      break;
    }
    case 3:
      what = 'bad JSON';
      lines.splice(1 + r.int(lines.length - 2), 1);
      line = 'any';
      try {
        JSON.parse(lines.join('\n'));
        lines.push('}');
      } catch {
        // already invalid
      }
      break;
    default: {
      const text = r.pick(['[]', '42', '"auto"', 'true', '[{"approval": "auto"}]']);
      lines.splice(0, lines.length, text);
      line = 1;
      what = `not an object: ${text}`;
    }
  }
  return {
    what: `config: ${what}`,
    prices: csv(...baseRows()),
    script: jsonl(...baseEvents()),
    config: lines.join('\n'),
    expect: { kind: 'refused', file: 'config', line },
  };
}

function makeCases(): Case[] {
  const r = rngOf(SEED);
  const makers = [pricesCase, pricesCase, scriptCase, scriptCase, scriptCase, semanticCase, configCase];
  return Array.from({ length: CASES }, (_, i) => makers[i % makers.length]!(r));
}

// ------------------------------------------------------------------------------------------ oracle

const files = scratch('braid-replay-fuzz-');
afterAll(() => files.remove());

function writeCase(c: Case, i: number) {
  return {
    prices: files.file(`c${i}-prices.csv`, c.prices),
    script: files.file(`c${i}-script.jsonl`, c.script),
    config: files.file(`c${i}-config.json`, c.config),
  };
}

const argvOf = (p: ReturnType<typeof writeCase>) => [
  'replay',
  '--prices',
  p.prices,
  '--script',
  p.script,
  '--config',
  p.config,
];

/** What is wrong with a run, measured against its case; null when it is right. */
function judge(c: Case, paths: ReturnType<typeof writeCase>, run: MainRun): string | null {
  if (run.code === 'threw')
    return `threw: ${run.error instanceof Error ? run.error.stack : String(run.error)}`;
  if (c.expect.kind === 'refused') {
    if (run.code !== 2)
      return `exit ${run.code}, expected 2 (stderr ${JSON.stringify(run.stderr.slice(0, 300))})`;
    if (run.stdout !== '') return 'wrote to stdout';
    const lines = run.stderr.split('\n');
    if (lines.length !== 2 || lines[1] !== '')
      return `stderr is not exactly one line: ${JSON.stringify(run.stderr.slice(0, 300))}`;
    const path = paths[c.expect.file];
    const m = /^(\d+): (.+)$/.exec(lines[0]!.startsWith(`${path}:`) ? lines[0]!.slice(path.length + 1) : '');
    if (!m)
      return `stderr is not "${c.expect.file}:LINE: reason": ${JSON.stringify(lines[0]!.slice(0, 300))}`;
    if (c.expect.line !== 'any' && Number(m[1]) !== c.expect.line)
      return `line ${m[1]}, expected ${c.expect.line}: ${m[2]}`;
    if (Number(m[1]) < 1) return 'line 0';
    if (/\n|\s+at \S+ \(/.test(m[2]!)) return 'a stack trace in the reason';
    if (m[2]!.length > 400) return `an over-long reason (${m[2]!.length} characters)`;
    return null;
  }
  if (run.code !== 0) return `exit ${run.code}, expected 0: ${run.stderr.slice(0, 300)}`;
  if (run.stderr !== '') return `stderr: ${run.stderr.slice(0, 300)}`;
  const report = JSON.parse(run.stdout) as { plans: { id: string; status: string; reason?: string }[] };
  const { planId, reason } = c.expect;
  const plan = report.plans.find((p) => p.id === planId);
  const want = { id: planId, status: 'rejected', reason };
  if (plan?.status !== want.status || plan.reason !== want.reason)
    return `plan ${JSON.stringify(plan)}, expected ${JSON.stringify(want)}`;
  // The rest of the run went on: p1 still traded (opened at bar 1, closed by the script at bar 3).
  if (report.plans.find((p) => p.id === 'p1')?.status !== 'closed')
    return 'the run did not go on after the bad plan';
  return null;
}

describe(`replay input fuzz: ${CASES} seeded cases`, () => {
  const cases = makeCases();

  it('the cases cover every kind of input and both outcomes', () => {
    const count = (f: (c: Case) => boolean) => cases.filter(f).length;
    expect(cases.length).toBeGreaterThanOrEqual(500);
    for (const file of ['prices', 'script', 'config'] as const) {
      expect(count((c) => c.expect.kind === 'refused' && c.expect.file === file)).toBeGreaterThan(60);
    }
    expect(count((c) => c.expect.kind === 'rejected')).toBeGreaterThan(60);
    // Every reason code of validatePlan comes up.
    const reasons = new Set(cases.map((c) => (c.expect.kind === 'rejected' ? c.expect.reason : '')));
    expect([...reasons].filter((x) => x !== '').sort()).toEqual(
      [
        'invalid_price',
        'invalid_quantity',
        'invalid_stop_loss',
        'invalid_take_profit',
        'invalid_trail',
        'unknown_symbol',
        'unknown_venue',
      ].sort(),
    );
  });

  it('the unbroken inputs replay cleanly (so every refusal below is the broken part)', async () => {
    const paths = writeCase(
      {
        what: 'valid',
        prices: csv(...baseRows()),
        script: jsonl(...baseEvents()),
        config: baseConfigLines().join('\n'),
        expect: { kind: 'rejected', planId: '', reason: '' },
      },
      -1,
    );
    const run = await runMain(argvOf(paths));
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.plans.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      ['p1', 'closed'],
      ['p2', 'open'],
    ]);
  });

  it('each case exits 2 with one FILE:LINE: reason line at the broken line, or completes with the plan rejected', async () => {
    const failures: string[] = [];
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      const paths = writeCase(c, i);
      const problem = judge(c, paths, await runMain(argvOf(paths)));
      if (problem !== null) failures.push(`#${i} ${c.what.slice(0, 200)}: ${problem.slice(0, 600)}`);
    }
    expect(failures).toEqual([]);
  });

  it('a handful of cases through the real CLI answer exactly as in process', async () => {
    const r = rngOf(SEED ^ 0xc11);
    // One of each kind, picked by the seed.
    const picks = [
      (c: Case) => c.expect.kind === 'refused' && c.expect.file === 'prices',
      (c: Case) => c.expect.kind === 'refused' && c.expect.file === 'script',
      (c: Case) => c.expect.kind === 'refused' && c.expect.file === 'config',
      (c: Case) => c.expect.kind === 'rejected',
      (c: Case) => c.what.includes('bad time') || c.what.includes('bad at'),
    ].map((f) => {
      const matching = cases.map((c, i) => [c, i] as const).filter(([c]) => f(c));
      return r.pick(matching);
    });
    const withoutRun = (s: string) => s.replace(/"run": \{[^}]*\}/, '"run": null');
    for (const [c, i] of picks) {
      const paths = writeCase(c, 10_000 + i);
      const inProcess = await runMain(argvOf(paths));
      const cli = spawnSync(process.execPath, [BIN, ...argvOf(paths)], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect({ case: c.what, code: cli.status, stderr: cli.stderr, stdout: withoutRun(cli.stdout) }).toEqual({
        case: c.what,
        code: inProcess.code,
        stderr: inProcess.stderr,
        stdout: withoutRun(inProcess.stdout),
      });
      expect(judge(c, paths, { code: cli.status ?? -1, stdout: cli.stdout, stderr: cli.stderr })).toBeNull();
    }
  });
});
