// `braid serve --demo` as a user starts it: a child process, the ready line, the token on every API call,
// a command round trip over the WebSocket with the real engine, and a clean SIGTERM shutdown.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { AppEvent, AppSnapshot, ServerMessage } from '../../src/shared/contract.ts';
import type { PlanRecord } from '../../src/shared/domain/plan.ts';
import { waitFor } from '../helpers/wait.ts';

const BIN = fileURLToPath(new URL('../../bin/braid.js', import.meta.url));
const READY = /^Braid UI ready at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/;

/** A WebSocket client that keeps every message with its arrival time. */
class Client {
  readonly messages: Array<{ at: number; message: ServerMessage }> = [];
  closed = false;
  readonly ws: WebSocket;
  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => this.messages.push({ at: Date.now(), message: JSON.parse(data.toString()) }));
    ws.on('close', () => {
      this.closed = true;
    });
  }
  static open(url: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new Client(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }
  events(): AppEvent[] {
    return this.messages.flatMap(({ message }) => (message.kind === 'events' ? message.events : []));
  }
  /** The latest record of each plan seen (snapshot, then plan events). */
  plans(): Map<string, PlanRecord> {
    const plans = new Map<string, PlanRecord>();
    for (const { message } of this.messages) {
      if (message.kind === 'snapshot') for (const p of message.snapshot.engine.plans) plans.set(p.id, p);
      if (message.kind === 'events')
        for (const e of message.events) if (e.type === 'plan') plans.set(e.plan.id, e.plan);
    }
    return plans;
  }
  async invoke(id: number, name: string, args: unknown) {
    this.ws.send(JSON.stringify({ kind: 'invoke', id, name, args }));
    return waitFor(`result ${id}`, () => {
      const found = this.messages.find(({ message }) => message.kind === 'result' && message.id === id);
      return found?.message.kind === 'result' ? found.message.result : undefined;
    });
  }
}

/** Writes raw bytes to the server and collects everything it answers until it closes the connection. */
function rawExchange(port: number, text: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer));
    socket.end(text);
  });
}

/** 20,000 objects inside one another, as JSON text. */
const DEEP = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;

/** The status code of a refused WebSocket upgrade. */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.close();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('error', () => {});
  });
}

describe('braid serve --demo', () => {
  let child: ChildProcess;
  let dir: string;
  let db: string;
  let stdout = '';
  let stderr = '';
  let port = 0;
  let token = '';
  let exit: Promise<{ code: number | null; signal: string | null }>;
  const api = (path: string) => `http://127.0.0.1:${port}${path}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'braid-serve-test-'));
    db = join(dir, 'state.sqlite');
    child = spawn(process.execPath, [BIN, 'serve', '--demo', '--port', '0', '--db', db], {
      env: { ...process.env, BRAID_DEMO_STEP_MS: '200' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const match = await waitFor(
      'the ready line',
      () => READY.exec(stdout.split('\n')[0] ?? ''),
      30_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\nstdout: ${stdout}\nstderr: ${stderr}`);
    });
    port = Number(match[1]);
    token = match[2]!;
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints exactly the ready line on stdout, on a real port', () => {
    const lines = stdout.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(READY);
    expect(lines[1]).toBe('');
    expect(port).toBeGreaterThan(0);
  });

  it('follows the ready line with a hint on stderr, after a line naming approval and trading mode', async () => {
    // stdout and stderr are two pipes: the ready line can arrive before the stderr lines written after it.
    await waitFor('the hint on stderr', () => stderr.includes('Ctrl+C stops Braid.\n'));
    const lines = stderr.split('\n');
    const mode = lines.findIndex((l) => l.startsWith('braid: new journal'));
    expect(lines[mode]).toBe(
      `braid: new journal ${db}: approval manual, trading state ACTIVE, PAPER mode, demo feed`,
    );
    expect(lines[mode + 1]).toBe(
      'Open that address in a browser (the token in it is the key to this terminal); Ctrl+C stops Braid.',
    );
  });

  it('refuses /api requests without the right token with 401 and changes nothing', async () => {
    const wrong = 'f'.repeat(64) === token ? 'e'.repeat(64) : 'f'.repeat(64);
    for (const res of [
      await fetch(api('/api/snapshot')),
      await fetch(api(`/api/snapshot?token=${wrong}`)),
      await fetch(api('/api/snapshot'), { headers: { Authorization: `Bearer ${token.slice(1)}` } }),
      await fetch(api('/api/nothing-here')),
      await fetch(api('/api/invoke/kill'), { method: 'POST', body: '{}' }),
    ]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        ok: false,
        error: { code: 'unauthorized', message: 'a valid token is required' },
      });
    }
    const snap = await fetch(api('/api/snapshot'), { headers: { Authorization: `Bearer ${token}` } });
    expect(snap.status).toBe(200);
    const body = (await snap.json()) as { ok: true; value: AppSnapshot };
    // The unauthenticated kill did not happen.
    expect(body.value.engine.tradingState).toBe('ACTIVE');
    expect(body.value.engine.approval).toBe('manual');
    expect(body.value.host.mode).toBe('PAPER');
    expect(body.value.host.signalSource?.name).toBe('SMA 5/20 cross');
  });

  it('refuses the WebSocket upgrade without the right token with 401', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/api/ws`)).toBe(401);
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/api/ws?token=${'0'.repeat(64)}`)).toBe(401);
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/api/ws?token=short`)).toBe(401);
  });

  it('refuses a foreign Origin or Host even with the token (DNS rebinding, cross-site pages)', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${token}`, {
      origin: 'http://evil.example',
    });
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
      ws.once('error', () => {});
    });
    ws.terminate();
    expect(status).toBe(403);
    const hostStatus = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: `/api/snapshot?token=${token}`,
          headers: { Host: `evil.example:${port}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(hostStatus).toBe(403);
  });

  it('answers HTTP invoke with a Result and validates its input', async () => {
    const res = await fetch(api(`/api/invoke/approve?token=${token}`), {
      method: 'POST',
      body: '{"planId":5}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('planId') },
    });
    const unknown = await fetch(api(`/api/invoke/approve?token=${token}`), {
      method: 'POST',
      body: '{"planId":"nope"}',
    });
    expect(await unknown.json()).toEqual({
      ok: false,
      error: { code: 'unknown_plan', message: 'no plan nope' },
    });
  });

  it('answers 400 to a request-target that is not a URL, upgrade or not, before the token, and lives on', async () => {
    const upgrade = [
      'GET http://[ HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n');
    expect((await rawExchange(port, upgrade)).split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    const plain = `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`;
    expect((await rawExchange(port, plain)).split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    const snap = await fetch(api(`/api/snapshot?token=${token}`));
    expect(snap.status).toBe(200);
    expect(child.exitCode).toBeNull();
  });

  it('refuses JSON nested 20,000 deep with 400 over HTTP and an error over the socket, and lives on', async () => {
    const res = await fetch(api(`/api/invoke/approve?token=${token}`), { method: 'POST', body: DEEP });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      ok: false,
      error: { code: 'too_deep', message: 'the request body is JSON nested deeper than 32 levels' },
    });
    const client = await Client.open(`ws://127.0.0.1:${port}/api/ws?token=${token}`);
    client.ws.send(`{"kind":"invoke","id":7,"name":"approve","args":${DEEP}}`);
    const answer = await waitFor('the answer to the deep message', () =>
      client.messages.find(({ message }) => message.kind === 'result'),
    );
    expect(answer.message).toEqual({
      kind: 'result',
      id: null,
      result: {
        ok: false,
        error: { code: 'invalid_message', message: 'the message is JSON nested deeper than 32 levels' },
      },
    });
    // Nesting within the bound but inside args: refused by the schema at the edge, with the message's id.
    const shallow = `${'['.repeat(30)}${']'.repeat(30)}`;
    client.ws.send(`{"kind":"invoke","id":8,"name":"approve","args":{"planId":${shallow}}}`);
    const refused = await waitFor('the answer to id 8', () =>
      client.messages.find(({ message }) => message.kind === 'result' && message.id === 8),
    );
    expect(refused.message).toMatchObject({ result: { ok: false, error: { code: 'invalid_input' } } });
    expect(await client.invoke(9, 'getSnapshot', {})).toMatchObject({ ok: true });
    client.ws.close();
    expect(child.exitCode).toBeNull();
  });

  it('answers a body over 1 MB with 413 and closes the connection, not a reset', async () => {
    const res = await fetch(api(`/api/invoke/approve?token=${token}`), {
      method: 'POST',
      body: `{"planId":"${'x'.repeat(2 * 1024 * 1024)}"}`,
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toEqual({
      ok: false,
      error: { code: 'too_large', message: 'the request body is over 1048576 bytes' },
    });
  });

  it('refuses an HTTP API request from a foreign Origin even with the token; scripts (no Origin) work', async () => {
    const kill = (headers: Record<string, string>) =>
      fetch(api('/api/invoke/kill'), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain', ...headers },
        body: '{}',
      });
    const foreign: Array<Record<string, string>> = [
      { Origin: 'http://evil.example' },
      { Origin: 'null' },
      { Origin: `http://127.0.0.1:${port + 1}` },
      { 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of foreign) {
      const res = await kill(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.json()).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'requests from other sites are refused' },
      });
    }
    const state = async (headers: Record<string, string>) => {
      const res = await fetch(api('/api/snapshot'), {
        headers: { Authorization: `Bearer ${token}`, ...headers },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { value: AppSnapshot }).value.engine.tradingState;
    };
    // None of the refused kills happened; the UI's own origin and a script are answered.
    expect(await state({ Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin' })).toBe(
      'ACTIVE',
    );
    expect(await state({})).toBe('ACTIVE');
  });

  it('serves pages with a strict Content-Security-Policy', async () => {
    const res = await fetch(api('/'));
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('sends a snapshot on connect, a demo plan soon, and runs an approve round trip', async () => {
    const client = await Client.open(`ws://127.0.0.1:${port}/api/ws?token=${token}`);
    await waitFor('the first message', () => client.messages.length > 0);
    expect(client.messages[0]!.message.kind).toBe('snapshot');

    // Demo plans expire after 30 bars: approve the newest waiting one; should it expire before the approve
    // lands (a busy machine), the answer says so and the next one is taken.
    let pending: PlanRecord | undefined;
    let invokeId = 100;
    await waitFor('a demo plan approved', async () => {
      const waiting = [...client.plans().values()]
        .filter((p) => p.id.startsWith('demo-') && p.status === 'pending_approval')
        .sort((a, b) => b.receivedAt - a.receivedAt)[0];
      if (!waiting) return false;
      const answer = await client.invoke(invokeId++, 'approve', { planId: waiting.id });
      if (answer.ok) pending = waiting;
      else expect(answer).toMatchObject({ ok: false, error: { code: 'not_pending' } });
      return answer.ok;
    });
    expect(['buy', 'sell']).toContain(pending!.input.side);
    expect(pending!.input.stopLoss).toBeDefined();
    const approved = await waitFor('the approved plan to work or fill', () => {
      const p = client.plans().get(pending!.id);
      return p && p.status !== 'pending_approval' ? p : undefined;
    });
    expect(['working', 'open']).toContain(approved.status);
    await waitFor('its entry order', () =>
      client.events().find((e) => e.type === 'order' && e.order.planId === pending!.id),
    );

    // A second approve of the same plan is a clear error, not a second order.
    const again = await client.invoke(2, 'approve', { planId: pending!.id });
    expect(again.ok).toBe(false);
    // Invalid input over the socket: a clear error with the same id.
    expect(await client.invoke(3, 'setTradingState', { state: 'HALTED' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    // A message that is not an invoke at all.
    client.ws.send('not json');
    await waitFor('the error for a bad message', () =>
      client.messages.find(
        ({ message }) => message.kind === 'result' && message.id === null && !message.result.ok,
      ),
    );

    // (One event message per 16 ms frame at most is pinned on hand-run timers in test/unit/host.test.ts.)
    client.ws.close();
  });

  it('shuts down on SIGTERM: sockets closed, exit 0, the journal keeps the approval', async () => {
    const client = await Client.open(`ws://127.0.0.1:${port}/api/ws?token=${token}`);
    await waitFor('the snapshot', () => client.messages.length > 0);
    const approved = [...client.plans().values()].filter(
      (p) => p.id.startsWith('demo-') && p.status !== 'pending_approval' && p.status !== 'expired',
    );
    child.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
    await waitFor('the socket to close', () => client.closed);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    // Nothing reached the last-resort handlers.
    expect(stderr).not.toMatch(/unexpected (error|rejection)/);

    const reopened = createEngine({ journalPath: db });
    expect(reopened.ok).toBe(true);
    if (!reopened.ok) return;
    const plans = new Map(reopened.value.snapshot().plans.map((p) => [p.id, p]));
    for (const p of approved) expect(plans.get(p.id)?.status, p.id).not.toBe('pending_approval');
    expect(approved.length).toBeGreaterThan(0);
    reopened.value.close();
  });
});
