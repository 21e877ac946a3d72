// The engine as its hosts see it (Electron main, `braid serve`, `braid replay`, tests).
// Commands in, events out: a command returns an acknowledgement (a Result); what changes arrives as events.
// Time is always passed in (epoch ms): the engine never reads the clock.

import type { EngineEvent, EngineSnapshot } from '../../shared/domain/engine-view.ts';
import type { Bar } from '../../shared/domain/instrument.ts';
import type { TradeRecord } from '../../shared/domain/portfolio.ts';
import type { Result } from '../../shared/result.ts';

export type Disposer = () => void;

export interface EnginePort {
  /** An upstream plan (raw JSON, validated here). Idempotent on plan id. */
  submitPlan(input: unknown, now: number): Result<{ planId: string; status: string }>;
  approve(planId: string, now: number): Result<null>;
  reject(planId: string, reason: string | undefined, now: number): Result<null>;
  /** Cancels a plan that has not filled (pending, armed or working). */
  cancelPlan(planId: string, now: number): Result<null>;
  /** Flattens a position at market. */
  closePosition(symbol: string, now: number): Result<null>;
  /** Kill switch: cancel every working order and unfilled plan, flatten every position, HALTED. */
  kill(now: number): Result<null>;
  /** Trading state back to ACTIVE. */
  resume(now: number): Result<null>;
  /** Operator sets REDUCING (exits only) or ACTIVE. */
  setTradingState(state: 'ACTIVE' | 'REDUCING', now: number): Result<null>;
  /** A market data bar for a symbol (bar open time in bar.time). */
  onBar(bar: Bar): void;
  snapshot(): EngineSnapshot;
  /** Closed trades, oldest first (trade history, export). */
  trades(): TradeRecord[];
  subscribe(listener: (event: EngineEvent) => void): Disposer;
  /** Host settings persisted in the journal (e.g. the LIVE-mode PIN hash). */
  readonly settings: { get(key: string): string | undefined; set(key: string, value: string): void };
  /** Flushes and closes the journal. Idempotent. */
  close(): void;
}
