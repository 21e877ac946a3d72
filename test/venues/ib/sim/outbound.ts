// Messages the gateway sends, in server version 193's layouts as @stoqey/ib 1.6.10 decodes them
// (decoder.js; IB's EDecoder/EOrderDecoder). At 193 OPEN_ORDER, ORDER_STATUS, EXECUTION_DATA and
// CONTRACT_DATA carry no version field; the others still do.
import { type Field, MAX_DOUBLE, MAX_INT } from './wire.ts';

export interface StockContract {
  conId: number;
  symbol: string;
  exchange: string;
  primaryExch: string;
  currency: string;
}

export interface OrderView {
  orderId: number;
  permId: number;
  clientId: number;
  account: string;
  contract: StockContract;
  action: string;
  totalQuantity: number;
  orderType: string;
  lmtPrice?: number;
  auxPrice?: number;
  trailStopPrice?: number;
  trailingPercent?: number;
  tif: string;
  ocaGroup: string;
  ocaType: number;
  orderRef: string;
  outsideRth: boolean;
  parentId: number;
  goodTillDate: string;
  status: string;
  filled: number;
  avgFillPrice: number;
  lastFillPrice: number;
  whyHeld: string;
}

export interface ExecView {
  reqId: number;
  orderId: number;
  clientId: number;
  permId: number;
  account: string;
  contract: StockContract;
  execId: string;
  time: string;
  side: 'BOT' | 'SLD';
  shares: number;
  price: number;
  cumQty: number;
  avgPrice: number;
  orderRef: string;
}

const opt = (v: number | undefined): Field => (v === undefined ? '' : v);

export function errorMessage(id: number, code: number, text: string): Field[] {
  return [4, 2, id, code, text, ''];
}

export function managedAccounts(accounts: readonly string[]): Field[] {
  return [15, 1, accounts.join(',')];
}

export function nextValidId(id: number): Field[] {
  return [9, 1, id];
}

export function currentTime(unixSeconds: number): Field[] {
  return [49, 1, unixSeconds];
}

export function orderStatus(o: OrderView): Field[] {
  return [
    3,
    o.orderId,
    o.status,
    o.filled,
    o.totalQuantity - o.filled,
    o.avgFillPrice,
    o.permId,
    o.parentId,
    o.lastFillPrice,
    o.clientId,
    o.whyHeld,
    0,
  ];
}

export function openOrder(o: OrderView): Field[] {
  const c = o.contract;
  return [
    5,
    o.orderId,
    c.conId,
    c.symbol,
    'STK',
    '',
    0,
    '',
    '',
    c.exchange,
    c.currency,
    c.symbol,
    'NMS',
    o.action,
    o.totalQuantity,
    o.orderType,
    opt(o.lmtPrice),
    opt(o.auxPrice),
    o.tif,
    o.ocaGroup,
    o.account,
    'O', // openClose
    0, // origin: customer
    o.orderRef,
    o.clientId,
    o.permId,
    o.outsideRth,
    0, // hidden
    0, // discretionaryAmt
    '', // goodAfterTime
    '', // sharesAllocation (deprecated)
    '',
    '',
    '', // faGroup, faMethod, faPercentage
    '', // modelCode
    o.goodTillDate,
    '', // rule80A
    '', // percentOffset
    '', // settlingFirm
    0,
    '',
    -1, // shortSaleSlot, designatedLocation, exemptCode
    0, // auctionStrategy
    '',
    '',
    '', // startingPrice, stockRefPrice, delta
    '',
    '', // stockRangeLower, stockRangeUpper
    '', // displaySize
    0,
    0,
    0, // blockOrder, sweepToFill, allOrNone
    '', // minQty
    o.ocaType,
    0,
    0, // eTradeOnly, firmQuoteOnly
    '', // nbboPriceCap
    o.parentId,
    0, // triggerMethod
    '',
    0,
    '',
    '', // volatility, volatilityType, deltaNeutralOrderType (none), deltaNeutralAuxPrice
    0,
    0, // continuousUpdate, referencePriceType
    opt(o.trailStopPrice),
    opt(o.trailingPercent),
    '',
    '', // basisPoints, basisPointsType
    '', // comboLegsDescription
    0,
    0, // comboLegs, orderComboLegs
    0, // smartComboRoutingParams
    '',
    '',
    '', // scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement (unset: no more scale fields)
    '', // hedgeType
    0, // optOutSmartRouting
    '',
    '', // clearingAccount, clearingIntent
    0, // notHeld
    0, // no deltaNeutralContract
    '', // algoStrategy
    0, // solicited
    0, // whatIf
    o.status,
    MAX_DOUBLE,
    MAX_DOUBLE,
    MAX_DOUBLE,
    MAX_DOUBLE,
    MAX_DOUBLE,
    MAX_DOUBLE, // margins before/change
    MAX_DOUBLE,
    MAX_DOUBLE,
    MAX_DOUBLE, // margins after
    MAX_DOUBLE,
    MAX_DOUBLE,
    MAX_DOUBLE, // commission, min, max (unknown before a fill)
    '',
    '', // commissionCurrency, warningText
    0,
    0, // randomizeSize, randomizePrice
    0, // conditions
    '',
    '', // adjustedOrderType, triggerPrice
    opt(o.trailStopPrice),
    '', // trailStopPrice (read again here), lmtPriceOffset
    '',
    '',
    '',
    0, // adjustedStopPrice, adjustedStopLimitPrice, adjustedTrailingAmount, adjustableTrailingUnit
    '',
    '',
    '', // softDollarTier name, value, displayName
    '', // cashQty
    0,
    0,
    0,
    0, // dontUseAutoPriceForHedge, isOmsContainer, discretionaryUpToLimitPrice, usePriceMgmtAlgo
    MAX_INT, // duration
    '', // postToAts
    0, // autoCancelParent
    '',
    '',
    '',
    '',
    '', // minTradeQty, minCompeteSize, competeAgainstBestOffset, midOffsetAtWhole, midOffsetAtHalf
    '',
    0,
    '',
    0, // customerAccount, professionalCustomer, bondAccruedInterest, includeOvernight
    '',
    '', // extOperator, manualOrderIndicator
  ];
}

export function openOrderEnd(): Field[] {
  return [53, 1];
}

export function execDetails(e: ExecView): Field[] {
  const c = e.contract;
  return [
    11,
    e.reqId,
    e.orderId,
    c.conId,
    c.symbol,
    'STK',
    '',
    0,
    '',
    '',
    c.exchange,
    c.currency,
    c.symbol,
    'NMS',
    e.execId,
    e.time,
    e.account,
    c.primaryExch, // where it executed
    e.side,
    e.shares,
    e.price,
    e.permId,
    e.clientId,
    0, // liquidation
    e.cumQty,
    e.avgPrice,
    e.orderRef,
    '',
    '', // evRule, evMultiplier
    '', // modelCode
    2, // lastLiquidity: removed liquidity
    0, // pendingPriceRevision
  ];
}

export function execDetailsEnd(reqId: number): Field[] {
  return [55, 1, reqId];
}

/** realizedPNL and yield are IB's MAX sentinel until known, as TWS sends them for an opening fill. */
export function commissionReport(execId: string, commission: number, currency: string): Field[] {
  return [59, 1, execId, commission, currency, MAX_DOUBLE, MAX_DOUBLE, ''];
}

export function position(account: string, c: StockContract, qty: number, avgCost: number): Field[] {
  return [
    61,
    3,
    account,
    c.conId,
    c.symbol,
    'STK',
    '',
    0,
    '',
    '',
    '',
    c.currency,
    c.symbol,
    'NMS',
    qty,
    avgCost,
  ];
}

export function positionEnd(): Field[] {
  return [62, 1];
}

export function accountSummary(
  reqId: number,
  account: string,
  tag: string,
  value: string,
  currency: string,
): Field[] {
  return [63, 1, reqId, account, tag, value, currency];
}

export function accountSummaryEnd(reqId: number): Field[] {
  return [64, 1, reqId];
}

export function tickPrice(reqId: number, tickType: number, price: number, size: number): Field[] {
  return [1, 6, reqId, tickType, price, size, 0];
}

export function tickSize(reqId: number, tickType: number, size: number): Field[] {
  return [2, 6, reqId, tickType, size];
}

export function marketDataType(reqId: number, type: number): Field[] {
  return [58, 1, reqId, type];
}

export function tickSnapshotEnd(reqId: number): Field[] {
  return [57, 1, reqId];
}

export function contractDetails(reqId: number, c: StockContract, minTick: number, longName: string): Field[] {
  return [
    10,
    reqId,
    c.symbol,
    'STK',
    '',
    '',
    0,
    '', // symbol, secType, lastTradeDateOrContractMonth, lastTradeDate, strike, right
    c.exchange,
    c.currency,
    c.symbol,
    'NMS', // marketName
    'NMS', // tradingClass
    c.conId,
    minTick,
    '', // multiplier
    'ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,COND,DAY,GTC,LIT,LMT,MIT,MKT,MOC,MTL,OCA,REL,STP,STPLMT,TRAIL,TRAILLIMIT',
    'SMART,AMEX,NYSE,CBOE,ISE,ARCA,NASDAQ,IEX',
    1, // priceMagnifier
    0, // underConId
    longName,
    c.primaryExch,
    '', // contractMonth
    'Technology',
    'Computers',
    'Computers', // industry, category, subcategory
    'US/Eastern',
    '20261202:0400-20261202:2000', // tradingHours
    '20261202:0930-20261202:1600', // liquidHours
    '',
    '', // evRule, evMultiplier
    0, // secIdList
    1, // aggGroup
    '',
    '', // underSymbol, underSecType
    '26,26,26,26,26,26,26,26', // marketRuleIds
    '', // realExpirationDate
    'COMMON', // stockType
    '0.0001',
    '0.0001',
    '100', // minSize, sizeIncrement, suggestedSizeIncrement
    0, // ineligibility reasons
  ];
}

export function contractDetailsEnd(reqId: number): Field[] {
  return [52, 1, reqId];
}
