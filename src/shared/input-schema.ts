// One schema source for what Braid reads from outside: the trading plan (upstream and typed in the ticket),
// the replay's script lines and the engine configuration, and the field types the API's commands share.
// Strict objects everywhere: an unknown key is an error, never silently dropped. Each leaf reads its value
// with a plain-words problem ("expected a decimal number", "is longer than 32 characters"), and every
// string has a bounded length, so a 50 MB id is refused before anything else looks at it.
import { z } from 'zod';
import { type DecStr, readDecimal } from './domain/decimal.ts';
import { readTime } from './domain/time.ts';

/** Longest accepted text of each kind, in characters. */
export const TEXT_LIMITS = {
  planId: 200,
  symbol: 32,
  venue: 64,
  timeframe: 32,
  reason: 500,
  currency: 16,
  timezone: 64,
} as const;

/** A value quoted for a message: JSON-escaped (controls and line separators too) and cut to `max` characters. */
export function quoted(v: string, max = 40): string {
  const cut = v.length > max ? `${v.slice(0, max)}…` : v;
  return JSON.stringify(cut).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

type Read<T> = (v: unknown) => { ok: true; value: T } | { ok: false; problem: string };

/** What a value is, for "expected a string, got a number". */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'object':
      return 'an object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    default:
      return typeof v;
  }
}

/**
 * A leaf that must be present (null counts as absent). Read as unknown, so that a value of the wrong type
 * gets the leaf's own plain message; typed as `In` for callers (what the API's clients send).
 */
function required<T, In>(read: Read<T>): z.ZodType<T, In> {
  return z.unknown().transform((v, ctx): T => {
    const r: ReturnType<Read<T>> =
      v === undefined || v === null ? { ok: false, problem: 'is required' } : read(v);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.problem });
    return z.NEVER;
  }) as unknown as z.ZodType<T, In>;
}

/** A leaf that may be absent or null (upstream producers write null for "none"); both read as absent. */
function optional<T, In>(read: Read<T>) {
  return (
    z.unknown().transform((v, ctx): T | undefined => {
      if (v === undefined || v === null) return undefined;
      const r = read(v);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: r.problem });
      return z.NEVER;
    }) as unknown as z.ZodType<T | undefined, In | null | undefined>
  ).optional();
}

// ------------------------------------------------------------------------------------------- leaves

/**
 * C0 and C1 controls (NUL included), DEL and the Unicode line and paragraph separators: a single line of
 * text never holds them, and a log or a CSV export would split on them.
 */
export function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}
const SYMBOL_CHARS = /^[A-Za-z0-9./:_-]+$/;

export function readText(max: number): Read<string> {
  return (v) => {
    if (typeof v !== 'string') return { ok: false, problem: `expected a string, got ${kindOf(v)}` };
    const s = v.length > 4 * max ? v : v.trim();
    if (s === '') return { ok: false, problem: 'is empty' };
    if (s.length > max) return { ok: false, problem: `is longer than ${max} characters` };
    if (hasControl(s)) return { ok: false, problem: 'has a control character' };
    return { ok: true, value: s };
  };
}

export const readSymbol: Read<string> = (v) => {
  const r = readText(TEXT_LIMITS.symbol)(v);
  if (r.ok && !SYMBOL_CHARS.test(r.value))
    return { ok: false, problem: 'may hold only letters, digits and . / : _ -' };
  return r;
};

const readDecimalField: Read<DecStr> = (v) => readDecimal(v);

const readPositive: Read<DecStr> = (v) => {
  const r = readDecimal(v);
  return r.ok && Number(r.value) <= 0 ? { ok: false, problem: 'must be greater than 0' } : r;
};

/** What callers send for a decimal or a time (JSON has no decimal type: a string keeps it exact). */
type DecimalIn = string | number;
type TimeIn = string | number;

/** Decimals as the API gets them (a string or a number); canonical strings after parsing. */
export const decimalSchema = required<DecStr, DecimalIn>(readDecimalField);
export const positiveDecimalSchema = required<DecStr, DecimalIn>(readPositive);
export const timeSchema = required<number, TimeIn>(readTime);
export const planIdSchema = required<string, string>(readText(TEXT_LIMITS.planId));
export const symbolSchema = required<string, string>(readSymbol);
export const reasonSchema = optional<string, string>(readText(TEXT_LIMITS.reason));

const readFraction: Read<number> = (v) => {
  if (typeof v !== 'number' || !Number.isFinite(v))
    return { ok: false, problem: `expected a number, got ${kindOf(v)}` };
  return v < 0 || v > 1 ? { ok: false, problem: 'must be between 0 and 1' } : { ok: true, value: v };
};

const readNumber: Read<number> = (v) =>
  typeof v === 'number' && Number.isFinite(v)
    ? { ok: true, value: v }
    : { ok: false, problem: `expected a number, got ${kindOf(v)}` };

function oneOf<const T extends string>(values: readonly T[]): Read<T> {
  return (v) =>
    typeof v === 'string' && (values as readonly string[]).includes(v)
      ? { ok: true, value: v as T }
      : {
          ok: false,
          problem: `must be one of ${values.join(', ')}${typeof v === 'string' ? `; got ${quoted(v)}` : ''}`,
        };
}

const readBoolean: Read<boolean> = (v) =>
  typeof v === 'boolean' ? { ok: true, value: v } : { ok: false, problem: 'must be true or false' };

const pick = <const T extends string>(values: readonly T[]) => required<T, T>(oneOf(values));

// -------------------------------------------------------------------------------------------- plans

type EntryType = 'market' | 'limit' | 'stop';

/** The entry: a market order takes no price, a limit or stop order needs one. */
function entrySchema(amount: Read<DecStr>) {
  return z
    .strictObject({
      type: pick<EntryType>(['market', 'limit', 'stop']),
      price: optional<DecStr, DecimalIn>(amount),
    })
    .superRefine((entry, ctx) => {
      if (entry.type === 'market' && entry.price !== undefined)
        ctx.addIssue({ code: 'custom', path: ['price'], message: 'a market entry takes no price' });
      else if (entry.type !== 'market' && entry.price === undefined)
        ctx.addIssue({ code: 'custom', path: ['price'], message: 'a limit or stop entry needs a price' });
    });
}

/**
 * The fields of a trading plan (replay.md "Plan"). `amount` reads quantities and prices, `trail` the
 * trail fraction: an upstream plan takes any decimal there (a negative quantity parses, and the engine
 * rejects the plan with a reason code), a ticket typed in the UI only sensible ones (refused at the edge).
 */
function planFields(amount: Read<DecStr>, trail: Read<DecStr>) {
  const amountField = optional<DecStr, DecimalIn>(amount);
  return {
    id: planIdSchema,
    symbol: symbolSchema,
    side: pick(['buy', 'sell']),
    entry: entrySchema(amount),
    condition: z
      .strictObject({
        kind: pick(['price_above', 'price_below']),
        price: required<DecStr, DecimalIn>(amount),
      })
      .nullish()
      .transform((c) => c ?? undefined),
    stopLoss: amountField,
    takeProfit: amountField,
    trailPct: optional<DecStr, DecimalIn>(trail),
    quantity: amountField,
    confidence: optional<number, number>(readFraction),
    expected: z
      .strictObject({
        returnPct: optional<number, number>(readNumber),
        holdMinutes: optional<number, number>(readNumber),
      })
      .nullish()
      .transform((x) => x ?? undefined),
    expiresAt: optional<number, TimeIn>(readTime),
    venue: optional<string, string>(readText(TEXT_LIMITS.venue)),
    timeframe: optional<string, string>(readText(TEXT_LIMITS.timeframe)),
    timeInForce: optional<'DAY' | 'GTC', 'DAY' | 'GTC'>(oneOf(['DAY', 'GTC'])),
    outsideRth: optional<boolean, boolean>(readBoolean),
  };
}

/** A plan as it arrives from upstream (a replay script line, the demo's strategy). No entry is market. */
export const upstreamPlanSchema = z.strictObject({
  ...planFields(readDecimalField, readDecimalField),
  entry: entrySchema(readDecimalField)
    .nullish()
    .transform((e) => e ?? { type: 'market' as const }),
});

const readTrailFraction: Read<DecStr> = (v) => {
  const r = readPositive(v);
  return r.ok && Number(r.value) >= 1 ? { ok: false, problem: 'trailPct must be below 1 (0.02 = 2%)' } : r;
};

/**
 * A plan typed by the operator: the same plan without `id` (the host assigns `manual-<n>`) and without
 * the upstream-only fields (condition, confidence, expected, expiry, timeframe); quantities and
 * prices above 0, a trail below 1.
 */
export const manualPlanSchema = z.strictObject(planFields(readPositive, readTrailFraction)).pick({
  symbol: true,
  side: true,
  entry: true,
  quantity: true,
  stopLoss: true,
  takeProfit: true,
  trailPct: true,
  timeInForce: true,
  outsideRth: true,
  // The ticket's venue selector (venues.md: `submitPlan`'s plan takes `venue`).
  venue: true,
});

export type UpstreamPlan = z.output<typeof upstreamPlanSchema>;
export type ManualPlan = z.output<typeof manualPlanSchema>;

// ------------------------------------------------------------------------------------- script lines

export const SCRIPT_EVENT_TYPES = [
  'plan',
  'approve',
  'reject',
  'cancel',
  'close',
  'kill',
  'resume',
  'reduce',
  'lesson',
] as const;
export type ScriptEventType = (typeof SCRIPT_EVENT_TYPES)[number];

/** One line of a replay script, by its `type` (replay.md "Inputs"). */
export const scriptLineSchemas = {
  plan: z.strictObject({ at: timeSchema, type: z.literal('plan'), plan: upstreamPlanSchema }),
  approve: z.strictObject({ at: timeSchema, type: z.literal('approve'), planId: planIdSchema }),
  reject: z.strictObject({
    at: timeSchema,
    type: z.literal('reject'),
    planId: planIdSchema,
    reason: reasonSchema,
  }),
  cancel: z.strictObject({ at: timeSchema, type: z.literal('cancel'), planId: planIdSchema }),
  close: z.strictObject({ at: timeSchema, type: z.literal('close'), symbol: symbolSchema }),
  kill: z.strictObject({ at: timeSchema, type: z.literal('kill') }),
  resume: z.strictObject({ at: timeSchema, type: z.literal('resume') }),
  reduce: z.strictObject({ at: timeSchema, type: z.literal('reduce') }),
  // learning.md: the trader's switch on a lesson, in replay.
  lesson: z.strictObject({
    at: timeSchema,
    type: z.literal('lesson'),
    lessonId: required<string, string>(readText(TEXT_LIMITS.planId)),
    state: required<'active' | 'dismissed' | 'proposed', string>(
      oneOf(['active', 'dismissed', 'proposed'] as const),
    ),
  }),
} as const satisfies Record<ScriptEventType, z.ZodType>;

// ------------------------------------------------------------------------------------------- config

function atLeast(min: number, exclusive = false, max?: number): Read<DecStr> {
  return (v) => {
    const r = readDecimal(v);
    if (!r.ok) return r;
    const n = Number(r.value);
    if (exclusive ? n <= min : n < min)
      return { ok: false, problem: `must be ${exclusive ? 'above' : 'at least'} ${min}` };
    if (max !== undefined && n > max) return { ok: false, problem: `must be at most ${max}` };
    return r;
  };
}

/** A positive decimal or null ("none"): absent and null both read as null. */
function noneOrPositive(max?: number) {
  const read = atLeast(0, true, max);
  return z
    .unknown()
    .transform((v, ctx): DecStr | null => {
      if (v === undefined || v === null) return null;
      const r = read(v);
      if (r.ok) return r.value;
      ctx.addIssue({
        code: 'custom',
        message: r.problem === 'must be above 0' ? 'must be positive (or null for none)' : r.problem,
      });
      return z.NEVER;
    })
    .optional();
}

function wholeNumber(min: number, max = 1_000_000): Read<number> {
  return (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? { ok: true, value: v }
      : { ok: false, problem: `must be a whole number from ${min} to ${max}` };
}

/** An http(s) or ws(s) address (a venue's REST base or WebSocket). */
const readUrl: Read<string> = (v) => {
  const r = readText(2048)(v);
  if (!r.ok) return r;
  let url: URL;
  try {
    url = new URL(r.value);
  } catch {
    return { ok: false, problem: `is not an address: ${quoted(r.value, 64)}` };
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol))
    return { ok: false, problem: `must be an http(s) or ws(s) address, got ${quoted(url.protocol)}` };
  return { ok: true, value: r.value.replace(/\/+$/, '') };
};

const readTimeZone: Read<string> = (v) => {
  const r = readText(TEXT_LIMITS.timezone)(v);
  if (!r.ok) return r;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: r.value });
    return r;
  } catch {
    return { ok: false, problem: `unknown time zone ${quoted(r.value)}` };
  }
};

/** Absent or null reads as empty (every field of a config section has a default). */
const orEmpty = <T extends object>(x: T | null | undefined): T => x ?? ({} as T);

/** A config section: strict, every field optional. */
const section = <S extends z.core.$ZodLooseShape>(shape: S) =>
  z.strictObject(shape).nullish().transform(orEmpty);

const paperFill = {
  slipBps: optional(atLeast(0)),
  takerFeeBps: optional(atLeast(0)),
  makerFeeBps: optional(atLeast(0)),
  maxVolumeShare: noneOrPositive(1),
};

const paperVenue = section(paperFill);

/** `venues.X` with `"kind": "paper"`: another simulated venue with its own fill model (learning.md). */
const otherPaperVenue = z.strictObject({ kind: z.literal('paper'), ...paperFill });

/** The venues a config may name as a live venue's fallback. */
const VENUE_NAMES = ['paper', 'kraken', 'hyperliquid', 'ib'] as const;
type LiveName = Exclude<(typeof VENUE_NAMES)[number], 'paper'>;
const LIVE_NAMES = ['kraken', 'hyperliquid', 'ib'] as const satisfies readonly LiveName[];

/** A venue's name as a config writes it: letters, digits, `-`, `_`, `.`. */
const readVenueName: Read<string> = (v) => {
  const r = readText(TEXT_LIMITS.venue)(v);
  if (!r.ok) return r;
  return /^[A-Za-z0-9][\w.-]*$/.test(r.value)
    ? r
    : { ok: false, problem: `is not a venue name: ${quoted(r.value)} (letters, digits, - _ .)` };
};

/** A live venue's config block: its key enables it, every field optional (venues.md "Config"). */
const liveVenue = <S extends z.core.$ZodLooseShape>(shape: S) =>
  z
    .strictObject({ ...shape, fallback: optional(oneOf(VENUE_NAMES)) })
    .nullish()
    .transform((v) => v ?? undefined);

/** `venues.kraken`. */
const krakenVenue = liveVenue({
  url: optional(readUrl),
  wsUrl: optional(readUrl),
  deadManSeconds: optional(wholeNumber(0, 86_400)),
  pollMs: optional(wholeNumber(100, 60_000)),
});

/** 0 (off) or at least 5 seconds: scheduleCancel needs a time at least 5 s ahead. */
const readHyperliquidDeadMan: Read<number> = (v) => {
  const r = wholeNumber(0, 86_400)(v);
  return r.ok && r.value > 0 && r.value < 5
    ? { ok: false, problem: 'must be 0 (off) or at least 5 (the venue needs 5 s ahead)' }
    : r;
};

/** `venues.hyperliquid`. */
const hyperliquidVenue = liveVenue({
  url: optional(readUrl),
  wsUrl: optional(readUrl),
  testnet: optional(readBoolean),
  pollMs: optional(wholeNumber(100, 60_000)),
  deadManSeconds: optional(readHyperliquidDeadMan),
  marketSlippage: optional(atLeast(0, true, 0.1)),
});

/** `venues.ib`: IB Gateway or TWS (venues.md "Config"). */
const ibVenue = liveVenue({
  host: optional(readText(253)),
  port: optional(wholeNumber(1, 65_535)),
  clientId: optional(wholeNumber(0, 2_147_483_647)),
  account: optional(readText(TEXT_LIMITS.venue)),
});

/** `instruments[S].venueSymbols`: the instrument's name at a venue that trades it under another. */
const venueSymbols = z
  .strictObject({
    kraken: optional(readSymbol),
    hyperliquid: optional(readSymbol),
    ib: optional(readSymbol),
  })
  .nullish()
  .transform((v) => v ?? undefined);

/** A venue's fallback is paper or another live venue the config enables. */
function checkFallbacks(
  venues: Partial<Record<LiveName, { fallback?: string | undefined } | undefined>>,
  ctx: z.core.$RefinementCtx,
): void {
  for (const name of LIVE_NAMES) {
    const fallback = venues[name]?.fallback;
    if (fallback === undefined || fallback === 'paper') continue;
    const problem =
      fallback === name
        ? 'may not be the venue itself'
        : venues[fallback as LiveName] === undefined
          ? `names ${fallback}, which the config does not enable (add venues.${fallback}, or use paper)`
          : null;
    if (problem) ctx.addIssue({ code: 'custom', path: [name, 'fallback'], message: problem });
  }
}

/** `venues.X` other than the known ones: a paper venue, which must say `"kind": "paper"`. */
function readOtherPaperVenue(v: unknown, ctx: z.core.$RefinementCtx<unknown>) {
  const isPaper = typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'paper';
  if (!isPaper) {
    ctx.addIssue({
      code: 'custom',
      message: 'unknown venue (a paper venue says "kind": "paper"; live venues: kraken, hyperliquid, ib)',
    });
    return z.NEVER;
  }
  const r = otherPaperVenue.safeParse(v, { error: plainErrors });
  if (r.success) return r.data;
  for (const issue of r.error.issues) ctx.addIssue(issue as never);
  return z.NEVER;
}

/** A fraction from `min` to `max`, read as a number (holdout and exploration shares). */
function fraction(min: number, max: number): Read<number> {
  return (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
      ? { ok: true, value: v }
      : { ok: false, problem: `must be a number from ${min} to ${max}` };
}

const APPROVAL_MODES = ['auto', 'manual'] as const;
const approvalObject = z.strictObject({
  mode: required<(typeof APPROVAL_MODES)[number], string>(oneOf(APPROVAL_MODES)),
  autoAboveScore: optional(fraction(0, 1)),
});

/** `approval`: "auto" | "manual", or {"mode": …, "autoAboveScore": 0.8} (the curators' score, 0 to 1). */
const approvalSchema = z
  .unknown()
  .transform((v, ctx): { mode: 'auto' | 'manual'; autoAboveScore?: number | undefined } | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object' && !Array.isArray(v)) {
      const r = approvalObject.safeParse(v, { error: plainErrors });
      if (r.success) return r.data;
      for (const issue of r.error.issues) ctx.addIssue(issue as never);
      return z.NEVER;
    }
    const r = oneOf(APPROVAL_MODES)(v);
    if (r.ok) return { mode: r.value };
    ctx.addIssue({ code: 'custom', message: r.problem });
    return z.NEVER;
  })
  .optional();

/** The desk's PostgreSQL address. */
const readDeskUrl: Read<string> = (v) => {
  const r = readText(2048)(v);
  if (!r.ok) return r;
  return /^postgres(ql)?:\/\/[^\s]+$/.test(r.value)
    ? r
    : { ok: false, problem: 'must be a postgres://USER@HOST:PORT/DB address' };
};

/** Names that point at venues (defaultVenue, routing.candidates) name venues the config enables. */
function checkVenueNames(
  c: {
    venues: Record<string, unknown>;
    defaultVenue?: string | undefined;
    routing?: { candidates: string[] } | undefined;
  },
  ctx: z.core.$RefinementCtx,
): void {
  // A live venue may be registered by the host (its adapter) without a config block; a paper venue exists
  // only by its block.
  const enabled = (name: string) =>
    (VENUE_NAMES as readonly string[]).includes(name) || c.venues[name] !== undefined;
  const problem = (name: string) =>
    `names ${name}, which the config does not enable (add venues.${name}${
      (VENUE_NAMES as readonly string[]).includes(name) ? '' : ' with "kind": "paper"'
    })`;
  if (c.defaultVenue !== undefined && !enabled(c.defaultVenue))
    ctx.addIssue({ code: 'custom', path: ['defaultVenue'], message: problem(c.defaultVenue) });
  const seen = new Set<string>();
  c.routing?.candidates.forEach((name, i) => {
    const message = !enabled(name) ? problem(name) : seen.has(name) ? 'is named twice' : null;
    seen.add(name);
    if (message) ctx.addIssue({ code: 'custom', path: ['routing', 'candidates', i], message });
  });
}

/** The engine configuration as written (replay.md "Config"); absent fields take DEFAULT_CONFIG's value. */
export const configSchema = z
  .strictObject({
    account: section({
      cash: optional(atLeast(0)),
      type: optional(oneOf(['margin', 'cash'] as const)),
      leverage: optional(atLeast(0, true)),
      currency: optional(readText(TEXT_LIMITS.currency)),
    }),
    approval: approvalSchema,
    risk: section({
      riskPct: optional(atLeast(0, true, 1)),
      maxPositionPct: optional(atLeast(0, true)),
      maxOpenPositions: optional(wholeNumber(0)),
      maxNotional: noneOrPositive(),
      dailyLossLimitPct: noneOrPositive(1),
      scaleDownOnInsufficientFunds: optional(readBoolean),
    }),
    pdt: section({
      enabled: optional(readBoolean),
      minEquity: optional(atLeast(0)),
      maxDayTrades: optional(wholeNumber(0)),
      timezone: optional(readTimeZone),
      method: optional(oneOf(['round_trips'] as const)),
    }),
    venues: z
      .strictObject({ paper: paperVenue, kraken: krakenVenue, hyperliquid: hyperliquidVenue, ib: ibVenue })
      // Any other key is a paper venue, which says so: a misspelt live venue still fails with its path.
      .catchall(z.unknown().transform(readOtherPaperVenue))
      .superRefine(checkFallbacks)
      .nullish()
      .transform(
        (v) =>
          v ?? {
            paper: paperVenue.parse(undefined),
            kraken: undefined,
            hyperliquid: undefined,
            ib: undefined,
          },
      ),
    defaultVenue: optional(readVenueName),
    learning: z
      .strictObject({
        enabled: optional(readBoolean),
        minEvidence: optional(wholeNumber(2)),
        holdoutPct: optional(fraction(0, 0.5)),
        explorePct: optional(fraction(0, 0.5)),
        autoActivate: optional(readBoolean),
        seed: optional(wholeNumber(0, 2 ** 31 - 1)),
        // A program that rewords a lesson's sentence (an LLM, say): argv, no shell; off when absent.
        sentenceHook: z
          .strictObject({
            command: z
              .array(required<string, string>(readText(4096)))
              .min(1)
              .max(64),
            timeoutMs: optional(wholeNumber(100, 300_000)),
          })
          .nullish()
          .transform((v) => v ?? undefined),
      })
      .superRefine((l, ctx) => {
        if ((l.holdoutPct ?? 0.15) + (l.explorePct ?? 0.05) > 0.5)
          ctx.addIssue({
            code: 'custom',
            path: ['explorePct'],
            message: 'holdoutPct + explorePct must be at most 0.5',
          });
      })
      .nullish()
      .transform((v) => v ?? undefined),
    curators: z
      .strictObject({
        weights: z
          .strictObject({
            execution: optional(fraction(0, 1000)),
            venue: optional(fraction(0, 1000)),
            risk: optional(fraction(0, 1000)),
            position: optional(fraction(0, 1000)),
          })
          .refine((w) => Object.values(w).some((x) => x !== undefined && x > 0), {
            message: 'needs at least one weight above 0',
          }),
        bounds: z
          .strictObject({
            minFactor: required<number, number>(fraction(0, 1)),
            maxFactor: required<number, number>(fraction(1, 1000)),
          })
          .nullish()
          .transform((v) => v ?? undefined),
      })
      .nullish()
      .transform((v) => v ?? undefined),
    routing: z
      .strictObject({ candidates: z.array(required<string, string>(readVenueName)).min(1).max(16) })
      .nullish()
      .transform((v) => v ?? undefined),
    desk: z
      .strictObject({
        url: required<string, string>(readDeskUrl),
        name: optional(readText(TEXT_LIMITS.venue)),
        engine: required<string, string>(readText(TEXT_LIMITS.venue)),
        accepts: z
          .array(required<string, string>(readText(TEXT_LIMITS.symbol)))
          .max(1000)
          .nullish(),
      })
      .nullish()
      .transform((v) => v ?? undefined),
    instruments: z
      .record(
        z.string(),
        z.strictObject({
          lot: optional(atLeast(0, true)),
          tick: optional(atLeast(0, true)),
          venueSymbols,
        }),
      )
      .superRefine((specs, ctx) => {
        for (const symbol of Object.keys(specs)) {
          const r = readSymbol(symbol);
          if (!r.ok || r.value !== symbol)
            ctx.addIssue({
              code: 'custom',
              path: [symbol],
              message: `symbol ${r.ok ? 'has spaces around it' : r.problem}`,
            });
        }
      })
      .nullish()
      .transform(orEmpty),
  })
  .superRefine(checkVenueNames);

export type ConfigInput = z.output<typeof configSchema>;

// ------------------------------------------------------------------------------------------- errors

/** Plain words for zod's own checks (object shapes, literals); the leaves above word their own. */
export const plainErrors: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${issue.expected === 'object' ? 'an object' : issue.expected}, got ${kindOf(issue.input)}`;
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'unrecognized_keys':
      return `unknown key ${issue.keys
        .slice(0, 3)
        .map((k) => quoted(String(k), 64))
        .join(', ')}`;
    default:
      return undefined;
  }
};

export interface Problem {
  /** Where, as the path from the root (keys and list positions). */
  path: PropertyKey[];
  /** The dotted path, or '' at the root: "plan.entry.price". */
  field: string;
  /** "plan.entry.price: expected a decimal number", or "unknown key risk.dailyLossLimtPct". */
  text: string;
}

/** "plan.entry.price"; a key that is empty or holds a dot, a space or a control is quoted. */
const dotted = (path: readonly PropertyKey[]) =>
  path.map((p) => (/^[\w$/:-]{1,64}$/.test(String(p)) ? String(p) : quoted(String(p), 64))).join('.');

/** Each problem of a failed parse in plain words, its field first. */
export function problemsOf(error: z.ZodError, prefix: readonly PropertyKey[] = []): Problem[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const keyPath = [...path, issue.keys[0] ?? ''];
      // A few named, the rest counted: ten thousand stray keys still make one short line.
      const keys = issue.keys.slice(0, 3).map((k) => dotted([...path, k]));
      const more = issue.keys.length > 3 ? ` and ${issue.keys.length - 3} more` : '';
      return {
        path: keyPath,
        field: dotted(keyPath),
        text: `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys.join(', ')}${more}`,
      };
    }
    const field = dotted(path);
    return { path, field, text: field === '' ? issue.message : `${field}: ${issue.message}` };
  });
}

/** One readable line for all problems, e.g. `plan.entry.price: a limit or stop entry needs a price`. */
export function describeProblems(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  return problemsOf(error, prefix)
    .map((p) => p.text)
    .join('; ');
}
