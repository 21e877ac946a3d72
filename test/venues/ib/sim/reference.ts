// What the simulated gateway knows before anyone connects: the stocks it can trade, the account
// summary it starts with, and the client's outbound message ids.
import type { StockContract } from './outbound.ts';

const STOCKS: Record<string, { conId: number; longName: string; primaryExch: string }> = {
  AAPL: { conId: 265598, longName: 'APPLE INC', primaryExch: 'NASDAQ' },
  MSFT: { conId: 272093, longName: 'MICROSOFT CORP', primaryExch: 'NASDAQ' },
  SPY: { conId: 756733, longName: 'SPDR S&P 500 ETF TRUST', primaryExch: 'ARCA' },
};

/** A US stock on SMART in USD: the known ones with IB's conId, any other priced symbol with a made-up one. */
export function stockContract(symbol: string, priced: boolean): StockContract | undefined {
  const known = STOCKS[symbol];
  if (!known && !priced) return undefined;
  const c = known ?? { conId: 100000 + symbolNumber(symbol), longName: symbol, primaryExch: 'NYSE' };
  return { conId: c.conId, symbol, exchange: 'SMART', primaryExch: c.primaryExch, currency: 'USD' };
}

export function longName(symbol: string): string {
  return STOCKS[symbol]?.longName ?? symbol;
}

function symbolNumber(symbol: string): number {
  let n = 0;
  for (const ch of symbol) n = (n * 31 + ch.charCodeAt(0)) % 800000;
  return n;
}

export const DEFAULT_SUMMARY: Record<string, string> = {
  AccountType: 'INDIVIDUAL',
  NetLiquidation: '100000.00',
  TotalCashValue: '100000.00',
  SettledCash: '100000.00',
  EquityWithLoanValue: '100000.00',
  BuyingPower: '400000.00',
  AvailableFunds: '100000.00',
  ExcessLiquidity: '100000.00',
  InitMarginReq: '0.00',
  MaintMarginReq: '0.00',
  GrossPositionValue: '0.00',
  DayTradesRemaining: '3',
  Cushion: '1',
  Leverage: '0',
};

/** Account summary tags that IB answers without a currency. */
export const NO_CURRENCY: ReadonlySet<string> = new Set([
  'AccountType',
  'DayTradesRemaining',
  'Cushion',
  'Leverage',
  'LookAheadNextChange',
]);

/** The client's outbound message ids (OUT_MSG_ID in @stoqey/ib's encoder). */
export const MSG = {
  reqMktData: 1,
  cancelMktData: 2,
  placeOrder: 3,
  cancelOrder: 4,
  reqOpenOrders: 5,
  reqExecutions: 7,
  reqIds: 8,
  reqContractDetails: 9,
  reqAutoOpenOrders: 15,
  reqAllOpenOrders: 16,
  reqCurrentTime: 49,
  reqGlobalCancel: 58,
  reqMarketDataType: 59,
  reqPositions: 61,
  reqAccountSummary: 62,
  cancelAccountSummary: 63,
  cancelPositions: 64,
  startApi: 71,
  reqCompletedOrders: 99,
} as const;
