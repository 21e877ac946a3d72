// The `braid serve` server on 127.0.0.1: the built renderer (with a strict CSP) and the API, over HTTP
// and a WebSocket. Every /api request and the WebSocket upgrade need the token; without it: 401. A request
// that cannot even be parsed (a request-target `new URL` refuses) is a 400 before anything else: no input
// reaches a throw outside a guard.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { WS_PATH } from '../../shared/contract.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { HostHandle } from '../host/types.ts';
import { hostDoor, type PlanDoor } from '../intake/plan-door.ts';
import { contentSecurityPolicy, securityHeaders } from '../security.ts';
import { fetchSiteAllowed, hostAllowed, originAllowed, requestToken, tokenMatches } from './auth.ts';
import { handleApi, sendJson } from './http-api.ts';
import { loadStatic } from './static-files.ts';
import { attachClient, type ClientLimits } from './ws-api.ts';

export const LOOPBACK = '127.0.0.1';

export interface ServeServer {
  port: number;
  url: string;
  /** Closes every WebSocket and HTTP connection, then the listener. Idempotent. */
  close(): Promise<void>;
}

export interface ServerOptions {
  host: HostHandle;
  token: string;
  port: number;
  staticRoot: string;
  log?: (line: string) => void;
  /** Per-client WebSocket bounds (tests lower them). */
  clientLimits?: ClientLimits;
  /** WebSocket clients at once; one more is refused with 503 (each costs a snapshot and a queue). */
  maxClients?: number;
  /** Where POST /api/plans sends upstream plans: through the host's command queue unless given. */
  door?: PlanDoor;
}

const MAX_CLIENTS = 64;
/** The WebSocket's largest message; a bigger one closes the socket with 1009. */
const MAX_WS_MESSAGE = 1024 * 1024;

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * The request-target as a URL, or null when it is not a path (`http://[`, `*`, an absolute-form target
 * meant for a proxy) or does not parse. `new URL` throws on such input: never outside this guard.
 */
export function requestUrl(target: string | undefined, port: number): URL | null {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, `http://${LOOPBACK}:${port}`);
  } catch {
    return null;
  }
}

export function startServer(options: ServerOptions): Promise<Result<ServeServer>> {
  const { host, token } = options;
  const door = options.door ?? hostDoor(host);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let port = options.port;
  const headers = () =>
    securityHeaders(
      contentSecurityPolicy({ connect: [`ws://${LOOPBACK}:${port}`, `ws://localhost:${port}`] }),
    );

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const url = requestUrl(req.url, port);
    if (url === null) {
      return sendJson(res, 400, err('bad_request', 'the request-target is not a path'), {
        ...headers(),
        Connection: 'close',
      });
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      if (!tokenMatches(requestToken(req, url), token)) {
        return sendJson(res, 401, err('unauthorized', 'a valid token is required'), {
          ...headers(),
          'WWW-Authenticate': 'Bearer',
        });
      }
      // DNS-rebinding guard, on top of the token.
      if (!hostAllowed(req, port)) {
        return sendJson(res, 403, err('forbidden', 'unexpected Host header'), headers());
      }
      // A page of another site holding a leaked token (a text/plain POST needs no CORS preflight).
      if (!originAllowed(req, port) || !fetchSiteAllowed(req)) {
        return sendJson(res, 403, err('forbidden', 'requests from other sites are refused'), headers());
      }
      return handleApi(host, req, res, url, headers(), door);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers(), Allow: 'GET, HEAD' });
      return res.end();
    }
    const file = await loadStatic(options.staticRoot, url.pathname);
    res.writeHead(file.status, { ...headers(), 'Content-Type': file.type, 'Cache-Control': file.cache });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      log(`braid serve: request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) sendJson(res, 500, err('internal', 'request failed'));
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_WS_MESSAGE,
    perMessageDeflate: false,
  });
  wss.on('connection', (ws) => attachClient(host, ws, options.clientLimits));
  const maxClients = options.maxClients ?? MAX_CLIENTS;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = requestUrl(req.url, port);
    if (url === null) return rejectUpgrade(socket, 400, 'Bad Request');
    if (url.pathname !== WS_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    if (!tokenMatches(requestToken(req, url), token)) return rejectUpgrade(socket, 401, 'Unauthorized');
    if (!hostAllowed(req, port) || !originAllowed(req, port)) return rejectUpgrade(socket, 403, 'Forbidden');
    if (wss.clients.size >= maxClients) return rejectUpgrade(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      onUpgrade(req, socket, head);
    } catch (error) {
      log(`braid serve: upgrade failed: ${error instanceof Error ? error.message : String(error)}`);
      socket.destroy();
    }
  });

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      // Give clients a moment to take the close frame, then cut whatever is left.
      const cut = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
        server.closeAllConnections();
      }, 200);
      wss.close();
      server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  return new Promise((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      resolve(
        err('listen_failed', `cannot listen on ${LOOPBACK}:${options.port}: ${error.code ?? error.message}`),
      );
    });
    server.listen(options.port, LOOPBACK, () => {
      const address = server.address();
      port = typeof address === 'object' && address !== null ? address.port : options.port;
      resolve(ok({ port, url: `http://${LOOPBACK}:${port}/?token=${token}`, close }));
    });
  });
}
