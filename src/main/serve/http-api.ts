// The contract over plain HTTP for scripts and tests: GET /api/snapshot and POST /api/invoke/:name with
// the args as the JSON body. The body of every answer is a Result. Authentication is checked by the caller.
// The body is bounded (413 over MAX_BODY), its JSON bounded in depth (400), and the command parsed here
// with the contract's schemas: only checked args go on to the engine's thread.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonBounded } from '../../shared/json-limits.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { parseCommand } from '../../shared/schemas.ts';
import type { HostHandle } from '../host/types.ts';

export const MAX_BODY = 1024 * 1024;
/**
 * Bytes past the limit read and dropped so a client still sending gets the 413 rather than a reset (closing
 * with unread data resets the connection); past this the connection is cut.
 */
const MAX_DRAIN = 16 * 1024 * 1024;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

type Body = { ok: true; text: string } | { ok: false; status: 400 | 413; code: string; message: string };

function readBody(req: IncomingMessage): Promise<Body | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (body: Body | null) => {
      if (!done) {
        done = true;
        resolve(body);
      }
    };
    const tooLarge: Body = {
      ok: false,
      status: 413,
      code: 'too_large',
      message: `the request body is over ${MAX_BODY} bytes`,
    };
    // A declared length over the limit is refused without keeping a byte of it.
    const declared = Number(req.headers['content-length'] ?? 0);
    let over = Number.isFinite(declared) && declared > MAX_BODY;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (!over && size > MAX_BODY) {
        over = true;
        chunks.length = 0;
      }
      if (!over) chunks.push(chunk);
      else if (size > MAX_BODY + MAX_DRAIN) {
        // Still sending: answer now; the close that follows may reset what it has not sent.
        req.pause();
        finish(tooLarge);
      }
    });
    req.on('error', () => finish(null));
    // Gone before the end of its body: no one to answer.
    req.on('close', () => finish(null));
    req.on('end', () => {
      if (over) return finish(tooLarge);
      const text = Buffer.concat(chunks).toString('utf8');
      finish({ ok: true, text });
    });
  });
}

/** A body's JSON, bounded; an empty body is `{}`. */
function bodyArgs(text: string): Result<unknown> {
  if (text.trim() === '') return ok({});
  const parsed = parseJsonBounded(text, { maxLength: MAX_BODY });
  if (!parsed.ok) return err(parsed.error.code, `the request body is ${parsed.error.message}`);
  return parsed;
}

export async function handleApi(
  host: HostHandle,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  headers: Record<string, string>,
): Promise<void> {
  if (url.pathname === '/api/snapshot') {
    if (req.method !== 'GET')
      return sendJson(res, 405, err('method', 'use GET'), { ...headers, Allow: 'GET' });
    return sendJson(res, 200, await host.invoke('getSnapshot', {}), headers);
  }
  const match = /^\/api\/invoke\/([A-Za-z]{1,64})$/.exec(url.pathname);
  if (match) {
    if (req.method !== 'POST')
      return sendJson(res, 405, err('method', 'use POST'), { ...headers, Allow: 'POST' });
    const body = await readBody(req);
    if (body === null) return void res.destroy();
    if (!body.ok)
      return sendJson(res, body.status, err(body.code, body.message), { ...headers, Connection: 'close' });
    const args = bodyArgs(body.text);
    if (!args.ok) return sendJson(res, 400, args, headers);
    // A well-formed request for a command that refuses these args is answered like the command itself
    // would answer (200 with the error Result), the same over HTTP, the WebSocket and IPC.
    const command = parseCommand(match[1], args.value);
    if (!command.ok) return sendJson(res, 200, command, headers);
    return sendJson(res, 200, await host.invoke(command.value.name, command.value.args), headers);
  }
  return sendJson(res, 404, err('not_found', `no API route ${url.pathname}`), headers);
}
