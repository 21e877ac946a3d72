// The Hyperliquid simulator: the Python SDK's published signing vectors reproduced by the sim's own
// verifier, then the REAL ccxt hyperliquid client against it (markets, balance, positions, orders, fills,
// cancels, cancel-replace, fills since a time), the refusals Hyperliquid gives (nonce reuse, a signer that
// is neither the account nor its API wallet, the $10 minimum, prices and sizes, the weight budget), and
// the failures a live venue has. Expected money is computed by hand in the comments.
import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait.ts';
import { NonceSets } from './sim/nonces.ts';
import {
  actionHash,
  addressOfKey,
  type HyperliquidSim,
  type HyperliquidSimOptions,
  l1Digest,
  phantomAgent,
  recoverSigner,
  signDigest,
  startHyperliquidSim,
  TEST_KEYS,
  userSignedDigest,
} from './simulator.ts';

type Hyperliquid = InstanceType<typeof ccxt.hyperliquid>;
type Wire = Parameters<typeof actionHash>[0];

const BTC = 'BTC/USDC:USDC';
const ETH = 'ETH/USDC:USDC';
/** ccxt's default builder (wire notes fact 1), lowercased as ccxt attaches it. */
const CCXT_BUILDER = '0x6530512a6c89c7cfcebc3ba7fcd9ada5f30827a6';
const cloid = (n: number) => `0x${n.toString(16).padStart(32, '0')}`;

const open: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});

/** A sim quoting BTC 89999 / 90000 (mark 90000) and ETH 2999.9 / 3000 (mark 3000): round numbers for fees. */
async function sim(options: HyperliquidSimOptions = {}): Promise<HyperliquidSim> {
  const s = await startHyperliquidSim({
    prices: {
      BTC: { bid: 89_999, ask: 90_000, mark: 90_000 },
      ETH: { bid: 2_999.9, ask: 3_000, mark: 3_000 },
    },
    ...options,
  });
  open.push(s);
  return s;
}

function client(
  s: HyperliquidSim,
  over: { privateKey?: string; walletAddress?: string; timeout?: number } = {},
) {
  const ex: Hyperliquid = new ccxt.hyperliquid({
    walletAddress: over.walletAddress ?? s.account,
    privateKey: over.privateKey ?? s.accountKey,
    // ccxt charges info calls 20 × rateLimit 50 ms: off, the sim's own budget is what the tests measure.
    enableRateLimit: false,
    timeout: over.timeout ?? 2000,
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

/** The last nonce posted to each sim: one sim's hand clock must not push another's nonces out of its
 *  window (a fixed hand date beside real-clock sims failed once the real date moved a day on). */
const lastNonces = new WeakMap<HyperliquidSim, number>();
/** Posts one signed action as Hyperliquid's SDKs do, bypassing ccxt (for what ccxt will not send). */
async function post(
  s: HyperliquidSim,
  action: Record<string, Wire>,
  opts: { key?: string; nonce?: number } = {},
): Promise<{ status: number; body: unknown; raw: string }> {
  // Bumped within one sim millisecond, as ccxt's incrementingNonce does: a hand clock stands still.
  const nonce = opts.nonce ?? Math.max(s.now(), (lastNonces.get(s) ?? 0) + 1);
  if (opts.nonce === undefined) lastNonces.set(s, nonce);
  const signature = signDigest(l1Digest(action, nonce, true), opts.key ?? s.accountKey);
  return postRaw(s, '/exchange', JSON.stringify({ action, nonce, signature }));
}

async function postRaw(s: HyperliquidSim, path: string, raw: string) {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: raw,
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, raw };
}

const order = (over: Record<string, Wire> = {}): Record<string, Wire> => ({
  a: 0,
  b: true,
  p: '89000',
  s: '0.01',
  r: false,
  t: { limit: { tif: 'Gtc' } },
  ...over,
});
const orderAction = (o: Record<string, Wire>): Record<string, Wire> => ({
  type: 'order',
  orders: [o],
  grouping: 'na',
});

describe('signing: hyperliquid-python-sdk tests/signing_test.py vectors', () => {
  const KEY = '0x0123456789012345678901234567890123456789012345678901234567890123';
  const ADDRESS = '0x14791697260e4c9a71f18484c9f997b308e59325';
  const gtc = { a: 1, b: true, p: '100', s: '100', r: false, t: { limit: { tif: 'Gtc' } } };
  const dummy = { type: 'dummy', num: 100_000_000_000 }; // float_to_int_for_hashing(1000)
  const vectors: Array<{
    name: string;
    action: Wire;
    vault?: string;
    a: [string, string, number];
    b: [string, string, number];
  }> = [
    {
      name: 'dummy action',
      action: dummy,
      a: [
        '0x53749d5b30552aeb2fca34b530185976545bb22d0b3ce6f62e31be961a59298',
        '0x755c40ba9bf05223521753995abb2f73ab3229be8ec921f350cb447e384d8ed8',
        27,
      ],
      b: [
        '0x542af61ef1f429707e3c76c5293c80d01f74ef853e34b76efffcb57e574f9510',
        '0x17b8b32f086e8cdede991f1e2c529f5dd5297cbe8128500e00cbaf766204a613',
        28,
      ],
    },
    {
      name: 'GTC order',
      action: { type: 'order', orders: [gtc], grouping: 'na' },
      a: [
        '0xd65369825a9df5d80099e513cce430311d7d26ddf477f5b3a33d2806b100d78e',
        '0x2b54116ff64054968aa237c20ca9ff68000f977c93289157748a3162b6ea940e',
        28,
      ],
      b: [
        '0x82b2ba28e76b3d761093aaded1b1cdad4960b3af30212b343fb2e6cdfa4e3d54',
        '0x6b53878fc99d26047f4d7e8c90eb98955a109f44209163f52d8dc4278cbbd9f5',
        27,
      ],
    },
    {
      name: 'order with cloid',
      action: {
        type: 'order',
        orders: [{ ...gtc, c: '0x00000000000000000000000000000001' }],
        grouping: 'na',
      },
      a: [
        '0x41ae18e8239a56cacbc5dad94d45d0b747e5da11ad564077fcac71277a946e3',
        '0x3c61f667e747404fe7eea8f90ab0e76cc12ce60270438b2058324681a00116da',
        27,
      ],
      b: [
        '0xeba0664bed2676fc4e5a743bf89e5c7501aa6d870bdb9446e122c9466c5cd16d',
        '0x7f3e74825c9114bc59086f1eebea2928c190fdfbfde144827cb02b85bbe90988',
        28,
      ],
    },
    {
      name: 'dummy action for a vault',
      action: dummy,
      vault: '0x1719884eb866cb12b2287399b15f7db5e7d775ea',
      a: [
        '0x3c548db75e479f8012acf3000ca3a6b05606bc2ec0c29c50c515066a326239',
        '0x4d402be7396ce74fbba3795769cda45aec00dc3125a984f2a9f23177b190da2c',
        28,
      ],
      b: [
        '0xe281d2fb5c6e25ca01601f878e4d69c965bb598b88fac58e475dd1f5e56c362b',
        '0x7ddad27e9a238d045c035bc606349d075d5c5cd00a6cd1da23ab5c39d4ef0f60',
        27,
      ],
    },
    {
      name: 'stop-loss trigger order',
      action: {
        type: 'order',
        orders: [{ ...gtc, t: { trigger: { isMarket: true, triggerPx: '103', tpsl: 'sl' } } }],
        grouping: 'na',
      },
      a: [
        '0x98343f2b5ae8e26bb2587daad3863bc70d8792b09af1841b6fdd530a2065a3f9',
        '0x6b5bb6bb0633b710aa22b721dd9dee6d083646a5f8e581a20b545be6c1feb405',
        27,
      ],
      b: [
        '0x971c554d917c44e0e1b6cc45d8f9404f32172a9d3b3566262347d0302896a2e4',
        '0x206257b104788f80450f8e786c329daa589aa0b32ba96948201ae556d5637eac',
        28,
      ],
    },
    {
      name: 'createSubAccount',
      action: { type: 'createSubAccount', name: 'example' },
      a: [
        '0x51096fe3239421d16b671e192f574ae24ae14329099b6db28e479b86cdd6caa7',
        '0xb71f7d293af92d3772572afb8b102d167a7cef7473388286bc01f52a5c5b423',
        27,
      ],
      b: [
        '0xa699e3ed5c2b89628c746d3298b5dc1cca604694c2c855da8bb8250ec8014a5b',
        '0x53f1b8153a301c72ecc655b1c315d64e1dcea3ee58921fd7507e35818fcc1584',
        28,
      ],
    },
    {
      name: 'subAccountTransfer',
      action: {
        type: 'subAccountTransfer',
        subAccountUser: '0x1d9470d4b963f552e6f671a81619d395877bf409',
        isDeposit: true,
        usd: 10,
      },
      a: [
        '0x43592d7c6c7d816ece2e206f174be61249d651944932b13343f4d13f306ae602',
        '0x71a926cb5c9a7c01c3359ec4c4c34c16ff8107d610994d4de0e6430e5cc0f4c9',
        28,
      ],
      b: [
        '0xe26574013395ad55ee2f4e0575310f003c5bb3351b5425482e2969fa51543927',
        '0xefb08999196366871f919fd0e138b3a7f30ee33e678df7cfaf203e25f0a4278',
        28,
      ],
    },
    {
      name: 'scheduleCancel without time',
      action: { type: 'scheduleCancel' },
      a: [
        '0x6cdfb286702f5917e76cd9b3b8bf678fcc49aec194c02a73e6d4f16891195df9',
        '0x6557ac307fa05d25b8d61f21fb8a938e703b3d9bf575f6717ba21ec61261b2a0',
        27,
      ],
      b: [
        '0xc75bb195c3f6a4e06b7d395acc20bbb224f6d23ccff7c6a26d327304e6efaeed',
        '0x342f8ede109a29f2c0723bd5efb9e9100e3bbb493f8fb5164ee3d385908233df',
        28,
      ],
    },
    {
      name: 'scheduleCancel at 123456789',
      action: { type: 'scheduleCancel', time: 123_456_789 },
      a: [
        '0x609cb20c737945d070716dcc696ba030e9976fcf5edad87afa7d877493109d55',
        '0x16c685d63b5c7a04512d73f183b3d7a00da5406ff1f8aad33f8ae2163bab758b',
        28,
      ],
      b: [
        '0x4e4f2dbd4107c69783e251b7e1057d9f2b9d11cee213441ccfa2be63516dc5bc',
        '0x706c656b23428c8ba356d68db207e11139ede1670481a9e01ae2dfcdb0e1a678',
        27,
      ],
    },
  ];

  it('builds the production phantom agent (ETH IOC order, nonce 1677777606040)', () => {
    const action = {
      type: 'order',
      orders: [{ a: 4, b: true, p: '1670.1', s: '0.0147', r: false, t: { limit: { tif: 'Ioc' } } }],
      grouping: 'na',
    };
    const agent = phantomAgent(actionHash(action, null, 1_677_777_606_040), true);
    expect(Buffer.from(agent.connectionId).toString('hex')).toBe(
      '0fcbeda5ae3c4950a548021552a4fea2226858c4453571bf3f24ba017eac2908',
    );
    expect(agent.source).toBe('a');
  });

  it.each(vectors)(
    '$name: same signature as the SDK on mainnet and testnet, and the signer recovered',
    (v) => {
      expect(addressOfKey(KEY)).toBe(ADDRESS);
      for (const [mainnet, [r, s, recovery]] of [
        [true, v.a],
        [false, v.b],
      ] as const) {
        const digest = l1Digest(v.action, 0, mainnet, v.vault ?? null);
        expect(signDigest(digest, KEY)).toEqual({ r, s, v: recovery });
        expect(recoverSigner(digest, { r, s, v: recovery })).toBe(ADDRESS);
      }
    },
  );

  it('a signature over one action recovers someone else for a changed action or the other network', () => {
    const action = { type: 'order', orders: [gtc], grouping: 'na' };
    const sig = signDigest(l1Digest(action, 0, true), KEY);
    const changed = { type: 'order', orders: [{ ...gtc, p: '101' }], grouping: 'na' };
    expect(recoverSigner(l1Digest(changed, 0, true), sig)).not.toBe(ADDRESS);
    expect(recoverSigner(l1Digest(action, 1, true), sig)).not.toBe(ADDRESS);
    expect(recoverSigner(l1Digest(action, 0, false), sig)).not.toBe(ADDRESS);
    expect(recoverSigner(l1Digest(action, 0, true), { ...sig, v: 29 })).toBeUndefined();
  });

  it('user-signed actions: the usdSend and withdraw vectors (testnet, chainId 0x66eee)', () => {
    const message = {
      destination: '0x5e9ee1089755c3435139848e47e6635505d5a13a',
      amount: '1',
      time: 1_687_816_341_423,
      hyperliquidChain: 'Testnet',
      signatureChainId: '0x66eee',
    };
    const send = userSignedDigest({ ...message, type: 'usdSend' })!;
    expect(signDigest(send, KEY)).toEqual({
      r: '0x637b37dd731507cdd24f46532ca8ba6eec616952c56218baeff04144e4a77073',
      s: '0x11a6a24900e6e314136d2592e2f8d502cd89b7c15b198e1bee043c9589f9fad7',
      v: 27,
    });
    const withdraw = userSignedDigest({ ...message, type: 'withdraw3' })!;
    expect(signDigest(withdraw, KEY)).toEqual({
      r: '0x8363524c799e90ce9bc41022f7c39b4e9bdba786e5f9c72b20e43e1462c37cf9',
      s: '0x58b1411a775938b83e29182e8ef74975f9054c8e97ebf5ec2dc8d51bfc893881',
      v: 28,
    });
  });
});

describe('nonces: the per-signer set of the 100 highest', () => {
  const T = Date.UTC(2026, 11, 1);
  it('refuses a repeat, a nonce at or below the smallest of a full set, and one outside (T − 2 d, T + 1 d)', () => {
    const n = new NonceSets();
    expect(n.take('0xa', T + 5, T)).toEqual({ ok: true });
    expect(n.take('0xa', T + 3, T)).toEqual({ ok: true }); // out of order is fine while the set has room
    expect(n.take('0xa', T + 5, T)).toEqual({ ok: false, error: `Invalid nonce: duplicate nonce ${T + 5}` });
    expect(n.take('0xb', T + 5, T)).toEqual({ ok: true }); // per signer
    for (let i = 0; i < 98; i++) expect(n.take('0xa', T + 100 + i, T).ok).toBe(true);
    // The set is full: {T+3, T+5, T+100 … T+197}; the smallest is T+3.
    expect(n.take('0xa', T + 3, T).ok).toBe(false);
    expect(n.take('0xa', T + 4, T)).toEqual({ ok: true }); // beats T+3, which it pushes out
    expect(n.take('0xa', T + 3, T).ok).toBe(false);
    expect(n.kept('0xa')[0]).toBe(T + 4);
    expect(n.take('0xa', T - 2 * 86_400_000, T).ok).toBe(false);
    expect(n.take('0xa', T + 86_400_000, T).ok).toBe(false);
    expect(n.take('0xa', T + 86_399_999, T).ok).toBe(true);
  });
});

describe('ccxt hyperliquid against the sim', () => {
  it('loadMarkets lists the perps; ccxt approves its builder fee and sets its referrer, signed by the account', async () => {
    const s = await sim();
    const ex = client(s);
    const markets = await ex.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual([BTC, ETH]);
    expect(markets[BTC]!.precision).toMatchObject({ amount: 0.00001, price: 1 });
    // ccxt derives the price step from the current price: 5 significant figures of 3000 → 0.1.
    expect(markets[ETH]!.precision).toMatchObject({ amount: 0.0001, price: 0.1 });
    expect(markets[BTC]!.limits.leverage?.max).toBe(40);
    expect(markets[BTC]!.limits.cost?.min).toBe(10);
    // ccxt's default (wire notes fact 1): what the adapter must switch off; the sim sees it arrive.
    const [approve] = s.actions('approveBuilderFee');
    expect(approve).toMatchObject({
      signer: s.account,
      signerRole: 'account',
      status: 200,
      error: undefined,
    });
    expect((approve!.body as { action: Record<string, unknown> }).action).toMatchObject({
      builder: '0x6530512A6c89C7cfCEbC3BA7fcD9aDa5f30827a6',
      maxFeeRate: '0.01%',
      hyperliquidChain: 'Mainnet',
      signatureChainId: '0x66eee',
    });
    expect(s.actions('setReferrer')).toHaveLength(1);
    expect((s.actions('setReferrer')[0]!.body as { action: unknown }).action).toEqual({
      type: 'setReferrer',
      code: 'CCXT1',
    });
    expect(
      s
        .requests()
        .filter((r) => r.endpoint === 'info')
        .map((r) => r.type)
        .sort(),
    ).toEqual(['metaAndAssetCtxs', 'perpDexs', 'spotMeta', 'spotMetaAndAssetCtxs', 'userAbstraction']);
  });

  it('a resting limit, then a crossing one that fills as taker: balance, position and trades as computed', async () => {
    const s = await sim();
    const ex = client(s);
    const rest = await ex.createOrder(BTC, 'limit', 'buy', 0.01, 89_000, { clientOrderId: cloid(1) });
    expect(rest.clientOrderId).toBe(cloid(1));
    expect(s.order(Number(rest.id))).toMatchObject({
      status: 'open',
      limitPx: '89000',
      sz: '0.01',
      tif: 'Gtc',
    });
    const fetched = await ex.fetchOrder(rest.id!, BTC);
    expect(fetched).toMatchObject({
      status: 'open',
      price: 89_000,
      amount: 0.01,
      remaining: 0.01,
      side: 'buy',
    });
    // ccxt attached its builder (1 bp) because the approval succeeded.
    expect(s.builderOrders().map((r) => r.builder)).toEqual([{ b: CCXT_BUILDER, f: 10 }]);

    const taken = await ex.createOrder(BTC, 'limit', 'buy', 0.01, 90_100);
    expect(taken.info).toEqual({ filled: { totalSz: '0.01', avgPx: '90000', oid: Number(taken.id) } });
    // 0.01 × 90000 = 900; taker 0.045 % = 0.405; builder 1 bp = 0.09. Cash 100000 − 0.495.
    expect(s.fills()).toMatchObject([
      { px: '90000', sz: '0.01', fee: '0.405', builderFee: '0.09', crossed: true, dir: 'Open Long' },
    ]);
    expect(s.cash()).toBe('99999.505');
    const balance = await ex.fetchBalance();
    // Mark 90000 = entry: nothing unrealized. Margin used 900 / 20 = 45.
    expect(balance.USDC).toMatchObject({ total: 99_999.505, used: 45 });
    const [position] = await ex.fetchPositions([BTC]);
    expect(position).toMatchObject({
      symbol: BTC,
      side: 'long',
      contracts: 0.01,
      entryPrice: 90_000,
      leverage: 20,
      marginMode: 'cross',
    });
    const trades = await ex.fetchMyTrades(BTC);
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({
      order: taken.id,
      side: 'buy',
      price: 90_000,
      amount: 0.01,
      takerOrMaker: 'taker',
    });
    expect(trades[0]!.fee).toEqual({ currency: 'USDC', cost: 0.495 }); // ccxt adds builderFee to fee
  });

  it('resting orders fill as makers when the price path comes through them, and by sim.fill in parts', async () => {
    const s = await sim();
    const ex = client(s);
    const a = await ex.createOrder(BTC, 'limit', 'buy', 0.02, 89_000);
    const b = await ex.createOrder(ETH, 'limit', 'sell', 0.5, 3_100, { clientOrderId: cloid(7) });
    s.setPrice(BTC, { bid: 88_900, ask: 88_950 });
    // Maker at its limit: 0.02 × 89000 = 1780; maker 0.015 % = 0.267, builder 0.178.
    expect(s.fills()).toMatchObject([
      { oid: Number(a.id), px: '89000', sz: '0.02', fee: '0.267', builderFee: '0.178', crossed: false },
    ]);
    const tid = s.fill(cloid(7), '0.2', '3100');
    expect(typeof tid).toBe('number');
    const part = await ex.fetchOrder(b.id!, ETH);
    expect(part).toMatchObject({ status: 'open', amount: 0.5, remaining: 0.3, filled: 0.2 });
    s.fill(Number(b.id), '0.3');
    expect((await ex.fetchOrder(b.id!, ETH)).status).toBe('closed');
    const positions = await ex.fetchPositions();
    expect(positions.map((p) => [p.symbol, p.side, p.contracts]).sort()).toEqual([
      [BTC, 'long', 0.02],
      [ETH, 'short', 0.5],
    ]);
  });

  it('cancel by oid and by cloid; a second cancel is OrderNotFound', async () => {
    const s = await sim();
    const ex = client(s);
    const a = await ex.createOrder(BTC, 'limit', 'buy', 0.01, 89_000);
    const b = await ex.createOrder(BTC, 'limit', 'sell', 0.01, 91_000, { clientOrderId: cloid(2) });
    const cancelled = await ex.cancelOrder(a.id!, BTC);
    expect(cancelled.info).toBe('success');
    expect(s.order(Number(a.id))!.status).toBe('canceled');
    await ex.cancelOrder('', BTC, { clientOrderId: cloid(2) });
    expect(s.actions('cancelByCloid')).toHaveLength(1);
    expect(s.order(Number(b.id))!.status).toBe('canceled');
    const again = await failure(ex.cancelOrder(a.id!, BTC));
    expect(again).toBeInstanceOf(ccxt.OrderNotFound);
    expect(again.message).toContain('Order was never placed, already canceled, or filled. asset=0');
    expect(await ex.fetchOpenOrders(BTC)).toEqual([]);
  });

  it('edit is cancel-replace: a new oid with the same cloid; the old oid ends canceled', async () => {
    const s = await sim();
    const ex = client(s);
    const first = await ex.createOrder(BTC, 'limit', 'buy', 0.01, 89_000, { clientOrderId: cloid(3) });
    const edited = await ex.editOrder(first.id!, BTC, 'limit', 'buy', 0.02, 88_500, {
      clientOrderId: cloid(3),
    });
    expect(edited.id).not.toBe(first.id);
    expect(edited.clientOrderId).toBe(cloid(3));
    expect(s.actions('batchModify')).toHaveLength(1);
    expect(s.order(Number(first.id))!.status).toBe('canceled');
    expect(s.order(cloid(3))).toMatchObject({
      oid: Number(edited.id),
      status: 'open',
      limitPx: '88500',
      sz: '0.02',
    });
    const byCloid = await ex.fetchOrder('', BTC, { clientOrderId: cloid(3) });
    expect(byCloid).toMatchObject({ id: edited.id, price: 88_500, amount: 0.02, status: 'open' });
    const gone = await failure(ex.editOrder(first.id!, BTC, 'limit', 'buy', 0.02, 88_000));
    expect(gone.message).toContain('Cannot modify canceled or filled order');
  });

  it('fetchMyTrades since a time returns only the fills from then on (userFillsByTime)', async () => {
    const s = await sim();
    const ex = client(s);
    await ex.createOrder(BTC, 'limit', 'buy', 0.01, 90_000);
    s.advance(60_000);
    const since = s.now();
    ex.milliseconds = () => Date.now() + 60_000; // ccxt's nonces keep up with the advanced sim clock
    const second = await ex.createOrder(ETH, 'limit', 'buy', 0.1, 3_000);
    const trades = await ex.fetchMyTrades(ETH, since);
    expect(s.requests().at(-1)).toMatchObject({ type: 'userFillsByTime' });
    expect(trades.map((t) => [t.order, t.symbol, t.amount])).toEqual([[second.id, ETH, 0.1]]);
    expect(await ex.fetchMyTrades(BTC, since - 1)).toEqual([]);
    const firstFill = s.fills()[0]!.time;
    expect((await ex.fetchMyTrades(BTC, firstFill)).map((t) => t.amount)).toEqual([0.01]);
  });

  it('reduce-only: refused without a position, and never fills past the position it reduces', async () => {
    const s = await sim();
    const ex = client(s);
    const refused = await failure(ex.createOrder(BTC, 'limit', 'sell', 0.01, 89_000, { reduceOnly: true }));
    expect(refused).toBeInstanceOf(ccxt.InvalidOrder);
    expect(refused.message).toContain('Reduce only order would increase position. asset=0');
    await ex.createOrder(BTC, 'limit', 'buy', 0.01, 90_000); // long 0.01 at 90000
    const close = await ex.createOrder(BTC, 'limit', 'sell', 0.03, 89_000, { reduceOnly: true });
    // Crosses the 89999 bid for 0.01 only: closed P&L 0.01 × (89999 − 90000) = −0.01.
    expect(s.order(Number(close.id))).toMatchObject({ status: 'reduceOnlyCanceled', sz: '0.02' });
    expect(s.fills().at(-1)).toMatchObject({
      sz: '0.01',
      px: '89999',
      closedPnl: '-0.01',
      dir: 'Close Long',
    });
    expect(s.positions()).toEqual([]);
  });

  it('a stop-loss trigger order fires on the mark and sells at the bid', async () => {
    const s = await sim();
    const ex = client(s);
    await ex.createOrder(BTC, 'limit', 'buy', 0.01, 90_000);
    const stop = await ex.createOrder(BTC, 'market', 'sell', 0.01, 85_000, {
      stopLossPrice: 85_000,
      reduceOnly: true,
    });
    // A market trigger at ±5 % slippage: limit 85000 × 0.95 = 80750.
    expect(s.order(Number(stop.id))).toMatchObject({
      status: 'open',
      limitPx: '80750',
      trigger: { isMarket: true, triggerPx: '85000', tpsl: 'sl' },
    });
    s.setPrice(BTC, { bid: 85_500, ask: 85_510, mark: 85_100 });
    expect(s.order(Number(stop.id))!.status).toBe('open');
    s.setPrice(BTC, { bid: 84_800, ask: 84_810, mark: 84_900 });
    expect(s.order(Number(stop.id))!.status).toBe('filled');
    expect(s.fills().at(-1)).toMatchObject({ px: '84800', sz: '0.01', closedPnl: '-52', crossed: true });
  });

  it('the minimum $10 order value and size decimals are refused with Hyperliquid texts; prices too, sent raw', async () => {
    const s = await sim();
    const ex = client(s);
    const small = await failure(ex.createOrder(BTC, 'limit', 'buy', 0.0001, 89_000)); // $8.90
    expect(small).toBeInstanceOf(ccxt.InvalidOrder);
    expect(small.message).toContain('Order must have minimum value of $10. asset=0');
    // ccxt rounds prices to 5 significant figures itself; a client that does not is refused.
    const sixFigures = await post(s, orderAction(order({ p: '89000.5' })));
    expect(sixFigures.body).toEqual({
      status: 'ok',
      response: {
        type: 'order',
        data: { statuses: [{ error: 'Price must be divisible by tick size. asset=0' }] },
      },
    });
    // ETH (szDecimals 4) takes 6 − 4 = 2 decimals: 29.991 has 5 figures but 3 decimals.
    const ethDecimals = await post(s, orderAction(order({ a: 1, p: '29.991', s: '1' })));
    expect(JSON.stringify(ethDecimals.body)).toContain('Price must be divisible by tick size. asset=1');
    expect(JSON.stringify((await post(s, orderAction(order({ a: 1, p: '29.99', s: '1' })))).body)).toContain(
      'resting',
    );
    // An integer price passes whatever its figures; 2999.12 has 6 and does not.
    expect(JSON.stringify((await post(s, orderAction(order({ p: '80001', s: '0.001' })))).body)).toContain(
      'resting',
    );
    expect(
      JSON.stringify((await post(s, orderAction(order({ a: 1, p: '2999.12', s: '1' })))).body),
    ).toContain('tick size');
    const sizeDecimals = await post(s, orderAction(order({ s: '0.000001' })));
    expect(JSON.stringify(sizeDecimals.body)).toContain('Order has invalid size. asset=0');
    expect(s.orders().map((o) => o.coin)).toEqual(['ETH', 'BTC']);
  });

  it('an API wallet of the account may trade; a stranger key is refused and nothing is placed', async () => {
    const s = await sim();
    const agent = client(s, { privateKey: s.agentKey });
    const placed = await agent.createOrder(BTC, 'limit', 'buy', 0.01, 89_000);
    expect(s.actions('order').at(-1)).toMatchObject({
      signer: addressOfKey(TEST_KEYS.agent),
      signerRole: 'agent',
      status: 200,
    });
    expect(s.order(Number(placed.id))!.status).toBe('open');
    // An agent cannot approve a builder fee for the account: user-signed actions act for their signer.
    expect(s.actions('approveBuilderFee')[0]).toMatchObject({
      signerRole: null,
      error: expect.stringContaining('does not exist'),
    });

    const strangerAddress = addressOfKey(TEST_KEYS.stranger);
    const stranger = client(s, { privateKey: TEST_KEYS.stranger });
    const refused = await failure(stranger.createOrder(BTC, 'limit', 'buy', 0.01, 89_000));
    expect(refused).toBeInstanceOf(ccxt.InvalidOrder); // ccxt's broad match 'User or API Wallet '
    expect(refused.message).toContain(`User or API Wallet ${strangerAddress} does not exist.`);
    expect(s.actions('order').at(-1)).toMatchObject({ signer: strangerAddress, signerRole: null });
    expect(s.orders()).toHaveLength(1);

    // Signed for testnet (phantom source 'b'), a mainnet venue recovers some other address.
    const testnet = client(s);
    testnet.options.sandboxMode = true;
    const wrongNet = await failure(testnet.createOrder(BTC, 'limit', 'buy', 0.01, 89_000));
    expect(wrongNet.message).toContain('User or API Wallet 0x');
    expect(s.orders()).toHaveLength(1);
  });

  it('a reused nonce is refused: two clients on one key in the same millisecond, and a replayed request', async () => {
    const s = await sim();
    const a = client(s);
    const b = client(s);
    await a.loadMarkets();
    await b.loadMarkets();
    const t = Date.now();
    a.nonce = () => t;
    b.nonce = () => t;
    a.options.lastNonce = 0;
    b.options.lastNonce = 0;
    await a.createOrder(BTC, 'limit', 'buy', 0.01, 89_000);
    const dup = await failure(b.createOrder(BTC, 'limit', 'buy', 0.01, 88_000));
    expect(dup.message).toContain(`Invalid nonce: duplicate nonce ${t}`);
    expect(s.orders()).toHaveLength(1);

    const first = await post(s, orderAction(order({ p: '87000' })));
    expect(JSON.stringify(first.body)).toContain('resting');
    const replay = await postRaw(s, '/exchange', first.raw);
    expect(replay.body).toEqual({
      status: 'err',
      response: expect.stringMatching(/^Invalid nonce: duplicate nonce \d+$/),
    });
    expect(s.orders()).toHaveLength(2);
    const stale = await post(s, orderAction(order()), { nonce: s.now() - 3 * 86_400_000 });
    expect((stale.body as { status: string }).status).toBe('err');
    expect(s.orders()).toHaveLength(2);
  });

  it('1200 weight a minute: a storm of 20-weight reads is answered 429 (RateLimitExceeded) at the limit', async () => {
    const s = await sim();
    const ex = client(s);
    await ex.loadMarkets(); // 5 info reads × 20 + approveBuilderFee 1 + setReferrer 1 = 102
    expect(s.weight().used).toBe(102);
    let ok = 0;
    let refused: Error | undefined;
    while (!refused && ok < 100) {
      try {
        await ex.fetchOpenOrders(BTC); // frontendOpenOrders: 20
        ok++;
      } catch (e) {
        refused = e as Error;
      }
    }
    // 102 + 54 × 20 = 1182; the 55th would make 1202.
    expect(ok).toBe(54);
    expect(refused).toBeInstanceOf(ccxt.RateLimitExceeded);
    expect(s.requests().at(-1)).toMatchObject({ type: 'frontendOpenOrders', status: 429 });
    // A 2-weight read still fits (1184), then the window rolls on after a minute.
    await ex.fetchBalance();
    s.advance(60_001);
    expect(s.weight().used).toBe(0);
    expect(await ex.fetchOpenOrders(BTC)).toEqual([]);
  });

  it('scheduleCancel: refused below the volume threshold with Hyperliquid text; armed, it cancels every order', async () => {
    const small = await sim();
    const ex = client(small);
    const refused = await failure(ex.cancelAllOrdersAfter(60_000));
    expect(refused.message).toContain(
      'Cannot set scheduled cancel time until enough volume traded. Required: $1000000. Traded: $0.',
    );

    const s = await sim({ scheduleCancelVolume: 0 });
    const a = client(s);
    const o = await a.createOrder(BTC, 'limit', 'buy', 0.01, 89_000);
    await a.cancelAllOrdersAfter(10_000); // time = ccxt's nonce (its real clock) + 10 s
    expect(s.deadMan().time).toBeGreaterThan(s.now() + 5_000);
    s.advance(2_000);
    expect(s.order(Number(o.id))!.status).toBe('open');
    s.advance(60_000);
    expect(s.order(Number(o.id))!.status).toBe('scheduledCancel');
    expect(s.deadMan()).toMatchObject({ time: null, firesToday: 1 });
  });

  it('scheduleCancel: at least 5 s ahead, at most 10 firings a UTC day (hand clock, raw signed actions)', async () => {
    const clock = { t: Date.UTC(2026, 11, 1, 12, 0, 0) };
    const s = await sim({ scheduleCancelVolume: 0, now: () => clock.t });
    const early = await post(s, { type: 'scheduleCancel', time: s.now() + 4_999 });
    expect(early.body).toEqual({ status: 'err', response: expect.stringContaining('at least 5 seconds') });
    for (let i = 0; i < 10; i++) {
      const armed = await post(s, { type: 'scheduleCancel', time: s.now() + 5_000 });
      expect(armed.body).toEqual({ status: 'ok', response: { type: 'default' } });
      s.advance(5_000);
    }
    expect(s.deadMan().firesToday).toBe(10);
    const eleventh = await post(s, { type: 'scheduleCancel', time: s.now() + 5_000 });
    expect(eleventh.body).toEqual({ status: 'err', response: 'Too many scheduled cancel triggers today.' });
    s.advance(12 * 3_600_000); // past midnight UTC: a new day's ten
    const tomorrow = await post(s, { type: 'scheduleCancel', time: s.now() + 5_000 });
    expect(tomorrow.body).toEqual({ status: 'ok', response: { type: 'default' } });
    // Without `time` the switch is cleared.
    expect((await post(s, { type: 'scheduleCancel' })).body).toEqual({
      status: 'ok',
      response: { type: 'default' },
    });
    expect(s.deadMan()).toEqual({ time: null, firesToday: 0 });
  });

  it('updateLeverage sets the position leverage; funding is booked on the position', async () => {
    const s = await sim();
    const ex = client(s);
    await ex.setLeverage(5, BTC, { marginMode: 'isolated' });
    expect(s.actions('updateLeverage')).toHaveLength(1);
    await ex.createOrder(BTC, 'limit', 'buy', 0.01, 90_000);
    expect(s.positions()).toEqual([
      { coin: 'BTC', szi: '0.01', entryPx: '90000', leverage: { type: 'isolated', value: 5 } },
    ]);
    // Long 0.01 × mark 90000 × 0.0001 = 0.09 paid.
    expect(s.applyFunding('BTC', '0.0001')).toBe('-0.09');
    expect(s.cash()).toBe('99999.415'); // 100000 − 0.405 − 0.09 (builder) − 0.09 (funding)
    const [p] = await ex.fetchPositions([BTC]);
    expect(p).toMatchObject({ leverage: 5, marginMode: 'isolated', collateral: 180 }); // 900 / 5
    const tooHigh = await failure(ex.setLeverage(41, BTC, { marginMode: 'cross' }));
    expect(tooHigh.message).toContain('Invalid leverage value');
  });
});

describe('market data and the other order kinds', () => {
  it('tickers, book, bars and funding come from the scripted prices', async () => {
    const s = await sim();
    const ex = client(s);
    s.setPrice(BTC, { bid: 91_000, ask: 91_002, mark: 91_001 });
    s.applyFunding('BTC', '0.0000125');
    const ticker = (await ex.fetchTickers([BTC]))[BTC]!;
    expect(ticker).toMatchObject({ bid: 91_000, ask: 91_002, last: 91_001 });
    const book = await ex.fetchOrderBook(BTC);
    expect([book.bids[0]![0], book.asks[0]![0]]).toEqual([91_000, 91_002]);
    expect((await ex.fetchFundingRate(BTC)).fundingRate).toBe(0.0000125);
    const t0 = Date.UTC(2026, 10, 30, 12, 0);
    s.setCandles('BTC', '1h', [
      { time: t0, open: 90_000, high: 90_500, low: 89_800, close: 90_100, volume: 12 },
      { time: t0 + 3_600_000, open: 90_100, high: 91_200, low: 90_000, close: 91_000, volume: 8 },
    ]);
    const bars = await ex.fetchOHLCV(BTC, '1h', t0, 2);
    expect(bars).toEqual([
      [t0, 90_000, 90_500, 89_800, 90_100, 12],
      [t0 + 3_600_000, 90_100, 91_200, 90_000, 91_000, 8],
    ]);
  });

  it('post-only that would cross and IOC that cannot are refused; an IOC fills what the touch has and ends', async () => {
    const s = await sim({ liquidity: '0.004' });
    const ex = client(s);
    const alo = await failure(ex.createOrder(BTC, 'limit', 'buy', 0.01, 90_000, { postOnly: true }));
    expect(alo).toBeInstanceOf(ccxt.InvalidOrder);
    expect(alo.message).toContain(
      'Post only order would have immediately matched, bbo was 89999@90000. asset=0',
    );
    const ioc = await failure(ex.createOrder(BTC, 'limit', 'buy', 0.01, 89_000, { timeInForce: 'IOC' }));
    expect(ioc.message).toContain('Order could not immediately match against any resting orders. asset=0');
    // A market buy is an IOC at +5 %: 0.004 is all the touch has, the rest is cancelled.
    const market = await ex.createOrder(BTC, 'market', 'buy', 0.01, 90_000);
    expect(market.info).toEqual({ filled: { totalSz: '0.004', avgPx: '90000', oid: Number(market.id) } });
    expect(s.order(Number(market.id))).toMatchObject({
      status: 'canceled',
      limitPx: '94500',
      tif: 'Ioc',
      sz: '0.006',
    });
    const margin = await failure(ex.createOrder(BTC, 'limit', 'buy', 30, 89_000)); // 30 × 89000 / 20 > 100000
    expect(margin).toBeInstanceOf(ccxt.InsufficientFunds);
    expect(margin.message).toContain('Insufficient margin to place order. asset=0');
    expect(s.orders()).toHaveLength(1);
  });

  it('an entry with stop-loss and take-profit goes as one normalTpsl action of three orders', async () => {
    const s = await sim();
    const ex = client(s);
    await ex.createOrder(BTC, 'limit', 'buy', 0.01, 90_000, {
      stopLoss: { triggerPrice: 85_000 },
      takeProfit: { triggerPrice: 95_000 },
    });
    const [req] = s.actions('order');
    expect((req!.body as { action: { grouping: string } }).action.grouping).toBe('normalTpsl');
    const [entry, tp, sl] = s.orders();
    expect(entry).toMatchObject({ status: 'filled', side: 'B' });
    expect(tp).toMatchObject({
      side: 'A',
      reduceOnly: true,
      status: 'open',
      trigger: { tpsl: 'tp', triggerPx: '95000' },
    });
    expect(sl).toMatchObject({
      side: 'A',
      reduceOnly: true,
      status: 'open',
      trigger: { tpsl: 'sl', triggerPx: '85000' },
    });
    s.setPrice(BTC, { bid: 95_100, ask: 95_110, mark: 95_050 });
    // The take-profit is a limit at its trigger (95000): it crosses the 95100 bid and sells there.
    expect(s.order(tp!.oid)!.status).toBe('filled');
    expect(s.fills().at(-1)).toMatchObject({ px: '95100', closedPnl: '51', dir: 'Close Long' });
  });

  it('a single modify (by cloid) answers default and replaces the order with a new oid', async () => {
    const s = await sim();
    const placed = await post(s, orderAction(order({ c: cloid(5) })));
    expect(placed.body).toEqual({
      status: 'ok',
      response: {
        type: 'order',
        data: { statuses: [{ resting: { oid: 91_000_000_001, cloid: cloid(5) } }] },
      },
    });
    const modified = await post(s, {
      type: 'modify',
      oid: cloid(5),
      order: order({ p: '88000', c: cloid(5) }),
    });
    expect(modified.body).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(s.orders().map((o) => [o.oid, o.cloid, o.status, o.limitPx])).toEqual([
      [91_000_000_001, cloid(5), 'canceled', '89000'],
      [91_000_000_002, cloid(5), 'open', '88000'],
    ]);
  });
});

describe('faults a live venue has', () => {
  it('an order accepted and the connection dropped: ccxt sees a network error, the order is at the venue', async () => {
    const s = await sim();
    const ex = client(s);
    await ex.loadMarkets();
    s.fault({ kind: 'drop_after_accept', path: 'order' });
    const e = await failure(ex.createOrder(BTC, 'limit', 'buy', 0.01, 89_000, { clientOrderId: cloid(9) }));
    expect(e).toBeInstanceOf(ccxt.NetworkError);
    const found = await ex.fetchOrder('', BTC, { clientOrderId: cloid(9) });
    expect(found).toMatchObject({ status: 'open', clientOrderId: cloid(9) });
    expect(s.actions('order')[0]).toMatchObject({ fault: 'drop_after_accept', status: 0 });
  });

  it('an answer lost: ccxt times out, the order rests; a 5xx before acting places nothing', async () => {
    const s = await sim();
    const ex = client(s);
    await ex.loadMarkets();
    s.fault({ kind: 'lose_answer', path: 'order' });
    const lost = await failure(
      ex.createOrder(BTC, 'limit', 'buy', 0.01, 89_000, { clientOrderId: cloid(10) }),
    );
    expect(lost).toBeInstanceOf(ccxt.RequestTimeout);
    expect(s.order(cloid(10))!.status).toBe('open');
    s.fault({ kind: 'http_5xx', status: 502, path: 'order', acted: false });
    const bad = await failure(
      ex.createOrder(BTC, 'limit', 'buy', 0.01, 88_000, { clientOrderId: cloid(11) }),
    );
    expect(bad).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(s.order(cloid(11))).toBeUndefined();
    s.fault({ kind: 'http_5xx', status: 503, path: 'order', acted: true });
    const acted = await failure(
      ex.createOrder(BTC, 'limit', 'buy', 0.01, 87_000, { clientOrderId: cloid(12) }),
    );
    expect(acted).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(s.order(cloid(12))!.status).toBe('open'); // placed although the answer was a 503
    s.fault({ kind: 'rate_limit_storm', path: 'info', count: 2 });
    expect(await failure(ex.fetchBalance())).toBeInstanceOf(ccxt.RateLimitExceeded);
    expect(await failure(ex.fetchBalance())).toBeInstanceOf(ccxt.RateLimitExceeded);
    expect((await ex.fetchBalance()).USDC).toBeDefined();
  });

  it('fills while the client is away are there when it comes back; a held fill lands after the cancel', async () => {
    const s = await sim();
    const ex = client(s);
    const a = await ex.createOrder(BTC, 'limit', 'buy', 0.02, 89_000);
    const b = await ex.createOrder(BTC, 'limit', 'buy', 0.01, 88_000);
    await ex.close();
    s.dropConnections();
    s.fill(Number(a.id), '0.02');
    s.holdFills(true);
    expect(s.fill(Number(b.id), '0.01')).toBeUndefined();
    const back = client(s);
    await back.cancelOrder(b.id!, BTC);
    expect(s.order(Number(b.id))!.status).toBe('canceled');
    const [tid] = s.releaseFills();
    const trades = await waitFor('both fills', async () => {
      const list = await back.fetchMyTrades(BTC);
      return list.length === 2 ? list : undefined;
    });
    expect(trades.map((t) => [t.order, t.amount]).sort()).toEqual(
      [
        [a.id, 0.02],
        [b.id, 0.01],
      ].sort(),
    );
    expect(trades.map((t) => Number(t.id))).toContain(tid);
  });
});
