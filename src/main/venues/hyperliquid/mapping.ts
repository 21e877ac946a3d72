// From Hyperliquid's /info answers (read raw through ccxt's publicPostInfo: decimals stay the strings
// Hyperliquid sent, never a float) to the port's types. Anything unreadable gives null; the caller skips
// it and says so, rather than make up a value.
import { type DecStr, dec, str } from '../../../shared/domain/decimal.ts';
import type {
  VenueBalance,
  VenueFill,
  VenueInstrument,
  VenueOrderReport,
  VenueOrderState,
  VenueOrderType,
  VenuePositionReport,
} from '../venue.ts';
import { lotOf, MIN_ORDER_VALUE, tickAt } from './pricing.ts';

type Raw = Record<string, unknown>;
export const asRaw = (x: unknown): Raw => (x !== null && typeof x === 'object' ? (x as Raw) : {});

/** A decimal from a Hyperliquid string (or number), canonical; undefined when absent or unreadable. */
export function decOf(x: unknown): DecStr | undefined {
  if (typeof x !== 'string' && typeof x !== 'number') return undefined;
  if (typeof x === 'number' && !Number.isFinite(x)) return undefined;
  if (typeof x === 'string' && x.trim() === '') return undefined;
  try {
    return str(dec(typeof x === 'string' ? x.trim() : x));
  } catch {
    return undefined;
  }
}

/** One perp as Braid knows it: the coin (`BTC`), its asset index and size decimals. */
export interface PerpAsset {
  coin: string;
  symbol: string;
  asset: number;
  szDecimals: number;
}

/** A perp's instrument: tick from the 5-significant-figure rule at the mark, lot 10^−szDecimals, $10. */
export function instrumentOf(perp: PerpAsset, mark: DecStr | undefined): VenueInstrument | null {
  if (mark === undefined || !dec(mark).gt(0)) return null;
  const lot = lotOf(perp.szDecimals);
  return {
    symbol: perp.symbol,
    venueSymbol: perp.coin,
    base: perp.coin,
    quote: 'USDC',
    tick: tickAt(dec(mark), perp.szDecimals),
    lot,
    minSize: lot,
    minNotional: MIN_ORDER_VALUE,
  };
}

/** Hyperliquid's order status in the port's states (`*Rejected` refused, `*Canceled` ended). */
export function stateOf(status: string, filled: DecStr): VenueOrderState | null {
  if (status === 'open' || status === 'triggered') return dec(filled).gt(0) ? 'partially_filled' : 'open';
  if (status === 'filled') return 'filled';
  if (status === 'canceled' || status === 'scheduledCancel' || status.endsWith('Canceled'))
    return 'cancelled';
  if (status === 'rejected' || status.endsWith('Rejected')) return 'rejected';
  return null;
}

/** `Limit`, `Stop Market`, `Take Profit Limit`… in the port's types. */
export function orderTypeOf(orderType: unknown, isTrigger: boolean): VenueOrderType {
  const t = typeof orderType === 'string' ? orderType : '';
  if (isTrigger || t.startsWith('Stop') || t.startsWith('Take Profit'))
    return t.endsWith('Limit') ? 'stop_limit' : 'stop';
  return t === 'Market' ? 'market' : 'limit';
}

/** What a raw order (frontendOpenOrders entry, or orderStatus's `order.order`) says, in Braid's terms. */
export interface RawOrder {
  oid: string;
  cloid: string | undefined;
  coin: string;
  side: 'buy' | 'sell';
  type: VenueOrderType;
  limitPx: DecStr;
  triggerPx: DecStr | undefined;
  /** Remaining. */
  sz: DecStr;
  origSz: DecStr;
  tif: string | undefined;
  reduceOnly: boolean;
  timestamp: number;
}

export function rawOrderOf(x: unknown): RawOrder | null {
  const o = asRaw(x);
  const oid = typeof o.oid === 'number' || typeof o.oid === 'string' ? String(o.oid) : undefined;
  const side = o.side === 'B' ? 'buy' : o.side === 'A' ? 'sell' : undefined;
  const limitPx = decOf(o.limitPx);
  const sz = decOf(o.sz);
  const origSz = decOf(o.origSz) ?? sz;
  if (!oid || !side || typeof o.coin !== 'string' || !limitPx || !sz || !origSz) return null;
  const isTrigger = o.isTrigger === true;
  const triggerPx = decOf(o.triggerPx);
  return {
    oid,
    cloid: typeof o.cloid === 'string' && o.cloid !== '' ? o.cloid.toLowerCase() : undefined,
    coin: o.coin,
    side,
    type: orderTypeOf(o.orderType, isTrigger),
    limitPx,
    triggerPx: isTrigger && triggerPx && dec(triggerPx).gt(0) ? triggerPx : undefined,
    sz,
    origSz,
    tif: typeof o.tif === 'string' ? o.tif : undefined,
    reduceOnly: o.reduceOnly === true,
    timestamp: typeof o.timestamp === 'number' ? o.timestamp : 0,
  };
}

/**
 * An order report. `before` is what Braid's order filled on the orders it replaced (a modify is
 * cancel-replace: the new oid starts again from its own size), so the report speaks of the whole order.
 */
export function reportOf(
  raw: RawOrder,
  status: string,
  time: number,
  symbol: string,
  before: DecStr = '0',
): VenueOrderReport | null {
  const filledHere = dec(raw.origSz).minus(raw.sz);
  const filled = str(filledHere.plus(before));
  const state = stateOf(status, filled);
  if (!state) return null;
  const report: VenueOrderReport = {
    venueOrderId: raw.oid,
    symbol,
    side: raw.side,
    type: raw.type,
    state,
    quantity: str(dec(raw.origSz).plus(before)),
    filledQuantity: filled,
    time,
  };
  if (raw.type === 'limit' || raw.type === 'stop_limit') report.price = raw.limitPx;
  if (raw.triggerPx !== undefined) report.stopPrice = raw.triggerPx;
  return report;
}

/** A raw fill (userFillsByTime entry). */
export interface RawFill {
  tid: string;
  oid: string;
  cloid: string | undefined;
  coin: string;
  side: 'buy' | 'sell';
  px: DecStr;
  sz: DecStr;
  /** Hyperliquid's fee plus any builder's (paid on top). */
  fee: DecStr;
  feeToken: string;
  crossed: boolean;
  time: number;
}

export function rawFillOf(x: unknown): RawFill | null {
  const f = asRaw(x);
  const id = (v: unknown) => (typeof v === 'number' || typeof v === 'string' ? String(v) : undefined);
  const tid = id(f.tid);
  const oid = id(f.oid);
  const side = f.side === 'B' ? 'buy' : f.side === 'A' ? 'sell' : undefined;
  const px = decOf(f.px);
  const sz = decOf(f.sz);
  if (!tid || !oid || !side || typeof f.coin !== 'string' || !px || !sz || typeof f.time !== 'number')
    return null;
  const fee = dec(decOf(f.fee) ?? '0').plus(decOf(f.builderFee) ?? '0');
  return {
    tid,
    oid,
    cloid: typeof f.cloid === 'string' && f.cloid !== '' ? f.cloid.toLowerCase() : undefined,
    coin: f.coin,
    side,
    px,
    sz,
    fee: str(fee),
    feeToken: typeof f.feeToken === 'string' ? f.feeToken : 'USDC',
    crossed: f.crossed === true,
    time: f.time,
  };
}

export function fillOf(raw: RawFill, symbol: string, clientOrderId: string | undefined): VenueFill {
  const fill: VenueFill = {
    tradeId: raw.tid,
    venueOrderId: raw.oid,
    symbol,
    side: raw.side,
    price: raw.px,
    quantity: raw.sz,
    fee: raw.fee,
    feeCurrency: raw.feeToken,
    liquidity: raw.crossed ? 'taker' : 'maker',
    time: raw.time,
  };
  if (clientOrderId !== undefined) fill.clientOrderId = clientOrderId;
  return fill;
}

/** A perp position: signed size, entry, and what Hyperliquid says of its margin. */
export interface HyperliquidPositionReport extends VenuePositionReport {
  leverage?: number;
  marginMode?: 'cross' | 'isolated';
  unrealizedPnl?: DecStr;
  marginUsed?: DecStr;
  liquidationPrice?: DecStr;
  /** Funding paid (positive) or received since the position opened, USDC. */
  fundingSinceOpen?: DecStr;
}

/** Positions from clearinghouseState's assetPositions (flat ones are left out). */
export function positionsOf(
  state: unknown,
  symbolOf: (coin: string) => string | undefined,
): HyperliquidPositionReport[] {
  const out: HyperliquidPositionReport[] = [];
  const list = asRaw(state).assetPositions;
  for (const entry of Array.isArray(list) ? list : []) {
    const p = asRaw(asRaw(entry).position);
    const symbol = typeof p.coin === 'string' ? symbolOf(p.coin) : undefined;
    const szi = decOf(p.szi);
    if (!symbol || szi === undefined || dec(szi).eq(0)) continue;
    const report: HyperliquidPositionReport = { symbol, quantity: szi };
    const entryPx = decOf(p.entryPx);
    if (entryPx !== undefined) report.entryPrice = entryPx;
    const lev = asRaw(p.leverage);
    if (typeof lev.value === 'number') report.leverage = lev.value;
    if (lev.type === 'cross' || lev.type === 'isolated') report.marginMode = lev.type;
    const upnl = decOf(p.unrealizedPnl);
    if (upnl !== undefined) report.unrealizedPnl = upnl;
    const margin = decOf(p.marginUsed);
    if (margin !== undefined) report.marginUsed = margin;
    const liq = decOf(p.liquidationPx);
    if (liq !== undefined) report.liquidationPrice = liq;
    const funding = decOf(asRaw(p.cumFunding).sinceOpen);
    if (funding !== undefined) report.fundingSinceOpen = funding;
    out.push(report);
  }
  return out.sort((a, b) => a.symbol.localeCompare(b.symbol));
}

/**
 * The account's USDC from clearinghouseState: total is the account value (cash and unrealized P&L, what
 * margin is measured against), free what may be withdrawn (after margin held by positions and orders).
 */
export function balancesOf(state: unknown): VenueBalance[] | null {
  const s = asRaw(state);
  const total = decOf(asRaw(s.marginSummary).accountValue);
  const free = decOf(s.withdrawable);
  if (total === undefined || free === undefined) return null;
  return [{ asset: 'USDC', total, free }];
}

/** One funding payment on a position (userFunding). `amount` is USDC: negative when paid. */
export interface FundingPayment {
  symbol: string;
  time: number;
  amount: DecStr;
  rate: DecStr;
  positionSize: DecStr;
}

export function fundingOf(x: unknown, symbolOf: (coin: string) => string | undefined): FundingPayment | null {
  const e = asRaw(x);
  const d = asRaw(e.delta);
  const symbol = typeof d.coin === 'string' ? symbolOf(d.coin) : undefined;
  const amount = decOf(d.usdc);
  const rate = decOf(d.fundingRate);
  const szi = decOf(d.szi);
  if (
    !symbol ||
    amount === undefined ||
    rate === undefined ||
    szi === undefined ||
    typeof e.time !== 'number'
  )
    return null;
  return { symbol, time: e.time, amount, rate, positionSize: szi };
}
