// The history's Sharpe as shown: the engine's per-trade figure, or why there is none.
import * as fmt from '../../lib/format.ts';

/** Sharpe only where the engine gives one: below its minimum sample it says how many trades it needs. */
export function sharpeText(sharpe: string | null, minTrades: number | null): string {
  if (sharpe !== null) return fmt.decimal(sharpe, 2);
  return minTrades === null ? 'n/a' : `n/a (needs ${minTrades} trades)`;
}
