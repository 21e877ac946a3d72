// Changing a working order from its row: what the price and quantity fields accept, the modifyOrder
// arguments they make (only what changed), and which field an engine refusal belongs to. Pure; the
// engine checks again (invalid_price, invalid_quantity ...), this only says it where it is typed.
import { dec } from '../../../../shared/domain/decimal.ts';
import type { OrderRecord } from '../../../../shared/domain/order.ts';
import { decimalPlaces } from '../../lib/format.ts';

export type ModifyField = 'price' | 'quantity';

export interface ModifyDraft {
  price: string;
  quantity: string;
}

export type ModifyCheck =
  | { ok: true; change: { price?: string; quantity?: string } | null }
  | { ok: false; problems: Partial<Record<ModifyField, string>> };

const DECIMAL = /^(\d+\.?\d*|\.\d+)$/;

function readPositive(text: string, name: string): { value: ReturnType<typeof dec> } | { problem: string } {
  const typed = text.trim().replace(/,/g, '');
  if (typed === '') return { problem: `${name}: enter a number` };
  if (!DECIMAL.test(typed)) return { problem: `${name}: expected a number such as 512.25` };
  const value = dec(typed);
  if (value.lte(0)) return { problem: `${name}: must be greater than 0` };
  return { value };
}

/**
 * The change `draft` asks of order `o` (an instrument of `tick` and `lot`): null when it asks for none,
 * or the problem of each field. An entry may only get smaller (a bigger one is a new plan, through the
 * risk checks); no order may go below what has filled.
 */
export function checkModify(
  o: Pick<OrderRecord, 'role' | 'quantity' | 'filledQuantity' | 'price'>,
  draft: ModifyDraft,
  tick: string,
  lot: string,
): ModifyCheck {
  const problems: Partial<Record<ModifyField, string>> = {};
  const change: { price?: string; quantity?: string } = {};
  const price = readPositive(draft.price, 'Price');
  if ('problem' in price) problems.price = price.problem;
  else if (dec(tick).gt(0) && !price.value.mod(tick).eq(0))
    problems.price = `Price: a whole number of ticks (tick ${dec(tick).toString()})`;
  else if (o.price === undefined || !price.value.eq(o.price)) change.price = price.value.toString();

  const qty = readPositive(draft.quantity, 'Quantity');
  if ('problem' in qty) problems.quantity = qty.problem;
  else if (dec(lot).gt(0) && !qty.value.mod(lot).eq(0))
    problems.quantity = `Quantity: a whole number of lots (lot ${dec(lot).toString()})`;
  else if (qty.value.lte(o.filledQuantity))
    problems.quantity = `Quantity: above what has filled (${dec(o.filledQuantity).toString()})`;
  else if (o.role === 'entry' && qty.value.gt(o.quantity))
    problems.quantity = `Quantity: an entry can only be made smaller (now ${dec(o.quantity).toString()})`;
  else if (!qty.value.eq(o.quantity)) change.quantity = qty.value.toString();

  if (problems.price !== undefined || problems.quantity !== undefined) return { ok: false, problems };
  return { ok: true, change: change.price === undefined && change.quantity === undefined ? null : change };
}

/** The field an engine refusal of modifyOrder belongs to; price for the rest (shown beside it). */
export function fieldOfError(code: string): ModifyField {
  return code === 'invalid_quantity' ? 'quantity' : 'price';
}

/** The fields as the editor opens: the order's own values, the price at its tick's precision. */
export function draftOf(o: Pick<OrderRecord, 'price' | 'quantity'>, tick: string): ModifyDraft {
  if (o.price === undefined) return { price: '', quantity: o.quantity };
  let price = o.price;
  try {
    // Never fewer decimals than the price has: a level off the tick opens as it is, not rounded.
    price = dec(o.price).toFixed(Math.max(decimalPlaces(tick), decimalPlaces(o.price)));
  } catch {
    // an unreadable price opens as it is
  }
  return { price, quantity: o.quantity };
}
