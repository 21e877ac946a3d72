// What the `braid` command line says, run as a real process: usage for every command (exit 0), and
// verification failures in plain words, each prefix once.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTrades } from '../../src/main/engine/history/hash-chain.ts';
import type { TradeRecord } from '../../src/shared/domain/portfolio.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/braid.js');

function braid(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'braid-cli-messages-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('braid --help and braid COMMAND --help', () => {
  it('braid --help lists every command, exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = braid([flag]);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      const lines = r.stdout.split('\n');
      expect(lines[0]).toBe('usage:');
      for (const command of ['replay', 'serve', 'export', 'verify'])
        expect(lines.some((l) => l.startsWith(`  braid ${command} `))).toBe(true);
    }
  });

  // Each command's usage with the flags it takes; `serve --help` used to fail (exit 2, unknown option).
  const expected: Record<string, string[]> = {
    replay: ['--prices', '--script', '--config', '--db', '--new', '--out'],
    serve: ['--demo', '--port', '--db', '--new', '--config'],
    export: ['--db', '--format', '--out'],
    verify: ['FILE'],
  };
  for (const [command, flags] of Object.entries(expected)) {
    it(`braid ${command} --help prints its usage, exit 0, and runs nothing`, () => {
      const variants =
        command === 'serve'
          ? [
              ['serve', '--help'],
              ['serve', '-h'],
              ['help', 'serve'],
              ['serve', '--db', 'x.sqlite', '--help'],
            ]
          : [[command, '--help']];
      for (const args of variants) {
        const r = braid(args);
        expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status: 0, stderr: '' });
        expect(r.stdout.startsWith(`usage: braid ${command}`)).toBe(true);
        for (const flag of flags) expect(r.stdout).toContain(flag);
      }
    });
  }

  it('no command is a usage error (exit 2); an unknown one names itself', () => {
    expect(braid([]).status).toBe(2);
    const r = braid(['sevre']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('braid: unknown command "sevre"');
  });
});

const T0 = Date.parse('2024-03-01T14:30:00.000Z');
const HOUR = 3_600_000;
const trade = (k: number, side: 'long' | 'short'): TradeRecord => ({
  planId: `plan-${k}`,
  symbol: 'AAPL',
  side,
  quantity: '10',
  entryTime: T0 + 2 * k * HOUR,
  entryPrice: '190.25',
  exitTime: T0 + (2 * k + 1) * HOUR,
  exitPrice: '192.5',
  exitReason: 'take_profit',
  pnl: side === 'long' ? '22.48' : '-22.52',
  pnlPct: side === 'long' ? '1.1826' : '-1.1836',
  fees: '0.02',
});
const TRADES = [trade(1, 'long'), trade(2, 'short'), trade(3, 'long'), trade(4, 'long')];

describe('braid verify says what is wrong once, naming the record', () => {
  it('an altered record: "FILE:LINE: record 4: hash does not match its contents (altered)", exit 1', () => {
    const lines = exportTrades(TRADES, 'csv').text.split('\n');
    lines[4] = lines[4]!.replace(',long,', ',short,'); // record 4 is on line 5 (after the header)
    const file = join(dir, 'altered.csv');
    writeFileSync(file, lines.join('\n'));
    const r = braid(['verify', file]);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      status: 1,
      stdout: `${file}:5: record 4: hash does not match its contents (altered)\n`,
      stderr: '',
    });
  });

  it('a removed record is named by the record now in its place', () => {
    const lines = exportTrades(TRADES, 'csv').text.split('\n');
    lines.splice(2, 1); // record 2 removed
    const file = join(dir, 'removed.csv');
    writeFileSync(file, lines.join('\n'));
    const r = braid(['verify', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      `${file}:3: record 2: seq is "3", expected 2 (records removed, duplicated or reordered)\n`,
    );
  });

  it('a fault in the file as a whole has no record number in front of it', () => {
    const file = join(dir, 'header.csv');
    writeFileSync(file, exportTrades(TRADES, 'csv').text.replace(/^seq,/, 'sequence,'));
    const r = braid(['verify', file]);
    expect(r.status).toBe(1);
    expect(r.stdout.startsWith(`${file}:1: not a Braid trade-history export: the first line is not`)).toBe(
      true,
    );
  });

  it('records cut from the end of a JSON export (count kept) are named', () => {
    const doc = JSON.parse(exportTrades(TRADES, 'json').text) as { records: unknown[] };
    doc.records = doc.records.slice(0, 3);
    const file = join(dir, 'cut.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const r = braid(['verify', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/: "count" is 4 but the file holds 3 records: record 4 onwards is missing/);
    expect(r.stdout).not.toMatch(/record 4: "count"/);
  });

  it('an intact export verifies, exit 0', () => {
    const file = join(dir, 'ok.json');
    const { text, head } = exportTrades(TRADES, 'json');
    writeFileSync(file, text);
    const r = braid(['verify', file]);
    expect({ status: r.status, stdout: r.stdout }).toEqual({
      status: 0,
      stdout: `${file}: OK, 4 records, json, head ${head}\n`,
    });
  });
});
