// The contract over a WebSocket: a snapshot on connect, then event batches (at most one per frame, from
// the host); `invoke` messages answered with `result` messages carrying the same id.
//
// Every message is checked here, before anything reaches the engine's thread: its JSON bounded in depth,
// the envelope and then the command parsed with the contract's schemas (only parsed args go on). A client
// is bounded too: at most `maxInFlight` unanswered commands (more are answered `busy` at once), and a client
// that does not read its messages is closed with SLOW_CLIENT_CLOSE once `maxBuffered` bytes wait for it;
// it reconnects and starts again from a snapshot.
import type { WebSocket } from 'ws';
import type { ServerMessage } from '../../shared/contract.ts';
import { parseJsonBounded } from '../../shared/json-limits.ts';
import { err, type Result } from '../../shared/result.ts';
import { clientMessageSchema, describeIssues, parseCommand } from '../../shared/schemas.ts';
import type { Disposer, HostHandle } from '../host/types.ts';

/** Close code for a client too slow to take its messages: 1013 "Try Again Later" (RFC 6455 registry). */
export const SLOW_CLIENT_CLOSE = 1013;

export interface ClientLimits {
  /** Bytes waiting to be sent to one client before it is closed. */
  maxBuffered?: number;
  /** Commands of one client waiting for their answer. */
  maxInFlight?: number;
  /** After the close frame (queued behind what the client did not read), the time it gets to take it. */
  closeGraceMs?: number;
}

const MAX_BUFFERED = 4 * 1024 * 1024;
const MAX_IN_FLIGHT = 32;
const CLOSE_GRACE_MS = 10_000;

type Id = number | string | null;

function idOf(raw: unknown): Id {
  if (typeof raw !== 'object' || raw === null || !Object.hasOwn(raw, 'id')) return null;
  const id = (raw as { id: unknown }).id;
  return (typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.length <= 100)
    ? id
    : null;
}

export function attachClient(host: HostHandle, ws: WebSocket, limits: ClientLimits = {}): void {
  const maxBuffered = limits.maxBuffered ?? MAX_BUFFERED;
  const maxInFlight = limits.maxInFlight ?? MAX_IN_FLIGHT;
  let open = true;
  let inFlight = 0;
  let unsubscribe: Disposer | null = null;

  const leave = () => {
    open = false;
    unsubscribe?.();
    unsubscribe = null;
  };

  /** Stops the feed at once (nothing more is queued for it), then closes with a code it can read. */
  const dropSlow = () => {
    leave();
    ws.close(SLOW_CLIENT_CLOSE, 'too slow: reconnect for a fresh snapshot');
    const grace = setTimeout(() => ws.terminate(), limits.closeGraceMs ?? CLOSE_GRACE_MS);
    grace.unref();
    ws.once('close', () => clearTimeout(grace));
  };

  const send = (message: ServerMessage) => {
    if (!open || ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > maxBuffered) return dropSlow();
    ws.send(JSON.stringify(message));
  };
  const reply = (id: Id, result: Result<unknown>) => send({ kind: 'result', id, result });

  ws.on('close', leave);
  ws.on('error', leave);
  // The snapshot may arrive (and overflow) before subscribe returns: `open` says whether to keep it.
  const disposer = host.subscribe((message) => send(message));
  if (open) unsubscribe = disposer;
  else disposer();

  ws.on('message', (data, isBinary) => {
    if (!open) return;
    if (isBinary) return reply(null, err('invalid_message', 'messages are JSON text, not binary'));
    const json = parseJsonBounded(String(data));
    if (!json.ok) return reply(null, err('invalid_message', `the message is ${json.error.message}`));
    const envelope = clientMessageSchema.safeParse(json.value);
    if (!envelope.success) {
      return reply(
        idOf(json.value),
        err(
          'invalid_message',
          `expected {"kind":"invoke","id","name","args"}: ${describeIssues(envelope.error)}`,
        ),
      );
    }
    const { id, name, args } = envelope.data;
    const command = parseCommand(name, args);
    if (!command.ok) return reply(id, command);
    if (inFlight >= maxInFlight) {
      return reply(id, err('busy', `more than ${maxInFlight} commands are waiting: wait for their answers`));
    }
    inFlight++;
    host.invoke(command.value.name, command.value.args).then(
      (result) => {
        inFlight--;
        reply(id, result);
      },
      (error: unknown) => {
        inFlight--;
        reply(
          id,
          err('internal', `${name} failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      },
    );
  });
}
