// The risk gate (NautilusTrader's RiskEngine): in front of every entry. Trading state ACTIVE / REDUCING /
// HALTED, sizing, the pre-trade limits, the day-trade policy, the daily-loss halt and venue availability.
// Exits never pass through here: they are never blocked.
import { z } from 'zod';
import type { BraidConfig } from '../../../shared/domain/config.ts';
import { DEFAULT_LOT } from '../../../shared/domain/config.ts';
import { type Dec, dec, str } from '../../../shared/domain/decimal.ts';
import type { BrokerDayTrades } from '../../../shared/domain/engine-view.ts';
import type { PlanInput, PlanRecord, RejectReason } from '../../../shared/domain/plan.ts';
import type { TradingState } from '../../../shared/domain/portfolio.ts';
import { err, ok, type Result } from '../../../shared/result.ts';
import type { Clock } from '../clock.ts';
import type { EventSink } from '../events.ts';
import type { PlanBook } from '../plans/plan-book.ts';
import { checkBracketSides, entryRef } from '../plans/plan-input.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import { feeOf } from '../venues/paper/fill-model.ts';
import { DayTradeCounter, type DayTradeState } from './day-trades.ts';
import { checkEntryRisk, checkTradingState } from './risk-checks.ts';
import { sizePosition } from './sizing.ts';

export interface RiskGateState {
  tradingState: TradingState;
  tradingStateReason: string;
  pdt: DayTradeState;
}

export const riskGateStateSchema = z.strictObject({
  tradingState: z.enum(['ACTIVE', 'REDUCING', 'HALTED']),
  tradingStateReason: z.string(),
  pdt: z.strictObject({
    open: z.record(z.string(), z.string()),
    dayTrades: z.array(z.strictObject({ date: z.string(), symbol: z.string() })),
  }),
});

/** An entry that passed: its size at its reference price. Or why not (with the size, once sized). */
export type EntryCheck =
  | { ok: true; quantity: Dec; ref: Dec }
  | { ok: false; reason: RejectReason; detail: string; quantity?: Dec };

export class RiskGate {
  private trading: TradingState = 'ACTIVE';
  private reason = 'start';
  pdt: DayTradeCounter;
  private readonly config: BraidConfig;
  private readonly events: EventSink;
  private readonly clock: Clock;
  private readonly portfolio: Portfolio;
  private readonly plans: PlanBook;
  /** Why entries cannot go to the plan's venue now (not live, reconciling), or null: the router says. */
  private readonly venueProblem: (input: PlanInput) => string | null;
  /** Business days of day trades kept; null: every one (a replay reports them all). */
  private pdtKeepDays: number | null = null;

  constructor(
    config: BraidConfig,
    parts: { events: EventSink; clock: Clock; portfolio: Portfolio; plans: PlanBook },
    venueProblem: (input: PlanInput) => string | null,
  ) {
    this.config = config;
    this.events = parts.events;
    this.clock = parts.clock;
    this.portfolio = parts.portfolio;
    this.plans = parts.plans;
    this.venueProblem = venueProblem;
    this.pdt = new DayTradeCounter(this.pdtConfig());
  }

  private pdtConfig() {
    const p = this.config.pdt;
    return {
      enabled: p.enabled,
      accountType: this.config.account.type,
      minEquity: p.minEquity,
      maxDayTrades: p.maxDayTrades,
      timezone: p.timezone,
      method: p.method,
    };
  }

  get tradingState(): TradingState {
    return this.trading;
  }

  get stateReason(): string {
    return this.reason;
  }

  changeTradingState(state: TradingState, reason: string): void {
    if (state === this.trading) return;
    this.trading = state;
    this.reason = reason;
    this.events.emit({ type: 'tradingState', state, reason });
  }

  /** The operator sets REDUCING (exits only) or ACTIVE; HALTED (kill switch, daily loss limit) is left
   *  only by an explicit resume. */
  setByOperator(state: 'ACTIVE' | 'REDUCING'): Result<null> {
    if (state !== 'ACTIVE' && state !== 'REDUCING')
      return err('invalid_state', `unknown trading state ${state}`);
    if (this.trading === 'HALTED')
      return err('halted', `trading is HALTED (${this.reason}): resume trading first`);
    this.changeTradingState(
      state,
      state === 'ACTIVE' ? 'resumed by the operator' : 'exits only, set by the operator',
    );
    return ok(null);
  }

  /** `halted` or `reducing` while new entries are not allowed, else null. */
  blocked(): RejectReason | null {
    return checkTradingState(this.trading);
  }

  lotOf(symbol: string): string {
    return this.config.instruments[symbol]?.lot ?? DEFAULT_LOT;
  }

  /** The plan's quantity, or the sizing rule's at this reference price and today's equity. */
  sizeFor(input: PlanInput, ref: Dec): Dec {
    if (input.quantity !== undefined) return dec(input.quantity);
    const risk = this.config.risk;
    return sizePosition({
      equity: this.portfolio.equity(),
      riskPct: dec(risk.riskPct),
      maxPositionPct: dec(risk.maxPositionPct),
      ref,
      ...(input.stopLoss !== undefined ? { stopLoss: dec(input.stopLoss) } : {}),
      lot: dec(this.lotOf(input.symbol)),
    });
  }

  /** What the plan would be sized to now, for the approval queue (sizing runs again at approval). */
  previewSize(input: PlanInput): PlanRecord['preview'] | null {
    const last = this.portfolio.lastClose.get(input.symbol);
    const ref = input.entry.price ?? input.condition?.price ?? last;
    if (ref === undefined) return null;
    const r = dec(ref);
    const qty = this.sizeFor(input, r);
    return { quantity: str(qty), ref: str(r) };
  }

  /** Every check an entry passes before it is sent, in order (replay.md "Sizing and risk"). */
  checkEntry(input: PlanInput): EntryCheck {
    const last = this.portfolio.lastClose.get(input.symbol);
    const ref = entryRef(input, last === undefined ? undefined : dec(last));
    if (ref === undefined)
      return {
        ok: false,
        reason: 'no_price',
        detail: `no price yet for ${input.symbol} to size a market entry`,
      };
    const sides = checkBracketSides(input, ref);
    if (sides) return { ok: false, ...sides };
    const state = this.blocked();
    if (state) return { ok: false, reason: state, detail: `trading is ${this.trading}` };
    const lot = dec(this.lotOf(input.symbol));
    const qty = this.sizeFor(input, ref);
    if (qty.lt(lot))
      return {
        ok: false,
        reason: 'size_below_min',
        detail: `sized quantity ${str(qty)} is below one lot (${str(lot)})`,
      };
    const { reason, detail } = this.entryRisk(input, qty, ref);
    if (reason) return { ok: false, reason, detail, quantity: qty };
    return { ok: true, quantity: qty, ref };
  }

  /** The pre-trade checks of an entry of `qty` at `ref`: the first failing reason code and its detail, or
   *  null. The same checks for a sent plan and for the ticket's preview. */
  entryRisk(input: PlanInput, qty: Dec, ref: Dec): { reason: RejectReason | null; detail: string } {
    const notional = qty.times(ref);
    const paper = this.config.venues.paper;
    const fee = feeOf(ref, qty, dec(input.entry.type === 'limit' ? paper.makerFeeBps : paper.takerFeeBps));
    const risk = this.config.risk;
    const venueProblem = this.blocked() ? null : this.venueProblem(input);
    if (venueProblem) return { reason: 'venue_unavailable', detail: venueProblem };
    const cash = this.portfolio.cash;
    const reason = checkEntryRisk({
      tradingState: this.trading,
      openExposures: this.openExposures(),
      symbolExposed: this.symbolExposed(input.symbol),
      maxOpenPositions: risk.maxOpenPositions,
      notional,
      fee,
      maxNotional: risk.maxNotional === null ? null : dec(risk.maxNotional),
      cash,
      leverage: dec(this.config.account.leverage),
      dailyLossBreached: this.dailyLossBreached(this.portfolio.equity()),
      pdtBlocks: this.pdt.blocksEntry(this.clock.time, str(this.portfolio.dayStartEquity)),
    });
    return { reason, detail: reason === null ? '' : riskDetail(reason, { notional, fee, cash }) };
  }

  private dailyLossBreached(equity: Dec): boolean {
    const pct = this.config.risk.dailyLossLimitPct;
    if (pct === null) return false;
    return equity.lte(this.portfolio.dayStartEquity.times(dec(1).minus(pct)));
  }

  /** Positions plus working entries: both count against the open-position limit. */
  private openExposures(): number {
    const symbols = new Set(this.portfolio.positions.keys());
    for (const plan of this.plans.activePlans())
      if (plan.status === 'working') symbols.add(plan.input.symbol);
    return symbols.size;
  }

  private symbolExposed(symbol: string): boolean {
    if (this.portfolio.positions.has(symbol)) return true;
    for (const plan of this.plans.activePlans()) {
      if (plan.status === 'working' && plan.input.symbol === symbol) return true;
    }
    return false;
  }

  /** A hosted engine keeps the day trades of the last `days` business days only (they count for five). */
  keepDayTradesFor(days: number): void {
    this.pdtKeepDays = days;
    const broker = this.pdt.brokerReport();
    this.pdt = new DayTradeCounter(this.pdtConfig(), this.pdt.state(), days);
    this.pdt.setBroker(broker);
  }

  /** A broker's own day-trade count (IB's account summary), or null to forget it. */
  setBrokerDayTrades(report: BrokerDayTrades | null): void {
    this.pdt.setBroker(report);
  }

  dayTradesView() {
    return this.pdt.view(this.clock.time, str(this.portfolio.dayStartEquity));
  }

  state(): RiskGateState {
    return { tradingState: this.trading, tradingStateReason: this.reason, pdt: this.pdt.state() };
  }

  restore(s: RiskGateState): void {
    this.trading = s.tradingState;
    this.reason = s.tradingStateReason;
    const broker = this.pdt.brokerReport();
    this.pdt = new DayTradeCounter(this.pdtConfig(), s.pdt, this.pdtKeepDays);
    this.pdt.setBroker(broker);
  }
}

function riskDetail(reason: RejectReason, c: { notional: Dec; fee: Dec; cash: Dec }): string {
  switch (reason) {
    case 'insufficient_funds':
      return `notional ${str(c.notional)} plus fee ${str(c.fee)} exceeds buying power (cash ${str(c.cash)})`;
    case 'max_notional':
      return `notional ${str(c.notional)} exceeds the maximum`;
    case 'pdt_limit':
      return 'the day-trade limit is reached for this account';
    case 'daily_loss_limit':
      return "today's loss limit is reached: trading halted";
    default:
      return reason.replaceAll('_', ' ');
  }
}
