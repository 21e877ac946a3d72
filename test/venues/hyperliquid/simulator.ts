// A Hyperliquid perpetuals venue on 127.0.0.1 for tests that drive the REAL ccxt `hyperliquid` client
// (and Braid's adapter) against it. It speaks Hyperliquid's wire: unsigned `POST /info` reads and signed
// `POST /exchange` actions, JSON both ways. It checks what Hyperliquid checks: the EIP-712 signature is
// recovered (L1 actions through the phantom agent, user-signed actions over their own fields) and the
// signer must be the account or one of its API wallets; nonces follow the per-signer sliding set; prices,
// sizes and the $10 minimum are Hyperliquid's; 1200 weight a minute per IP, HTTP 429 beyond. It keeps one
// account's cash, positions, orders and fills, fills orders against a scripted price path, and lets a test
// script a live venue's failures: an order accepted and the connection dropped, an answer lost, 429, 5xx,
// late fills, fills while the client is away, the dead-man switch firing.
//
// Pointing ccxt at it (ccxt builds urls.api[api] + '/' + path):
//   new ccxt.hyperliquid({ walletAddress: sim.account, privateKey: sim.accountKey,
//                          urls: { api: { public: sim.url, private: sim.url } } })
// Every /exchange action is logged with its recovered signer, so a test can prove that approveBuilderFee,
// setReferrer or an order's `builder` field never arrive (ccxt sends them by default: wire notes fact 1).
//
// The account's WebSocket is on the same port at `wsUrl` (/ws, as wss://api.hyperliquid.xyz/ws): point
// ccxt pro at it with urls.api.ws.public = sim.wsUrl. Every change the REST side or a scripted event
// makes is pushed to the subscribed sockets (sim/ws.ts, orderUpdates and userFills) from the same
// account /info reads; wsDrop() ends them, wsRefuse() keeps new ones out, wsSessions() shows each.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Dec, dec, ZERO } from '../../../src/shared/domain/decimal.ts';
import { Account, type Fill, type Order, type OrderStatus } from './sim/account.ts';
import { ERR } from './sim/errors.ts';
import { checkDeadMan, type DeadManSwitch, handleExchange, utcDay } from './sim/exchange.ts';
import { type Candle, handleInfo, itemCount } from './sim/info.ts';
import { buildCoins, type Coin, DEFAULT_PRICES, type Quote, type SimCoinConfig } from './sim/market.ts';
import { NonceSets } from './sim/nonces.ts';
import {
  addressOfKey,
  l1Digest,
  recoverSigner,
  USER_SIGNED_TYPES,
  userSignedDigest,
  type Wire,
} from './sim/signing.ts';
import { exchangeWeight, infoWeight, itemsWeight, type WeightView, WeightWindow } from './sim/weights.ts';
import { AccountFeed, type SimWsSession } from './sim/ws.ts';

export { ERR as HYPERLIQUID_ERRORS } from './sim/errors.ts';
export type { SimCoinConfig } from './sim/market.ts';
export {
  actionHash,
  addressOfKey,
  l1Digest,
  msgpack,
  phantomAgent,
  recoverSigner,
  signDigest,
  userSignedDigest,
} from './sim/signing.ts';
export type { SimWsSession } from './sim/ws.ts';

type Amount = string | number;

/** Fixed test keys (never funded anywhere): the account's own key and an API wallet approved for it. */
export const TEST_KEYS = {
  account: '0x0123456789012345678901234567890123456789012345678901234567890123',
  agent: '0x1111111111111111111111111111111111111111111111111111111111111111',
  stranger: '0x2222222222222222222222222222222222222222222222222222222222222222',
} as const;

export interface PriceUpdate {
  bid: Amount;
  ask: Amount;
  /** Defaults to the mid of bid and ask; trigger orders fire on it. */
  mark?: Amount;
  /** Most size any one order fills on this update (else the sim's `liquidity`, else all). */
  liquidity?: Amount;
}

export interface HyperliquidSimOptions {
  coins?: SimCoinConfig[];
  /** By coin name (`BTC`) or symbol (`BTC/USDC:USDC`). */
  prices?: Record<string, PriceUpdate>;
  /** The account's USDC. Default 100000. */
  balance?: Amount;
  /** Fee rates (Hyperliquid base tier: maker 0.00015, taker 0.00045). */
  makerFee?: Amount;
  takerFee?: Amount;
  /** The sim clock in ms; `advance()` adds to it. Nonces are checked against it, so keep it near real time. */
  now?: () => number;
  /** The account's private key (default TEST_KEYS.account). */
  accountKey?: string;
  /** API wallets approved for the account, as addresses or private keys (default: TEST_KEYS.agent's). */
  agents?: string[];
  /** Which phantom-agent source signatures are checked with: 'a' mainnet (ccxt's default), 'b' testnet. */
  mainnet?: boolean;
  /** Weight per rolling minute per IP (Hyperliquid: 1200). */
  weightPerMinute?: number;
  /** Most size one order fills per price event; unset: whole orders fill. */
  liquidity?: Amount;
  /** Notional the account has traded (scheduleCancel is refused below `scheduleCancelVolume`). */
  tradedVolume?: Amount;
  scheduleCancelVolume?: Amount;
  /** Fills the WebSocket's userFills snapshot carries at most (default 100; 0: an empty snapshot). */
  wsSnapshotFills?: number;
}

/** `path` names an endpoint (`exchange`, `info`), an action type (`order`) or an info type (`orderStatus`). */
export type SimFault =
  | { kind: 'drop_after_accept'; path: string; count?: number }
  | { kind: 'drop_before_accept'; path: string; count?: number }
  | { kind: 'lose_answer'; path: string; count?: number }
  | { kind: 'http_5xx'; status: number; path?: string; acted: boolean; count?: number }
  | { kind: 'error'; path?: string; error: string; acted?: boolean; count?: number }
  | { kind: 'rate_limit_storm'; path?: string; count: number };

export interface SimRequest {
  endpoint: 'info' | 'exchange' | 'unknown';
  /** The info type or the action type. */
  type: string | undefined;
  body: unknown;
  rawBody: string;
  nonce: number | undefined;
  /** The address recovered from the signature (lowercase), for /exchange. */
  signer: string | undefined;
  /** `account` or `agent` when the signer may act for the account, else null. */
  signerRole: 'account' | 'agent' | null;
  /** An order action's `builder` field `{b, f}`, if it had one. */
  builder: unknown;
  vaultAddress: unknown;
  /** HTTP status answered (0 when the connection was dropped or the answer lost). */
  status: number;
  /** The err text, or the first per-status error. */
  error: string | undefined;
  /** The JSON answered, if any. */
  response: Wire | undefined;
  fault: SimFault['kind'] | undefined;
  weight: number;
  ip: string;
  at: number;
}

export interface SimOrderView {
  oid: number;
  cloid: string | null;
  coin: string;
  side: 'B' | 'A';
  limitPx: string;
  origSz: string;
  sz: string;
  tif: string | null;
  reduceOnly: boolean;
  trigger: { isMarket: boolean; triggerPx: string; tpsl: 'tp' | 'sl' } | null;
  status: OrderStatus;
  builder: { b: string; f: number } | null;
  timestamp: number;
}

export interface SimFillView {
  tid: number;
  oid: number;
  cloid: string | null;
  coin: string;
  side: 'B' | 'A';
  px: string;
  sz: string;
  fee: string;
  builderFee: string;
  closedPnl: string;
  crossed: boolean;
  dir: string;
  time: number;
}

export interface SimPositionView {
  coin: string;
  szi: string;
  entryPx: string;
  leverage: { type: 'cross' | 'isolated'; value: number };
}

export interface HyperliquidSim {
  url: string;
  /** The account WebSocket (Hyperliquid's wss://api.hyperliquid.xyz/ws). */
  wsUrl: string;
  /** Ends every open WebSocket: `reset` (default) destroys it, `close` sends a close frame. How many. */
  wsDrop(how?: 'close' | 'reset'): number;
  /** While true, WebSocket upgrades are refused (HTTP 503): the socket endpoint is down. */
  wsRefuse(refuse: boolean): void;
  wsSessions(): SimWsSession[];
  /** The account address (lowercase) ccxt passes as walletAddress. */
  account: string;
  accountKey: string;
  /** TEST_KEYS.agent, approved for the account unless `agents` said otherwise. */
  agentKey: string;
  addAgent(addressOrKey: string): string;
  removeAgent(addressOrKey: string): void;
  close(): Promise<void>;
  /** Closes every client connection (Braid going away); the server keeps listening. */
  dropConnections(): void;
  setPrice(coin: string, q: PriceUpdate): void;
  /** Bars candleSnapshot answers for one interval (`1m`, `1h`, …). */
  setCandles(
    coin: string,
    interval: string,
    candles: Array<{
      time: number;
      open: Amount;
      high: Amount;
      low: Amount;
      close: Amount;
      volume?: Amount;
      closeTime?: number;
    }>,
  ): void;
  /** Books funding at `rate` on the coin's position (szi × mark × rate, longs pay when positive). */
  applyFunding(coin: string, rate: Amount): string;
  /** Fills an open order (oid or cloid) by `sz` as a maker at `px` (default its limit); the tid, or undefined while held. */
  fill(ref: number | string, sz: Amount, px?: Amount): number | undefined;
  holdFills(held: boolean): void;
  /** Books the held fills, even on orders cancelled since; their tids. */
  releaseFills(): number[];
  fault(f: SimFault): void;
  clearFaults(): void;
  advance(ms: number): void;
  now(): number;
  orders(): SimOrderView[];
  order(ref: number | string): SimOrderView | undefined;
  fills(): SimFillView[];
  positions(): SimPositionView[];
  /** USDC cash (without unrealized P&L). */
  cash(): string;
  accountValue(): string;
  requests(): SimRequest[];
  /** Actions of a type that arrived (whatever the answer): e.g. `actions('approveBuilderFee')`. */
  actions(type: string): SimRequest[];
  /** Every /exchange request whose action carried a `builder` field. */
  builderOrders(): SimRequest[];
  deadMan(): { time: number | null; firesToday: number };
  weight(ip?: string): WeightView;
  nonces(signer: string): number[];
}

interface ActiveFault {
  fault: SimFault;
  left: number;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const asAddress = (x: string) => (x.length === 66 ? addressOfKey(x) : x.toLowerCase());

function quoteOf(u: PriceUpdate): Quote {
  const bid = dec(u.bid);
  const ask = dec(u.ask);
  if (ask.lt(bid)) throw new Error(`ask ${ask} below bid ${bid}`);
  return { bid, ask, mark: u.mark === undefined ? bid.plus(ask).div(2) : dec(u.mark) };
}

/** How many items an action batches (its weight). */
function batchLength(action: Obj): number {
  for (const k of ['orders', 'cancels', 'modifies']) {
    const v = action[k];
    if (Array.isArray(v)) return v.length;
  }
  return 1;
}

/** The first error an answer carries: the err text or a per-status `{error}`. */
function errorOf(w: Wire | undefined): string | undefined {
  if (!isObj(w)) return undefined;
  if (w.status === 'err') return String(w.response);
  const data = isObj(w.response) && isObj(w.response.data) ? w.response.data : undefined;
  const list = data && Array.isArray(data.statuses) ? data.statuses : [];
  for (const s of list) if (isObj(s) && typeof s.error === 'string') return s.error;
  return undefined;
}

const orderView = (o: Order): SimOrderView => ({
  oid: o.oid,
  cloid: o.cloid,
  coin: o.coin.name,
  side: o.side,
  limitPx: o.limitPx.toFixed(),
  origSz: o.origSz.toFixed(),
  sz: o.sz.toFixed(),
  tif: o.tif,
  reduceOnly: o.reduceOnly,
  trigger: o.trigger
    ? { isMarket: o.trigger.isMarket, triggerPx: o.trigger.triggerPx.toFixed(), tpsl: o.trigger.tpsl }
    : null,
  status: o.status,
  builder: o.builder,
  timestamp: o.timestamp,
});

const fillView = (f: Fill): SimFillView => ({
  tid: f.tid,
  oid: f.oid,
  cloid: f.cloid,
  coin: f.coin.name,
  side: f.side,
  px: f.px.toFixed(),
  sz: f.sz.toFixed(),
  fee: f.fee.toFixed(),
  builderFee: f.builderFee.toFixed(),
  closedPnl: f.closedPnl.toFixed(),
  crossed: f.crossed,
  dir: f.dir,
  time: f.time,
});

export async function startHyperliquidSim(options: HyperliquidSimOptions = {}): Promise<HyperliquidSim> {
  const clock = options.now ?? Date.now;
  let offset = 0;
  const now = () => clock() + offset;
  const coins = buildCoins(options.coins);
  const coinOf = (name: string): Coin => {
    const c = coins.find((x) => x.name === name || x.symbol === name);
    if (!c) throw new Error(`unknown coin ${name}`);
    return c;
  };
  const quotes = new Map<string, Quote>();
  for (const c of coins) {
    const u = options.prices?.[c.name] ?? options.prices?.[c.symbol] ?? DEFAULT_PRICES[c.name];
    if (u) quotes.set(c.name, quoteOf(u));
  }
  const account = new Account(
    dec(options.balance ?? 100_000),
    coins,
    quotes,
    dec(options.makerFee ?? '0.00015'),
    dec(options.takerFee ?? '0.00045'),
    dec(options.tradedVolume ?? 0),
  );
  const accountKey = options.accountKey ?? TEST_KEYS.account;
  const accountAddress = addressOfKey(accountKey);
  const agents = new Set((options.agents ?? [TEST_KEYS.agent]).map(asAddress));
  const mainnet = options.mainnet ?? true;
  const nonces = new NonceSets();
  const weights = new WeightWindow(options.weightPerMinute ?? 1200);
  const deadMan: DeadManSwitch = {
    time: null,
    fires: new Map(),
    requiredVolume: dec(options.scheduleCancelVolume ?? 1_000_000),
  };
  const candles = new Map<string, Candle[]>();
  const funding = new Map<string, Dec>();
  const liquidityDefault = options.liquidity === undefined ? undefined : dec(options.liquidity);
  const log: SimRequest[] = [];
  let faults: ActiveFault[] = [];
  const lost = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let held: Array<() => Fill | undefined> | null = null;

  const infoContext = () => ({
    account,
    user: accountAddress,
    coins,
    now: now(),
    candles,
    funding,
    openInterest: new Map<string, Dec>(),
  });
  // The socket's shapes are /info's: one account, one way of showing it.
  const feed = new AccountFeed({
    ...(options.wsSnapshotFills !== undefined ? { snapshotFills: options.wsSnapshotFills } : {}),
    account,
    user: accountAddress,
    now,
    orderWire: (o) => {
      const answer = handleInfo({ type: 'orderStatus', user: accountAddress, oid: o.oid }, infoContext());
      return isObj(answer) ? (answer.order as Wire) : null;
    },
    fillWire: (f) => {
      const request = { type: 'userFillsByTime', user: accountAddress, startTime: f.time, endTime: f.time };
      const list = handleInfo(request, infoContext());
      return (Array.isArray(list) ? list : []).find((x) => isObj(x) && x.tid === f.tid) ?? null;
    },
  });

  const tick = () => {
    checkDeadMan(account, deadMan, now());
    feed.publish();
  };

  const takeFault = (names: string[]): SimFault | undefined => {
    const i = faults.findIndex(({ fault: f }) => f.path === undefined || names.includes(f.path));
    if (i < 0) return undefined;
    const active = faults[i]!;
    active.left -= 1;
    if (active.left <= 0) faults.splice(i, 1);
    return active.fault;
  };

  const send = (res: ServerResponse, entry: SimRequest, status: number, body: Wire | string) => {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    entry.status = status;
    if (typeof body !== 'string') entry.response = body;
    const type = typeof body === 'string' ? 'text/plain' : 'application/json';
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(payload) });
    res.end(payload);
  };

  /** Signature, identity and nonce: the account the action acts for, or Hyperliquid's refusal. */
  const authenticate = (body: Obj, action: Obj, entry: SimRequest): string | undefined => {
    const nonce = body.nonce;
    if (typeof nonce !== 'number') return ERR.deserialize;
    const vault = typeof body.vaultAddress === 'string' ? body.vaultAddress : null;
    const expiresAfter = typeof body.expiresAfter === 'number' ? body.expiresAfter : undefined;
    const userSigned = String(action.type) in USER_SIGNED_TYPES;
    const digest = userSigned
      ? userSignedDigest(action)
      : l1Digest(action as Wire, nonce, mainnet, vault, expiresAfter);
    const signer = digest ? recoverSigner(digest, body.signature) : undefined;
    entry.signer = signer;
    if (!signer) return ERR.unknownSigner('0x0000000000000000000000000000000000000000');
    // A user-signed action acts for its signer: only the account's own key may approve a builder.
    entry.signerRole =
      signer === accountAddress ? 'account' : !userSigned && agents.has(signer) ? 'agent' : null;
    if (entry.signerRole === null) return ERR.unknownSigner(signer);
    const taken = nonces.take(signer, nonce, now());
    return taken.ok ? undefined : taken.error;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, rawBody: string) => {
    tick();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const endpoint =
      url.pathname === '/info' ? 'info' : url.pathname === '/exchange' ? 'exchange' : 'unknown';
    let body: unknown;
    try {
      body = JSON.parse(rawBody || 'null');
    } catch {
      body = undefined;
    }
    const action = endpoint === 'exchange' && isObj(body) && isObj(body.action) ? body.action : undefined;
    const type =
      endpoint === 'info'
        ? isObj(body)
          ? String(body.type)
          : undefined
        : action
          ? String(action.type)
          : undefined;
    const entry: SimRequest = {
      endpoint,
      type,
      body,
      rawBody,
      nonce: isObj(body) && typeof body.nonce === 'number' ? body.nonce : undefined,
      signer: undefined,
      signerRole: null,
      builder: isObj(action?.builder) ? action.builder : undefined,
      vaultAddress: isObj(body) ? body.vaultAddress : undefined,
      status: 0,
      error: undefined,
      response: undefined,
      fault: undefined,
      weight: 0,
      ip: req.socket.remoteAddress ?? '?',
      at: now(),
    };
    log.push(entry);
    if (endpoint === 'unknown' || req.method !== 'POST') return send(res, entry, 404, 'Not Found');
    if (!isObj(body) || (endpoint === 'exchange' && !action)) {
      entry.error = ERR.deserialize;
      return send(res, entry, 422, ERR.deserialize);
    }
    const fault = takeFault([endpoint, ...(type ? [type] : [])]);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'rate_limit_storm') return send(res, entry, 429, 'null');
    if (fault?.kind === 'http_5xx' && !fault.acted)
      return send(res, entry, fault.status, `${fault.status} Bad Gateway`);
    if (fault?.kind === 'drop_before_accept') {
      req.socket.destroy();
      return;
    }
    const weight = endpoint === 'info' ? infoWeight(type ?? '') : exchangeWeight(batchLength(action!));
    if (!weights.charge(entry.ip, weight, now())) return send(res, entry, 429, 'null');
    entry.weight = weight;
    if (fault?.kind === 'error' && !fault.acted) {
      entry.error = fault.error;
      return send(res, entry, 200, { status: 'err', response: fault.error });
    }
    let answer: Wire;
    if (endpoint === 'info') {
      const info = handleInfo(body, infoContext());
      if (info === undefined) {
        entry.error = ERR.deserialize;
        return send(res, entry, 422, ERR.deserialize);
      }
      const extra = itemsWeight(type ?? '', itemCount(info));
      weights.add(entry.ip, extra, now());
      entry.weight += extra;
      answer = info;
    } else {
      const refused = authenticate(body, action!, entry);
      if (refused) answer = { status: 'err', response: refused };
      else {
        answer = handleExchange(action!, {
          account,
          coins,
          now: now(),
          liquidity: liquidityDefault,
          deadMan,
          fills: [],
        });
        feed.publish();
      }
    }
    entry.error = errorOf(answer);
    if (fault?.kind === 'http_5xx') return send(res, entry, fault.status, `${fault.status} Bad Gateway`);
    if (fault?.kind === 'error') {
      entry.error = fault.error;
      return send(res, entry, 200, { status: 'err', response: fault.error });
    }
    if (fault?.kind === 'drop_after_accept') {
      entry.response = answer;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'lose_answer') {
      entry.response = answer;
      lost.add(res);
      return;
    }
    send(res, entry, 200, answer);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket, head) => feed.upgrade(req, socket, head));
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const releaseFills = (): number[] => {
    const list = held ?? [];
    held = null;
    const tids = list.map((b) => b()?.tid).filter((t): t is number => t !== undefined);
    feed.publish();
    return tids;
  };

  const findOrder = (ref: number | string): Order => {
    const o =
      typeof ref === 'string' && ref.startsWith('0x') ? account.byCloid(ref) : account.order(Number(ref));
    if (!o) throw new Error(`no order ${ref}`);
    return o;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    wsDrop: (how) => feed.drop(how),
    wsRefuse: (refuse) => feed.refuse(refuse),
    wsSessions: () => feed.views(),
    account: accountAddress,
    accountKey,
    agentKey: TEST_KEYS.agent,
    addAgent(x) {
      const a = asAddress(x);
      agents.add(a);
      return a;
    },
    removeAgent(x) {
      agents.delete(asAddress(x));
    },
    async close() {
      for (const res of lost) res.destroy();
      lost.clear();
      await feed.close();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    setPrice(name, q) {
      tick();
      const coin = coinOf(name);
      quotes.set(coin.name, quoteOf(q));
      const liquidity = q.liquidity === undefined ? liquidityDefault : dec(q.liquidity);
      account.onQuote(coin, now(), liquidity);
      feed.publish();
    },
    setCandles(name, interval, list) {
      const coin = coinOf(name);
      const span = list.length > 1 ? list[1]!.time - list[0]!.time : 60_000;
      candles.set(
        `${coin.name}:${interval}`,
        list.map((c) => ({
          t: c.time,
          T: c.closeTime ?? c.time + span - 1,
          o: dec(c.open),
          h: dec(c.high),
          l: dec(c.low),
          c: dec(c.close),
          v: dec(c.volume ?? 0),
          n: 0,
        })),
      );
    },
    applyFunding(name, rate) {
      tick();
      const coin = coinOf(name);
      funding.set(coin.name, dec(rate));
      return account.applyFunding(coin, dec(rate), now()).usdc.toFixed();
    },
    fill(ref, sz, px) {
      tick();
      const o = findOrder(ref);
      const book = () => {
        const size = dec(sz);
        if (size.lte(0) || size.gt(o.sz)) throw new Error(`cannot fill ${size} of ${o.oid} (${o.sz} left)`);
        return account.book(o, size, px === undefined ? o.limitPx : dec(px), false, now());
      };
      if (held) {
        held.push(book);
        return undefined;
      }
      if (o.status !== 'open' && o.status !== 'triggered') throw new Error(`order ${o.oid} is ${o.status}`);
      const tid = book().tid;
      feed.publish();
      return tid;
    },
    holdFills(h) {
      if (h) held = held ?? [];
      else releaseFills();
    },
    releaseFills,
    fault(f) {
      faults.push({ fault: f, left: f.count ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    advance(ms) {
      offset += ms;
      tick();
    },
    now,
    orders() {
      tick();
      return account.orders.map(orderView);
    },
    order(ref) {
      tick();
      try {
        return orderView(findOrder(ref));
      } catch {
        return undefined;
      }
    },
    fills() {
      return account.fills.map(fillView);
    },
    positions() {
      return coins
        .map((c) => ({ coin: c, p: account.position(c) }))
        .filter(({ p }) => !p.szi.eq(ZERO))
        .map(({ coin, p }) => ({
          coin: coin.name,
          szi: p.szi.toFixed(),
          entryPx: p.entryPx.toFixed(),
          leverage: { ...account.leverage.get(coin.name)! },
        }));
    },
    cash() {
      return account.cash.toFixed();
    },
    accountValue() {
      return account.accountValue().toFixed();
    },
    requests() {
      return [...log];
    },
    actions(t) {
      return log.filter((r) => r.endpoint === 'exchange' && r.type === t);
    },
    builderOrders() {
      return log.filter((r) => r.endpoint === 'exchange' && r.builder !== undefined);
    },
    deadMan() {
      tick();
      return { time: deadMan.time, firesToday: deadMan.fires.get(utcDay(now())) ?? 0 };
    },
    weight(ip = '127.0.0.1') {
      return weights.view(ip, now());
    },
    nonces(signer) {
      return nonces.kept(signer.toLowerCase());
    },
  };
}
