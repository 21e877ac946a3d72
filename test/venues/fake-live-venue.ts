// A hand-written stand-in for a live venue (no mock framework): it records every call and answers what the
// test scripts, by default the happy answer. `hold` makes the next answer of a method wait until the test
// releases it, so a test can act while a request is on the wire.
import type {
  FillCursor,
  LiveVenue,
  VenueBalance,
  VenueBracketOutcome,
  VenueBracketRequest,
  VenueCandle,
  VenueCapabilities,
  VenueEvent,
  VenueHealth,
  VenueInstrument,
  VenueMassStatus,
  VenueOrderReport,
  VenueOrderRequest,
  VenueOutcome,
  VenueRead,
} from '../../src/main/venues/venue.ts';

export interface Call {
  method: string;
  args: unknown[];
}

type Answer<T> = T | (() => T | Promise<T>);

export const BTC_USD: VenueInstrument = {
  symbol: 'BTC/USD',
  venueSymbol: 'XBTUSD',
  base: 'BTC',
  quote: 'USD',
  tick: '0.1',
  lot: '0.0001',
  minSize: '0.0001',
  minNotional: '5',
};

export class FakeLiveVenue implements LiveVenue {
  readonly name: string;
  capabilities: VenueCapabilities = {
    nativeBrackets: false,
    oco: false,
    stopOrders: true,
    amend: 'native',
    reduceOnly: false,
    postOnly: true,
    cancelAll: true,
    deadManSwitch: true,
    nativeTrailing: false,
    dayOrders: false,
    outsideRth: false,
  };
  readonly calls: Call[] = [];
  healthNow: VenueHealth = { state: 'disconnected', latencyMs: null, rateBudgetUsed: 0 };
  instrumentList: VenueInstrument[] = [BTC_USD];
  /** Scripted answers per method, taken in turn; when none is left, the default. */
  readonly script = new Map<string, Answer<unknown>[]>();
  private readonly listeners = new Set<(e: VenueEvent) => void>();
  private seq = 0;
  /** The venue's book, for the default answers of orderStatus / openOrders. */
  readonly book = new Map<string, VenueOrderReport>();
  mass: VenueMassStatus = { openOrders: [], fills: [], positions: [], balances: [], time: 0 };

  /** `nativeBrackets`: the venue holds brackets (submitBracket present, capabilities say so). */
  submitBracket?: (bracket: VenueBracketRequest) => Promise<VenueBracketOutcome>;

  constructor(name = 'kraken', options: { nativeBrackets?: boolean } = {}) {
    this.name = name;
    if (options.nativeBrackets) {
      this.capabilities = { ...this.capabilities, nativeBrackets: true, reduceOnly: true };
      this.submitBracket = (bracket) =>
        this.run('submitBracket', [bracket], () => ({
          entry: this.rest(bracket.entry),
          stopLoss: this.rest(bracket.stopLoss),
          takeProfit: this.rest(bracket.takeProfit),
        }));
    }
  }

  /** The default answer to an order: booked open, accepted with a new venue id. */
  private rest(order: VenueOrderRequest): VenueOutcome {
    const venueOrderId = `O${++this.seq}`;
    this.book.set(order.clientOrderId, {
      clientOrderId: order.clientOrderId,
      venueOrderId,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      state: 'open',
      quantity: order.quantity,
      filledQuantity: '0',
      ...(order.price !== undefined ? { price: order.price } : {}),
      ...(order.stopPrice !== undefined ? { stopPrice: order.stopPrice } : {}),
      time: 1,
    });
    return { kind: 'accepted', venueOrderId, time: 1 };
  }

  /** Queues scripted answers for a method. */
  answer(method: string, ...answers: Answer<unknown>[]): this {
    const list = this.script.get(method) ?? [];
    list.push(...answers);
    this.script.set(method, list);
    return this;
  }

  /** The next call of `method` waits until the returned release is called. */
  hold(method: string): () => void {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.gates.set(method, [...(this.gates.get(method) ?? []), gate]);
    return release;
  }
  private readonly gates = new Map<string, Promise<void>[]>();

  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  emit(event: VenueEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  private async run<T>(method: string, args: unknown[], fallback: () => T): Promise<T> {
    this.calls.push({ method, args });
    const gate = this.gates.get(method)?.shift();
    if (gate) await gate;
    const next = this.script.get(method)?.shift();
    if (next === undefined) return fallback();
    return (typeof next === 'function' ? await (next as () => T | Promise<T>)() : next) as T;
  }

  async connect(): Promise<VenueRead<null>> {
    return this.run('connect', [], () => {
      this.healthNow = { ...this.healthNow, state: 'connected' };
      return { ok: true, value: null } as VenueRead<null>;
    });
  }
  async disconnect(): Promise<void> {
    await this.run('disconnect', [], () => {
      this.healthNow = { ...this.healthNow, state: 'disconnected' };
    });
  }
  health(): VenueHealth {
    return this.healthNow;
  }
  onEvent(listener: (event: VenueEvent) => void) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
  async instruments(): Promise<VenueRead<VenueInstrument[]>> {
    return this.run(
      'instruments',
      [],
      () => ({ ok: true, value: this.instrumentList }) as VenueRead<VenueInstrument[]>,
    );
  }
  async submit(order: VenueOrderRequest): Promise<VenueOutcome> {
    return this.run('submit', [order], () => this.rest(order));
  }
  async modify(
    ref: { clientOrderId: string; venueOrderId?: string },
    change: { quantity?: string; price?: string; stopPrice?: string },
  ): Promise<VenueOutcome> {
    return this.run('modify', [ref, change], () => {
      const o = this.book.get(ref.clientOrderId);
      return (
        o
          ? { kind: 'accepted', venueOrderId: o.venueOrderId, time: 2 }
          : { kind: 'rejected', reason: 'unknown_order', message: 'no such order' }
      ) as VenueOutcome;
    });
  }
  async cancel(ref: { clientOrderId: string; venueOrderId?: string }): Promise<VenueOutcome> {
    return this.run('cancel', [ref], () => {
      const o = this.book.get(ref.clientOrderId);
      return (
        o
          ? { kind: 'accepted', venueOrderId: o.venueOrderId, time: 3 }
          : { kind: 'rejected', reason: 'unknown_order', message: 'no such order' }
      ) as VenueOutcome;
    });
  }
  async cancelAll(): Promise<VenueOutcome> {
    return this.run('cancelAll', [], () => ({ kind: 'accepted', venueOrderId: '', time: 4 }) as VenueOutcome);
  }
  async orderStatus(ref: {
    clientOrderId?: string;
    venueOrderId?: string;
  }): Promise<VenueRead<VenueOrderReport | null>> {
    return this.run('orderStatus', [ref], () => {
      const found =
        (ref.clientOrderId !== undefined ? this.book.get(ref.clientOrderId) : undefined) ??
        [...this.book.values()].find((o) => o.venueOrderId === ref.venueOrderId);
      return { ok: true, value: found ?? null } as VenueRead<VenueOrderReport | null>;
    });
  }
  async openOrders(): Promise<VenueRead<VenueOrderReport[]>> {
    return this.run(
      'openOrders',
      [],
      () => ({ ok: true, value: this.mass.openOrders }) as VenueRead<VenueOrderReport[]>,
    );
  }
  async fillsSince(cursor: FillCursor) {
    return this.run('fillsSince', [cursor], () => ({ ok: true, value: this.mass.fills }) as const);
  }
  async positions() {
    return this.run('positions', [], () => ({ ok: true, value: this.mass.positions }) as const);
  }
  async balances(): Promise<VenueRead<VenueBalance[]>> {
    return this.run(
      'balances',
      [],
      () => ({ ok: true, value: this.mass.balances }) as VenueRead<VenueBalance[]>,
    );
  }
  async massStatus(cursor: FillCursor): Promise<VenueRead<VenueMassStatus>> {
    return this.run(
      'massStatus',
      [cursor],
      () => ({ ok: true, value: this.mass }) as VenueRead<VenueMassStatus>,
    );
  }
  async ticker(symbol: string) {
    return this.run(
      'ticker',
      [symbol],
      () => ({ ok: false, message: 'no ticker', retryable: false }) as const,
    );
  }
  async candles(symbol: string): Promise<VenueRead<VenueCandle[]>> {
    return this.run('candles', [symbol], () => ({ ok: true, value: [] }) as VenueRead<VenueCandle[]>);
  }
  async armDeadMan(seconds: number): Promise<VenueRead<{ triggerTime: number | null }>> {
    return this.run(
      'armDeadMan',
      [seconds],
      () =>
        ({ ok: true, value: { triggerTime: seconds === 0 ? null : 1000 + seconds * 1000 } }) as VenueRead<{
          triggerTime: number | null;
        }>,
    );
  }
}

/** Lets queued promise callbacks and setImmediate deliveries run (a few turns of the event loop). */
export async function flush(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
