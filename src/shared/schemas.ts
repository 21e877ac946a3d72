// Runtime schemas for every command of the contract (src/shared/contract.ts).
// The engine host parses each command's args here before anything else: invalid input gets a clear
// error and changes nothing. Strict objects: an unknown key is an error, not silently dropped.
import { z } from 'zod';
import {
  describeProblems,
  manualPlanSchema,
  plainErrors,
  planIdSchema,
  positiveDecimalSchema,
  reasonSchema,
  symbolSchema,
} from './input-schema.ts';
import { err, ok, type Result } from './result.ts';

// The plan, ids, symbols and decimals come from the one schema source the replay and the config share.
export type { ManualPlan } from './input-schema.ts';
export { manualPlanSchema, planIdSchema, symbolSchema } from './input-schema.ts';

/** A decimal above 0, given as a string or a number; a canonical string after parsing. */
const positiveDecimal = positiveDecimalSchema;

export const pinSchema = z.string().regex(/^\d{4,12}$/, 'PIN must be 4 to 12 digits');

const empty = z.strictObject({});

/** A client order id as the engine makes them (`PLAN:E1`): printable, no spaces. */
const orderIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(160)
  .regex(/^[\x21-\x7e]+$/, 'an order id has no spaces or control characters');
const venueNameSchema = z.enum(['paper', 'kraken']);

/** The trade history's filter (queryHistory, tradeHistory): each field absent means "any". */
const tradeFilterShape = {
  symbol: symbolSchema.optional(),
  side: z.enum(['long', 'short']).optional(),
  outcome: z.enum(['win', 'loss']).optional(),
  reason: z.enum(['stop_loss', 'take_profit', 'trailing_stop', 'close', 'kill_switch']).optional(),
};

/** The columns the engine sorts the trade history by (the others sort within what they show). */
export const TRADE_SORT_KEYS = [
  'closed',
  'symbol',
  'side',
  'reason',
  'qty',
  'entry',
  'exit',
  'pnl',
  'pnlPct',
  'fees',
] as const;
export type TradeSortKey = (typeof TRADE_SORT_KEYS)[number];
/** A page of the trade history is at most this many trades; the default page is TRADE_PAGE_DEFAULT. */
export const TRADE_PAGE_MAX = 500;
export const TRADE_PAGE_DEFAULT = 100;

export const commandSchemas = {
  approve: z.strictObject({ planId: planIdSchema }),
  reject: z.strictObject({ planId: planIdSchema, reason: reasonSchema }),
  cancelPlan: z.strictObject({ planId: planIdSchema }),
  /** Cancels one working order (an entry, a single bracket leg, an exit). */
  cancelOrder: z.strictObject({ orderId: orderIdSchema }),
  /** Changes a working order's limit/stop price and/or total quantity. */
  modifyOrder: z
    .strictObject({
      orderId: orderIdSchema,
      price: positiveDecimal.optional(),
      quantity: positiveDecimal.optional(),
    })
    .refine((a) => a.price !== undefined || a.quantity !== undefined, {
      message: 'give a new price, a new quantity or both',
    }),
  testVenue: z.strictObject({ venue: venueNameSchema }),
  /** Write-only: the values never come back (venues.md "Credentials"). */
  setVenueCredentials: z.strictObject({
    venue: venueNameSchema,
    apiKey: z.string().trim().min(1).max(512),
    apiSecret: z.string().trim().min(1).max(512),
  }),
  closePosition: z.strictObject({ symbol: symbolSchema, quantity: positiveDecimal.optional() }),
  kill: empty,
  resume: empty,
  setTradingState: z.strictObject({ state: z.enum(['ACTIVE', 'REDUCING']) }),
  /** `review: true` sends a typed plan to the approval queue ("confirm my own tickets"). */
  submitPlan: z.strictObject({ plan: manualPlanSchema, review: z.boolean().optional() }),
  previewPlan: z.strictObject({ plan: manualPlanSchema }),
  /** Upstream plans (HTTP, the inbox, the desk): raw, each read by the engine with the one plan schema, so
   *  one bad plan is answered rejected with its reason and the others go on. */
  submitPlans: z.strictObject({ plans: z.array(z.unknown()).min(1).max(1000) }),
  queryHistory: z.strictObject(tradeFilterShape),
  /** One page of the closed trades a filter keeps, sorted by the engine (newest first unless told). */
  tradeHistory: z.strictObject({
    ...tradeFilterShape,
    sort: z.strictObject({ key: z.enum(TRADE_SORT_KEYS), dir: z.enum(['asc', 'desc']) }).optional(),
    offset: z.number().int().min(0).max(1_000_000_000).optional(),
    limit: z.number().int().min(1).max(TRADE_PAGE_MAX).optional(),
  }),
  setPin: z.strictObject({ pin: pinSchema, currentPin: z.string().max(64).optional() }),
  armLive: z.strictObject({ pin: z.string().max(64) }),
  disarmLive: empty,
  exportHistory: z.strictObject({ format: z.enum(['csv', 'json']) }),
  setLessonState: z.strictObject({
    lessonId: z.string().trim().min(1).max(200),
    state: z.enum(['proposed', 'active', 'dismissed']),
  }),
  getSnapshot: empty,
} as const;

export type CommandSchemas = typeof commandSchemas;
export type CommandName = keyof CommandSchemas;
/** What a caller sends (decimals may be numbers). */
export type CommandArgs<N extends CommandName> = z.input<CommandSchemas[N]>;
/** What the host works with after parsing (decimals are strings). */
export type ParsedArgs<N extends CommandName> = z.output<CommandSchemas[N]>;

export const COMMAND_NAMES = Object.keys(commandSchemas) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commandSchemas, name);
}

/** One readable line for all problems, e.g. `plan.entry.price: a limit or stop entry needs a price`. */
export function describeIssues(error: z.ZodError): string {
  return describeProblems(error);
}

export type ParsedCommand = { [N in CommandName]: { name: N; args: ParsedArgs<N> } }[CommandName];

/** Name and args from the outside world, checked. Never throws. */
export function parseCommand(name: unknown, args: unknown): Result<ParsedCommand> {
  if (!isCommandName(name)) return err('unknown_command', `unknown command: ${String(name).slice(0, 64)}`);
  const parsed = commandSchemas[name].safeParse(args ?? {}, { error: plainErrors });
  // The field and what is wrong with it, in plain words; the caller knows which command it sent (and a
  // UI that names the command adds it once: "submitPlan: submitPlan: ..." was the doubled form).
  if (!parsed.success) return err('invalid_input', describeIssues(parsed.error));
  return ok({ name, args: parsed.data } as ParsedCommand);
}

/** A WebSocket message from a client. */
export const clientMessageSchema = z.strictObject({
  kind: z.literal('invoke'),
  id: z.union([z.number().int(), z.string().max(100)]),
  name: z.string().max(100),
  args: z.unknown().optional(),
});
export type ClientMessage = z.output<typeof clientMessageSchema>;
