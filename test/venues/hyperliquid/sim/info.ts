// POST /info: the reads ccxt's hyperliquid class makes (loadMarkets: spotMeta, spotMetaAndAssetCtxs,
// metaAndAssetCtxs, perpDexs; first private call: userAbstraction; then clearinghouseState,
// frontendOpenOrders/openOrders, orderStatus, userFills/userFillsByTime, l2Book, allMids, candleSnapshot,
// userFees, exchangeStatus), in Hyperliquid's shapes. Numbers are strings; sides B (bid) / A (ask).
import { type Dec, ZERO } from '../../../../src/shared/domain/decimal.ts';
import type { Account, Fill, Order } from './account.ts';
import { type Coin, wireText } from './market.ts';
import type { Wire } from './signing.ts';

export interface Candle {
  t: number;
  T: number;
  o: Dec;
  h: Dec;
  l: Dec;
  c: Dec;
  v: Dec;
  n: number;
}

export interface InfoContext {
  account: Account;
  /** The account's address (lowercase): reads for another user answer an empty account. */
  user: string;
  coins: Coin[];
  now: number;
  candles: Map<string, Candle[]>;
  funding: Map<string, Dec>;
  openInterest: Map<string, Dec>;
}

type Obj = Record<string, unknown>;
const t = wireText;
/** USDC as Hyperliquid prints it: up to 6 decimals, at least one (`100000.0`). */
const usdText = (x: Dec) => {
  const s = x.round(6, 1).toFixed();
  return s.includes('.') ? s : `${s}.0`;
};

const USDC_TOKEN: Wire = {
  name: 'USDC',
  szDecimals: 8,
  weiDecimals: 8,
  index: 0,
  tokenId: '0x6d1e7cde53ba9467b783cb7c530ce054',
  isCanonical: true,
  evmContract: null,
  fullName: null,
};

function meta(ctx: InfoContext): Wire {
  return {
    universe: ctx.coins.map((c) => {
      const u: Record<string, Wire> = {
        szDecimals: c.szDecimals,
        name: c.name,
        maxLeverage: c.maxLeverage,
        marginTableId: c.maxLeverage,
      };
      if (c.onlyIsolated) u.onlyIsolated = true;
      return u;
    }),
    marginTables: [],
  };
}

function assetCtxs(ctx: InfoContext): Wire {
  return ctx.coins.map((c) => {
    const q = ctx.account.quote(c);
    const mid = q.bid.plus(q.ask).div(2);
    return {
      funding: t(ctx.funding.get(c.name) ?? ZERO),
      openInterest: t(ctx.openInterest.get(c.name) ?? ZERO),
      prevDayPx: t(q.mark),
      dayNtlVlm: '0.0',
      premium: '0.0',
      oraclePx: t(q.mark),
      markPx: t(q.mark),
      midPx: t(mid.round(8)),
      impactPxs: [t(q.bid), t(q.ask)],
      dayBaseVlm: '0.0',
    };
  });
}

function clearinghouse(ctx: InfoContext, mine: boolean): Wire {
  const a = ctx.account;
  const positions: Wire[] = [];
  let ntl = ZERO;
  if (mine) {
    for (const c of ctx.coins) {
      const p = a.position(c);
      if (p.szi.eq(0)) continue;
      const lev = a.leverage.get(c.name)!;
      const value = p.szi.abs().times(a.quote(c).mark);
      ntl = ntl.plus(value);
      const margin = a.marginUsed(c);
      const upnl = a.unrealized(c);
      positions.push({
        type: 'oneWay',
        position: {
          coin: c.name,
          szi: t(p.szi),
          leverage: { type: lev.type, value: lev.value },
          entryPx: t(p.entryPx),
          positionValue: usdText(value),
          unrealizedPnl: usdText(upnl),
          returnOnEquity: margin.gt(0) ? t(upnl.div(margin).round(8)) : '0.0',
          liquidationPx: null,
          marginUsed: usdText(margin),
          maxLeverage: c.maxLeverage,
          cumFunding: {
            allTime: usdText(p.fundingAllTime),
            sinceOpen: usdText(p.fundingSinceOpen),
            sinceChange: usdText(p.fundingSinceOpen),
          },
        },
      });
    }
  }
  const value = mine ? a.accountValue() : ZERO;
  const used = mine ? a.totalMarginUsed() : ZERO;
  const summary = {
    accountValue: usdText(value),
    totalNtlPos: usdText(ntl),
    totalRawUsd: usdText(mine ? a.cash : ZERO),
    totalMarginUsed: usdText(used),
  };
  return {
    marginSummary: summary,
    crossMarginSummary: summary,
    crossMaintenanceMarginUsed: usdText(used.div(2)),
    withdrawable: usdText(mine ? a.withdrawable() : ZERO),
    assetPositions: positions,
    time: ctx.now,
  };
}

const orderType = (o: Order) => {
  if (!o.trigger) return 'Limit';
  const kind = o.trigger.tpsl === 'sl' ? 'Stop' : 'Take Profit';
  return `${kind} ${o.trigger.isMarket ? 'Market' : 'Limit'}`;
};

function basicOrder(o: Order): Record<string, Wire> {
  const v: Record<string, Wire> = {
    coin: o.coin.name,
    side: o.side,
    limitPx: t(o.limitPx),
    sz: t(o.sz),
    oid: o.oid,
    timestamp: o.timestamp,
    origSz: t(o.origSz),
  };
  if (o.cloid) v.cloid = o.cloid;
  return v;
}

function frontendOrder(o: Order): Record<string, Wire> {
  const trig = o.trigger;
  const cond = !trig
    ? 'N/A'
    : `Price ${(o.side === 'A') === (trig.tpsl === 'sl') ? 'below' : 'above'} ${t(trig.triggerPx)}`;
  return {
    ...basicOrder(o),
    triggerCondition: cond,
    isTrigger: trig !== null,
    triggerPx: trig ? t(trig.triggerPx) : '0.0',
    children: [],
    isPositionTpsl: o.positionTpsl,
    reduceOnly: o.reduceOnly,
    orderType: orderType(o),
    tif: o.tif,
    cloid: o.cloid,
  };
}

function fillView(f: Fill): Wire {
  const v: Record<string, Wire> = {
    coin: f.coin.name,
    px: t(f.px),
    sz: t(f.sz),
    side: f.side,
    time: f.time,
    startPosition: t(f.startPosition),
    dir: f.dir,
    closedPnl: usdText(f.closedPnl),
    hash: f.hash,
    oid: f.oid,
    crossed: f.crossed,
    fee: t(f.fee),
    tid: f.tid,
    feeToken: 'USDC',
  };
  if (f.cloid) v.cloid = f.cloid;
  if (f.builderFee.gt(0)) v.builderFee = t(f.builderFee);
  return v;
}

function orderStatus(req: Obj, ctx: InfoContext, mine: boolean): Wire {
  const ref = req.oid;
  const o = !mine
    ? undefined
    : typeof ref === 'string' && ref.startsWith('0x')
      ? ctx.account.byCloid(ref)
      : ctx.account.order(Number(ref));
  if (!o) return { status: 'unknownOid' };
  return {
    status: 'order',
    order: { order: frontendOrder(o), status: o.status, statusTimestamp: o.statusTimestamp },
  };
}

function l2Book(coin: Coin, ctx: InfoContext): Wire {
  const q = ctx.account.quote(coin);
  const level = (px: Dec) => ({ px: t(px), sz: '10.0', n: 1 });
  return { coin: coin.name, time: ctx.now, levels: [[level(q.bid)], [level(q.ask)]] };
}

function candles(req: Obj, ctx: InfoContext): Wire {
  const r = (req.req ?? {}) as Obj;
  const list = ctx.candles.get(`${String(r.coin)}:${String(r.interval)}`) ?? [];
  const start = Number(r.startTime ?? 0);
  const end = Number(r.endTime ?? Number.MAX_SAFE_INTEGER);
  return list
    .filter((c) => c.t >= start && c.t <= end)
    .map((c) => ({
      t: c.t,
      T: c.T,
      s: String(r.coin),
      i: String(r.interval),
      o: t(c.o),
      c: t(c.c),
      h: t(c.h),
      l: t(c.l),
      v: t(c.v),
      n: c.n,
    }));
}

/** The answer to one /info request (undefined: an unknown type, answered 422 by the server). */
export function handleInfo(req: Obj, ctx: InfoContext): Wire | undefined {
  const mine = typeof req.user === 'string' && req.user.toLowerCase() === ctx.user;
  const coinOf = (name: unknown) => ctx.coins.find((c) => c.name === name);
  const myFills = () => (mine ? ctx.account.fills : []);
  switch (req.type) {
    case 'meta':
      return meta(ctx);
    case 'metaAndAssetCtxs':
      // A builder-deployed dex (HIP-3) lists nothing here.
      if (typeof req.dex === 'string' && req.dex !== '') return [{ universe: [], marginTables: [] }, []];
      return [meta(ctx), assetCtxs(ctx)];
    case 'spotMeta':
      return { universe: [], tokens: [USDC_TOKEN] };
    case 'spotMetaAndAssetCtxs':
      return [{ universe: [], tokens: [USDC_TOKEN] }, []];
    case 'perpDexs':
      return [null];
    case 'exchangeStatus':
      return { specialStatuses: null, time: ctx.now };
    case 'userAbstraction':
      return 'default';
    case 'allMids': {
      const out: Record<string, Wire> = {};
      for (const c of ctx.coins) {
        const q = ctx.account.quote(c);
        out[c.name] = t(q.bid.plus(q.ask).div(2).round(8));
      }
      return out;
    }
    case 'clearinghouseState':
      return clearinghouse(ctx, mine);
    case 'spotClearinghouseState':
      return { balances: [] };
    case 'openOrders':
      return mine ? ctx.account.open().map(basicOrder) : [];
    case 'frontendOpenOrders':
      return mine ? ctx.account.open().map(frontendOrder) : [];
    case 'historicalOrders':
      return mine
        ? ctx.account.orders.map((o) => ({
            order: frontendOrder(o),
            status: o.status,
            statusTimestamp: o.statusTimestamp,
          }))
        : [];
    case 'orderStatus':
      return orderStatus(req, ctx, mine);
    case 'userFills':
      return myFills().slice(-2000).reverse().map(fillView);
    case 'userFillsByTime': {
      const start = Number(req.startTime ?? 0);
      const end =
        req.endTime === undefined || req.endTime === null ? Number.MAX_SAFE_INTEGER : Number(req.endTime);
      return myFills()
        .filter((f) => f.time >= start && f.time <= end)
        .slice(0, 2000)
        .map(fillView);
    }
    case 'userFunding': {
      const start = Number(req.startTime ?? 0);
      return (mine ? ctx.account.funding : [])
        .filter((f) => f.time >= start)
        .map((f) => ({
          time: f.time,
          hash: '0x0000000000000000000000000000000000000000000000000000000000000000',
          delta: {
            type: 'funding',
            coin: f.coin.name,
            usdc: t(f.usdc),
            szi: t(f.szi),
            fundingRate: t(f.rate),
          },
        }));
    }
    case 'l2Book': {
      const coin = coinOf(req.coin);
      return coin ? l2Book(coin, ctx) : null;
    }
    case 'candleSnapshot':
      return candles(req, ctx);
    case 'userFees':
      return {
        dailyUserVlm: [],
        feeSchedule: { cross: t(ctx.account.takerFee), add: t(ctx.account.makerFee) },
        userCrossRate: t(ctx.account.takerFee),
        userAddRate: t(ctx.account.makerFee),
        activeReferralDiscount: '0.0',
      };
    default:
      return undefined;
  }
}

/** How many items an answer lists (history weight). */
export const itemCount = (w: Wire | undefined): number => (Array.isArray(w) ? w.length : 0);
