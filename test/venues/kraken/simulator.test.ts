// The Kraken simulator, driven by the REAL ccxt kraken client: Kraken's published signature vector, then
// markets, balances, quotes, bars, orders and fills through ccxt, and the failures a live venue has, each
// asserted on ccxt's exception class and on the simulator's state. Expected money is computed by hand.
import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type KrakenSim,
  type KrakenSimOptions,
  krakenSignature,
  startKrakenSim,
  verifyKrakenSignature,
} from './simulator.ts';

type Kraken = InstanceType<typeof ccxt.kraken>;

const open: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});

/** A sim with a roomy call counter (the counter has its own test) and a hand-driven clock. */
async function sim(options: KrakenSimOptions = {}): Promise<{ sim: KrakenSim; clock: { t: number } }> {
  const clock = { t: Date.UTC(2026, 0, 5, 12, 0, 0) };
  const s = await startKrakenSim({ callCounterMax: 1000, now: () => clock.t, ...options });
  open.push(s);
  return { sim: s, clock };
}

function client(s: KrakenSim, over: { secret?: string; apiKey?: string; timeout?: number } = {}): Kraken {
  const ex = new ccxt.kraken({
    apiKey: over.apiKey ?? s.apiKey,
    secret: over.secret ?? s.apiSecret,
    enableRateLimit: false,
    timeout: over.timeout ?? 2000,
    // ccxt builds urls.api[api] + '/0/' + api + '/' + path: the base alone is overridden.
    urls: { api: { public: s.url, private: s.url } },
  });
  open.push({ close: () => ex.close() });
  return ex;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

const lastRequest = (s: KrakenSim, path: string) =>
  s
    .requests()
    .filter((r) => r.path === path)
    .at(-1)!;

describe('API-Sign', () => {
  it("reproduces Kraken's published test vector and refuses a changed body", () => {
    const secret = 'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==';
    const body = 'nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25';
    const sign = '4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==';
    expect(krakenSignature('/0/private/AddOrder', '1616492376594', body, secret)).toBe(sign);
    expect(verifyKrakenSignature('/0/private/AddOrder', '1616492376594', body, secret, sign)).toBe(true);
    expect(verifyKrakenSignature('/0/private/AddOrder', '1616492376594', `${body}0`, secret, sign)).toBe(
      false,
    );
    expect(verifyKrakenSignature('/0/private/CancelOrder', '1616492376594', body, secret, sign)).toBe(false);
  });
});

describe('market data through ccxt', () => {
  it('loads the markets with their precision, limits and fees', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const markets = await ex.loadMarkets();
    const btc = markets['BTC/USD']!;
    expect(btc.id).toBe('XXBTZUSD');
    expect(btc.base).toBe('BTC');
    expect(btc.quote).toBe('USD');
    expect(btc.precision).toEqual({ amount: 1e-8, price: 0.1 });
    expect(btc.limits.amount?.min).toBe(0.0001);
    expect(btc.limits.cost?.min).toBe(0.5);
    expect(btc.maker).toBe(0.0016);
    expect(btc.taker).toBe(0.0026);
    const eth = markets['ETH/USD']!;
    expect(eth.id).toBe('XETHZUSD');
    expect(eth.precision.price).toBe(0.01);
    expect(eth.limits.amount?.min).toBe(0.002);
    expect(ex.currencies.BTC?.id).toBe('XXBT');
  });

  it('quotes the scripted prices and builds bars from them', async () => {
    const { sim: s, clock } = await sim();
    const ex = client(s);
    const t0 = clock.t; // 12:00:00, a minute boundary
    s.setPrice('BTC/USD', { bid: 50100, ask: 50100.5, last: 50100 });
    clock.t = t0 + 20_000;
    s.setPrice('BTC/USD', { bid: 49900, ask: 49900.2, last: 49900.1 });
    clock.t = t0 + 70_000;
    s.setPrice('BTC/USD', { bid: 50200, ask: 50200.3, last: 50200 });
    const ticker = await ex.fetchTicker('BTC/USD');
    expect([ticker.bid, ticker.ask, ticker.last]).toEqual([50200, 50200.3, 50200]);
    expect([ticker.high, ticker.low]).toEqual([50200, 49900.1]);
    const bars = await ex.fetchOHLCV('BTC/USD', '1m', t0);
    // 12:00 opens at the start price 50000, spans 50100 and 49900.1; 12:01 is the 50200 alone.
    expect(bars).toEqual([
      [t0, 50000, 50100, 49900.1, 49900.1, 0],
      [t0 + 60_000, 50200, 50200, 50200, 50200, 0],
    ]);
  });

  it('answers scripted candles as Kraken OHLC rows', async () => {
    const { sim: s, clock } = await sim();
    const ex = client(s);
    const t0 = clock.t;
    s.setCandles(
      'ETH/USD',
      [
        { time: t0 - 3_600_000, open: 3000, high: 3050, low: 2990, close: 3040, volume: '12.5' },
        { time: t0, open: 3040, high: 3060, low: 3030, close: 3055, volume: 3 },
      ],
      60,
    );
    const bars = await ex.fetchOHLCV('ETH/USD', '1h');
    expect(bars).toEqual([
      [t0 - 3_600_000, 3000, 3050, 2990, 3040, 12.5],
      [t0, 3040, 3060, 3030, 3055, 3],
    ]);
  });
});

describe('orders and fills through ccxt', () => {
  it('places a limit order with a client id (cl_ord_id), lists it and reserves the funds', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const placed = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 49000, { clientOrderId: 'braid-1' });
    const [o] = s.orders();
    expect(placed.id!).toBe(o!.txid);
    expect(o!.txid).toMatch(/^O[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{6}$/);
    expect(o).toMatchObject({
      cl_ord_id: 'braid-1',
      userref: null,
      status: 'open',
      price: '49000',
      vol: '0.01',
    });
    const sent = lastRequest(s, 'AddOrder');
    expect(sent.params).toMatchObject({
      pair: 'XXBTZUSD',
      type: 'buy',
      ordertype: 'limit',
      cl_ord_id: 'braid-1',
    });
    expect(sent.params.userref).toBeUndefined();
    expect(sent.contentType).toBe('application/x-www-form-urlencoded');
    expect(sent.authenticated).toBe(true);

    const listed = await ex.fetchOpenOrders();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id: o!.txid,
      clientOrderId: 'braid-1',
      status: 'open',
      side: 'buy',
      type: 'limit',
      price: 49000,
      amount: 0.01,
      filled: 0,
    });
    const balance = await ex.fetchBalance();
    // 0.01 × 49000 = 490, plus the 0.26 % taker fee Kraken reserves: 491.274.
    expect(balance.USD).toMatchObject({ total: 100000, used: 491.274 });
  });

  it('fills a market buy at the ask as taker and moves both balances', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const placed = await ex.createOrder('BTC/USD', 'market', 'buy', 0.01);
    const [t] = s.trades();
    // 0.01 × 50000.1 = 500.001; fee 0.26 % = 1.3000026 → 1.30000 (Kraken's 5 decimals for USD pairs).
    expect(t).toMatchObject({
      ordertxid: placed.id,
      price: '50000.1',
      vol: '0.01',
      cost: '500.001',
      fee: '1.3',
    });
    expect(t!.maker).toBe(false);
    expect(s.balances()).toMatchObject({ ZUSD: '99498.699', XXBT: '0.01' });
    const [closed] = await ex.fetchClosedOrders();
    expect(closed).toMatchObject({ id: placed.id, status: 'closed', filled: 0.01, average: 50000.1 });
  });

  it('fills a resting limit at its price (maker) once the scripted ask reaches it', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const placed = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 49000);
    s.setPrice('BTC/USD', { bid: 49010, ask: 49020 });
    expect(s.trades()).toHaveLength(0);
    s.setPrice('BTC/USD', { bid: 48900, ask: 48950 });
    const [t] = s.trades();
    // At the limit, not the better ask: 0.01 × 49000 = 490, maker 0.16 % = 0.784.
    expect(t).toMatchObject({ price: '49000', cost: '490', fee: '0.784', maker: true });
    const order = await ex.fetchOrder(placed.id!);
    expect(order).toMatchObject({ status: 'closed', filled: 0.01, average: 49000 });
    expect(order.trades.map((x) => x.id)).toEqual([t!.txid]);
    expect(s.balances()).toMatchObject({ ZUSD: '99509.216', XXBT: '0.01' });
  });

  it('fills partially, then cancels the rest; the trades carry their T ids', async () => {
    const { sim: s } = await sim({ balances: { USD: 100000, BTC: 1 } });
    const ex = client(s);
    const sell = await ex.createOrder('BTC/USD', 'limit', 'sell', 0.5, 51000, { clientOrderId: 'braid-2' });
    const tradeId = s.fill('braid-2', '0.2');
    expect(tradeId).toMatch(/^T[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{6}$/);
    const [partial] = await ex.fetchOpenOrders();
    expect(partial).toMatchObject({ id: sell.id, status: 'open', filled: 0.2, remaining: 0.3 });

    await ex.cancelOrder(sell.id!);
    const [ended] = await ex.fetchClosedOrders();
    expect(ended).toMatchObject({ id: sell.id, status: 'canceled', filled: 0.2 });
    expect(s.orders()[0]).toMatchObject({ status: 'canceled', vol_exec: '0.2', reason: 'User requested' });
    const mine = await ex.fetchMyTrades('BTC/USD');
    expect(mine).toHaveLength(1);
    // 0.2 × 51000 = 10200, maker fee 16.32.
    expect(mine[0]).toMatchObject({ id: tradeId, order: sell.id, side: 'sell', price: 51000, amount: 0.2 });
    expect(mine[0]!.fee).toEqual({ cost: 16.32, currency: 'USD' });
    expect(s.balances()).toMatchObject({ XXBT: '0.8', ZUSD: '110183.68' });
    expect(await failure(ex.cancelOrder(sell.id!))).toBeInstanceOf(ccxt.OrderNotFound);
  });

  it('cancels by cl_ord_id, and cancels everything with CancelAll', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'a-1' });
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 41000, { clientOrderId: 'a-2' });
    await ex.createOrder('ETH/USD', 'limit', 'buy', 0.1, 2000, { clientOrderId: 'a-3' });
    await ex.cancelOrder(undefined as unknown as string, undefined, { cl_ord_id: 'a-1' });
    expect(lastRequest(s, 'CancelOrder').params).toMatchObject({ cl_ord_id: 'a-1' });
    expect(s.orders().map((o) => o.status)).toEqual(['canceled', 'open', 'open']);
    const [all] = await ex.cancelAllOrders();
    expect((all!.info as { result: { count: number } }).result.count).toBe(2);
    expect(s.orders().every((o) => o.status === 'canceled')).toBe(true);
    expect(await ex.fetchOpenOrders()).toEqual([]);
  });

  it('refuses a cl_ord_id already on an open order, and frees it once that order ends', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const first = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'dup-1' });
    const dup = await failure(
      ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'dup-1' }),
    );
    expect(dup).toBeInstanceOf(ccxt.ExchangeError);
    expect(dup.message).toContain('EOrder:Duplicate order');
    await ex.cancelOrder(first.id!);
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'dup-1' });
    expect(s.orders().map((o) => o.cl_ord_id)).toEqual(['dup-1', 'dup-1']);
    const long = await failure(
      ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'longer-than-eighteen' }),
    );
    expect(long.message).toContain('EGeneral:Invalid arguments:cl_ord_id');
  });

  it("answers Kraken's order errors: insufficient funds, minimum, tick", async () => {
    const { sim: s } = await sim({ pairs: [{ symbol: 'BTC/USD', tickSize: '0.5' }] });
    const ex = client(s);
    // 2 × 50000.1 × 1.0026 = 100260.2 > 100000.
    expect(await failure(ex.createOrder('BTC/USD', 'market', 'buy', 2))).toBeInstanceOf(
      ccxt.InsufficientFunds,
    );
    expect(await failure(ex.createOrder('BTC/USD', 'limit', 'sell', 0.01, 60000))).toBeInstanceOf(
      ccxt.InsufficientFunds,
    );
    const small = await failure(ex.createOrder('BTC/USD', 'limit', 'buy', 0.00005, 40000));
    expect(small).toBeInstanceOf(ccxt.InvalidOrder);
    expect(small.message).toContain('EOrder:Order minimum not met');
    const tick = await failure(ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000.1));
    expect(tick.message).toContain('EOrder:Tick size check failed');
    expect(s.orders()).toEqual([]);
    expect(s.balances().ZUSD).toBe('100000');
  });

  it('triggers a stop-loss on the last price and fills it at the bid', async () => {
    const { sim: s } = await sim({ balances: { ZUSD: 0, XXBT: 0.1 } });
    const ex = client(s);
    await ex.createOrder('BTC/USD', 'market', 'sell', 0.1, undefined, { stopLossPrice: 48000 });
    expect(lastRequest(s, 'AddOrder').params).toMatchObject({ ordertype: 'stop-loss', price: '48000' });
    s.setPrice('BTC/USD', { bid: 48050, ask: 48060, last: 48010 });
    expect(s.trades()).toHaveLength(0);
    s.setPrice('BTC/USD', { bid: 47900, ask: 47910, last: 47990 });
    // 0.1 × 47900 = 4790, taker fee 12.454.
    expect(s.trades()[0]).toMatchObject({ price: '47900', cost: '4790', fee: '12.454', maker: false });
    expect(s.balances()).toMatchObject({ XXBT: '0', ZUSD: '4777.546' });
  });

  it('amends an order in place (AmendOrder keeps the txid)', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const placed = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000);
    await ex.editOrder(placed.id!, 'BTC/USD', 'limit', 'buy', 0.02, 40500);
    expect(lastRequest(s, 'AmendOrder').params).toMatchObject({ txid: placed.id, order_qty: '0.02' });
    expect(s.orders()).toHaveLength(1);
    expect(s.orders()[0]).toMatchObject({ txid: placed.id, vol: '0.02', price: '40500', status: 'open' });
  });

  it('pages TradesHistory 50 at a time with the total count', async () => {
    const { sim: s, clock } = await sim({ balances: { ZUSD: 1_000_000 } });
    const ex = client(s);
    for (let i = 0; i < 60; i++) {
      clock.t += 1000;
      await ex.createOrder('BTC/USD', 'market', 'buy', 0.001);
    }
    const first = await ex.fetchMyTrades();
    expect(first).toHaveLength(50);
    const second = await ex.fetchMyTrades(undefined, undefined, undefined, { ofs: 50 });
    expect(second).toHaveLength(10);
    const all = new Set([...first, ...second].map((t) => t.id));
    expect(all).toEqual(new Set(s.trades().map((t) => t.txid)));
    const raw = (await ex.privatePostTradesHistory({})) as { result: { count: number } };
    expect(raw.result.count).toBe(60);
    // `start` is exclusive, in seconds: the trades after the 55th.
    const after = await ex.fetchMyTrades(undefined, s.trades()[54]!.time * 1000);
    expect(after.map((t) => t.id).sort()).toEqual(
      s
        .trades()
        .slice(55)
        .map((t) => t.txid)
        .sort(),
    );
  });

  it('books a fill that arrives after the cancel (late fill)', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const placed = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 49000);
    s.holdFills(true);
    s.setPrice('BTC/USD', { bid: 48900, ask: 48950 });
    expect(s.trades()).toHaveLength(0);
    // The matched volume is not booked yet, and its funds stay reserved.
    expect((await ex.fetchBalance()).USD).toMatchObject({ total: 100000, used: 491.274 });
    await ex.cancelOrder(placed.id!);
    expect(s.orders()[0]!.status).toBe('canceled');
    const [late] = s.releaseFills();
    expect(s.orders()[0]).toMatchObject({ status: 'canceled', vol_exec: '0.01' });
    const [trade] = await ex.fetchMyTrades();
    expect(trade).toMatchObject({ id: late, order: placed.id, amount: 0.01, price: 49000 });
    // 100000 − 490 − 0.784 maker fee.
    expect((await ex.fetchBalance()).USD).toMatchObject({ total: 99509.216, used: 0 });
  });
});

describe('order types and flags through ccxt', () => {
  it('fills only the scripted liquidity per price update (partial fills)', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const placed = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.05, 49000);
    s.setPrice('BTC/USD', { bid: 48900, ask: 48990, liquidity: '0.02' });
    s.setPrice('BTC/USD', { bid: 48900, ask: 48980, liquidity: '0.02' });
    expect(s.orders()[0]).toMatchObject({ status: 'open', vol_exec: '0.04' });
    const order = await ex.fetchOrder(placed.id!);
    expect(order).toMatchObject({ status: 'open', filled: 0.04, remaining: 0.01 });
    expect(order.trades).toHaveLength(2);
    s.setPrice('BTC/USD', { bid: 48900, ask: 48970, liquidity: '0.02' });
    expect(s.orders()[0]).toMatchObject({ status: 'closed', vol_exec: '0.05' });
    expect(s.trades().map((t) => t.vol)).toEqual(['0.02', '0.02', '0.01']);
  });

  it('takes the book when a limit crosses on arrival (taker, at the ask), but cancels a crossing post-only', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 50100);
    expect(s.trades()[0]).toMatchObject({ price: '50000.1', maker: false });
    const post = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 50100, { postOnly: true });
    expect(lastRequest(s, 'AddOrder').params.oflags).toBe('post');
    expect(s.orders()[1]).toMatchObject({ txid: post.id, status: 'canceled', reason: 'Post only order' });
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 49000, { postOnly: true });
    const [resting] = await ex.fetchOpenOrders();
    expect(resting).toMatchObject({ postOnly: true, price: 49000 });
    // Amending it across the book is refused and leaves it as it was.
    const amend = await failure(ex.editOrder(resting!.id!, 'BTC/USD', 'limit', 'buy', undefined, 50100));
    expect(amend.message).toContain('EOrder:Post only order');
    expect(s.orders()[2]).toMatchObject({ price: '49000', status: 'open' });
  });

  it('IOC fills what it can and cancels the rest; FOK fills all or nothing', async () => {
    const { sim: s } = await sim({ liquidity: '0.004' });
    const ex = client(s);
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 50100, { timeInForce: 'IOC' });
    expect(lastRequest(s, 'AddOrder').params.timeinforce).toBe('IOC');
    expect(s.orders()[0]).toMatchObject({ status: 'canceled', vol_exec: '0.004' });
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 50100, { timeInForce: 'FOK' });
    expect(s.orders()[1]).toMatchObject({ status: 'canceled', vol_exec: '0' });
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.004, 50100, { timeInForce: 'FOK' });
    expect(s.orders()[2]).toMatchObject({ status: 'closed', vol_exec: '0.004' });
  });

  it('triggers a take-profit-limit on the last price, then rests as a limit', async () => {
    const { sim: s } = await sim({ balances: { XXBT: 1 } });
    const ex = client(s);
    await ex.createOrder('BTC/USD', 'limit', 'sell', 0.1, 52500, { takeProfitPrice: 52000 });
    expect(lastRequest(s, 'AddOrder').params).toMatchObject({
      ordertype: 'take-profit-limit',
      price: '52000',
      price2: '52500',
    });
    s.setPrice('BTC/USD', { bid: 51990, ask: 52010, last: 52000 });
    expect(s.trades()).toHaveLength(0); // triggered; the bid is under its 52500 limit
    const [o] = await ex.fetchOpenOrders();
    expect(o).toMatchObject({ takeProfitPrice: 52000, price: 52500, type: 'limit' });
    s.setPrice('BTC/USD', { bid: 52600, ask: 52610, last: 52600 });
    expect(s.trades()[0]).toMatchObject({ price: '52500', maker: true, vol: '0.1' });
  });

  it('buys by cost (viqc) at the ask, flooring to the lot', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    await ex.createMarketBuyOrderWithCost('BTC/USD', 1000);
    expect(lastRequest(s, 'AddOrder').params).toMatchObject({ oflags: 'viqc', volume: '1000' });
    // 1000 / 50000.1 = 0.019999960000…, floored to 8 decimals.
    expect(s.trades()[0]).toMatchObject({ vol: '0.01999996', price: '50000.1', cost: '999.999999996' });
  });

  it('validates without placing (validate=true)', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const raw = (await ex.privatePostAddOrder({
      pair: 'XXBTZUSD',
      type: 'buy',
      ordertype: 'limit',
      price: '40000',
      volume: '0.01',
      validate: true,
    })) as { result: { descr: { order: string }; txid?: string[] } };
    expect(raw.result).toEqual({ descr: { order: 'buy 0.01000000 XBTUSD @ limit 40000.0' } });
    expect(s.orders()).toEqual([]);
  });

  it('groups by userref: orders carry it, a cancel by userref ends all of them', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000, { userref: 77 });
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40100, { userref: 77 });
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40200, { userref: 78 });
    const [listed] = await ex.fetchOpenOrders(undefined, undefined, undefined, { userref: 78 });
    expect(listed).toMatchObject({ clientOrderId: '78', price: 40200 });
    const both = await failure(
      ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000, { userref: 1, clientOrderId: 'x-1' }),
    );
    expect(both).toBeInstanceOf(ccxt.BadRequest);
    await ex.cancelOrder('77');
    expect(s.orders().map((o) => o.status)).toEqual(['canceled', 'canceled', 'open']);
  });

  it("keeps ccxt's client-id traps visible: fetchOrder looks up userref, an order without ids reads as '0'", async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const placed = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'braid-7' });
    const byUserref = await failure(ex.fetchOrder(placed.id!, undefined, { clientOrderId: 'braid-7' }));
    expect(lastRequest(s, 'QueryOrders').params).toMatchObject({ userref: 'braid-7' });
    expect(byUserref.message).toContain('EGeneral:Invalid arguments:userref');
    const [found] = await ex.fetchOpenOrders(undefined, undefined, undefined, { clientOrderId: 'braid-7' });
    expect(found).toMatchObject({ id: placed.id, clientOrderId: 'braid-7' });
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000);
    const bare = (await ex.fetchOpenOrders()).find((o) => o.id !== placed.id);
    expect(bare!.clientOrderId).toBe('0');
  });

  it('replaces an order with the legacy EditOrder: a new txid, the old one cancelled', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const placed = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000);
    const raw = (await ex.privatePostEditOrder({ txid: placed.id, pair: 'XXBTZUSD', price: '40500' })) as {
      result: { txid: string; originaltxid: string; descr: { order: string } };
    };
    expect(raw.result.originaltxid).toBe(placed.id);
    expect(raw.result.descr.order).toBe('buy 0.01000000 XBTUSD @ limit 40500.0');
    expect(s.orders().map((o) => [o.txid, o.status, o.price])).toEqual([
      [placed.id, 'canceled', '40000'],
      [raw.result.txid, 'open', '40500'],
    ]);
  });

  it('queries orders and trades by id; an unknown order id is an error', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const a = await ex.createOrder('BTC/USD', 'market', 'buy', 0.01);
    const b = await ex.createOrder('ETH/USD', 'limit', 'buy', 0.1, 2000);
    const both = await ex.fetchOrdersByIds([a.id!, b.id!]);
    expect(both.map((o) => [o.symbol, o.status])).toEqual([
      ['BTC/USD', 'closed'],
      ['ETH/USD', 'open'],
    ]);
    const trades = await ex.fetchOrderTrades(a.id!, 'BTC/USD', undefined, undefined, {
      trades: s.orders()[0]!.trades,
    });
    expect(trades.map((t) => [t.id, t.order, t.amount])).toEqual([[s.trades()[0]!.txid, a.id, 0.01]]);
    expect(await failure(ex.fetchOrder('OAAAAA-BBBBB-CCCCCC'))).toBeInstanceOf(ccxt.InvalidOrder);
  });

  it('pages ClosedOrders newest first with its count, bounded by start/end', async () => {
    const { sim: s, clock } = await sim();
    const ex = client(s);
    const t0 = clock.t;
    for (let i = 0; i < 3; i++) {
      clock.t = t0 + i * 10_000;
      const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000 + i);
      await ex.cancelOrder(o.id!);
    }
    const raw = (await ex.privatePostClosedOrders({})) as {
      result: { closed: Record<string, { descr: { price: string } }>; count: number };
    };
    expect(raw.result.count).toBe(3);
    expect(Object.values(raw.result.closed).map((o) => o.descr.price)).toEqual([
      '40002.0',
      '40001.0',
      '40000.0',
    ]);
    const later = await ex.fetchClosedOrders(undefined, t0 + 5_000);
    expect(later.map((o) => o.price).sort()).toEqual([40001, 40002]);
    const bounded = await ex.fetchClosedOrders(undefined, undefined, undefined, {
      end: (t0 + 10_000) / 1000,
    });
    expect(bounded.map((o) => o.price).sort()).toEqual([40000, 40001]);
  });

  it('answers Time, Depth, Tickers and TradeBalance from the scripted market', async () => {
    const { sim: s, clock } = await sim({ balances: { ZUSD: 1000, XXBT: '0.5' } });
    const ex = client(s);
    expect(await ex.fetchTime()).toBe(Math.floor(clock.t / 1000) * 1000);
    const book = await ex.fetchOrderBook('ETH/USD');
    expect([book.bids[0]?.slice(0, 2), book.asks[0]?.slice(0, 2)]).toEqual([
      [3000, 1],
      [3000.01, 1],
    ]);
    const tickers = await ex.fetchTickers(['BTC/USD', 'ETH/USD']);
    expect(Object.keys(tickers).sort()).toEqual(['BTC/USD', 'ETH/USD']);
    const tb = (await ex.privatePostTradeBalance({})) as { result: { eb: string } };
    expect(tb.result.eb).toBe('26000.0000'); // 1000 + 0.5 × 50000
  });
});

describe('the dead-man switch', () => {
  it('arms in whole seconds and is disabled by a timeout under a second (ccxt sends timeout=0)', async () => {
    const { sim: s, clock } = await sim();
    const ex = client(s);
    const armed = (await ex.cancelAllOrdersAfter(60_000)) as {
      result: { currentTime: string; triggerTime: string };
    };
    expect(lastRequest(s, 'CancelAllOrdersAfter').params.timeout).toBe('60');
    expect(s.deadMan()).toEqual({ timeoutSeconds: 60, triggerAt: clock.t + 60_000 });
    expect(armed.result).toEqual({
      currentTime: '2026-01-05T12:00:00Z',
      triggerTime: '2026-01-05T12:01:00Z',
    });
    const disarmed = (await ex.cancelAllOrdersAfter(500)) as { result: { triggerTime: string } };
    expect(lastRequest(s, 'CancelAllOrdersAfter').params.timeout).toBe('0');
    expect(disarmed.result.triggerTime).toBe('0');
    expect(s.deadMan()).toBeNull();
  });

  it('cancels every open order when the sim clock passes the trigger, then stays off', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000);
    await ex.createOrder('ETH/USD', 'limit', 'buy', 0.1, 2000);
    await ex.cancelAllOrdersAfter(60_000);
    s.advance(59_999);
    expect(s.orders().map((o) => o.status)).toEqual(['open', 'open']);
    s.advance(1);
    expect(s.orders().map((o) => o.status)).toEqual(['canceled', 'canceled']);
    expect(s.deadMan()).toBeNull();
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000);
    s.advance(120_000);
    expect(s.orders()[2]!.status).toBe('open');
  });
});

describe('authentication and nonces', () => {
  it('refuses a signature made with the wrong secret (ccxt AuthenticationError) and acts on nothing', async () => {
    const { sim: s } = await sim();
    const wrong = Buffer.alloc(64, 7).toString('base64');
    const ex = client(s, { secret: wrong });
    expect(await failure(ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000))).toBeInstanceOf(
      ccxt.AuthenticationError,
    );
    expect(s.orders()).toEqual([]);
    expect(lastRequest(s, 'AddOrder').authenticated).toBe(false);
    const stranger = client(s, { apiKey: 'not-a-key' });
    const e = await failure(stranger.fetchBalance());
    expect(e).toBeInstanceOf(ccxt.AuthenticationError);
    expect(e.message).toContain('EAPI:Invalid key');
  });

  it("can answer Kraken's documented EAPI:Invalid signature, which ccxt leaves a bare ExchangeError", async () => {
    const { sim: s } = await sim({ badSignatureError: 'EAPI:Invalid signature' });
    const ex = client(s, { secret: Buffer.alloc(64, 1).toString('base64') });
    const e = await failure(ex.fetchBalance());
    expect(e).toBeInstanceOf(ccxt.ExchangeError);
    expect(e).not.toBeInstanceOf(ccxt.AuthenticationError);
    expect(e.message).toContain('EAPI:Invalid signature');
  });

  it('refuses a nonce not above the last one for the key (ccxt InvalidNonce); another key has its own', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    let nonce = 1_000_000;
    ex.nonce = () => nonce;
    await ex.fetchBalance();
    expect(await failure(ex.fetchBalance())).toBeInstanceOf(ccxt.InvalidNonce);
    nonce = 999_999;
    expect(await failure(ex.fetchBalance())).toBeInstanceOf(ccxt.InvalidNonce);
    nonce = 1_000_001;
    await ex.fetchBalance();
    const second = s.addKey();
    const other = client(s, { apiKey: second.apiKey, secret: second.apiSecret });
    other.nonce = () => 5;
    await other.fetchBalance();
    expect(
      s
        .requests()
        .filter((r) => r.path === 'BalanceEx')
        .map((r) => r.error),
    ).toEqual([[], ['EAPI:Invalid nonce'], ['EAPI:Invalid nonce'], [], []]);
  });

  it('verifies a JSON body over its raw bytes (what ccxt sends for CancelOrderBatch)', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    const a = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000);
    await failure(ex.cancelOrders([a.id!]));
    const r = lastRequest(s, 'CancelOrderBatch');
    expect(r.contentType).toBe('application/json');
    expect(r.authenticated).toBe(true);
    expect(r.error).toEqual(['EGeneral:Unknown method']);
  });
});

describe('scripted faults', () => {
  it('drop_after_accept: the order is placed, the connection dropped; ccxt raises a NetworkError', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    s.fault({ kind: 'drop_after_accept', path: 'AddOrder' });
    const e = await failure(
      ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'lost-1' }),
    );
    expect(e).toBeInstanceOf(ccxt.NetworkError);
    expect(s.orders()).toHaveLength(1);
    expect(s.orders()[0]).toMatchObject({ cl_ord_id: 'lost-1', status: 'open' });
    const [found] = await ex.fetchOpenOrders(undefined, undefined, undefined, { clientOrderId: 'lost-1' });
    expect(found!.id).toBe(s.orders()[0]!.txid);
  });

  it('lose_answer: acted on, never answered; ccxt times out (RequestTimeout)', async () => {
    const { sim: s } = await sim();
    const ex = client(s, { timeout: 400 });
    const placed = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000);
    s.fault({ kind: 'lose_answer', path: 'CancelOrder' });
    expect(await failure(ex.cancelOrder(placed.id!))).toBeInstanceOf(ccxt.RequestTimeout);
    expect(s.orders()[0]!.status).toBe('canceled');
  });

  it('http_5xx: ExchangeNotAvailable, with or without the order placed', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    s.fault({ kind: 'http_5xx', status: 502, path: 'AddOrder', acted: false });
    expect(await failure(ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000))).toBeInstanceOf(
      ccxt.ExchangeNotAvailable,
    );
    expect(s.orders()).toHaveLength(0);
    s.fault({ kind: 'http_5xx', status: 503, path: 'AddOrder', acted: true });
    expect(await failure(ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000))).toBeInstanceOf(
      ccxt.ExchangeNotAvailable,
    );
    expect(s.orders()).toHaveLength(1);
  });

  it("error: Kraken's texts, acted on or not", async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    s.fault({ kind: 'error', path: 'AddOrder', error: 'EService:Unavailable' });
    expect(await failure(ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000))).toBeInstanceOf(
      ccxt.ExchangeNotAvailable,
    );
    expect(s.orders()).toHaveLength(0);
    s.fault({ kind: 'error', path: 'AddOrder', error: 'EGeneral:Internal error', acted: true });
    expect(await failure(ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000))).toBeInstanceOf(
      ccxt.ExchangeNotAvailable,
    );
    expect(s.orders()).toHaveLength(1);
  });

  it('rate_limit_storm: the next n private calls are refused (ccxt DDoSProtection), public ones are not', async () => {
    const { sim: s } = await sim();
    const ex = client(s);
    await ex.loadMarkets();
    s.fault({ kind: 'rate_limit_storm', count: 2 });
    await ex.fetchTicker('BTC/USD');
    expect(await failure(ex.fetchBalance())).toBeInstanceOf(ccxt.DDoSProtection);
    expect(await failure(ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000))).toBeInstanceOf(
      ccxt.DDoSProtection,
    );
    expect(s.orders()).toHaveLength(0);
    await ex.fetchBalance();
  });
});

describe('rate counters', () => {
  it('refuses calls past the per-key call counter until it decays', async () => {
    const { sim: s, clock } = await sim({ callCounterMax: 4, callCounterDecay: 0.5 });
    const ex = client(s);
    await ex.loadMarkets();
    await ex.fetchBalance();
    await ex.fetchMyTrades(); // costs 2
    await ex.fetchOpenOrders();
    const e = await failure(ex.fetchBalance());
    expect(e).toBeInstanceOf(ccxt.DDoSProtection);
    expect(e.message).toContain('EAPI:Rate limit exceeded');
    expect(s.rateCounters().calls[s.apiKey]).toEqual({ level: 4, peak: 4, max: 4 });
    clock.t += 2000; // −1
    await ex.fetchBalance();
    // Orders are on the matching-engine counter, not this one.
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000);
    expect(s.rateCounters().calls[s.apiKey]!.level).toBe(4);
    expect(s.rateCounters().matching.XXBTZUSD!.level).toBe(1);
  });

  it('charges the per-pair matching counter, a quick cancel most', async () => {
    const { sim: s, clock } = await sim({ matchingCounterMax: 10 });
    const ex = client(s);
    const a = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000);
    await ex.createOrder('ETH/USD', 'limit', 'buy', 0.1, 2000);
    await ex.cancelOrder(a.id!); // 1 + 8 on XXBTZUSD
    expect(s.rateCounters().matching).toMatchObject({ XXBTZUSD: { level: 9 }, XETHZUSD: { level: 1 } });
    const b = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000); // 10
    const e = await failure(ex.cancelOrder(b.id!));
    expect(e).toBeInstanceOf(ccxt.DDoSProtection);
    expect(e.message).toContain('EOrder:Rate limit exceeded');
    expect(s.orders()[2]!.status).toBe('open');
    clock.t += 400_000; // decayed to 0; an order this old cancels for free
    await ex.cancelOrder(b.id!);
    expect(s.rateCounters().matching.XXBTZUSD).toEqual({ level: 0, peak: 10, max: 10 });
  });
});
