// What the blotter benchmark page and its driver (bench/ui.bench.ts) exchange: one definition for both.

export interface BenchOptions {
  rows: number;
  updatesPerSecond: number;
  seconds: number;
  /** Pixels scrolled per second while measuring (rendering new rows, not only patching visible ones). */
  scrollPxPerSecond: number;
}

export interface BenchResult {
  rows: number;
  updatesSent: number;
  seconds: number;
  frames: number;
  medianFps: number;
  p95FrameMs: number;
  longestFrameMs: number;
  /** Longest long-animation-frame entry (the browser's own measure of a frame's main-thread work). */
  longestLoafMs: number | null;
  renderedRows: number;
  /** The five longest frames: when (ms into the run) and how long. */
  worst: Array<{ atMs: number; ms: number }>;
}
