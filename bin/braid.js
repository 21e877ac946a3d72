#!/usr/bin/env node
// Launcher: Braid's TypeScript runs directly on Node's type stripping (Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`braid needs Node.js 22.18 or newer (this is ${process.versions.node})\n`);
  process.exit(2);
}

// `braid serve` runs for days. glibc's malloc raises its mmap threshold after large frees and then keeps
// freed native buffers (WebSocket frames, snapshots) in its arenas, so RSS stays up after a burst of
// clients. Fixed thresholds keep large buffers mmapped and trim the heap; glibc reads them only at
// start, so the launcher re-executes itself once with them set (same PID: nothing is left orphaned).
const TUNED = { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' };
if (
  process.argv[2] === 'serve' &&
  process.platform === 'linux' &&
  typeof process.execve === 'function' &&
  process.env.MALLOC_TRIM_THRESHOLD_ === undefined
) {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    ...TUNED,
  });
}

// V8's code cache for Braid's modules (Node's compile cache, in the temporary folder): a start compiles
// less, on every thread (the engine's worker too).
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();

// Each module's stripped JavaScript, kept between starts (strip-cache.js); the engine's worker registers it
// too (engine-worker.js).
const { registerStripCache } = await import('./strip-cache.js');
registerStripCache();

const { main } = await import('../src/main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
