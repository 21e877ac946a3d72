// Sends the lane's commands to the venue and turns what each came to into the engine's events:
// - `unknown`: the engine hears `unknown` and the bridge asks the venue (never sends it again);
// - `throttled`: nothing happened; the lane sends it again after the venue's retry-after;
// - insufficient funds with `scaleDownOnInsufficientFunds`: one retry at 90 % of the size, with the SAME
//   client order id. Braid's id is unique for life at Braid; Kraken refuses a duplicate `cl_ord_id` only
//   among OPEN orders, and the first request was refused (never opened), so the retry is the one order
//   with that id at the venue. The engine learns the new size by an `amended` event, and a notice says why;
// - an accepted cancel (or cancel-all) waits for the venue's report to end the order, and asks without one.
import Big from 'big.js';
import { type DecStr, dec, str } from '../../../shared/domain/decimal.ts';
import { prepareOrder } from '../order-rounding.ts';
import type { VenueBracketOutcome, VenueBracketRequest, VenueOrderRequest, VenueOutcome } from '../venue.ts';
import type { Command, LaneDriver, Step } from './command-lane.ts';
import { type BridgeCore, describe } from './core.ts';
import type { OutcomeQueries } from './outcome-queries.ts';
import { applyChange, type OrderChange, type Tracked } from './tracked-orders.ts';

const SCALE_DOWN = new Big('0.9');

export class CommandSender implements LaneDriver {
  private readonly core: BridgeCore;
  private readonly queries: OutcomeQueries;
  private readonly scaleDown: boolean;
  /** Takes the queued cancels out of the lane (a cancel-all did their work); their order ids. */
  private readonly takeQueuedCancels: () => string[];

  constructor(
    core: BridgeCore,
    queries: OutcomeQueries,
    scaleDown: boolean,
    takeQueuedCancels: () => string[],
  ) {
    this.core = core;
    this.queries = queries;
    this.scaleDown = scaleDown;
    this.takeQueuedCancels = takeQueuedCancels;
  }

  sending(cmd: Command): void {
    const t = this.core.orders.get(cmd.id);
    if (cmd.kind === 'submit' && t) t.phase = 'sending';
  }

  throttled(cmd: Command): void {
    const t = this.core.orders.get(cmd.id);
    if (cmd.kind === 'submit' && t?.phase === 'sending') t.phase = 'queued';
  }

  async send(cmd: Command): Promise<Step> {
    if (cmd.kind === 'cancel_all') return this.sendCancelAll(cmd);
    const t = this.core.orders.get(cmd.id);
    if (!t) return { kind: 'done' };
    switch (cmd.kind) {
      case 'submit':
        return this.sendSubmit(t, cmd);
      case 'cancel':
        return this.sendCancel(t);
      case 'amend':
        return this.sendAmend(t, cmd.change);
    }
  }

  private async outcomeOf(call: () => Promise<VenueOutcome>): Promise<VenueOutcome> {
    try {
      return await call();
    } catch (e) {
      // The adapter broke its promise not to throw: the request may have gone out.
      return { kind: 'unknown', message: `the venue adapter failed: ${describe(e)}` };
    }
  }

  private async sendSubmit(t: Tracked, cmd: Extract<Command, { kind: 'submit' }>): Promise<Step> {
    const { core } = this;
    if (cmd.bracket) return this.sendBracket(t, cmd, cmd.bracket);
    const outcome = await this.outcomeOf(() => core.live.submit(cmd.request));
    if (core.disposed()) return { kind: 'done' };
    return this.submitted(t, cmd, outcome, this.scaleDown);
  }

  /** An entry with its exits as one native bracket: the entry's outcome as a submit's, each child's kept
   *  for the engine's own submit of it (native-brackets.ts); a child the venue refused is forgotten. */
  private async sendBracket(
    t: Tracked,
    cmd: Extract<Command, { kind: 'submit' }>,
    bracket: VenueBracketRequest,
  ): Promise<Step> {
    const { core } = this;
    const legs = [bracket.stopLoss, bracket.takeProfit];
    for (const leg of legs)
      core.orders.get(leg.clientOrderId) ?? core.orders.track({ ...leg, type: leg.type, phase: 'sending' });
    let outcome: VenueBracketOutcome;
    try {
      outcome = await core.live.submitBracket!(bracket);
    } catch (e) {
      const lost: VenueOutcome = { kind: 'unknown', message: `the venue adapter failed: ${describe(e)}` };
      outcome = { entry: lost, stopLoss: lost, takeProfit: lost };
    }
    if (core.disposed()) return { kind: 'done' };
    if (outcome.entry.kind === 'throttled') {
      for (const leg of legs) {
        const c = core.orders.get(leg.clientOrderId);
        if (c?.phase === 'sending') c.phase = 'queued';
      }
      return { kind: 'throttled', retryAfterMs: outcome.entry.retryAfterMs };
    }
    const step = await this.submitted(t, cmd, outcome.entry, false);
    this.childOutcome(bracket.stopLoss.clientOrderId, outcome.stopLoss);
    this.childOutcome(bracket.takeProfit.clientOrderId, outcome.takeProfit);
    // An entry refused while a child was taken: the child would rest at the venue with nothing to exit
    // (a reduce-only trigger could close another plan's position there): it is cancelled at once.
    if (outcome.entry.kind === 'rejected') {
      const children = [
        [bracket.stopLoss, outcome.stopLoss],
        [bracket.takeProfit, outcome.takeProfit],
      ] as const;
      for (const [leg, taken] of children)
        if (taken.kind === 'accepted' && !core.disposed())
          await this.outcomeOf(() =>
            core.live.cancel({ clientOrderId: leg.clientOrderId, venueOrderId: taken.venueOrderId }),
          );
    }
    return step;
  }

  private childOutcome(id: string, outcome: VenueOutcome): void {
    const { core } = this;
    const c = core.orders.get(id);
    if (!c) return;
    switch (outcome.kind) {
      case 'accepted':
        core.orders.setVenueId(c, outcome.venueOrderId);
        if (c.phase === 'sending') c.phase = 'sent';
        if (!c.told && c.phase !== 'ended') {
          c.told = true;
          core.emit({
            type: 'accepted',
            clientOrderId: id,
            venueOrderId: outcome.venueOrderId,
            time: outcome.time,
          });
        }
        return;
      case 'unknown':
        if (c.phase === 'sending') {
          c.phase = 'unknown';
          core.emit({ type: 'unknown', clientOrderId: id, reason: outcome.message, time: core.now() });
          this.queries.start(c);
        }
        return;
      default:
        // Refused (or throttled alone, which a venue does not do): not at the venue, so no child.
        if (c.phase === 'sending') this.onChildRefused(id);
    }
  }

  /** Set by the facade: a refused child is forgotten by the tracker and the bracket book. */
  onChildRefused: (id: string) => void = () => {};

  private async submitted(
    t: Tracked,
    cmd: Extract<Command, { kind: 'submit' }>,
    outcome: VenueOutcome,
    scaleDown: boolean,
  ): Promise<Step> {
    const { core } = this;
    const now = core.now();
    switch (outcome.kind) {
      case 'accepted':
        core.orders.setVenueId(t, outcome.venueOrderId);
        if (t.phase === 'sending') t.phase = 'sent';
        if (!t.told && t.phase !== 'ended') {
          t.told = true;
          core.emit({
            type: 'accepted',
            clientOrderId: t.id,
            venueOrderId: outcome.venueOrderId,
            time: outcome.time,
          });
        }
        return { kind: 'done' };
      case 'rejected': {
        if (outcome.reason === 'insufficient_funds' && scaleDown && !t.scaledDown) {
          const smaller = this.scaledDown(t, cmd.request);
          if (smaller !== null) {
            t.scaledDown = true;
            core.notice(
              'warning',
              'scaled_down',
              `order ${t.id}: insufficient funds for ${cmd.request.quantity}; sent again once at 90 %: ${smaller}`,
              t.id,
            );
            // A new request object: the adapter may keep the one it was given.
            cmd.request = { ...cmd.request, quantity: smaller };
            core.emit(applyChange(t, { quantity: smaller }, now));
            return { kind: 'again' };
          }
        }
        if (t.phase !== 'ended' && !t.told) {
          core.orders.end(t);
          core.emit({ type: 'rejected', clientOrderId: t.id, reason: outcome.reason, time: now });
        }
        return { kind: 'done' };
      }
      case 'unknown':
        if (t.phase === 'sending') {
          t.phase = 'unknown';
          core.emit({ type: 'unknown', clientOrderId: t.id, reason: outcome.message, time: now });
          this.queries.start(t);
        }
        return { kind: 'done' };
      case 'throttled':
        return { kind: 'throttled', retryAfterMs: outcome.retryAfterMs };
    }
  }

  private async sendCancel(t: Tracked): Promise<Step> {
    const { core } = this;
    if (t.phase === 'ended') return { kind: 'done' };
    const outcome = await this.outcomeOf(() =>
      core.live.cancel({ clientOrderId: t.id, ...(t.venueOrderId ? { venueOrderId: t.venueOrderId } : {}) }),
    );
    if (core.disposed()) return { kind: 'done' };
    // Whatever the venue says next about this order is news: pass it on even if it repeats.
    t.lastStatus = undefined;
    switch (outcome.kind) {
      case 'accepted':
        // The venue's report ends the order; without one in time, ask.
        this.queries.confirmLater(t);
        return { kind: 'done' };
      case 'rejected':
        core.emit({ type: 'cancel_rejected', clientOrderId: t.id, reason: outcome.reason, time: core.now() });
        // "No such open order": it ended some other way (a fill?): find out how.
        if (outcome.reason === 'unknown_order') this.queries.start(t);
        return { kind: 'done' };
      case 'unknown':
        this.queries.unsettle(t, { kind: 'cancel' });
        this.queries.start(t);
        return { kind: 'done' };
      case 'throttled':
        return { kind: 'throttled', retryAfterMs: outcome.retryAfterMs };
    }
  }

  private async sendCancelAll(cmd: Extract<Command, { kind: 'cancel_all' }>): Promise<Step> {
    const { core } = this;
    const outcome = await this.outcomeOf(() => core.live.cancelAll());
    if (core.disposed()) return { kind: 'done' };
    if (outcome.kind === 'throttled') return { kind: 'throttled', retryAfterMs: outcome.retryAfterMs };
    if (outcome.kind === 'accepted') {
      // The one request did what the queued cancels were going to: they go, and each order's end comes by
      // its report (or, without one in time, a query).
      for (const id of this.takeQueuedCancels()) {
        const t = core.orders.get(id);
        if (t) this.queries.confirmLater(t);
      }
    }
    cmd.done(outcome);
    return { kind: 'done' };
  }

  private async sendAmend(t: Tracked, change: OrderChange): Promise<Step> {
    const { core } = this;
    if (t.phase === 'ended') return { kind: 'done' };
    const venueChange = {
      ...(change.quantity !== undefined ? { quantity: change.quantity } : {}),
      ...(change.price !== undefined
        ? t.type === 'stop'
          ? { stopPrice: change.price }
          : { price: change.price }
        : {}),
    };
    const outcome = await this.outcomeOf(() =>
      core.live.modify(
        { clientOrderId: t.id, ...(t.venueOrderId ? { venueOrderId: t.venueOrderId } : {}) },
        venueChange,
      ),
    );
    if (core.disposed()) return { kind: 'done' };
    t.lastStatus = undefined;
    switch (outcome.kind) {
      case 'accepted':
        // Cancel-replace venues give the replacement a new venue id.
        core.orders.setVenueId(t, outcome.venueOrderId);
        core.emit(applyChange(t, change, core.now()));
        return { kind: 'done' };
      case 'rejected':
        core.emit({ type: 'modify_rejected', clientOrderId: t.id, reason: outcome.reason, time: core.now() });
        return { kind: 'done' };
      case 'unknown':
        this.queries.unsettle(t, { kind: 'modify', change });
        this.queries.start(t);
        return { kind: 'done' };
      case 'throttled':
        return { kind: 'throttled', retryAfterMs: outcome.retryAfterMs };
    }
  }

  /** 90 % of the refused size, on the lot; null when that is below the venue's minimum. */
  private scaledDown(t: Tracked, request: VenueOrderRequest): DecStr | null {
    const prepared = prepareOrder(
      {
        symbol: t.symbol,
        side: t.side,
        type: t.type,
        quantity: str(dec(request.quantity).times(SCALE_DOWN)),
        ...(t.price !== undefined ? { price: t.price } : {}),
      },
      this.core.instrument(t.symbol),
    );
    return prepared.ok ? prepared.quantity : null;
  }
}
