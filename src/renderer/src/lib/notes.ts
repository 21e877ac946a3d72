// What deserves a desktop notification: fills, exits and rejections the operator did not ask for, and
// each new lesson of the learning loop.
// Pure (no DOM), so it is unit-tested; lib/notify.ts shows them. Prices at the instrument's tick, plans
// by their short label, reasons in words with the code second.
import type { AppEvent } from '../../../shared/contract.ts';
import { DEFAULT_TICK } from '../../../shared/domain/config.ts';
import { price, qty, signedMoney } from './format.ts';

export interface DesktopNote {
  title: string;
  body: string;
}

/** How the notes name things: a symbol's tick, a plan's short label. */
export interface NoteView {
  tick(symbol: string): string;
  label(planId: string): string;
}

const PLAIN: NoteView = { tick: () => DEFAULT_TICK, label: (id) => id };

/** A reason code in words, the code after it: "insufficient funds (insufficient_funds)". */
function reasonText(reason: string): string {
  const words = reason.replace(/_/g, ' ');
  return /^[a-z0-9_]+$/.test(reason) ? `${words} (${reason})` : reason;
}

/** What deserves a desktop notification in one batch of events (pure, for tests). */
export function notesFor(events: readonly AppEvent[], view: NoteView = PLAIN): DesktopNote[] {
  const notes: DesktopNote[] = [];
  for (const e of events) {
    if (e.type === 'fill') {
      notes.push({
        title: `Filled ${e.fill.symbol}`,
        body: `${e.fill.side.toUpperCase()} ${qty(e.fill.quantity)} @ ${price(e.fill.price, view.tick(e.fill.symbol))}`,
      });
    } else if (e.type === 'trade') {
      notes.push({
        title: `Exit ${e.trade.symbol}`,
        body: `${e.trade.exitReason.replace('_', ' ')}: P&L ${signedMoney(e.trade.pnl)}`,
      });
    } else if (e.type === 'order' && e.order.status === 'rejected') {
      notes.push({
        title: `Order rejected: ${e.order.symbol}`,
        body: `Plan ${view.label(e.order.planId)}: ${e.order.rejectReason ?? 'refused by the venue'}`,
      });
    } else if (e.type === 'notice' && e.notice.code === 'lesson_proposed') {
      // A new lesson may change the next order's venue, type or size: the trader hears of it at once.
      notes.push({ title: 'New lesson', body: e.notice.message.replace(/^New lesson, /, '') });
    } else if (e.type === 'plan' && e.plan.status === 'rejected' && e.plan.reason !== 'operator') {
      notes.push({
        title: `Plan rejected: ${e.plan.input.symbol}`,
        body: `Plan ${view.label(e.plan.id)}: ${reasonText(String(e.plan.reason ?? 'refused'))}`,
      });
    }
  }
  return notes;
}
