// The execution engine: plans in, orders out, fills back, positions and P&L kept, every change journaled.
// Commands return an acknowledgement; what happens arrives as events. The engine is the only writer of
// trading state; venues report, the engine applies. Time is always passed in.
import type { BraidConfig } from '../../shared/domain/config.ts';
import { DEFAULT_LOT, DEFAULT_TICK } from '../../shared/domain/config.ts';
import { type Dec, dec, str } from '../../shared/domain/decimal.ts';
import type { EngineEvent, EngineSnapshot } from '../../shared/domain/engine-view.ts';
import type { Bar } from '../../shared/domain/instrument.ts';
import type { ExitReason, OrderRecord, OrderRole, OrderStatus } from '../../shared/domain/order.ts';
import type { PlanInput, PlanPreview, PlanRecord, Side } from '../../shared/domain/plan.ts';
import type { TradeRecord, TradingState } from '../../shared/domain/portfolio.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { Clock } from './clock.ts';
import { EventSink } from './events.ts';
import type { Journal } from './journal/journal.ts';
import { type BookedTrade, OrderRouter } from './orders/order-router.ts';
import { isWorking } from './orders/order-state.ts';
import { isTerminalPlan, PlanBook, type PlanExec } from './plans/plan-book.ts';
import { checkBracketSides, entryRef, parsePlanInput, validatePlan } from './plans/plan-input.ts';
import type { Disposer, EnginePort, Quote } from './port.ts';
import { computeMetrics, type EquityCurveState } from './portfolio/metrics.ts';
import { Portfolio } from './portfolio/portfolio.ts';
import {
  avgEntryPrice,
  bookEntry,
  bookExit,
  openBook,
  type PositionBook,
  tradeOf,
} from './portfolio/position-book.ts';
import type { DayTradeState } from './risk/day-trades.ts';
import { RiskGate } from './risk/risk-gate.ts';

export type { ExternalOrder } from './orders/venue-reports.ts';

import { type ExternalOrder, VenueReports } from './orders/venue-reports.ts';
import { Store } from './store/store.ts';
import { FieldError } from './validation.ts';
import { PaperVenue } from './venues/paper/paper-venue.ts';
import type { CheckpointedVenue, Venue } from './venues/venue.ts';

/** The live state a checkpoint carries (history is rebuilt from the journal's records). */
export interface LiveState {
  time: number;
  tradingState: TradingState;
  tradingStateReason: string;
  cash: string;
  startEquity: string;
  positions: PositionBook[];
  exec: Record<string, PlanExec>;
  lastClose: Record<string, string>;
  orderSeq: Record<string, number>;
  orderNotional: Record<string, string>;
  cancelAs: Record<string, 'cancelled' | 'expired'>;
  fillCount: Record<string, number>;
  exchangeDay: string | null;
  dayStartEquity: string;
  equity: EquityCurveState;
  pdt: DayTradeState;
  venue: unknown;
  duplicatePlanIds: string[];
  notes: EngineNote[];
  symbols: string[];
  /** Venue trade ids booked, per venue (absent in checkpoints from before live venues). */
  bookedTrades?: Record<string, BookedTrade[]>;
}

export interface EngineOptions {
  config: BraidConfig;
  journal?: Journal | null;
  /** Symbols with market data (replay: every symbol in the prices file). */
  symbols?: Iterable<string>;
  /** The paper venue (always present, checkpointed with the engine); the config's by default. */
  venue?: CheckpointedVenue;
  /** Live venues (the execution bridges around adapters): orders reach them only in LIVE routing. */
  venues?: Venue[];
  /** Called after an order intent is durable and before the venue sees it (crash tests use this seam). */
  onIntentCommitted?: (clientOrderId: string) => void;
}

export interface SubmitOptions {
  /** Typed by the operator in the ticket: no second approval, whatever the approval mode. */
  approved?: boolean;
}

/** Something the operator should read later: a script command that did not apply, a duplicate plan. */
export interface EngineNote {
  time: number;
  code: string;
  message: string;
}

/** A venue that also fills on live quotes (the paper venue in PAPER mode with live market data). */
type QuoteFilled = CheckpointedVenue & { onQuote?(quote: Quote): void };

const _ROLE_CODE: Record<OrderRole, string> = { entry: 'E', stop_loss: 'SL', take_profit: 'TP', exit: 'X' };
export class Engine implements EnginePort {
  readonly config: BraidConfig;
  private readonly journal: Journal | null;
  private readonly router: OrderRouter;
  private readonly reports: VenueReports;
  private readonly planBook: PlanBook;
  private readonly gate: RiskGate;
  private readonly clock: Clock;
  private readonly events: EventSink;
  private readonly store = new Store();
  private readonly portfolio: Portfolio;
  private readonly memorySettings = new Map<string, string>();
  private disposeVenues: Disposer[] = [];
  private closed = false;
  private notes: EngineNote[] = [];
  private symbols = new Set<string>();

  constructor(options: EngineOptions) {
    this.config = options.config;
    this.journal = options.journal ?? null;
    this.clock = new Clock(this.config.pdt.timezone);
    this.events = new EventSink(this.journal, this.clock);
    this.portfolio = new Portfolio(this.config.account.cash, this.config.account.currency, (book) => {
      const ex = this.planBook.execIfAny(book.planId);
      const stop = ex?.stopOrderId ? this.store.orders.get(ex.stopOrderId) : undefined;
      return stop && isWorking(stop.status) ? (stop.price ?? null) : null;
    });
    for (const s of options.symbols ?? []) this.symbols.add(s);
    for (const s of Object.keys(this.config.instruments)) this.symbols.add(s);
    this.planBook = new PlanBook(this.store, this.events, this.clock);
    const paper = this.config.venues.paper;
    this.router = new OrderRouter(
      this.config,
      { store: this.store, events: this.events, clock: this.clock, journal: this.journal },
      {
        paper:
          options.venue ??
          new PaperVenue({
            slipBps: paper.slipBps,
            takerFeeBps: paper.takerFeeBps,
            makerFeeBps: paper.makerFeeBps,
            maxVolumeShare: paper.maxVolumeShare,
            lotOf: (symbol) => this.lotOf(symbol),
          }),
        live: options.venues ?? [],
        ...(options.onIntentCommitted ? { onIntentCommitted: options.onIntentCommitted } : {}),
      },
    );
    this.router.hooks = { rejected: (order, reason) => this.onOrderRejected(order, reason) };
    this.planBook.hooks = {
      ended: (planId) => this.router.planEnded(planId),
      reopened: (planId) => this.router.planReopened(planId),
    };
    this.gate = new RiskGate(
      this.config,
      { events: this.events, clock: this.clock, portfolio: this.portfolio, plans: this.planBook },
      (input) => this.router.venueProblem(this.router.entryVenue(input)),
    );
    this.reports = new VenueReports(
      this.router,
      { store: this.store, events: this.events },
      {
        advance: (time) => this.advance(time),
        filled: (order, qty, value, fee, time) => this.bookFill(order, qty, value, fee, time),
        rejected: (order, reason) => this.onOrderRejected(order, reason),
        ended: (order, as, asked) => this.orderEnded(order, as, asked),
        reported: (order) => {
          const book = this.portfolio.positions.get(order.symbol);
          if (book && book.planId === order.planId) this.syncBrackets(book);
        },
      },
    );
    for (const v of this.router.venues()) {
      const name = v.name;
      this.disposeVenues.push(v.onEvent((e) => this.reports.onVenueEvent(name, e)));
    }
  }

  lotOf(symbol: string): string {
    return this.config.instruments[symbol]?.lot ?? DEFAULT_LOT;
  }

  // ---------------------------------------------------------------- events out

  subscribe(listener: (event: EngineEvent) => void): Disposer {
    return this.events.subscribe(listener);
  }

  // ---------------------------------------------------------------- time

  /** Moves engine time forward; a new exchange day fixes the day's starting equity. */
  private advance(now: number): void {
    if (this.clock.advance(now)) this.portfolio.startDay();
  }

  get now(): number {
    return this.clock.time;
  }

  // ---------------------------------------------------------------- commands

  /** `approved`: the operator typed this plan (the ticket): it needs no second approval in manual mode. */
  submitPlan(
    raw: unknown,
    now: number,
    options: SubmitOptions = {},
  ): Result<{ planId: string; status: string }> {
    let input: PlanInput;
    try {
      input = parsePlanInput(raw);
    } catch (e) {
      if (e instanceof FieldError) return err('invalid_plan', e.message);
      throw e;
    }
    this.advance(now);
    this.expirePlans();
    const existing = this.store.plans.get(input.id);
    if (existing) {
      if (this.planBook.noteDuplicate(input.id)) {
        this.events.notice(
          'warning',
          'duplicate_plan',
          `plan ${input.id} was received before: ignored`,
          input.id,
        );
      }
      return ok({ planId: input.id, status: existing.status });
    }
    const plan: PlanRecord = {
      id: input.id,
      input,
      status: 'pending_approval',
      receivedAt: this.clock.time,
      updatedAt: this.clock.time,
    };
    this.planBook.add(plan);
    const lastClose = this.portfolio.lastClose.get(input.symbol);
    const rejection = validatePlan(input, {
      knownSymbol: this.symbols.has(input.symbol),
      knownVenue: this.router.knownVenue(input.venue),
      lot: dec(this.lotOf(input.symbol)),
      // A conditional plan enters near its trigger price, not at today's price: judge its stops there.
      ref: input.condition
        ? dec(input.entry.price ?? input.condition.price)
        : entryRef(input, lastClose === undefined ? undefined : dec(lastClose)),
    });
    if (rejection) {
      this.planBook.reject(plan.id, rejection.reason, rejection.detail);
    } else if (input.expiresAt !== undefined && input.expiresAt <= this.clock.time) {
      this.planBook.set(plan.id, { status: 'expired', reason: 'expired_on_arrival' });
    } else if (this.config.approval === 'manual' && options.approved !== true) {
      const preview = this.gate.previewSize(input);
      this.planBook.set(plan.id, { status: 'pending_approval', ...(preview ? { preview } : {}) });
    } else {
      this.planBook.emit(plan.id);
      this.proceed(plan.id);
    }
    return ok({ planId: plan.id, status: this.store.plans.get(plan.id)!.status });
  }

  approve(planId: string, now: number): Result<null> {
    this.advance(now);
    this.expirePlans();
    const plan = this.store.plans.get(planId);
    if (!plan) return err('unknown_plan', `no plan ${planId}`);
    if (plan.status !== 'pending_approval') {
      return err('not_pending', `plan ${planId} is ${plan.status}, not waiting for approval`);
    }
    this.proceed(planId);
    return ok(null);
  }

  reject(planId: string, reason: string | undefined, now: number): Result<null> {
    this.advance(now);
    this.expirePlans();
    const plan = this.store.plans.get(planId);
    if (!plan) return err('unknown_plan', `no plan ${planId}`);
    if (plan.status !== 'pending_approval') {
      return err('not_pending', `plan ${planId} is ${plan.status}, not waiting for approval`);
    }
    this.planBook.reject(planId, 'operator', reason ?? 'rejected by the operator');
    return ok(null);
  }

  cancelPlan(planId: string, now: number): Result<null> {
    this.advance(now);
    this.expirePlans();
    const plan = this.store.plans.get(planId);
    if (!plan) return err('unknown_plan', `no plan ${planId}`);
    if (plan.status === 'pending_approval' || plan.status === 'armed') {
      this.planBook.set(planId, { status: 'cancelled', reason: 'cancelled' });
      return ok(null);
    }
    if (plan.status === 'working' || (plan.status === 'open' && this.entryWorking(plan))) {
      this.router.requestCancel(plan.entryOrderId!, 'cancelled');
      if (this.store.plans.get(planId)!.status === 'working')
        this.planBook.set(planId, { status: 'cancelled', reason: 'cancelled' });
      return ok(null);
    }
    return err('not_cancellable', `plan ${planId} is ${plan.status}: close its position instead`);
  }

  /** Cancels one working order: an entry (its plan ends if nothing filled), a single bracket leg (the
   *  position is then unprotected on that side, and says so), or an exit. */
  cancelOrder(orderId: string, now: number): Result<null> {
    this.advance(now);
    this.expirePlans();
    const order = this.store.orders.get(orderId);
    if (!order) return err('unknown_order', `no order ${orderId}`);
    if (!isWorking(order.status)) return err('not_working', `order ${orderId} is ${order.status}`);
    if (order.status === 'pending_cancel')
      return err('already_cancelling', `order ${orderId} is being cancelled`);
    this.router.requestCancel(orderId, 'cancelled');
    const plan = this.store.plans.get(order.planId);
    if (order.role === 'entry' && plan?.status === 'working' && !this.router.isOrderWorking(orderId))
      this.planBook.set(plan.id, { status: 'cancelled', reason: 'cancelled' });
    if (order.role === 'stop_loss' && this.portfolio.positions.get(order.symbol)?.planId === order.planId) {
      this.events.notice(
        'warning',
        'no_stop',
        `${order.symbol} has no stop: its stop ${orderId} was cancelled`,
        order.planId,
      );
      this.emitPosition(order.symbol);
    }
    return ok(null);
  }

  /** Changes a working order's limit or stop price and/or its total quantity (in ticks and lots). An
   *  entry's quantity may only go down: a bigger order is a new plan, through the risk checks. */
  modifyOrder(orderId: string, change: { price?: string; quantity?: string }, now: number): Result<null> {
    this.advance(now);
    this.expirePlans();
    const order = this.store.orders.get(orderId);
    if (!order) return err('unknown_order', `no order ${orderId}`);
    if (!isWorking(order.status) || order.status === 'pending_cancel' || order.status === 'unknown')
      return err('not_working', `order ${orderId} is ${order.status}`);
    if (order.status === 'pending_modify')
      return err('already_modifying', `order ${orderId} has a change on its way`);
    if (this.router.isAsync(order.venue) && order.status === 'submitted')
      return err('not_working', `order ${orderId} is not yet acknowledged by ${order.venue}`);
    const next: { price?: string; quantity?: string } = {};
    if (change.price !== undefined) {
      if (order.type === 'market')
        return err('invalid_order', `market order ${orderId} has no price to change`);
      const price = dec(change.price);
      const tick = dec(this.config.instruments[order.symbol]?.tick ?? DEFAULT_TICK);
      if (price.lte(0) || !price.mod(tick).eq(0))
        return err(
          'invalid_price',
          `price ${str(price)} is not a positive whole number of ticks (tick ${str(tick)})`,
        );
      if (order.price === undefined || !price.eq(order.price)) next.price = str(price);
    }
    if (change.quantity !== undefined) {
      const qty = dec(change.quantity);
      const lot = dec(this.lotOf(order.symbol));
      const filled = dec(order.filledQuantity);
      if (!qty.mod(lot).eq(0))
        return err(
          'invalid_quantity',
          `quantity ${str(qty)} is not a whole number of lots (lot ${str(lot)})`,
        );
      if (qty.lte(filled))
        return err('invalid_quantity', `quantity ${str(qty)} must be above what has filled (${str(filled)})`);
      if (order.role === 'entry' && qty.gt(order.quantity))
        return err(
          'invalid_quantity',
          `an entry can only be made smaller (now ${order.quantity}): send a new plan for more`,
        );
      if (order.role !== 'entry') {
        const open = dec(this.portfolio.positions.get(order.symbol)?.qty ?? '0');
        if (qty.minus(filled).gt(open))
          return err('invalid_quantity', `quantity ${str(qty)} would close more than the open ${str(open)}`);
      }
      if (!qty.eq(order.quantity)) next.quantity = str(qty);
    }
    if (next.price === undefined && next.quantity === undefined) return ok(null);
    this.router.requestAmend(orderId, next);
    return ok(null);
  }

  /** Flattens a position at market; with `quantity`, closes that much of it (a whole number of lots). */
  closePosition(symbol: string, now: number, quantity?: string): Result<null> {
    this.advance(now);
    this.expirePlans();
    const book = this.portfolio.positions.get(symbol);
    if (!book) return err('no_position', `no open position in ${symbol}`);
    const ex = this.planBook.execOf(book.planId);
    if (ex.exitOrderId && this.router.isOrderWorking(ex.exitOrderId)) {
      return err('already_closing', `${symbol} is being closed by order ${ex.exitOrderId}`);
    }
    if (quantity === undefined) {
      this.flatten(book, 'close');
      return ok(null);
    }
    const open = dec(book.qty);
    const qty = dec(quantity);
    const lot = dec(this.lotOf(symbol));
    if (qty.lte(0) || qty.gt(open)) {
      return err(
        'invalid_quantity',
        `close quantity ${str(qty)} must be above 0 and at most the open ${str(open)}`,
      );
    }
    if (!qty.mod(lot).eq(0)) {
      return err(
        'invalid_quantity',
        `close quantity ${str(qty)} is not a whole number of lots (lot ${str(lot)})`,
      );
    }
    if (qty.eq(open)) {
      this.flatten(book, 'close');
      return ok(null);
    }
    this.reduce(book, qty);
    return ok(null);
  }

  kill(now: number): Result<null> {
    this.advance(now);
    this.expirePlans();
    this.killAll('kill_switch', 'kill switch');
    return ok(null);
  }

  resume(now: number): Result<null> {
    this.advance(now);
    this.expirePlans();
    this.changeTradingState('ACTIVE', 'resumed by the operator');
    return ok(null);
  }

  setTradingState(state: 'ACTIVE' | 'REDUCING', now: number): Result<null> {
    this.advance(now);
    this.expirePlans();
    if (state !== 'ACTIVE' && state !== 'REDUCING')
      return err('invalid_state', `unknown trading state ${state}`);
    // HALTED (kill switch, daily loss limit) is left only by an explicit resume.
    if (this.gate.tradingState === 'HALTED')
      return err('halted', `trading is HALTED (${this.gate.stateReason}): resume trading first`);
    this.changeTradingState(
      state,
      state === 'ACTIVE' ? 'resumed by the operator' : 'exits only, set by the operator',
    );
    return ok(null);
  }

  /** Where new entries go: PAPER (null, every order to the paper venue) or LIVE with these live venues,
   *  connected and reconciled. Orders already working stay on their venue, managed there. */
  setRouting(live: string[] | null, now: number): Result<null> {
    this.advance(now);
    const r = this.router.setRouting(live);
    return r.ok ? ok(null) : r;
  }

  /** A live venue is reconciling (start, reconnect) or done: while it is, entries there are refused
   *  (`venue_unavailable`) and exits go through. */
  setVenueReconciling(name: string, reconciling: boolean, now: number): Result<null> {
    this.advance(now);
    return this.router.setReconciling(name, reconciling);
  }

  /** Runs plan expiry at `now` (hosts call it on a timer, so a queue never freezes between bars).
   *  Returns whether anything expired. */
  expireDue(now: number): boolean {
    // Nothing due: nothing changes, not even the engine's time.
    let due = false;
    for (const plan of this.planBook.activePlans()) {
      const at = plan.input.expiresAt;
      if (at !== undefined && at <= Math.max(now, this.clock.time)) due = true;
    }
    if (!due) return false;
    const before = this.planBook.activeCount;
    this.advance(now);
    this.expirePlans();
    return this.planBook.activeCount !== before;
  }

  /** The plan as the engine would size and check it now; nothing is recorded, no event is sent. */
  previewPlan(raw: unknown): PlanPreview {
    const none: PlanPreview = { quantity: null, ref: null, notional: null, risk: null, problems: [] };
    let input: PlanInput;
    try {
      input = parsePlanInput(raw);
    } catch (e) {
      if (e instanceof FieldError)
        return { ...none, problems: [{ field: e.field, code: 'invalid_plan', message: e.message }] };
      throw e;
    }
    const problems: PlanPreview['problems'] = [];
    const last = this.portfolio.lastClose.get(input.symbol);
    const ref = input.condition
      ? dec(input.entry.price ?? input.condition.price)
      : entryRef(input, last === undefined ? undefined : dec(last));
    const rejection = validatePlan(input, {
      knownSymbol: this.symbols.has(input.symbol),
      knownVenue: this.router.knownVenue(input.venue),
      lot: dec(this.lotOf(input.symbol)),
      ref,
    });
    if (rejection)
      problems.push({ field: fieldOf(rejection.reason), code: rejection.reason, message: rejection.detail });
    if (ref === undefined) {
      if (!rejection)
        problems.push({ field: 'entry', code: 'no_price', message: `no price yet for ${input.symbol}` });
      return { ...none, problems };
    }
    const sides = rejection ? null : checkBracketSides(input, ref);
    if (sides) problems.push({ field: fieldOf(sides.reason), code: sides.reason, message: sides.detail });
    const qty = this.gate.sizeFor(input, ref);
    const lot = dec(this.lotOf(input.symbol));
    const notional = qty.times(ref);
    if (qty.lt(lot)) {
      problems.push({
        field: 'quantity',
        code: 'size_below_min',
        message: `sized quantity ${str(qty)} is below one lot (${str(lot)})`,
      });
    } else if (problems.length === 0) {
      const { reason, detail } = this.gate.entryRisk(input, qty, ref);
      if (reason) problems.push({ field: fieldOf(reason), code: reason, message: detail });
    }
    const stopDistance = input.stopLoss === undefined ? null : ref.minus(input.stopLoss).abs();
    return {
      quantity: str(qty),
      ref: str(ref),
      notional: str(notional),
      risk: stopDistance === null ? null : str(stopDistance.times(qty)),
      problems,
    };
  }

  // ---------------------------------------------------------------- market data

  /** Applies a bar: (1) fills of orders working before it, (2) at its close: brackets, trailing stops,
   *  expiry, entry conditions, marks. */
  onBar(bar: Bar): void {
    this.advance(bar.time);
    if (!this.symbols.has(bar.symbol)) this.symbols.add(bar.symbol);
    this.router.paper.onBar?.(bar);
    this.portfolio.lastClose.set(bar.symbol, bar.close);
    const book = this.portfolio.positions.get(bar.symbol);
    if (book) {
      this.syncBrackets(book);
      this.trail(book, dec(bar.close));
    }
    this.expirePlans();
    this.triggerConditions(bar.symbol, dec(bar.close));
    this.portfolio.curve.mark(bar.time, this.portfolio.equity());
    if (this.events.listening) {
      this.events.emit({ type: 'bar', bar });
      if (book) this.emitPosition(bar.symbol);
      this.events.emit({ type: 'account', account: this.portfolio.account() });
    }
  }

  /** A live quote (a live venue's ticker): marks, equity, entry conditions and trailing stops move on its
   *  last price, and the paper venue fills on it (venues.md "Modes") without any bar. */
  onQuote(quote: Quote): void {
    this.advance(quote.time);
    if (!this.symbols.has(quote.symbol)) this.symbols.add(quote.symbol);
    (this.router.paper as QuoteFilled).onQuote?.(quote);
    this.portfolio.lastClose.set(quote.symbol, quote.last);
    const last = dec(quote.last);
    const book = this.portfolio.positions.get(quote.symbol);
    if (book) {
      this.syncBrackets(book);
      this.trail(book, last);
    }
    this.expirePlans();
    this.triggerConditions(quote.symbol, last);
    this.portfolio.curve.mark(quote.time, this.portfolio.equity());
    if (this.events.listening) {
      if (book) this.emitPosition(quote.symbol);
      this.events.emit({ type: 'account', account: this.portfolio.account() });
    }
  }

  // ---------------------------------------------------------------- plan lifecycle

  /** After approval (or at once in auto mode): arm a conditional plan, else submit its entry. */
  private proceed(planId: string): void {
    const plan = this.store.plans.get(planId)!;
    const blocked = this.gate.blocked();
    if (blocked) {
      this.planBook.reject(planId, blocked, `trading is ${this.gate.tradingState}`);
      return;
    }
    if (plan.input.condition) {
      this.planBook.set(planId, { status: 'armed' });
      return;
    }
    this.submitEntry(planId);
  }

  private triggerConditions(symbol: string, close: Dec): void {
    for (const plan of this.planBook.activePlans()) {
      if (plan.status !== 'armed' || plan.input.symbol !== symbol) continue;
      const c = plan.input.condition!;
      const holds = c.kind === 'price_above' ? close.gt(c.price) : close.lt(c.price);
      if (holds) this.submitEntry(plan.id);
    }
  }

  /** Plans not yet submitted expire at their time; a working entry is cancelled then too. */
  private expirePlans(): void {
    for (const plan of this.planBook.activePlans()) {
      const at = plan.input.expiresAt;
      if (at === undefined || this.clock.time < at) continue;
      if (plan.status === 'pending_approval' || plan.status === 'armed') {
        this.planBook.set(plan.id, { status: 'expired', reason: 'expired' });
      } else if (plan.entryOrderId && this.router.isOrderWorking(plan.entryOrderId)) {
        this.router.requestCancel(plan.entryOrderId, 'expired');
        if (this.store.plans.get(plan.id)!.status === 'working')
          this.planBook.set(plan.id, { status: 'expired', reason: 'expired' });
      }
    }
  }

  /** Sizes the entry, runs the pre-trade checks and sends the order; or rejects the plan with a reason. */
  private submitEntry(planId: string): void {
    const plan = this.store.plans.get(planId)!;
    const input = plan.input;
    const check = this.gate.checkEntry(input);
    if (!check.ok) {
      if (check.quantity !== undefined) this.planBook.set(planId, { quantity: str(check.quantity) });
      this.planBook.reject(planId, check.reason, check.detail);
      if (check.reason === 'daily_loss_limit') this.killAll('daily_loss_limit', 'daily loss limit reached');
      return;
    }
    const qty = check.quantity;
    const order = this.router.newOrder(plan, 'entry', input.side, input.entry.type, qty, input.entry.price);
    this.planBook.set(planId, { status: 'working', quantity: str(qty), entryOrderId: order.id });
    this.router.send(order);
  }

  private entryWorking(plan: PlanRecord): boolean {
    return plan.entryOrderId !== undefined && this.router.isOrderWorking(plan.entryOrderId);
  }

  // ---------------------------------------------------------------- orders

  /** A live venue ended a working order: a waiting plan follows; a lost stop is said. */
  private orderEnded(
    order: OrderRecord,
    as: 'cancelled' | 'expired',
    asked: 'cancelled' | 'expired' | undefined,
  ): void {
    const id = order.id;
    const plan = this.store.plans.get(order.planId);
    if (!plan) return;
    if (order.role === 'entry' && plan.status === 'working' && plan.entryOrderId === id) {
      if (asked === undefined)
        this.events.notice(
          'warning',
          'venue_cancelled',
          `${order.venue} ended the entry ${id} (${as})`,
          plan.id,
        );
      this.planBook.set(plan.id, { status: as, reason: asked ?? `venue_${as}` });
    } else if (
      order.role === 'stop_loss' &&
      asked === undefined &&
      this.portfolio.positions.get(order.symbol)?.planId === plan.id
    ) {
      this.events.notice(
        'warning',
        'no_stop',
        `${order.symbol} has no stop: ${order.venue} ended its stop ${id}`,
        plan.id,
      );
      this.emitPosition(order.symbol);
    }
  }

  private onOrderRejected(order: OrderRecord, reason: string): void {
    this.events.notice(
      'error',
      'order_rejected',
      `order ${order.id} rejected by ${order.venue}: ${reason}`,
      order.planId,
    );
    const plan = this.store.plans.get(order.planId);
    if (order.role === 'entry' && plan?.status === 'working')
      this.planBook.set(plan.id, { status: 'rejected', reason: 'venue_rejected' });
  }

  // ---------------------------------------------------------------- fills and positions

  /** A fill applied to its order: cash moves, the position grows or shrinks. */
  private bookFill(order: OrderRecord, qty: Dec, value: Dec, fee: Dec, time: number): void {
    this.portfolio.bookCash(order.side, value, fee);
    if (order.role === 'entry') this.applyEntryFill(order, qty, value, fee, time);
    else this.applyExitFill(order, qty, value, fee, time);
    this.emitPosition(order.symbol);
  }

  private applyEntryFill(order: OrderRecord, qty: Dec, value: Dec, fee: Dec, time: number): void {
    let book = this.portfolio.positions.get(order.symbol);
    if (!book) {
      book = openBook(order.symbol, order.planId, order.side, time);
      this.portfolio.positions.set(order.symbol, book);
      this.gate.pdt.positionOpened(order.symbol, time);
      this.planBook.set(order.planId, { status: 'open' });
    }
    bookEntry(book, qty, value, fee);
  }

  private applyExitFill(order: OrderRecord, qty: Dec, value: Dec, fee: Dec, time: number): void {
    const book = this.portfolio.positions.get(order.symbol);
    if (!book || book.planId !== order.planId) {
      this.events.notice(
        'error',
        'orphan_exit_fill',
        `exit fill on ${order.id} with no position in ${order.symbol}`,
        order.planId,
      );
      return;
    }
    const plan = this.store.plans.get(order.planId)!;
    // Once the position starts to exit, the rest of the entry must not add to it.
    if (plan.entryOrderId) this.router.requestCancel(plan.entryOrderId, 'cancelled');
    const open = dec(book.qty);
    if (qty.gt(open)) {
      this.events.notice(
        'error',
        'overfill',
        `exit ${order.id} filled ${str(qty)} against an open ${str(open)}`,
        order.planId,
      );
    }
    bookExit(book, qty, value, fee, order.exitReason ?? 'close');
    if (dec(book.qty).gt(0)) {
      // A bracket leg done while the entry grew in the same bar: its sibling is gone, so the rest of the
      // position is exited at market for the same reason rather than left without a stop.
      const done = this.store.orders.get(order.id)!.status === 'filled';
      if (done && (order.role === 'stop_loss' || order.role === 'take_profit'))
        this.flatten(book, book.lastExitReason!);
      return;
    }
    this.closeTrade(book, time);
  }

  private closeTrade(book: PositionBook, time: number): void {
    this.portfolio.positions.delete(book.symbol);
    const ex = this.planBook.execIfAny(book.planId);
    for (const id of [ex?.stopOrderId, ex?.takeProfitOrderId, ex?.exitOrderId]) {
      if (id) this.router.requestCancel(id, 'cancelled');
    }
    const trade = tradeOf(book, time);
    this.store.trades.push(trade);
    this.portfolio.addRealized(trade);
    this.events.emit({ type: 'trade', trade });
    const dayTrade = this.gate.pdt.positionFlat(book.symbol, time);
    this.planBook.set(book.planId, { status: 'closed' });
    if (dayTrade && this.events.listening)
      this.events.emit({ type: 'dayTrades', dayTrades: this.dayTradesView() });
    if (this.events.listening)
      this.events.emit({ type: 'metrics', metrics: computeMetrics(this.store.trades, this.portfolio.curve) });
  }

  // ---------------------------------------------------------------- brackets, trailing, exits

  /** Brackets work from the bar after the entry's first fill, for the quantity filled. */
  private syncBrackets(book: PositionBook): void {
    const plan = this.store.plans.get(book.planId)!;
    const input = plan.input;
    const ex = this.planBook.execOf(plan.id);
    if (ex.exitOrderId && this.router.isOrderWorking(ex.exitOrderId)) return;
    const open = dec(book.qty);
    const exitSide: Side = book.side === 'long' ? 'sell' : 'buy';
    const group = `${plan.id}:OCO`;
    if (input.stopLoss !== undefined || input.trailPct !== undefined) {
      if (!ex.stopOrderId) {
        let level: Dec;
        if (input.stopLoss !== undefined) {
          level = dec(input.stopLoss);
        } else {
          const avg = avgEntryPrice(book);
          const t = dec(input.trailPct!);
          level = book.side === 'long' ? avg.times(dec(1).minus(t)) : avg.times(dec(1).plus(t));
          ex.trailing = true;
        }
        const order = this.router.newOrder(plan, 'stop_loss', exitSide, 'stop', open, str(level), {
          ocoGroup: group,
          exitReason: ex.trailing ? 'trailing_stop' : 'stop_loss',
          ...(ex.trailing ? { trailing: true } : {}),
        });
        ex.stopOrderId = order.id;
        this.router.send(order);
      } else {
        this.resizeLeg(ex.stopOrderId, open);
      }
    }
    if (input.takeProfit !== undefined) {
      if (!ex.takeProfitOrderId) {
        const order = this.router.newOrder(plan, 'take_profit', exitSide, 'limit', open, input.takeProfit, {
          ocoGroup: group,
          exitReason: 'take_profit',
        });
        ex.takeProfitOrderId = order.id;
        this.router.send(order);
      } else {
        this.resizeLeg(ex.takeProfitOrderId, open);
      }
    }
  }

  /** A bracket leg covers what is open: its total = what it filled + the open quantity. */
  private resizeLeg(orderId: string, open: Dec): void {
    const o = this.store.orders.get(orderId);
    if (!o || !this.router.amendable(o)) return;
    const want = dec(o.filledQuantity).plus(open);
    if (!want.eq(o.quantity)) this.router.requestAmend(orderId, { quantity: str(want) });
  }

  /** After each bar close, a long's stop rises to close x (1 - trail); a short's falls to close x (1 + trail). */
  private trail(book: PositionBook, close: Dec): void {
    const plan = this.store.plans.get(book.planId)!;
    if (plan.input.trailPct === undefined) return;
    const ex = this.planBook.execOf(plan.id);
    const stop = ex.stopOrderId ? this.store.orders.get(ex.stopOrderId) : undefined;
    if (!stop || !isWorking(stop.status) || stop.price === undefined) return;
    const t = dec(plan.input.trailPct);
    let current = dec(stop.price);
    if (ex.trailAsked !== undefined) {
      const asked = dec(ex.trailAsked);
      if (book.side === 'long' ? asked.gt(current) : asked.lt(current)) current = asked;
    }
    const candidate = book.side === 'long' ? close.times(dec(1).minus(t)) : close.times(dec(1).plus(t));
    const better = book.side === 'long' ? candidate.gt(current) : candidate.lt(current);
    if (!better || !this.router.amendable(stop)) return;
    if (!ex.trailing) {
      ex.trailing = true;
      this.router.setOrder(stop.id, { trailing: true, exitReason: 'trailing_stop' });
    }
    if (this.router.requestAmend(stop.id, { price: str(candidate) }) && this.router.isAsync(stop.venue))
      ex.trailAsked = str(candidate);
  }

  /** Flattens a position at market: brackets and the rest of the entry are cancelled first. */
  private flatten(book: PositionBook, reason: ExitReason): void {
    const plan = this.store.plans.get(book.planId)!;
    const ex = this.planBook.execOf(plan.id);
    if (plan.entryOrderId) this.router.requestCancel(plan.entryOrderId, 'cancelled');
    if (ex.stopOrderId) this.router.requestCancel(ex.stopOrderId, 'cancelled');
    if (ex.takeProfitOrderId) this.router.requestCancel(ex.takeProfitOrderId, 'cancelled');
    if (ex.exitOrderId && this.router.isOrderWorking(ex.exitOrderId)) return;
    const open = dec(book.qty);
    if (open.lte(0)) return;
    const order = this.router.newOrder(
      plan,
      'exit',
      book.side === 'long' ? 'sell' : 'buy',
      'market',
      open,
      undefined,
      {
        exitReason: reason,
      },
    );
    ex.exitOrderId = order.id;
    this.router.send(order);
  }

  /** Closes part of a position at market. Bracket legs shrink first to what stays open, so the exit and a
   *  leg filling in the same bar can never sell more than the position holds. */
  private reduce(book: PositionBook, qty: Dec): void {
    const plan = this.store.plans.get(book.planId)!;
    const ex = this.planBook.execOf(plan.id);
    if (plan.entryOrderId) this.router.requestCancel(plan.entryOrderId, 'cancelled');
    const rest = dec(book.qty).minus(qty);
    if (ex.stopOrderId) this.resizeLeg(ex.stopOrderId, rest);
    if (ex.takeProfitOrderId) this.resizeLeg(ex.takeProfitOrderId, rest);
    const side = book.side === 'long' ? 'sell' : 'buy';
    const order = this.router.newOrder(plan, 'exit', side, 'market', qty, undefined, { exitReason: 'close' });
    ex.exitOrderId = order.id;
    this.router.send(order);
  }

  /** The kill switch (and the daily loss limit): HALTED, every working order and unfilled plan cancelled,
   *  every position flattened at market. */
  private killAll(reason: 'kill_switch' | 'daily_loss_limit', text: string): void {
    this.changeTradingState('HALTED', text);
    for (const plan of this.planBook.activePlans()) {
      if (plan.status === 'pending_approval' || plan.status === 'armed') {
        this.planBook.set(plan.id, { status: 'cancelled', reason });
      } else if (plan.status === 'working') {
        if (plan.entryOrderId) this.router.requestCancel(plan.entryOrderId, 'cancelled');
        if (this.store.plans.get(plan.id)!.status === 'working')
          this.planBook.set(plan.id, { status: 'cancelled', reason });
      }
    }
    for (const book of [...this.portfolio.positions.values()]) this.flatten(book, 'kill_switch');
    // Whatever else still works at a live venue (a leg whose cancel was refused, an order of a finished
    // plan): cancelled too. The flattening orders just sent stay.
    for (const o of [...this.store.orders.values()]) {
      if (!isWorking(o.status) || !this.router.isAsync(o.venue)) continue;
      if (o.role === 'exit' && this.planBook.execIfAny(o.planId)?.exitOrderId === o.id) continue;
      this.router.requestCancel(o.id, 'cancelled');
    }
  }

  private changeTradingState(state: TradingState, reason: string): void {
    this.gate.changeTradingState(state, reason);
  }

  // ---------------------------------------------------------------- valuation and views

  private emitPosition(symbol: string): void {
    if (!this.events.listening) return;
    const book = this.portfolio.positions.get(symbol);
    this.events.emit({
      type: 'position',
      symbol,
      position: book ? this.portfolio.positionRecord(book) : null,
    });
  }

  /** Every day trade recorded (the view lists only those in the window). */
  allDayTrades() {
    return this.gate.pdt.dayTrades();
  }

  dayTradesView() {
    return this.gate.dayTradesView();
  }

  snapshot(): EngineSnapshot {
    return {
      time: this.clock.time,
      tradingState: this.gate.tradingState,
      approval: this.config.approval,
      account: this.portfolio.account(),
      plans: [...this.store.plans.values()],
      orders: [...this.store.orders.values()],
      fills: [...this.store.fills],
      trades: [...this.store.trades],
      positions: [...this.portfolio.positions.values()].map((b) => this.portfolio.positionRecord(b)),
      dayTrades: this.dayTradesView(),
      metrics: computeMetrics(this.store.trades, this.portfolio.curve),
      lastPrices: Object.fromEntries(this.portfolio.lastClose),
      instruments: this.instruments(),
    };
  }

  /** Tick and lot of every symbol the engine knows (configured, or the defaults). */
  private instruments(): EngineSnapshot['instruments'] {
    const out: EngineSnapshot['instruments'] = {};
    for (const symbol of this.symbols) {
      const configured = this.config.instruments[symbol];
      out[symbol] = { tick: configured?.tick ?? DEFAULT_TICK, lot: configured?.lot ?? DEFAULT_LOT };
    }
    return out;
  }

  trades(): TradeRecord[] {
    return [...this.store.trades];
  }

  startingEquity(): string {
    return str(this.portfolio.startEquity);
  }

  /** Fills ignored because their venue trade id was booked already. */
  get duplicateFills(): number {
    return this.reports.duplicateFills;
  }

  /** Orders at live venues that Braid did not place (the last EXTERNAL_ORDERS_KEPT reported). */
  externalOrders(): readonly ExternalOrder[] {
    return this.reports.externalOrders();
  }

  /** The routing now: null for PAPER, else the live venues. */
  get liveRouting(): readonly string[] | null {
    return this.router.liveRouting;
  }

  get duplicates(): readonly string[] {
    return this.planBook.duplicates;
  }

  /** Records a note for the operator (kept in the checkpoint, listed in the replay report). */
  note(code: string, message: string, now: number): void {
    this.advance(now);
    this.notes.push({ time: this.clock.time, code, message });
    this.events.notice('warning', code, message);
  }

  noteList(): readonly EngineNote[] {
    return this.notes;
  }

  get state(): TradingState {
    return this.gate.tradingState;
  }

  get settings() {
    return {
      get: (key: string) => (this.journal ? this.journal.getSetting(key) : this.memorySettings.get(key)),
      set: (key: string, value: string) => {
        if (this.journal) this.journal.setSetting(key, value);
        else this.memorySettings.set(key, value);
      },
    };
  }

  // ---------------------------------------------------------------- checkpoints and recovery

  liveState(): LiveState {
    const orders = this.router.state();
    return {
      time: this.clock.time,
      tradingState: this.gate.tradingState,
      tradingStateReason: this.gate.stateReason,
      cash: str(this.portfolio.cash),
      startEquity: str(this.portfolio.startEquity),
      positions: [...this.portfolio.positions.values()].map((b) => ({ ...b })),
      exec: this.planBook.state().exec,
      lastClose: Object.fromEntries(this.portfolio.lastClose),
      orderSeq: orders.orderSeq,
      orderNotional: orders.orderNotional,
      cancelAs: orders.cancelAs,
      fillCount: orders.fillCount,
      exchangeDay: this.clock.state().exchangeDay,
      dayStartEquity: str(this.portfolio.dayStartEquity),
      equity: this.portfolio.curve.state(),
      pdt: this.gate.state().pdt,
      venue: orders.paper,
      duplicatePlanIds: [...this.planBook.duplicates],
      notes: this.notes.map((n) => ({ ...n })),
      symbols: [...this.symbols],
      ...(Object.keys(orders.bookedTrades).length > 0 ? { bookedTrades: orders.bookedTrades } : {}),
    };
  }

  /** Commits buffered events and the live state. `cursor` is the replay's input position (0 in the app). */
  checkpoint(cursor: number, completed: boolean): void {
    this.journal?.checkpoint(JSON.stringify(this.liveState()), cursor, completed);
  }

  /** Rebuilds the engine from the journal: history records up to the checkpoint, then its live state. */
  restore(checkpointSeq: number, live: LiveState): void {
    if (!this.journal) throw new Error('restore needs a journal');
    for (const e of this.journal.eventsUpTo(checkpointSeq))
      this.store.applyHistory(JSON.parse(e.body) as EngineEvent);
    this.clock.restore({ time: live.time, exchangeDay: live.exchangeDay });
    this.gate.restore({
      tradingState: live.tradingState,
      tradingStateReason: live.tradingStateReason,
      pdt: live.pdt,
    });
    this.portfolio.restore(
      {
        cash: live.cash,
        startEquity: live.startEquity,
        dayStartEquity: live.dayStartEquity,
        positions: live.positions,
        lastClose: live.lastClose,
        equity: live.equity,
      },
      this.store.trades,
    );
    this.router.restore({
      orderSeq: live.orderSeq,
      orderNotional: live.orderNotional,
      cancelAs: live.cancelAs,
      fillCount: live.fillCount,
      bookedTrades: live.bookedTrades ?? {},
      paper: live.venue,
    });
    this.notes = live.notes.map((n) => ({ ...n }));
    this.symbols = new Set(live.symbols);
    this.planBook.restore({ exec: live.exec, duplicatePlanIds: live.duplicatePlanIds });
  }

  /** Order intents journaled after the last checkpoint: a command or bar cut short by a crash, never
   *  acknowledged. The state is the checkpoint's (the venue's too, for paper), so those orders never
   *  reached the paper venue; their ids stay spent (unique for life) and the operator is told. An order for
   *  a live venue may have reached it: it is recorded `unknown` (with its plan, as far as the order says,
   *  when the plan itself was lost) for the venue to be asked by client order id; it is never sent again. */
  recoverInterrupted(intents: ReadonlyArray<{ clientOrderId: string; body: string }>): void {
    for (const { clientOrderId: id, body } of intents) {
      if (this.store.orders.has(id)) continue;
      this.router.reserveOrderId(id);
      const order = orderOfIntent(body);
      if (order && this.router.isAsync(order.venue)) {
        this.recoverLiveIntent(order);
        continue;
      }
      this.events.notice(
        'error',
        'order_interrupted',
        `order ${id} was journaled but a crash stopped it before the venue`,
      );
    }
  }

  private recoverLiveIntent(order: OrderRecord): void {
    const record: OrderRecord = { ...order, status: 'unknown', updatedAt: this.clock.time };
    let plan = this.store.plans.get(order.planId);
    if (!plan && order.role === 'entry') {
      // The plan's own record was lost with the command: rebuilt from its entry, so that an upstream
      // sending it again (same id) is recognised and nothing is sent twice.
      const input: PlanInput = {
        id: order.planId,
        symbol: order.symbol,
        side: order.side,
        entry: { type: order.type, ...(order.price !== undefined ? { price: order.price } : {}) },
        quantity: order.quantity,
        venue: order.venue,
      };
      plan = {
        id: order.planId,
        input,
        status: 'working',
        receivedAt: this.clock.time,
        updatedAt: this.clock.time,
      };
      this.store.plans.set(plan.id, plan);
      this.planBook.emit(plan.id);
    }
    this.store.orders.set(record.id, record);
    this.events.emit({ type: 'order', order: record });
    if (plan) {
      if (order.role === 'entry' && plan.entryOrderId === undefined && !isTerminalPlan(plan.status))
        this.planBook.set(plan.id, { status: 'working', quantity: order.quantity, entryOrderId: order.id });
      const ex = isTerminalPlan(plan.status) ? undefined : this.planBook.execOf(plan.id);
      if (ex && order.role === 'stop_loss' && ex.stopOrderId === undefined) ex.stopOrderId = order.id;
      if (ex && order.role === 'take_profit' && ex.takeProfitOrderId === undefined)
        ex.takeProfitOrderId = order.id;
      if (ex && order.role === 'exit' && ex.exitOrderId === undefined) ex.exitOrderId = order.id;
    }
    this.events.notice(
      'error',
      'order_interrupted',
      `order ${order.id} was journaled and a crash came before ${order.venue} answered: unknown until ${order.venue} is asked`,
      order.planId,
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const dispose of this.disposeVenues) dispose();
    if (this.journal) {
      this.checkpoint(0, false);
      this.journal.close();
    }
  }
}

/** The order an intent's body holds, or null if it does not read as one. */
function orderOfIntent(body: string): OrderRecord | null {
  try {
    const o = JSON.parse(body) as Partial<OrderRecord> | null;
    if (o && typeof o.id === 'string' && typeof o.venue === 'string' && typeof o.planId === 'string')
      return o as OrderRecord;
  } catch {
    // not an order
  }
  return null;
}

/** Where an order works when nothing is on its way: accepted, or partially filled. */
function _workingStatus(order: OrderRecord): OrderStatus {
  return dec(order.filledQuantity).gt(0) ? 'partially_filled' : 'accepted';
}

/** The plan field a reason code is about, so a ticket can show the problem beside its input. */
function fieldOf(reason: string): string {
  switch (reason) {
    case 'unknown_symbol':
      return 'symbol';
    case 'unknown_venue':
    case 'venue_unavailable':
      return 'venue';
    case 'invalid_quantity':
    case 'size_below_min':
      return 'quantity';
    case 'invalid_price':
      return 'entry.price';
    case 'invalid_stop_loss':
      return 'stopLoss';
    case 'invalid_take_profit':
      return 'takeProfit';
    case 'invalid_trail':
      return 'trailPct';
    default:
      return 'plan';
  }
}
