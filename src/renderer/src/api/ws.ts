// The contract over a WebSocket (`braid serve`): invocations matched to results by id, pushed messages
// fanned out to subscribers, reconnection with backoff (the server sends a fresh snapshot on connect).
import type { BraidApi, CommandName, PushMessage, ServerMessage } from '../../../shared/contract.ts';
import { err, type Result } from '../../../shared/result.ts';
import type { Connection } from '../store/ui.ts';

const INVOKE_TIMEOUT_MS = 30_000;
const MAX_BACKOFF_MS = 5_000;

export function createWsApi(url: string, onStatus: (c: Connection) => void): BraidApi {
  const listeners = new Set<(m: PushMessage) => void>();
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const outbox: string[] = [];
  let socket: WebSocket | null = null;
  let open = false;
  let nextId = 1;
  let attempt = 0;

  const failAll = (code: string, message: string): void => {
    for (const settle of pending.values()) settle(err(code, message));
    pending.clear();
    outbox.length = 0;
  };

  const onMessage = (raw: unknown): void => {
    if (typeof raw !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    if (msg.kind === 'result') {
      const settle = pending.get(Number(msg.id));
      if (settle) {
        pending.delete(Number(msg.id));
        settle(msg.result);
      }
      return;
    }
    for (const listener of listeners) listener(msg);
  };

  const connect = (): void => {
    onStatus('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      open = true;
      attempt = 0;
      onStatus('open');
      for (const text of outbox.splice(0)) ws.send(text);
    };
    ws.onmessage = (ev) => onMessage(ev.data);
    ws.onclose = () => {
      open = false;
      socket = null;
      failAll('disconnected', 'connection to the engine lost');
      onStatus('closed');
      attempt += 1;
      setTimeout(connect, Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt));
    };
  };
  connect();

  return {
    invoke(name: CommandName, args: unknown) {
      const id = nextId++;
      const text = JSON.stringify({ kind: 'invoke', id, name, args });
      return new Promise<Result<unknown>>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve(err('timeout', `${name}: no answer from the engine`));
        }, INVOKE_TIMEOUT_MS);
        pending.set(id, (r) => {
          clearTimeout(timer);
          resolve(r);
        });
        if (open && socket) socket.send(text);
        else outbox.push(text);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as BraidApi;
}
