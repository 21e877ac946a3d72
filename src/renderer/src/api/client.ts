// The renderer's one client of the contract: Electron's preload object when present, otherwise the
// `braid serve` WebSocket. Nothing else in the renderer knows which.
import type { BraidApi, CommandArgs, CommandName, CommandResults } from '../../../shared/contract.ts';
import { err, type Result } from '../../../shared/result.ts';
import { connectionLost, connectionOpened, messageReceived, tokenRefused } from '../store/connection.ts';
import { adoptToken } from './token.ts';
import { createWsApi, type WsDeps } from './ws.ts';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge). */
    braid?: BraidApi;
  }
}

/** Kept in step with WS_PATH in src/shared/contract.ts (not imported: that module pulls in the schemas). */
const WS_PATH = '/api/ws';

let api: BraidApi | null = null;

const browserDeps: WsDeps = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
  open: (url, on) => {
    const ws = new WebSocket(url);
    ws.onmessage = (ev) => on.message(ev.data);
    ws.onclose = () => on.close();
    return ws;
  },
};

function sessionStore(): Storage | null {
  try {
    return sessionStorage;
  } catch {
    return null; // storage disabled: the token lives in memory for this page only
  }
}

let token: string | null | undefined;

/** The page's token: adopted from the URL on first call, read from this tab's storage after a reload. */
function pageToken(): string | null {
  if (token === undefined) token = adoptToken({ location, history, storage: sessionStore() });
  return token;
}

function wsUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${WS_PATH}?token=${encodeURIComponent(pageToken() ?? '')}`;
}

/**
 * A browser cannot tell a refused WebSocket from a dead server. After a failed attempt, ask the HTTP API
 * (a HEAD-sized 401 when the token is wrong): if it answers 401, the page says the token is no longer valid
 * instead of "reconnecting" forever.
 */
async function probeToken(): Promise<void> {
  try {
    const res = await fetch('/api/snapshot', {
      headers: { Authorization: `Bearer ${pageToken() ?? ''}` },
      cache: 'no-store',
    });
    tokenRefused(res.status === 401);
    await res.body?.cancel();
  } catch {
    tokenRefused(false); // the server is down: nothing to say about the token
  }
}

export function connectApi(): BraidApi {
  if (api) return api;
  if (window.braid) {
    // IPC to our own main process: it does not drop. Each subscription starts with its own snapshot:
    // the first one delivered makes the link live (no second subscription just to watch it).
    const ipc = window.braid;
    let live = false;
    api = {
      invoke: (name, args) => ipc.invoke(name, args),
      subscribe: (listener) =>
        ipc.subscribe((m) => {
          listener(m);
          messageReceived(Date.now());
          if (!live && m.kind === 'snapshot') {
            live = true;
            connectionOpened(Date.now());
          }
        }),
    } as BraidApi;
  } else {
    pageToken(); // moves the token out of the address bar before anything else runs
    api = createWsApi(
      wsUrl,
      {
        live: connectionOpened,
        lost: (attempt) => {
          connectionLost(attempt);
          if (attempt % 3 === 0) void probeToken();
        },
        message: messageReceived,
      },
      browserDeps,
    );
  }
  return api;
}

/** For harnesses (the UI benchmark) that feed the store without an engine. */
export function setApi(custom: BraidApi): void {
  api = custom;
}

export function invoke<N extends CommandName>(
  name: N,
  args: CommandArgs<N>,
): Promise<Result<CommandResults[N]>> {
  if (!api) return Promise.resolve(err('not_connected', 'not connected to the engine'));
  return api.invoke(name, args);
}
