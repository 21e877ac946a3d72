// IB order ids: a number per client id that the gateway hands out through nextValidId, and that it rolls
// back after its daily restart (LEAN's IB brokerage #242: 38103 became 38099 and ids were reused, so one
// order's callbacks landed on another). Braid keeps its own high-water mark, persisted before an id goes
// on the wire, and never goes below it: the next id is max(nextValidId, stored + 1).

export interface OrderIdStore {
  /** The highest id Braid has used (0: none yet). */
  load(): number;
  save(n: number): void;
}

/** An in-memory store (tests, and a run without a journal). */
export function memoryIdStore(start = 0): OrderIdStore & { value: number } {
  const store = {
    value: start,
    load: () => store.value,
    save: (n: number) => {
      store.value = n;
    },
  };
  return store;
}

export class OrderIdMark {
  private readonly store: OrderIdStore;
  /** The next id to hand out. */
  private next: number;
  /** What the gateway said last (for the Venues panel and the rolled-back notice). */
  private gatewaySaid = 0;

  constructor(store: OrderIdStore) {
    this.store = store;
    this.next = Math.max(1, store.load() + 1);
  }

  /**
   * The gateway's nextValidId (at every connect). Returns the ids it offered below Braid's mark: a
   * rollback, which is ignored.
   */
  gatewayNext(id: number): number {
    this.gatewaySaid = id;
    const floor = this.store.load() + 1;
    const rolledBack = Math.max(0, Math.max(floor, this.next) - id);
    this.next = Math.max(id, floor, this.next);
    return rolledBack;
  }

  get lastFromGateway(): number {
    return this.gatewaySaid;
  }

  /** A fresh id, saved as used before it is returned (so a crash after sending cannot reuse it). */
  take(): number {
    const id = this.next;
    this.next = id + 1;
    this.store.save(id);
    return id;
  }

  /** An id seen on the wire (openOrder, orderStatus from an earlier run): never hand it out again. */
  seen(id: number): void {
    if (id >= this.next) {
      this.next = id + 1;
      this.store.save(id);
    }
  }
}
