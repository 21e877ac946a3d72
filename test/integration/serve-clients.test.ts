// WebSocket clients of `braid serve` take nothing with them when they leave (no subscription, listener or
// queued event left behind, on either side of the engine worker), and a client that stops reading is closed
// with SLOW_CLIENT_CLOSE once its queue passes the bound, instead of being buffered for without limit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPushHub } from '../../src/main/host/push-hub.ts';
import type { HostHandle } from '../../src/main/host/types.ts';
import { startHostWorker, type WorkerHost } from '../../src/main/host/worker-client.ts';
import { type ServeServer, startServer } from '../../src/main/serve/server.ts';
import { SLOW_CLIENT_CLOSE } from '../../src/main/serve/ws-api.ts';
import type { AppEvent, AppSnapshot, ServerMessage } from '../../src/shared/contract.ts';
import { ok } from '../../src/shared/result.ts';
import { manualTimers } from '../helpers/timers.ts';
import { waitFor } from '../helpers/wait.ts';

const WORKER = new URL('../../src/main/host/worker.ts', import.meta.url);
const PRICES = fileURLToPath(new URL('../../resources/sample/prices.csv', import.meta.url));

/** waitFor for a probe that has to ask (the worker's counts come back by message). */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  let last: T | undefined;
  await waitFor(what, () => {
    void probe().then((value) => {
      last = value;
    });
    return last;
  });
  return last as T;
}

interface Client {
  ws: WebSocket;
  messages: ServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
}

function open(url: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const messages: ServerMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.once('close', (code, reason) => done({ code, reason: String(reason) })),
    );
    ws.once('open', () => resolve({ ws, messages, closed }));
    ws.once('error', reject);
  });
}

describe('clients of a worker host that leave', () => {
  let host: WorkerHost;
  let server: ServeServer;
  let staticRoot: string;
  let url: string;

  beforeAll(async () => {
    staticRoot = mkdtempSync(join(tmpdir(), 'braid-serve-clients-'));
    // The demo feed at a crawl: the snapshot has bars and plans, nothing moves under the test.
    const started = await startHostWorker(WORKER, {
      demo: { pricesPath: PRICES, stepMs: 60_000 },
      serveToken: 'keep',
    });
    if (!started.ok) throw new Error(started.error.message);
    host = started.value;
    const listening = await startServer({
      host,
      token: host.info.token!,
      port: 0,
      staticRoot,
      log: () => {},
    });
    if (!listening.ok) throw new Error(listening.error.message);
    server = listening.value;
    url = `ws://127.0.0.1:${server.port}/api/ws?token=${host.info.token}`;
  });

  afterAll(async () => {
    await server?.close();
    await host?.close();
    rmSync(staticRoot, { recursive: true, force: true });
  });

  it('leave no subscription, listener or pending command behind, closed cleanly or cut', async () => {
    expect(await host.stats()).toEqual({ subscriptions: 0, listeners: 0, pending: 0 });
    const clients = await Promise.all(Array.from({ length: 12 }, () => open(url)));
    await waitFor('every snapshot', () => clients.every((c) => c.messages.length > 0));
    expect(await host.stats()).toEqual({ subscriptions: 12, listeners: 12, pending: 0 });

    // Each leaves with commands still on their way: half say goodbye, half just vanish.
    clients.forEach((c, k) => {
      for (let id = 0; id < 5; id++) c.ws.send(JSON.stringify({ kind: 'invoke', id, name: 'getSnapshot' }));
      if (k % 2 === 0) c.ws.close();
      else c.ws.terminate();
    });
    await Promise.all(clients.map((c) => c.closed));
    const settled = await eventually('the host to let go of every client', async () => {
      const stats = await host.stats();
      return stats?.subscriptions === 0 && stats.listeners === 0 && stats.pending === 0 ? stats : undefined;
    });
    expect(settled).toEqual({ subscriptions: 0, listeners: 0, pending: 0 });
  });
});

describe('args the worker channel cannot carry', () => {
  it('are refused with an error Result, not a rejection, and the host goes on', async () => {
    const started = await startHostWorker(WORKER, {});
    if (!started.ok) throw new Error(started.error.message);
    const host = started.value;
    try {
      // 20,000 objects deep: the structured clone runs out of stack copying them.
      let deep: Record<string, unknown> = {};
      for (let i = 0; i < 20_000; i++) deep = { a: deep };
      expect(await host.invoke('approve', deep)).toEqual({
        ok: false,
        error: {
          code: 'invalid_input',
          message: 'the command cannot be passed to the engine: Maximum call stack size exceeded',
        },
      });
      // A function cannot be cloned at all.
      expect(await host.invoke('approve', { planId: () => 'x' })).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', message: expect.stringMatching(/^the command cannot be passed/) },
      });
      expect(await host.invoke('getSnapshot', {})).toMatchObject({ ok: true });
      expect(await host.stats()).toEqual({ subscriptions: 0, listeners: 0, pending: 0 });
    } finally {
      await host.close();
    }
  });
});

describe('a client that stops reading', () => {
  const MAX_BUFFERED = 256 * 1024;
  const timers = manualTimers();
  const snapshot = { engine: {}, host: {} } as unknown as AppSnapshot;
  const hub = createPushHub({ snapshot: () => snapshot, frameMs: 16, timers: timers.timers });
  const fake: HostHandle = {
    invoke: async () => ok(null),
    subscribe: (listener) => hub.subscribe(listener),
    close: async () => hub.dispose(),
  };
  let server: ServeServer;
  let staticRoot: string;
  const token = 'a'.repeat(64);
  let url: string;

  beforeAll(async () => {
    staticRoot = mkdtempSync(join(tmpdir(), 'braid-serve-slow-'));
    const listening = await startServer({
      host: fake,
      token,
      port: 0,
      staticRoot,
      log: () => {},
      // The grace outlasts the test: the close frame must be read, not cut short by a timer.
      clientLimits: { maxBuffered: MAX_BUFFERED, closeGraceMs: 10 * 60_000 },
    });
    if (!listening.ok) throw new Error(listening.error.message);
    server = listening.value;
    url = `ws://127.0.0.1:${server.port}/api/ws?token=${token}`;
  });

  afterAll(async () => {
    await server?.close();
    rmSync(staticRoot, { recursive: true, force: true });
  });

  /** A 64 KB event, published and flushed (one frame of the hand-run timers). */
  const push = (n: number) => {
    hub.publish({
      type: 'notice',
      notice: { level: 'info', code: 'bulk', message: 'x'.repeat(64 * 1024), time: n },
    } as AppEvent);
    timers.advance(16);
  };

  it(`is closed with ${SLOW_CLIENT_CLOSE} past the bound; the hub keeps nothing for it; others go on`, async () => {
    const slow = await open(url);
    const reader = await open(url);
    await waitFor('both snapshots', () => slow.messages.length > 0 && reader.messages.length > 0);
    expect(hub.stats()).toEqual({ subscribers: 2, pending: 0 });

    // The slow client stops reading: what the server sends piles up in the kernel, then in its queue.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    let pushed = 0;
    // 64 MB at most: far past the kernel's socket buffers and the 256 KB bound.
    while (hub.stats().subscribers === 2 && pushed < 1000) {
      push(pushed++);
      await new Promise((r) => setImmediate(r));
    }
    expect(hub.stats()).toEqual({ subscribers: 1, pending: 0 });
    expect(pushed).toBeLessThan(1000);

    // Reading again, the slow client gets what was queued for it, then the close frame with the code.
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await slow.closed).toEqual({
      code: SLOW_CLIENT_CLOSE,
      reason: 'too slow: reconnect for a fresh snapshot',
    });

    // The reader got every event and is still served.
    await waitFor('every event at the reader', () => reader.messages.length === 1 + pushed);
    push(pushed);
    await waitFor('one more', () => reader.messages.length === 2 + pushed);
    expect(reader.ws.readyState).toBe(WebSocket.OPEN);
    reader.ws.close();
    await reader.closed;
    await waitFor('no subscriber left', () => hub.stats().subscribers === 0);
    expect(hub.stats()).toEqual({ subscribers: 0, pending: 0 });
  });

  it('a subscriber leaving with events pending takes them with it (no timer, no buffer left)', () => {
    const t = manualTimers();
    const local = createPushHub({ snapshot: () => snapshot, frameMs: 16, timers: t.timers });
    const leave = local.subscribe(() => {});
    local.publish({ type: 'notice', notice: { level: 'info', code: 'a', message: '', time: 1 } });
    expect(local.stats()).toEqual({ subscribers: 1, pending: 1 });
    expect(t.pending()).toBe(1);
    leave();
    expect(local.stats()).toEqual({ subscribers: 0, pending: 0 });
    expect(t.pending()).toBe(0);
  });
});
