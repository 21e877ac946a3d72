// The Venues panel's words and the top bar's LIVE venues, from the host's VenueView.
import { describe, expect, it } from 'vitest';
import {
  credentialLabels,
  credentialsText,
  deadManText,
  latencyText,
  liveVenuesText,
  rateText,
  stateLabel,
  venueFacts,
} from '../../src/renderer/src/features/venues/venue-view.ts';
import type { VenueView } from '../../src/shared/contract.ts';

const paper: VenueView = {
  name: 'paper',
  live: false,
  state: 'connected',
  reconciling: false,
  lastReconciledAt: null,
  latencyMs: 0,
  rateBudgetUsed: 0,
  credentials: 'none_needed',
  deadMan: { state: 'unsupported' },
};
const kraken: VenueView = {
  name: 'kraken',
  live: true,
  state: 'connected',
  reconciling: true,
  // 2024-03-01 14:30:05 UTC = 09:30:05 in New York (EST)
  lastReconciledAt: Date.parse('2024-03-01T14:30:05Z'),
  latencyMs: 41.6,
  rateBudgetUsed: 0.835,
  credentials: 'set',
  deadMan: { state: 'armed', seconds: 60, triggerAt: null },
};

describe('venue rows', () => {
  it('names the connection states', () => {
    expect((['connected', 'connecting', 'disconnected', 'failed'] as const).map(stateLabel)).toEqual([
      'CONNECTED',
      'CONNECTING',
      'DISCONNECTED',
      'FAILED',
    ]);
  });

  it('paper: connected in 0 ms, nothing to reconcile, no dead-man switch, no credentials needed', () => {
    expect(venueFacts(paper, 'UTC').map((f) => [f.label, f.value])).toEqual([
      ['Latency', '0 ms'],
      ['Reconciled', '\u2014'],
      ['Rate', '0%'],
      ['Dead-man', 'none'],
    ]);
    expect(credentialsText(paper.credentials)).toBe('no credentials needed');
    expect(deadManText(paper.deadMan).title).toBe('This venue has no dead-man switch');
    // Each venue's own words for its two secrets.
    expect(credentialLabels('hyperliquid')).toEqual({
      key: 'Account address',
      secret: 'API wallet private key',
    });
    expect(credentialLabels('kraken')).toEqual({ key: 'API key', secret: 'Private key' });
    expect(deadManText({ state: 'unavailable', reason: 'Required: $1000000. Traded: $0.' })).toEqual({
      value: 'unavailable',
      title: 'The venue refuses its dead-man switch here: Required: $1000000. Traded: $0.',
    });
  });

  it('a live venue: latency rounded, reconciliation time in the terminal’s zone, rate budget amber from 80%', () => {
    const utc = venueFacts(kraken, 'UTC');
    expect(utc.map((f) => [f.label, f.value, f.warn ?? false])).toEqual([
      ['Latency', '42 ms', false],
      ['Reconciled', '14:30:05', false],
      ['Rate', '84%', true],
      ['Dead-man', 'armed 60s', false],
    ]);
    expect(utc[1]!.title).toBe('Last reconciliation finished 2024-03-01 14:30:05');
    expect(venueFacts(kraken, 'America/New_York')[1]!.value).toBe('09:30:05');
    expect(venueFacts({ ...kraken, rateBudgetUsed: 0.79 }, 'UTC')[2]!.warn).toBe(false);
    expect(credentialsText('set')).toBe('credentials set');
    expect(credentialsText('missing')).toBe('credentials missing');
  });

  it('a live venue never reconciled says never; no latency yet is a dash; the dead-man switch off says off', () => {
    const fresh = venueFacts(
      { ...kraken, lastReconciledAt: null, latencyMs: null, deadMan: { state: 'off' } },
      'UTC',
    );
    expect(fresh.map((f) => f.value)).toEqual(['\u2014', 'never', '84%', 'off']);
  });

  it('a rate budget reads as a whole percent within 0..100', () => {
    expect([0, 0.004, 0.005, 0.5, 1, 1.3, -0.2].map(rateText)).toEqual([
      '0%',
      '0%',
      '1%',
      '50%',
      '100%',
      '100%',
      '0%',
    ]);
    expect(latencyText(12.4)).toBe('12 ms');
  });
});

describe('the top bar in LIVE', () => {
  it('names the live venues; in LIVE with none says so; in PAPER says nothing more', () => {
    expect(liveVenuesText({ mode: 'LIVE', venues: [paper, kraken] })).toBe('on kraken');
    expect(liveVenuesText({ mode: 'LIVE', venues: [paper, { ...kraken, live: false }] })).toBe(
      'no live venue',
    );
    expect(liveVenuesText({ mode: 'PAPER', venues: [paper, kraken] })).toBeNull();
    expect(liveVenuesText(null)).toBeNull();
  });
});
