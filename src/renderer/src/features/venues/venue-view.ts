// A venue's facts in the operator's words (pure, so tests pin them): connection state, latency, the last
// reconciliation in the terminal's time zone, the rate budget in use, the dead-man switch, credentials;
// and, for the top bar, the venues orders go to in LIVE.
import type { HostState, VenueView } from '../../../../shared/contract.ts';
import * as fmt from '../../lib/format.ts';

/** Braid's own venue: always there, nothing to connect or reconcile, no credentials. */
export const PAPER = 'paper';

export const STATE_LABEL: Readonly<Record<VenueView['state'], string>> = {
  connected: 'CONNECTED',
  connecting: 'CONNECTING',
  disconnected: 'DISCONNECTED',
  failed: 'FAILED',
};

export const stateLabel = (state: VenueView['state']): string =>
  STATE_LABEL[state] ?? String(state).toUpperCase();

/** At or above this share of its rate budget a venue is close to throttling us: the figure turns amber. */
export const RATE_WARN_AT = 0.8;

export interface Fact {
  label: string;
  value: string;
  /** Longer words for the tooltip. */
  title?: string;
  warn?: boolean;
}

export function latencyText(ms: number | null): string {
  return ms === null || !Number.isFinite(ms) ? '\u2014' : `${Math.round(ms)} ms`;
}

/** 0..1 as a whole percent, clamped (a budget over-reported by a venue reads 100%, never 130%). */
export function rateText(used: number): string {
  if (!Number.isFinite(used)) return '\u2014';
  return `${Math.round(Math.min(1, Math.max(0, used)) * 100)}%`;
}

export function deadManText(deadMan: VenueView['deadMan']): { value: string; title: string } {
  switch (deadMan.state) {
    case 'armed':
      return {
        value: `armed ${deadMan.seconds}s`,
        title: `The venue cancels every open order if Braid is silent for ${deadMan.seconds} s`,
      };
    case 'off':
      return { value: 'off', title: 'The venue offers a dead-man switch; it is not armed' };
    case 'unavailable':
      return { value: 'unavailable', title: `The venue refuses its dead-man switch here: ${deadMan.reason}` };
    default:
      return { value: 'none', title: 'This venue has no dead-man switch' };
  }
}

export function credentialsText(credentials: VenueView['credentials']): string {
  switch (credentials) {
    case 'set':
      return 'credentials set';
    case 'missing':
      return 'credentials missing';
    default:
      return 'no credentials needed';
  }
}

/** The figures of one venue row, in order. */
export function venueFacts(v: VenueView, zone: string): Fact[] {
  const deadMan = deadManText(v.deadMan);
  const reconciled: Fact =
    v.lastReconciledAt === null
      ? v.name === PAPER
        ? {
            label: 'Reconciled',
            value: '\u2014',
            title: 'The paper venue is Braid’s own: nothing to reconcile',
          }
        : { label: 'Reconciled', value: 'never', title: 'No reconciliation has finished yet' }
      : {
          label: 'Reconciled',
          value: fmt.clock(v.lastReconciledAt, zone),
          title: `Last reconciliation finished ${fmt.dateTime(v.lastReconciledAt, zone)}`,
        };
  return [
    { label: 'Latency', value: latencyText(v.latencyMs), title: 'Round trip of the last request' },
    reconciled,
    {
      label: 'Rate',
      value: rateText(v.rateBudgetUsed),
      title: 'Share of the venue’s tightest rate budget in use',
      warn: v.rateBudgetUsed >= RATE_WARN_AT,
    },
    { label: 'Dead-man', value: deadMan.value, title: deadMan.title },
  ];
}

/** The venues LIVE orders go to (connected and reconciled, as the host says), by name. */
export function liveVenueNames(host: Pick<HostState, 'venues'> | null): string[] {
  return (host?.venues ?? []).filter((v) => v.live).map((v) => v.name);
}

/** The top bar's words beside LIVE: which venues are live, or that none is (orders would be refused). */
export function liveVenuesText(host: Pick<HostState, 'mode' | 'venues'> | null): string | null {
  if (host?.mode !== 'LIVE') return null;
  const names = liveVenueNames(host);
  return names.length === 0 ? 'no live venue' : `on ${names.join(', ')}`;
}

/** What each venue calls its two secrets (venues.md "Credentials"): the command carries them as apiKey and
 *  apiSecret whatever the venue. */
export function credentialLabels(venue: string): { key: string; secret: string } {
  switch (venue) {
    case 'hyperliquid':
      return { key: 'Account address', secret: 'API wallet private key' };
    case 'kraken':
      return { key: 'API key', secret: 'Private key' };
    default:
      return { key: 'API key', secret: 'API secret' };
  }
}
