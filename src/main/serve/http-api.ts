// The contract over plain HTTP for scripts and tests: GET /api/snapshot and POST /api/invoke/:name with
// the args as the JSON body. The body of every answer is a Result. Authentication is checked by the caller.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { err, type Result } from '../../shared/result.ts';
import type { HostHandle } from '../host/types.ts';

const MAX_BODY = 1024 * 1024;

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

function readBody(req: IncomingMessage): Promise<Result<unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: Result<unknown>) => {
      if (!done) {
        done = true;
        resolve(result);
      }
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        finish(err('too_large', 'request body over 1 MB'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (error) => finish(err('bad_request', error.message)));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return finish({ ok: true, value: {} });
      try {
        finish({ ok: true, value: JSON.parse(text) as unknown });
      } catch {
        finish(err('bad_json', 'the request body is not valid JSON'));
      }
    });
  });
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
    if (!body.ok) return sendJson(res, body.error.code === 'too_large' ? 413 : 400, body, headers);
    return sendJson(res, 200, await host.invoke(match[1], body.value), headers);
  }
  return sendJson(res, 404, err('not_found', `no API route ${url.pathname}`), headers);
}
