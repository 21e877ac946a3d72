// What Braid refuses before an order goes to Kraken: what Kraken would refuse anyway (a market it does
// not have, under its minimum size or value, a missing price) and what Kraken spot does not offer
// (reduce-only, DAY). Refused here, the order costs nothing on the rate counter.
import { dec } from '../../../shared/domain/decimal.ts';
import type { VenueInstrument, VenueOrderRequest, VenueOutcome } from '../venue.ts';

/** Why `order` cannot go to Kraken on `instrument` (its market, if Kraken has it), or null. */
export function refusalOf(
  order: VenueOrderRequest,
  instrument: VenueInstrument | undefined,
): VenueOutcome | null {
  const reject = (reason: 'invalid_order' | 'size_below_min', message: string): VenueOutcome => ({
    kind: 'rejected',
    reason,
    message,
  });
  if (!instrument) return reject('invalid_order', `Kraken has no spot market ${order.symbol}`);
  let quantity: ReturnType<typeof dec>;
  try {
    quantity = dec(order.quantity);
  } catch {
    return reject('invalid_order', `quantity ${order.quantity} is not a number`);
  }
  if (quantity.lte(0)) return reject('invalid_order', 'the quantity must be above zero');
  if (quantity.lt(instrument.minSize)) {
    return reject(
      'size_below_min',
      `${order.quantity} is below Kraken's minimum of ${instrument.minSize} ${instrument.base}`,
    );
  }
  const needsPrice = order.type === 'limit' || order.type === 'stop_limit';
  const needsStop = order.type === 'stop' || order.type === 'stop_limit';
  if (needsPrice && order.price === undefined)
    return reject('invalid_order', `a ${order.type} order needs a price`);
  if (needsStop && order.stopPrice === undefined)
    return reject('invalid_order', `a ${order.type} order needs a stop price`);
  if (order.reduceOnly) {
    return reject(
      'invalid_order',
      'Kraken spot has no reduce-only orders (reduce_only is for margin positions)',
    );
  }
  if (order.timeInForce === 'DAY') {
    return reject(
      'invalid_order',
      'Kraken has no DAY orders (crypto trades around the clock): use GTC or IOC',
    );
  }
  if (order.postOnly && order.type !== 'limit')
    return reject('invalid_order', 'only a limit order can be post-only');
  if (order.postOnly && order.timeInForce === 'IOC')
    return reject('invalid_order', 'a post-only order cannot be IOC');
  const ref = order.price ?? order.stopPrice;
  if (
    instrument.minNotional !== null &&
    ref !== undefined &&
    quantity.times(ref).lt(instrument.minNotional)
  ) {
    return reject(
      'size_below_min',
      `the order's value is below Kraken's minimum of ${instrument.minNotional} ${instrument.quote}`,
    );
  }
  return null;
}
