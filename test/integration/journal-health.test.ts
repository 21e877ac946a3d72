// A journal is never silently replaced: a file that exists and is not a healthy Braid journal is refused
// with one line naming it and what is wrong (exit 2), by `braid replay --db`, `braid export --db` and the
// hosted engine (`braid serve --db`, the desktop app); nothing is written to it. Starting afresh takes
// --new (fresh), which moves the old file aside, never deletes it.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/main/cli/main.ts';
import { Journal } from '../../src/main/engine/journal/journal.ts';
import { LATEST_VERSION } from '../../src/main/engine/journal/migrations.ts';
import { pageProblems, pagesFoundSound, startPageCheck } from '../../src/main/engine/journal/page-check.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import { runReplay } from '../../src/main/engine/replay/runner.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/braid.js');
const SAMPLE = join(ROOT, 'resources/sample');
const SAMPLE_ARGS = [
  '--prices',
  join(SAMPLE, 'prices.csv'),
  '--script',
  join(SAMPLE, 'plans.jsonl'),
  '--config',
  join(SAMPLE, 'config.json'),
];

const T0 = Date.parse('2024-03-04T14:30:00Z');
const M5 = 5 * 60_000;
const bar = (i: number, open: string, close = open) => ({
  time: T0 + i * M5,
  symbol: 'AAA',
  open,
  high: String(Math.max(Number(open), Number(close)) + 1),
  low: String(Math.min(Number(open), Number(close)) - 1),
  close,
  volume: '1000',
});

let dir: string;
/** A completed replay journal of resources/sample, and an app journal with 3 closed trades. */
let replayJournal: string;
let appJournal: string;
let sampleReport: string;
let n = 0;

/** An app journal with `trades` closed trades: each buys 10 at 101 and is stopped out at 90 (-110). */
function writeAppJournal(path: string, trades: number): void {
  const r = createEngine({ journalPath: path, config: { pdt: { enabled: false } }, symbols: ['AAA'] });
  if (!r.ok) throw new Error(r.error.message);
  const e = r.value;
  let i = 0;
  for (let k = 0; k < trades; k++) {
    e.onBar(bar(i++, '100'));
    const plan = { id: `p${k}`, symbol: 'AAA', side: 'buy', quantity: 10, stopLoss: 90 };
    if (!e.submitPlan(plan, T0 + i * M5).ok) throw new Error('plan refused');
    e.onBar(bar(i++, '101', '102'));
    e.onBar({ ...bar(i++, '95'), low: '89' });
  }
  if (e.trades().length !== trades) throw new Error(`expected ${trades} trades, got ${e.trades().length}`);
  e.close();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'braid-journal-health-'));
  replayJournal = join(dir, 'replay.sqlite');
  sampleReport = JSON.stringify(
    runReplay({
      prices: join(SAMPLE, 'prices.csv'),
      script: join(SAMPLE, 'plans.jsonl'),
      config: join(SAMPLE, 'config.json'),
      db: replayJournal,
      clock: () => 0,
    }),
  );
  appJournal = join(dir, 'app.sqlite');
  writeAppJournal(appJournal, 3);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A copy of `source` in a folder of its own, changed by `damage`. */
function damaged(source: string | null, damage: (path: string) => void): string {
  const folder = join(dir, `case-${++n}`);
  mkdirSync(folder);
  const path = join(folder, 'journal.sqlite');
  if (source !== null) copyFileSync(source, path);
  damage(path);
  return path;
}

function sql(path: string, statements: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    statements(db);
  } finally {
    db.close();
  }
}

/** Runs the CLI in process; returns its exit code and what it wrote. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
afterEach(() => {
  vi.restoreAllMocks();
});

interface Case {
  what: string;
  /** The journal the case starts from: the replay's (so a healthy copy just reports again) or none. */
  from: 'replay' | null;
  damage: (path: string) => void;
  reason: RegExp;
}

const CASES: Case[] = [
  {
    what: 'an empty file (0 bytes)',
    from: null,
    damage: (p) => writeFileSync(p, ''),
    reason: /^not a Braid journal: the file is empty \(0 bytes\)/,
  },
  {
    what: 'a text file',
    from: null,
    damage: (p) => writeFileSync(p, 'time,symbol,open\n2024-03-04,AAA,1\n'),
    reason: /^not a Braid journal: not an SQLite database/,
  },
  {
    what: 'a journal cut at half its pages',
    from: 'replay',
    damage: (p) => {
      const b = readFileSync(p);
      const page = b.readUInt16BE(16);
      writeFileSync(p, b.subarray(0, Math.floor(b.length / page / 2) * page));
    },
    reason: /^damaged: truncated to \d+ bytes, its header says \d+ pages of 4096 bytes/,
  },
  {
    what: 'a journal cut inside a page',
    from: 'replay',
    damage: (p) => writeFileSync(p, readFileSync(p).subarray(0, 10_000)),
    reason: /^damaged: truncated to 10000 bytes, not a whole number of 4096-byte pages/,
  },
  {
    what: 'a journal cut inside its header',
    from: 'replay',
    damage: (p) => writeFileSync(p, readFileSync(p).subarray(0, 60)),
    reason: /^damaged: truncated to 60 bytes, shorter than an SQLite header/,
  },
  {
    what: 'another program’s SQLite database',
    from: null,
    damage: (p) => sql(p, (db) => db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)')),
    reason: /^not a Braid journal: an SQLite database with tables notes/,
  },
  {
    what: 'an empty SQLite database',
    from: null,
    damage: (p) =>
      sql(p, (db) => {
        db.exec('CREATE TABLE t (x); DROP TABLE t;');
      }),
    reason: /^not a Braid journal: an empty SQLite database/,
  },
  {
    what: 'an SQLite database at schema version 1 without the journal tables',
    from: null,
    damage: (p) =>
      sql(p, (db) => {
        db.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY, at INTEGER)');
        db.pragma('user_version = 1');
      }),
    reason: /^not a Braid journal: its table "events" has no column "kind"/,
  },
  {
    what: 'a journal with corrupted pages',
    from: 'replay',
    damage: (p) => {
      // Garbage over the last page: an events b-tree page (its cells point nowhere).
      const b = readFileSync(p);
      for (let i = b.length - 4000; i < b.length; i++) b[i] = (i * 13) & 255;
      writeFileSync(p, b);
    },
    reason: /^damaged: SQLite's check found .*(page|cell)/,
  },
  {
    what: 'a checkpoint that does not parse',
    from: 'replay',
    damage: (p) =>
      sql(p, (db) => db.prepare("UPDATE checkpoint SET state = substr(state, 1, 40) || '…'").run()),
    reason: /^damaged: its checkpoint does not parse \(/,
  },
  {
    what: 'a checkpoint that is not an engine state',
    from: 'replay',
    damage: (p) =>
      sql(p, (db) => db.prepare("UPDATE checkpoint SET state = json_set(state, '$.cash', 'a lot')").run()),
    reason: /^damaged: its checkpoint is not an engine state \(cash: expected a decimal number\)/,
  },
  {
    what: 'a journal from a newer Braid',
    from: 'replay',
    damage: (p) => sql(p, (db) => db.pragma('user_version = 99')),
    reason: new RegExp(
      `^written by a newer Braid \\(journal schema version 99; this Braid reads up to ${LATEST_VERSION}\\): upgrade Braid`,
    ),
  },
];

/** The file is exactly as it was, and nothing was written beside it: no journal, no log with content. (A
 *  read-only SQLite reader of a WAL-mode file leaves an empty log and an index file, as SQLite does.) */
function expectUntouched(path: string, before: string): void {
  expect(sha(path)).toBe(before);
  const beside = readdirSync(join(path, '..')).filter(
    (f) => !['journal.sqlite', 'journal.sqlite.lock', 'journal.sqlite-shm', 'journal.sqlite-wal'].includes(f),
  );
  expect(beside).toEqual([]);
  if (existsSync(`${path}-wal`)) expect(readFileSync(`${path}-wal`).length).toBe(0);
}

describe('a file that is not a healthy journal is refused, and left as it is', () => {
  for (const c of CASES) {
    it(`${c.what}: braid replay --db, braid export --db and the hosted engine refuse it`, async () => {
      const path = damaged(c.from === 'replay' ? replayJournal : null, c.damage);
      const before = sha(path);

      const replay = await cli(['replay', ...SAMPLE_ARGS, '--db', path]);
      expect(replay.code).toBe(2);
      expect(replay.stdout).toBe('');
      const line = replay.stderr.split('\n');
      expect(line).toHaveLength(2); // one line and its newline
      expect(line[0]!.startsWith(`${path}: `)).toBe(true);
      expect(line[0]!.slice(path.length + 2)).toMatch(c.reason);
      expect(line[0]).toMatch(/--new moves it aside/);
      expectUntouched(path, before);

      const exported = await cli(['export', '--db', path, '--format', 'json']);
      expect(exported.code).toBe(2);
      expect(exported.stdout).toBe('');
      expect(exported.stderr.split('\n')).toHaveLength(2);
      expect(exported.stderr.startsWith(`${path}: `)).toBe(true);
      expect(exported.stderr.slice(path.length + 2)).toMatch(c.reason);
      expectUntouched(path, before);

      const hosted = createEngine({ journalPath: path });
      expect(hosted.ok).toBe(false);
      if (!hosted.ok) {
        expect(hosted.error.code).toBe('journal_refused');
        expect(hosted.error.message.startsWith(`${path}: `)).toBe(true);
        expect(hosted.error.message.slice(path.length + 2)).toMatch(c.reason);
        expect(hosted.error.message).not.toMatch(/\n/);
      }
      expectUntouched(path, before);
    });
  }

  it('a healthy copy of the same journal is accepted (the checks refuse only what is wrong)', async () => {
    const path = damaged(replayJournal, () => {});
    const r = await cli(['replay', ...SAMPLE_ARGS, '--db', path]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(JSON.stringify({ ...report, run: 0 })).toBe(
      JSON.stringify({ ...(JSON.parse(sampleReport) as object), run: 0 }),
    );
    const e = await cli(['export', '--db', path, '--format', 'json']);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout).count).toBe((report.trades as unknown[]).length);
  });

  it('a record whose body does not parse: the state cannot be rebuilt, refused naming the file', () => {
    // A hosted engine's start reads the plans it held by id: the last record of one of them is damaged.
    const path = damaged(appJournal, (p) =>
      sql(p, (db) =>
        db
          .prepare(
            "UPDATE events SET body = '{\"type\":' WHERE seq = (SELECT MAX(seq) FROM events WHERE kind = 'plan')",
          )
          .run(),
      ),
    );
    const r = createEngine({ journalPath: path });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('journal_refused');
      expect(r.error.message).toMatch(new RegExp(`^${literal(path)}: damaged: its state cannot be rebuilt`));
    }
  });

  it('a folder given as the journal is refused, with --new too (nothing is moved)', async () => {
    const path = damaged(null, (p) => mkdirSync(p));
    for (const argv of [
      ['replay', ...SAMPLE_ARGS, '--db', path],
      ['replay', ...SAMPLE_ARGS, '--db', path, '--new'],
      ['export', '--db', path],
    ]) {
      const r = await cli(argv);
      expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
      expect(r.stderr).toMatch(new RegExp(`^${literal(path)}: not a Braid journal: not a file[^\n]*\n$`));
    }
    expect(readdirSync(join(path, '..')).filter((f) => f.includes('.replaced-'))).toEqual([]);
  });

  it('a write-ahead log without its journal is refused, not replayed into a new journal', () => {
    const path = damaged(null, (p) => writeFileSync(`${p}-wal`, Buffer.alloc(4096, 7)));
    const r = createEngine({ journalPath: path });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error.message).toBe(
        `${path}: not found, but its write-ahead log ${path}-wal is there: the journal was moved or deleted`,
      );
    expect(existsSync(path)).toBe(false);
  });
});

describe('starting afresh takes --new (fresh) or a path where nothing exists', () => {
  it('a 0-byte journal is refused by the hosted engine instead of starting a new account', () => {
    const path = damaged(null, (p) => writeFileSync(p, ''));
    const r = createEngine({ journalPath: path });
    expect(r.ok).toBe(false);
    expect(readFileSync(path).length).toBe(0);
  });

  it('a path where nothing exists starts a new journal, complete from the start', () => {
    const path = damaged(null, () => {});
    const lines: string[] = [];
    const r = createEngine({ journalPath: path, log: (l) => lines.push(l) });
    expect(r.ok).toBe(true);
    if (r.ok) r.value.close();
    expect(lines).toEqual([]); // nothing was replaced, nothing to say
    sql(path, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(db.prepare("SELECT value FROM meta WHERE key = 'kind'").pluck().get()).toBe('app');
    });
    // It is created under a temporary name: nothing half-made is left beside it.
    expect(readdirSync(join(path, '..')).sort()).toEqual(['journal.sqlite', 'journal.sqlite.lock']);
  });

  it('fresh moves a damaged file aside (its bytes kept under a dated name) and starts a new journal', () => {
    const path = damaged(null, (p) => writeFileSync(p, ''));
    const lines: string[] = [];
    const r = createEngine({ journalPath: path, fresh: true, log: (l) => lines.push(l) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.snapshot().account.cash).toBe('100000');
    r.value.close();
    const moved = readdirSync(join(path, '..')).filter((f) => f.includes('.replaced-'));
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatch(/^journal\.sqlite\.replaced-\d{8}T\d{6}Z$/);
    const aside = join(path, '..', moved[0]!);
    expect(readFileSync(aside).length).toBe(0);
    expect(lines).toEqual([
      `braid: moved the journal that was at ${path} to ${aside}; starting a new journal`,
    ]);
  });

  it('fresh is refused while another writer holds the journal, and moves nothing', () => {
    const path = damaged(appJournal, () => {});
    const a = Journal.open(path);
    expect(() => Journal.open(path, { fresh: true, now: T0 })).toThrow(
      `${path} is in use by another Braid process`,
    );
    a.close();
    expect(readdirSync(join(path, '..')).filter((f) => f.includes('.replaced-'))).toEqual([]);
  });

  it('fresh moves a journal aside with its write-ahead log, so the old one stays whole and readable', () => {
    const path = damaged(appJournal, () => {});
    const folder = join(path, '..');
    const crashed = join(folder, 'crashed.sqlite');
    // A crash image: a setting committed to the write-ahead log only, not yet to the file itself.
    const b = Journal.open(path);
    b.setSetting('marker', 'in the log');
    copyFileSync(path, crashed);
    copyFileSync(`${path}-wal`, `${crashed}-wal`);
    b.close();

    const now = Date.parse('2024-05-06T07:08:09.500Z');
    const j = Journal.open(crashed, { fresh: true, now });
    expect(j.replaced).toBe(`${crashed}.replaced-20240506T070809Z`);
    expect(j.getSetting('marker')).toBeUndefined(); // a new journal
    j.close();
    const old = new Database(j.replaced!, { readonly: true });
    expect(old.prepare("SELECT value FROM settings WHERE key = 'marker'").pluck().get()).toBe('in the log');
    expect(old.prepare("SELECT COUNT(*) FROM events WHERE kind = 'trade'").pluck().get()).toBe(3);
    old.close();
    // Again in the same second: another name, the first kept.
    const k = Journal.open(crashed, { fresh: true, now });
    expect(k.replaced).toBe(`${crashed}.replaced-20240506T070809Z-2`);
    k.close();
    expect(existsSync(`${crashed}.replaced-20240506T070809Z`)).toBe(true);
  });

  it('braid replay --new moves a damaged journal aside, says so, and runs as on a new journal', async () => {
    const path = damaged(null, (p) => writeFileSync(p, 'not a journal'));
    const r = await cli(['replay', ...SAMPLE_ARGS, '--db', path, '--new']);
    expect(r.code).toBe(0);
    const moved = readdirSync(join(path, '..')).filter((f) => f.includes('.replaced-'));
    expect(moved).toHaveLength(1);
    const aside = join(path, '..', moved[0]!);
    expect(readFileSync(aside, 'utf8')).toBe('not a journal');
    expect(r.stderr).toBe(
      `braid: moved the journal that was at ${path} to ${aside}; starting a new journal\n`,
    );
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(JSON.stringify({ ...report, run: 0 })).toBe(
      JSON.stringify({ ...(JSON.parse(sampleReport) as object), run: 0 }),
    );
  });

  it('a half-made journal left by a crash while creating does not stop the next start', () => {
    const path = damaged(null, (p) => writeFileSync(`${p}.new`, 'half'));
    const j = Journal.open(path, { kind: 'app' });
    j.close();
    expect(existsSync(`${path}.new`)).toBe(false);
  });

  it('the real `braid replay` and `braid export` exit 2 on an empty journal', () => {
    const path = damaged(null, (p) => writeFileSync(p, ''));
    for (const args of [
      ['replay', ...SAMPLE_ARGS, '--db', path],
      ['export', '--db', path],
    ]) {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toContain(`${path}: not a Braid journal: the file is empty (0 bytes)`);
    }
    expect(readFileSync(path).length).toBe(0);
  });
});

/** Garbage over the last page of the file: an events b-tree page (its cells point nowhere). */
function garbleLastPage(p: string): void {
  const b = readFileSync(p);
  for (let i = b.length - 4000; i < b.length; i++) b[i] = (i * 13) & 255;
  writeFileSync(p, b);
}

/** The pages' check in this thread, as the journal's open runs it: true when SQLite finds nothing. */
function checkPages(path: string): boolean {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return pageProblems(db).length === 0;
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

describe("the pages' check on a thread of its own (braid serve's start)", () => {
  it('finds a healthy journal sound, on its thread as in process; a damaged or non-SQLite file is not', () => {
    const onThread = (path: string) => {
      const pending = startPageCheck(path);
      if (pending === null) throw new Error('the check did not start');
      return pagesFoundSound(pending);
    };
    const healthy = damaged(appJournal, () => {});
    expect([checkPages(healthy), onThread(healthy)]).toEqual([true, true]);
    const garbled = damaged(replayJournal, garbleLastPage);
    expect([checkPages(garbled), onThread(garbled)]).toEqual([false, false]);
    const notSqlite = damaged(null, (p) => writeFileSync(p, 'not a journal'));
    expect([checkPages(notSqlite), onThread(notSqlite)]).toEqual([false, false]);
    expect(onThread(join(dir, 'nothing-here.sqlite'))).toBe(false);
  });

  it('a verdict on the file before it changed does not stand for it: the journal checks itself and refuses', () => {
    const path = damaged(appJournal, () => {});
    const pending = startPageCheck(path);
    expect(pending !== null && pagesFoundSound(pending)).toBe(true);
    garbleLastPage(path);
    const before = sha(path);
    const hosted = createEngine({ journalPath: path, journalPagesCheck: pending });
    expect(hosted.ok).toBe(false);
    if (!hosted.ok) {
      expect(hosted.error.code).toBe('journal_refused');
      expect(hosted.error.message).toMatch(/: damaged: SQLite's check found .*(page|cell)/);
    }
    expect(sha(path)).toBe(before); // nothing was written
  });

  it('while the check runs the state is rebuilt, and a sound verdict lets the engine start with it', () => {
    const path = damaged(appJournal, () => {});
    const hosted = createEngine({ journalPath: path, journalPagesCheck: startPageCheck(path) });
    expect(hosted.ok).toBe(true);
    if (hosted.ok) {
      expect(hosted.value.snapshot().tradeCount).toBe(3);
      hosted.value.close();
    }
  });

  it('the real `braid serve` refuses a journal with damaged pages: exit 2, one line, the file untouched', () => {
    const path = damaged(replayJournal, garbleLastPage);
    const before = sha(path);
    const r = spawnSync(process.execPath, [BIN, 'serve', '--db', path, '--port', '0'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(
        `^braid: cannot start the engine: ${literal(path)}: damaged: SQLite's check found .*(page|cell)`,
      ),
    );
    expectUntouched(path, before);
  });

  it('the real `braid serve` starts on a healthy journal it checked on its thread, with its trades', async () => {
    const path = damaged(appJournal, () => {});
    const child = spawn(process.execPath, [BIN, 'serve', '--db', path, '--port', '0'], { cwd: ROOT });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /Braid UI ready at (http:\/\/\S+)/.exec(out);
          if (m) resolveUrl(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`braid serve exited ${code}`)));
      });
      const u = new URL(url);
      const res = await fetch(`${u.origin}/api/snapshot?token=${u.searchParams.get('token')}`);
      const body = (await res.json()) as { value: { engine: { tradeCount: number } } };
      expect(body.value.engine.tradeCount).toBe(3);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
