// The contract over plain HTTP for scripts and tests: GET /api/snapshot and POST /api/invoke/:name with
// the args as the JSON body; POST /api/plans for upstream plans (plans-api.ts). The body of every answer
// is a Result. Authentication is checked by the caller.
// The body is bounded (413 over MAX_BODY), its JSON bounded in depth (400), and the command parsed here
// with the contract's schemas: only checked args go on to the engine's thread.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonBounded } from '../../shared/json-limits.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { parseCommand } from '../../shared/schemas.ts';
import type { HostHandle } from '../host/types.ts';
import type { PlanDoor } from '../intake/plan-door.ts';
import { MAX_BODY, readBody, sendJson } from './http-body.ts';
import { handlePlans, PLANS_PATH } from './plans-api.ts';

export { MAX_BODY, sendJson } from './http-body.ts';

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
  door: PlanDoor,
): Promise<void> {
  if (url.pathname === PLANS_PATH) return handlePlans(door, req, res, headers);
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
