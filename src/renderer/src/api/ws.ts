// The contract over a WebSocket (`braid serve`): invocations matched to results by id, pushed messages
// fanned out to subscribers, reconnection with backoff. The server sends a fresh snapshot on every
// connect, so a reconnected page is current again as soon as that snapshot is applied.
import type { BraidApi, CommandName, PushMessage, ServerMessage } from '../../../shared/contract.ts';
import { err, type Result } from '../../../shared/result.ts';

const INVOKE_TIMEOUT_MS = 30_000;
export const MIN_BACKOFF_MS = 250;
export const MAX_BACKOFF_MS = 5_000;

/** What the transport tells the connection store; times are wall-clock ms. */
export interface WsStatusSink {
  /** The first snapshot of a new link has been delivered to subscribers. */
  live(now: number): void;
  /** The link dropped or an attempt failed; `attempt` counts the tries since the last live link. */
  lost(attempt: number): void;
  message(now: number): void;
}

/** The part of a WebSocket this transport uses (a fake one in tests). */
export interface SocketLike {
  send(text: string): void;
}

/** What the transport hears from a socket it opened. */
export interface SocketEvents {
  message(data: unknown): void;
  close(): void;
}

/** The transport's outside world, injectable so tests drive time and sockets by hand. */
export interface WsDeps {
  now: () => number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (timer: unknown) => void;
  /** Opens a socket that reports to `on`; every failure or drop ends in one `close`. */
  open: (url: string, on: SocketEvents) => SocketLike;
}

/** Delay before reconnection attempt `attempt` (1, 2, ...): doubling from 250 ms, capped at 5 s. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.max(0, attempt - 1));
}

export function createWsApi(url: () => string, sink: WsStatusSink, deps: WsDeps): BraidApi {
  const { now, setTimer, clearTimer } = deps;
  const listeners = new Set<(m: PushMessage) => void>();
  const pending = new Map<number, (r: Result<unknown>) => void>();
  let socket: SocketLike | null = null;
  let live = false;
  let nextId = 1;
  let attempt = 0;

  const failAll = (code: string, message: string): void => {
    for (const settle of pending.values()) settle(err(code, message));
    pending.clear();
  };

  const onMessage = (raw: unknown): void => {
    if (typeof raw !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    sink.message(now());
    if (msg.kind === 'result') {
      const settle = pending.get(Number(msg.id));
      if (settle) {
        pending.delete(Number(msg.id));
        settle(msg.result);
      }
      return;
    }
    for (const listener of listeners) listener(msg);
    if (!live && msg.kind === 'snapshot') {
      live = true;
      attempt = 0;
      sink.live(now());
    }
  };

  const connect = (): void => {
    socket = deps.open(url(), {
      message: onMessage,
      close: () => {
        live = false;
        socket = null;
        // A command sent on a dead link may or may not have reached the engine: say so, never resend it.
        failAll('disconnected', 'connection to the engine lost; check the blotter before trying again');
        attempt += 1;
        sink.lost(attempt);
        setTimer(connect, backoffMs(attempt));
      },
    });
  };
  connect();

  return {
    invoke(name: CommandName, args: unknown) {
      // Commands go only over a live link: a click while disconnected is refused at once, not queued to
      // fire minutes later against a market that has moved.
      if (!live || !socket)
        return Promise.resolve(err('disconnected', `${name}: not connected to the engine`));
      const id = nextId++;
      const text = JSON.stringify({ kind: 'invoke', id, name, args });
      const ws = socket;
      return new Promise<Result<unknown>>((resolve) => {
        const timer = setTimer(() => {
          pending.delete(id);
          resolve(err('timeout', `${name}: no answer from the engine`));
        }, INVOKE_TIMEOUT_MS);
        pending.set(id, (r) => {
          clearTimer(timer);
          resolve(r);
        });
        ws.send(text);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as BraidApi;
}
