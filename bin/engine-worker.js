// The engine's worker thread under `braid serve`: the launcher's cache of stripped TypeScript on this
// thread too (strip-cache.js), then the worker itself.
import { registerStripCache } from './strip-cache.js';

registerStripCache();
await import('../src/main/host/worker.ts');
