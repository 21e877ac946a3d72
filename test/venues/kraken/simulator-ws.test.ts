// The simulator's private WebSocket (Kraken v2 `executions`), driven by the REAL ccxt pro kraken client
// (watchOrders, watchMyTrades) and, where ccxt hides the wire, by a bare `ws` socket: the token from REST
// GetWebSocketsToken, the refusal of a bad or stale token, the snapshot, a push for every order change and
// trade (with the trade ids REST TradesHistory uses), heartbeats and pongs, and the faults: a dropped
// socket and a refused connection.
import { connect } from 'node:net';
import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { waitFor } from '../../helpers/wait.ts';
import { INVALID_SESSION, type KrakenSim, startKrakenSim } from './simulator.ts';

type ProKraken = InstanceType<typeof ccxt.pro.kraken>;
type Json = Record<string, unknown>;

const open: Array<{ close(): Promise<unknown> | unknown }> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

async function sim(): Promise<{ sim: KrakenSim; clock: { t: number } }> {
  const clock = { t: Date.UTC(2026, 0, 5, 12, 0, 0) };
  const s = await startKrakenSim({ callCounterMax: 1000, now: () => clock.t, wsHeartbeatMs: 50 });
  open.push(s);
  return { sim: s, clock };
}

/** ccxt pro on plain ws:// wants its http agent loaded first (it refuses otherwise: NotSupported). */
async function client(s: KrakenSim): Promise<ProKraken> {
  const ex = new ccxt.pro.kraken({
    apiKey: s.apiKey,
    secret: s.apiSecret,
    enableRateLimit: false,
    timeout: 2000,
    urls: { api: { public: s.url, private: s.url, ws: { private: s.wsUrl, privateV2: s.wsUrl } } },
  });
  open.push({ close: () => ex.close() });
  await ex.loadHttpProxyAgent();
  return ex;
}

/** A bare socket that keeps every message it gets. */
async function socket(s: KrakenSim): Promise<{ ws: WebSocket; got: Json[]; send(m: Json): void }> {
  const ws = new WebSocket(s.wsUrl);
  const got: Json[] = [];
  ws.on('message', (d) => got.push(JSON.parse(d.toString()) as Json));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  open.push({
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.terminate();
      }),
  });
  return { ws, got, send: (m) => ws.send(JSON.stringify(m)) };
}

const token = async (ex: ProKraken) =>
  ((await ex.privatePostGetWebSocketsToken()) as { result: { token: string; expires: number } }).result;

const executions = (got: Json[]) => got.filter((m) => m.channel === 'executions');
const entries = (got: Json[]) => executions(got).flatMap((m) => m.data as Json[]);

describe('GetWebSocketsToken', () => {
  it('answers a signed request with a token and its 15 minutes; one signed with the wrong secret is refused', async () => {
    const { sim: s } = await sim();
    const ex = await client(s);
    const t = await token(ex);
    expect(t.expires).toBe(900);
    expect(t.token).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const stranger = new ccxt.pro.kraken({
      apiKey: s.apiKey,
      secret: Buffer.from('not the secret').toString('base64'),
      urls: { api: { public: s.url, private: s.url } },
    });
    open.push({ close: () => stranger.close() });
    await expect(stranger.privatePostGetWebSocketsToken()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    // It is a private call like any other: on the key's nonce sequence and call counter.
    const calls = s.requests().filter((r) => r.path === 'GetWebSocketsToken');
    expect(calls.map((r) => r.authenticated)).toEqual([true, false]);
    expect(s.rateCounters().calls[s.apiKey]?.level).toBe(1);
  });
});

describe('subscribing to executions', () => {
  it('greets with status, acknowledges a good token and sends the open orders as the snapshot', async () => {
    const { sim: s } = await sim();
    const ex = await client(s);
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000, { cl_ord_id: 'rest-1' });
    const t = await token(ex);
    const c = await socket(s);
    await waitFor('the status greeting', () => c.got.find((m) => m.channel === 'status'));
    c.send({ method: 'subscribe', params: { channel: 'executions', token: t.token }, req_id: 7 });
    await waitFor('the snapshot', () => executions(c.got).length === 1);
    expect(c.got.find((m) => m.method === 'subscribe')).toMatchObject({
      method: 'subscribe',
      req_id: 7,
      success: true,
      result: { channel: 'executions', snapshot: true },
    });
    const [snapshot] = executions(c.got);
    expect(snapshot).toMatchObject({ type: 'snapshot', sequence: 1 });
    expect(snapshot!.data).toEqual([
      expect.objectContaining({
        cl_ord_id: 'rest-1',
        symbol: 'BTC/USD',
        side: 'buy',
        order_type: 'limit',
        order_qty: 0.01,
        limit_price: 40000,
        cum_qty: 0,
        order_status: 'new',
      }),
    ]);
    // Already subscribed on this connection: Kraken says so.
    c.send({ method: 'subscribe', params: { channel: 'executions', token: t.token }, req_id: 8 });
    await waitFor('the second answer', () => c.got.find((m) => m.req_id === 8));
    expect(c.got.find((m) => m.req_id === 8)).toMatchObject({ success: false, error: 'Already subscribed' });
  });

  it("refuses an unknown token and one past its 15 minutes with Kraken's ESession:Invalid session", async () => {
    const { sim: s, clock } = await sim();
    const ex = await client(s);
    const t = await token(ex);
    const c = await socket(s);
    c.send({ method: 'subscribe', params: { channel: 'executions', token: 'made-up' }, req_id: 1 });
    clock.t += 900_000;
    c.send({ method: 'subscribe', params: { channel: 'executions', token: t.token }, req_id: 2 });
    await waitFor('both answers', () => c.got.filter((m) => m.method === 'subscribe').length === 2);
    for (const reqId of [1, 2]) {
      expect(c.got.find((m) => m.req_id === reqId)).toMatchObject({
        method: 'subscribe',
        success: false,
        error: INVALID_SESSION,
      });
    }
    expect(executions(c.got)).toEqual([]);
    expect(s.wsSessions()[0]!.subscribedAt).toBeNull();
  });

  it('sends heartbeats once subscribed and answers a ping with a pong', async () => {
    const { sim: s } = await sim();
    const t = await token(await client(s));
    const c = await socket(s);
    c.send({ method: 'ping', req_id: 42 });
    await waitFor('the pong', () => c.got.find((m) => m.method === 'pong'));
    expect(c.got.find((m) => m.method === 'pong')).toMatchObject({ req_id: 42 });
    expect(c.got.some((m) => m.channel === 'heartbeat')).toBe(false);
    c.send({ method: 'subscribe', params: { channel: 'executions', token: t.token } });
    await waitFor('three heartbeats', () => c.got.filter((m) => m.channel === 'heartbeat').length >= 3);
  });
});

describe('pushes', () => {
  it("pushes an order's life (pending_new, new, trade, filled) and each trade under its TradesHistory id", async () => {
    const { sim: s } = await sim();
    const ex = await client(s);
    const t = await token(ex);
    const c = await socket(s);
    c.send({ method: 'subscribe', params: { channel: 'executions', token: t.token } });
    await waitFor('the snapshot', () => executions(c.got).length === 1);
    const placed = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000, { cl_ord_id: 'life' });
    const half = s.fill(placed.id!, '0.004')!;
    const rest = s.fill(placed.id!, '0.006')!;
    await waitFor('the filled update', () => entries(c.got).find((e) => e.exec_type === 'filled'));
    const life = entries(c.got).filter((e) => e.order_id === placed.id);
    expect(life.map((e) => e.exec_type)).toEqual(['pending_new', 'new', 'trade', 'trade', 'filled']);
    expect(life[0]).toMatchObject({ cl_ord_id: 'life', order_qty: 0.01, limit_price: 40000 });
    // 0.004 × 40000 = 160 at the 16 bp maker fee: 0.256 USD; then 0.006 × 40000 = 240: 0.384 USD.
    expect(life[2]).toMatchObject({
      exec_id: half,
      last_qty: 0.004,
      last_price: 40000,
      cost: 160,
      liquidity_ind: 'm',
      order_status: 'partially_filled',
      fees: [{ asset: 'USD', qty: 0.256 }],
    });
    expect(life[3]).toMatchObject({ exec_id: rest, last_qty: 0.006, cost: 240 });
    expect(life[4]).toMatchObject({ order_status: 'filled', cum_qty: 0.01, cum_cost: 400, avg_price: 40000 });
    // The same ids REST's TradesHistory answers.
    const viaRest = await ex.fetchMyTrades();
    expect(viaRest.map((x) => x.id).sort()).toEqual([half, rest].sort());
    // Sequence numbers count the messages of this connection.
    expect(executions(c.got).map((m) => m.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('pushes cancels (REST and the dead-man switch) and amends', async () => {
    const { sim: s, clock } = await sim();
    const ex = await client(s);
    const t = await token(ex);
    const c = await socket(s);
    c.send({ method: 'subscribe', params: { channel: 'executions', token: t.token } });
    await waitFor('the snapshot', () => executions(c.got).length === 1);
    const a = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000);
    const b = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.02, 41000);
    await ex.editOrder(a.id!, 'BTC/USD', 'limit', 'buy', 0.015, 39000);
    await ex.cancelOrder(a.id!);
    await ex.cancelAllOrdersAfter(60_000);
    clock.t += 61_000;
    s.advance(0);
    await waitFor(
      'both cancels',
      () => entries(c.got).filter((e) => e.exec_type === 'canceled').length === 2,
    );
    const of = (id: string) =>
      entries(c.got)
        .filter((e) => e.order_id === id)
        .map((e) => e.exec_type);
    expect(of(a.id!)).toEqual(['pending_new', 'new', 'amended', 'canceled']);
    expect(of(b.id!)).toEqual(['pending_new', 'new', 'canceled']);
    const amended = entries(c.got).find((e) => e.exec_type === 'amended');
    expect(amended).toMatchObject({ order_qty: 0.015, limit_price: 39000, order_status: 'new' });
    const cancels = entries(c.got).filter((e) => e.exec_type === 'canceled');
    expect(cancels.map((e) => e.reason)).toEqual(['User requested', 'Dead man switch']);
  });

  it('reaches ccxt pro: watchOrders and watchMyTrades see the order and its fill, trade ids as REST has them', async () => {
    const { sim: s } = await sim();
    const ex = await client(s);
    const firstOrders = ex.watchOrders();
    await waitFor('subscribed', () => s.wsSessions()[0]?.subscribedAt !== null && s.wsSessions()[0]);
    const trades = ex.watchMyTrades();
    const placed = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000);
    const orders = await firstOrders;
    expect(orders[0]).toMatchObject({ id: placed.id, symbol: 'BTC/USD', side: 'buy', amount: 0.01 });
    const tradeId = s.fill(placed.id!, '0.01')!;
    const got = await trades;
    expect(got).toEqual([
      expect.objectContaining({
        id: tradeId,
        order: placed.id,
        symbol: 'BTC/USD',
        price: 40000,
        amount: 0.01,
      }),
    ]);
    // ccxt subscribed once (watchOrders' snap_orders), with the token it fetched over REST.
    const subscribes = s.wsSessions()[0]!.received.filter((m) => (m as Json).method === 'subscribe');
    expect(subscribes).toEqual([
      expect.objectContaining({
        params: expect.objectContaining({ channel: 'executions', snap_orders: true }),
      }),
    ]);
    expect(s.requests().filter((r) => r.path === 'GetWebSocketsToken')).toHaveLength(1);
  });
});

describe('faults', () => {
  it('wsDrop cuts the socket (ccxt sees a NetworkError); a new watch connects and subscribes again', async () => {
    const { sim: s } = await sim();
    const ex = await client(s);
    const watching = ex.watchOrders();
    await waitFor('subscribed', () => s.wsSessions()[0]?.subscribedAt);
    expect(s.wsDrop()).toBe(1);
    await expect(watching).rejects.toBeInstanceOf(ccxt.NetworkError);
    await waitFor('the sim saw it close', () => s.wsSessions()[0]?.closedAt !== null);
    const again = ex.watchOrders();
    await waitFor('subscribed again', () => s.wsSessions()[1]?.subscribedAt);
    const placed = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 40000);
    expect((await again).map((o) => o.id)).toContain(placed.id!);
    expect(s.wsSessions().map((x) => x.closedAt === null)).toEqual([false, true]);
  });

  it('wsRefuse keeps connections out until lifted', async () => {
    const { sim: s } = await sim();
    s.wsRefuse(true);
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(s.wsUrl);
      ws.on('error', (e) => resolve(e.message));
      ws.on('open', () => resolve('opened'));
    });
    expect(refused).toContain('503');
    expect(s.wsSessions()).toEqual([]);
    s.wsRefuse(false);
    const c = await socket(s);
    await waitFor('the greeting', () => c.got.find((m) => m.channel === 'status'));
    expect(s.wsSessions()).toHaveLength(1);
  });

  it('a client that resets its connection while being refused does not take the simulator down', async () => {
    const { sim: s } = await sim();
    s.wsRefuse(true);
    const port = Number(new URL(s.url).port);
    // A raw upgrade request, then a TCP reset once the refusal has come back: the server's side of the
    // socket sees ECONNRESET, which must be handled, not thrown (vitest fails a run on an uncaught error).
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const raw = connect(port, '127.0.0.1', () =>
          raw.write(
            'GET /v2 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
          ),
        );
        raw.once('data', () => {
          raw.resetAndDestroy();
          resolve();
        });
        raw.on('error', () => resolve());
      });
    }
    // Still serving: REST answers and a socket connects once the refusal is lifted.
    expect((await fetch(`${s.url}/0/public/Time`)).status).toBe(200);
    s.wsRefuse(false);
    const c = await socket(s);
    await waitFor('the greeting', () => c.got.find((m) => m.channel === 'status'));
  });
});
