// The read requests a client sends, parsed from their fields in @stoqey/ib 1.6.10's order for server
// version 193 (each after its message id). Order messages are in place-order.ts.
import { FieldCursor } from './wire.ts';

export interface ExecutionFilter {
  reqId: number;
  clientId: number;
  account: string;
  /** Executions at or after this instant (ms), from "yyyymmdd-hh:mm:ss" read as UTC. */
  since: number | undefined;
  symbol: string;
  secType: string;
  side: string;
}

/** REQ_EXECUTIONS: [7, version 3, reqId, clientId, acctCode, time, symbol, secType, exchange, side]. */
export function executionFilter(fields: readonly string[]): ExecutionFilter {
  const c = new FieldCursor(fields.slice(2));
  const reqId = c.int() ?? 0;
  const clientId = c.int() ?? 0;
  const account = c.str();
  const since = parseFilterTime(c.str());
  const symbol = c.str();
  const secType = c.str();
  c.skip(1); // exchange
  return { reqId, clientId, account, since, symbol, secType, side: c.str() };
}

export function sideMatches(filter: string, side: 'BOT' | 'SLD'): boolean {
  const f = filter.toUpperCase();
  return f === side || (f === 'BUY' && side === 'BOT') || (f === 'SELL' && side === 'SLD');
}

/** reqExecutions' filter time, "yyyymmdd-hh:mm:ss" (also with a space, and an optional zone): UTC here. */
export function parseFilterTime(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})[- ]+(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text.trim());
  if (!m) return undefined;
  return Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  );
}

/** REQ_MKT_DATA: [1, version 11, reqId, conId, symbol, secType, …contract, deltaNeutral, genericTicks, snapshot, …]. */
export function marketDataRequest(fields: readonly string[]): {
  reqId: number;
  symbol: string;
  secType: string;
  snapshot: boolean;
} {
  const c = new FieldCursor(fields.slice(2));
  const reqId = c.int() ?? 0;
  c.skip(1); // conId
  const symbol = c.str();
  const secType = c.str();
  c.skip(9); // expiry, strike, right, multiplier, exchange, primaryExch, currency, localSymbol, tradingClass
  if (c.bool()) c.skip(3); // delta-neutral contract
  c.skip(1); // genericTickList
  return { reqId, symbol, secType, snapshot: c.bool() };
}

/** REQ_CONTRACT_DATA: [9, version 8, reqId, conId, symbol, secType, expiry, strike, right, multiplier, exchange, primaryExch, currency, …]. */
export function contractRequest(fields: readonly string[]): {
  reqId: number;
  symbol: string;
  secType: string;
  currency: string;
} {
  const c = new FieldCursor(fields.slice(2));
  const reqId = c.int() ?? 0;
  c.skip(1); // conId
  const symbol = c.str();
  const secType = c.str();
  c.skip(6); // expiry, strike, right, multiplier, exchange, primaryExch
  return { reqId, symbol, secType, currency: c.str() };
}

/** REQ_ACCOUNT_SUMMARY: [62, version 1, reqId, group, "Tag,Tag,…"]. */
export function accountSummaryRequest(fields: readonly string[]): { reqId: number; tags: string[] } {
  const c = new FieldCursor(fields.slice(2));
  const reqId = c.int() ?? 0;
  c.skip(1); // group
  const tags = c
    .str()
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return { reqId, tags };
}

/** The n-th field after the message id and its version, as an int (cancelMktData's reqId, …). */
export function intAfterVersion(fields: readonly string[], n = 0): number {
  return Number.parseInt(fields[2 + n] ?? '', 10) || 0;
}
