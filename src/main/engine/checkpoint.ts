// The engine's checkpoint: each part's live state (history is rebuilt from the journal's records). Every
// part writes and reads its own fields with its own schema and version; the checkpoint carries a version
// and the version of each part. It is read whole and checked before anything of it is applied: a
// malformed part, or one written by a newer Braid, is refused with the part and the field named, never
// half loaded. Version 1 (the same fields, before parts had versions) is still read, so journals written
// by earlier versions resume.
import { z } from 'zod';
import { clockStateSchema } from './clock.ts';
import { orderRouterStateSchema } from './orders/order-router.ts';
import type { EngineParts } from './parts.ts';
import { planBookStateSchema } from './plans/plan-book.ts';
import { portfolioStateSchema } from './portfolio/portfolio.ts';
import { tradeTallySchema } from './portfolio/trade-tally.ts';
import { riskGateStateSchema } from './risk/risk-gate.ts';
import { epochMs } from './state-schema.ts';
import { FieldError, parseWith } from './validation.ts';
import { PaperVenue, paperVenueStateSchema } from './venues/paper/paper-venue.ts';

/** Something the operator should read later: a script command that did not apply, a duplicate plan. */
export interface EngineNote {
  time: number;
  code: string;
  message: string;
}

export const CHECKPOINT_VERSION = 2;

const engineStateSchema = z.strictObject({
  notes: z.array(z.strictObject({ time: epochMs, code: z.string(), message: z.string() })),
  symbols: z.array(z.string()),
});
/** The paper venue's state travels under one field; its own schema is checked when the engine's paper
 *  venue is Braid's (a test's stand-in keeps its own). */
const venueStateSchema = z.strictObject({ venue: z.unknown() });
/** A hosted engine's history (store.ts): the sums of every closed trade and the plans it holds, which
 *  its start reads back by id instead of reading the whole event log. Absent: a replay's checkpoint, or
 *  one written before; the start reads every record then. */
const historyStateSchema = z.strictObject({
  tradeTally: tradeTallySchema,
  heldPlans: z.array(z.string()),
});

/** Every part: its schema (whose keys are the fields it owns), the newest version this Braid writes, and
 *  the older versions it still reads (each a subset of the current schema: new fields are optional). */
const PARTS = {
  clock: { version: 1, schema: clockStateSchema },
  // 2: a plan's engine-held take-profit (releasingStop, awaitFills). Written as 1 while no plan has one, so
  // a journal that never held an exit (every paper one) still opens in the Braid before.
  plans: { version: 2, reads: [1], schema: planBookStateSchema },
  risk: { version: 1, schema: riskGateStateSchema },
  portfolio: { version: 1, schema: portfolioStateSchema },
  orders: { version: 1, schema: orderRouterStateSchema },
  venue: { version: 1, schema: venueStateSchema },
  engine: { version: 1, schema: engineStateSchema },
  history: { version: 1, schema: historyStateSchema, optional: true },
} as const;
type PartName = keyof typeof PARTS;
type Parsed = { [K in Exclude<PartName, 'history'>]: z.output<(typeof PARTS)[K]['schema']> } & {
  history?: z.output<typeof historyStateSchema>;
};
const isOptional = (name: PartName): boolean => 'optional' in PARTS[name];

/** A checkpoint as written: the version, each part's version, and the parts' fields. */
export type Checkpoint = { version: number; parts: Record<PartName, number> } & Record<string, unknown>;
/** A version 1 checkpoint: the parts' fields alone (`bookedTrades` came later: absent there). */
export type LiveState = Record<string, unknown>;

/** A checkpoint that cannot be loaded. `field` and `problem` say what is wrong; `part` names the part;
 *  `newer`: it was written by a newer Braid. */
export class CheckpointRefused extends Error {
  readonly part: string | null;
  readonly field: string;
  readonly problem: string;
  readonly newer: boolean;
  constructor(part: string | null, field: string, problem: string, newer = false) {
    const what = `checkpoint${part === null ? '' : ` part ${part}`}`;
    super(
      newer
        ? `${what} was written by a newer Braid (${problem})`
        : `${what}: ${field === '' ? problem : `${field}: ${problem}`}`,
    );
    this.name = 'CheckpointRefused';
    this.part = part;
    this.field = field;
    this.problem = problem;
    this.newer = newer;
  }
}

export function writeCheckpoint(p: EngineParts, notes: readonly EngineNote[]): Checkpoint {
  const plans = p.plans.state();
  const parts: Record<string, number> = Object.fromEntries(
    Object.entries(PARTS)
      .filter(([name]) => !isOptional(name as PartName))
      .map(([name, part]) => [name, part.version]),
  );
  if (p.store.paging) parts.history = PARTS.history.version;
  if (!Object.values(plans.exec).some((ex) => ex.releasingStop !== undefined || ex.awaitFills !== undefined))
    parts.plans = 1;
  return {
    version: CHECKPOINT_VERSION,
    parts: parts as Record<PartName, number>,
    ...p.clock.state(),
    ...plans,
    ...p.gate.state(),
    ...p.portfolio.state(),
    ...p.router.state(),
    venue: p.router.paper.state(),
    notes: notes.map((n) => ({ ...n })),
    symbols: [...p.symbols],
    ...(p.store.paging ? { tradeTally: p.store.tally.state(), heldPlans: p.store.heldPlanIds() } : {}),
  };
}

/** Checks a checkpoint whole and returns its parts, each read with its schema (throws CheckpointRefused). */
export function checkCheckpoint(raw: unknown): Parsed {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new CheckpointRefused(null, '', 'not an object');
  const o = raw as Record<string, unknown>;
  const versions = partVersions(o);
  const claimed = new Set(['version', 'parts']);
  const parsed = {} as Record<PartName, unknown>;
  for (const name of Object.keys(PARTS) as PartName[]) {
    const part: { schema: z.ZodObject; version: number; reads?: readonly number[] } = PARTS[name];
    const { schema, version } = part;
    const v = versions[name];
    if (v === undefined && isOptional(name)) continue;
    if (v !== version && !(typeof v === 'number' && part.reads?.includes(v))) {
      const newer = typeof v === 'number' && v > version;
      throw new CheckpointRefused(
        name,
        '',
        newer ? `version ${v}; this Braid reads ${version}` : `unknown version ${JSON.stringify(v)}`,
        newer,
      );
    }
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(schema.shape)) {
      claimed.add(key);
      if (key in o) fields[key] = o[key];
    }
    // A version 1 checkpoint predates live venues: no trade ids were booked.
    if (name === 'orders' && !('version' in o) && !('bookedTrades' in o)) fields.bookedTrades = {};
    parsed[name] = parsePart(name, schema, fields);
  }
  for (const key of Object.keys(o))
    if (!claimed.has(key)) throw new CheckpointRefused(null, key, 'not a field of any part');
  return parsed as Parsed;
}

/** Each part's version: a version 1 checkpoint has every part at version 1. */
function partVersions(o: Record<string, unknown>): Record<string, unknown> {
  if (!('version' in o))
    return Object.fromEntries(
      (Object.keys(PARTS) as PartName[]).filter((n) => !isOptional(n)).map((name) => [name, 1]),
    );
  if (typeof o.version === 'number' && o.version > CHECKPOINT_VERSION)
    throw new CheckpointRefused(
      null,
      '',
      `version ${o.version}; this Braid reads up to ${CHECKPOINT_VERSION}`,
      true,
    );
  if (o.version !== CHECKPOINT_VERSION)
    throw new CheckpointRefused(null, 'version', `unknown version ${JSON.stringify(o.version)}`);
  const parts = o.parts;
  if (typeof parts !== 'object' || parts === null || Array.isArray(parts))
    throw new CheckpointRefused(null, 'parts', 'expected the version of each part');
  return parts as Record<string, unknown>;
}

function parsePart<S extends z.ZodType>(part: string, schema: S, state: unknown): z.output<S> {
  try {
    return parseWith(schema, state);
  } catch (e) {
    if (e instanceof FieldError) {
      const problem = e.field === '' ? e.message : e.message.slice(e.field.length + 2);
      throw new CheckpointRefused(part, e.field, problem);
    }
    throw e;
  }
}

/** Reads and checks a checkpoint whole (throws CheckpointRefused); `restore` then applies it to the
 *  parts, after the store's history, and returns the operator's notes. */
export function readCheckpoint(
  raw: unknown,
  p: EngineParts,
): { history: Parsed['history']; restore(): EngineNote[] } {
  const s = checkCheckpoint(raw);
  if (p.router.paper instanceof PaperVenue) parsePart('venue', paperVenueStateSchema, s.venue.venue);
  return {
    history: s.history,
    restore() {
      p.clock.restore(s.clock);
      p.gate.restore(s.risk);
      p.portfolio.restore(s.portfolio, p.store.tally.net);
      p.router.restore(s.orders);
      p.router.paper.restore(s.venue.venue);
      p.symbols.clear();
      for (const symbol of s.engine.symbols) p.symbols.add(symbol);
      p.plans.restore(s.plans);
      return s.engine.notes.map((n) => ({ ...n }));
    },
  };
}
