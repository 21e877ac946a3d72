// The socket to IB Gateway or TWS, and keeping it: one IBApi per attempt (fresh decoder state), host,
// port and clientId always passed (@stoqey/ib reads `.env` and IB_* otherwise), ready when nextValidId
// arrives. A dropped socket is reconnected by itself with backoff; a client id already in use (326)
// waits at least `clientIdWaitMs` before the next attempt, never spins. The gateway's own link to IB
// (1100 lost, 1101/1102 restored) is told to the venue, which pauses and reconciles.
import { EventName, IBApi } from '@stoqey/ib';
import { type BackoffPolicy, backoffDelay, type Timers } from '../backoff.ts';
import {
  CLIENT_ID_IN_USE,
  CONNECT_FAILED,
  CONNECTIVITY_LOST,
  RESTORED_DATA_KEPT,
  RESTORED_DATA_LOST,
} from './errors.ts';

export interface GatewayLinkOptions {
  host: string;
  port: number;
  clientId: number;
  /** @stoqey/ib's own limiter, behind Braid's pacing: IB's 50 a second, or more when Braid's allows more. */
  maxReqPerSec: number;
  timers: Timers;
  random: () => number;
  /** How long an attempt waits for nextValidId. */
  connectTimeoutMs: number;
  /** Between attempts. */
  backoff: BackoffPolicy;
  /** The least wait after 326 (client id in use: the old session may take a while to go). */
  clientIdWaitMs: number;
  /** Listeners for everything but the connection itself, on each new IBApi. */
  attach(api: IBApi): void;
  /** A socket is up and nextValidId came: `again` after a drop. */
  ready(nextValidId: number, again: boolean): void;
  /** The socket went away (or an attempt failed), in words. */
  lost(detail: string): void;
  /** The gateway's link to IB: lost (1100) or back (1101 data lost, 1102 kept). */
  upstream(event: 'lost' | 'restored_data_lost' | 'restored'): void;
}

export class GatewayLink {
  private readonly o: GatewayLinkOptions;
  private current: IBApi | null = null;
  private wanted = false;
  private attempts = 0;
  private retryTimer: unknown = null;
  private everReady = false;
  /** The last attempt was refused with 326. */
  private clientIdBusy = false;
  /** Attempts made (for tests: a 326 must not spin). */
  attemptsMade = 0;

  constructor(options: GatewayLinkOptions) {
    this.o = options;
  }

  get api(): IBApi | null {
    return this.current;
  }

  get isUp(): boolean {
    return this.current?.isConnected === true;
  }

  /** The first attempt; resolves with its outcome (later attempts run by themselves). */
  start(): Promise<{ ok: true } | { ok: false; message: string }> {
    this.wanted = true;
    return this.attempt();
  }

  stop(): void {
    this.wanted = false;
    if (this.retryTimer !== null) this.o.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    // An attempt still in its handshake: its timer would keep the process up after a stop.
    this.settleAttempt?.('stopped');
    this.settleAttempt = null;
    const api = this.current;
    this.current = null;
    if (api) {
      api.removeAllListeners();
      api.disconnect();
    }
  }

  /** Drops the socket and reconnects (a failed read of the connection itself). */
  private dropped(api: IBApi, detail: string): void {
    if (this.current !== api) return;
    this.current = null;
    api.removeAllListeners();
    api.disconnect();
    this.o.lost(detail);
    this.schedule();
  }

  /** Ends the attempt in its handshake (stop): its timer cleared, its start() answered. */
  private settleAttempt: ((message: string) => void) | null = null;

  private schedule(): void {
    if (!this.wanted || this.retryTimer !== null) return;
    const floor = this.clientIdBusy ? this.o.clientIdWaitMs : 0;
    const wait = backoffDelay(this.o.backoff, this.attempts, this.o.random, floor);
    this.attempts += 1;
    this.retryTimer = this.o.timers.setTimeout(() => {
      this.retryTimer = null;
      void this.attempt();
    }, wait);
  }

  private attempt(): Promise<{ ok: true } | { ok: false; message: string }> {
    this.attemptsMade += 1;
    this.clientIdBusy = false;
    const { host, port, clientId } = this.o;
    const api = new IBApi({ host, port, clientId, maxReqPerSec: this.o.maxReqPerSec });
    this.current = api;
    this.o.attach(api);
    return new Promise((resolve) => {
      let settled = false;
      const fail = (message: string) => {
        if (!settled) {
          settled = true;
          this.o.timers.clearTimeout(timer);
          resolve({ ok: false, message });
        }
        this.dropped(api, message);
      };
      const timer = this.o.timers.setTimeout(
        () => fail(`IB Gateway at ${host}:${port} did not answer the API handshake in time`),
        this.o.connectTimeoutMs,
      );
      this.settleAttempt = (message) => {
        if (settled) return;
        settled = true;
        this.o.timers.clearTimeout(timer);
        resolve({ ok: false, message });
      };
      api.once(EventName.nextValidId, (id: number) => {
        if (settled || this.current !== api) return;
        settled = true;
        this.settleAttempt = null;
        this.o.timers.clearTimeout(timer);
        this.attempts = 0;
        const again = this.everReady;
        this.everReady = true;
        this.o.ready(id, again);
        resolve({ ok: true });
      });
      api.on(EventName.disconnected, () =>
        fail(
          this.clientIdBusy
            ? `client id ${clientId} is in use by another connection (326): waiting before trying again`
            : `the connection to IB Gateway at ${host}:${port} closed`,
        ),
      );
      api.on(EventName.info, (message: string, code: number) => {
        if (code === CLIENT_ID_IN_USE) {
          this.clientIdBusy = true;
          fail(`client id ${clientId} is in use by another connection (326): waiting before trying again`);
        } else if (code === CONNECTIVITY_LOST) this.o.upstream('lost');
        else if (code === RESTORED_DATA_LOST) this.o.upstream('restored_data_lost');
        else if (code === RESTORED_DATA_KEPT) this.o.upstream('restored');
        void message;
      });
      api.on(EventName.error, (error: Error, code: number) => {
        if (code === CLIENT_ID_IN_USE) {
          this.clientIdBusy = true;
          fail(`client id ${clientId} is in use by another connection (326): waiting before trying again`);
        } else if (CONNECT_FAILED.has(code) && !api.isConnected) {
          fail(`cannot reach IB Gateway at ${host}:${port}: ${error.message}`);
        }
      });
      api.connect(clientId);
    });
  }
}
