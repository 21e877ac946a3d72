// `braid export` reads the journal of a running terminal: the writer keeps a second writer out, not
// readers. Two writers: a hosted engine in a child process that keeps trading (its latest trades are in
// the write-ahead log only), and a real `braid serve --db`.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/main/engine/kernel.ts';
import { waitFor } from '../helpers/wait.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/braid.js');

// The child: a hosted engine on the journal, closing one trade (buy 10 at 101, stopped at 90: -110) each
// time it reads a line, printing `trades N` after each; it closes the journal when its stdin ends.
const WRITER = `
import { createEngine } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/main/engine/kernel.ts')).href)};
const T0 = Date.parse('2024-03-04T14:30:00Z');
const M5 = 300000;
const bar = (i, open, close = open) => ({ time: T0 + i * M5, symbol: 'AAA', open,
  high: String(Math.max(+open, +close) + 1), low: String(Math.min(+open, +close) - 1), close, volume: '1000' });
const r = createEngine({ journalPath: process.argv[2], config: { pdt: { enabled: false } }, symbols: ['AAA'] });
if (!r.ok) { process.stderr.write(r.error.message + '\\n'); process.exit(3); }
const e = r.value;
let i = e.snapshot().time > 0 ? Math.round((e.snapshot().time - T0) / M5) + 1 : 0;
const trade = () => {
  e.onBar(bar(i++, '100'));
  e.submitPlan({ id: 'p' + i, symbol: 'AAA', side: 'buy', quantity: 10, stopLoss: 90 }, T0 + i * M5);
  e.onBar(bar(i++, '101', '102'));
  e.onBar({ ...bar(i++, '95'), low: '89' });
  process.stdout.write('trades ' + e.trades().length + '\\n');
};
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { for (const c of chunk) if (c === '\\n') trade(); });
process.stdin.on('end', () => { e.close(); process.exit(0); });
process.stdout.write('trades ' + e.trades().length + '\\n');
`;

let dir: string;
let writerScript: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'braid-journal-readers-'));
  writerScript = join(dir, 'writer.mjs');
  writeFileSync(writerScript, WRITER);
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A child process with its stdout collected; `exit` resolves with its code or signal. */
function start(args: string[]) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exit = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? 'none')),
  );
  return { child, exit, stdout: () => stdout, stderr: () => stderr };
}

/** `braid export --db FILE --format json`: exit code, trade count and head. */
function exportJournal(db: string) {
  const r = spawnSync(process.execPath, [BIN, 'export', '--db', db, '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  const doc = r.status === 0 ? (JSON.parse(r.stdout) as { count: number; head: string }) : null;
  return { status: r.status, stderr: r.stderr, count: doc?.count, head: doc?.head };
}

describe('braid export beside a running writer', () => {
  it('reads a hosted engine’s journal while it trades, trades still in the write-ahead log included', async () => {
    const db = join(dir, 'live.sqlite');
    const w = start([writerScript, db]);
    const trades = (n: number) =>
      waitFor(`trades ${n}`, () => w.stdout().includes(`trades ${n}\n`) || exitedEarly(w));
    await trades(0);
    w.child.stdin!.write('\n\n');
    await trades(2);
    // The trades are committed to the write-ahead log; the journal file itself has not had them yet.
    expect(statSync(`${db}-wal`).size).toBeGreaterThan(0);

    const first = exportJournal(db);
    expect({ status: first.status, stderr: first.stderr, count: first.count }).toEqual({
      status: 0,
      stderr: '',
      count: 2,
    });

    // The writer goes on; the next export sees its new trade.
    w.child.stdin!.write('\n');
    await trades(3);
    expect(exportJournal(db).count).toBe(3);

    // A second writer is still kept out, by the hosted engine and by `braid replay`.
    const second = createEngine({ journalPath: db });
    expect(second.ok ? 'opened' : second.error.message).toBe(`${db} is in use by another Braid process`);
    const replay = spawnSync(
      process.execPath,
      [
        BIN,
        'replay',
        '--prices',
        join(ROOT, 'resources/sample/prices.csv'),
        '--script',
        join(ROOT, 'resources/sample/plans.jsonl'),
        '--db',
        db,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
    );
    expect({ status: replay.status, stderr: replay.stderr }).toEqual({
      status: 2,
      stderr: `braid: ${db} is in use by another Braid process\n`,
    });

    w.child.stdin!.end();
    expect(await w.exit).toBe(0);
    expect(exportJournal(db).count).toBe(3);
  });

  it('reads the journal of a running `braid serve --db`', async () => {
    const db = join(dir, 'served.sqlite');
    // A journal with 2 closed trades, written by the child above and closed.
    const w = start([writerScript, db]);
    w.child.stdin!.end('\n\n');
    expect(await w.exit).toBe(0);
    expect(w.stdout()).toContain('trades 2\n');
    const before = exportJournal(db);
    expect(before.count).toBe(2);

    const s = start([BIN, 'serve', '--db', db, '--port', '0']);
    await waitFor(
      'the ready line',
      () => /Braid UI ready at http:\/\/127\.0\.0\.1:\d+\//.test(s.stdout()) || exitedEarly(s),
    );
    const during = exportJournal(db);
    expect({ status: during.status, stderr: during.stderr, count: during.count, head: during.head }).toEqual({
      status: 0,
      stderr: '',
      count: 2,
      head: before.head,
    });
    s.child.kill('SIGINT');
    expect(await s.exit).toBe(0);
    expect(existsSync(db)).toBe(true);
    expect(readFileSync(db).length).toBeGreaterThan(0);
  });
});

function exitedEarly(p: { child: ChildProcess; stderr: () => string }): false {
  if (p.child.exitCode !== null)
    throw new Error(`exited ${p.child.exitCode} before it was ready: ${p.stderr()}`);
  return false;
}
