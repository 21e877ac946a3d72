// The demo feed: replays the bundled bars into the engine at an accelerated pace (one bar time per step,
// a second by default: a 5-minute bar per second), and runs the built-in signal source on them, whose
// plans go to the manual approval queue. When the file ends it starts over with times shifted past the
// end, so engine time only moves forward. Engine time for commands is the replayed time (`now()`).
import { TERMINAL_PLAN_STATUSES } from '../../shared/domain/plan.ts';
import type { EnginePort } from '../engine/port.ts';
import type { Step } from './csv.ts';
import { createSmaCross, firstSignalStep, SMA_WARMUP_STEPS } from './sma-cross.ts';

export interface DemoFeed {
  /** Delivers the warm-up history at once, then one step per `stepMs`. */
  start(): void;
  /** No bar or plan reaches the engine after it returns. Idempotent. */
  stop(): void;
  /** Engine time for commands: the close of the last bar delivered. */
  now(): number;
}

export interface DemoFeedOptions {
  engine: EnginePort;
  steps: readonly Step[];
  stepMs?: number;
  log?: (line: string) => void;
}

const PLAN_PREFIX = 'demo-';

function barInterval(steps: readonly Step[]): number {
  const gaps = steps.slice(1, 50).map((s, i) => s.time - steps[i]!.time);
  return Math.max(1, Math.min(...gaps));
}

export function createDemoFeed(options: DemoFeedOptions): DemoFeed {
  const { engine, steps } = options;
  const stepMs = options.stepMs ?? 1000;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const barMs = barInterval(steps);
  const first = steps[0]!.time;
  const span = steps[steps.length - 1]!.time - first + barMs;
  const source = createSmaCross();

  // Start in the first loop whose times are all after what the engine has seen (a journal from a past run).
  const engineTime = engine.snapshot().time;
  let cycle = engineTime >= first ? Math.floor((engineTime - first) / span) + 1 : 0;
  // Start just before the first cross so a first plan arrives a few steps in, with the warm-up as history.
  const firstSignal = firstSignalStep(steps, barMs) ?? SMA_WARMUP_STEPS;
  let index = Math.max(0, firstSignal - SMA_WARMUP_STEPS - 2);
  const liveFrom = Math.max(index, firstSignal - 2);
  let now = first + cycle * span + steps[index]!.time - first;

  // One demo plan per symbol at a time: a new cross waits until the last plan is done.
  const active = new Map<string, string>();
  for (const plan of engine.snapshot().plans) {
    if (plan.id.startsWith(PLAN_PREFIX) && !TERMINAL_PLAN_STATUSES.has(plan.status)) {
      active.set(plan.input.symbol, plan.id);
    }
  }
  let unsubscribe: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;

  const deliver = () => {
    const step = steps[index]!;
    const shift = cycle * span;
    for (const raw of step.bars) {
      const bar = { ...raw, time: raw.time + shift };
      engine.onBar(bar);
      now = bar.time + barMs;
      const signal = source.onBar(bar, barMs);
      if (signal === null || active.has(bar.symbol)) continue;
      const id = `${PLAN_PREFIX}${bar.symbol}-${bar.time}`;
      const result = engine.submitPlan({ ...signal, id }, now);
      if (!result.ok) log(`braid demo: plan ${id} refused: ${result.error.message}`);
      else if (result.value.status === 'pending_approval') active.set(bar.symbol, id);
    }
    index += 1;
    if (index >= steps.length) {
      index = 0;
      cycle += 1;
      source.reset();
    }
  };

  const tick = () => {
    timer = null;
    if (!running) return;
    try {
      deliver();
    } catch (error) {
      log(`braid demo: a step failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    timer = setTimeout(tick, stepMs);
  };

  return {
    start() {
      if (running) return;
      running = true;
      unsubscribe = engine.subscribe((event) => {
        if (event.type !== 'plan' || !event.plan.id.startsWith(PLAN_PREFIX)) return;
        const { plan } = event;
        if (TERMINAL_PLAN_STATUSES.has(plan.status)) {
          if (active.get(plan.input.symbol) === plan.id) active.delete(plan.input.symbol);
        } else {
          active.set(plan.input.symbol, plan.id);
        }
      });
      while (index < liveFrom) deliver();
      timer = setTimeout(tick, stepMs);
    },
    stop() {
      running = false;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      unsubscribe?.();
      unsubscribe = null;
    },
    now: () => now,
  };
}
