// Reads of the account at IB: contract details (the instruments), open orders (all clients', external
// ones by permId), executions since a time, positions, the account summary (IB's own day-trade count,
// equity, cash) and historical bars; each answered once its end message arrives (requests.ts).
import type { ContractDetails, IBApi } from '@stoqey/ib';
import { type DecStr, dec, str } from '../../../shared/domain/decimal.ts';
import type {
  FillCursor,
  VenueBalance,
  VenueCandle,
  VenueFill,
  VenueInstrument,
  VenueMassStatus,
  VenueOrderReport,
  VenuePositionReport,
  VenueRead,
} from '../venue.ts';
import type { OrderAcks } from './acks.ts';
import { isWorking, type KnownOrder, type KnownOrders, reportOf } from './known-orders.ts';
import { decOf, executionFilterTime, isUnset, stockContract } from './mapping.ts';
import type { ReportBook } from './report-book.ts';
import type { Collector, Requests } from './requests.ts';

export interface IbAccountSummary {
  /** IB's own count for the pattern-day-trader rule; null where IB sends none (cash, > $25,000). */
  dayTradesRemaining: number | null;
  /** NetLiquidation, for the $25,000 rule. */
  equity: DecStr | null;
}

export interface SummaryRow {
  tag: string;
  value: string;
  currency: string;
  account: string;
}

export interface AccountReadsDeps {
  send: (call: (api: IBApi) => void) => Promise<void>;
  requests: Requests;
  openOrderReads: Collector<KnownOrder>;
  positionReads: Collector<VenuePositionReport>;
  orders: KnownOrders;
  acks: OrderAcks;
  book: ReportBook;
  account: () => string;
  clock: () => number;
  symbols: string[];
  fillLookbackMs: number;
}

export class AccountReads {
  private readonly d: AccountReadsDeps;
  private readonly instrumentCache = new Map<string, VenueInstrument>();

  constructor(deps: AccountReadsDeps) {
    this.d = deps;
  }

  private send(call: (api: IBApi) => void): Promise<void> {
    return this.d.send(call);
  }

  private get account(): string {
    return this.d.account();
  }

  private clock(): number {
    return this.d.clock();
  }

  async instruments(): Promise<VenueRead<VenueInstrument[]>> {
    const out: VenueInstrument[] = [];
    for (const symbol of this.d.symbols) {
      const one = await this.instrument(symbol);
      if (!one.ok) return one;
      out.push(one.value);
    }
    return { ok: true, value: out };
  }

  /** One stock's contract details: minTick is the tick, the lot is one share. */
  async instrument(symbol: string): Promise<VenueRead<VenueInstrument>> {
    const cached = this.instrumentCache.get(symbol);
    if (cached) return { ok: true, value: cached };
    const read = await this.d.requests.read<ContractDetails>(`contract details for ${symbol}`, (id) =>
      this.send((api) => api.reqContractDetails(id, stockContract(symbol))),
    );
    if (!read.ok) return read;
    const details = read.value[0];
    if (!details) return { ok: false, message: `IB knows no US stock ${symbol}`, retryable: false };
    const tick = details.minTick !== undefined && !isUnset(details.minTick) ? decOf(details.minTick) : '0.01';
    const instrument: VenueInstrument = {
      symbol,
      venueSymbol: `${details.contract.symbol ?? symbol} STK ${details.contract.primaryExch || details.contract.exchange || 'SMART'}`,
      base: symbol,
      quote: details.contract.currency ?? 'USD',
      tick,
      lot: '1',
      minSize: '1',
      minNotional: null,
    };
    this.instrumentCache.set(symbol, instrument);
    return { ok: true, value: instrument };
  }

  async orderStatus(ref: {
    clientOrderId?: string;
    venueOrderId?: string;
  }): Promise<VenueRead<VenueOrderReport | null>> {
    let known = this.d.orders.find(ref);
    if (!known || isWorking(known)) {
      const open = await this.openOrders();
      if (!open.ok) return open;
      known = this.d.orders.find(ref);
    }
    return { ok: true, value: known ? reportOf(known) : null };
  }

  /** reqAllOpenOrders: this client's, other clients' and TWS's (external: no orderRef). */
  async openOrders(): Promise<VenueRead<VenueOrderReport[]>> {
    const read = await this.d.openOrderReads.read(() => this.send((api) => api.reqAllOpenOrders()));
    if (!read.ok) return read;
    const seen = new Set<KnownOrder>(read.value);
    this.endAbsent(seen);
    return { ok: true, value: [...seen].filter(isWorking).map(reportOf) };
  }

  /**
   * Braid's orders IB no longer lists as open have ended while their end was not heard (an outage, a
   * dropped socket): filled if their executions cover them, else cancelled. One still being placed
   * (no word from IB yet) is left alone.
   */
  private endAbsent(open: Set<KnownOrder>): void {
    for (const known of this.d.orders.all()) {
      if (open.has(known) || !isWorking(known) || known.orderId <= 0 || known.status === 'ApiPending')
        continue;
      if (this.d.acks.has(known.orderId) && !this.d.acks.get(known.orderId)?.forCancel) continue;
      known.status = known.filled >= Number(known.quantity) ? 'Filled' : 'Cancelled';
      known.time = this.clock();
      this.d.acks.answered(known.orderId, known);
      this.d.book.report(reportOf(known));
    }
  }

  /** reqExecutions from a little before the cursor (IB keeps about a day; older is the journal's). */
  async fillsSince(cursor: FillCursor): Promise<VenueRead<VenueFill[]>> {
    const from = Math.max(0, cursor.since - this.d.fillLookbackMs);
    const read = await this.d.requests.read<VenueFill>('the executions', (id) =>
      this.send((api) =>
        api.reqExecutions(id, {
          acctCode: this.account,
          ...(from > 0 ? { time: executionFilterTime(from) } : {}),
        }),
      ),
    );
    if (!read.ok) return read;
    return { ok: true, value: read.value.filter((f) => f.time >= cursor.since) };
  }

  async positions(): Promise<VenueRead<VenuePositionReport[]>> {
    const read = await this.d.positionReads.read(() => this.send((api) => api.reqPositions()));
    if (!read.ok) return read;
    return { ok: true, value: read.value.filter((p) => dec(p.quantity).abs().gt(0)) };
  }

  /** The account's summary rows (this account's only). */
  async summary(): Promise<VenueRead<SummaryRow[]>> {
    const read = await this.d.requests.read<SummaryRow>('the account summary', (id) =>
      this.send((api) =>
        api.reqAccountSummary(id, 'All', 'NetLiquidation,TotalCashValue,AvailableFunds,DayTradesRemaining'),
      ),
    );
    if (!read.ok) return read;
    this.lastSummary = read.value.filter((r) => r.account === this.account);
    return { ok: true, value: this.lastSummary };
  }

  private lastSummary: SummaryRow[] = [];

  /** IB's own day-trade count and the account's equity (an IB-only read for the Day trades region). */
  async accountSummary(): Promise<VenueRead<IbAccountSummary>> {
    const read = await this.summary();
    if (!read.ok) return read;
    const tag = (name: string) => read.value.find((r) => r.tag === name)?.value;
    const trades = Number(tag('DayTradesRemaining'));
    const equity = tag('NetLiquidation');
    return {
      ok: true,
      value: {
        // IB sends -1 where the rule does not apply (no limit).
        dayTradesRemaining:
          tag('DayTradesRemaining') !== undefined && Number.isFinite(trades) && trades >= 0 ? trades : null,
        equity:
          equity !== undefined && equity !== '' && Number.isFinite(Number(equity)) ? str(dec(equity)) : null,
      },
    };
  }

  async balances(): Promise<VenueRead<VenueBalance[]>> {
    const read = await this.summary();
    if (!read.ok) return read;
    const tag = (name: string) => read.value.find((r) => r.tag === name);
    const cash = tag('TotalCashValue');
    if (!cash) return { ok: true, value: [] };
    const free = tag('AvailableFunds')?.value ?? cash.value;
    return {
      ok: true,
      value: [{ asset: cash.currency || 'USD', total: str(dec(cash.value)), free: str(dec(free)) }],
    };
  }

  async massStatus(cursor: FillCursor): Promise<VenueRead<VenueMassStatus>> {
    const openOrders = await this.openOrders();
    if (!openOrders.ok) return openOrders;
    const fills = await this.fillsSince(cursor);
    if (!fills.ok) return fills;
    const positions = await this.positions();
    if (!positions.ok) return positions;
    const balances = await this.balances();
    if (!balances.ok) return balances;
    return {
      ok: true,
      value: {
        openOrders: openOrders.value,
        fills: fills.value,
        positions: positions.value,
        balances: balances.value,
        time: this.clock(),
      },
    };
  }

  /** reqHistoricalData (TRADES, all hours, epoch-second times). */
  async candles(symbol: string, intervalMinutes: number, since?: number): Promise<VenueRead<VenueCandle[]>> {
    const bar = BAR_SIZES[intervalMinutes];
    if (!bar) return { ok: false, message: `IB has no ${intervalMinutes}-minute bars`, retryable: false };
    const read = await this.d.requests.read<{
      time: string;
      open: number;
      high: number;
      low: number;
      close: number;
      volume: number;
    }>(`${symbol} bars`, (id) =>
      this.send((api) =>
        api.reqHistoricalData(
          id,
          stockContract(symbol),
          '',
          bar.duration,
          bar.size as never,
          'TRADES',
          0,
          2,
          false,
        ),
      ),
    );
    if (!read.ok) return read;
    const candles = read.value
      .map((b) => ({
        symbol,
        time: /^\d+$/.test(b.time) ? Number(b.time) * 1000 : Date.parse(b.time),
        open: decOf(b.open),
        high: decOf(b.high),
        low: decOf(b.low),
        close: decOf(b.close),
        volume: decOf(Math.max(0, b.volume)),
      }))
      .filter((c) => Number.isFinite(c.time) && (since === undefined || c.time >= since));
    return { ok: true, value: candles };
  }
}

const BAR_SIZES: Record<number, { size: string; duration: string }> = {
  1: { size: '1 min', duration: '1 D' },
  5: { size: '5 mins', duration: '2 D' },
  15: { size: '15 mins', duration: '5 D' },
  30: { size: '30 mins', duration: '10 D' },
  60: { size: '1 hour', duration: '1 M' },
  1440: { size: '1 day', duration: '1 Y' },
};
