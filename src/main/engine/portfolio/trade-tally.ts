// The sums the metrics need over every closed trade (count, wins, losses, gross profit and loss, net),
// kept as trades close and as a late fee corrects one, in exact decimals: the metrics of a long history
// without its trades in memory. A hosted engine checkpoints it (history part); a replay sums its trades.
import { z } from 'zod';
import { type Dec, dec, str, ZERO } from '../../../shared/domain/decimal.ts';
import type { TradeRecord } from '../../../shared/domain/portfolio.ts';
import { decimalText } from '../state-schema.ts';

export const tradeTallySchema = z.strictObject({
  tradeCount: z.number().int().min(0),
  wins: z.number().int().min(0),
  losses: z.number().int().min(0),
  grossProfit: decimalText,
  grossLoss: decimalText,
  netPnl: decimalText,
});
export type TradeTallyState = z.output<typeof tradeTallySchema>;

export class TradeTally {
  count = 0;
  wins = 0;
  losses = 0;
  grossProfit: Dec = ZERO;
  grossLoss: Dec = ZERO;
  net: Dec = ZERO;

  static of(trades: readonly TradeRecord[]): TradeTally {
    const t = new TradeTally();
    for (const trade of trades) t.add(trade);
    return t;
  }

  static restore(s: TradeTallyState): TradeTally {
    const t = new TradeTally();
    t.count = s.tradeCount;
    t.wins = s.wins;
    t.losses = s.losses;
    t.grossProfit = dec(s.grossProfit);
    t.grossLoss = dec(s.grossLoss);
    t.net = dec(s.netPnl);
    return t;
  }

  add(trade: TradeRecord): void {
    this.addPnl(dec(trade.pnl));
  }

  addPnl(pnl: Dec): void {
    this.count++;
    this.tally(pnl, 1);
  }

  /** A trade corrected (a late fee): the first figure out, the corrected one in. */
  replace(before: TradeRecord, after: TradeRecord): void {
    this.tally(dec(before.pnl), -1);
    this.tally(dec(after.pnl), 1);
  }

  private tally(pnl: Dec, sign: 1 | -1): void {
    this.net = sign > 0 ? this.net.plus(pnl) : this.net.minus(pnl);
    if (pnl.gt(0)) {
      this.wins += sign;
      this.grossProfit = sign > 0 ? this.grossProfit.plus(pnl) : this.grossProfit.minus(pnl);
    } else if (pnl.lt(0)) {
      this.losses += sign;
      const loss = pnl.abs();
      this.grossLoss = sign > 0 ? this.grossLoss.plus(loss) : this.grossLoss.minus(loss);
    }
  }

  state(): TradeTallyState {
    return {
      tradeCount: this.count,
      wins: this.wins,
      losses: this.losses,
      grossProfit: str(this.grossProfit),
      grossLoss: str(this.grossLoss),
      netPnl: str(this.net),
    };
  }
}
