// The `braid replay` command-line contract (replay.md "Command", "Inputs", "Report"), run as a real
// process, plus `braid export` / `braid verify` on a replay's journal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../src/main/engine/replay/runner.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/braid.js');
const SAMPLE = join(ROOT, 'resources/sample');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'braid-replay-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function braid(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let fileNo = 0;
/** Writes a file in the test's temp dir and returns its absolute path. */
function file(name: string, text: string): string {
  const p = join(dir, `${fileNo++}-${name}`);
  writeFileSync(p, text);
  return p;
}

const HEADER = 'time,symbol,open,high,low,close,volume';
const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;
const jsonl = (...events: unknown[]) => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;

/** The report text without its `run` block (the only part allowed to differ between runs). */
const withoutRun = (text: string) => text.replace(/"run": \{[^}]*\}/, '"run": null');

// A small scenario with hand-known results. 2024-03-04T14:30:00Z = 1709562600000 ms.
const PRICES = csv(
  '2024-03-04T14:30:00Z,AAA,30,30,30,30,1000',
  '2024-03-04T14:35:00Z,AAA,30,30,30,30,1000',
  '2024-03-04T14:40:00Z,AAA,31,31,31,31,1000',
  '1709563800000,AAA,31,31,31,31,1000', // epoch ms: 14:50:00Z
);
const SCRIPT = jsonl(
  // at the same time as the 14:35 bar: the event comes first, so the market order fills at that bar's open
  { at: '2024-03-04T14:35:00Z', type: 'plan', plan: { id: 'p1', symbol: 'AAA', side: 'buy', quantity: 3 } },
  // parses, but the stop is above a buy's entry: rejected, the run goes on
  {
    at: '2024-03-04T14:36:00Z',
    type: 'plan',
    plan: { id: 'p2', symbol: 'AAA', side: 'buy', entry: { type: 'limit', price: 29 }, stopLoss: 35 },
  },
  { at: '2024-03-04T14:36:00Z', type: 'plan', plan: { id: 'p3', symbol: 'ZZZ', side: 'buy', quantity: 1 } },
  { at: '2024-03-04T14:37:00Z', type: 'plan', plan: { id: 'p1', symbol: 'AAA', side: 'sell', quantity: 9 } },
  { at: '2024-03-04T14:40:00Z', type: 'close', symbol: 'AAA' },
);

describe('braid replay: output', () => {
  let stdoutRun: ReturnType<typeof braid>;
  let prices: string;
  let script: string;

  beforeAll(() => {
    prices = file('prices.csv', PRICES);
    script = file('script.jsonl', SCRIPT);
    stdoutRun = braid(['replay', '--prices', prices, '--script', script]);
  });

  it('without --out the report goes to stdout, exit 0, nothing on stderr', () => {
    expect(stdoutRun.status).toBe(0);
    expect(stdoutRun.stderr).toBe('');
    const report = JSON.parse(stdoutRun.stdout);
    expect(report.version).toBe(1);
    expect(report.run).toEqual({ events: 5, bars: 4, seconds: expect.any(Number) });
  });

  it('with --out the report goes to the file and stdout stays empty; same content as stdout', () => {
    const out = join(dir, 'report.json');
    const r = braid(['replay', '--prices', prices, '--script', script, '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(withoutRun(readFileSync(out, 'utf8'))).toBe(withoutRun(stdoutRun.stdout));
  });

  it('same inputs give byte-identical reports apart from the run block', () => {
    const again = braid(['replay', '--prices', prices, '--script', script]);
    expect(again.status).toBe(0);
    expect(withoutRun(again.stdout)).toBe(withoutRun(stdoutRun.stdout));
  });

  it('an event at a bar time comes before that bar: the market entry fills at its open', () => {
    const report = JSON.parse(stdoutRun.stdout);
    expect(report.fills[0]).toEqual({
      orderId: 'p1:E1',
      time: '2024-03-04T14:35:00.000Z',
      price: 30,
      quantity: 3,
      fee: 0,
    });
    expect(report.fills[1]).toMatchObject({ orderId: 'p1:X1', time: '2024-03-04T14:40:00.000Z', price: 31 });
  });

  it('semantically bad plans are recorded as rejected with a reason code and do not stop the run', () => {
    const report = JSON.parse(stdoutRun.stdout);
    expect(report.plans).toEqual([
      { id: 'p1', status: 'closed', quantity: 3 },
      { id: 'p2', status: 'rejected', reason: 'invalid_stop_loss' },
      { id: 'p3', status: 'rejected', reason: 'unknown_symbol' },
    ]);
    expect(report.duplicatePlans).toEqual(['p1']); // the second p1 is ignored, noted once
  });

  it('numbers are rounded to at most 10 significant digits: pnlPct 3 / 90 x 100 -> 3.333333333', () => {
    const report = JSON.parse(stdoutRun.stdout);
    const t = report.trades[0];
    expect(t.pnl).toBe(3); // (31 - 30) x 3
    expect(t.pnlPct).toBe(3.333333333);
    expect(report.equity).toEqual({ start: 100000, end: 100003, cash: 100003 });
    const digits = (n: number) => n.toExponential().split('e')[0]!.replace(/[-.]/g, '').length;
    const walk = (v: unknown): void => {
      if (typeof v === 'number' && Number.isFinite(v)) expect(digits(v)).toBeLessThanOrEqual(10);
      else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
    };
    const { run: _run, ...rest } = report;
    walk(rest);
  });

  it('times are ISO 8601 UTC with milliseconds (epoch-ms input included)', () => {
    const report = JSON.parse(stdoutRun.stdout);
    const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    const t = report.trades[0];
    expect(t.entryTime).toBe('2024-03-04T14:35:00.000Z');
    expect(t.exitTime).toBe('2024-03-04T14:40:00.000Z');
    for (const f of report.fills) expect(f.time).toMatch(ISO);
    for (const n of report.notes ?? []) expect(n.time).toMatch(ISO);
  });
});

describe('braid replay: unreadable input is exit 2 with one stderr line FILE:LINE: reason', () => {
  const okScript = () => file('ok.jsonl', jsonl({ at: '2024-03-04T14:30:00Z', type: 'resume' }));
  const okPrices = () => file('ok.csv', csv('2024-03-04T14:30:00Z,AAA,30,31,29,30,1000'));

  function expectInputError(args: string[], path: string, line: number): void {
    const r = braid(['replay', ...args]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(lines[0]!.startsWith(`${path}:${line}: `)).toBe(true);
    expect(lines[0]!.length).toBeGreaterThan(`${path}:${line}: `.length); // says what is wrong
  }

  it('a prices file that cannot be read is exit 2 with one line naming the file and the reason', () => {
    const missing = join(dirname(okScript()), 'missing.csv');
    const r = braid(['replay', '--prices', missing, '--script', okScript()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${missing}: cannot read: ENOENT\n`);
  });

  const badCsv: Array<[string, string[], number]> = [
    [
      'a row with the wrong field count',
      ['2024-03-04T14:30:00Z,AAA,30,31,29,30,1000', '2024-03-04T14:35:00Z,AAA,30,31,29,30'],
      3,
    ],
    ['a bad number', ['2024-03-04T14:30:00Z,AAA,abc,31,29,30,1000'], 2],
    ['low above high', ['2024-03-04T14:30:00Z,AAA,30,29,31,30,1000'], 2],
    [
      'prices out of time order',
      ['2024-03-04T14:35:00Z,AAA,30,31,29,30,1000', '2024-03-04T14:30:00Z,AAA,30,31,29,30,1000'],
      3,
    ],
  ];
  for (const [what, rows, line] of badCsv) {
    it(`prices: ${what}`, () => {
      const p = file('bad.csv', csv(...rows));
      expectInputError(['--prices', p, '--script', okScript()], p, line);
    });
  }

  const badScript: Array<[string, string, number]> = [
    [
      'bad JSON on a line',
      `${JSON.stringify({ at: '2024-03-04T14:30:00Z', type: 'resume' })}\n{"at": oops\n`,
      2,
    ],
    ['an unknown event type', `${JSON.stringify({ at: '2024-03-04T14:30:00Z', type: 'explode' })}\n`, 1],
    [
      'a plan without an id',
      `${JSON.stringify({ at: '2024-03-04T14:30:00Z', type: 'kill' })}\n${JSON.stringify({
        at: '2024-03-04T14:30:00Z',
        type: 'plan',
        plan: { symbol: 'AAA', side: 'buy' },
      })}\n`,
      2,
    ],
  ];
  for (const [what, text, line] of badScript) {
    it(`script: ${what}`, () => {
      const s = file('bad.jsonl', text);
      expectInputError(['--prices', okPrices(), '--script', s], s, line);
    });
  }
});

describe('order of processing (runReplay)', () => {
  const run = (script: string) =>
    runReplay({
      prices: file('prices.csv', PRICES),
      script: file('script.jsonl', script),
      db: join(dir, `order-${fileNo++}.sqlite`),
      clock: () => 0,
    });

  it('script events at the same time keep file order: plan then cancel -> cancelled, nothing fills', () => {
    const r = run(
      jsonl(
        {
          at: '2024-03-04T14:35:00Z',
          type: 'plan',
          plan: { id: 'p1', symbol: 'AAA', side: 'buy', quantity: 3 },
        },
        { at: '2024-03-04T14:35:00Z', type: 'cancel', planId: 'p1' },
      ),
    );
    expect(r.plans).toEqual([{ id: 'p1', status: 'cancelled', reason: 'cancelled', quantity: 3 }]);
    expect(r.fills).toEqual([]);
  });

  it('cancel before the plan (same time, earlier line) does not apply and the plan fills at that bar open', () => {
    const r = run(
      jsonl(
        { at: '2024-03-04T14:35:00Z', type: 'cancel', planId: 'p1' },
        {
          at: '2024-03-04T14:35:00Z',
          type: 'plan',
          plan: { id: 'p1', symbol: 'AAA', side: 'buy', quantity: 3 },
        },
      ),
    );
    expect(r.plans[0]?.status).toBe('open');
    expect(r.fills[0]).toMatchObject({ orderId: 'p1:E1', time: '2024-03-04T14:35:00.000Z', price: 30 });
    expect(r.notes).toHaveLength(1); // the cancel that did not apply is noted for the operator
  });
});

describe('the bundled sample and the verifiable trade history', () => {
  const sampleArgs = [
    '--prices',
    join(SAMPLE, 'prices.csv'),
    '--script',
    join(SAMPLE, 'plans.jsonl'),
    '--config',
    join(SAMPLE, 'config.json'),
  ];
  let db: string;
  let first: ReturnType<typeof braid>;

  beforeAll(() => {
    db = join(dir, 'sample.sqlite');
    first = braid(['replay', ...sampleArgs, '--db', db]);
  });

  it('resources/sample runs with exit 0 and shows the behaviours its README lists', () => {
    expect(first.status).toBe(0);
    expect(first.stderr).toBe('');
    const r = JSON.parse(first.stdout);
    expect(r.run).toMatchObject({ events: 21, bars: 1170 });
    const status = Object.fromEntries(r.plans.map((p: { id: string; status: string }) => [p.id, p.status]));
    const reason = Object.fromEntries(r.plans.map((p: { id: string; reason?: string }) => [p.id, p.reason]));
    expect(reason['p-003']).toBe('invalid_stop_loss');
    expect(status['p-005']).toBe('expired');
    expect(reason['p-011']).toBe('halted');
    expect(status['p-013']).toBe('open');
    expect(status['p-014']).toBe('cancelled');
    expect(reason['p-016']).toBe('pdt_limit');
    expect(r.duplicatePlans).toEqual(['p-002']);
    expect(r.tradingState).toBe('ACTIVE');
    expect(r.positions.map((p: { symbol: string }) => p.symbol)).toEqual(['MSFT']);
  });

  it('running again on the completed --db prints the same report', () => {
    const again = braid(['replay', ...sampleArgs, '--db', db]);
    expect(again.status).toBe(0);
    expect(withoutRun(again.stdout)).toBe(withoutRun(first.stdout));
  });

  for (const format of ['csv', 'json'] as const) {
    it(`export --db --format ${format} after a replay is accepted by verify (exit 0); a tampered copy fails naming the record (exit 1)`, () => {
      const out = join(dir, `history.${format}`);
      const exp = braid(['export', '--db', db, '--format', format, '--out', out]);
      expect(exp.status).toBe(0);
      const trades = JSON.parse(first.stdout).trades.length;
      const ok = braid(['verify', out]);
      expect(ok.status).toBe(0);
      expect(ok.stdout).toContain(`${trades} records`);
      // Alter record 2 (its side) without re-hashing it.
      const text = readFileSync(out, 'utf8');
      const lines = text.split('\n');
      const i = format === 'csv' ? 2 : lines.findIndex((l) => l.includes('"seq":2'));
      expect(i).toBeGreaterThan(0);
      const tampered = lines[i]!.replace(
        format === 'csv' ? /,long,|,short,/ : /"side":"(long|short)"/,
        (m) => (m.includes('long') ? m.replace('long', 'short') : m.replace('short', 'long')),
      );
      expect(tampered).not.toBe(lines[i]);
      lines[i] = tampered;
      const bad = join(dir, `tampered.${format}`);
      writeFileSync(bad, lines.join('\n'));
      const v = braid(['verify', bad]);
      expect(v.status).toBe(1);
      expect(v.stdout).toContain(`${bad}:${i + 1}: record 2`);
    });
  }
});
