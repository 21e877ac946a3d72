// A Kraken spot REST venue on 127.0.0.1 for tests that drive the REAL ccxt `kraken` client (and Braid's
// adapter) against it. It speaks Kraken's wire: public GETs under /0/public, signed form (or JSON) POSTs
// under /0/private, HTTP 200 with `{"error":[...],"result":{...}}`. It checks what Kraken checks (API-Key,
// API-Sign over the raw body, per-key strictly increasing nonces, the call counter per key and the
// matching-engine counter per pair), keeps one account's balances, orders and trades, fills orders
// against a scripted price path, and lets a test script the failures a live venue has: an order accepted
// and the connection dropped, an answer lost, 5xx, Kraken's error texts, a rate-limit storm, late fills,
// a dead-man switch firing.
//
// Pointing ccxt at it: ccxt builds `urls.api[api] + '/0/' + api + '/' + path`, so override the bases only:
//   new ccxt.kraken({ apiKey: sim.apiKey, secret: sim.apiSecret, enableRateLimit: false,
//                     urls: { api: { public: sim.url, private: sim.url } } })
// The sim clock (`now` option, plus `advance`) dates orders and trades, decays the counters and drives the
// dead-man switch, which is checked on every request, on advance(), setPrice() and the inspections.
//
// Kraken's private WebSocket (v2 `executions`, what ccxt pro's watchOrders/watchMyTrades speak) is served
// on the same port at `wsUrl` (/v2): point ccxt pro at it with urls.api.ws.private/privateV2 = sim.wsUrl.
// Every change the REST side or a scripted event makes is pushed to the subscribed sockets (sim/feed.ts);
// wsDrop() cuts them, wsRefuse() keeps new ones out, wsSessions() shows each connection and its traffic.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Dec, dec } from '../../../src/shared/domain/decimal.ts';
import { type ApiKey, KeyRing, newApiKey } from './sim/auth.ts';
import { Book, type DeadMan, type Order, type Quote } from './sim/book.ts';
import { type CounterView, callCost, LeakyCounter } from './sim/counters.ts';
import { PrivateFeed, type SimWsSession } from './sim/feed.ts';
import { orderView, type SimOrderView, type SimTradeView, tradeView } from './sim/inspect.ts';
import {
  assetId,
  buildAssets,
  buildPairs,
  DEFAULT_PRICES,
  type SimAssetConfig,
  type SimPairConfig,
} from './sim/market.ts';
import { text } from './sim/orders.ts';
import { handlePrivate } from './sim/private.ts';
import { handlePublic } from './sim/public.ts';
import { type Candle, type Json, parseCandle } from './sim/wire.ts';

export { krakenSignature, verifyKrakenSignature } from './sim/auth.ts';
export { INVALID_SESSION, type SimWsSession } from './sim/feed.ts';
export type { SimOrderView, SimTradeView } from './sim/inspect.ts';
export type { SimAssetConfig, SimPairConfig } from './sim/market.ts';
export { DEFAULT_PAIRS } from './sim/market.ts';

type Amount = string | number;

export interface PriceUpdate {
  bid: Amount;
  ask: Amount;
  /** Defaults to the mid of bid and ask. */
  last?: Amount;
  /** Most volume any one order fills on this update (else the sim's `liquidity`, else all). */
  liquidity?: Amount;
}

export interface KrakenSimOptions {
  /** Pairs to trade; an entry whose symbol is a default pair's overrides fields of it. */
  pairs?: Array<Partial<SimPairConfig> & { symbol: string }>;
  assets?: SimAssetConfig[];
  /** By Kraken asset id (`ZUSD`, `XXBT`), altname (`USD`, `XBT`) or unified code (`BTC`). Default ZUSD 100000. */
  balances?: Record<string, Amount>;
  /** Initial quotes per unified symbol. */
  prices?: Record<string, PriceUpdate>;
  makerFeeBps?: number;
  takerFeeBps?: number;
  /** The sim clock in ms (timestamps, counters' decay, the dead-man switch); `advance()` adds to it. */
  now?: () => number;
  /** REST call counter per key (Kraken intermediate tier: 20, decaying 0.5 a second). */
  callCounterMax?: number;
  callCounterDecay?: number;
  /** Matching-engine counter per pair (intermediate tier: 125, decaying 2.34 a second). */
  matchingCounterMax?: number;
  matchingCounterDecay?: number;
  /** Most volume one order fills per price event; unset: whole orders fill. */
  liquidity?: Amount;
  /**
   * The error a signature that does not verify gets. Kraken's documentation lists `EAPI:Invalid signature`,
   * which ccxt 4.5.84 maps to a bare ExchangeError; a wrong secret has been seen answered `EAPI:Invalid
   * key` (AuthenticationError). Default `EAPI:Invalid key`.
   */
  badSignatureError?: string;
  /** Between heartbeats on a subscribed socket (Kraken: about a second). Default 1000. */
  wsHeartbeatMs?: number;
  /** GetWebSocketsToken's `expires`: a token must be used within this long (sim clock). Default 900. */
  wsTokenTtlSeconds?: number;
}

export type SimFault =
  | { kind: 'drop_after_accept'; path: string; count?: number }
  | { kind: 'lose_answer'; path: string; count?: number }
  | { kind: 'http_5xx'; status: number; path?: string; acted: boolean; count?: number }
  | { kind: 'error'; path?: string; error: string; acted?: boolean; count?: number }
  | { kind: 'rate_limit_storm'; count: number };

export interface SimRequest {
  /** The endpoint, e.g. `AddOrder` (as faults name it). */
  path: string;
  /** The URL path, e.g. `/0/private/AddOrder`. */
  url: string;
  api: 'public' | 'private' | 'unknown';
  httpMethod: string;
  params: Record<string, unknown>;
  rawBody: string;
  nonce: string | undefined;
  contentType: string | undefined;
  apiKey: string | undefined;
  /** null for public calls. */
  authenticated: boolean | null;
  /** Kraken error texts answered, if any. */
  error: string[];
  /** The fault that shaped this request's answer, if any. */
  fault: SimFault['kind'] | undefined;
  /** Sim clock, ms. */
  at: number;
}

export interface RateCounters {
  /** Per API key. */
  calls: Record<string, CounterView>;
  /** Per Kraken pair name. */
  matching: Record<string, CounterView>;
}

export interface KrakenSim {
  url: string;
  /** The private WebSocket (Kraken's wss://ws-auth.kraken.com/v2). */
  wsUrl: string;
  /** Cuts every open socket as a network failure does (no close frame); how many it cut. */
  wsDrop(): number;
  /** While true, WebSocket connections are refused (HTTP 503 to the upgrade). */
  wsRefuse(refuse: boolean): void;
  /** Every WebSocket connection so far, oldest first. */
  wsSessions(): SimWsSession[];
  apiKey: string;
  apiSecret: string;
  /** Another key pair on the same account (its own nonce and call counter). */
  addKey(): ApiKey;
  close(): Promise<void>;
  setPrice(symbol: string, q: PriceUpdate): void;
  /** Scripted bars for one interval; OHLC answers them instead of bars built from setPrice. */
  setCandles(symbol: string, candles: Parameters<typeof parseCandle>[0][], intervalMinutes?: number): void;
  /** Fills an open order (by txid or cl_ord_id) by `quantity`; the trade id, or undefined while held. */
  fill(ref: string, quantity: Amount, price?: Amount): string | undefined;
  holdFills(held: boolean): void;
  /** Books the held fills, even on orders cancelled since; their trade ids. */
  releaseFills(): string[];
  fault(f: SimFault): void;
  clearFaults(): void;
  advance(ms: number): void;
  /** The sim clock, ms. */
  now(): number;
  orders(): SimOrderView[];
  trades(): SimTradeView[];
  requests(): SimRequest[];
  deadMan(): DeadMan | null;
  balances(): Record<string, string>;
  rateCounters(): RateCounters;
}

function quoteOf(u: PriceUpdate): Quote {
  const bid = dec(u.bid);
  const ask = dec(u.ask);
  if (ask.lt(bid)) throw new Error(`ask ${ask} below bid ${bid}`);
  return { bid, ask, last: u.last === undefined ? bid.plus(ask).div(2) : dec(u.last) };
}

interface ActiveFault {
  fault: SimFault;
  left: number;
}

export async function startKrakenSim(options: KrakenSimOptions = {}): Promise<KrakenSim> {
  const clock = options.now ?? Date.now;
  let offset = 0;
  const now = () => clock() + offset;
  const pairs = buildPairs(options.pairs);
  const assets = buildAssets(pairs, options.assets);
  const balances: Record<string, Dec> = {};
  for (const [k, v] of Object.entries(options.balances ?? { ZUSD: 100_000, XXBT: 0 })) {
    balances[assetId(k, pairs, assets)] = dec(v);
  }
  const prices: Record<string, Quote> = {};
  for (const p of pairs) {
    const u = options.prices?.[p.symbol] ?? DEFAULT_PRICES[p.symbol];
    if (u) prices[p.symbol] = quoteOf(u);
  }
  const makerFeeBps = options.makerFeeBps ?? 16;
  const takerFeeBps = options.takerFeeBps ?? 26;
  const book = new Book({
    pairs,
    assets,
    balances,
    prices,
    makerFeeBps,
    takerFeeBps,
    liquidity: options.liquidity === undefined ? undefined : dec(options.liquidity),
    now: now(),
  });
  const keys = new KeyRing();
  const primary = newApiKey();
  keys.add(primary);
  const callMax = options.callCounterMax ?? 20;
  const callDecay = options.callCounterDecay ?? 0.5;
  const matchMax = options.matchingCounterMax ?? 125;
  const matchDecay = options.matchingCounterDecay ?? 2.34;
  const callCounters = new Map<string, LeakyCounter>();
  const matchCounters = new Map<string, LeakyCounter>();
  const counterIn = (counters: Map<string, LeakyCounter>, id: string, max: number, decay: number) => {
    const existing = counters.get(id);
    if (existing) return existing;
    const c = new LeakyCounter(max, decay, now());
    counters.set(id, c);
    return c;
  };
  const callCounter = (key: string) => counterIn(callCounters, key, callMax, callDecay);
  const matchCounter = (pair: string) => counterIn(matchCounters, pair, matchMax, matchDecay);
  const badSignature = options.badSignatureError ?? 'EAPI:Invalid key';
  const candles = new Map<string, Candle[]>();
  const log: SimRequest[] = [];
  let faults: ActiveFault[] = [];
  const lost = new Set<ServerResponse>();

  const feed = new PrivateFeed({
    book,
    now,
    heartbeatMs: options.wsHeartbeatMs ?? 1000,
    tokenTtlSeconds: options.wsTokenTtlSeconds ?? 900,
    maxRateCount: options.matchingCounterMax ?? 125,
  });
  /** The clock moved: the dead-man switch may fire (and what it cancelled is pushed). */
  const tick = () => {
    book.checkDeadMan(now());
    feed.publish();
  };

  const takeFault = (path: string, isPrivate: boolean): SimFault | undefined => {
    const i = faults.findIndex(({ fault: f }) => {
      if (f.kind === 'rate_limit_storm') return isPrivate;
      const p = f.path;
      if (p === undefined) return isPrivate;
      return p === path || p.endsWith(`/${path}`);
    });
    if (i < 0) return undefined;
    const active = faults[i]!;
    active.left -= 1;
    if (active.left <= 0) faults.splice(i, 1);
    return active.fault;
  };

  const send = (res: ServerResponse, status: number, body: Json | string, type = 'application/json') => {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(payload) });
    res.end(payload);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, rawBody: string) => {
    tick();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/0\/(public|private)\/([A-Za-z]+)$/.exec(url.pathname);
    const api = (m?.[1] as 'public' | 'private' | undefined) ?? 'unknown';
    const name = m?.[2] ?? url.pathname;
    const contentType = req.headers['content-type'];
    let params: Record<string, unknown> = {};
    let parseError = false;
    if (api === 'private') {
      if (contentType?.includes('application/json')) {
        try {
          const parsed: unknown = JSON.parse(rawBody || '{}');
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            params = parsed as Record<string, unknown>;
          else parseError = true;
        } catch {
          parseError = true;
        }
      } else params = Object.fromEntries(new URLSearchParams(rawBody));
    } else params = Object.fromEntries(url.searchParams);
    const header = (h: string) => {
      const v = req.headers[h];
      return Array.isArray(v) ? v[0] : v;
    };
    const entry: SimRequest = {
      path: name,
      url: url.pathname,
      api,
      httpMethod: req.method ?? 'GET',
      params,
      rawBody,
      nonce: text(params, 'nonce'),
      contentType,
      apiKey: header('api-key'),
      authenticated: api === 'private' ? false : null,
      error: [],
      fault: undefined,
      at: now(),
    };
    log.push(entry);
    const answer = (errors: string[], result?: Json) => {
      entry.error = errors;
      send(res, 200, result === undefined ? { error: errors } : { error: errors, result });
    };
    if (api === 'unknown') {
      entry.error = ['EGeneral:Unknown method'];
      send(res, 404, { error: entry.error });
      return;
    }
    const fault = takeFault(name, api === 'private');
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'http_5xx' && !fault.acted) {
      send(
        res,
        fault.status,
        `<html><body><h1>${fault.status} Bad Gateway</h1>cloudflare</body></html>`,
        'text/html',
      );
      return;
    }
    let acted: { ok: true; result: Json } | { ok: false; error: string };
    if (api === 'public') {
      if (fault?.kind === 'error' && !fault.acted) return answer([fault.error]);
      acted = handlePublic(name, params, { book, makerFeeBps, takerFeeBps, candles, now: now() });
    } else {
      if (req.method !== 'POST') return answer(['EGeneral:Invalid arguments']);
      const auth = keys.authenticate(
        header('api-key'),
        header('api-sign'),
        url.pathname,
        text(params, 'nonce'),
        rawBody,
        badSignature,
      );
      if (!auth.ok) return answer([auth.error]);
      entry.authenticated = true;
      if (parseError) return answer(['EGeneral:Invalid arguments']);
      if (fault?.kind === 'rate_limit_storm') return answer(['EAPI:Rate limit exceeded']);
      if (fault?.kind === 'error' && !fault.acted) return answer([fault.error]);
      const cost = callCost(name);
      if (cost > 0 && !callCounter(auth.key).charge(cost, now())) return answer(['EAPI:Rate limit exceeded']);
      acted = handlePrivate(name, params, {
        book,
        now: now(),
        chargeMatching: (pair, c) => matchCounter(pair.name).charge(c, now()),
        issueWsToken: () => feed.issueToken(),
      });
      // Kraken pushes what the request did to the subscribed sockets, whatever becomes of its answer.
      feed.publish();
    }
    if (fault?.kind === 'http_5xx') {
      send(res, fault.status, `<html><body><h1>${fault.status}</h1></body></html>`, 'text/html');
      return;
    }
    if (fault?.kind === 'error') return answer([fault.error]);
    if (fault?.kind === 'drop_after_accept') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'lose_answer') {
      lost.add(res);
      return;
    }
    if (acted.ok) answer([], acted.result);
    else answer([acted.error]);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 1000;
  server.on('upgrade', (req, socket, head) => feed.upgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const findOrder = (ref: string): Order => {
    const byTxid = book.order(ref);
    if (byTxid) return byTxid;
    const byClOrdId = book.orders.filter((o) => o.clOrdId === ref);
    const open = byClOrdId.find((o) => o.status === 'open' || o.status === 'pending');
    const o = open ?? byClOrdId[byClOrdId.length - 1];
    if (!o) throw new Error(`no order ${ref}`);
    return o;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/v2`,
    wsDrop: () => feed.drop(),
    wsRefuse: (refuse) => feed.refuse(refuse),
    wsSessions: () => feed.views(),
    apiKey: primary.apiKey,
    apiSecret: primary.apiSecret,
    addKey() {
      const k = newApiKey();
      keys.add(k);
      return k;
    },
    async close() {
      for (const res of lost) res.destroy();
      lost.clear();
      await feed.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    setPrice(symbol, q) {
      tick();
      const pair = book.pair(symbol);
      if (!pair) throw new Error(`unknown symbol ${symbol}`);
      const liquidity = q.liquidity ?? options.liquidity;
      book.setQuote(pair, quoteOf(q), now(), liquidity === undefined ? undefined : dec(liquidity));
      feed.publish();
    },
    setCandles(symbol, list, intervalMinutes = 1) {
      const pair = book.pair(symbol);
      if (!pair) throw new Error(`unknown symbol ${symbol}`);
      candles.set(`${pair.name}:${intervalMinutes}`, list.map(parseCandle));
    },
    fill(ref, quantity, price) {
      tick();
      const trade = book.fill(
        findOrder(ref),
        dec(quantity),
        price === undefined ? undefined : dec(price),
        now(),
      );
      feed.publish();
      return trade?.txid;
    },
    holdFills(held) {
      if (held) book.holdFills(true);
      else book.releaseFills(now());
      feed.publish();
    },
    releaseFills() {
      const booked = book.releaseFills(now()).map((t) => t.txid);
      feed.publish();
      return booked;
    },
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
      return book.orders.map(orderView);
    },
    trades() {
      return book.trades.map(tradeView);
    },
    requests() {
      return [...log];
    },
    deadMan() {
      tick();
      return book.deadMan ? { ...book.deadMan } : null;
    },
    balances() {
      const out: Record<string, string> = {};
      for (const [k, v] of book.balances) out[k] = v.toString();
      return out;
    },
    rateCounters() {
      const t = now();
      const calls: Record<string, CounterView> = {};
      for (const [k, c] of callCounters) calls[k] = c.view(t);
      const matching: Record<string, CounterView> = {};
      for (const [k, c] of matchCounters) matching[k] = c.view(t);
      return { calls, matching };
    },
  };
}
