// The simulator's account WebSocket (sim/ws.ts) as a plain client sees it: Hyperliquid's subscribe /
// subscriptionResponse, the userFills snapshot, ping/pong, orderUpdates and userFills pushed from the
// same account /info answers from (a REST order, a manual partial fill, a cancel), the error channel, and
// its faults (a dropped socket, upgrades refused). Then ccxt pro's watchOrders/watchMyTrades against it.
import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { waitFor } from '../../helpers/wait.ts';
import { type HyperliquidSim, l1Digest, signDigest, startHyperliquidSim } from './simulator.ts';

type Json = Record<string, unknown>;
const open: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function sim(): Promise<HyperliquidSim> {
  const s = await startHyperliquidSim({
    prices: { BTC: { bid: 89_999, ask: 90_000, mark: 90_000 }, ETH: { bid: 2_999.9, ask: 3_000 } },
  });
  open.push(() => s.close());
  return s;
}

interface Client {
  ws: WebSocket;
  got: Json[];
  closed: () => boolean;
  send: (m: unknown) => void;
}

async function connect(s: HyperliquidSim): Promise<Client> {
  const ws = new WebSocket(s.wsUrl);
  const got: Json[] = [];
  let isClosed = false;
  ws.on('error', () => undefined);
  ws.on('close', () => {
    isClosed = true;
  });
  ws.on('message', (d) => got.push(JSON.parse(String(d)) as Json));
  open.push(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, got, closed: () => isClosed, send: (m) => ws.send(JSON.stringify(m)) };
}

let lastNonce = 0;
async function post(s: HyperliquidSim, action: Json): Promise<Json> {
  const nonce = Math.max(s.now(), lastNonce + 1);
  lastNonce = nonce;
  const signature = signDigest(l1Digest(action as never, nonce, true), s.accountKey);
  const res = await fetch(`${s.url}/exchange`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ action, nonce, signature }),
  });
  return (await res.json()) as Json;
}

const CLOID = `0x${'ab'.repeat(16)}`;
const restingBuy = (s: HyperliquidSim) =>
  post(s, {
    type: 'order',
    orders: [{ a: 0, b: true, p: '89000', s: '0.02', r: false, t: { limit: { tif: 'Gtc' } }, c: CLOID }],
    grouping: 'na',
  });

const on = (c: Client, channel: string) => c.got.filter((m) => m.channel === channel);

async function subscribed(s: HyperliquidSim, user = s.account): Promise<Client> {
  const c = await connect(s);
  c.send({ method: 'subscribe', subscription: { type: 'orderUpdates', user } });
  c.send({ method: 'subscribe', subscription: { type: 'userFills', user } });
  await waitFor('both acknowledged', () => on(c, 'subscriptionResponse').length === 2);
  return c;
}

describe('the account WebSocket, as Hyperliquid speaks it', () => {
  it('acknowledges each subscription, sends the fills snapshot, answers ping with pong', async () => {
    const s = await sim();
    await restingBuy(s);
    const tid = s.fill(CLOID, '0.005');
    const c = await subscribed(s);
    expect(on(c, 'subscriptionResponse').map((m) => m.data)).toEqual([
      { method: 'subscribe', subscription: { type: 'orderUpdates', user: s.account } },
      { method: 'subscribe', subscription: { type: 'userFills', user: s.account } },
    ]);
    const snapshot = await waitFor('the snapshot', () => on(c, 'userFills')[0]);
    const data = snapshot.data as { isSnapshot: boolean; user: string; fills: Json[] };
    expect(data.isSnapshot).toBe(true);
    expect(data.user).toBe(s.account);
    expect(data.fills.map((f) => [f.tid, f.sz, f.px, f.cloid])).toEqual([[tid, '0.005', '89000', CLOID]]);
    c.send({ method: 'ping' });
    expect(await waitFor('pong', () => on(c, 'pong')[0])).toEqual({ channel: 'pong' });
    expect(s.wsSessions()[0]!.subscriptions).toEqual([`orderUpdates:${s.account}`, `userFills:${s.account}`]);
  });

  it('pushes the order placed over REST, its partial fill and its cancel, in /info shapes', async () => {
    const s = await sim();
    const c = await subscribed(s);
    await restingBuy(s);
    const placed = await waitFor('the open update', () => on(c, 'orderUpdates')[0]);
    const oid = s.order(CLOID)!.oid;
    const at = s.order(CLOID)!.timestamp;
    expect(placed.data).toEqual([
      {
        order: {
          coin: 'BTC',
          side: 'B',
          limitPx: '89000',
          sz: '0.02',
          oid,
          timestamp: at,
          origSz: '0.02',
          cloid: CLOID,
        },
        status: 'open',
        statusTimestamp: at,
      },
    ]);
    // A partial fill: the fill is pushed; the order's status is unchanged, so no order update.
    const tid = s.fill(CLOID, '0.005');
    const fills = await waitFor('the fill', () =>
      on(c, 'userFills').find((m) => !(m.data as Json).isSnapshot),
    );
    const fill = (fills.data as { fills: Json[] }).fills[0]!;
    // Maker at 89000: 0.005 × 89000 × 0.00015 = 0.06675.
    expect(fill).toMatchObject({
      tid,
      oid,
      coin: 'BTC',
      px: '89000',
      sz: '0.005',
      side: 'B',
      fee: '0.06675',
    });
    expect(fill).toMatchObject({ dir: 'Open Long', startPosition: '0', crossed: false, cloid: CLOID });
    expect(on(c, 'orderUpdates')).toHaveLength(1);
    await post(s, { type: 'cancel', cancels: [{ a: 0, o: oid }] });
    const cancelled = await waitFor('the cancel', () => on(c, 'orderUpdates')[1]);
    const [update] = cancelled.data as Json[];
    expect(update!.status).toBe('canceled');
    expect(update!.order).toMatchObject({ oid, sz: '0.015', origSz: '0.02' });
  });

  it("pushes nothing of another user's and refuses what it cannot read", async () => {
    const s = await sim();
    const other = await subscribed(s, '0x000000000000000000000000000000000000dead');
    const c = await connect(s);
    c.send({ method: 'subscribe', subscription: { type: 'orderUpdates', user: s.account } });
    c.send({ method: 'subscribe', subscription: { type: 'orderUpdates', user: s.account } });
    c.send({ method: 'subscribe', subscription: { type: 'allMidz' } });
    await waitFor('two errors', () => on(c, 'error').length === 2);
    expect(String(on(c, 'error')[0]!.data)).toMatch(/^Already subscribed/);
    expect(String(on(c, 'error')[1]!.data)).toMatch(/^Error parsing JSON into valid websocket request/);
    await restingBuy(s);
    await waitFor('the update', () => on(c, 'orderUpdates').length === 1);
    expect(on(other, 'orderUpdates')).toEqual([]);
    expect((on(other, 'userFills')[0]!.data as Json).fills).toEqual([]);
  });

  it('drops sockets (reset or close frame) and refuses upgrades while down', async () => {
    const s = await sim();
    const a = await subscribed(s);
    expect(s.wsDrop('reset')).toBe(1);
    await waitFor('reset', () => a.closed());
    const b = await subscribed(s);
    expect(s.wsDrop('close')).toBe(1);
    await waitFor('closed', () => b.closed());
    s.wsRefuse(true);
    const refused = new WebSocket(s.wsUrl);
    open.push(() => refused.terminate());
    const status = await new Promise<number>((resolve) => {
      refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      refused.on('error', () => resolve(-1));
    });
    expect(status).toBe(503);
    s.wsRefuse(false);
    const c = await subscribed(s);
    // Nothing missed is replayed: the order placed while nobody listened is not pushed later.
    expect(on(c, 'orderUpdates')).toEqual([]);
    expect(s.wsSessions().map((x) => x.closedAt !== null)).toEqual([true, true, false]);
  });
});

describe('ccxt pro against the account WebSocket', () => {
  it('watchOrders and watchMyTrades get what the sim pushes', async () => {
    const s = await sim();
    const ex = new ccxt.pro.hyperliquid({
      walletAddress: s.account,
      enableRateLimit: false,
      urls: { api: { public: s.url, private: s.url, ws: { public: s.wsUrl } } },
    });
    open.push(() => ex.close());
    await ex.loadMarkets();
    await ex.loadHttpProxyAgent();
    const orders = ex.watchOrders();
    await waitFor('subscribed', () => s.wsSessions()[0]?.subscriptions.length === 1);
    await restingBuy(s);
    const got = await orders;
    expect(got.map((o) => [o.clientOrderId, o.status, o.amount, o.price, o.symbol])).toEqual([
      [CLOID, 'open', 0.02, 89000, 'BTC/USDC:USDC'],
    ]);
    const trades = ex.watchMyTrades();
    await waitFor('subscribed', () => s.wsSessions()[0]?.subscriptions.length === 2);
    // The snapshot is empty (no fills yet): ccxt resolves nothing on it, the fill is what comes.
    const tid = s.fill(CLOID, '0.02');
    const [trade] = await trades;
    expect([trade!.id, trade!.amount, trade!.price, trade!.side]).toEqual([String(tid), 0.02, 89000, 'buy']);
  });
});
