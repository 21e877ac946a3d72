// The contract over a WebSocket: a snapshot on connect, then event batches (at most one per frame, from
// the host); `invoke` messages answered with `result` messages carrying the same id.
import type { WebSocket } from 'ws';
import type { ServerMessage } from '../../shared/contract.ts';
import { err } from '../../shared/result.ts';
import { clientMessageSchema, describeIssues } from '../../shared/schemas.ts';
import type { HostHandle } from '../host/types.ts';

/** A client this far behind is dropped; on reconnect it starts again from a snapshot. */
const MAX_BUFFERED = 16 * 1024 * 1024;

export function attachClient(host: HostHandle, ws: WebSocket): void {
  const send = (message: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED) {
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(message));
  };

  const unsubscribe = host.subscribe((message) => send(message));
  ws.on('close', unsubscribe);
  ws.on('error', unsubscribe);

  ws.on('message', (data, isBinary) => {
    let raw: unknown;
    try {
      raw = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      raw = undefined;
    }
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof raw === 'object' && raw !== null && 'id' in raw ? (raw as { id: unknown }).id : null;
      send({
        kind: 'result',
        id: typeof id === 'number' || typeof id === 'string' ? id : null,
        result: err(
          'invalid_message',
          `expected {"kind":"invoke","id","name","args"}: ${describeIssues(parsed.error)}`,
        ),
      });
      return;
    }
    const { id, name, args } = parsed.data;
    void host.invoke(name, args).then((result) => send({ kind: 'result', id, result }));
  });
}
