// The engine host: the one place commands from any transport land. Each command is parsed with the
// contract's schema, applied to the engine (or to host state: mode, PIN, lessons), and answered with a
// Result; nothing throws across it. State changes reach subscribers through the push hub.
import type {
  AppSnapshot,
  CommandResults,
  DeskView,
  ExportResult,
  HistoryQueryResult,
  HostState,
} from '../../shared/contract.ts';
import type { Strand } from '../../shared/domain/learning.ts';
import type { TradeRecord } from '../../shared/domain/portfolio.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { type ParsedCommand, parseCommand } from '../../shared/schemas.ts';
import type { TradeFilter } from '../engine/history/trade-query.ts';
import { JournalRecordDamaged } from '../engine/journal/errors.ts';
import type { EnginePort } from '../engine/port.ts';
import { submitUpstreamPlans } from '../intake/upstream-plans.ts';
import { HistoryViews, type HistoryViewsOptions } from './history-views.ts';
import { createLiveMode } from './live-mode.ts';
import { createPushHub, type Timers } from './push-hub.ts';
import type { HostHandle } from './types.ts';
import { paperOnlyDesk, type VenueDesk } from './venue-desk.ts';

export type ExportTrades = (
  trades: TradeRecord[],
  format: 'csv' | 'json',
  strands?: readonly Strand[],
) => { text: string; head: string; count: number; strands: number };

export interface HostOptions {
  engine: EnginePort;
  /** The time commands happen at, in engine time (wall clock live, replayed bar time in the demo). */
  now: () => number;
  /** Real time, for PIN lockouts and export file names. */
  wallNow: () => number;
  exportTrades: ExportTrades;
  signalSource?: { name: string; rule: string } | null;
  /** The desk this engine is on (desk.md): its view for the terminal; absent: it trades alone. */
  desk?: { view(): DeskView; onChange(listener: () => void): () => void };
  /** The venues and their connections; the paper venue alone when absent. */
  venues?: VenueDesk;
  frameMs?: number;
  timers?: Timers;
  /** How often plans are checked for expiry between bars (ms). */
  expiryEveryMs?: number;
  /** Runs first on close (e.g. stop the demo feed), before the engine closes. */
  beforeClose?: () => void | Promise<void>;
  log?: (line: string) => void;
  /** How the Trade history's views are built (tests: small slices). */
  historyViews?: HistoryViewsOptions;
}

const MANUAL_SEQ_SETTING = 'host.manualSeq';
/** Without bars (a restart with no feed, a quiet market) queued plans still count down and expire. */
const EXPIRY_EVERY_MS = 1000;

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createHost(options: HostOptions): HostHandle {
  const { engine } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const live = createLiveMode(engine.settings, options.wallNow);
  const signalSource = options.signalSource ?? null;
  const venues = options.venues ?? paperOnlyDesk();

  // Where orders go: in PAPER the paper venue; in LIVE each live venue that is connected and reconciled.
  const venueViews = () =>
    venues.list().map((v) => ({
      ...v,
      live:
        live.mode() === 'LIVE'
          ? v.name !== 'paper' && v.state === 'connected' && !v.reconciling
          : v.name === 'paper',
    }));
  /** The engine routes to the live venues in LIVE (each refuses entries while it is not reconciled). */
  const liveNames = (): string[] => venues.list().flatMap((v) => (v.name === 'paper' ? [] : [v.name]));

  const hostState = (): HostState => ({
    mode: live.mode(),
    pinSet: live.pinSet(),
    venues: venueViews(),
    signalSource,
    busy: null,
    ...(options.desk ? { desk: options.desk.view() } : {}),
  });
  const snapshot = (): AppSnapshot => ({ engine: engine.snapshot(), host: hostState() });

  const hub = createPushHub({
    snapshot,
    frameMs: options.frameMs,
    timers: options.timers,
    onListenerError: (error) => log(`braid: a subscriber failed: ${String(error)}`),
  });
  // The Trade history's metrics and curve, kept per filter as trades close (history-views.ts).
  const histories = new HistoryViews(engine, options.historyViews);
  const unsubscribeEngine = engine.subscribe((event) => {
    if (event.type === 'trade') histories.onTrade(event.trade);
    hub.publish(event);
  });
  const publishHost = () => hub.publish({ type: 'host', host: hostState() });
  // A venue connecting, reconciling or failing changes what the Venues panel and the top bar show.
  const unsubscribeVenues = venues.onChange(publishHost);
  const unsubscribeDesk = options.desk?.onChange(publishHost) ?? (() => {});

  const nextManualId = (): string => {
    const n = Number(engine.settings.get(MANUAL_SEQ_SETTING) ?? '0') + 1;
    engine.settings.set(MANUAL_SEQ_SETTING, String(n));
    return `manual-${n}`;
  };

  const exportHistory = (format: 'csv' | 'json'): Result<ExportResult> => {
    // The JSON export carries the strands of every finished execution after the trades (learning.md).
    const { text, head, count, strands } = options.exportTrades(engine.trades(), format, engine.strands());
    const day = new Date(options.wallNow()).toISOString().slice(0, 10);
    return ok({
      filename: `braid-trades-${day}.${format}`,
      mime: format === 'csv' ? 'text/csv' : 'application/json',
      text,
      head,
      count,
      strands,
    });
  };

  const halted = (what: string): Result<never> =>
    err('halted', `Trading is HALTED: ${what} is refused until you resume trading.`);

  const queryHistory = async (filter: TradeFilter): Promise<Result<HistoryQueryResult>> => {
    const view = await histories.view(filter);
    return view === null ? err('closed', 'The engine is shut down.') : ok(view);
  };

  const withHostEvent = <T>(result: Result<T>): Result<T> => {
    if (result.ok) publishHost();
    return result;
  };

  async function dispatch(command: ParsedCommand): Promise<Result<CommandResults[typeof command.name]>> {
    const now = options.now();
    switch (command.name) {
      case 'approve':
        if (engine.state === 'HALTED') return halted('approving a plan');
        return engine.approve(command.args.planId, now);
      case 'reject':
        return engine.reject(command.args.planId, command.args.reason, now);
      case 'cancelPlan':
        return engine.cancelPlan(command.args.planId, now);
      case 'cancelOrder':
        return engine.cancelOrder(command.args.orderId, now);
      case 'modifyOrder': {
        const { orderId, price, quantity } = command.args;
        return engine.modifyOrder(
          orderId,
          { ...(price !== undefined ? { price } : {}), ...(quantity !== undefined ? { quantity } : {}) },
          now,
        );
      }
      case 'testVenue':
        return withHostEvent(await venues.test(command.args.venue));
      case 'setVenueCredentials': {
        const { venue, apiKey, apiSecret } = command.args;
        return withHostEvent(await venues.setCredentials(venue, apiKey, apiSecret));
      }
      case 'closePosition':
        return engine.closePosition(command.args.symbol, now, command.args.quantity);
      case 'kill': {
        const killed = engine.kill(now);
        await venues.cancelAllEverywhere?.();
        return killed;
      }
      case 'resume':
        return engine.resume(now);
      case 'setTradingState':
        return engine.setTradingState(command.args.state, now);
      case 'submitPlan': {
        if (engine.state === 'HALTED') return halted('sending a plan');
        const planId = nextManualId();
        // A ticket the trader typed is their decision already: no second approval unless asked for.
        const result = engine.submitPlan({ ...command.args.plan, id: planId }, now, {
          approved: command.args.review !== true,
        });
        return result.ok ? ok({ planId: result.value.planId }) : result;
      }
      case 'submitPlans':
        // Each plan is judged by the engine (a HALTED engine refuses entries itself, plan by plan).
        return ok(submitUpstreamPlans(engine, command.args.plans, now));
      case 'previewPlan':
        return ok(engine.previewPlan({ ...command.args.plan, id: 'preview' }));
      case 'queryHistory':
        return await queryHistory(command.args);
      case 'tradeHistory':
        return ok(engine.tradeHistory(command.args));
      case 'setPin':
        return withHostEvent(await live.setPin(command.args.pin, command.args.currentPin));
      case 'armLive': {
        const armed = await live.arm(command.args.pin);
        if (!armed.ok) return armed;
        const routed = engine.setRouting(liveNames(), options.now());
        if (!routed.ok) {
          live.disarm();
          return routed;
        }
        return withHostEvent(armed);
      }
      case 'disarmLive': {
        // New orders go to paper again; live orders still working stay shown and manageable.
        engine.setRouting(null, options.now());
        return withHostEvent(live.disarm());
      }
      case 'exportHistory':
        return exportHistory(command.args.format);
      case 'setLessonState':
        // The engine's lessons: journaled there, and its learning event updates the Lessons region.
        return engine.setLessonState(command.args.lessonId, command.args.state, now);
      case 'getSnapshot':
        return ok(snapshot());
    }
  }

  let closed = false;
  // Commands run one at a time, in arrival order, even when one awaits (scrypt for the PIN).
  let queue: Promise<unknown> = Promise.resolve();
  /** Kills and history views in flight (they skip the queue); close waits for them too. */
  const unqueued = new Set<Promise<unknown>>();

  // Plan expiry between bars runs in the command queue, so it never interleaves with a command.
  const timers = options.timers ?? realTimers;
  const expiryEveryMs = options.expiryEveryMs ?? EXPIRY_EVERY_MS;
  let expiryTimer: unknown = null;
  const expireDue = () => {
    queue = queue.then(() => {
      if (closed) return;
      try {
        engine.expireDue(options.now());
      } catch (error) {
        log(`braid: plan expiry failed: ${error instanceof Error ? error.stack : String(error)}`);
      }
    });
  };
  const scheduleExpiry = () => {
    expiryTimer = timers.setTimeout(() => {
      if (closed) return;
      expireDue();
      scheduleExpiry();
    }, expiryEveryMs);
  };
  // Plans an earlier run left waiting whose time has passed expire at start, before any command.
  expireDue();
  scheduleExpiry();

  const run = async (name: unknown, args: unknown): Promise<Result<unknown>> => {
    if (closed) return err('closed', 'The engine is shut down.');
    const parsed = parseCommand(name, args);
    if (!parsed.ok) return parsed;
    try {
      return await dispatch(parsed.value);
    } catch (error) {
      log(
        `braid: command ${parsed.value.name} failed: ${error instanceof Error ? error.stack : String(error)}`,
      );
      if (error instanceof JournalRecordDamaged) return err('journal_damaged', error.message);
      return err(
        'internal',
        `${parsed.value.name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };

  return {
    invoke(name, args) {
      // The kill switch never waits in line: a command awaiting the venue, the vault or scrypt can hold
      // the queue for seconds. Engine calls are synchronous, so the kill cannot land inside one; what was
      // queued before it runs after it and finds the engine HALTED.
      // A history view being built for a long history takes its slices between commands rather than
      // holding the queue (it changes nothing).
      if (name === 'kill' || name === 'queryHistory') {
        const running = run(name, args);
        unqueued.add(running);
        void running.finally(() => unqueued.delete(running));
        return running;
      }
      const result = queue.then(() => run(name, args));
      queue = result;
      return result;
    },
    subscribe: (listener) => hub.subscribe(listener),
    async close() {
      if (closed) return;
      closed = true;
      if (expiryTimer !== null) timers.clearTimeout(expiryTimer);
      await queue;
      histories.close();
      await Promise.all(unqueued);
      try {
        await options.beforeClose?.();
      } finally {
        unsubscribeEngine();
        unsubscribeVenues();
        unsubscribeDesk();
        hub.dispose();
        engine.close();
      }
    },
  };
}
