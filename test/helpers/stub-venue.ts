// A live venue the engine drives synchronously in tests: it records what the engine sends and reports
// what a test tells it to (accepted, filled, anything else), as an asynchronous venue would.
import type { Venue, VenueEvent, VenueOrder } from '../../src/main/engine/venues/venue.ts';

/** The time the stub's reports default to (tests add to it). */
export const T = Date.parse('2024-03-04T15:00:00Z');

export class StubVenue implements Venue {
  readonly asynchronous = true;
  readonly submitted: VenueOrder[] = [];
  readonly cancels: string[] = [];
  readonly amends: Array<{ id: string; change: { quantity?: string; price?: string } }> = [];
  private listeners: Array<(e: VenueEvent) => void> = [];
  readonly name: string;
  readonly dayOrders: boolean;
  readonly outsideRth: boolean;
  readonly nativeTrailing: boolean;
  constructor(name: string, dayOrders: boolean) {
    this.name = name;
    this.dayOrders = dayOrders;
    this.outsideRth = dayOrders;
    this.nativeTrailing = dayOrders;
  }
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  submit(order: VenueOrder): void {
    this.submitted.push(order);
  }
  cancel(clientOrderId: string): void {
    this.cancels.push(clientOrderId);
  }
  amend(clientOrderId: string, change: { quantity?: string; price?: string }): void {
    this.amends.push({ id: clientOrderId, change });
  }
  query(): VenueOrder | undefined {
    return undefined;
  }
  openOrders(): VenueOrder[] {
    return [];
  }
  positions() {
    return [];
  }
  onEvent(listener: (e: VenueEvent) => void) {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
  report(e: VenueEvent): void {
    for (const l of this.listeners) l(e);
  }
  accept(id: string, time = T + 10): void {
    this.report({ type: 'accepted', clientOrderId: id, venueOrderId: `K-${id}`, time });
  }
  fill(id: string, quantity: string, price: string, tradeId: string, time = T + 20, fee = '0.4'): void {
    this.report({
      type: 'filled',
      clientOrderId: id,
      time,
      price,
      quantity,
      fee,
      liquidity: 'taker',
      tradeId,
    });
  }
}
