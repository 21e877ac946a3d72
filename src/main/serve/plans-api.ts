// POST /api/plans: upstream plans over HTTP (desk.md "Upstream plans"): a plan or an array of plans as the
// body (webhook-style alerts), the token checked by the server before this runs. Each plan goes through the
// plan door, the one every upstream door uses (the engine's own plan schema and checks, idempotent on the
// plan id), and is answered accepted, rejected with its reason, or duplicate. The body is bounded as every
// API body is (413), its JSON bounded in depth; JSON that does not parse is a 400 naming the line and
// column. Plans that are refused are still a 200: the request was understood, the answer is per plan.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { err, ok } from '../../shared/result.ts';
import type { PlanDoor } from '../intake/plan-door.ts';
import { plansOf, readJson } from '../intake/plan-json.ts';
import { batchAnswer } from '../intake/plan-outcome.ts';
import { MAX_BODY, readBody, sendJson } from './http-body.ts';

export const PLANS_PATH = '/api/plans';

export async function handlePlans(
  door: PlanDoor,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  if (req.method !== 'POST')
    return sendJson(res, 405, err('method', 'use POST'), { ...headers, Allow: 'POST' });
  const body = await readBody(req);
  if (body === null) return void res.destroy();
  if (!body.ok)
    return sendJson(res, body.status, err(body.code, body.message), { ...headers, Connection: 'close' });
  if (body.text.trim() === '')
    return sendJson(
      res,
      400,
      err('no_plans', 'the request body is empty: send a plan or an array of plans'),
      headers,
    );
  const json = readJson(body.text, 'the request body', MAX_BODY);
  if (!json.ok) return sendJson(res, 400, json, headers);
  const plans = plansOf(json.value, 'the request body');
  if (!plans.ok) return sendJson(res, 400, plans, headers);
  const outcomes = await door(plans.value);
  // The engine could not be asked (shutting down, no door): nothing was submitted, the sender may retry.
  if (!outcomes.ok) return sendJson(res, 503, outcomes, headers);
  return sendJson(res, 200, ok(batchAnswer(outcomes.value)), headers);
}
