// Runtime schemas for every command of the contract (src/shared/contract.ts).
// The engine host parses each command's args here before anything else: invalid input gets a clear
// error and changes nothing. Strict objects: an unknown key is an error, not silently dropped.
import { z } from 'zod';
import { err, ok, type Result } from './result.ts';

const DECIMAL_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A decimal given as a string or a finite number; always comes out as a string (no float drift later). */
const decimal = z
  .union([z.string().trim().regex(DECIMAL_TEXT, 'expected a decimal number'), z.number().finite()])
  .transform((v) => (typeof v === 'number' ? String(v) : v));

const positiveDecimal = decimal.refine((v) => Number(v) > 0, 'must be greater than 0');

export const planIdSchema = z.string().trim().min(1, 'planId is required').max(200);
export const symbolSchema = z
  .string()
  .trim()
  .min(1, 'symbol is required')
  .max(32)
  .regex(/^[A-Za-z0-9./:_-]+$/, 'symbol has invalid characters');
export const pinSchema = z.string().regex(/^\d{4,12}$/, 'PIN must be 4 to 12 digits');

/** A plan typed by the operator; the host gives it an id (`manual-<n>`). */
export const manualPlanSchema = z
  .strictObject({
    symbol: symbolSchema,
    side: z.enum(['buy', 'sell']),
    entry: z.strictObject({ type: z.enum(['market', 'limit', 'stop']), price: positiveDecimal.optional() }),
    quantity: positiveDecimal.optional(),
    stopLoss: positiveDecimal.optional(),
    takeProfit: positiveDecimal.optional(),
    trailPct: positiveDecimal.refine((v) => Number(v) < 1, 'trailPct must be below 1 (0.02 = 2%)').optional(),
  })
  .refine((p) => p.entry.type === 'market' || p.entry.price !== undefined, {
    message: 'a limit or stop entry needs a price',
    path: ['entry', 'price'],
  });

const empty = z.strictObject({});

export const commandSchemas = {
  approve: z.strictObject({ planId: planIdSchema }),
  reject: z.strictObject({ planId: planIdSchema, reason: z.string().max(500).optional() }),
  cancelPlan: z.strictObject({ planId: planIdSchema }),
  closePosition: z.strictObject({ symbol: symbolSchema, quantity: positiveDecimal.optional() }),
  kill: empty,
  resume: empty,
  setTradingState: z.strictObject({ state: z.enum(['ACTIVE', 'REDUCING']) }),
  /** `review: true` sends a typed plan to the approval queue ("confirm my own tickets"). */
  submitPlan: z.strictObject({ plan: manualPlanSchema, review: z.boolean().optional() }),
  previewPlan: z.strictObject({ plan: manualPlanSchema }),
  queryHistory: z.strictObject({
    symbol: symbolSchema.optional(),
    side: z.enum(['long', 'short']).optional(),
    outcome: z.enum(['win', 'loss']).optional(),
    reason: z.enum(['stop_loss', 'take_profit', 'trailing_stop', 'close', 'kill_switch']).optional(),
  }),
  setPin: z.strictObject({ pin: pinSchema, currentPin: z.string().max(64).optional() }),
  armLive: z.strictObject({ pin: z.string().max(64) }),
  disarmLive: empty,
  exportHistory: z.strictObject({ format: z.enum(['csv', 'json']) }),
  setLessonState: z.strictObject({ lessonId: z.string().trim().min(1).max(200), enabled: z.boolean() }),
  getSnapshot: empty,
} as const;

export type CommandSchemas = typeof commandSchemas;
export type CommandName = keyof CommandSchemas;
/** What a caller sends (decimals may be numbers). */
export type CommandArgs<N extends CommandName> = z.input<CommandSchemas[N]>;
/** What the host works with after parsing (decimals are strings). */
export type ParsedArgs<N extends CommandName> = z.output<CommandSchemas[N]>;
export type ManualPlan = z.output<typeof manualPlanSchema>;

export const COMMAND_NAMES = Object.keys(commandSchemas) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commandSchemas, name);
}

/** One readable line per problem, e.g. `plan.entry.price: a limit or stop entry needs a price`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export type ParsedCommand = { [N in CommandName]: { name: N; args: ParsedArgs<N> } }[CommandName];

/** Name and args from the outside world, checked. Never throws. */
export function parseCommand(name: unknown, args: unknown): Result<ParsedCommand> {
  if (!isCommandName(name)) return err('unknown_command', `unknown command: ${String(name).slice(0, 64)}`);
  const parsed = commandSchemas[name].safeParse(args ?? {});
  if (!parsed.success) return err('invalid_input', `${name}: ${describeIssues(parsed.error)}`);
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
