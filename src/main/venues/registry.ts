// The live venues of one engine, by name: each live adapter behind its execution bridge, connected,
// reconciled at start and after every reconnect (REDUCING there until done), its dead-man switch kept
// armed, and what the Venues panel shows (the host's VenueDesk). Created before the engine (the engine
// takes the bridges), started with it.
//
// Routing is the host's (armLive routes to every live venue): the registry tells the engine when a venue
// is not ready (setVenueReconciling: while reconciling, and from a lost connection until it is back and
// reconciled), so entries there are refused (or go to its fallback) and exits go through.
//
// Symbols: the engine's records are in Braid's symbols (`BTC/USD`), a venue's reports in its own
// (`BTC/USDC:USDC`, config `instruments[S].venueSymbols`). The engine sends orders under the venue's name;
// what the registry reads from the engine for a venue is put in the venue's names, and what it gives the
// engine (quotes, external orders, position mismatches) back in Braid's.
//
// New credentials from the desktop app's Venues panel take effect at once: the slot's adapter is replaced
// behind a stand-in the bridge holds (the engine took the bridge at start), the old one disarmed and
// disconnected, the new one connected and reconciled as after a reconnect.
import type { VenueView } from '../../shared/contract.ts';
import { type BraidConfig, venueSymbolOf } from '../../shared/domain/config.ts';
import type { BrokerDayTrades, EngineSnapshot } from '../../shared/domain/engine-view.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { Quote } from '../engine/port.ts';
import type { VenueEvent as EngineVenueEvent } from '../engine/venues/venue.ts';
import { PAPER_VIEW, type VenueDesk } from '../host/venue-desk.ts';
import { backoffDelay, QUERY_BACKOFF, realTimers, type Timers } from './backoff.ts';
import { type AdoptedOrder, type BridgeNotice, ExecutionBridge } from './execution-bridge.ts';
import {
  compareHoldings,
  type EngineOrderView,
  fillCursorSince,
  type Holdings,
  isWorkingStatus,
  ordersToQuery,
  reconcile,
} from './reconcile.ts';
import type { LiveVenue, VenueEvent, VenueOrderReport, VenueOutcome, VenueRead } from './venue.ts';
import { type VenueSeat, venueSeat } from './venue-seat.ts';

/** What the registry needs of the engine (EnginePort has it all). */
export interface RegistryEngine {
  snapshot(): EngineSnapshot;
  /** A live quote: marks, entry conditions, trailing stops, the paper venue's fills in PAPER. */
  onQuote?(quote: Quote): void;
  /** A broker's own day-trade count (IB's account summary), or null to forget it. */
  setBrokerDayTrades?(report: BrokerDayTrades | null): void;
  /** `why`: what an entry sent to the venue's fallback meanwhile records (reconciling unless told). */
  setVenueReconciling(venue: string, reconciling: boolean, now: number, why?: NotReady): Result<null>;
}

/** Why a venue is not ready: reconciling (start, reconnect) or its connection lost. */
export type NotReady = 'reconciling' | 'disconnected';

export interface CredentialStore {
  set(venue: string, apiKey: string, apiSecret: string): Promise<Result<null>>;
}

/** A venue's key pair as the Venues panel gives it. */
export interface VenueKeys {
  apiKey: string;
  apiSecret: string;
}

/** Builds a venue's adapter for new credentials (no I/O: connect does it); refuses malformed ones. */
export type VenueFactory = (venue: string, keys: VenueKeys) => Result<LiveVenue>;

export interface VenueRegistryOptions {
  config: BraidConfig;
  liveVenues: LiveVenue[];
  /** Wall clock (epoch ms): reconciliation times, latency, event times. */
  now: () => number;
  timers?: Timers;
  random?: () => number;
  log?: (line: string) => void;
  /** Which venues have credentials now (headless: from the environment). */
  credentials?: Record<string, VenueView['credentials']>;
  /** The desktop app's safeStorage vault; absent (headless): credentials come from the environment only. */
  credentialStore?: CredentialStore;
  /** With a credential store: the adapter for credentials just stored, which replaces the running one.
   *  Absent: stored credentials take effect at the next start. */
  venueFor?: VenueFactory;
  /** Config `risk.scaleDownOnInsufficientFunds` (until the config carries it). */
  scaleDownOnInsufficientFunds?: boolean;
  /** How far before the last booked fill the fill query starts (venue clocks, late bookings). */
  fillMarginMs?: number;
  /** Quotes read from the venues for these symbols every `everyMs` and given to the engine (each venue
   *  quotes the ones it lists). */
  quotes?: { symbols: string[]; everyMs: number };
  /** How long cancelAllEverywhere waits for the venues' answers. */
  cancelAllWaitMs?: number;
  /** Runs a bridge delivery out of the caller's stack (setImmediate by default). */
  defer?: (fn: () => void) => void;
  /** How often funding on perpetual positions (Hyperliquid pays hourly) and a broker's account summary
   *  (IB's day-trade count) are read between reconciliations. */
  fundingEveryMs?: number;
}

export interface VenueRegistry extends VenueDesk {
  /** The execution bridges, for createEngine({ venues }). */
  bridges(): ExecutionBridge[];
  /** Connects every venue and reconciles each; resolves when each has connected and reconciled once or
   *  failed its first try (retries go on). */
  start(engine: RegistryEngine): Promise<void>;
  /** Stops retries and refreshes, disarms the dead-man switches, disconnects. */
  stop(): Promise<void>;
  /** Live venues orders can go to now (connected and reconciled). */
  ready(): string[];
  /** Reconciles one venue now (a reconnect does it by itself). */
  reconcile(venue: string): Promise<Result<null>>;
  /** The kill switch's cancel-all at every venue that has one, ahead of queued commands. Call it right
   *  after engine.kill, so the engine's own cancels (queued) are folded into it. */
  cancelAllEverywhere(): Promise<void>;
  /** What each venue's last cancel-all came to (tests, logs). */
  lastCancelAll(): { venue: string; outcome: VenueOutcome['kind']; message?: string }[];
}

interface Slot {
  name: string;
  /** The adapter now behind the seat. */
  live: LiveVenue;
  /** What the bridge and the registry's listener hold: follows `live` when it is replaced. */
  seat: VenueSeat;
  /** Bumped when the adapter is replaced: an answer the old one gives after that is not acted on. */
  generation: number;
  /** Replacements one after the other (two saves in a row). */
  replacing: Promise<void>;
  bridge: ExecutionBridge;
  connected: boolean;
  /** Not ready for entries (reconciling, or disconnected until reconciled again), and why. */
  reconciling: boolean;
  why: NotReady;
  /** Braid's symbol to the venue's, and back (config venueSymbols; a symbol not named is the same). */
  toVenue: (symbol: string) => string;
  toBraid: (symbol: string) => string;
  /** Reconciled since it last connected: orders may go there. */
  reconciled: boolean;
  lastReconciledAt: number | null;
  credentials: VenueView['credentials'];
  deadMan: VenueView['deadMan'];
  deadManSeconds: number;
  deadManTimer: unknown;
  quoteTimer: unknown;
  fundingTimer: unknown;
  quoting: boolean;
  detail: string | undefined;
  run: Promise<void> | null;
  again: boolean;
  /** Connection losses so far, and how many there had been when the running reconciliation began. */
  losses: number;
  runFromLoss: number;
  /** Inside connect(): its own events do not start a reconciliation (connect() does, once). */
  connecting: boolean;
  retryTimer: unknown;
  attempt: number;
  /** The last mismatch shown per symbol: a spot balance that disagrees the same way is said once. */
  mismatches: Map<string, string>;
  disposeEvents: () => void;
}

const FILL_MARGIN_MS = 5 * 60_000;
/** The environment variables a venue's headless credentials come from, where they are not API_KEY/SECRET. */
const ENV_NAMES: Record<string, string> = {
  hyperliquid: 'BRAID_HYPERLIQUID_ACCOUNT and BRAID_HYPERLIQUID_PRIVATE_KEY',
};
/** The kill command waits this long for the venues' cancel-all; a throttled one goes on trying after. */
const CANCEL_ALL_WAIT_MS = 5_000;
const RETRY = { ...QUERY_BACKOFF, baseMs: 1_000, maxMs: 30_000 };
const FUNDING_EVERY_MS = 5 * 60_000;

/** A venue that pays funding on perpetual positions (Hyperliquid): an adapter extra, not the port's. */
interface FundingReader {
  fundingSince(since: number): Promise<VenueRead<Array<{ symbol: string; time: number; amount: string }>>>;
}
/** A broker that counts the account's day trades itself (IB's account summary): an adapter extra. */
interface BrokerAccountReader {
  accountSummary(): Promise<VenueRead<{ dayTradesRemaining: number | null; equity: string | null }>>;
}
const brokerAccountOf = (live: LiveVenue): BrokerAccountReader | undefined =>
  typeof (live as Partial<BrokerAccountReader>).accountSummary === 'function'
    ? (live as unknown as BrokerAccountReader)
    : undefined;
const fundingReaderOf = (live: LiveVenue): FundingReader | undefined =>
  typeof (live as Partial<FundingReader>).fundingSince === 'function'
    ? (live as unknown as FundingReader)
    : undefined;

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

const deadManOf = (live: LiveVenue): VenueView['deadMan'] =>
  live.capabilities.deadManSwitch && live.armDeadMan !== undefined
    ? { state: 'off' }
    : { state: 'unsupported' };

export function createVenueRegistry(options: VenueRegistryOptions): VenueRegistry {
  const timers = options.timers ?? realTimers;
  const random = options.random ?? Math.random;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now;
  const fillMarginMs = options.fillMarginMs ?? FILL_MARGIN_MS;
  const cancelAllWaitMs = options.cancelAllWaitMs ?? CANCEL_ALL_WAIT_MS;
  const fundingEveryMs = options.fundingEveryMs ?? FUNDING_EVERY_MS;

  /** The outcome, or `unknown` once `ms` have passed (the request goes on). */
  const answerWithin = (outcome: Promise<VenueOutcome>, ms: number): Promise<VenueOutcome> =>
    new Promise((resolve) => {
      const timer = timers.setTimeout(
        () => resolve({ kind: 'unknown', message: `no answer within ${ms} ms; still trying` }),
        ms,
      );
      void outcome.then((o) => {
        timers.clearTimeout(timer);
        resolve(o);
      });
    });
  const listeners = new Set<() => void>();
  let engine: RegistryEngine | null = null;
  let running = false;
  let cancelAllResults: { venue: string; outcome: VenueOutcome['kind']; message?: string }[] = [];
  const slots = new Map<string, Slot>();

  const changed = () => {
    for (const l of [...listeners]) {
      try {
        l();
      } catch (e) {
        log(`braid: venues: a listener failed: ${describe(e)}`);
      }
    }
  };

  /** Every order the engine holds on the slot's venue, as reconciliation sees them (the venue's symbols). */
  const engineOrders = (snapshot: EngineSnapshot, slot: Slot): EngineOrderView[] =>
    snapshot.orders
      .filter((o) => o.venue === slot.name)
      .map((o) => ({
        id: o.id,
        ...(o.venueOrderId !== undefined ? { venueOrderId: o.venueOrderId } : {}),
        status: o.status,
        symbol: slot.toVenue(o.symbol),
        side: o.side,
        quantity: o.quantity,
        filledQuantity: o.filledQuantity,
        ...(o.price !== undefined ? { price: o.price } : {}),
      }));

  for (const live of options.liveVenues) {
    const name = live.name;
    const venueConfig = (options.config.venues as Record<string, { deadManSeconds?: number } | undefined>)[
      name
    ];
    const seat = venueSeat(live);
    const { toVenue, toBraid, overrides } = symbolMaps(options.config, name);
    const bridge = new ExecutionBridge({
      live: seat,
      now,
      timers,
      random,
      // The config's tick and lot, under the venue's names (the bridge sends and reads in those).
      instruments: overrides,
      toBraidSymbol: toBraid,
      scaleDownOnInsufficientFunds: options.scaleDownOnInsufficientFunds ?? false,
      onNotice: (n) => onBridgeNotice(name, n),
      ...(options.defer ? { defer: options.defer } : {}),
    });
    const deadManSeconds = venueConfig?.deadManSeconds ?? 0;
    const slot: Slot = {
      name,
      live,
      seat,
      generation: 0,
      replacing: Promise.resolve(),
      bridge,
      connected: false,
      reconciling: false,
      why: 'reconciling',
      toVenue,
      toBraid,
      reconciled: false,
      lastReconciledAt: null,
      credentials: options.credentials?.[name] ?? 'missing',
      deadMan: deadManOf(live),
      deadManSeconds,
      deadManTimer: null,
      quoteTimer: null,
      fundingTimer: null,
      quoting: false,
      detail: undefined,
      run: null,
      again: false,
      losses: 0,
      runFromLoss: 0,
      connecting: false,
      retryTimer: null,
      attempt: 0,
      mismatches: new Map(),
      disposeEvents: () => {},
    };
    slot.disposeEvents = seat.onEvent((e) => onVenueEvent(slot, e));
    slots.set(name, slot);
  }

  function onBridgeNotice(venue: string, n: BridgeNotice): void {
    log(`braid: ${venue}: ${n.code}: ${n.message}`);
    if (n.level === 'error') {
      const slot = slots.get(venue);
      if (slot) {
        slot.detail = n.message;
        changed();
      }
    }
  }

  // ------------------------------------------------------------------------------ readiness

  const ready = (): string[] =>
    [...slots.values()].filter((s) => s.connected && s.reconciled && !s.reconciling).map((s) => s.name);

  /** `why` only while not ready; a new reason for a venue still not ready is passed on too (a fallback
   *  order records it). */
  function setReconciling(slot: Slot, on: boolean, why: NotReady = 'reconciling'): void {
    if (slot.reconciling === on && (!on || slot.why === why)) return;
    slot.reconciling = on;
    if (on) slot.why = why;
    if (engine) {
      const result = on
        ? engine.setVenueReconciling(slot.name, true, now(), why)
        : engine.setVenueReconciling(slot.name, false, now());
      if (!result.ok) log(`braid: ${slot.name}: ${result.error.message}`);
    }
    changed();
  }

  // ------------------------------------------------------------------------------ connection

  function onVenueEvent(slot: Slot, e: VenueEvent): void {
    if (!running) return;
    if (e.type === 'connection') {
      if (e.detail !== undefined) slot.detail = e.detail;
      if (e.state === 'connected') {
        slot.detail = undefined;
        // connect() reconciles what it connected; an adapter that came back by itself is reconciled here.
        if (!slot.connecting && !slot.connected && slot.retryTimer === null) {
          slot.connected = true;
          void requestReconcile(slot);
        }
      } else if (e.state === 'disconnected' || e.state === 'failed') {
        if (slot.connected) {
          slot.connected = false;
          slot.reconciled = false;
          slot.losses++;
          // Not ready until reconciled again: entries there wait (REDUCING), exits go through.
          setReconciling(slot, true, 'disconnected');
        }
      }
      changed();
      return;
    }
    if (e.type === 'reconnected') {
      if (slot.connecting) return;
      slot.connected = true;
      slot.reconciled = false;
      void requestReconcile(slot);
      return;
    }
    if (e.type === 'notice' && e.level !== 'info') {
      slot.detail = e.message;
      changed();
    }
  }

  async function connect(slot: Slot): Promise<void> {
    if (!running || !engine) return;
    // A venue already not ready keeps its reason (a lost connection stays `disconnected` until reconciled).
    setReconciling(slot, true, slot.reconciling ? slot.why : 'reconciling');
    // Before the first poll's reports: the engine's orders there are Braid's, not external.
    slot.bridge.adopt(adoptable(engine.snapshot(), slot));
    let result: Awaited<ReturnType<LiveVenue['connect']>>;
    const { live, generation } = slot;
    slot.connecting = true;
    try {
      result = await live.connect();
    } catch (e) {
      result = { ok: false, message: describe(e), retryable: true };
    } finally {
      if (slot.generation === generation) slot.connecting = false;
    }
    if (slot.generation !== generation) {
      // Replaced while connecting (new credentials): this adapter is not used any more.
      if (result.ok) await disconnectQuietly(slot.name, live);
      return;
    }
    if (!running) return;
    if (!result.ok) {
      slot.detail = result.message;
      log(`braid: ${slot.name}: cannot connect: ${result.message}`);
      // Not reached: an entry sent to the fallback meanwhile records it as disconnected, not reconciling.
      setReconciling(slot, true, 'disconnected');
      changed();
      // A refusal that asking again cannot change (a bad key, missing credentials) waits for the operator.
      if (result.retryable) scheduleRetry(slot, () => connect(slot));
      return;
    }
    slot.attempt = 0;
    slot.connected = true;
    slot.detail = undefined;
    await armDeadMan(slot);
    await requestReconcile(slot);
  }

  function scheduleRetry(slot: Slot, again: () => Promise<void>): void {
    if (!running || slot.retryTimer !== null) return;
    const wait = backoffDelay(RETRY, slot.attempt++, random);
    slot.retryTimer = timers.setTimeout(() => {
      slot.retryTimer = null;
      void again();
    }, wait);
  }

  // ------------------------------------------------------------------------------ dead-man switch

  async function armDeadMan(slot: Slot): Promise<void> {
    const arm = slot.live.armDeadMan?.bind(slot.live);
    if (!arm || slot.deadMan.state === 'unsupported' || slot.deadManSeconds <= 0 || !running) return;
    if (slot.deadManTimer !== null) timers.clearTimeout(slot.deadManTimer);
    slot.deadManTimer = null;
    const { generation } = slot;
    let read: Awaited<ReturnType<NonNullable<LiveVenue['armDeadMan']>>>;
    try {
      read = await arm(slot.deadManSeconds);
    } catch (e) {
      read = { ok: false, message: describe(e), retryable: true };
    }
    if (!running || slot.generation !== generation) return;
    if (read.ok) {
      slot.deadMan = { state: 'armed', seconds: slot.deadManSeconds, triggerAt: read.value.triggerTime };
    } else if (!read.retryable) {
      // Refused for good (Hyperliquid's small-account rule): said in the Venues panel, not retried, and
      // the venue trades on without it.
      slot.deadMan = { state: 'unavailable', reason: read.message };
      log(`braid: ${slot.name}: dead-man switch unavailable: ${read.message}`);
      changed();
      return;
    } else {
      // The venue may cancel everything when the last arming runs out: said, and tried again next time.
      slot.detail = `the dead-man switch was not refreshed: ${read.message}`;
      log(`braid: ${slot.name}: ${slot.detail}`);
    }
    changed();
    // A quarter of the timeout: one or two lost refreshes are survived.
    const every = Math.max(1_000, Math.floor((slot.deadManSeconds * 1_000) / 4));
    slot.deadManTimer = timers.setTimeout(() => {
      slot.deadManTimer = null;
      void armDeadMan(slot);
    }, every);
  }

  // ------------------------------------------------------------------------------ market data

  const isReady = (slot: Slot) => slot.connected && slot.reconciled && !slot.reconciling;
  const lists = (slot: Slot, symbol: string) => slot.bridge.instrument(slot.toVenue(symbol)) !== undefined;

  /** The one venue that quotes `symbol` now, so marks do not alternate between two markets: the default
   *  venue's when it lists the symbol and is ready, else the first ready venue that lists it. */
  function quoterOf(symbol: string): Slot | undefined {
    const preferred =
      options.config.defaultVenue === undefined ? undefined : slots.get(options.config.defaultVenue);
    if (preferred && isReady(preferred) && lists(preferred, symbol)) return preferred;
    return [...slots.values()].find((s) => isReady(s) && lists(s, symbol));
  }

  /** One round of quotes for the configured symbols this venue quotes, then the next in `everyMs`. */
  async function quote(slot: Slot): Promise<void> {
    const q = options.quotes;
    if (!q || !running || !engine?.onQuote) return;
    for (const symbol of q.symbols) {
      if (!running) return;
      if (quoterOf(symbol) !== slot) continue;
      let read: Awaited<ReturnType<LiveVenue['ticker']>>;
      try {
        read = await slot.live.ticker(slot.toVenue(symbol));
      } catch (e) {
        read = { ok: false, message: describe(e), retryable: true };
      }
      // A missed quote is made up by the next one; a venue that is down says so elsewhere. The engine
      // marks Braid's symbol.
      if (read.ok && running) engine.onQuote({ ...read.value, symbol });
    }
    if (!running) return;
    slot.quoteTimer = timers.setTimeout(() => {
      slot.quoteTimer = null;
      void quote(slot);
    }, q.everyMs);
  }

  // ------------------------------------------------------------------------------ reconciliation

  /** One reconciliation at a time per venue; asked for while one runs, it runs again only if the
   *  connection was lost since that one began reading (what it read may be stale). */
  function requestReconcile(slot: Slot): Promise<void> {
    if (slot.run !== null) {
      if (slot.runFromLoss < slot.losses) slot.again = true;
      return slot.run;
    }
    const run = (async () => {
      do {
        slot.again = false;
        slot.runFromLoss = slot.losses;
        await reconcileNow(slot);
      } while (slot.again && running);
    })();
    slot.run = run;
    void run.finally(() => {
      if (slot.run === run) slot.run = null;
    });
    return run;
  }

  async function reconcileNow(slot: Slot): Promise<void> {
    if (!running || !engine) return;
    setReconciling(slot, true);
    const { generation } = slot;
    const done = await reconcileOnce(slot, engine);
    // Replaced meanwhile: the new adapter's connect reconciles what it connected.
    if (!running || slot.generation !== generation) return;
    if (!done.ok) {
      slot.detail = `reconciliation failed: ${done.error.message}`;
      log(`braid: ${slot.name}: ${slot.detail}; trying again`);
      changed();
      scheduleRetry(slot, () => requestReconcile(slot));
      return;
    }
    slot.attempt = 0;
    slot.reconciled = true;
    slot.lastReconciledAt = now();
    setReconciling(slot, false);
    if (!slot.quoting) {
      slot.quoting = true;
      void quote(slot);
    }
    scheduleFunding(slot);
  }

  /** One reconciliation: read the venue, then the engine, and apply the difference through the bridge. */
  async function reconcileOnce(slot: Slot, eng: RegistryEngine): Promise<Result<null>> {
    const { bridge, live, name } = slot;
    try {
      const loaded = await bridge.loadInstruments();
      if (!loaded.ok) return err('venue_unavailable', `instruments: ${loaded.message}`);
      const before = eng.snapshot();
      const ordersBefore = engineOrders(before, slot);
      bridge.adopt(adoptable(before, slot));
      const since = fillCursorSince({
        lastFillTime: lastFillTime(before, name),
        oldestWorkingCreatedAt: oldestWorking(before, name),
        now: now(),
        marginMs: fillMarginMs,
      });
      const mass = await live.massStatus({ since });
      if (!mass.ok) return err('venue_unavailable', `mass status: ${mass.message}`);
      const ended: VenueOrderReport[] = [];
      const missing: string[] = [];
      for (const o of ordersToQuery(ordersBefore, mass.value.openOrders)) {
        // An order the bridge is still sending or asking about is the bridge's to settle.
        if (bridge.settling(o.id)) continue;
        const read = await live.orderStatus({
          clientOrderId: o.id,
          ...(o.venueOrderId !== undefined ? { venueOrderId: o.venueOrderId } : {}),
        });
        if (!read.ok) return err('venue_unavailable', `order ${o.id}: ${read.message}`);
        if (read.value === null) missing.push(o.id);
        else ended.push(read.value);
      }
      if (!running) return ok(null);
      // The engine read again after the venue: orders placed meanwhile are known, not external.
      const after = eng.snapshot();
      const result = reconcile({
        engineOrders: engineOrders(after, slot),
        // The journal's trade ids on this venue (fills of live venues carry them).
        bookedTradeIds: new Set(
          after.fills.flatMap((f) => (f.venue === name && f.tradeId !== undefined ? [f.tradeId] : [])),
        ),
        mass: mass.value,
        ended,
        missing,
        time: now(),
      });
      for (const n of result.notices) log(`braid: ${name}: reconciliation: ${n.code}: ${n.message}`);
      // Orders the venue ended: the bridge stops following them; a fill booked twice is dropped by trade id.
      await bridge.deliver(result.events.map((e) => inBraidSymbols(e, slot.toBraid)));
      if (!running) return ok(null);
      await finishLostRequests(slot, eng, mass.value.openOrders);
      if (!running) return ok(null);
      await compareAfter(slot, eng, mass.value);
      if (!running) return ok(null);
      await bookFunding(slot, eng);
      if (!running) return ok(null);
      await readBrokerAccount(slot, eng);
      return ok(null);
    } catch (e) {
      return err('internal', describe(e));
    }
  }

  /**
   * A cancel or a change the engine asked for that no request carries any more (Braid stopped before it
   * went, or its answer went with the connection) while the venue still works the order: the cancel is
   * sent again (cancelling twice is harmless); the change is refused back to the engine, which shows the
   * order working as the venue has it, for the operator to change again.
   */
  async function finishLostRequests(
    slot: Slot,
    eng: RegistryEngine,
    open: VenueOrderReport[],
  ): Promise<void> {
    const atVenue = new Set<string>();
    for (const r of open) {
      if (r.clientOrderId !== undefined) atVenue.add(`c:${r.clientOrderId}`);
      atVenue.add(`v:${r.venueOrderId}`);
    }
    const refused: EngineVenueEvent[] = [];
    for (const o of eng.snapshot().orders) {
      if (o.venue !== slot.name || slot.bridge.commandPending(o.id)) continue;
      const working =
        atVenue.has(`c:${o.id}`) || (o.venueOrderId !== undefined && atVenue.has(`v:${o.venueOrderId}`));
      if (!working) continue;
      if (o.status === 'pending_cancel') {
        log(`braid: ${slot.name}: ${o.id} still works there: its cancel is sent again`);
        slot.bridge.cancel(o.id, now());
      } else if (o.status === 'pending_modify') {
        refused.push({
          type: 'modify_rejected',
          clientOrderId: o.id,
          reason: 'the change was not confirmed by the venue before the connection was lost; change it again',
          time: now(),
        });
      }
    }
    if (refused.length > 0) await slot.bridge.deliver(refused);
  }

  /** Holdings against the engine's positions once the found fills are booked (the engine dedupes them
   *  by trade id, so its positions are the ones to compare). */
  async function compareAfter(
    slot: Slot,
    eng: RegistryEngine,
    mass: Parameters<typeof compareHoldings>[0]['mass'],
  ): Promise<void> {
    const snapshot = eng.snapshot();
    const orders = snapshot.orders.filter((o) => o.venue === slot.name);
    const plansHere = new Set(orders.filter((o) => o.role === 'entry').map((o) => o.planId));
    // Compared in the venue's symbols (its positions are in those); mismatches told in Braid's.
    const positions = snapshot.positions
      .filter((p) => plansHere.has(p.planId))
      .map((p) => ({
        symbol: slot.toVenue(p.symbol),
        quantity: p.side === 'short' ? `-${p.quantity}` : p.quantity,
      }));
    const symbols = [...new Set(orders.map((o) => slot.toVenue(o.symbol)))];
    let holdings: Holdings;
    if (mass.positions.length > 0) {
      holdings = { kind: 'positions' };
    } else {
      const bases: Record<string, string> = {};
      for (const s of symbols) {
        const base = slot.bridge.instrument(s)?.base;
        if (base !== undefined) bases[s] = base;
      }
      holdings = { kind: 'spot', bases };
    }
    const result = compareHoldings({
      enginePositions: positions,
      engineSymbols: symbols,
      mass,
      holdings,
      time: now(),
    });
    const fresh: EngineVenueEvent[] = [];
    const seen = new Set<string>();
    for (const venueEvent of result.events) {
      const e = inBraidSymbols(venueEvent, slot.toBraid);
      if (e.type !== 'position_mismatch') continue;
      seen.add(e.symbol);
      const key = `${e.venueQuantity}|${e.engineQuantity}`;
      if (slot.mismatches.get(e.symbol) === key) continue;
      slot.mismatches.set(e.symbol, key);
      fresh.push(e);
    }
    for (const symbol of [...slot.mismatches.keys()]) if (!seen.has(symbol)) slot.mismatches.delete(symbol);
    if (fresh.length > 0) {
      for (const n of result.notices) log(`braid: ${slot.name}: ${n.message}`);
      await slot.bridge.deliver(fresh);
    }
  }

  // ------------------------------------------------------------------------------ funding

  /**
   * Funding paid or received on Braid's perpetual positions at this venue since each opened, for the
   * engine to book (once: it keeps the time of the last payment booked per position). Read at every
   * reconciliation and every `fundingEveryMs` while connected; a failed read is made up by the next.
   */
  async function bookFunding(slot: Slot, eng: RegistryEngine): Promise<void> {
    const reader = fundingReaderOf(slot.live);
    if (!reader) return;
    const snapshot = eng.snapshot();
    const plansHere = new Set(
      snapshot.orders.filter((o) => o.venue === slot.name && o.role === 'entry').map((o) => o.planId),
    );
    const opened = new Map<string, number>();
    for (const p of snapshot.positions) if (plansHere.has(p.planId)) opened.set(p.symbol, p.openedAt);
    if (opened.size === 0) return;
    let read: Awaited<ReturnType<FundingReader['fundingSince']>>;
    try {
      read = await reader.fundingSince(Math.min(...opened.values()));
    } catch (e) {
      read = { ok: false, message: describe(e), retryable: true };
    }
    if (!read.ok) {
      log(`braid: ${slot.name}: funding not read: ${read.message}`);
      return;
    }
    const events: EngineVenueEvent[] = [];
    for (const payment of [...read.value].sort((a, b) => a.time - b.time)) {
      const symbol = slot.toBraid(payment.symbol);
      const since = opened.get(symbol);
      // A payment on an earlier position in the same market is not this one's.
      if (since === undefined || payment.time < since) continue;
      events.push({ type: 'funding', symbol, amount: payment.amount, time: payment.time });
    }
    if (events.length > 0 && running) await slot.bridge.deliver(events);
  }

  /** The broker's own day-trade count and equity (IB), read at every reconciliation and with funding. */
  async function readBrokerAccount(slot: Slot, eng: RegistryEngine): Promise<void> {
    const reader = brokerAccountOf(slot.live);
    if (!reader || !eng.setBrokerDayTrades) return;
    let read: Awaited<ReturnType<BrokerAccountReader['accountSummary']>>;
    try {
      read = await reader.accountSummary();
    } catch (e) {
      read = { ok: false, message: describe(e), retryable: true };
    }
    if (!read.ok) {
      log(`braid: ${slot.name}: account summary not read: ${read.message}`);
      return;
    }
    if (!running) return;
    eng.setBrokerDayTrades({
      venue: slot.name,
      remaining: read.value.dayTradesRemaining,
      equity: read.value.equity,
      at: now(),
    });
  }

  function scheduleFunding(slot: Slot): void {
    const reads = fundingReaderOf(slot.live) !== undefined || brokerAccountOf(slot.live) !== undefined;
    if (!running || !reads || slot.fundingTimer !== null) return;
    slot.fundingTimer = timers.setTimeout(() => {
      slot.fundingTimer = null;
      if (!running || !engine) return;
      const eng = engine;
      const done = isReady(slot)
        ? bookFunding(slot, eng).then(() => readBrokerAccount(slot, eng))
        : Promise.resolve();
      void done.finally(() => scheduleFunding(slot));
    }, fundingEveryMs);
  }

  // ------------------------------------------------------------------------------ new credentials

  async function disconnectQuietly(name: string, live: LiveVenue): Promise<void> {
    try {
      await live.disconnect();
    } catch (e) {
      log(`braid: ${name}: disconnect failed: ${describe(e)}`);
    }
  }

  /**
   * The slot's adapter replaced by `next` (new credentials): entries there wait (REDUCING) from now; the
   * old one is disarmed (its dead-man switch would cancel every resting order once no one refreshes it)
   * and disconnected; the new one then connects and reconciles as after a reconnect, in the background.
   */
  async function replaceVenue(slot: Slot, next: LiveVenue): Promise<void> {
    const old = slot.live;
    const wasConnected = slot.connected;
    slot.generation++;
    // Until the new adapter connects, the old one's connection events start nothing.
    slot.connecting = true;
    for (const timer of [slot.retryTimer, slot.deadManTimer]) if (timer !== null) timers.clearTimeout(timer);
    slot.retryTimer = null;
    slot.deadManTimer = null;
    if (slot.connected) {
      slot.connected = false;
      slot.reconciled = false;
      slot.losses++;
    }
    if (running) setReconciling(slot, true);
    // The old adapter keeps serving the bridge until it is gone (its answers still count: same account).
    if (slot.deadMan.state === 'armed' && wasConnected && old.armDeadMan) {
      try {
        const off = await old.armDeadMan(0);
        if (!off.ok) log(`braid: ${slot.name}: the old key's dead-man switch is still armed: ${off.message}`);
      } catch (e) {
        log(`braid: ${slot.name}: the old key's dead-man switch is still armed: ${describe(e)}`);
      }
    }
    await disconnectQuietly(slot.name, old);
    slot.live = next;
    slot.seat.replace(next);
    slot.deadMan = deadManOf(next);
    slot.detail = undefined;
    slot.attempt = 0;
    slot.connecting = false;
    changed();
    if (running) void connect(slot);
  }

  // ------------------------------------------------------------------------------ the desk

  const view = (slot: Slot): VenueView => {
    const health = slot.live.health();
    const detail = slot.detail ?? health.detail;
    return {
      name: slot.name,
      // Ready for orders; the host says whether orders go there (LIVE armed).
      live: slot.connected && slot.reconciled && !slot.reconciling,
      state: health.state,
      reconciling: slot.reconciling,
      lastReconciledAt: slot.lastReconciledAt,
      latencyMs: health.latencyMs,
      rateBudgetUsed: health.rateBudgetUsed,
      credentials: slot.credentials,
      deadMan: slot.deadMan,
      ...(detail !== undefined ? { detail } : {}),
    };
  };

  return {
    bridges: () => [...slots.values()].map((s) => s.bridge),

    async start(eng) {
      if (running) return;
      engine = eng;
      running = true;
      await Promise.all([...slots.values()].map((s) => connect(s)));
    },

    async stop() {
      if (!running) return;
      running = false;
      await Promise.all(
        [...slots.values()].map(async (slot) => {
          slot.disposeEvents();
          slot.bridge.dispose();
          if (slot.retryTimer !== null) timers.clearTimeout(slot.retryTimer);
          slot.retryTimer = null;
          if (slot.deadManTimer !== null) timers.clearTimeout(slot.deadManTimer);
          slot.deadManTimer = null;
          if (slot.quoteTimer !== null) timers.clearTimeout(slot.quoteTimer);
          slot.quoteTimer = null;
          if (slot.fundingTimer !== null) timers.clearTimeout(slot.fundingTimer);
          slot.fundingTimer = null;
          // A clean stop: left armed, the switch would cancel every resting order (stops included).
          if (slot.deadMan.state === 'armed' && slot.connected && slot.live.armDeadMan) {
            try {
              const off = await slot.live.armDeadMan(0);
              if (off.ok) slot.deadMan = { state: 'off' };
              else log(`braid: ${slot.name}: the dead-man switch is still armed: ${off.message}`);
            } catch (e) {
              log(`braid: ${slot.name}: the dead-man switch is still armed: ${describe(e)}`);
            }
          }
          try {
            await slot.live.disconnect();
          } catch (e) {
            log(`braid: ${slot.name}: disconnect failed: ${describe(e)}`);
          }
          slot.connected = false;
        }),
      );
      listeners.clear();
    },

    ready,

    async reconcile(venue) {
      const slot = slots.get(venue);
      if (!slot) return err('venue_not_configured', `${venue} is not configured`);
      if (!running) return err('venue_unavailable', 'the venues are not started');
      await requestReconcile(slot);
      return slot.reconciled
        ? ok(null)
        : err('venue_unavailable', slot.detail ?? `${venue} is not reconciled`);
    },

    async cancelAllEverywhere() {
      cancelAllResults = await Promise.all(
        [...slots.values()]
          .filter((s) => s.live.capabilities.cancelAll)
          .map(async (s) => {
            const outcome = await answerWithin(s.bridge.cancelAll(), cancelAllWaitMs);
            if (outcome.kind !== 'accepted')
              log(`braid: ${s.name}: cancel-all: ${outcome.kind}: ${outcome.message}`);
            return {
              venue: s.name,
              outcome: outcome.kind,
              ...(outcome.kind !== 'accepted' ? { message: outcome.message } : {}),
            };
          }),
      );
    },

    lastCancelAll: () => cancelAllResults,

    list: () => [PAPER_VIEW, ...[...slots.values()].map(view)],

    async test(venue) {
      if (venue === 'paper') return ok({ latencyMs: 0 });
      const slot = slots.get(venue);
      if (!slot)
        return err('venue_not_configured', `${venue} is not configured: add venues.${venue} to the config`);
      const started = now();
      let read: Awaited<ReturnType<LiveVenue['balances']>>;
      try {
        read = await slot.live.balances();
      } catch (e) {
        read = { ok: false, message: describe(e), retryable: true };
      }
      const latencyMs = Math.max(0, now() - started);
      if (!read.ok) {
        slot.detail = read.message;
        changed();
        return err('venue_unavailable', `${venue}: ${read.message}`);
      }
      changed();
      return ok({ latencyMs });
    },

    async setCredentials(venue, apiKey, apiSecret) {
      const slot = slots.get(venue);
      if (venue === 'paper') return err('venue_not_configured', 'the paper venue needs no credentials');
      if (!slot)
        return err('venue_not_configured', `${venue} is not configured: add venues.${venue} to the config`);
      if (!options.credentialStore) {
        return err(
          'credentials_from_environment',
          `braid serve reads ${venue}'s credentials from the environment (${ENV_NAMES[venue] ?? `BRAID_${venue.toUpperCase()}_API_KEY and BRAID_${venue.toUpperCase()}_API_SECRET`}); they cannot be set here`,
        );
      }
      // Malformed credentials are refused before they are stored; nothing is connected until they are.
      const next = options.venueFor?.(venue, { apiKey, apiSecret });
      if (next !== undefined && !next.ok) return next;
      const stored = await options.credentialStore.set(venue, apiKey, apiSecret);
      // Not stored: the running adapter goes on as it was.
      if (!stored.ok) return stored;
      slot.credentials = 'set';
      changed();
      if (next !== undefined) {
        const replaced = slot.replacing
          .then(() => replaceVenue(slot, next.value))
          .catch((e: unknown) => log(`braid: ${venue}: replacing the adapter failed: ${describe(e)}`));
        slot.replacing = replaced;
        await replaced;
      }
      return ok(null);
    },

    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** Braid's symbol to the venue's and back, and the config's tick and lot under the venue's names. */
function symbolMaps(
  config: BraidConfig,
  venue: string,
): {
  toVenue: (symbol: string) => string;
  toBraid: (symbol: string) => string;
  overrides: Record<string, { lot?: string; tick?: string }>;
} {
  const toVenueMap = new Map<string, string>();
  const toBraidMap = new Map<string, string>();
  const overrides: Record<string, { lot?: string; tick?: string }> = {};
  for (const [symbol, instrument] of Object.entries(config.instruments)) {
    const named = venueSymbolOf(config, venue, symbol);
    toVenueMap.set(symbol, named);
    // Two Braid symbols on one venue name: the first keeps it (the config should not say so).
    if (!toBraidMap.has(named)) toBraidMap.set(named, symbol);
    overrides[named] = { lot: instrument.lot, tick: instrument.tick };
  }
  return {
    toVenue: (symbol) => toVenueMap.get(symbol) ?? symbol,
    toBraid: (symbol) => toBraidMap.get(symbol) ?? symbol,
    overrides,
  };
}

/** An engine event a reconciliation made from the venue's reports, in Braid's symbol. */
function inBraidSymbols(e: EngineVenueEvent, toBraid: (symbol: string) => string): EngineVenueEvent {
  return e.type === 'external_order' || e.type === 'position_mismatch'
    ? { ...e, symbol: toBraid(e.symbol) }
    : e;
}

/** The engine's orders on a venue, for the bridge to know them as Braid's (in the venue's symbols). */
function adoptable(snapshot: EngineSnapshot, slot: Pick<Slot, 'name' | 'toVenue'>): AdoptedOrder[] {
  return snapshot.orders
    .filter((o) => o.venue === slot.name)
    .map((o) => ({
      clientOrderId: o.id,
      ...(o.venueOrderId !== undefined ? { venueOrderId: o.venueOrderId } : {}),
      symbol: slot.toVenue(o.symbol),
      side: o.side,
      type: o.type,
      quantity: o.quantity,
      ...(o.price !== undefined ? { price: o.price } : {}),
      status: o.status,
    }));
}

function lastFillTime(snapshot: EngineSnapshot, venue: string): number | null {
  const here = new Set(snapshot.orders.filter((o) => o.venue === venue).map((o) => o.id));
  let last: number | null = null;
  for (const f of snapshot.fills) if (here.has(f.orderId) && (last === null || f.time > last)) last = f.time;
  return last;
}

function oldestWorking(snapshot: EngineSnapshot, venue: string): number | null {
  let oldest: number | null = null;
  for (const o of snapshot.orders) {
    if (o.venue !== venue || !isWorkingStatus(o.status)) continue;
    if (oldest === null || o.createdAt < oldest) oldest = o.createdAt;
  }
  return oldest;
}
