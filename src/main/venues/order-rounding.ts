// An order as a venue will take it: the price on the instrument's tick grid, rounded the way that never
// costs the trader (venues.md "Orders"), the quantity floored to the lot, and the venue's minimums; the
// venue's instruments with the config's tick and lot laid over them.
import Big from 'big.js';
import { type Dec, type DecStr, dec, floorToLot, str } from '../../shared/domain/decimal.ts';
import type { Side } from '../../shared/domain/plan.ts';
import type { VenueOrder } from '../engine/venues/venue.ts';
import type { VenueInstrument } from './venue.ts';

/** A price on the tick grid: `down` toward zero ticks, `up` away. */
export function roundToTick(price: Dec, tick: Dec, direction: 'down' | 'up'): Dec {
  return price
    .div(tick)
    .round(0, direction === 'down' ? Big.roundDown : Big.roundUp)
    .times(tick);
}

/** Which way a price rounds so the trader is never worse off: a buy limit pays no more (down), a sell
 *  limit takes no less (up); a stop moves toward the market (tighter protection): a sell stop up, a buy
 *  stop down. */
export function priceDirection(type: VenueOrder['type'], side: Side): 'down' | 'up' {
  if (type === 'stop') return side === 'sell' ? 'up' : 'down';
  return side === 'buy' ? 'down' : 'up';
}

export type Prepared =
  | { ok: true; quantity: DecStr; price?: DecStr }
  | { ok: false; reason: 'size_below_min' | 'venue_unavailable'; message: string };

/** An order's quantity and price as the venue will take them, or why it cannot be sent. */
export function prepareOrder(
  order: { symbol: string; side: Side; type: VenueOrder['type']; quantity: DecStr; price?: DecStr },
  instrument: VenueInstrument | undefined,
): Prepared {
  if (!instrument) {
    return {
      ok: false,
      reason: 'venue_unavailable',
      message: `no instrument ${order.symbol} at this venue (instruments not loaded, or not traded there)`,
    };
  }
  const quantity = floorToLot(dec(order.quantity), dec(instrument.lot));
  if (quantity.lte(0) || quantity.lt(instrument.minSize)) {
    return {
      ok: false,
      reason: 'size_below_min',
      message: `${order.symbol}: ${order.quantity} floored to the lot ${instrument.lot} is ${str(quantity)}, below the minimum ${instrument.minSize}`,
    };
  }
  let price: Dec | undefined;
  if (order.type !== 'market' && order.price !== undefined) {
    price = roundToTick(dec(order.price), dec(instrument.tick), priceDirection(order.type, order.side));
    if (price.lte(0)) {
      return {
        ok: false,
        reason: 'size_below_min',
        message: `${order.symbol}: price ${order.price} rounds to 0`,
      };
    }
    if (instrument.minNotional !== null && quantity.times(price).lt(instrument.minNotional)) {
      return {
        ok: false,
        reason: 'size_below_min',
        message: `${order.symbol}: ${str(quantity)} at ${str(price)} is worth ${str(quantity.times(price))}, below the minimum ${instrument.minNotional}`,
      };
    }
  }
  return { ok: true, quantity: str(quantity), ...(price !== undefined ? { price: str(price) } : {}) };
}

/** The venue's instruments with the config's tick and lot laid over them. A symbol only the config names
 *  gets its lot as the minimum size. */
export function mergeInstruments(
  venue: VenueInstrument[],
  overrides: Record<string, { lot?: DecStr; tick?: DecStr }>,
): Map<string, VenueInstrument> {
  const map = new Map<string, VenueInstrument>();
  for (const i of venue) map.set(i.symbol, i);
  for (const [symbol, o] of Object.entries(overrides)) {
    const base = map.get(symbol);
    if (base) {
      map.set(symbol, { ...base, ...(o.tick ? { tick: o.tick } : {}), ...(o.lot ? { lot: o.lot } : {}) });
    } else if (o.lot && o.tick) {
      const [b = symbol, q = ''] = symbol.split(/[/:]/);
      map.set(symbol, {
        symbol,
        venueSymbol: symbol,
        base: b,
        quote: q,
        tick: o.tick,
        lot: o.lot,
        minSize: o.lot,
        minNotional: null,
      });
    }
  }
  return map;
}

/** The quote currency of a unified symbol (`BTC/USD` → USD, `BTC/USDC:USDC` → USDC). */
export function quoteOf(symbol: string): string {
  return symbol.split('/')[1]?.split(':')[0] ?? '';
}
