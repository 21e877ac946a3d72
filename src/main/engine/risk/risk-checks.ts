// Pre-trade risk checks for an entry, in a fixed order; the first that fails names the reason code.
// Exits (stop-loss, take-profit, close, kill) never pass through here: they are never blocked.
import type { Dec } from '../../../shared/domain/decimal.ts';
import type { RejectReason } from '../../../shared/domain/plan.ts';
import type { TradingState } from '../../../shared/domain/portfolio.ts';

export interface EntryRiskContext {
  tradingState: TradingState;
  openExposures: number;
  symbolExposed: boolean;
  maxOpenPositions: number;
  notional: Dec;
  fee: Dec;
  maxNotional: Dec | null;
  cash: Dec;
  leverage: Dec;
  /** The day's loss limit is breached (checked by the caller, who then halts trading). */
  dailyLossBreached: boolean;
  pdtBlocks: boolean;
}

export function checkTradingState(state: TradingState): RejectReason | null {
  if (state === 'HALTED') return 'halted';
  if (state === 'REDUCING') return 'reducing';
  return null;
}

export function checkEntryRisk(c: EntryRiskContext): RejectReason | null {
  const state = checkTradingState(c.tradingState);
  if (state) return state;
  if (c.dailyLossBreached) return 'daily_loss_limit';
  if (c.openExposures >= c.maxOpenPositions) return 'max_open_positions';
  if (c.symbolExposed) return 'position_exists';
  if (c.maxNotional !== null && c.notional.gt(c.maxNotional)) return 'max_notional';
  if (c.notional.plus(c.fee).gt(c.cash.times(c.leverage))) return 'insufficient_funds';
  if (c.pdtBlocks) return 'pdt_limit';
  return null;
}
