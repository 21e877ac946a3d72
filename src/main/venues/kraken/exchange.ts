// The ccxt instance behind the adapter: one for REST and the socket (one nonce sequence, one set of
// markets), pointed at the configured REST base and private socket, and closed so that nothing of it
// lingers (a server's close would wait for ccxt's keep-alive pool).
import { kraken } from 'ccxt';
import { privateFeedUrl, WatchedKraken } from './private-feed.ts';
import { nonceFor } from './private-lane.ts';

export type Exchange = InstanceType<typeof kraken>;

export interface ExchangeConfig {
  apiKey: string;
  apiSecret: string;
  /** REST base; unset: Kraken's own. */
  url?: string;
  /** The private socket as configured (privateFeedUrl maps it); unset: REST alone. */
  wsUrl?: string;
  timeoutMs?: number;
}

export function createExchange(o: ExchangeConfig, clock: () => number): Exchange {
  const config = {
    apiKey: o.apiKey,
    secret: o.apiSecret,
    enableRateLimit: false,
    timeout: o.timeoutMs ?? 10_000,
    options: { adjustForTimeDifference: false },
  };
  const wsUrl = o.wsUrl ? privateFeedUrl(o.wsUrl) : undefined;
  // newUpdates: each watch answers only what changed since the last (ccxt's default, relied on).
  const ex = wsUrl ? new WatchedKraken({ ...config, newUpdates: true }) : new kraken(config);
  if (o.url) {
    const base = o.url.replace(/\/+$/, '');
    ex.urls.api = { ...(ex.urls.api as Record<string, string>), public: base, private: base };
  }
  if (wsUrl) {
    const api = ex.urls.api as unknown as { ws?: Record<string, string> };
    // ccxt keeps the token on the `private` client and connects to `privateV2`: both are this socket.
    api.ws = { ...api.ws, private: wsUrl, privateV2: wsUrl };
  }
  ex.nonce = nonceFor(o.apiKey, clock);
  return ex;
}

export async function closeExchange(ex: Exchange): Promise<void> {
  try {
    await ex.close();
    // ccxt's close() leaves its undici pool (keep-alive 60 s) open; a server's close would wait for it.
    const pool = (ex as unknown as { fetchDispatcher?: { close?: () => Promise<void> } }).fetchDispatcher;
    await pool?.close?.();
  } catch {
    // closing is best effort: nothing more can be done with a connection that will not close
  }
}
