// Brackets the venue holds itself (capabilities.nativeBrackets + submitBracket: IB's OCA group,
// Hyperliquid's normalTpsl). The engine places a plan's stop-loss and take-profit after the entry's first
// fill, with its own one-cancels-other; on such a venue the bridge sends them WITH the entry instead, so
// the stop exists at the venue the moment the entry fills, and the engine's later submits of those exits
// adopt the children already there.
//
// The journal rule (every intent journaled before a venue sees it) decides when: the bridge goes native
// only for an entry that carries `bracket`, which the engine attaches once it has journaled the two exit
// intents with the ids it will give them (`<plan>:SL<n>`, `<plan>:TP<n>`: order-router.ts newOrder). An
// entry without it goes alone, as before, and the engine's one-cancels-other does the rest.
//
// A bracket fits (else the entry goes alone) when: the venue has nativeBrackets and submitBracket; the
// entry is a limit or market order, not reduce-only; both exit prices are present; the exits are sized to
// the whole entry, reduce-only, on the other side (the venue sizes them to what the entry fills).
//
// Children before the engine submits them are reserved: tracked (so the venue's reports are Braid's), but
// what the bridge would tell the engine about them is kept until the engine submits them (adoption), then
// passed on in order; the submit itself sends nothing. While the entry works, the engine's resizes of a
// child (to what has filled) are answered at once: the venue follows the parent's fills. When the entry
// ends partly filled, the children are modified to the filled quantity (unless the venue says they are
// already). A child whose sibling filled is cancelled by the venue: the engine's one-cancels-other cancel
// sends nothing and waits for the venue's word (a query if it does not come). An entry that ends unfilled
// takes its children with it at the venue (both venues cascade the parent's cancel). A child the venue
// refused is forgotten: the engine's submit of that exit goes out as an ordinary order.
import { dec } from '../../../shared/domain/decimal.ts';
import type { VenueEvent, VenueOrder } from '../../engine/venues/venue.ts';
import type { VenueBracketRequest, VenueCapabilities, VenueOrderRequest, VenueOutcome } from '../venue.ts';

/** What the engine attaches to an entry whose exits it has journaled (order-router.ts send). */
export interface EntryBracket {
  stopLoss: { clientOrderId: string; price: string };
  takeProfit: { clientOrderId: string; price: string };
}

export type BracketedOrder = VenueOrder & { bracket?: EntryBracket };

type Leg = 'stopLoss' | 'takeProfit';

export interface NativeChild {
  id: string;
  entryId: string;
  leg: Leg;
  siblingId: string;
  /** The engine submitted it: what the bridge says about it goes straight to the engine. */
  adopted: boolean;
  /** What the bridge would have told the engine before adoption, in order. */
  kept: VenueEvent[];
  /** The size the venue holds it at, as last said (its request, then its reports). */
  venueQuantity: string;
  /** A fill or a trigger reached it: the venue ends its sibling. */
  filled: boolean;
  ended: boolean;
}

interface Bracket {
  entryId: string;
  entryQuantity: string;
  entryEnded: boolean;
  children: NativeChild[];
}

const ENDED = new Set(['filled', 'cancelled', 'expired', 'rejected']);

export class NativeBrackets {
  private readonly brackets = new Map<string, Bracket>();
  private readonly children = new Map<string, NativeChild>();

  /** The bracket request for this entry, or null when it goes alone (see "fits" above). */
  requestFor(
    entry: BracketedOrder,
    request: VenueOrderRequest,
    can: VenueCapabilities,
    hasSubmitBracket: boolean,
  ): VenueBracketRequest | null {
    const b = entry.bracket;
    if (!b || !can.nativeBrackets || !hasSubmitBracket) return null;
    if (request.type !== 'limit' && request.type !== 'market') return null;
    if (request.reduceOnly === true || b.stopLoss.price === '' || b.takeProfit.price === '') return null;
    if (this.children.has(b.stopLoss.clientOrderId) || this.children.has(b.takeProfit.clientOrderId))
      return null;
    const exit = {
      symbol: request.symbol,
      side: request.side === 'buy' ? ('sell' as const) : ('buy' as const),
      quantity: request.quantity,
      ...(can.reduceOnly ? { reduceOnly: true } : {}),
    };
    return {
      entry: request,
      stopLoss: {
        ...exit,
        clientOrderId: b.stopLoss.clientOrderId,
        type: 'stop',
        stopPrice: b.stopLoss.price,
      },
      takeProfit: {
        ...exit,
        clientOrderId: b.takeProfit.clientOrderId,
        type: 'limit',
        price: b.takeProfit.price,
      },
    };
  }

  /** The children are reserved as the bracket goes out. */
  reserve(request: VenueBracketRequest): void {
    const entryId = request.entry.clientOrderId;
    const sl = request.stopLoss.clientOrderId;
    const tp = request.takeProfit.clientOrderId;
    const child = (id: string, leg: Leg, siblingId: string, quantity: string): NativeChild => ({
      id,
      entryId,
      leg,
      siblingId,
      adopted: false,
      kept: [],
      venueQuantity: quantity,
      filled: false,
      ended: false,
    });
    const children = [
      child(sl, 'stopLoss', tp, request.stopLoss.quantity),
      child(tp, 'takeProfit', sl, request.takeProfit.quantity),
    ];
    this.brackets.set(entryId, {
      entryId,
      entryQuantity: request.entry.quantity,
      entryEnded: false,
      children,
    });
    for (const c of children) this.children.set(c.id, c);
  }

  /** A bracket taken out of the queue before it went (the kill switch, a cancel): nothing to adopt. */
  forget(entryId: string): void {
    const b = this.brackets.get(entryId);
    if (!b) return;
    this.brackets.delete(entryId);
    for (const c of b.children) this.children.delete(c.id);
  }

  /** A leg the venue refused (or never saw) is no child: the engine's exit goes as an ordinary order. */
  refused(id: string): void {
    const c = this.children.get(id);
    if (!c) return;
    this.children.delete(id);
    const b = this.brackets.get(c.entryId);
    if (b) b.children = b.children.filter((x) => x !== c);
  }

  child(id: string): NativeChild | undefined {
    return this.children.get(id);
  }

  isBracketEntry(id: string): boolean {
    return this.brackets.has(id);
  }

  /** The entry still works at the venue (its children follow its fills there). */
  entryWorking(child: NativeChild): boolean {
    const b = this.brackets.get(child.entryId);
    return b !== undefined && !b.entryEnded;
  }

  siblingFilled(child: NativeChild): boolean {
    return this.children.get(child.siblingId)?.filled === true;
  }

  /**
   * An event on its way to the engine. A reserved child's is kept (returns true: hold it back); what it
   * says is noted. An entry's end with part filled returns the children to modify to that size.
   */
  observe(e: VenueEvent): { keep: boolean; resize?: { ids: string[]; quantity: string } } {
    if (!('clientOrderId' in e)) return { keep: false };
    const c = this.children.get(e.clientOrderId);
    if (c) {
      if (e.type === 'filled') c.filled = true;
      if (e.type === 'status') {
        if (e.quantity !== undefined) c.venueQuantity = e.quantity;
        if (e.filledQuantity !== undefined && dec(e.filledQuantity).gt(0)) c.filled = true;
        if (e.state !== undefined && ENDED.has(e.state)) c.ended = true;
      }
      if (e.type === 'amended') c.venueQuantity = e.quantity;
      if (e.type === 'rejected' || e.type === 'cancelled') c.ended = true;
      if (c.adopted) return { keep: false };
      c.kept.push(e);
      return { keep: true };
    }
    const b = this.brackets.get(e.clientOrderId);
    if (!b || b.entryEnded) return { keep: false };
    const ended =
      (e.type === 'status' && e.state !== undefined && ENDED.has(e.state)) ||
      e.type === 'rejected' ||
      e.type === 'cancelled';
    if (!ended) return { keep: false };
    b.entryEnded = true;
    const filled = e.type === 'status' && e.filledQuantity !== undefined ? dec(e.filledQuantity) : dec(0);
    if (filled.lte(0)) return { keep: false };
    const resized = b.children.filter((x) => !x.ended && !x.filled && !dec(x.venueQuantity).eq(filled));
    // Taken as the venue's size now: the engine's own resize of the same child, coming after, then
    // matches and sends nothing (a second modify would give a Hyperliquid order yet another oid).
    for (const x of resized) x.venueQuantity = filled.toString();
    const ids = resized.map((x) => x.id);
    return ids.length > 0 ? { keep: false, resize: { ids, quantity: filled.toString() } } : { keep: false };
  }

  /** The engine submitted this child: what was kept for it, to pass on now. */
  adopt(child: NativeChild): VenueEvent[] {
    child.adopted = true;
    const kept = child.kept;
    child.kept = [];
    return kept;
  }

  /** How the leg's outcome reads for the bridge: accepted ones stay children, others are forgotten. */
  settle(id: string, outcome: VenueOutcome): void {
    if (outcome.kind === 'rejected') this.refused(id);
  }
}
