// Builds a running host from boot options: the engine (journal, config), the demo feed when asked, and
// the host around them. Used inside the worker thread; usable in process by tests and tools.
import { err, ok, type Result } from '../../shared/result.ts';
import { readBars } from '../demo/csv.ts';
import { createDemoFeed } from '../demo/feed.ts';
import { SMA_CROSS_SOURCE } from '../demo/sma-cross.ts';
import { exportTrades } from '../engine/history/hash-chain.ts';
import { createEngine } from '../engine/kernel.ts';
import { journalToken } from '../serve/auth.ts';
import { createHost } from './host.ts';
import type { BootInfo, BootOptions } from './protocol.ts';
import type { HostHandle } from './types.ts';

/** The demo's plans wait for the operator (manual approval) unless the config file names a mode. */
export function demoConfig(config: unknown): unknown {
  if (config === undefined || config === null) return { approval: 'manual' };
  // Anything but an object is left for the engine to refuse with its own clear error.
  if (typeof config !== 'object' || Array.isArray(config)) return config;
  return Object.hasOwn(config, 'approval') ? config : { ...config, approval: 'manual' };
}

export interface BootedHost {
  host: HostHandle;
  info: BootInfo;
}

export function bootHost(options: BootOptions): Result<BootedHost> {
  const demo = options.demo ?? null;
  const steps = demo === null ? null : readBars(demo.pricesPath);
  if (steps !== null && !steps.ok) return steps;

  const engineResult = createEngine({
    config: demo === null ? options.config : demoConfig(options.config),
    ...(options.journalPath !== undefined ? { journalPath: options.journalPath } : {}),
    ...(options.fresh ? { fresh: true } : {}),
  });
  if (!engineResult.ok) return engineResult;
  const engine = engineResult.value;

  try {
    const token =
      options.serveToken === undefined
        ? null
        : journalToken(engine.settings, options.serveToken === 'rotate');
    const feed =
      steps === null
        ? null
        : createDemoFeed({
            engine,
            steps: steps.value,
            ...(demo?.stepMs !== undefined ? { stepMs: demo.stepMs } : {}),
          });
    const host = createHost({
      engine,
      // The host boundary is the one place that reads the clock: wall time live, bar time in the demo.
      now: feed === null ? () => Date.now() : () => feed.now(),
      wallNow: () => Date.now(),
      exportTrades,
      signalSource: feed === null ? null : SMA_CROSS_SOURCE,
      beforeClose: () => feed?.stop(),
    });
    feed?.start();
    return ok({ host, info: { token } });
  } catch (error) {
    engine.close();
    return err('boot_failed', error instanceof Error ? error.message : String(error));
  }
}
