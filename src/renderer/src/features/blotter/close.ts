// Closing a position, whole or in part: what the quantity field accepts (pure, so tests and the dialog
// agree). The engine checks again; this only saves a round trip and says it in the trader's words.
import { dec } from '../../../../shared/domain/decimal.ts';

export type CloseQuantity =
  | { ok: true /** undefined: the whole position */; quantity: string | undefined }
  | { ok: false; problem: string };

/** The quantity to send for `text` typed against an open position of `open` in lots of `lot`. */
export function closeQuantity(text: string, open: string, lot: string): CloseQuantity {
  const typed = text.trim().replace(/,/g, '');
  if (typed === '') return { ok: false, problem: 'Enter the quantity to close' };
  let q: ReturnType<typeof dec>;
  try {
    if (!/^\d*\.?\d+$|^\d+\.$/.test(typed)) throw new Error('not a decimal');
    q = dec(typed);
  } catch {
    return { ok: false, problem: 'Quantity: expected a number such as 50' };
  }
  const whole = dec(open);
  if (q.lte(0)) return { ok: false, problem: 'Quantity: must be greater than 0' };
  if (q.gt(whole)) return { ok: false, problem: `Quantity: at most the open ${whole.toString()}` };
  const l = dec(lot);
  if (l.gt(0) && !q.mod(l).eq(0)) {
    return { ok: false, problem: `Quantity: a whole number of lots (lot ${l.toString()})` };
  }
  return { ok: true, quantity: q.eq(whole) ? undefined : q.toString() };
}
