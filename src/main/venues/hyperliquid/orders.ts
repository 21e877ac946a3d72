// A Braid order as the ccxt `createOrder` / `editOrder` call that places it on Hyperliquid, or why it is
// refused before anything is sent.
//
// - limit: GTC, post-only as ALO, IOC; market: an IOC limit at the mark ± the configured slippage (not
//   ccxt's 5 %), rounded inward so the bound holds; stop: a trigger order (`tpsl: sl`, isMarket) whose
//   execution limit is the trigger ± the slippage; stop_limit: a trigger with the order's limit price.
// - Prices: ≤ 5 significant figures and the asset's decimals, rounded the way that never costs the trader;
//   sizes floored to szDecimals; the $10 minimum on the price that is sent.
// - Reduce-only passes through (exits, the kill switch). DAY does not exist on Hyperliquid.
import { type Dec, type DecStr, dec, str } from '../../../shared/domain/decimal.ts';
import { priceDirection } from '../order-rounding.ts';
import type { VenueOrderRequest, VenueOutcome } from '../venue.ts';
import type { PerpAsset } from './mapping.ts';
import { floorSize, MIN_ORDER_VALUE, marketLimitPrice, roundPrice } from './pricing.ts';

/** The arguments of one ccxt createOrder/editOrder call, decimals as strings (ccxt reads strings). */
export interface CcxtOrder {
  symbol: string;
  type: 'limit' | 'market';
  side: 'buy' | 'sell';
  amount: DecStr;
  price: DecStr;
  params: Record<string, unknown>;
  /** The limit price Hyperliquid will see (what the $10 minimum is measured on). */
  wirePrice: DecStr;
}

export type Built = { ok: true; order: CcxtOrder } | { ok: false; outcome: VenueOutcome };

const refuse = (reason: 'invalid_order' | 'size_below_min', message: string): Built => ({
  ok: false,
  outcome: { kind: 'rejected', reason, message },
});

const readDec = (x: string | undefined): Dec | undefined => {
  if (x === undefined) return undefined;
  try {
    return dec(x);
  } catch {
    return undefined;
  }
};

export interface BuildContext {
  perp: PerpAsset;
  cloid: string;
  slippage: Dec;
  /** The mark, for a market order's bounded limit. */
  mark?: Dec;
}

/** The ccxt call for `order`, or its refusal. */
export function buildOrder(order: VenueOrderRequest, ctx: BuildContext): Built {
  const { perp } = ctx;
  const asked = readDec(order.quantity);
  if (!asked || asked.lte(0)) return refuse('invalid_order', `quantity ${order.quantity} must be above zero`);
  const size = floorSize(asked, perp.szDecimals);
  if (size.lte(0)) {
    return refuse(
      'size_below_min',
      `${order.quantity} ${perp.coin} is below Hyperliquid's size step of ${str(dec(1).div(dec(10).pow(perp.szDecimals)))}`,
    );
  }
  if (order.timeInForce === 'DAY')
    return refuse(
      'invalid_order',
      'Hyperliquid has no DAY orders (it trades around the clock): use GTC or IOC',
    );
  if (order.postOnly && order.type !== 'limit')
    return refuse('invalid_order', 'only a limit order can be post-only');
  if (order.postOnly && order.timeInForce === 'IOC')
    return refuse('invalid_order', 'a post-only order cannot be IOC');

  const params: Record<string, unknown> = { clientOrderId: ctx.cloid };
  if (order.reduceOnly) params.reduceOnly = true;
  const round = (x: Dec, type: VenueOrderRequest['type']) =>
    roundPrice(x, perp.szDecimals, priceDirection(type === 'stop_limit' ? 'limit' : type, order.side));

  let type: CcxtOrder['type'] = 'limit';
  let price: Dec;
  let wirePrice: Dec;
  switch (order.type) {
    case 'limit': {
      const px = readDec(order.price);
      if (!px || px.lte(0)) return refuse('invalid_order', 'a limit order needs a price above zero');
      price = round(px, 'limit');
      wirePrice = price;
      if (order.postOnly) params.postOnly = true;
      else if (order.timeInForce === 'IOC') params.timeInForce = 'Ioc';
      break;
    }
    case 'market': {
      if (!ctx.mark || ctx.mark.lte(0)) return refuse('invalid_order', `no mark price for ${perp.coin}`);
      price = marketLimitPrice(ctx.mark, order.side, ctx.slippage, perp.szDecimals);
      wirePrice = price;
      params.timeInForce = 'Ioc';
      break;
    }
    case 'stop':
    case 'stop_limit': {
      const trigger = readDec(order.stopPrice);
      if (!trigger || trigger.lte(0))
        return refuse('invalid_order', `a ${order.type} order needs a stop price`);
      const triggerPx = round(trigger, 'stop');
      params.stopLossPrice = str(triggerPx);
      if (order.type === 'stop') {
        // ccxt builds a market trigger's limit from `price`: the trigger ± the slippage (ours).
        type = 'market';
        price = triggerPx;
        params.slippage = str(ctx.slippage);
        wirePrice = marketLimitPrice(triggerPx, order.side, ctx.slippage, perp.szDecimals);
      } else {
        const px = readDec(order.price);
        if (!px || px.lte(0)) return refuse('invalid_order', 'a stop-limit order needs a limit price');
        price = round(px, 'limit');
        wirePrice = price;
      }
      break;
    }
  }
  if (size.times(wirePrice).lt(MIN_ORDER_VALUE)) {
    return refuse(
      'size_below_min',
      `${str(size)} ${perp.coin} at ${str(wirePrice)} is worth ${str(size.times(wirePrice))} USDC, below Hyperliquid's minimum of ${MIN_ORDER_VALUE}`,
    );
  }
  return {
    ok: true,
    order: {
      symbol: perp.symbol,
      type,
      side: order.side,
      amount: str(size),
      price: str(price),
      params,
      wirePrice: str(wirePrice),
    },
  };
}
