// The demo feed: replays the bundled bars into the engine at an accelerated pace (one bar time per step,
// a second by default: a 5-minute bar per second), and runs the built-in signal source on them, whose
// plans go to the manual approval queue. When the file ends it plays again on the next NYSE trading days
// (weekends and holidays skipped, the same New York session times across a DST change), its prices joined
// to where the last pass ended, so engine time only moves forward and the chart has no seam.
// Engine time for commands is the replayed time (`now()`).

import { dec } from '../../shared/domain/decimal.ts';
import type { Bar } from '../../shared/domain/instrument.ts';
import { TERMINAL_PLAN_STATUSES } from '../../shared/domain/plan.ts';
import type { EnginePort } from '../engine/port.ts';
import { localDate, nextBusinessDay, zoneOffset } from '../engine/risk/calendar.ts';
import type { Timers } from '../host/push-hub.ts';
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
  /** Real timers by default; tests pass timers they run by hand. */
  timers?: Timers;
  log?: (line: string) => void;
}

const PLAN_PREFIX = 'demo-';
/** The bundled bars are US equities: NYSE days, New York session times. */
const EXCHANGE_ZONE = 'America/New_York';

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function barInterval(steps: readonly Step[]): number {
  const gaps = steps.slice(1, 50).map((s, i) => s.time - steps[i]!.time);
  return Math.max(1, Math.min(...gaps));
}

/** New York's offset from UTC (ms) in the session of `date` (-5 h in winter, -4 h in summer). */
const newYorkOffset = (date: string): number => zoneOffset(Date.parse(`${date}T17:00:00Z`), EXCHANGE_ZONE);

const dayStart = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Moves a session of `from` to `to`, keeping its New York wall-clock times. */
function sessionShift(from: string, to: string): number {
  return dayStart(to) - dayStart(from) + newYorkOffset(from) - newYorkOffset(to);
}

/**
 * The passes over the file. Pass 0 is the file as it is. Pass k+1 plays the file's days on the trading days
 * after pass k's last one; its prices start at pass k's last close. Each odd pass is the file mirrored
 * (p -> first open + last close - p, per symbol), each even one the file itself: the seams join exactly, and
 * prices never drift (a plain shift adds the week's change each pass and takes a falling symbol below zero).
 */
function createPasses(steps: readonly Step[]) {
  const stepDay = steps.map((s) => localDate(s.time, EXCHANGE_ZONE));
  const fileDays = [...new Set(stepDay)];
  const dayIndex = new Map(fileDays.map((d, i) => [d, i]));
  const mirrorSum = new Map<string, string>();
  const lastClose = new Map<string, string>();
  for (const step of steps) {
    for (const bar of step.bars) {
      if (!mirrorSum.has(bar.symbol)) mirrorSum.set(bar.symbol, bar.open);
      lastClose.set(bar.symbol, bar.close);
    }
  }
  for (const [symbol, open] of mirrorSum)
    mirrorSum.set(symbol, dec(open).plus(lastClose.get(symbol)!).toString());

  // Shifts (ms) per file day of the pass held in `pass`, computed one pass after another.
  let pass = 0;
  let days = fileDays;
  let shifts = fileDays.map(() => 0);
  const moveTo = (k: number) => {
    if (k < pass) {
      pass = 0;
      days = fileDays;
      shifts = fileDays.map(() => 0);
    }
    while (pass < k) {
      const next: string[] = [];
      let day = days[days.length - 1]!;
      for (let i = 0; i < fileDays.length; i++) {
        day = nextBusinessDay(day);
        next.push(day);
      }
      days = next;
      shifts = fileDays.map((d, i) => sessionShift(d, next[i]!));
      pass += 1;
    }
  };

  const mirror = (bar: Bar): Bar => {
    const sum = dec(mirrorSum.get(bar.symbol)!);
    return {
      ...bar,
      open: sum.minus(bar.open).toString(),
      high: sum.minus(bar.low).toString(),
      low: sum.minus(bar.high).toString(),
      close: sum.minus(bar.close).toString(),
    };
  };

  /** The time of step `index` in pass `k`. */
  const time = (k: number, index: number): number => {
    moveTo(k);
    return steps[index]!.time + shifts[dayIndex.get(stepDay[index]!)!]!;
  };
  /** The bars of step `index` in pass `k`, as they are delivered. */
  const bars = (k: number, index: number): Bar[] => {
    const shift = time(k, index) - steps[index]!.time;
    return steps[index]!.bars.map((raw) => {
      const bar = { ...raw, time: raw.time + shift };
      return k % 2 === 1 ? mirror(bar) : bar;
    });
  };
  return { time, bars };
}

export function createDemoFeed(options: DemoFeedOptions): DemoFeed {
  const { engine, steps } = options;
  const stepMs = options.stepMs ?? 1000;
  const timers = options.timers ?? realTimers;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const barMs = barInterval(steps);
  const passes = createPasses(steps);
  const source = createSmaCross();

  // Start in the first pass whose times are all after what the engine has seen (a journal from a past run).
  const engineTime = engine.snapshot().time;
  let cycle = 0;
  while (passes.time(cycle, 0) <= engineTime) cycle += 1;
  // Start just before the first cross so a first plan arrives a few steps in, with the warm-up as history.
  const firstSignal = firstSignalStep(steps, barMs) ?? SMA_WARMUP_STEPS;
  let index = Math.max(0, firstSignal - SMA_WARMUP_STEPS - 2);
  const liveFrom = Math.max(index, firstSignal - 2);
  let now = passes.time(cycle, index);

  // One demo plan per symbol at a time: a new cross waits until the last plan is done.
  const active = new Map<string, string>();
  for (const plan of engine.snapshot().plans) {
    if (plan.id.startsWith(PLAN_PREFIX) && !TERMINAL_PLAN_STATUSES.has(plan.status)) {
      active.set(plan.input.symbol, plan.id);
    }
  }
  let unsubscribe: (() => void) | null = null;
  let timer: unknown = null;
  let running = false;

  const deliver = () => {
    for (const bar of passes.bars(cycle, index)) {
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
      // The next pass continues the prices, so the averages carry over: the rule sees the chart's series.
      index = 0;
      cycle += 1;
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
    timer = timers.setTimeout(tick, stepMs);
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
      timer = timers.setTimeout(tick, stepMs);
    },
    stop() {
      running = false;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      unsubscribe?.();
      unsubscribe = null;
    },
    now: () => now,
  };
}
