// The desk beside a running engine host (boot.ts): plans go in through the host's submitPlans command
// (the door every upstream plan uses), or straight to the engine while the host does not have it yet;
// reports come from the host's pushed events; the desk's part of the journal sits in the engine's file.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeskConfig } from '../../shared/domain/config.ts';
import type { EngineEvent } from '../../shared/domain/engine-view.ts';
import type { EnginePort } from '../engine/port.ts';
import type { HostHandle } from '../host/types.ts';
import { submitUpstreamPlans } from '../intake/upstream-plans.ts';
import { createDesk, type Desk, type DeskOutcome } from './desk.ts';
import { openLocalBook } from './local-book.ts';
import { fillReport, orderReport, planReport, type Report, strandReport } from './reports.ts';

const LEASE_VAR = 'BRAID_DESK_LEASE_MS';
const QUERY_TIMEOUT_VAR = 'BRAID_DESK_QUERY_TIMEOUT_MS';
const PASSWORD_VAR = 'BRAID_DESK_PASSWORD';

export interface EngineDeskOptions {
  config: DeskConfig;
  host: HostHandle;
  engine: EnginePort;
  journalPath?: string;
  env: Record<string, string | undefined>;
  now: () => number;
  log: (line: string) => void;
}

export function startEngineDesk(options: EngineDeskOptions): Desk {
  const { config, host, engine, env, log } = options;
  const bookPath = options.journalPath ?? join(tmpdir(), `braid-desk-${config.engine}-${process.pid}.sqlite`);
  const book = openLocalBook(bookPath);
  const lease = msFromEnv(env, LEASE_VAR, 10_000, log);
  const queryTimeout = msFromEnv(env, QUERY_TIMEOUT_VAR, 15_000, log);
  let hostDoor = true;
  let closing = false;
  const submit = async (plans: readonly unknown[]): Promise<DeskOutcome[] | null> => {
    if (closing) return null;
    if (hostDoor) {
      const answered = await host.invoke('submitPlans', { plans });
      if (answered.ok && Array.isArray(answered.value)) return answered.value as DeskOutcome[];
      if (answered.ok || answered.error.code !== 'unknown_command') {
        if (!answered.ok && answered.error.code === 'closed') return null;
        log(`braid desk: submitPlans answered ${JSON.stringify(answered).slice(0, 200)}`);
        return null;
      }
      hostDoor = false;
    }
    // This host has no submitPlans yet: the engine's own door (it is synchronous, so one batch never
    // interleaves with a host command's engine call).
    return submitUpstreamPlans(engine, plans, options.now()) as DeskOutcome[];
  };
  const onEvents = (listener: (events: readonly EngineEvent[]) => void) =>
    host.subscribe((message) => {
      if (message.kind === 'events') listener(message.events as EngineEvent[]);
    });
  const current = (): Report[] => {
    const held = new Set(book.holds().map((h) => h.planId));
    const s = engine.snapshot();
    return [
      ...s.plans.filter((p) => held.has(p.id)).map(planReport),
      ...s.orders.filter((o) => held.has(o.planId)).map(orderReport),
      ...s.fills.filter((f) => held.has(f.planId)).map(fillReport),
      ...book
        .strands()
        .filter((t) => held.has(t.planId))
        .map(strandReport),
    ];
  };
  const desk = createDesk({
    url: config.url,
    desk: config.name,
    engine: config.engine,
    accepts: config.accepts ?? null,
    ...(lease !== undefined ? { leaseMs: lease } : {}),
    ...(queryTimeout !== undefined ? { queryTimeoutMs: queryTimeout } : {}),
    book,
    submit,
    onEvents,
    current,
    now: options.now,
    ...(env[PASSWORD_VAR] ? { password: env[PASSWORD_VAR] } : {}),
    log,
  });
  desk.start();
  return {
    ...desk,
    async stop() {
      closing = true;
      await desk.stop();
      book.close();
    },
  };
}

/** A duration from the environment (ms, a whole number of at least 100); absent or wrong: the default,
 *  and a wrong one is said. */
function msFromEnv(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  log: (line: string) => void,
): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return undefined;
  const ms = Number(text);
  if (Number.isInteger(ms) && ms >= 100) return ms;
  log(`braid desk: ${name} must be a whole number of ms, at least 100; got "${text}": using ${fallback}`);
  return undefined;
}
