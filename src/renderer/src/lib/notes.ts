// What deserves a desktop notification: fills, exits and rejections the operator did not ask for.
// Pure (no DOM), so it is unit-tested; lib/notify.ts shows them.
import type { AppEvent } from '../../../shared/contract.ts';
import { price, qty, signedMoney } from './format.ts';

export interface DesktopNote {
  title: string;
  body: string;
}

/** What deserves a desktop notification in one batch of events (pure, for tests). */
export function notesFor(events: readonly AppEvent[]): DesktopNote[] {
  const notes: DesktopNote[] = [];
  for (const e of events) {
    if (e.type === 'fill') {
      notes.push({
        title: `Filled ${e.fill.symbol}`,
        body: `${e.fill.side.toUpperCase()} ${qty(e.fill.quantity)} @ ${price(e.fill.price)}`,
      });
    } else if (e.type === 'trade') {
      notes.push({
        title: `Exit ${e.trade.symbol}`,
        body: `${e.trade.exitReason.replace('_', ' ')}: P&L ${signedMoney(e.trade.pnl)}`,
      });
    } else if (e.type === 'order' && e.order.status === 'rejected') {
      notes.push({ title: `Order rejected: ${e.order.symbol}`, body: e.order.rejectReason ?? e.order.id });
    } else if (e.type === 'plan' && e.plan.status === 'rejected' && e.plan.reason !== 'operator') {
      notes.push({
        title: `Plan rejected: ${e.plan.input.symbol}`,
        body: String(e.plan.reason ?? e.plan.id),
      });
    }
  }
  return notes;
}
