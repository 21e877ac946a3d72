// What Braid knows when a plan arrives, as plain facts, turned into the curators' inputs: the risk the
// plan would use (|ref - stop| x the engine's preview size) against the risk budget (equity x riskPct),
// and the exposure already in its symbol against its limit (equity x maxPositionPct). Exact decimals;
// a fact that is not a decimal leaves its input unknown (its curator answers neutral).
import type { Dec, DecStr } from '../../../shared/domain/decimal.ts';
import type { PlanInput } from '../../../shared/domain/plan.ts';
import { decOrNull } from './answer.ts';
import type { CuratorInputs } from './score.ts';
import type { VenueQuality } from './venue.ts';

export interface ArrivalFacts {
  input: PlanInput;
  /** The venue the entry would go to (the router's entryVenue). */
  venue: string;
  /** The Execution quality row for that venue and the entry type, or null. */
  quality: VenueQuality | null;
  minEvidence?: number;
  /** The engine's sizing at arrival (plan.preview), or null without a price. */
  preview: { quantity: DecStr; ref: DecStr } | null;
  equity: DecStr;
  riskPct: DecStr;
  maxPositionPct: DecStr;
  /** What is already held or working in the symbol: each open quantity at its price (the last close). */
  inSymbol: ReadonlyArray<{ quantity: DecStr; price: DecStr }>;
  /** Positions plus working entries (the risk gate's count). */
  openPositions: number;
  maxOpenPositions: number;
}

const times = (a: Dec | null, b: Dec | null): DecStr | null =>
  a === null || b === null ? null : a.times(b).toString();

export function arrivalInputs(f: ArrivalFacts): CuratorInputs {
  const equity = decOrNull(f.equity);
  const budget = times(equity, decOrNull(f.riskPct));
  const ref = decOrNull(f.preview?.ref);
  const qty = decOrNull(f.preview?.quantity);
  const stop = decOrNull(f.input.stopLoss);
  const amount =
    ref === null || qty === null || stop === null ? null : ref.minus(stop).abs().times(qty).toString();
  let held: Dec | null = decOrNull(0);
  for (const h of f.inSymbol) {
    const q = decOrNull(h.quantity);
    const p = decOrNull(h.price);
    held = held === null || q === null || p === null ? null : held.plus(q.abs().times(p));
  }
  return {
    plan: f.input,
    venue: f.venue,
    quality: f.quality,
    ...(f.minEvidence !== undefined ? { minEvidence: f.minEvidence } : {}),
    // Without the engine's sizing the risk is unknown; without a stop it is unmeasured (amount null).
    risk: ref === null || qty === null ? null : { amount, budget },
    exposure:
      held === null
        ? null
        : {
            symbol: f.input.symbol,
            symbolNotional: held.toString(),
            symbolLimit: times(equity, decOrNull(f.maxPositionPct)),
            openPositions: f.openPositions,
            maxOpenPositions: f.maxOpenPositions,
          },
  };
}
