// POST /api/plans on the `braid serve` server (in process, the real host and engine, the plan door straight
// to the engine): the token first, then each plan of a body answered accepted, rejected with the engine's
// reason, or duplicate; the body's bounds and a JSON error that says where; and one plan sent through HTTP
// and the embedded inbox traded once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTrades } from '../../src/main/engine/history/hash-chain.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { EnginePort } from '../../src/main/engine/port.ts';
import { createHost } from '../../src/main/host/host.ts';
import type { HostHandle } from '../../src/main/host/types.ts';
import { type Inbox, startInbox } from '../../src/main/intake/inbox.ts';
import { engineDoor } from '../../src/main/intake/plan-door.ts';
import type { PlanBatchAnswer } from '../../src/main/intake/plan-outcome.ts';
import { MAX_BODY } from '../../src/main/serve/http-api.ts';
import { type ServeServer, startServer } from '../../src/main/serve/server.ts';
import type { Result } from '../../src/shared/result.ts';
import { waitFor } from '../helpers/wait.ts';

const T0 = Date.parse('2024-03-04T14:30:00Z');
const TOKEN = 'a'.repeat(64);

/** The engine takes one position per symbol (a working entry counts): each plan that trades has its own. */
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN'];
const SYMBOL_OF: Record<string, string> = { 'h-one': 'MSFT', both: 'NVDA', 'both-2': 'TSLA' };

/** A limit buy of 10 at 170 (the last close is 180) with its stop below: the engine works it. */
const plan = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  symbol: SYMBOL_OF[id] ?? 'AAPL',
  side: 'buy',
  entry: { type: 'limit', price: 170 },
  quantity: 10,
  stopLoss: 165,
  ...extra,
});

describe('POST /api/plans', () => {
  let dir: string;
  let engine: EnginePort;
  let host: HostHandle;
  let server: ServeServer;
  let inbox: Inbox;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'braid-intake-http-'));
    const created = createEngine({
      config: { approval: 'auto' },
      journalPath: join(dir, 'journal.sqlite'),
      symbols: SYMBOLS,
    });
    if (!created.ok) throw new Error(created.error.message);
    engine = created.value;
    for (const symbol of SYMBOLS)
      engine.onBar({
        time: T0,
        symbol,
        open: '180',
        high: '180',
        low: '180',
        close: '180',
        volume: '100000',
      });
    const now = () => T0 + 60_000;
    host = createHost({ engine, now, wallNow: () => Date.now(), exportTrades, log: () => {} });
    const door = engineDoor(engine, now);
    const listening = await startServer({
      host,
      token: TOKEN,
      port: 0,
      staticRoot: dir,
      log: () => {},
      door,
    });
    if (!listening.ok) throw new Error(listening.error.message);
    server = listening.value;
    base = `http://127.0.0.1:${server.port}`;
    const started = startInbox({ path: join(dir, 'inbox.sqlite'), door, log: () => {} });
    if (!started.ok) throw new Error(started.error.message);
    inbox = started.value;
  });

  afterAll(async () => {
    await inbox?.close();
    await server?.close();
    await host?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (body: string, token: string | null = TOKEN) => {
    const res = await fetch(`${base}/api/plans`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      },
      body,
    });
    return { status: res.status, body: (await res.json()) as Result<PlanBatchAnswer> };
  };
  const answer = (r: { body: Result<PlanBatchAnswer> }) => {
    if (!r.body.ok) throw new Error(`${r.body.error.code}: ${r.body.error.message}`);
    return r.body.value;
  };
  const planOf = (id: string) => engine.snapshot().plans.find((p) => p.id === id);
  const ordersOf = (id: string) => engine.snapshot().orders.filter((o) => o.planId === id);

  it('refuses a request without the token or with a wrong one (401), and submits nothing', async () => {
    const none = await post(JSON.stringify(plan('no-token')), null);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = await post(JSON.stringify(plan('wrong-token')), 'b'.repeat(64));
    expect(wrong.status).toBe(401);
    expect(planOf('no-token')).toBeUndefined();
    expect(planOf('wrong-token')).toBeUndefined();
  });

  it('answers each plan of an array: accepted, or rejected with its reason', async () => {
    const r = await post(
      JSON.stringify([
        plan('h-ok'),
        // A stop above a long's entry of 170.
        plan('h-stop', { stopLoss: 175 }),
        plan('h-symbol', { symbol: 'ZZZZ' }),
        // A limit entry without its price does not even read as a plan.
        plan('h-shape', { entry: { type: 'limit' } }),
        42,
      ]),
    );
    expect(r.status).toBe(200);
    const a = answer(r);
    expect(a.accepted).toEqual(['h-ok']);
    expect(a.duplicates).toEqual([]);
    expect(a.rejected.map((x) => [x.index, x.id, x.reason])).toEqual([
      [1, 'h-stop', 'invalid_stop_loss'],
      [2, 'h-symbol', 'unknown_symbol'],
      [3, 'h-shape', 'invalid_plan'],
      [4, null, 'invalid_plan'],
    ]);
    expect(a.rejected[0]!.message).toContain('stopLoss 175 is on the wrong side of the entry 170');
    expect(a.rejected[2]!.message).toContain('plan.entry.price');
    expect(a.plans[0]).toEqual({ id: 'h-ok', outcome: 'accepted', status: 'working' });
    // The engine holds what the answer says: one working plan with its entry, two rejected records.
    expect(planOf('h-ok')?.status).toBe('working');
    expect(ordersOf('h-ok').map((o) => [o.role, o.quantity, o.price])).toEqual([['entry', '10', '170']]);
    expect(planOf('h-stop')).toMatchObject({ status: 'rejected', reason: 'invalid_stop_loss' });
    expect(planOf('h-symbol')).toMatchObject({ status: 'rejected', reason: 'unknown_symbol' });
    expect(planOf('h-shape')).toBeUndefined();
  });

  it('takes a single plan as the body and answers a plan id seen before as a duplicate, once traded', async () => {
    expect(answer(await post(JSON.stringify(plan('h-one')))).accepted).toEqual(['h-one']);
    const noted: string[] = [];
    const unsubscribe = engine.subscribe((e) => {
      if (e.type === 'notice' && e.notice.code === 'duplicate_plan') noted.push(e.notice.planId ?? '');
    });
    try {
      const again = answer(await post(JSON.stringify(plan('h-one', { quantity: 20 }))));
      expect(again.accepted).toEqual([]);
      expect(again.plans).toEqual([{ id: 'h-one', outcome: 'duplicate', status: 'working' }]);
      // Answered a duplicate however often it comes back, noted once.
      expect(answer(await post(JSON.stringify(plan('h-one')))).duplicates).toEqual(['h-one']);
    } finally {
      unsubscribe();
    }
    expect(noted).toEqual(['h-one']);
    expect(ordersOf('h-one').map((o) => o.quantity)).toEqual(['10']);
  });

  it('says where JSON breaks, and refuses an empty body, an empty array and a body over the limit', async () => {
    const broken = await post('[\n  {"id": "x",}\n]');
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ ok: false, error: { code: 'bad_json' } });
    if (!broken.body.ok) expect(broken.body.error.message).toMatch(/not valid JSON at line 2 column 14/);
    const cut = await post('{"id": "x"');
    if (!cut.body.ok) expect(cut.body.error.message).toMatch(/at line 1 column 11/);
    expect((await post('')).body).toMatchObject({ ok: false, error: { code: 'no_plans' } });
    expect((await post('[]')).body).toMatchObject({ ok: false, error: { code: 'no_plans' } });
    const many = await post(JSON.stringify(Array.from({ length: 1001 }, (_, i) => ({ id: `m-${i}` }))));
    expect(many).toMatchObject({ status: 400, body: { ok: false, error: { code: 'too_many_plans' } } });
    expect(planOf('m-0')).toBeUndefined();
    const deep = await post(`${'['.repeat(100)}${']'.repeat(100)}`);
    expect(deep).toMatchObject({ status: 400, body: { ok: false, error: { code: 'too_deep' } } });
    const big = await post(JSON.stringify(plan('big', { timeframe: 'x'.repeat(MAX_BODY) })));
    expect(big.status).toBe(413);
    const get = await fetch(`${base}/api/plans`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    await get.body?.cancel();
  });

  it('trades a plan sent through HTTP and through the inbox once', async () => {
    const db = new Database(join(dir, 'inbox.sqlite'));
    try {
      expect(answer(await post(JSON.stringify(plan('both')))).accepted).toEqual(['both']);
      db.prepare('INSERT INTO plan_inbox (id, plan, created_at) VALUES (?, ?, ?)').run(
        'both',
        JSON.stringify(plan('both')),
        new Date().toISOString(),
      );
      const status = await waitFor('the inbox outcome', () =>
        db.prepare('SELECT status, reason FROM plan_inbox_status WHERE id = ?').get('both'),
      );
      expect(status).toEqual({ status: 'duplicate', reason: 'the plan id was seen before (it is working)' });
      // Inbox first this time, then HTTP.
      db.prepare('INSERT INTO plan_inbox (id, plan, created_at) VALUES (?, ?, ?)').run(
        'both-2',
        JSON.stringify(plan('both-2')),
        new Date().toISOString(),
      );
      await waitFor('the inbox outcome', () =>
        db.prepare('SELECT status FROM plan_inbox_status WHERE id = ?').get('both-2'),
      );
      expect(answer(await post(JSON.stringify(plan('both-2')))).duplicates).toEqual(['both-2']);
    } finally {
      db.close();
    }
    expect(ordersOf('both').length).toBe(1);
    expect(ordersOf('both-2').length).toBe(1);
    expect(engine.snapshot().plans.filter((p) => p.id.startsWith('both')).length).toBe(2);
  });
});
