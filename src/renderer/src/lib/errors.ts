// A refused command in the trader's words: the engine's message first, the reason code second,
// e.g. "Entry price: expected a decimal number (invalid_input)". Transport and parser prefixes
// ("submitPlan: ", a field path like "plan.entry.price: ") are dropped or named, never doubled.
import type { CommandName } from '../../../shared/contract.ts';

/** Field paths of the contract, as the ticket and the blotter label them. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  symbol: 'Symbol',
  side: 'Side',
  entry: 'Entry',
  'entry.type': 'Entry type',
  'entry.price': 'Entry price',
  price: 'Entry price',
  quantity: 'Quantity',
  stopLoss: 'Stop loss',
  takeProfit: 'Take profit',
  trailPct: 'Trail %',
  planId: 'Plan',
  pin: 'PIN',
  currentPin: 'Current PIN',
  reason: 'Reason',
  orderId: 'Order',
  venue: 'Venue',
  apiKey: 'API key',
  apiSecret: 'API secret',
};

// Spelled out rather than imported (the contract's runtime module pulls the schemas into the bundle);
// the Record type makes the compiler insist on every command name, and only those.
const COMMAND_PREFIXES: Readonly<Record<CommandName, true>> = {
  approve: true,
  reject: true,
  cancelPlan: true,
  cancelOrder: true,
  modifyOrder: true,
  testVenue: true,
  setVenueCredentials: true,
  closePosition: true,
  submitPlans: true,
  tradeHistory: true,
  kill: true,
  resume: true,
  setTradingState: true,
  submitPlan: true,
  previewPlan: true,
  queryHistory: true,
  setPin: true,
  armLive: true,
  disarmLive: true,
  exportHistory: true,
  setLessonState: true,
  getSnapshot: true,
};
const COMMANDS = new Set<string>(Object.keys(COMMAND_PREFIXES));

/** The trader's name for a field path ("plan.entry.price" -> "Entry price"), or null if unknown. */
export function fieldName(path: string): string | null {
  const bare = path.trim().replace(/^plan\./, '');
  return FIELD_NAMES[bare] ?? null;
}

/** Drops leading command names ("submitPlan: submitPlan: x" -> "x") and a repeated prefix ("a: a: x"). */
function stripPrefixes(message: string): string {
  let text = message.trim();
  for (;;) {
    const m = /^([A-Za-z][\w .-]{0,40}?):\s+/.exec(text);
    if (!m) return text;
    const head = m[1]!;
    const rest = text.slice(m[0].length);
    if (COMMANDS.has(head)) text = rest;
    else if (rest.startsWith(`${head}: `)) text = rest;
    else return text;
  }
}

/** One problem ("plan.entry.price: expected a decimal number") with its field named. */
function nameField(part: string): string {
  const m = /^([A-Za-z][\w.]*):\s+(.*)$/s.exec(part.trim());
  if (!m) return part.trim();
  const name = fieldName(m[1]!);
  return name === null ? part.trim() : `${name}: ${m[2]}`;
}

const capitalize = (s: string): string => (s === '' ? s : s[0]!.toUpperCase() + s.slice(1));

/** The message a trader reads for a refused command (or a plan problem). */
export function plainError(error: { code: string; message: string }): string {
  const body = stripPrefixes(error.message)
    .split(/;\s+/)
    .map((part) => nameField(stripPrefixes(part)))
    .filter((part) => part !== '')
    .join('; ');
  const text = capitalize(body === '' ? error.code.replace(/_/g, ' ') : body);
  const code = error.code.trim();
  if (code === '' || text.includes(`(${code})`)) return text;
  return `${text} (${code})`;
}

/** A plan problem from the engine's preview ({ field, code, message }), worded like plainError. */
export function plainProblem(problem: { field: string; code: string; message: string }): string {
  const name = fieldName(problem.field);
  const message = stripPrefixes(problem.message);
  const named =
    name === null || message.toLowerCase().startsWith(name.toLowerCase()) ? message : `${name}: ${message}`;
  return plainError({ code: problem.code, message: named });
}
