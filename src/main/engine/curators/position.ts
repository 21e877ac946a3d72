// The position curator: room left under the config's limits. Two shares, the tighter one counts:
// the exposure already held in the symbol against its limit (equity x risk.maxPositionPct), and the
// open positions against risk.maxOpenPositions. Value = 1 - the larger share, within 0..1: a flat
// book is 1, a full one is 0 (the risk gate would refuse the entry anyway).
import type { DecStr } from '../../../shared/domain/decimal.ts';
import {
  type CuratorAnswer,
  clamp01,
  decOrNull,
  isFiniteNumber,
  neutral,
  pctText,
  round6,
} from './answer.ts';

export interface Exposure {
  symbol: string;
  /** Notional already held or working in the symbol (0 when flat). */
  symbolNotional: DecStr;
  /** equity x maxPositionPct. */
  symbolLimit: DecStr | null;
  /** Positions plus working entries (what counts against maxOpenPositions). */
  openPositions: number;
  maxOpenPositions: number;
}

export function positionCurator(x: Exposure | null | undefined): CuratorAnswer {
  if (x === null || x === undefined) return neutral('the exposure is not known');
  const held = decOrNull(x.symbolNotional);
  const limit = decOrNull(x.symbolLimit);
  if (held === null || held.lt(0)) return neutral(`the exposure in ${x.symbol} is not a decimal`);
  if (!isFiniteNumber(x.openPositions) || !isFiniteNumber(x.maxOpenPositions) || x.openPositions < 0)
    return neutral('the open positions are not counted');
  const inSymbol =
    limit === null || limit.lte(0) ? (held.gt(0) ? 1 : 0) : Number(held.abs().div(limit).toFixed(12));
  const inBook = x.maxOpenPositions <= 0 ? 1 : x.openPositions / x.maxOpenPositions;
  const symbolWords = `${x.symbol} holds ${pctText(inSymbol)} of its limit`;
  const bookWords = `${x.openPositions} of ${x.maxOpenPositions} positions open`;
  const value = round6(clamp01(1 - Math.max(inSymbol, inBook)));
  return {
    value,
    why: inSymbol >= inBook ? `${symbolWords} (${bookWords})` : `${bookWords} (${symbolWords})`,
  };
}
