// The launcher's cache of stripped TypeScript (bin/strip-cache.js): a module is stripped once and read
// back from the cache afterwards, a changed source gets its own entry (never the stale one), and the
// folder is the user's alone. Each case runs a fresh Node process with its own temporary folder.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const CACHE_JS = fileURLToPath(new URL('../../bin/strip-cache.js', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch() {
  const root = mkdtempSync(join(tmpdir(), 'braid-strip-cache-test-'));
  dirs.push(root);
  const tmp = join(root, 'tmp');
  mkdirSync(tmp);
  const module = join(root, 'answer.ts');
  const main = join(root, 'main.mjs');
  writeFileSync(
    main,
    `import { registerStripCache } from ${JSON.stringify(CACHE_JS)};\nregisterStripCache();\n` +
      `const { answer } = await import(${JSON.stringify(module)});\nprocess.stdout.write(String(answer()));\n`,
  );
  const run = () => {
    const r = spawnSync(process.execPath, [main], { env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' });
    return { out: r.stdout, err: r.stderr, status: r.status };
  };
  const folder = join(tmp, `braid-ts-${process.getuid!()}`);
  const entries = () => readdirSync(folder).filter((f) => f.endsWith('.js'));
  return { tmp, module, run, folder, entries };
}

describe('the stripped TypeScript cache', () => {
  it('strips a module once, then reads it back; a changed module gets an entry of its own', () => {
    const s = scratch();
    writeFileSync(
      s.module,
      'export function answer(): number {\n  const n: number = 41;\n  return n + 1;\n}\n',
    );
    expect(s.run()).toEqual({ out: '42', err: '', status: 0 });
    const [first] = s.entries();
    expect(s.entries()).toHaveLength(1);
    // The types are gone, the lines stay where they were (stack traces point at the source).
    const stripped = readFileSync(join(s.folder, first!), 'utf8');
    expect(stripped).not.toContain(': number');
    expect(stripped.split('\n')).toHaveLength(5);

    // Read back, not stripped again: an entry changed by hand is what runs.
    writeFileSync(join(s.folder, first!), stripped.replace('n + 1', 'n + 2'));
    expect(s.run().out).toBe('43');

    // The source changed: a new entry, the old one never read for it.
    writeFileSync(s.module, 'export function answer(): number {\n  return 7 as number;\n}\n');
    expect(s.run()).toEqual({ out: '7', err: '', status: 0 });
    expect(s.entries()).toHaveLength(2);
  });

  it('keeps its folder to the user alone, and is left out when that folder cannot be made', () => {
    const s = scratch();
    writeFileSync(s.module, 'export const answer = (): string => "ok";\n');
    mkdirSync(s.folder, { mode: 0o777 });
    chmodSync(s.folder, 0o777);
    expect(s.run().out).toBe('ok');
    expect(statSync(s.folder).mode & 0o777).toBe(0o700);
    // Where the folder cannot be made (a file is in the way): Node strips the module as before, nothing said.
    rmSync(s.folder, { recursive: true });
    writeFileSync(s.folder, 'not a folder');
    expect(s.run()).toEqual({ out: 'ok', err: '', status: 0 });
  });
});
