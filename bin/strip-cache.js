// Braid's TypeScript runs on Node's type stripping, which loads a WebAssembly parser and strips every
// module again at each start, on each thread: about 0.2 s of the engine thread's start alone. This keeps
// each module's stripped JavaScript, named by a hash of its source and of Node's version, in a folder of
// the user's own (mode 0700) in the temporary folder, and hands it to Node as plain JavaScript: a module
// whose source changed has another name, so nothing stale is ever read. Without the hooks API, or when
// the folder is not the user's own, nothing is registered and Node strips as before.
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** The cache folder, created if need be; null unless it is a directory this user owns that no one else
 *  can write to (another user could otherwise plant code under a name Braid would run). */
function ownFolder() {
  if (typeof process.getuid !== 'function') return null;
  const dir = join(tmpdir(), `braid-ts-${process.getuid()}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const s = lstatSync(dir);
    if (!s.isDirectory() || s.uid !== process.getuid()) return null;
    if ((s.mode & 0o077) !== 0) chmodSync(dir, 0o700);
    return dir;
  } catch {
    return null;
  }
}

/** Registers the cache on this thread (each thread that loads TypeScript calls it first). */
export function registerStripCache() {
  const { registerHooks, stripTypeScriptTypes } = nodeModule;
  if (typeof registerHooks !== 'function' || typeof stripTypeScriptTypes !== 'function') return;
  const dir = ownFolder();
  if (dir === null) return;
  registerHooks({
    load(url, context, nextLoad) {
      const loaded = nextLoad(url, context);
      if (loaded.format !== 'module-typescript' || loaded.source == null) return loaded;
      const source =
        typeof loaded.source === 'string' ? loaded.source : Buffer.from(loaded.source).toString();
      const name = createHash('sha256').update(`${process.version}\0`).update(source).digest('hex');
      const file = join(dir, `${name.slice(0, 40)}.js`);
      let code;
      try {
        code = readFileSync(file, 'utf8');
      } catch {
        // The API is marked experimental: its one warning would reach the trader's terminal.
        const emitWarning = process.emitWarning;
        process.emitWarning = () => {};
        try {
          code = stripTypeScriptTypes(source);
        } catch {
          return loaded; // Node's own stripping says what is wrong, and where
        } finally {
          process.emitWarning = emitWarning;
        }
        try {
          const scratch = `${file}.${process.pid}-${threadId}.tmp`;
          writeFileSync(scratch, code, { mode: 0o600 });
          renameSync(scratch, file);
        } catch {
          // A cache that cannot be written costs the next start the stripping, nothing more.
        }
      }
      return { format: 'module', source: code, shortCircuit: true };
    },
  });
}
