// What moves a plan: intake (validation, the duplicate rule, expiry on arrival, the approval queue),
// approval and rejection, arming and entry conditions, expiry, the entry's submission through the risk
// gate, cancels, the kill switch, and a plan following its orders when a venue ends or refuses them.
import { type Dec, type DecStr, dec, str } from '../../../shared/domain/decimal.ts';
import type { OrderRecord } from '../../../shared/domain/order.ts';
import type { PlanInput, PlanRecord, PlanScore } from '../../../shared/domain/plan.ts';
import { err, ok, type Result } from '../../../shared/result.ts';
import { arrivalInputs } from '../curators/arrival.ts';
import { autoApprovalReason, autoApproves, scorePlan } from '../curators/score.ts';
import { isWorking } from '../orders/order-state.ts';
import type { EngineParts } from '../parts.ts';
import { FieldError } from '../validation.ts';
import { entryRef, parsePlanInput, validatePlan } from './plan-input.ts';

export interface SubmitOptions {
  /** Typed by the operator in the ticket: no second approval, whatever the approval mode. */
  approved?: boolean;
}

export class PlanLifecycle {
  private readonly p: EngineParts;

  constructor(parts: EngineParts) {
    this.p = parts;
  }

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
    this.p.advance(now);
    this.expirePlans();
    const existing = this.p.store.plans.get(input.id);
    if (existing) {
      if (this.p.plans.noteDuplicate(input.id)) {
        this.p.events.notice(
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
      receivedAt: this.p.clock.time,
      updatedAt: this.p.clock.time,
    };
    this.p.plans.add(plan);
    this.p.learning?.planArrived(input.id, this.p.portfolio.lastClose.get(input.symbol));
    this.p.router.planArrived(input);
    const lastClose = this.p.portfolio.lastClose.get(input.symbol);
    const rejection = validatePlan(input, {
      knownSymbol: this.p.symbols.has(input.symbol),
      knownVenue: this.p.router.knownVenue(input.venue),
      dayOrders: this.p.router.dayOrders(input),
      lot: dec(this.p.gate.lotOf(input.symbol)),
      // A conditional plan enters near its trigger price, not at today's price: judge its stops there.
      ref: input.condition
        ? dec(input.entry.price ?? input.condition.price)
        : entryRef(input, lastClose === undefined ? undefined : dec(lastClose)),
    });
    if (rejection) {
      this.p.plans.reject(plan.id, rejection.reason, rejection.detail);
    } else if (input.expiresAt !== undefined && input.expiresAt <= this.p.clock.time) {
      this.p.plans.set(plan.id, { status: 'expired', reason: 'expired_on_arrival' });
    } else if (this.p.config.approval === 'manual' && options.approved !== true) {
      const preview = this.p.gate.previewSize(input);
      const score = this.scoreAtArrival(input, preview);
      this.p.plans.set(plan.id, { status: 'pending_approval', ...(preview ? { preview } : {}), score });
      // Above the threshold the score approves, by the same path as the operator's click, and says so.
      const threshold = this.p.config.autoApproveAboveScore;
      if (threshold !== undefined && autoApproves(score, threshold)) {
        this.p.events.notice('info', 'auto_approved', autoApprovalReason(score, threshold), plan.id);
        this.approve(plan.id, this.p.clock.time);
      }
    } else {
      this.p.plans.emit(plan.id);
      this.proceed(plan.id);
    }
    return ok({ planId: plan.id, status: this.p.store.plans.get(plan.id)!.status });
  }

  /** The curators' score from what the engine knows now (the plan, its venue's measured quality, the
   *  risk its preview size would use, the exposure already held). */
  private scoreAtArrival(input: PlanInput, preview: PlanRecord['preview'] | null): PlanScore {
    const venue = this.p.router.entryVenue(input);
    // Running sums, not a pass over every strand per queued plan.
    const row = this.p.learning?.qualityOf(venue, input.entry.type) ?? undefined;
    const inSymbol: { quantity: string; price: string }[] = [];
    const last = this.p.portfolio.lastClose.get(input.symbol);
    const held = this.p.portfolio.positions.get(input.symbol);
    if (held && last !== undefined) inSymbol.push({ quantity: held.qty, price: last });
    const open = new Set(this.p.portfolio.positions.keys());
    for (const other of this.p.plans.activePlans()) {
      if (other.status !== 'working') continue;
      open.add(other.input.symbol);
      if (other.input.symbol === input.symbol && other.quantity !== undefined && last !== undefined)
        inSymbol.push({ quantity: other.quantity, price: other.input.entry.price ?? last });
    }
    const risk = this.p.config.risk;
    const facts = arrivalInputs({
      input,
      venue,
      quality: row ?? null,
      ...(this.p.learning ? { minEvidence: this.p.learning.config.minEvidence } : {}),
      preview: preview ?? null,
      equity: str(this.p.portfolio.equity()),
      riskPct: risk.riskPct,
      maxPositionPct: risk.maxPositionPct,
      inSymbol,
      openPositions: open.size,
      maxOpenPositions: risk.maxOpenPositions,
    });
    return scorePlan(facts, this.p.curators.weights());
  }

  approve(planId: string, now: number): Result<null> {
    this.p.advance(now);
    this.expirePlans();
    const plan = this.p.store.plans.get(planId);
    if (!plan) return err('unknown_plan', `no plan ${planId}`);
    if (plan.status !== 'pending_approval') {
      return err('not_pending', `plan ${planId} is ${plan.status}, not waiting for approval`);
    }
    this.proceed(planId);
    return ok(null);
  }

  reject(planId: string, reason: string | undefined, now: number): Result<null> {
    this.p.advance(now);
    this.expirePlans();
    const plan = this.p.store.plans.get(planId);
    if (!plan) return err('unknown_plan', `no plan ${planId}`);
    if (plan.status !== 'pending_approval') {
      return err('not_pending', `plan ${planId} is ${plan.status}, not waiting for approval`);
    }
    this.p.plans.reject(planId, 'operator', reason ?? 'rejected by the operator');
    return ok(null);
  }

  cancelPlan(planId: string, now: number): Result<null> {
    this.p.advance(now);
    this.expirePlans();
    const plan = this.p.store.plans.get(planId);
    if (!plan) return err('unknown_plan', `no plan ${planId}`);
    if (plan.status === 'pending_approval' || plan.status === 'armed') {
      this.p.plans.set(planId, { status: 'cancelled', reason: 'cancelled' });
      return ok(null);
    }
    if (plan.status === 'working' || (plan.status === 'open' && this.entryWorking(plan))) {
      this.p.router.requestCancel(plan.entryOrderId!, 'cancelled');
      if (this.p.store.plans.get(planId)!.status === 'working')
        this.p.plans.set(planId, { status: 'cancelled', reason: 'cancelled' });
      return ok(null);
    }
    return err('not_cancellable', `plan ${planId} is ${plan.status}: close its position instead`);
  }

  /** Runs plan expiry at `now` (hosts call it on a timer, so a queue never freezes between bars).
   *  Returns whether anything expired. */
  expireDue(now: number): boolean {
    // Nothing due: nothing changes, not even the engine's time.
    let due = false;
    for (const plan of this.p.plans.activePlans()) {
      const at = plan.input.expiresAt;
      if (at !== undefined && at <= Math.max(now, this.p.clock.time)) due = true;
    }
    if (!due) return false;
    const before = this.p.plans.activeCount;
    this.p.advance(now);
    this.expirePlans();
    return this.p.plans.activeCount !== before;
  }

  /** After approval (or at once in auto mode): arm a conditional plan, else submit its entry. */
  proceed(planId: string): void {
    const plan = this.p.store.plans.get(planId)!;
    const blocked = this.p.gate.blocked();
    if (blocked) {
      this.p.plans.reject(planId, blocked, `trading is ${this.p.gate.tradingState}`);
      return;
    }
    if (plan.input.condition) {
      this.p.plans.set(planId, { status: 'armed' });
      return;
    }
    this.submitEntry(planId);
  }

  triggerConditions(symbol: string, closeText: DecStr | Dec): void {
    // Read the close only for an armed plan on it: most bars have none (a bar's close is text).
    let close: Dec | null = null;
    for (const plan of this.p.plans.activePlans()) {
      if (plan.status !== 'armed' || plan.input.symbol !== symbol) continue;
      const c = plan.input.condition!;
      close ??= dec(closeText);
      const holds = c.kind === 'price_above' ? close.gt(c.price) : close.lt(c.price);
      if (holds) this.submitEntry(plan.id);
    }
  }

  /** Plans not yet submitted expire at their time; a working entry is cancelled then too. */
  expirePlans(): void {
    for (const plan of this.p.plans.activePlans()) {
      const at = plan.input.expiresAt;
      if (at === undefined || this.p.clock.time < at) continue;
      if (plan.status === 'pending_approval' || plan.status === 'armed') {
        this.p.plans.set(plan.id, { status: 'expired', reason: 'expired' });
      } else if (plan.entryOrderId && this.p.router.isOrderWorking(plan.entryOrderId)) {
        this.p.router.requestCancel(plan.entryOrderId, 'expired');
        if (this.p.store.plans.get(plan.id)!.status === 'working')
          this.p.plans.set(plan.id, { status: 'expired', reason: 'expired' });
      }
    }
  }

  /** Sizes the entry, runs the pre-trade checks and sends the order; or rejects the plan with a reason. */
  submitEntry(planId: string): void {
    const plan = this.p.store.plans.get(planId)!;
    const input = plan.input;
    const check = this.p.gate.checkEntry(input);
    if (!check.ok) {
      if (check.quantity !== undefined) this.p.plans.set(planId, { quantity: str(check.quantity) });
      this.p.plans.reject(planId, check.reason, check.detail);
      if (check.reason === 'daily_loss_limit') this.killAll('daily_loss_limit', 'daily loss limit reached');
      return;
    }
    const order = this.p.router.newOrder(
      plan,
      'entry',
      input.side,
      input.entry.type,
      check.quantity,
      input.entry.price,
    );
    const qty = dec(order.quantity);
    if (!qty.eq(check.quantity)) {
      // A lesson scaled the size down: the risk gate checks what goes out (learning.md).
      const again = this.p.gate.entryRisk(input, qty, check.ref);
      if (again.reason) {
        this.p.plans.set(planId, { quantity: str(qty) });
        this.p.plans.reject(planId, again.reason, again.detail);
        return;
      }
    }
    this.p.plans.set(planId, { status: 'working', quantity: str(qty), entryOrderId: order.id });
    this.p.router.send(order);
  }

  entryWorking(plan: PlanRecord): boolean {
    return plan.entryOrderId !== undefined && this.p.router.isOrderWorking(plan.entryOrderId);
  }

  /** The kill switch (and the daily loss limit): HALTED, every working order and unfilled plan cancelled,
   *  every position flattened at market. */
  killAll(reason: 'kill_switch' | 'daily_loss_limit', text: string): void {
    this.p.gate.changeTradingState('HALTED', text);
    for (const plan of this.p.plans.activePlans()) {
      if (plan.status === 'pending_approval' || plan.status === 'armed') {
        this.p.plans.set(plan.id, { status: 'cancelled', reason });
      } else if (plan.status === 'working') {
        if (plan.entryOrderId) this.p.router.requestCancel(plan.entryOrderId, 'cancelled');
        if (this.p.store.plans.get(plan.id)!.status === 'working')
          this.p.plans.set(plan.id, { status: 'cancelled', reason });
      }
    }
    for (const book of [...this.p.portfolio.positions.values()]) this.p.brackets.flatten(book, 'kill_switch');
    // Whatever else still works at a live venue (a leg whose cancel was refused, an order of a finished
    // plan): cancelled too. The flattening orders just sent stay.
    for (const o of [...this.p.store.orders.values()]) {
      if (!isWorking(o.status) || !this.p.router.isAsync(o.venue)) continue;
      if (o.role === 'exit' && this.p.plans.execIfAny(o.planId)?.exitOrderId === o.id) continue;
      this.p.router.requestCancel(o.id, 'cancelled');
    }
  }

  /** A live venue ended a working order: a waiting plan follows; a lost stop is said. */
  orderEnded(
    order: OrderRecord,
    as: 'cancelled' | 'expired',
    asked: 'cancelled' | 'expired' | undefined,
  ): void {
    const id = order.id;
    const plan = this.p.store.plans.get(order.planId);
    if (!plan) return;
    if (order.role === 'entry' && plan.status === 'working' && plan.entryOrderId === id) {
      if (asked === undefined)
        this.p.events.notice(
          'warning',
          'venue_cancelled',
          `${order.venue} ended the entry ${id} (${as})`,
          plan.id,
        );
      this.p.plans.set(plan.id, { status: as, reason: asked ?? `venue_${as}` });
    } else if (
      order.role === 'stop_loss' &&
      asked === undefined &&
      this.p.portfolio.positions.get(order.symbol)?.planId === plan.id
    ) {
      this.p.events.notice(
        'warning',
        'no_stop',
        `${order.symbol} has no stop: ${order.venue} ended its stop ${id}`,
        plan.id,
      );
      this.p.views.emitPosition(order.symbol);
    }
  }

  orderRejected(order: OrderRecord, reason: string): void {
    this.p.events.notice(
      'error',
      'order_rejected',
      `order ${order.id} rejected by ${order.venue}: ${reason}`,
      order.planId,
    );
    const plan = this.p.store.plans.get(order.planId);
    if (order.role === 'entry' && plan?.status === 'working')
      this.p.plans.set(plan.id, { status: 'rejected', reason: 'venue_rejected' });
  }
}
