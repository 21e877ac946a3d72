// The order ticket's inline checks (pure, so the ticket and its tests agree): each field's text, the
// symbol against what the engine knows, and the side against stop and target (a buy needs
// stop < entry < target, a sell the reverse). The engine checks again and sizes the plan (previewPlan).
import { dec } from '../../../../shared/domain/decimal.ts';
import { price as fmtPrice } from '../../lib/format.ts';

export type EntryType = 'market' | 'limit' | 'stop';
/** The plan a ticket sends (submitPlan's and previewPlan's `plan`). */
export interface TicketPlan {
  symbol: string;
  side: 'buy' | 'sell';
  entry: { type: EntryType; price?: string };
  quantity?: string;
  stopLoss?: string;
  takeProfit?: string;
  /** A fraction: 0.02 = 2%. */
  trailPct?: string;
}

export interface TicketFields {
  symbol: string;
  side: 'buy' | 'sell';
  type: EntryType;
  price: string;
  quantity: string;
  stopLoss: string;
  takeProfit: string;
  /** In percent (2 = 2%); the contract takes a fraction. */
  trail: string;
}

export type TicketField = 'symbol' | 'price' | 'quantity' | 'stopLoss' | 'takeProfit' | 'trail';
export type TicketProblems = Partial<Record<TicketField | 'plan', string>>;

export interface TicketContext {
  /** Symbols the engine knows; null before the first snapshot (no check then). */
  known: ReadonlySet<string> | null;
  /** The symbol's last price (the entry reference of a market ticket). */
  last: string | undefined;
  tick: string;
  /** The symbol's lot: a typed quantity is a whole number of them. */
  lot: string;
}

export interface TicketCheck {
  /** The plan to preview and send; null while a field would be refused outright. */
  plan: TicketPlan | null;
  problems: TicketProblems;
}

export const EMPTY_TICKET: TicketFields = {
  symbol: '',
  side: 'buy',
  type: 'market',
  price: '',
  quantity: '',
  stopLoss: '',
  takeProfit: '',
  trail: '',
};

const DECIMAL = /^(\d+\.?\d*|\.\d+)$/;

/** A positive decimal typed in a field: its text, undefined when blank, or a problem. */
function positive(text: string, name: string): { value?: string; problem?: string } {
  const t = text.trim();
  if (t === '') return {};
  if (!DECIMAL.test(t)) return { problem: `${name}: expected a number such as 512.10` };
  if (dec(t).lte(0)) return { problem: `${name}: must be greater than 0` };
  return { value: t };
}

export function checkTicket(f: TicketFields, ctx: TicketContext): TicketCheck {
  const problems: TicketProblems = {};
  let refused = false;
  const symbol = f.symbol.trim().toUpperCase();
  if (symbol === '') {
    refused = true;
  } else if (!/^[A-Z0-9./:_-]{1,32}$/.test(symbol)) {
    problems.symbol = 'Symbol: letters, digits and . / : _ - only';
    refused = true;
  } else if (ctx.known !== null && !ctx.known.has(symbol)) {
    problems.symbol = `Symbol: the engine does not know ${symbol}`;
    refused = true;
  }

  const field = (key: TicketField, text: string, name: string): string | undefined => {
    const r = positive(text, name);
    if (r.problem !== undefined) {
      problems[key] = r.problem;
      refused = true;
    }
    return r.value;
  };
  const entryPrice = f.type === 'market' ? undefined : field('price', f.price, 'Entry price');
  if (f.type !== 'market' && entryPrice === undefined && problems.price === undefined) {
    problems.price = `Entry price: a ${f.type} entry needs a price`;
    refused = true;
  }
  const quantity = field('quantity', f.quantity, 'Quantity');
  if (quantity !== undefined && dec(ctx.lot).gt(0) && !dec(quantity).mod(ctx.lot).eq(0)) {
    problems.quantity = `Quantity: a whole number of lots (lot ${dec(ctx.lot).toString()})`;
    refused = true;
  }
  const stopLoss = field('stopLoss', f.stopLoss, 'Stop loss');
  const takeProfit = field('takeProfit', f.takeProfit, 'Take profit');
  const trailPct = field('trail', f.trail, 'Trail %');
  let trailFraction: string | undefined;
  if (trailPct !== undefined) {
    if (dec(trailPct).gte(100)) {
      problems.trail = 'Trail %: must be below 100';
      refused = true;
    } else trailFraction = dec(trailPct).div(100).toString();
  }

  // Side against stop and target, around the entry (the last price for a market ticket).
  const buy = f.side === 'buy';
  const ref = entryPrice ?? (f.type === 'market' ? ctx.last : undefined);
  const what = buy ? "a buy's" : "a sell's";
  if (ref !== undefined) {
    const at = `${entryPrice !== undefined ? 'the entry' : 'the last price'} ${fmtPrice(ref, ctx.tick)}`;
    if (stopLoss !== undefined && (buy ? dec(stopLoss).gte(ref) : dec(stopLoss).lte(ref))) {
      problems.stopLoss = `Stop loss: ${what} stop must be ${buy ? 'below' : 'above'} ${at}`;
    }
    if (takeProfit !== undefined && (buy ? dec(takeProfit).lte(ref) : dec(takeProfit).gte(ref))) {
      problems.takeProfit = `Take profit: ${what} target must be ${buy ? 'above' : 'below'} ${at}`;
    }
  } else if (stopLoss !== undefined && takeProfit !== undefined) {
    if (buy ? dec(stopLoss).gte(takeProfit) : dec(stopLoss).lte(takeProfit)) {
      problems.stopLoss = `Stop loss: ${what} stop must be ${buy ? 'below' : 'above'} its target`;
    }
  }

  if (refused) return { plan: null, problems };
  const plan: TicketPlan = {
    symbol,
    side: f.side,
    entry: entryPrice === undefined ? { type: f.type } : { type: f.type, price: entryPrice },
  };
  if (quantity !== undefined) plan.quantity = quantity;
  if (stopLoss !== undefined) plan.stopLoss = stopLoss;
  if (takeProfit !== undefined) plan.takeProfit = takeProfit;
  if (trailFraction !== undefined) plan.trailPct = trailFraction;
  return { plan, problems };
}

/** Where an engine preview problem belongs on the ticket. */
export function ticketFieldOf(engineField: string): TicketField | 'plan' {
  const f = engineField.replace(/^plan\./, '');
  if (f === 'symbol' || f === 'quantity' || f === 'stopLoss' || f === 'takeProfit') return f;
  if (f === 'entry' || f === 'entry.price' || f === 'price') return 'price';
  if (f === 'trailPct') return 'trail';
  return 'plan';
}
