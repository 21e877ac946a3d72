// The paper venue: a simulated exchange that fills working orders against recorded bars with the fill model
// of replay.md. Its whole state is plain JSON so the engine's checkpoint carries it.

import { z } from 'zod';
import {
  type Dec,
  dec,
  floorToLot,
  isMultipleOf,
  min,
  str,
  ZERO,
} from '../../../../shared/domain/decimal.ts';
import type { Bar } from '../../../../shared/domain/instrument.ts';
import type { Disposer, Quote } from '../../port.ts';
import { decimalText } from '../../state-schema.ts';
import type { CheckpointedVenue, VenueEvent, VenueOrder, VenuePosition } from '../venue.ts';
import {
  type BarPrices,
  feeOf,
  type QuotePrices,
  quoteFill,
  quoteTouch,
  reachesAtOpen,
  reachesInRange,
} from './fill-model.ts';

export interface PaperVenueConfig {
  slipBps: string;
  takerFeeBps: string;
  makerFeeBps: string;
  /** Share of a bar's volume that may fill (null: unlimited). */
  maxVolumeShare: string | null;
  lotOf(symbol: string): string;
  /** The venue's name: `paper`, or another paper venue of the config (learning.md). */
  name?: string;
}

interface WorkingOrder {
  order: VenueOrder;
  filled: string;
}

export interface PaperVenueState {
  working: WorkingOrder[];
  positions: Record<string, string>;
  nextVenueId: number;
  /** The other paper venues' states, by name: present only when the config has some, so a journal with
   *  one paper venue checkpoints as it always did. */
  others?: Record<string, PaperVenueState>;
}

export const paperVenueStateSchema = z.strictObject({
  working: z.array(
    z.strictObject({
      order: z.strictObject({
        clientOrderId: z.string(),
        symbol: z.string(),
        side: z.enum(['buy', 'sell']),
        type: z.enum(['market', 'limit', 'stop']),
        quantity: decimalText,
        price: decimalText.optional(),
        ocoGroup: z.string().optional(),
        bracketLeg: z.enum(['stop_loss', 'take_profit']).optional(),
      }),
      filled: decimalText,
    }),
  ),
  positions: z.record(z.string(), decimalText),
  nextVenueId: z.number().int().positive(),
  others: z.record(z.string(), z.unknown()).optional(),
});

export class PaperVenue implements CheckpointedVenue {
  readonly name: string;
  /** The other paper venues, which fill on the same bars and travel in this one's checkpoint (the engine
   *  checkpoints one paper venue). */
  private readonly others: PaperVenue[] = [];
  private working: WorkingOrder[] = [];
  private positionBySymbol = new Map<string, Dec>();
  private nextVenueId = 1;
  private listeners: Array<(event: VenueEvent) => void> = [];
  private readonly slipBps: Dec;
  private readonly takerFeeBps: Dec;
  private readonly makerFeeBps: Dec;
  private readonly maxVolumeShare: Dec | null;

  private readonly config: PaperVenueConfig;

  constructor(config: PaperVenueConfig) {
    this.config = config;
    this.name = config.name ?? 'paper';
    this.slipBps = dec(config.slipBps);
    this.takerFeeBps = dec(config.takerFeeBps);
    this.makerFeeBps = dec(config.makerFeeBps);
    this.maxVolumeShare = config.maxVolumeShare === null ? null : dec(config.maxVolumeShare);
  }

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}

  onEvent(listener: (event: VenueEvent) => void): Disposer {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private emit(event: VenueEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  submit(order: VenueOrder, now: number): void {
    const lot = dec(this.config.lotOf(order.symbol));
    const qty = dec(order.quantity);
    if (qty.lte(0) || !isMultipleOf(qty, lot)) {
      this.emit({
        type: 'rejected',
        clientOrderId: order.clientOrderId,
        reason: `quantity ${order.quantity} is not a positive multiple of the lot ${str(lot)}`,
        time: now,
      });
      return;
    }
    if (order.type !== 'market' && (order.price === undefined || dec(order.price).lte(0))) {
      this.emit({
        type: 'rejected',
        clientOrderId: order.clientOrderId,
        reason: 'price required',
        time: now,
      });
      return;
    }
    if (this.working.some((w) => w.order.clientOrderId === order.clientOrderId)) {
      this.emit({
        type: 'rejected',
        clientOrderId: order.clientOrderId,
        reason: 'duplicate client order id',
        time: now,
      });
      return;
    }
    this.working.push({ order: { ...order }, filled: '0' });
    this.emit({
      type: 'accepted',
      clientOrderId: order.clientOrderId,
      venueOrderId: `P${this.nextVenueId++}`,
      time: now,
    });
  }

  cancel(clientOrderId: string, now: number): void {
    const i = this.working.findIndex((w) => w.order.clientOrderId === clientOrderId);
    if (i < 0) return;
    this.working.splice(i, 1);
    this.emit({ type: 'cancelled', clientOrderId, reason: 'cancelled', time: now });
  }

  amend(clientOrderId: string, change: { quantity?: string; price?: string }, now: number): void {
    const w = this.working.find((x) => x.order.clientOrderId === clientOrderId);
    if (!w) return;
    if (change.quantity !== undefined) {
      if (dec(change.quantity).lte(w.filled)) {
        this.cancel(clientOrderId, now);
        return;
      }
      w.order.quantity = change.quantity;
    }
    if (change.price !== undefined) w.order.price = change.price;
    this.emit({
      type: 'amended',
      clientOrderId,
      quantity: w.order.quantity,
      ...(w.order.price !== undefined ? { price: w.order.price } : {}),
      time: now,
    });
  }

  query(clientOrderId: string): VenueOrder | undefined {
    const w = this.working.find((x) => x.order.clientOrderId === clientOrderId);
    return w ? { ...w.order } : undefined;
  }

  openOrders(): VenueOrder[] {
    return this.working.map((w) => ({ ...w.order }));
  }

  positions(): VenuePosition[] {
    return [...this.positionBySymbol]
      .filter(([, q]) => !q.eq(0))
      .map(([symbol, q]) => ({ symbol, quantity: str(q) }));
  }

  /** The other paper venues this one carries (the router names them). */
  siblings(): readonly PaperVenue[] {
    return this.others;
  }

  /** Another paper venue, filled on the same market data and checkpointed with this one. */
  adopt(other: PaperVenue): void {
    this.others.push(other);
  }

  /** Fills the orders that were working before this bar, in submission order. */
  onBar(bar: Bar): void {
    for (const other of this.others) other.onBar(bar);
    if (!this.working.some((w) => w.order.symbol === bar.symbol)) return;
    const prices: BarPrices = { open: dec(bar.open), high: dec(bar.high), low: dec(bar.low) };
    let capacity: Dec | null =
      this.maxVolumeShare === null
        ? null
        : floorToLot(this.maxVolumeShare.times(bar.volume), dec(this.config.lotOf(bar.symbol)));
    const seenGroups = new Set<string>();
    for (const w of [...this.working]) {
      if (capacity?.lte(0)) break;
      if (w.order.symbol !== bar.symbol || !this.isStillWorking(w)) continue;
      let chosen: WorkingOrder | null = w;
      if (w.order.ocoGroup !== undefined) {
        if (seenGroups.has(w.order.ocoGroup)) continue;
        seenGroups.add(w.order.ocoGroup);
        chosen = this.pickOcoLeg(w.order.ocoGroup, prices);
        if (!chosen) continue;
      }
      const filled = this.fillOn(chosen, prices, bar.time, capacity);
      if (capacity !== null) capacity = capacity.minus(filled);
    }
  }

  /** Fills on a live quote (PAPER mode priced by a live venue): every order working before it that the
   *  quote reaches fills whole (a quote has no volume). One-cancels-other as on a bar: the stop-loss first. */
  onQuote(quote: Quote): void {
    for (const other of this.others) other.onQuote(quote);
    if (!this.working.some((w) => w.order.symbol === quote.symbol)) return;
    const q: QuotePrices = { bid: dec(quote.bid), ask: dec(quote.ask), last: dec(quote.last) };
    const touch = (w: WorkingOrder) =>
      quoteTouch(
        w.order.type,
        w.order.side,
        w.order.price === undefined ? undefined : dec(w.order.price),
        q,
        this.slipBps,
      );
    const seenGroups = new Set<string>();
    for (const w of [...this.working]) {
      if (w.order.symbol !== quote.symbol || !this.isStillWorking(w)) continue;
      let chosen: WorkingOrder | undefined = w;
      if (w.order.ocoGroup !== undefined) {
        if (seenGroups.has(w.order.ocoGroup)) continue;
        seenGroups.add(w.order.ocoGroup);
        const reached = this.working.filter(
          (x) => x.order.ocoGroup === w.order.ocoGroup && touch(x) !== null,
        );
        chosen = reached.find((x) => x.order.bracketLeg === 'stop_loss') ?? reached[0];
        if (!chosen) continue;
      }
      const fill = touch(chosen);
      if (fill) this.fillAt(chosen, fill.price, fill.liquidity, quote.time, null);
    }
  }

  private isStillWorking(w: WorkingOrder): boolean {
    return this.working.includes(w);
  }

  /** One-cancels-other on one bar: a leg the open already reaches fills there; when the range reaches both
   *  legs, the stop-loss fills (the conservative reading). */
  private pickOcoLeg(group: string, bar: BarPrices): WorkingOrder | null {
    const legs = this.working.filter((w) => w.order.ocoGroup === group);
    const level = (w: WorkingOrder) => (w.order.price === undefined ? undefined : dec(w.order.price));
    const atOpen = legs.filter((w) => reachesAtOpen(w.order.type, w.order.side, level(w), bar));
    const pool =
      atOpen.length > 0
        ? atOpen
        : legs.filter((w) => reachesInRange(w.order.type, w.order.side, level(w), bar));
    if (pool.length === 0) return null;
    return pool.find((w) => w.order.bracketLeg === 'stop_loss') ?? pool[0]!;
  }

  /** Fills what the bar allows; returns the quantity filled. */
  private fillOn(w: WorkingOrder, bar: BarPrices, time: number, capacity: Dec | null): Dec {
    const o = w.order;
    const quote = quoteFill(
      o.type,
      o.side,
      o.price === undefined ? undefined : dec(o.price),
      bar,
      this.slipBps,
    );
    if (!quote) return ZERO;
    return this.fillAt(w, quote.price, quote.liquidity, time, capacity);
  }

  /** Fills what is left of an order (at most `capacity`) at a price; returns the quantity filled. */
  private fillAt(
    w: WorkingOrder,
    price: Dec,
    liquidity: 'maker' | 'taker',
    time: number,
    capacity: Dec | null,
  ): Dec {
    const o = w.order;
    const quote = { price, liquidity };
    const remaining = dec(o.quantity).minus(w.filled);
    const qty = capacity === null ? remaining : min(remaining, capacity);
    if (qty.lte(0)) return ZERO;
    const fee = feeOf(quote.price, qty, quote.liquidity === 'maker' ? this.makerFeeBps : this.takerFeeBps);
    w.filled = str(dec(w.filled).plus(qty));
    const complete = dec(w.filled).gte(o.quantity);
    if (complete) this.working.splice(this.working.indexOf(w), 1);
    const signed = o.side === 'buy' ? qty : qty.neg();
    this.positionBySymbol.set(o.symbol, (this.positionBySymbol.get(o.symbol) ?? ZERO).plus(signed));
    this.emit({
      type: 'filled',
      clientOrderId: o.clientOrderId,
      time,
      price: str(quote.price),
      quantity: str(qty),
      fee: str(fee),
      liquidity: quote.liquidity,
    });
    if (o.ocoGroup !== undefined) this.settleOcoSiblings(w, qty, complete, time);
    return qty;
  }

  /** A full fill cancels the other legs; a partial one shrinks them to what is left to cover. */
  private settleOcoSiblings(filledLeg: WorkingOrder, qty: Dec, complete: boolean, time: number): void {
    const siblings = this.working.filter(
      (w) => w !== filledLeg && w.order.ocoGroup === filledLeg.order.ocoGroup,
    );
    for (const s of siblings) {
      if (complete) {
        this.cancel(s.order.clientOrderId, time);
      } else {
        this.amend(s.order.clientOrderId, { quantity: str(dec(s.order.quantity).minus(qty)) }, time);
      }
    }
  }

  state(): PaperVenueState {
    return {
      working: this.working.map((w) => ({ order: { ...w.order }, filled: w.filled })),
      positions: Object.fromEntries([...this.positionBySymbol].map(([s, q]) => [s, str(q)])),
      nextVenueId: this.nextVenueId,
      ...(this.others.length > 0
        ? { others: Object.fromEntries(this.others.map((o) => [o.name, o.state()])) }
        : {}),
    };
  }

  restore(saved: unknown): void {
    const state = saved as PaperVenueState;
    this.working = state.working.map((w) => ({ order: { ...w.order }, filled: w.filled }));
    this.positionBySymbol = new Map(Object.entries(state.positions).map(([s, q]) => [s, dec(q)]));
    this.nextVenueId = state.nextVenueId;
    for (const other of this.others) {
      const saved = state.others?.[other.name];
      if (saved !== undefined) other.restore(paperVenueStateSchema.parse(saved));
    }
  }
}
