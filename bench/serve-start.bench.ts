// `braid serve` on a journal with a long history (issue 12 figure 3): the time from the process start to
// the first snapshot answered on GET /api/snapshot, and the process's RSS then.
//
//   node bench/serve-start.bench.ts [TRADES=100000] [RUNS=3]
//
// The journal is generated once and cached under .bench/ (git-ignored): TRADES round trips through the
// hosted engine itself (test/helpers/trade-journal.ts). Written on /dev/shm when there is one (each command's
// commit is flushed: on a disk that is an fsync per command), then copied. Each run starts serve on a copy.
import { spawn } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTradeJournal } from '../test/helpers/trade-journal.ts';
import { median } from './median.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(ROOT, '.bench');
const TARGET_SECONDS = 1.5;
const TARGET_RSS_MB = 300;

export interface ServeStartFigures {
  trades: number;
  seconds: number;
  rssMb: number;
  met: boolean;
}

/** A journal of `trades` closed round trips (cached). */
export function journalWith(trades: number): string {
  const file = join(CACHE, `serve-start-${trades}.sqlite`);
  if (existsSync(file)) return file;
  mkdirSync(CACHE, { recursive: true });
  const scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'braid-serve-start-'));
  const path = join(scratch, 'journal.sqlite');
  const t0 = performance.now();
  writeTradeJournal(path, trades);
  copyFileSync(path, `${file}.tmp`);
  renameSync(`${file}.tmp`, file);
  rmSync(scratch, { recursive: true, force: true });
  console.log(`  generated ${file} (${trades} trades) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return file;
}

function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** One start of `braid serve` on a copy of the journal: seconds to the first snapshot, RSS then. */
async function startOnce(journal: string): Promise<{ seconds: number; rssMb: number; trades: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'braid-serve-start-run-'));
  const db = join(dir, 'journal.sqlite');
  copyFileSync(journal, db);
  // The copy at rest before the clock starts: its 530 MB written out, not flushed during the start.
  const fd = openSync(db, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  // This process's own fetch loaded before the clock starts (its first use loads Node's HTTP client).
  await (await fetch('data:,')).text();
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin/braid.js'), 'serve', '--db', db, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      let errText = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /Braid UI ready at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        errText += chunk.toString();
      });
      child.on('exit', (code) => reject(new Error(`braid serve exited ${code}: ${errText}`)));
    });
    const u = new URL(url);
    const res = await fetch(`${u.origin}/api/snapshot?token=${u.searchParams.get('token')}`);
    const body = (await res.json()) as { ok: boolean; value?: { engine: { tradeCount: number } } };
    const seconds = (performance.now() - t0) / 1000;
    const rssMb = rssMbOf(child.pid!);
    if (!body.ok || !body.value) throw new Error('no snapshot');
    return { seconds, rssMb, trades: body.value.engine.tradeCount };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function serveStartBench(
  opts: { trades?: number; runs?: number } = {},
): Promise<ServeStartFigures> {
  const trades = opts.trades ?? 100_000;
  const runs = opts.runs ?? 3;
  const journal = journalWith(trades);
  const seconds: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await startOnce(journal);
    if (r.trades !== trades) throw new Error(`the snapshot counts ${r.trades} trades, expected ${trades}`);
    seconds.push(r.seconds);
    rss.push(r.rssMb);
  }
  const figures = {
    trades,
    seconds: median(seconds),
    rssMb: median(rss),
    met: median(seconds) < TARGET_SECONDS && median(rss) < TARGET_RSS_MB,
  };
  console.log(
    `serve start on ${trades.toLocaleString('en-US')} trades: first snapshot ${figures.seconds.toFixed(2)} s ` +
      `(runs ${seconds.map((s) => s.toFixed(2)).join(', ')}), RSS ${figures.rssMb.toFixed(0)} MB; ` +
      `target < ${TARGET_SECONDS} s and < ${TARGET_RSS_MB} MB: ${figures.met ? 'met' : 'NOT met'}`,
  );
  return figures;
}

if (import.meta.main) {
  await serveStartBench({
    trades: Number(process.argv[2] ?? 100_000),
    runs: Number(process.argv[3] ?? 3),
  });
}
