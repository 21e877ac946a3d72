import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireKeyLock, type KeyLock, keyLockPath } from '../../src/main/venues/key-lock.ts';
import { waitFor } from '../helpers/wait.ts';

const KEY = 'kraken-api-key-for-the-lock-test';
const MODULE = resolve('src/main/venues/key-lock.ts');

let dir: string;
const held: KeyLock[] = [];
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'braid-key-lock-'));
});

afterEach(() => {
  for (const lock of held.splice(0)) lock.release();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Another Node process that takes the lock, says so on stdout, and holds it until killed. */
function holderProcess(): { child: ChildProcess; output: () => string } {
  const script = join(dir, 'holder.mjs');
  writeFileSync(
    script,
    `import { acquireKeyLock } from ${JSON.stringify(MODULE)};
const r = acquireKeyLock(${JSON.stringify(dir)}, 'Kraken', ${JSON.stringify(KEY)});
process.stdout.write(r.ok ? 'locked\\n' : 'refused: ' + r.message + '\\n');
setInterval(() => {}, 1000);`,
  );
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (b) => {
    out += String(b);
  });
  child.stderr?.on('data', (b) => {
    out += String(b);
  });
  return { child, output: () => out };
}

describe('one process per API key', () => {
  it('names the lock file from a hash of the key, never the key', () => {
    const path = keyLockPath(dir, 'Kraken', KEY);
    const digest = createHash('sha256').update(KEY).digest('hex').slice(0, 16);
    expect(path).toBe(join(dir, `Kraken-key-${digest}.lock`));
    const taken = acquireKeyLock(dir, 'Kraken', KEY);
    if (!taken.ok) throw new Error(taken.message);
    held.push(taken.lock);
    for (const name of readdirSync(dir)) {
      expect(name).not.toContain(KEY);
      expect(readFileSync(join(dir, name)).toString('latin1')).not.toContain(KEY);
    }
  });

  it('refuses a second holder of the same key with a message that says why and who', () => {
    const first = acquireKeyLock(dir, 'Kraken', KEY, { pid: 4242, now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    if (!first.ok) throw new Error(first.message);
    held.push(first.lock);
    const second = acquireKeyLock(dir, 'Kraken', KEY);
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.message).toContain('another Braid process (pid 4242, since 2026-01-02T03:04:05.000Z)');
    expect(second.message).toContain('already trading with this Kraken API key');
    expect(second.message).toContain('nonces are per key');
    expect(second.message).not.toContain(KEY);
  });

  it('lets another key through, and the same key again once released', () => {
    const first = acquireKeyLock(dir, 'Kraken', KEY);
    if (!first.ok) throw new Error(first.message);
    const other = acquireKeyLock(dir, 'Kraken', 'a-different-key');
    expect(other.ok).toBe(true);
    if (other.ok) held.push(other.lock);
    first.lock.release();
    first.lock.release(); // idempotent
    const again = acquireKeyLock(dir, 'Kraken', KEY);
    expect(again.ok).toBe(true);
    if (again.ok) held.push(again.lock);
  });

  it('creates the folder when it does not exist', () => {
    const nested = join(dir, 'a', 'b');
    const taken = acquireKeyLock(nested, 'Kraken', KEY);
    expect(taken.ok).toBe(true);
    if (taken.ok) held.push(taken.lock);
    expect(existsSync(keyLockPath(nested, 'Kraken', KEY))).toBe(true);
  });

  it('refuses across processes, and a holder killed with SIGKILL leaves no stale lock', async () => {
    const holder = holderProcess();
    await waitFor('the other process to take the lock', () => holder.output().includes('locked'));
    const refused = acquireKeyLock(dir, 'Kraken', KEY);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.message).toContain(`pid ${holder.child.pid}`);

    const exited = new Promise((r) => holder.child.once('exit', r));
    holder.child.kill('SIGKILL');
    await exited;
    // The lock went with the process: no pid check, no cleanup, and its stale owner file does not matter.
    const taken = acquireKeyLock(dir, 'Kraken', KEY);
    expect(taken.ok).toBe(true);
    if (taken.ok) held.push(taken.lock);
  });

  it('a second process is refused while this one holds the key', async () => {
    const mine = acquireKeyLock(dir, 'Kraken', KEY);
    if (!mine.ok) throw new Error(mine.message);
    held.push(mine.lock);
    const other = holderProcess();
    await waitFor('the other process to answer', () => other.output().includes('\n'));
    expect(other.output()).toContain(`refused: another Braid process (pid ${process.pid}`);
  });
});
