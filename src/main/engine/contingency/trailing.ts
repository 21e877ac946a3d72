// The trailing-stop emulator (NautilusTrader's OrderEmulator, for what venues do not hold): after each bar
// close or live quote, a long's stop rises to price x (1 - trailPct) when that is higher, a short's falls
// to price x (1 + trailPct) when that is lower; the stop order is amended at its venue.
import { type Dec, dec, str } from '../../../shared/domain/decimal.ts';
import { isWorking } from '../orders/order-state.ts';
import type { EngineParts } from '../parts.ts';
import type { PositionBook } from '../portfolio/position-book.ts';

export class Trailing {
  private readonly p: EngineParts;

  constructor(parts: EngineParts) {
    this.p = parts;
  }

  /** After each bar close, a long's stop rises to close x (1 - trail); a short's falls to close x (1 + trail). */
  trail(book: PositionBook, close: Dec): void {
    const plan = this.p.store.plans.get(book.planId)!;
    if (plan.input.trailPct === undefined) return;
    const ex = this.p.plans.execOf(plan.id);
    const stop = ex.stopOrderId ? this.p.store.orders.get(ex.stopOrderId) : undefined;
    if (!stop || !isWorking(stop.status) || stop.price === undefined) return;
    // The venue trails it itself (IB TRAIL): an amend would fight the venue's own level.
    if (stop.trailPct !== undefined) return;
    const t = dec(plan.input.trailPct);
    let current = dec(stop.price);
    if (ex.trailAsked !== undefined) {
      const asked = dec(ex.trailAsked);
      if (book.side === 'long' ? asked.gt(current) : asked.lt(current)) current = asked;
    }
    const candidate = book.side === 'long' ? close.times(dec(1).minus(t)) : close.times(dec(1).plus(t));
    const better = book.side === 'long' ? candidate.gt(current) : candidate.lt(current);
    if (!better || !this.p.router.amendable(stop)) return;
    if (!ex.trailing) {
      ex.trailing = true;
      this.p.router.setOrder(stop.id, { trailing: true, exitReason: 'trailing_stop' });
    }
    if (this.p.router.requestAmend(stop.id, { price: str(candidate) }) && this.p.router.isAsync(stop.venue))
      ex.trailAsked = str(candidate);
  }
}
