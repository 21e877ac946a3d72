// The risk curator: the cash the plan puts at risk (|entry - stop| x quantity) as a share of the
// account's risk budget (equity x risk.riskPct, what the sizing rule risks). 1 - share / 2, within
// 0..1: nothing at risk is 1, the full budget (a plan sized by the rule) is 0.5, twice the budget or
// more is 0. Exact decimals until the share.
import type { DecStr } from '../../../shared/domain/decimal.ts';
import { type CuratorAnswer, clamp01, decOrNull, neutral, pctText, round6 } from './answer.ts';

export interface RiskUsed {
  /** |entry reference - stop| x quantity; null without a stop (nothing bounds the loss, so unmeasured). */
  amount: DecStr | null;
  /** equity x riskPct. */
  budget: DecStr | null;
}

export function riskCurator(risk: RiskUsed | null | undefined): CuratorAnswer {
  if (risk === null || risk === undefined) return neutral('the risk used is not known');
  if (risk.amount === null) return neutral('no stop loss, so the risk is not measured');
  const amount = decOrNull(risk.amount);
  const budget = decOrNull(risk.budget);
  if (amount === null || amount.lt(0)) return neutral('the risk used is not a decimal');
  if (budget === null || budget.lte(0)) return neutral('the account has no risk budget');
  const share = Number(amount.div(budget).toFixed(12));
  const value = round6(clamp01(1 - share / 2));
  return {
    value,
    why: `risks ${amount.toFixed(2)}, ${pctText(share)} of the ${budget.toFixed(2)} risk budget`,
  };
}
