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
  const leaseText = env[LEASE_VAR]?.trim();
  const lease = leaseText === undefined || leaseText === '' ? undefined : Number(leaseText);
  if (lease !== undefined && !(Number.isInteger(lease) && lease >= 100))
    log(
      `braid desk: ${LEASE_VAR} must be a whole number of ms, at least 100; got "${leaseText}": using 10000`,
    );
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
    ...(lease !== undefined && Number.isInteger(lease) && lease >= 100 ? { leaseMs: lease } : {}),
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
