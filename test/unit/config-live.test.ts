// The config's live-venue keys (venues.md "Config"): a venue's key enables it, every field optional; keys a
// paper config does not name stay out of the parsed object, so a paper replay journal's config hash holds.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { KRAKEN_DEFAULTS } from '../../src/shared/domain/config.ts';

describe('live venues in the config', () => {
  it('a paper config has no live keys at all', () => {
    const c = parseConfig({ risk: { riskPct: 0.02 } });
    expect(Object.keys(c.venues)).toEqual(['paper']);
    expect('defaultVenue' in c).toBe(false);
    expect('scaleDownOnInsufficientFunds' in c.risk).toBe(false);
  });

  it('venues.kraken: {} enables Kraken with the defaults; fields override them', () => {
    // Kraken's own REST comes with Kraken's own WebSocket; a simulator's url comes with none unless named.
    expect(parseConfig({ venues: { kraken: {} } }).venues.kraken).toEqual({
      ...KRAKEN_DEFAULTS,
      wsUrl: 'wss://ws.kraken.com/v2',
    });
    expect(
      parseConfig({ venues: { kraken: { url: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1/v2' } } }).venues
        .kraken?.wsUrl,
    ).toBe('ws://127.0.0.1:1/v2');
    const c = parseConfig({
      defaultVenue: 'kraken',
      venues: { kraken: { url: 'http://127.0.0.1:8123/', deadManSeconds: 30, pollMs: 2000 } },
      risk: { scaleDownOnInsufficientFunds: true },
    });
    expect(c.venues.kraken).toEqual({
      url: 'http://127.0.0.1:8123',
      wsUrl: null,
      deadManSeconds: 30,
      pollMs: 2000,
    });
    expect(c.defaultVenue).toBe('kraken');
    expect(c.risk.scaleDownOnInsufficientFunds).toBe(true);
  });

  it('refuses what a venue cannot use, naming the field', () => {
    expect(() => parseConfig({ venues: { kraken: { url: 'ftp://x' } } })).toThrow(/venues\.kraken\.url/);
    expect(() => parseConfig({ venues: { kraken: { deadManSeconds: 90_000 } } })).toThrow(
      /deadManSeconds.*0 to 86400/,
    );
    expect(() => parseConfig({ venues: { kraken: { apiKey: 'x' } } })).toThrow(/unknown key/);
    expect(() => parseConfig({ defaultVenue: 'binance' })).toThrow(/defaultVenue/);
    expect(() => parseConfig({ risk: { scaleDownOnInsufficientFunds: 'yes' } })).toThrow(/true or false/);
  });
});
