// A seeded, bounded fuzz of `braid serve` (issue 6, "Show"): over a thousand malformed payloads over HTTP,
// the WebSocket and raw sockets at a running server (a child process, as a user starts it), on a journal
// holding an open position and a plan waiting for approval. Expected: 0 crashes (the process answers
// throughout), 0 state changes (plans, orders, positions, trading state, PIN, mode), no 500, and every
// payload refused (never an `ok: true`). The same seed gives the same payloads: BRAID_FUZZ_SEED=N to try
// another one.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { AppSnapshot, ServerMessage } from '../../src/shared/contract.ts';
import type { Bar } from '../../src/shared/domain/instrument.ts';
import { COMMAND_NAMES } from '../../src/shared/schemas.ts';
import { waitFor } from '../helpers/wait.ts';

const BIN = fileURLToPath(new URL('../../bin/braid.js', import.meta.url));
const READY = /^Braid UI ready at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/m;
const SEED = Number(process.env.BRAID_FUZZ_SEED ?? 0x5eed);

// ------------------------------------------------------------------------------------------ the PRNG

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, chance, bytes };
}
type Rng = ReturnType<typeof prng>;

// ----------------------------------------------------------------------------------- the payloads

const q = (s: string) => JSON.stringify(s);
const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '__defineGetter__',
];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\b', '\u001b', '\u007f', '\u2028', '\ud800', '\ufeff'];
const JUNK_NUMBERS = ['1e309', '-1e309', '1e-400', '-0', '0', '9007199254740993', '1.5', '-1', '0.1e1'];

/** A JSON value of a random kind (text), never one of the journal's real ids. */
function junkValue(r: Rng, depth = 0): string {
  switch (r.int(depth > 2 ? 6 : 8)) {
    case 0:
      return r.pick(JUNK_NUMBERS);
    case 1:
      return r.pick(['true', 'false', 'null']);
    case 2:
      return q(`${r.pick(CONTROL)}junk${r.pick(CONTROL)}`);
    case 3:
      return q('z'.repeat(r.chance(0.02) ? 200_000 + r.int(600_000) : 1 + r.int(2_000)));
    case 4:
      return q(r.pick(['', ' ', 'manual-1', 'seed-wait ', 'SEED-WAIT', 'aapl ', '../../etc', '%00', '\\']));
    case 5:
      return q(r.pick(CONTROL).repeat(1 + r.int(50)));
    case 6:
      return `[${Array.from({ length: r.int(4) }, () => junkValue(r, depth + 1)).join(',')}]`;
    default:
      return `{${Array.from({ length: r.int(3) }, () => `${q(r.pick(PROTO_KEYS))}:${junkValue(r, depth + 1)}`).join(',')}}`;
  }
}

/** JSON nested `n` deep around a value, of objects or arrays. */
function nested(r: Rng, n: number, inner: string): string {
  return r.chance(0.5)
    ? `${'['.repeat(n)}${inner}${']'.repeat(n)}`
    : `${'{"a":'.repeat(n)}${inner}${'}'.repeat(n)}`;
}

/** Args each command would accept (the base of a near miss: it is always given a defect too). */
const VALID_ARGS: Record<string, Record<string, string>> = {
  approve: { planId: q('seed-wait') },
  reject: { planId: q('seed-wait'), reason: q('no') },
  cancelPlan: { planId: q('seed-long') },
  closePosition: { symbol: q('AAPL') },
  setTradingState: { state: q('REDUCING') },
  submitPlan: { plan: '{"symbol":"MSFT","side":"buy","entry":{"type":"market"},"quantity":"1"}' },
  submitPlans: {
    plans: '[{"id":"fz-1","symbol":"MSFT","side":"buy","entry":{"type":"market"},"quantity":"1"}]',
  },
  previewPlan: { plan: '{"symbol":"MSFT","side":"buy","entry":{"type":"market"},"quantity":"1"}' },
  setPin: { pin: q('1234') },
  armLive: { pin: q('1234') },
  exportHistory: { format: q('csv') },
  setLessonState: { lessonId: q('x'), state: q('active') },
};

const objectText = (fields: Array<[string, string]>) =>
  `{${fields.map(([k, v]) => `${q(k)}:${v}`).join(',')}}`;

/**
 * The body (args) for `command`, malformed by construction: not JSON, not an object, too deep, too long,
 * an unknown or prototype key, or a wrong type for a field the command needs. `null` and `{}` are left
 * out: for commands without args they are valid (kill would halt the account).
 */
function badArgs(r: Rng, command: string): string {
  const base = Object.entries(VALID_ARGS[command] ?? {});
  switch (r.int(9)) {
    case 0: // not JSON at all
      return r.pick([
        '{',
        '{"planId":',
        "{'planId':'seed-wait'}",
        '{"planId":"seed-wait",}',
        '{"a":NaN}',
        '{"a":Infinity}',
        '{"a":1}/*c*/',
        '\ufeff{"planId":"seed-wait"}',
        '{"planId":"seed\u0000-wait"',
        `"${'\\u'.repeat(3)}"`,
        r.bytes(1 + r.int(64)).toString('latin1'),
      ]);
    case 1: // JSON, not an object
      return r.pick(['[]', '[{}]', '"seed-wait"', '42', 'true', '1e309', '"\\u0000"', '[null]']);
    case 2: // deeper than the bound
      return nested(r, 33 + r.int(30_000), '1');
    case 3: // an unknown key, on a near miss
      return objectText([...base, [`zz${r.int(1000)}`, junkValue(r)]]);
    case 4: // a prototype key, on a near miss
      return objectText([...base, [r.pick(PROTO_KEYS), r.chance(0.5) ? '{"polluted":true}' : junkValue(r)]]);
    case 5: // a key with NUL or control characters
      return objectText([...base, [`${r.pick(CONTROL)}${base[0]?.[0] ?? 'k'}`, junkValue(r)]]);
    case 6: {
      // a wrong type where the command needs a field (or an unknown key when it needs none)
      if (base.length === 0) return objectText([[r.pick(PROTO_KEYS), junkValue(r)]]);
      const [key] = r.pick(base);
      // (not null: an optional field given null counts as absent, and `reason: null` is a valid reject)
      const wrong = r.pick(['1e309', '[]', '{}', 'true', '-1', nested(r, 5 + r.int(20), '"x"')]);
      return objectText(base.map(([k, v]) => [k, k === key ? wrong : v]));
    }
    case 7: {
      // an id, symbol or reason over its bound (the longest, a reason, is 500)
      const long = q('x'.repeat(r.chance(0.1) ? 500_000 : 501 + r.int(5_000)));
      if (base.length === 0) return objectText([['zz', long]]);
      const [key] = r.pick(base);
      return objectText(base.map(([k, v]) => [k, k === key ? long : v]));
    }
    default: // a plan broken inside (unknown key in the entry, junk prices)
      return objectText([
        [
          'plan',
          `{"symbol":"MSFT","side":"buy","entry":{"type":"market","zz":${junkValue(r)}},"quantity":${r.pick(JUNK_NUMBERS)}}`,
        ],
        ...(base.length === 0 ? ([['zz', '1']] as Array<[string, string]>) : []),
      ]);
  }
}

const BAD_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'KILL',
  ' kill',
  'kill\u0000',
  'getSnapshot\n',
  '',
  'a'.repeat(100),
];

/** A WebSocket message, malformed somewhere (envelope, name or args). */
function badMessage(r: Rng, id: number): string {
  const command = r.pick(COMMAND_NAMES);
  switch (r.int(7)) {
    case 0:
      return badArgs(r, command); // not even an envelope
    case 1: // an envelope with a defect of its own (an extra key, a wrong kind, a wrong id, a wrong name)
      return r.pick([
        `{"kind":"invoke","id":${id},"name":"${command}","args":{},"extra":1}`,
        `{"kind":"subscribe","id":${id},"name":"${command}"}`,
        `{"kind":"invoke","id":{"n":${id}},"name":"${command}"}`,
        `{"kind":"invoke","id":1.5,"name":"${command}"}`,
        `{"kind":"invoke","id":${q('i'.repeat(101))},"name":"${command}"}`,
        `{"kind":"invoke","id":${id},"name":42}`,
        `{"kind":"invoke","id":${id},"name":${q('k'.repeat(101))}}`,
        `{"kind":"invoke","id":${id},"name":"${command}","__proto__":{"kind":"x"}}`,
        `{"id":${id},"name":"${command}"}`,
      ]);
    case 2: // an unknown command name
      return `{"kind":"invoke","id":${id},"name":${q(r.pick(BAD_NAMES))},"args":{}}`;
    case 3: // deep inside the envelope
      return `{"kind":"invoke","id":${id},"name":"${command}","args":${nested(r, 33 + r.int(30_000), '{}')}}`;
    default:
      return `{"kind":"invoke","id":${id},"name":"${command}","args":${badArgs(r, command)}}`;
  }
}

// ----------------------------------------------------------------------------------------- transports

interface Raw {
  status: string;
  /** Whether an answer carried an accepted Result. */
  accepted: boolean;
  hung: boolean;
}

/** Raw bytes to the port; the status line of the answer ('' when the server just closed). */
function rawExchange(port: number, data: Buffer | string, halfClose = true): Promise<Raw> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    // Not a sleep: a guard that turns a server that never closes into a failure instead of a hang.
    const guard = setTimeout(() => {
      socket.destroy();
      resolve({ status: answer.split('\r\n')[0] ?? '', accepted: answer.includes('{"ok":true'), hung: true });
    }, 10_000);
    socket.on('data', (d) => {
      answer += d.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(guard);
      resolve({
        status: answer.split('\r\n')[0] ?? '',
        accepted: answer.includes('{"ok":true'),
        hung: false,
      });
    });
    if (halfClose) socket.end(data);
    else socket.write(data);
  });
}

function rawRequests(r: Rng, port: number, token: string): Array<Buffer | string> {
  const host = `Host: 127.0.0.1:${port}`;
  const auth = `Authorization: Bearer ${token}`;
  const upgrade = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13';
  const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';
  const fixed = [
    `GET http://[ HTTP/1.1\r\n${host}\r\n${upgrade}\r\n${key}\r\n\r\n`,
    `GET http://[ HTTP/1.1\r\n${host}\r\n\r\n`,
    `GET * HTTP/1.1\r\n${host}\r\n\r\n`,
    `GET //evil/api/snapshot?token=${token} HTTP/1.1\r\n${host}\r\n\r\n`,
    `GET http://127.0.0.1:${port}/api/snapshot?token=${token} HTTP/1.1\r\n${host}\r\n\r\n`,
    `GET /api/ws?token=${token} HTTP/1.1\r\n${host}\r\n${upgrade}\r\n\r\n`,
    `GET /api/ws?token=${token} HTTP/1.1\r\n${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\n${key}\r\n\r\n`,
    `GET /api/ws?token=${token} HTTP/1.1\r\n${host}\r\nOrigin: http://evil.example\r\n${upgrade}\r\n${key}\r\n\r\n`,
    `GET /api/snapshot?token=${token} HTTP/1.1\r\n${host}\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n`,
    `GET /nothing HTTP/1.1\r\n${host}\r\n${upgrade}\r\n${key}\r\n\r\n`,
    `GET /api/ws?token=%ZZ HTTP/1.1\r\n${host}\r\n${upgrade}\r\n${key}\r\n\r\n`,
    `GET /api/snapshot?token=${token} HTTP/1.1\r\n\r\n`,
    `GET /api/snapshot?token=${token} HTTP/9.9\r\n${host}\r\n\r\n`,
    `GET  /api/snapshot HTTP/1.1\r\n${host}\r\n\r\n`,
    `G\u0000T / HTTP/1.1\r\n${host}\r\n\r\n`,
    `FOO /api/invoke/kill HTTP/1.1\r\n${host}\r\n${auth}\r\n\r\n`,
    `DELETE /api/invoke/kill HTTP/1.1\r\n${host}\r\n${auth}\r\n\r\n`,
    `OPTIONS /api/invoke/kill HTTP/1.1\r\n${host}\r\n${auth}\r\n\r\n`,
    `CONNECT 127.0.0.1:${port} HTTP/1.1\r\n${host}\r\n\r\n`,
    `GET / HTTP/1.1\r\n${host}\r\nNo colon here\r\n\r\n`,
    `GET / HTTP/1.1\r\n${host}\r\nBad Name: x\r\n\r\n`,
    `GET / HTTP/1.1\r\n${host}\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
    `GET /${'p'.repeat(20_000)} HTTP/1.1\r\n${host}\r\n\r\n`,
    `GET /%00 HTTP/1.1\r\n${host}\r\n\r\n`,
    `GET /%E0%A4%A HTTP/1.1\r\n${host}\r\n\r\n`,
    `GET /..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\n${host}\r\n\r\n`,
    `GET /assets/..%5c..%5cpackage.json HTTP/1.1\r\n${host}\r\n\r\n`,
    `POST /api/invoke/kill HTTP/1.1\r\n${host}\r\n${auth}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
    `POST /api/invoke/kill HTTP/1.1\r\n${host}\r\n${auth}\r\nContent-Length: -1\r\n\r\n{}`,
    `POST /api/invoke/kill HTTP/1.1\r\n${host}\r\n${auth}\r\nContent-Length: abc\r\n\r\n{}`,
    `POST /api/invoke/approve HTTP/1.1\r\n${host}\r\n${auth}\r\nContent-Length: 1000\r\n\r\n{"planId":"seed-wait"}`,
    `POST /api/invoke/approve HTTP/1.1\r\n${host}\r\n${auth}\r\nContent-Length: 99999999999\r\n\r\n{"planId":"seed-wait"}`,
    `POST /api/invoke/kill HTTP/1.1\r\n${host}\r\n${auth}\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`,
    `POST /api/invoke/kill HTTP/1.1\r\n${host}\r\n${auth}\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
    `POST /api/invoke/kill HTTP/1.1\r\n${host}\r\nAuthorization: Bearer ${token}\u0000\r\nContent-Length: 2\r\n\r\n{}`,
    `POST /api/invoke/kill HTTP/1.1\r\n${host}\r\nAuthorization: Basic ${token}\r\nContent-Length: 2\r\n\r\n{}`,
    `POST /api/invoke/kill HTTP/1.1\r\nHost: evil.example\r\n${auth}\r\nContent-Length: 2\r\n\r\n{}`,
    `POST /api/invoke/kill HTTP/1.1\r\n${host}\r\n${auth}\r\nOrigin: null\r\nContent-Length: 2\r\n\r\n{}`,
    `\r\n\r\n\r\n`,
    `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`,
    '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003',
  ];
  const random = Array.from({ length: 60 }, () => r.bytes(1 + r.int(3_000)));
  // Well-formed framing with a malformed body for every command (what a script with a bug would send).
  const bodies = Array.from({ length: 40 }, () => {
    const body = Buffer.from(badArgs(r, r.pick(COMMAND_NAMES)), 'utf8');
    return Buffer.concat([
      Buffer.from(
        `POST /api/invoke/${r.pick(COMMAND_NAMES)} HTTP/1.1\r\n${host}\r\n${auth}\r\nContent-Length: ${body.length}\r\n\r\n`,
      ),
      body,
    ]);
  });
  return [...fixed, ...random, ...bodies];
}

// ----------------------------------------------------------------------------------------- the seed

const T0 = Date.UTC(2024, 2, 4, 14, 30);
const bar = (symbol: string, time: number, price: string): Bar => ({
  symbol,
  time,
  open: price,
  high: price,
  low: price,
  close: price,
  volume: '1000',
});

/** A journal with an open AAPL position (with its working stop) and an MSFT plan waiting for approval. */
function seedJournal(db: string): void {
  const auto = createEngine({ journalPath: db, config: { approval: 'auto' } });
  if (!auto.ok) throw new Error(auto.error.message);
  auto.value.onBar(bar('AAPL', T0, '180'));
  const long = auto.value.submitPlan(
    {
      id: 'seed-long',
      symbol: 'AAPL',
      side: 'buy',
      entry: { type: 'market' },
      quantity: '10',
      stopLoss: '150',
    },
    T0,
  );
  if (!long.ok) throw new Error(long.error.message);
  auto.value.onBar(bar('AAPL', T0 + 300_000, '181'));
  auto.value.onBar(bar('MSFT', T0 + 300_000, '410'));
  auto.value.close();
  const manual = createEngine({ journalPath: db, config: { approval: 'manual' } });
  if (!manual.ok) throw new Error(manual.error.message);
  const waiting = manual.value.submitPlan(
    {
      id: 'seed-wait',
      symbol: 'MSFT',
      side: 'buy',
      entry: { type: 'limit', price: '400' },
      quantity: '5',
      stopLoss: '390',
    },
    T0 + 360_000,
  );
  if (!waiting.ok) throw new Error(waiting.error.message);
  manual.value.close();
}

/** What must not move: every record, the trading state, PIN and mode; marks and P&L may. */
function state(snapshot: AppSnapshot) {
  const { engine, host } = snapshot;
  return {
    tradingState: engine.tradingState,
    approval: engine.approval,
    plans: engine.plans,
    orders: engine.orders,
    fills: engine.fills,
    trades: engine.trades,
    positions: engine.positions.map(({ markPrice: _m, unrealizedPnl: _u, ...kept }) => kept),
    cash: engine.account.cash,
    mode: host.mode,
    pinSet: host.pinSet,
  };
}

// ------------------------------------------------------------------------------------------- the run

describe(`braid serve under malformed input (seed ${SEED})`, () => {
  let child: ChildProcess;
  let dir: string;
  let port = 0;
  let token = '';
  let stderr = '';
  const api = (path: string) => `http://127.0.0.1:${port}${path}`;
  const snapshot = async (): Promise<AppSnapshot> => {
    const res = await fetch(api('/api/snapshot'), { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { value: AppSnapshot }).value;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'braid-serve-fuzz-'));
    const db = join(dir, 'state.sqlite');
    seedJournal(db);
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ approval: 'manual' }));
    child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--config', config, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const match = await waitFor('the ready line', () => READY.exec(stdout), 30_000).catch((e: Error) => {
      throw new Error(`${e.message}\nstdout: ${stdout}\nstderr: ${stderr}`);
    });
    port = Number(match[1]);
    token = match[2]!;
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses 1,000+ malformed payloads: no crash, no state change, no 500, nothing accepted', async () => {
    const r = prng(SEED);
    const before = await snapshot();
    expect(before.engine.plans.map((p) => [p.id, p.status])).toEqual([
      ['seed-long', 'open'],
      ['seed-wait', 'pending_approval'],
    ]);
    expect(before.engine.positions).toHaveLength(1);
    let payloads = 0;
    const statuses = new Map<number | string, number>();
    const count = (status: number | string) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const accepted: string[] = [];

    // 1. HTTP through fetch, 16 at a time: bodies, names, methods, paths, tokens, origins, sizes.
    const httpCase = (): { path: string; init: RequestInit } => {
      const command = r.pick(COMMAND_NAMES);
      const authed = { Authorization: `Bearer ${token}` };
      switch (r.int(12)) {
        case 0:
          return {
            path: `/api/invoke/${r.pick(['constructor', 'toString', 'KILL', 'a'.repeat(64), 'nope', 'getsnapshot'])}`,
            init: { method: 'POST', headers: authed, body: badArgs(r, command) },
          };
        case 1:
          return {
            path: r.pick([
              `/api/invoke/${command}/`,
              '/api/invoke/',
              `/api/Invoke/${command}`,
              `/api/invoke/${'a'.repeat(65)}`,
              `/api/invoke/kil%6C`,
              '/api/',
              '/api',
              '/api/%2e%2e/invoke/kill',
            ]),
            init: { method: 'POST', headers: authed, body: badArgs(r, command) },
          };
        case 2:
          return {
            path: r.pick(['/api/snapshot', `/api/invoke/${command}`]),
            init: { method: r.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS']), headers: authed, body: '{}' },
          };
        case 3:
          return {
            path: `/api/invoke/${command}?token=${r.pick(['', token.slice(1), `${token}0`, '%00', token.toUpperCase()])}`,
            init: { method: 'POST', body: '{}' },
          };
        case 4:
          return {
            path: `/api/invoke/${command}`,
            init: {
              method: 'POST',
              headers: {
                ...authed,
                Origin: r.pick(['http://evil.example', 'null', `http://127.0.0.1:${port + 1}`]),
              },
              body: '{}',
            },
          };
        case 5:
          // Over the body bound: a few of them (each is a megabyte to send).
          if (r.chance(0.7))
            return {
              path: `/api/invoke/${command}`,
              init: { method: 'POST', headers: authed, body: badArgs(r, command) },
            };
          return {
            path: `/api/invoke/${command}`,
            init: {
              method: 'POST',
              headers: authed,
              body: `{"planId":"${'x'.repeat(1024 * 1024 + r.int(100_000))}"}`,
            },
          };
        case 6:
          return {
            path: r.pick([
              '/',
              '/index.html',
              '/%E0%A4%A',
              '/..%2f..%2fpackage.json',
              '/assets/%00.js',
              '/x'.repeat(500),
            ]),
            init: { method: r.pick(['GET', 'HEAD', 'POST', 'DELETE']) },
          };
        default:
          return {
            path: `/api/invoke/${command}`,
            init: {
              method: 'POST',
              headers: {
                ...authed,
                'Content-Type': r.pick([
                  'application/json',
                  'text/plain',
                  'multipart/form-data; boundary=x',
                  'application/x-www-form-urlencoded',
                ]),
              },
              body: badArgs(r, command),
            },
          };
      }
    };
    const HTTP_CASES = 560;
    for (let start = 0; start < HTTP_CASES; start += 16) {
      await Promise.all(
        Array.from({ length: Math.min(16, HTTP_CASES - start) }, async () => {
          const { path, init } = httpCase();
          payloads++;
          const res = await fetch(api(path), init);
          count(res.status);
          const text = await res.text();
          if (path.startsWith('/api') && text.startsWith('{"ok":true'))
            accepted.push(`${init.method} ${path}`);
        }),
      );
    }
    expect(child.exitCode).toBeNull();

    // 2. The WebSocket: one connection for the malformed messages, answered one result each.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${token}`);
    const results: Array<Extract<ServerMessage, { kind: 'result' }>> = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if (message.kind === 'result') results.push(message);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const WS_CASES = 520;
    const sent = new Map<number, string>();
    for (let id = 1; id <= WS_CASES; id++) {
      payloads++;
      if (r.chance(0.03)) ws.send(r.bytes(1 + r.int(500)), { binary: true });
      else {
        const message = badMessage(r, id);
        sent.set(id, message.slice(0, 300));
        ws.send(message);
      }
    }
    await waitFor('an answer to every message', () => results.length === WS_CASES);
    for (const { id, result } of results) if (result.ok) accepted.push(`ws ${sent.get(Number(id))}`);
    ws.close();

    // Messages that end a connection: over the size bound (1009), not UTF-8 (1007), not a frame (1002).
    const closers: Array<(s: WebSocket) => void> = [
      (s) =>
        s.send(`{"kind":"invoke","id":1,"name":"approve","args":{"planId":"${'x'.repeat(1024 * 1024)}"}}`),
      (s) => s.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }),
      (s) => (s as unknown as { _socket: { write(b: Buffer): void } })._socket.write(r.bytes(64)),
      (s) =>
        (s as unknown as { _socket: { write(b: Buffer): void } })._socket.write(
          Buffer.from([0x81, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        ),
    ];
    const codes: number[] = [];
    for (let k = 0; k < 12; k++) {
      payloads++;
      const s = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${token}`);
      s.on('error', () => {});
      await new Promise((resolve) => s.once('open', resolve));
      const closed = new Promise<number>((resolve) => s.once('close', (code) => resolve(code)));
      closers[k % closers.length]!(s);
      codes.push(await closed);
    }
    expect(new Set(codes)).toEqual(new Set([1009, 1007, 1002]));
    expect(child.exitCode).toBeNull();

    // 3. Raw sockets: bad request lines, methods, headers, framing, TLS and HTTP/2 prefaces, garbage.
    const raws = rawRequests(r, port, token);
    for (let start = 0; start < raws.length; start += 16) {
      const slice = raws.slice(start, start + 16);
      const batch = await Promise.all(slice.map((data) => rawExchange(port, data)));
      for (const [k, { status, accepted: took, hung }] of batch.entries()) {
        payloads++;
        expect(hung).toBe(false);
        if (took) accepted.push(`raw ${String(slice[k]).slice(0, 300)}`);
        count(status === '' ? 'closed' : (status.split(' ')[1] ?? status));
      }
    }
    expect(child.exitCode).toBeNull();

    // The verdict: alive, unchanged, never a 500, nothing accepted, nothing reached the last resort.
    expect(payloads).toBeGreaterThanOrEqual(1000);
    expect(accepted).toEqual([]);
    const after = await snapshot();
    expect(state(after)).toEqual(state(before));
    expect(statuses.get(500) ?? 0).toBe(0);
    expect(statuses.get('500') ?? 0).toBe(0);
    expect([...statuses.keys()].filter((s) => Number(s) >= 500 && Number(s) !== 503)).toEqual([]);
    expect(stderr).not.toMatch(/unexpected (error|rejection)|request failed|upgrade failed/);
    // Every kind of answer was seen: refused input, refused callers, bounded sizes, unknown routes.
    for (const status of [400, 401, 403, 404, 405, 413]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
  });
});
