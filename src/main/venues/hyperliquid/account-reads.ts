// Reading the account over /info: one order by Braid's id (its cloid) or an oid, the open list, fills
// (userFillsByTime, paged by time), positions and balances (clearinghouseState) and funding. Each comes
// raw (the poll books it when it is ready) or as Braid's reports and fills, named by Braid's id and
// counting what replaced oids filled; something Hyperliquid sent that cannot be read is said once and
// left out. Every order read is remembered (its symbol, its cloid).
import { OrderNotFound } from 'ccxt';
import { str } from '../../../shared/domain/decimal.ts';
import type {
  FillCursor,
  VenueBalance,
  VenueFill,
  VenueMassStatus,
  VenueOrderReport,
  VenueRead,
} from '../venue.ts';
import type { VenueEvents } from '../venue-events.ts';
import type { Called, HyperliquidCalls } from './calls.ts';
import { readFailed } from './errors.ts';
import {
  asRaw,
  balancesOf,
  type FundingPayment,
  fillOf,
  fundingOf,
  type HyperliquidPositionReport,
  positionsOf,
  type RawFill,
  type RawOrder,
  rawFillOf,
  rawOrderOf,
  reportOf,
} from './mapping.ts';
import type { HyperliquidMarkets } from './markets.ts';
import type { OrderIds } from './order-ids.ts';
import { isTerminal } from './report-book.ts';
import type { WorkingOrders } from './working-orders.ts';

const FILLS_PAGE = 2_000;
const MAX_PAGES = 10;

/** An order as one answer showed it. */
export interface Seen {
  raw: RawOrder;
  status: string;
  time: number;
}

/** orderStatus's answer as Hyperliquid put it (null: no such order; undefined: unreadable). */
function seenOf(answer: unknown): Seen | null | undefined {
  const a = asRaw(answer);
  if (a.status === 'unknownOid') return null;
  const wrapped = asRaw(a.order);
  const raw = rawOrderOf(wrapped.order);
  if (!raw || typeof wrapped.status !== 'string') return undefined;
  const time = typeof wrapped.statusTimestamp === 'number' ? wrapped.statusTimestamp : raw.timestamp;
  return { raw, status: wrapped.status, time };
}

export interface AccountReadsOptions {
  calls: HyperliquidCalls;
  markets: HyperliquidMarkets;
  ids: OrderIds;
  working: WorkingOrders;
  events: VenueEvents;
  clock: () => number;
  /** The account address the reads are about. */
  user: string;
}

export class AccountReads {
  private readonly o: AccountReadsOptions;

  constructor(options: AccountReadsOptions) {
    this.o = options;
  }

  /** A report from a raw order and its status, named by Braid's id, counting replaced oids' fills. */
  private reportFrom(raw: RawOrder, status: string, time: number): VenueOrderReport | null {
    const { ids, markets } = this.o;
    const symbol = markets.symbolOf(raw.coin);
    if (!symbol) return null;
    ids.rememberOid(raw.oid, symbol, raw.cloid);
    const report = reportOf(raw, status, time, symbol, str(ids.filledBefore(raw.cloid, raw.oid)));
    if (!report) return null;
    const braidId = ids.braidOf(raw.cloid);
    if (braidId !== undefined) {
      report.clientOrderId = braidId;
      const placed = ids.placed(braidId);
      // Braid's market order rests at the venue as an IOC limit: it is reported as what Braid sent.
      if (placed?.type === 'market' && report.type === 'limit') {
        report.type = 'market';
        delete report.price;
      }
    }
    const average = ids.averagePrice(raw.oid);
    if (average !== undefined) report.avgFillPrice = average;
    return report;
  }

  reportsOf(seen: Seen[]): VenueOrderReport[] {
    return seen
      .map((x) => this.reportFrom(x.raw, x.status, x.time))
      .filter((r): r is VenueOrderReport => r !== null);
  }

  /** One order as Hyperliquid holds it, by oid or cloid (null: no such order, or unreadable). */
  async statusSeen(oidOrCloid: string): Promise<Called<Seen | null>> {
    const ref = /^\d+$/.test(oidOrCloid) ? Number(oidOrCloid) : oidOrCloid;
    const result = await this.o.calls.read<unknown>({ type: 'orderStatus', user: this.o.user, oid: ref });
    if (!result.ok) {
      // ccxt raises {"status":"unknownOid"} as OrderNotFound: the order does not exist.
      if (result.error instanceof OrderNotFound) return { ok: true, value: null };
      return result;
    }
    const seen = seenOf(result.value);
    if (seen === undefined) {
      this.o.events.unreadable(
        'hyperliquid_unreadable_order',
        `an order Hyperliquid reported could not be read (${oidOrCloid})`,
      );
      return { ok: true, value: null };
    }
    return { ok: true, value: seen };
  }

  private async statusRaw(oidOrCloid: string): Promise<Called<VenueOrderReport | null>> {
    const seen = await this.statusSeen(oidOrCloid);
    if (!seen.ok || seen.value === null) return seen as Called<null>;
    return { ok: true, value: this.reportFrom(seen.value.raw, seen.value.status, seen.value.time) };
  }

  async orderStatus(ref: {
    clientOrderId?: string;
    venueOrderId?: string;
  }): Promise<VenueRead<VenueOrderReport | null>> {
    const { ids, working } = this.o;
    if (ref.clientOrderId === undefined && ref.venueOrderId === undefined)
      return {
        ok: false,
        message: 'orderStatus needs a client order id or a venue order id',
        retryable: false,
      };
    // By cloid when Braid's id is known: Hyperliquid answers the newest order carrying it (after a
    // modify, the replacement).
    const cloid = ref.clientOrderId !== undefined ? ids.cloidFor(ref.clientOrderId) : undefined;
    const result = await this.statusRaw(cloid ?? ref.venueOrderId!);
    if (!result.ok) return readFailed(result.failure);
    const report = result.value;
    if (cloid) ids.replaceSettled(cloid);
    if (report && cloid) {
      report.clientOrderId = ref.clientOrderId;
      ids.setCurrent(cloid, report.venueOrderId);
      if (!isTerminal(report)) working.watch(report.venueOrderId);
    }
    return { ok: true, value: report };
  }

  /** The open list as Hyperliquid sent it (frontendOpenOrders: triggers included). */
  async openSeen(): Promise<Called<Seen[]>> {
    const { calls, markets, events, user } = this.o;
    const result = await calls.read<unknown[]>({ type: 'frontendOpenOrders', user });
    if (!result.ok) return result;
    const out: Seen[] = [];
    for (const x of Array.isArray(result.value) ? result.value : []) {
      const raw = rawOrderOf(x);
      if (!raw || markets.symbolOf(raw.coin) === undefined) {
        events.unreadable(
          'hyperliquid_unreadable_order',
          `an open order Hyperliquid listed could not be read (${String(asRaw(x).oid)})`,
        );
        continue;
      }
      out.push({ raw, status: 'open', time: raw.timestamp });
    }
    return { ok: true, value: out };
  }

  async openOrders(): Promise<VenueRead<VenueOrderReport[]>> {
    const seen = await this.openSeen();
    return seen.ok ? { ok: true, value: this.reportsOf(seen.value) } : readFailed(seen.failure);
  }

  /** Fills from `since` (inclusive), paged by time (2,000 an answer). */
  async fillsRaw(since: number): Promise<Called<RawFill[]>> {
    const { calls, events, user } = this.o;
    const all = new Map<string, RawFill>();
    let start = Math.max(0, since);
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await calls.read<unknown[]>({ type: 'userFillsByTime', user, startTime: start });
      if (!result.ok) return result;
      const list = Array.isArray(result.value) ? result.value : [];
      let last = start;
      for (const x of list) {
        const raw = rawFillOf(x);
        if (!raw) {
          events.unreadable(
            'hyperliquid_unreadable_fill',
            `a fill Hyperliquid reported could not be read (${String(asRaw(x).tid)})`,
          );
          continue;
        }
        all.set(raw.tid, raw);
        last = Math.max(last, raw.time);
      }
      if (list.length < FILLS_PAGE || last === start) break;
      start = last;
    }
    return {
      ok: true,
      value: [...all.values()].sort((a, b) => a.time - b.time || a.tid.localeCompare(b.tid)),
    };
  }

  /** Braid's fills from raw ones, named by Braid's id where the cloid (or the oid's) is Braid's. */
  fillsOf(raws: RawFill[]): VenueFill[] {
    return raws.map((r) => this.fillFrom(r)).filter((f): f is VenueFill => f !== null);
  }

  private fillFrom(raw: RawFill): VenueFill | null {
    const { ids, markets } = this.o;
    const symbol = markets.symbolOf(raw.coin);
    if (!symbol) return null;
    const cloid = raw.cloid ?? ids.oid(raw.oid)?.cloid;
    if (!ids.oid(raw.oid)) ids.rememberOid(raw.oid, symbol, cloid);
    return fillOf(raw, symbol, ids.braidOf(cloid));
  }

  async fillsSince(cursor: FillCursor): Promise<VenueRead<VenueFill[]>> {
    const result = await this.fillsRaw(cursor.since);
    if (!result.ok) return readFailed(result.failure);
    return { ok: true, value: this.fillsOf(result.value).filter((f) => f.time >= cursor.since) };
  }

  private clearinghouse(): Promise<Called<unknown>> {
    return this.o.calls.read<unknown>({ type: 'clearinghouseState', user: this.o.user });
  }

  private positionsIn(state: unknown): HyperliquidPositionReport[] {
    return positionsOf(state, (c) => this.o.markets.symbolOf(c));
  }

  /** Signed sizes with entry price, leverage, margin mode, unrealized P&L and funding since open. */
  async positions(): Promise<VenueRead<HyperliquidPositionReport[]>> {
    const result = await this.clearinghouse();
    if (!result.ok) return readFailed(result.failure);
    return { ok: true, value: this.positionsIn(result.value) };
  }

  async balances(): Promise<VenueRead<VenueBalance[]>> {
    const result = await this.clearinghouse();
    if (!result.ok) return readFailed(result.failure);
    const balances = balancesOf(result.value);
    return balances
      ? { ok: true, value: balances }
      : { ok: false, message: "Hyperliquid's account state was unreadable", retryable: true };
  }

  async massStatus(cursor: FillCursor): Promise<VenueRead<VenueMassStatus>> {
    const open = await this.openOrders();
    if (!open.ok) return open;
    const fills = await this.fillsSince(cursor);
    if (!fills.ok) return fills;
    const state = await this.clearinghouse();
    if (!state.ok) return readFailed(state.failure);
    const balances = balancesOf(state.value);
    if (!balances)
      return { ok: false, message: "Hyperliquid's account state was unreadable", retryable: true };
    return {
      ok: true,
      value: {
        openOrders: open.value,
        fills: fills.value,
        positions: this.positionsIn(state.value),
        balances,
        time: this.o.clock(),
      },
    };
  }

  /** Funding paid or received on positions since `since` (userFunding): not a fill, a cash movement. */
  async fundingSince(since: number): Promise<VenueRead<FundingPayment[]>> {
    const { calls, markets, user } = this.o;
    const result = await calls.read<unknown[]>({ type: 'userFunding', user, startTime: since });
    if (!result.ok) return readFailed(result.failure);
    const out: FundingPayment[] = [];
    for (const x of Array.isArray(result.value) ? result.value : []) {
      const p = fundingOf(x, (c) => markets.symbolOf(c));
      if (p) out.push(p);
    }
    return { ok: true, value: out.sort((a, b) => a.time - b.time) };
  }
}
