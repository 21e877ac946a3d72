// Reading a request body within bounds and writing a JSON answer: what every API route shares.
import type { IncomingMessage, ServerResponse } from 'node:http';

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

export type Body =
  | { ok: true; text: string }
  | { ok: false; status: 400 | 413; code: string; message: string };

export function readBody(req: IncomingMessage): Promise<Body | null> {
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
