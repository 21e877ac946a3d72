// The config's live-venue keys (venues.md "Config"): a venue's key enables it, every field optional; keys a
// paper config does not name stay out of the parsed object, so a paper replay journal's config hash holds.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { HYPERLIQUID_DEFAULTS, KRAKEN_DEFAULTS, venueSymbolOf } from '../../src/shared/domain/config.ts';

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

  it('venues.hyperliquid: {} enables Hyperliquid with the defaults; fields override them', () => {
    expect(parseConfig({ venues: { hyperliquid: {} } }).venues.hyperliquid).toEqual({
      url: 'https://api.hyperliquid.xyz',
      // Hyperliquid's own REST comes with its account socket; a simulator's url with none unless named.
      wsUrl: 'wss://api.hyperliquid.xyz/ws',
      testnet: false,
      pollMs: 3000,
      deadManSeconds: 0,
      marketSlippage: '0.01',
    });
    expect(HYPERLIQUID_DEFAULTS.url).toBe('https://api.hyperliquid.xyz');
    expect(parseConfig({ venues: { hyperliquid: { testnet: true } } }).venues.hyperliquid?.wsUrl).toBe(
      'wss://api.hyperliquid-testnet.xyz/ws',
    );
    expect(
      parseConfig({ venues: { hyperliquid: { url: 'http://127.0.0.1:9001' } } }).venues.hyperliquid?.wsUrl,
    ).toBeNull();
    // Testnet signs for testnet: without a url it goes to testnet's, never mainnet's.
    expect(parseConfig({ venues: { hyperliquid: { testnet: true } } }).venues.hyperliquid?.url).toBe(
      'https://api.hyperliquid-testnet.xyz',
    );
    const c = parseConfig({
      defaultVenue: 'hyperliquid',
      venues: {
        hyperliquid: {
          url: 'http://127.0.0.1:9001/',
          wsUrl: 'ws://127.0.0.1:9001/ws',
          testnet: true,
          pollMs: 250,
          deadManSeconds: 5,
          marketSlippage: 0.1,
        },
      },
    });
    expect(c.venues.hyperliquid).toEqual({
      url: 'http://127.0.0.1:9001',
      wsUrl: 'ws://127.0.0.1:9001/ws',
      testnet: true,
      pollMs: 250,
      deadManSeconds: 5,
      marketSlippage: '0.1',
    });
    expect(c.defaultVenue).toBe('hyperliquid');
    expect(Object.keys(c.venues)).toEqual(['paper', 'hyperliquid']);
  });

  it('refuses a Hyperliquid field the venue cannot use, naming it', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ url: 'ftp://x' }, /venues\.hyperliquid\.url: must be an http\(s\) or ws\(s\) address/],
      [{ wsUrl: 'not a url' }, /venues\.hyperliquid\.wsUrl: is not an address/],
      [{ testnet: 'yes' }, /venues\.hyperliquid\.testnet: must be true or false/],
      [{ pollMs: 50 }, /venues\.hyperliquid\.pollMs: must be a whole number from 100 to 60000/],
      // scheduleCancel needs a time at least 5 s ahead: 1..4 can never be armed.
      [{ deadManSeconds: 4 }, /venues\.hyperliquid\.deadManSeconds: must be 0 \(off\) or at least 5/],
      [{ deadManSeconds: 2.5 }, /venues\.hyperliquid\.deadManSeconds: must be a whole number/],
      [{ marketSlippage: 0 }, /venues\.hyperliquid\.marketSlippage: must be above 0/],
      [{ marketSlippage: 0.11 }, /venues\.hyperliquid\.marketSlippage: must be at most 0\.1/],
      [{ builderFee: false }, /unknown key venues\.hyperliquid\.builderFee/],
    ];
    for (const [hyperliquid, message] of bad)
      expect(() => parseConfig({ venues: { hyperliquid } }), JSON.stringify(hyperliquid)).toThrow(message);
    expect(
      parseConfig({ venues: { hyperliquid: { deadManSeconds: 0 } } }).venues.hyperliquid?.deadManSeconds,
    ).toBe(0);
  });

  it('a fallback is paper or another venue the config enables, kept only when named', () => {
    const both = parseConfig({
      venues: { kraken: { fallback: 'hyperliquid' }, hyperliquid: { fallback: 'paper' } },
    });
    expect(both.venues.kraken?.fallback).toBe('hyperliquid');
    expect(both.venues.hyperliquid?.fallback).toBe('paper');
    expect('fallback' in parseConfig({ venues: { kraken: {} } }).venues.kraken!).toBe(false);
    expect(
      parseConfig({ venues: { hyperliquid: { fallback: 'kraken' }, kraken: {} } }).venues.hyperliquid
        ?.fallback,
    ).toBe('kraken');
    expect(() => parseConfig({ venues: { kraken: { fallback: 'kraken' } } })).toThrow(
      'venues.kraken.fallback: may not be the venue itself',
    );
    expect(() => parseConfig({ venues: { kraken: { fallback: 'hyperliquid' } } })).toThrow(
      'venues.kraken.fallback: names hyperliquid, which the config does not enable (add venues.hyperliquid, or use paper)',
    );
    expect(() => parseConfig({ venues: { hyperliquid: { fallback: 'binance' } } })).toThrow(
      'venues.hyperliquid.fallback: must be one of paper, kraken, hyperliquid, ib; got "binance"',
    );
  });

  it('instruments name the symbol a venue trades them under, only for venues Braid knows', () => {
    const c = parseConfig({
      venues: { kraken: { fallback: 'hyperliquid' }, hyperliquid: {} },
      instruments: {
        'BTC/USD': { lot: 0.0001, tick: 0.1, venueSymbols: { hyperliquid: 'BTC/USDC:USDC' } },
        'ETH/USD': { lot: 0.001 },
      },
    });
    expect(c.instruments).toEqual({
      'BTC/USD': { lot: '0.0001', tick: '0.1', venueSymbols: { hyperliquid: 'BTC/USDC:USDC' } },
      // None named: no key at all (a config without them hashes as before).
      'ETH/USD': { lot: '0.001', tick: '0.01' },
    });
    expect(venueSymbolOf(c, 'hyperliquid', 'BTC/USD')).toBe('BTC/USDC:USDC');
    expect(venueSymbolOf(c, 'kraken', 'BTC/USD')).toBe('BTC/USD');
    expect(venueSymbolOf(c, 'hyperliquid', 'ETH/USD')).toBe('ETH/USD');
    expect(venueSymbolOf(c, 'hyperliquid', 'SOL/USD')).toBe('SOL/USD');
    expect(() =>
      parseConfig({ instruments: { 'BTC/USD': { venueSymbols: { binance: 'BTCUSDT' } } } }),
    ).toThrow('unknown key instruments.BTC/USD.venueSymbols.binance');
    // Paper trades Braid's own names.
    expect(() => parseConfig({ instruments: { 'BTC/USD': { venueSymbols: { paper: 'X' } } } })).toThrow(
      'unknown key instruments.BTC/USD.venueSymbols.paper',
    );
    expect(() =>
      parseConfig({ instruments: { 'BTC/USD': { venueSymbols: { hyperliquid: 'BTC USDC' } } } }),
    ).toThrow('instruments.BTC/USD.venueSymbols.hyperliquid: may hold only letters, digits and . / : _ -');
    expect(() => parseConfig({ instruments: { 'BTC/USD': { venueSymbols: { hyperliquid: '' } } } })).toThrow(
      'instruments.BTC/USD.venueSymbols.hyperliquid: is empty',
    );
    expect(() =>
      parseConfig({ instruments: { 'BTC/USD': { venueSymbols: { kraken: 'X'.repeat(33) } } } }),
    ).toThrow('instruments.BTC/USD.venueSymbols.kraken: is longer than 32 characters');
  });
});
