// POST /exchange: what each signed action does to the account, answered in Hyperliquid's shapes. An
// action-level failure is `{status:"err",response:text}`; per-order outcomes are `statuses[]` inside
// `{status:"ok"}` (`{resting:{oid}}`, `{filled:{totalSz,avgPx,oid}}`, `"success"`, `{error}`).
import { type Dec, ZERO } from '../../../../src/shared/domain/decimal.ts';
import type { Account, Fill, Order, Side, Tif, Trigger } from './account.ts';
import { ERR } from './errors.ts';
import { type Coin, validPrice, validSize, wireDecimal, wireText } from './market.ts';
import type { Wire } from './signing.ts';

export interface DeadManSwitch {
  /** When it fires (ms), null when unset. */
  time: number | null;
  /** Fires per UTC day (`YYYY-MM-DD`). */
  fires: Map<string, number>;
  /** Notional an account must have traded before it may set one (Hyperliquid: $1,000,000). */
  requiredVolume: Dec;
}

export interface ExchangeContext {
  account: Account;
  coins: Coin[];
  now: number;
  liquidity: Dec | undefined;
  deadMan: DeadManSwitch;
  /** Fills this request booked, for the request log. */
  fills: Fill[];
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const ok = (response: Wire): Wire => ({ status: 'ok', response });
const err = (text: string): Wire => ({ status: 'err', response: text });
const statuses = (type: string, list: Wire[]): Wire => ok({ type, data: { statuses: list } });
const DEFAULT: Wire = ok({ type: 'default' });

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Parsed {
  coin: Coin;
  side: Side;
  px: Dec;
  sz: Dec;
  reduceOnly: boolean;
  tif: Tif | null;
  trigger: Trigger | null;
  cloid: string | null;
}

/** One order wire `{a,b,p,s,r,t,c?}` checked as Hyperliquid checks it. */
function parseOrder(w: unknown, ctx: ExchangeContext, grouping: string): Parsed | { error: string } {
  if (!isObj(w)) return { error: ERR.deserialize };
  const asset = typeof w.a === 'number' ? w.a : -1;
  const coin = ctx.coins[asset];
  if (!coin) return { error: ERR.unknownAsset(w.a) };
  const px = wireDecimal(w.p);
  const sz = wireDecimal(w.s);
  if (px === undefined || !validPrice(coin, px)) return { error: ERR.tick(asset) };
  if (sz === undefined || sz.lt(0) || !validSize(coin, sz)) return { error: ERR.size(asset) };
  const t = isObj(w.t) ? w.t : {};
  let tif: Tif | null = null;
  let trigger: Trigger | null = null;
  if (isObj(t.limit)) {
    const v = t.limit.tif;
    if (v !== 'Gtc' && v !== 'Alo' && v !== 'Ioc') return { error: ERR.deserialize };
    tif = v;
  } else if (isObj(t.trigger)) {
    const tp = wireDecimal(t.trigger.triggerPx);
    if (tp === undefined || !validPrice(coin, tp)) return { error: ERR.badTriggerPx(asset) };
    if (t.trigger.tpsl !== 'tp' && t.trigger.tpsl !== 'sl') return { error: ERR.deserialize };
    trigger = { isMarket: t.trigger.isMarket === true, triggerPx: tp, tpsl: t.trigger.tpsl };
  } else return { error: ERR.deserialize };
  const wholePosition = grouping === 'positionTpsl' && trigger !== null && sz.eq(0);
  if (sz.eq(0) && !wholePosition) return { error: ERR.zeroSize(asset) };
  if (!wholePosition && px.times(sz).lt(10)) return { error: ERR.minValue(asset) };
  return {
    coin,
    side: w.b === true ? 'B' : 'A',
    px,
    sz,
    reduceOnly: w.r === true,
    tif,
    trigger,
    cloid: typeof w.c === 'string' ? w.c.toLowerCase() : null,
  };
}

/** Places one checked order: crosses, rests or is refused; its status entry. */
function place(p: Parsed, ctx: ExchangeContext, grouping: string, builder: Order['builder']): Wire {
  const { account, now } = ctx;
  const a = p.coin.asset;
  const pos = account.position(p.coin).szi;
  const reduces = p.side === 'B' ? pos.lt(0) : pos.gt(0);
  if (p.reduceOnly && p.trigger === null && !reduces) return { error: ERR.reduceOnly(a) };
  if (!p.reduceOnly && p.trigger === null) {
    const lev = account.leverage.get(p.coin.name)!.value;
    if (p.px.times(p.sz).div(lev).gt(account.withdrawable())) return { error: ERR.margin(a) };
  }
  if (p.tif !== null && account.crosses(p, p.px) && p.tif === 'Alo') {
    const q = account.quote(p.coin);
    return { error: ERR.postOnly(wireText(q.bid), wireText(q.ask), a) };
  }
  if (p.tif === 'Ioc' && !account.crosses(p, p.px)) return { error: ERR.iocNoMatch(a) };
  const o: Order = {
    oid: account.newOid(),
    cloid: p.cloid,
    coin: p.coin,
    side: p.side,
    limitPx: p.px,
    origSz: p.sz,
    sz: p.sz,
    tif: p.tif,
    reduceOnly: p.reduceOnly || p.trigger !== null,
    trigger: p.trigger,
    positionTpsl: grouping === 'positionTpsl' && p.trigger !== null,
    status: 'open',
    timestamp: now,
    statusTimestamp: now,
    builder,
  };
  account.orders.push(o);
  const ids = (extra: Record<string, Wire>): Wire =>
    o.cloid ? { ...extra, oid: o.oid, cloid: o.cloid } : { ...extra, oid: o.oid };
  if (o.trigger !== null) return { resting: ids({}) };
  const fills = account.crosses(o, o.limitPx) ? account.take(o, now, ctx.liquidity) : [];
  ctx.fills.push(...fills);
  const filled = fills.reduce((x, f) => x.plus(f.sz), ZERO);
  if (o.tif === 'Ioc' && o.status !== 'filled') account.cancel(o, now);
  if (filled.gt(0) && o.status !== 'open') {
    const avg = fills.reduce((x, f) => x.plus(f.sz.times(f.px)), ZERO).div(filled);
    return { filled: ids({ totalSz: wireText(filled), avgPx: wireText(avg.round(8)) }) };
  }
  return { resting: ids({}) };
}

function orderAction(action: Obj, ctx: ExchangeContext): Wire {
  const grouping = typeof action.grouping === 'string' ? action.grouping : 'na';
  if (!['na', 'normalTpsl', 'positionTpsl'].includes(grouping) || !Array.isArray(action.orders)) {
    return err(ERR.deserialize);
  }
  const builder = isObj(action.builder) ? { b: String(action.builder.b), f: Number(action.builder.f) } : null;
  if (grouping === 'normalTpsl') return statuses('order', placeGroup(action.orders, ctx, builder));
  const out: Wire[] = [];
  for (const w of action.orders) {
    const p = parseOrder(w, ctx, grouping);
    out.push('error' in p ? { error: p.error } : place(p, ctx, grouping, builder));
  }
  return statuses('order', out);
}

/**
 * `normalTpsl`: the first order is the parent, the rest its reduce-only tp/sl triggers on the other side.
 * The children rest from the start but wait for the parent's first fill (answered `waitingForFill`, or
 * `waitingForTrigger` when the parent filled on arrival), then are sized to what the parent filled; one
 * triggering cancels the other; the parent ending unfilled cancels them (account.ts).
 */
function placeGroup(wires: unknown[], ctx: ExchangeContext, builder: Order['builder']): Wire[] {
  const [first, ...rest] = wires.map((w) => parseOrder(w, ctx, 'normalTpsl'));
  if (first === undefined) return [];
  if (!('error' in first) && first.trigger !== null)
    return wires.map(() => ({ error: 'normalTpsl: the first order must be the parent, not a trigger' }));
  const childError = (c: Parsed | { error: string }): string | null => {
    if ('error' in c) return c.error;
    if ('error' in first) return first.error;
    if (c.trigger === null || !c.reduceOnly || c.side === first.side || c.coin !== first.coin)
      return 'normalTpsl: a child must be a reduce-only trigger on the other side of its parent';
    return null;
  };
  const refused = rest.map(childError).find((e) => e !== null);
  if ('error' in first || refused) {
    const why = 'error' in first ? first.error : refused!;
    return wires.map(() => ({ error: why }));
  }
  const parentWire = place(first, ctx, 'na', builder);
  const oid = asObjOid(parentWire);
  const parent = oid === undefined ? undefined : ctx.account.order(oid);
  if (!parent) return [parentWire, ...rest.map(() => ({ error: 'normalTpsl: the parent was refused' }))];
  const filled = parent.origSz.minus(parent.sz);
  parent.children = [];
  const out: Wire[] = [parentWire];
  for (const c of rest as Parsed[]) {
    const o: Order = {
      oid: ctx.account.newOid(),
      cloid: c.cloid,
      coin: c.coin,
      side: c.side,
      limitPx: c.px,
      origSz: filled.gt(0) ? filled : c.sz,
      sz: filled.gt(0) ? filled : c.sz,
      tif: null,
      reduceOnly: true,
      trigger: c.trigger,
      positionTpsl: false,
      parent: parent.oid,
      status: parent.status === 'open' || filled.gt(0) ? 'open' : 'canceled',
      timestamp: ctx.now,
      statusTimestamp: ctx.now,
      builder,
    };
    ctx.account.orders.push(o);
    parent.children.push(o.oid);
    out.push(filled.gt(0) ? 'waitingForTrigger' : 'waitingForFill');
  }
  return out;
}

function asObjOid(w: Wire): number | undefined {
  if (!isObj(w)) return undefined;
  const inner = isObj(w.resting) ? w.resting : isObj(w.filled) ? w.filled : undefined;
  return inner && typeof inner.oid === 'number' ? inner.oid : undefined;
}

function cancelAction(action: Obj, ctx: ExchangeContext, byCloid: boolean): Wire {
  if (!Array.isArray(action.cancels)) return err(ERR.deserialize);
  const out: Wire[] = [];
  for (const c of action.cancels) {
    const asset = isObj(c) ? Number(byCloid ? c.asset : c.a) : -1;
    const o = !isObj(c)
      ? undefined
      : byCloid
        ? typeof c.cloid === 'string'
          ? ctx.account.byCloid(c.cloid)
          : undefined
        : ctx.account.order(Number(c.o));
    if (!o || o.coin.asset !== asset || (o.status !== 'open' && o.status !== 'triggered')) {
      out.push({ error: ERR.cancelMissing(asset) });
      continue;
    }
    ctx.account.cancel(o, ctx.now);
    out.push('success');
  }
  return statuses('cancel', out);
}

/** Cancel-replace: the old order ends, the new one gets a new oid and keeps the cloid. */
function modifyOne(m: unknown, ctx: ExchangeContext): Wire {
  if (!isObj(m)) return { error: ERR.deserialize };
  const old = typeof m.oid === 'string' ? ctx.account.byCloid(m.oid) : ctx.account.order(Number(m.oid));
  if (!old || (old.status !== 'open' && old.status !== 'triggered')) return { error: ERR.modifyMissing };
  const p = parseOrder(m.order, ctx, 'na');
  if ('error' in p) return { error: p.error };
  if (p.cloid === null) p.cloid = old.cloid;
  ctx.account.cancel(old, ctx.now);
  const result = place(p, ctx, 'na', old.builder);
  if (isObj(result) && 'error' in result) {
    // A refused replacement leaves the old order as it was, as Hyperliquid's atomic modify does.
    old.status = 'open';
  }
  return result;
}

function scheduleCancel(action: Obj, ctx: ExchangeContext): Wire {
  const { deadMan, account, now } = ctx;
  if (account.volume.lt(deadMan.requiredVolume)) {
    return err(ERR.scheduleVolume(wireText(deadMan.requiredVolume), wireText(account.volume.round(5))));
  }
  if (action.time === undefined || action.time === null) {
    deadMan.time = null;
    return DEFAULT;
  }
  const time = Number(action.time);
  if (!Number.isFinite(time) || time < now + 5_000) return err(ERR.scheduleTooEarly);
  if ((deadMan.fires.get(utcDay(now)) ?? 0) >= 10) return err(ERR.scheduleTooMany);
  deadMan.time = time;
  return DEFAULT;
}

/** Fires the dead-man switch when its time has come: every open order ends `scheduledCancel`. */
export function checkDeadMan(account: Account, deadMan: DeadManSwitch, now: number): Order[] {
  if (deadMan.time === null || now < deadMan.time) return [];
  const at = deadMan.time;
  deadMan.time = null;
  deadMan.fires.set(utcDay(at), (deadMan.fires.get(utcDay(at)) ?? 0) + 1);
  const cancelled = account.open();
  for (const o of cancelled) account.cancel(o, at, 'scheduledCancel');
  return cancelled;
}

function updateLeverage(action: Obj, ctx: ExchangeContext): Wire {
  const coin = ctx.coins[Number(action.asset)];
  if (!coin) return err(ERR.unknownAsset(action.asset));
  const lev = Number(action.leverage);
  if (!Number.isInteger(lev) || lev < 1 || lev > coin.maxLeverage) return err(ERR.leverage);
  if (coin.onlyIsolated && action.isCross === true) return err(ERR.leverage);
  ctx.account.leverage.set(coin.name, { type: action.isCross === true ? 'cross' : 'isolated', value: lev });
  return DEFAULT;
}

/** The action types the sim knows; any other is answered as Hyperliquid answers an unknown body. */
export const KNOWN_ACTIONS = new Set([
  'order',
  'cancel',
  'cancelByCloid',
  'modify',
  'batchModify',
  'scheduleCancel',
  'updateLeverage',
  'approveBuilderFee',
  'setReferrer',
  'noop',
]);

export function handleExchange(action: Obj, ctx: ExchangeContext): Wire {
  switch (action.type) {
    case 'order':
      return orderAction(action, ctx);
    case 'cancel':
      return cancelAction(action, ctx, false);
    case 'cancelByCloid':
      return cancelAction(action, ctx, true);
    case 'modify': {
      const r = modifyOne(action, ctx);
      return isObj(r) && 'error' in r ? err(String(r.error)) : DEFAULT;
    }
    case 'batchModify':
      if (!Array.isArray(action.modifies)) return err(ERR.deserialize);
      return statuses(
        'order',
        action.modifies.map((m) => modifyOne(m, ctx)),
      );
    case 'scheduleCancel':
      return scheduleCancel(action, ctx);
    case 'updateLeverage':
      return updateLeverage(action, ctx);
    case 'approveBuilderFee':
    case 'setReferrer':
    case 'noop':
      // Accepted (and recorded by the server) so a test can prove whether a client sends them.
      return DEFAULT;
    default:
      return err(ERR.deserialize);
  }
}
