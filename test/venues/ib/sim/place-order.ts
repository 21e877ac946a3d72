// PLACE_ORDER (3) as @stoqey/ib 1.6.10 encodes it for server version 193 (no version field since
// ORDER_CONTAINER 145), read field by field in its order so that a shifted field shows as a decode
// error instead of a silently wrong price. Branches follow the encoder: combo legs only for BAG,
// delta-neutral, scale, hedge, algo, pegged-to-benchmark, conditions and PEG BEST/MID extras only when set.
import { FieldCursor } from './wire.ts';

export interface PlacedOrder {
  orderId: number;
  contract: {
    conId?: number;
    symbol: string;
    secType: string;
    exchange: string;
    primaryExch: string;
    currency: string;
  };
  action: string;
  totalQuantity: number;
  orderType: string;
  lmtPrice?: number;
  auxPrice?: number;
  tif: string;
  ocaGroup: string;
  account: string;
  orderRef: string;
  transmit: boolean;
  parentId: number;
  outsideRth: boolean;
  ocaType?: number;
  trailStopPrice?: number;
  trailingPercent?: number;
  goodTillDate: string;
  algoStrategy: string;
  whatIf: boolean;
  conditions: number;
  manualOrderIndicator?: number;
  /** Every field after the message id, as received. */
  fields: string[];
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; why: string };

export function decodePlaceOrder(fields: readonly string[]): Decoded<PlacedOrder> {
  try {
    return { ok: true, value: read(new FieldCursor(fields.slice(1)), fields.slice(1)) };
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
}

function read(c: FieldCursor, all: string[]): PlacedOrder {
  const orderId = c.int() ?? 0;
  const conId = c.int();
  const symbol = c.str();
  const secType = c.str();
  c.skip(4); // lastTradeDateOrContractMonth, strike, right, multiplier
  const exchange = c.str();
  const primaryExch = c.str();
  const currency = c.str();
  c.skip(4); // localSymbol, tradingClass, secIdType, secId
  const action = c.str();
  const totalQuantity = c.num() ?? 0;
  const orderType = c.str();
  const lmtPrice = c.num();
  const auxPrice = c.num();
  const tif = c.str();
  const ocaGroup = c.str();
  const account = c.str();
  c.skip(2); // openClose, origin
  const orderRef = c.str();
  const transmit = c.bool();
  const parentId = c.int() ?? 0;
  c.skip(4); // blockOrder, sweepToFill, displaySize, triggerMethod
  const outsideRth = c.bool();
  c.skip(1); // hidden
  if (secType.toUpperCase() === 'BAG') {
    const legs = c.int() ?? 0;
    c.skip(legs * 8); // conId, ratio, action, exchange, openClose, shortSaleSlot, designatedLocation, exemptCode
    const legPrices = c.int() ?? 0;
    c.skip(legPrices);
    const routing = c.int() ?? 0;
    c.skip(routing * 2);
  }
  c.skip(3); // sharesAllocation, discretionaryAmt, goodAfterTime
  const goodTillDate = c.str();
  c.skip(3); // faGroup, faMethod, faPercentage (no faProfile since FA_PROFILE_DESUPPORT 177)
  c.skip(1); // modelCode
  c.skip(3); // shortSaleSlot, designatedLocation, exemptCode
  const ocaType = c.int();
  c.skip(2); // rule80A, settlingFirm
  c.skip(3); // allOrNone, minQty, percentOffset
  c.skip(3); // eTradeOnly, firmQuoteOnly, nbboPriceCap
  c.skip(4); // auctionStrategy, startingPrice, stockRefPrice, delta
  c.skip(2); // stockRangeLower, stockRangeUpper
  c.skip(1); // overridePercentageConstraints
  c.skip(2); // volatility, volatilityType
  const deltaNeutralOrderType = c.str();
  c.skip(1); // deltaNeutralAuxPrice
  if (deltaNeutralOrderType !== '') c.skip(8); // conId, settlingFirm, clearingAccount, clearingIntent, openClose, shortSale, shortSaleSlot, designatedLocation
  c.skip(2); // continuousUpdate, referencePriceType
  const trailStopPrice = c.num();
  const trailingPercent = c.num();
  c.skip(2); // scaleInitLevelSize, scaleSubsLevelSize
  const scalePriceIncrement = c.str();
  if (scalePriceIncrement !== '') c.skip(7);
  c.skip(3); // scaleTable, activeStartTime, activeStopTime
  const hedgeType = c.str();
  if (hedgeType !== '') c.skip(1);
  c.skip(1); // optOutSmartRouting
  c.skip(2); // clearingAccount, clearingIntent
  c.skip(1); // notHeld
  if (c.bool()) c.skip(3); // deltaNeutralContract conId, delta, price
  const algoStrategy = c.str();
  if (algoStrategy !== '') c.skip((c.int() ?? 0) * 2);
  c.skip(1); // algoId
  const whatIf = c.bool();
  c.skip(2); // orderMiscOptions, solicited
  c.skip(2); // randomizeSize, randomizePrice
  if (orderType === 'PEG BENCH') c.skip(5);
  const conditions = c.int() ?? 0;
  for (let i = 0; i < conditions; i++) skipCondition(c);
  if (conditions > 0) c.skip(2); // conditionsIgnoreRth, conditionsCancelOrder
  c.skip(7); // adjustedOrderType, triggerPrice, lmtPriceOffset, adjustedStopPrice, adjustedStopLimitPrice, adjustedTrailingAmount, adjustableTrailingUnit
  c.skip(1); // extOperator
  c.skip(2); // softDollarTier name, value
  c.skip(1); // cashQty
  c.skip(4); // mifid2 decision maker/algo, execution trader/algo
  c.skip(1); // dontUseAutoPriceForHedge
  c.skip(1); // isOmsContainer
  c.skip(1); // discretionaryUpToLimitPrice
  c.skip(1); // usePriceMgmtAlgo
  c.skip(1); // duration
  c.skip(1); // postToAts
  c.skip(1); // autoCancelParent
  c.skip(1); // advancedErrorOverride
  c.skip(1); // manualOrderTime
  if (exchange === 'IBKRATS') c.skip(1); // minTradeQty
  if (orderType === 'PEG BEST') {
    c.skip(1); // minCompeteSize
    const compete = c.str();
    if (compete === 'Infinity') c.skip(2);
  } else if (orderType === 'PEG MID') {
    c.skip(2);
  }
  c.skip(1); // customerAccount
  c.skip(1); // professionalCustomer
  c.skip(1); // includeOvernight
  const manualOrderIndicator = c.int();
  if (c.remaining !== 0) throw new Error(`${c.remaining} field(s) left after manualOrderIndicator`);
  return {
    orderId,
    contract: { conId, symbol, secType, exchange, primaryExch, currency },
    action,
    totalQuantity,
    orderType,
    lmtPrice,
    auxPrice,
    tif,
    ocaGroup,
    account,
    orderRef,
    transmit,
    parentId,
    outsideRth,
    ocaType,
    trailStopPrice,
    trailingPercent,
    goodTillDate,
    algoStrategy,
    whatIf,
    conditions,
    manualOrderIndicator,
    fields: all,
  };
}

// OrderConditionType: Price 1, Time 3, Margin 4, Execution 5, Volume 6, PercentChange 7.
function skipCondition(c: FieldCursor): void {
  const type = c.int();
  c.skip(1); // conjunction
  if (type === 5) c.skip(3);
  else if (type === 4 || type === 3) c.skip(2);
  else if (type === 7 || type === 6) c.skip(4);
  else if (type === 1) c.skip(5);
  else throw new Error(`unknown order condition type ${type}`);
}
