// The venue bench's Interactive Brokers section: what Braid's IB adapter adds to an order on its way to
// the gateway, beside @stoqey/ib's own placeOrder, against the TWS API simulator on 127.0.0.1. Two paths,
// interleaved (each iteration rotates which goes first, so drift such as GC and the growing book falls on
// both alike):
//   adapter -> wire    IbVenue.submit: the order-id mark (persisted before sending), the known-orders
//                      entry, the pacing window, the IB Order built, @stoqey/ib's encoder and socket.
//   stoqey -> wire     IBApi.placeOrder on a bare @stoqey/ib client, the same order.
// Each is timed from the call to the moment its PLACE_ORDER (found by its orderId) is read off the wire
// by a relay in front of the simulator, stamped with this process's one high-resolution clock (the
// simulator keeps no times); the relay forwards after stamping. "answer" runs to IB's first word: the
// adapter's submit resolving (openOrder or orderStatus), the bare client's first openOrder.
//
// approval -> wire (the engine host, as for Kraken and Hyperliquid) is not here yet: the host builds its
// venues from config, and venues.ib and its registry wiring are still to come.
//
//   node bench/venue-ib.ts [ORDERS=1000] [WARMUP=50]      (or through bench/venue.bench.ts --venue ib)
//
// Settings, and why:
// - A limit buy of 1 AAPL at 100 against a mark of 190: it rests, nothing fills.
// - Pacing: the adapter's 40 a second and @stoqey/ib's own limiter would pace a bench of a thousand orders
//   to 25 ms each; both get room (messagesPerSecond 1e6 on both), so the bench measures the code path.
// - The adapter is client 17, the bare client 18: each its own order ids, both through the relay.

import type { AddressInfo } from 'node:net';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { EventName, IBApi, type Order, OrderAction, OrderType, SecType, TimeInForce } from '@stoqey/ib';
import { createIbVenue } from '../src/main/venues/ib/ib-venue.ts';
import { memoryIdStore } from '../src/main/venues/ib/order-ids.ts';
import { waitFor } from '../test/helpers/wait.ts';
import { InboundReader } from '../test/venues/ib/sim/wire.ts';
import { startIbSimulator } from '../test/venues/ib/simulator.ts';
import type { Sample } from './venue-host.ts';

export interface IbRun {
  adapter: Sample[];
  stoqey: Sample[];
  /** Every message the relay read, by message id. */
  requests: string[];
}

const ROOMY = 1e6;
const STEP_TIMEOUT_MS = 10_000;

/** A relay that stamps each client message as it is read, then passes it on. */
interface Relay {
  port: number;
  /** Stamp of the PLACE_ORDER for (clientId, orderId), with how many other messages came between. */
  placed: Map<string, { at: number; seq: number }>;
  kinds: string[];
  close(): Promise<void>;
}

async function startRelay(target: number, now: () => number): Promise<Relay> {
  const placed = new Map<string, { at: number; seq: number }>();
  const kinds: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = netConnect({ host: '127.0.0.1', port: target });
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    const reader = new InboundReader();
    let clientId = -1;
    client.on('data', (chunk: Buffer) => {
      const at = now();
      for (const m of reader.push(chunk)) {
        if (m.kind !== 'message') continue;
        const id = m.fields[0] ?? '';
        kinds.push(id);
        if (id === '71') clientId = Number(m.fields[2]);
        if (id === '3') placed.set(`${clientId}:${m.fields[1]}`, { at, seq: kinds.length });
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    placed,
    kinds,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

export async function benchIb(options: {
  orders: number;
  warmup: number;
  now: () => number;
}): Promise<IbRun> {
  const { orders, warmup, now } = options;
  const sim = await startIbSimulator({ nextValidId: 1, prices: { AAPL: 190 } });
  const relay = await startRelay(sim.port, now);
  const venue = createIbVenue({
    host: '127.0.0.1',
    port: relay.port,
    clientId: 17,
    account: 'DU1234567',
    idStore: memoryIdStore(),
    messagesPerSecond: ROOMY,
  });
  const bare = new IBApi({ host: '127.0.0.1', port: relay.port, clientId: 18, maxReqPerSec: ROOMY });
  const run: IbRun = { adapter: [], stoqey: [], requests: [] };
  try {
    const connected = await venue.connect();
    if (!connected.ok) throw new Error(`the adapter did not connect: ${connected.message}`);
    let bareNext = 0;
    const bareOpen = new Map<number, (at: number) => void>();
    bare.on(EventName.nextValidId, (id: number) => {
      if (bareNext === 0) bareNext = id;
    });
    bare.on(EventName.openOrder, (orderId: number) => {
      bareOpen.get(orderId)?.(now());
      bareOpen.delete(orderId);
    });
    bare.connect(18);
    await waitFor('the bare client', () => bareNext > 0, STEP_TIMEOUT_MS);

    const contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
    const wireOf = async (key: string, t0: number) => {
      const seen = await waitFor(`PLACE_ORDER ${key}`, () => relay.placed.get(key), STEP_TIMEOUT_MS, 0);
      return seen.at - t0;
    };

    let seq = 0;
    const viaAdapter = async (): Promise<Sample> => {
      seq += 1;
      const before = relay.kinds.length;
      const t0 = now();
      const outcome = await venue.submit({
        clientOrderId: `bench-${seq}`,
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        quantity: '1',
        price: '100',
      });
      const answered = now();
      if (outcome.kind !== 'accepted') throw new Error(`the adapter's order was ${outcome.kind}`);
      const key = `17:${outcome.venueOrderId}`;
      const wire = await wireOf(key, t0);
      const at = relay.placed.get(key);
      return { wire, answer: answered - t0, others: (at?.seq ?? before + 1) - before - 1 };
    };
    const viaStoqey = async (): Promise<Sample> => {
      const orderId = bareNext++;
      const before = relay.kinds.length;
      const order: Order = {
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        totalQuantity: 1,
        lmtPrice: 100,
        tif: TimeInForce.DAY,
        orderRef: `bare-${orderId}`,
        account: 'DU1234567',
        transmit: true,
      };
      const answered = new Promise<number>((r) => bareOpen.set(orderId, r));
      const t0 = now();
      bare.placeOrder(orderId, contract, order);
      const wire = await wireOf(`18:${orderId}`, t0);
      const at = relay.placed.get(`18:${orderId}`);
      return { wire, answer: (await answered) - t0, others: (at?.seq ?? before + 1) - before - 1 };
    };

    for (let i = 0; i < warmup + orders; i++) {
      const pair = i % 2 === 0 ? [viaAdapter, viaStoqey] : [viaStoqey, viaAdapter];
      const first = await pair[0]!();
      const second = await pair[1]!();
      if (i < warmup) continue;
      const [a, s] = i % 2 === 0 ? [first, second] : [second, first];
      run.adapter.push(a);
      run.stoqey.push(s);
    }
  } finally {
    run.requests = [...relay.kinds];
    await venue.disconnect();
    bare.disconnect();
    await relay.close();
    await sim.close();
  }
  return run;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
};

/** The section's table, as venue.bench.ts prints the others. */
export function printIb(run: IbRun, orders: number, warmup: number): void {
  const ms = (x: number) => `${x.toFixed(3)} ms`.padStart(11);
  console.log(
    `IB order out, ${orders} limit orders per path (after ${warmup} warm-up), node ${process.version}, ` +
      '@stoqey/ib 1.6.10, wire = PLACE_ORDER read by a relay in front of the TWS API simulator',
  );
  console.log(
    `${''.padEnd(26)}${'wire p50'.padStart(11)}${'wire p99'.padStart(11)}   ${'answer p50'.padStart(11)}${'answer p99'.padStart(11)}`,
  );
  const rows: [string, Sample[]][] = [
    ['adapter submit -> wire', run.adapter],
    ['stoqey placeOrder -> wire', run.stoqey],
  ];
  for (const [what, xs] of rows) {
    const w = xs.map((s) => s.wire);
    const a = xs.map((s) => s.answer);
    console.log(`${what.padEnd(26)}${ms(pct(w, 50))}${ms(pct(w, 99))}   ${ms(pct(a, 50))}${ms(pct(a, 99))}`);
  }
  const aw = run.adapter.map((s) => s.wire);
  const sw = run.stoqey.map((s) => s.wire);
  console.log(
    `${'adapter / stoqey (wire)'.padEnd(26)}ratio p50 ${(pct(aw, 50) / pct(sw, 50)).toFixed(2)}  p99 ${(pct(aw, 99) / pct(sw, 99)).toFixed(2)}   ` +
      `adds p50 ${(pct(aw, 50) - pct(sw, 50)).toFixed(3)} ms  p99 ${(pct(aw, 99) - pct(sw, 99)).toFixed(3)} ms`,
  );
  const shared = rows.map(([what, xs]) => `${what.split(' ->')[0]} ${xs.filter((x) => x.others > 0).length}`);
  console.log(`orders with another message read before theirs: ${shared.join(', ')}`);
  const counts = new Map<string, number>();
  for (const kind of run.requests) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  console.log(`relay read (message id: count): ${[...counts].map(([k, n]) => `${k}: ${n}`).join(', ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ORDERS = Number(process.argv[2] ?? 1000);
  const WARMUP = Number(process.argv[3] ?? 50);
  const now = () => performance.timeOrigin + performance.now();
  const run = await benchIb({ orders: ORDERS, warmup: WARMUP, now });
  printIb(run, ORDERS, WARMUP);
}
