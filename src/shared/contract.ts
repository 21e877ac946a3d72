// The one API between the engine host and the renderer, whatever the transport (Electron IPC or the
// `braid serve` WebSocket). Commands return a Result; state changes are pushed: a snapshot first,
// then batches of events (at most one message per animation frame).

import type { DecStr } from './domain/decimal.ts';
import type { EngineEvent, EngineSnapshot } from './domain/engine-view.ts';
import type { Metrics } from './domain/metrics.ts';
import type { PlanPreview } from './domain/plan.ts';
import type { TradeRecord } from './domain/portfolio.ts';
import type { Result } from './result.ts';
import type { CommandArgs, CommandName } from './schemas.ts';

export type { CommandArgs, CommandName, ParsedArgs } from './schemas.ts';
export {
  COMMAND_NAMES,
  commandSchemas,
  isCommandName,
  parseCommand,
  TRADE_PAGE_DEFAULT,
  TRADE_PAGE_MAX,
  TRADE_SORT_KEYS,
  type TradeSortKey,
} from './schemas.ts';

/** A venue as the Venues panel shows it (venues.md "What the operator sees"). */
export interface VenueView {
  /** Registry name: `paper`, `kraken`, ... */
  name: string;
  /** Where orders go now: in LIVE, the connected and reconciled live venues; in PAPER, paper only. */
  live: boolean;
  state: 'disconnected' | 'connecting' | 'connected' | 'failed';
  /** Reconciling after start or a reconnect: entries wait (REDUCING) until it is done. */
  reconciling: boolean;
  /** Epoch ms of the last finished reconciliation; null before the first. */
  lastReconciledAt: number | null;
  latencyMs: number | null;
  /** Share of the tightest rate budget in use, 0..1. */
  rateBudgetUsed: number;
  /** Credentials are stored (never their values). Paper needs none: 'none_needed'. */
  credentials: 'set' | 'missing' | 'none_needed';
  /** The venue's dead-man switch: armed until triggerAt, off, or the venue has none. */
  deadMan:
    | { state: 'armed'; seconds: number; triggerAt: number | null }
    | { state: 'off' | 'unsupported' }
    /** The venue has one but refuses it for this account (Hyperliquid below its volume threshold). */
    | { state: 'unavailable'; reason: string };
  /** In words: why it is not connected, the last problem. */
  detail?: string;
}

/** One engine of the desk as the shared PostgreSQL knows it. */
export interface DeskEngineView {
  engine: string;
  /** Epoch ms of its last heartbeat; null: never seen. */
  lastHeartbeatAt: number | null;
  /** Heartbeating within its lease. */
  alive: boolean;
  /** Plans it holds now (claimed, or with a journaled intent). */
  holding: number;
}

/** The desk (desk.md): the engines on one PostgreSQL plan stream, and where the plans are. */
export interface DeskView {
  /** The desk's name and this engine's. */
  name: string;
  engine: string;
  /** PostgreSQL reachable now: plans are claimed; when not, held plans trade on and reports wait. */
  connected: boolean;
  engines: DeskEngineView[];
  /** Plans no engine has claimed yet. */
  waiting: number;
  /** Plans claimed by a live engine. */
  claimed: number;
  /** Plans whose engine stopped heartbeating after journaling an intent: they stay with it. */
  heldByDeadEngine: number;
  /** Reports kept in this engine's journal until PostgreSQL takes them. */
  buffered: number;
  /** In words: the last problem. */
  detail?: string;
  /** Epoch ms of the figures. */
  at: number;
}

/** What the host (not the engine) knows: mode, PIN, demo signal source, venues, the desk, long tasks.
 *  The learning loop's lessons are the engine's (EngineSnapshot.learning). */
export interface HostState {
  mode: 'PAPER' | 'LIVE';
  pinSet: boolean;
  venues: VenueView[];
  signalSource: { name: string; rule: string } | null;
  busy: { task: string; progress: number | null } | null;
  /** The desk this engine is on; absent: it trades alone. */
  desk?: DeskView;
}

export interface AppSnapshot {
  engine: EngineSnapshot;
  host: HostState;
}

export type AppEvent = EngineEvent | { type: 'host'; host: HostState };

export interface ExportResult {
  filename: string;
  mime: string;
  text: string;
  /** Hash-chain head: the last record's hash, to verify the export. */
  head: string;
  count: number;
  /** Strands in the export (JSON only; 0 in CSV or without the learning loop). */
  strands: number;
}

/** The trade history's metrics and equity curve over the trades a filter keeps, computed by the engine. */
export interface HistoryQueryResult {
  count: number;
  /** `sharpe` is per trade (mean / sd of pnlPct), null below `sharpeMinTrades` trades. */
  metrics: Metrics;
  /** Epoch ms and equity: start equity, then after each kept trade's exit. */
  equity: { time: number; value: DecStr }[];
  sharpeMinTrades: number;
}

/** One page of the trade history (command tradeHistory): `total` trades keep the filter; `trades` are
 *  those from `offset` on, in the order asked; `symbols`: every symbol with a closed trade (the filter's
 *  choices). */
export interface TradePage {
  total: number;
  offset: number;
  trades: TradeRecord[];
  symbols: string[];
}

export type { PlanPreview } from './domain/plan.ts';

/** What the engine did with one upstream plan (desk.md): recorded (with where it went), refused with a
 *  reason code and words, or an id seen before (nothing changed). */
export type UpstreamPlanOutcome =
  | { id: string; outcome: 'accepted'; status: string }
  | { id: string | null; outcome: 'rejected'; reason: string; message: string }
  | { id: string; outcome: 'duplicate'; status: string };

export interface CommandResults {
  approve: null;
  reject: null;
  cancelPlan: null;
  cancelOrder: null;
  modifyOrder: null;
  testVenue: { latencyMs: number };
  setVenueCredentials: null;
  closePosition: null;
  kill: null;
  resume: null;
  setTradingState: null;
  submitPlan: { planId: string };
  submitPlans: UpstreamPlanOutcome[];
  previewPlan: PlanPreview;
  queryHistory: HistoryQueryResult;
  tradeHistory: TradePage;
  setPin: null;
  armLive: null;
  disarmLive: null;
  exportHistory: ExportResult;
  setLessonState: null;
  getSnapshot: AppSnapshot;
}

export type PushMessage =
  | { kind: 'snapshot'; snapshot: AppSnapshot }
  | { kind: 'events'; events: AppEvent[] };

export interface BraidApi {
  invoke<N extends CommandName>(name: N, args: CommandArgs<N>): Promise<Result<CommandResults[N]>>;
  /** The listener first gets a snapshot, then batches of events. Returns the unsubscribe. */
  subscribe(listener: (message: PushMessage) => void): () => void;
}

/** Electron IPC channels. */
export const IPC_INVOKE = 'braid:invoke';
export const IPC_SUBSCRIBE = 'braid:subscribe';
export const IPC_UNSUBSCRIBE = 'braid:unsubscribe';
/** `webContents.send(IPC_PUSH, subscriptionId, PushMessage)`: one renderer may hold several subscriptions. */
export const IPC_PUSH = 'braid:push';

/** WebSocket path (token in the `token` query parameter) and HTTP API prefix. */
export const WS_PATH = '/api/ws';
export const API_PREFIX = '/api/';

/** Pushed event batches: at most one message per this many ms (one animation frame). */
export const FRAME_MS = 16;

/** WebSocket wire. */
export type ServerMessage =
  | PushMessage
  | { kind: 'result'; id: number | string | null; result: Result<unknown> };
export type { ClientMessage } from './schemas.ts';
