import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { DEFAULT_CONFIG, learningOf, paperVenuesOf } from '../../src/shared/domain/config.ts';

describe('config: learning, routing, paper venues, ib, desk, approval score', () => {
  it('a config without the new sections reads as it always did (same keys, same order)', () => {
    const c = parseConfig({});
    expect(c).toEqual(DEFAULT_CONFIG);
    expect(JSON.stringify(c)).toBe(JSON.stringify(DEFAULT_CONFIG));
    expect(learningOf(c).enabled).toBe(false);
  });

  it('learning: fills the defaults of learning.md, fields override them', () => {
    expect(parseConfig({ learning: {} }).learning).toEqual({
      enabled: false,
      minEvidence: 20,
      holdoutPct: 0.15,
      explorePct: 0.05,
      autoActivate: true,
      seed: 1,
    });
    expect(parseConfig({ learning: { enabled: true, seed: 7 } }).learning).toMatchObject({
      enabled: true,
      seed: 7,
    });
    expect(() => parseConfig({ learning: { holdoutPct: 0.9 } })).toThrow(
      'learning.holdoutPct: must be a number from 0 to 0.5',
    );
    expect(() => parseConfig({ learning: { minEvidnce: 3 } })).toThrow(/unknown key learning\.minEvidnce/);
  });

  it('learning.sentenceHook: an argv with a 10 s default deadline, only when named', () => {
    expect(parseConfig({ learning: {} }).learning).not.toHaveProperty('sentenceHook');
    expect(
      parseConfig({ learning: { sentenceHook: { command: ['/usr/bin/reword', '--short'] } } }).learning,
    ).toMatchObject({ sentenceHook: { command: ['/usr/bin/reword', '--short'], timeoutMs: 10_000 } });
    expect(
      parseConfig({ learning: { sentenceHook: { command: ['reword'], timeoutMs: 2500 } } }).learning
        ?.sentenceHook,
    ).toEqual({ command: ['reword'], timeoutMs: 2500 });
    expect(() => parseConfig({ learning: { sentenceHook: { command: [] } } })).toThrow(
      /learning\.sentenceHook\.command/,
    );
    expect(() => parseConfig({ learning: { sentenceHook: { command: ['x'], timeoutMs: 5 } } })).toThrow(
      'learning.sentenceHook.timeoutMs: must be a whole number from 100 to 300000',
    );
    expect(() => parseConfig({ learning: { sentenceHook: { command: 'reword --short' } } })).toThrow(
      /learning\.sentenceHook\.command/,
    );
  });

  it('a venues key with "kind": "paper" is a paper venue; any other unknown key fails with its path', () => {
    const c = parseConfig({
      venues: { paper: { slipBps: 2 }, 'paper-b': { kind: 'paper', slipBps: 12 } },
      routing: { candidates: ['paper', 'paper-b'] },
    });
    expect(c.paperVenues).toEqual({
      'paper-b': { slipBps: '12', takerFeeBps: '0', makerFeeBps: '0', maxVolumeShare: null },
    });
    expect(Object.keys(c.venues)).toEqual(['paper']);
    expect(Object.keys(paperVenuesOf(c))).toEqual(['paper', 'paper-b']);
    expect(c.routing).toEqual({ candidates: ['paper', 'paper-b'] });
    expect(() => parseConfig({ venues: { krakn: { url: 'http://x' } } })).toThrow(
      /^venues\.krakn: unknown venue/,
    );
    expect(() => parseConfig({ venues: { b: { kind: 'paper', slip: 1 } } })).toThrow(
      /unknown key venues\.b\.slip/,
    );
    expect(() => parseConfig({ venues: { b: { kind: 'paper', slipBps: -1 } } })).toThrow(
      'venues.b.slipBps: must be at least 0',
    );
  });

  it('routing candidates and defaultVenue name venues the config enables', () => {
    expect(() => parseConfig({ routing: { candidates: ['paper', 'paper-b'] } })).toThrow(
      'routing.candidates.1: names paper-b, which the config does not enable (add venues.paper-b with "kind": "paper")',
    );
    expect(() => parseConfig({ routing: { candidates: ['paper', 'paper'] } })).toThrow(
      'routing.candidates.1: is named twice',
    );
    expect(parseConfig({ venues: { b: { kind: 'paper' } }, defaultVenue: 'b' }).defaultVenue).toBe('b');
  });

  it('venues.ib: {} enables IB with the defaults, account and fallback only when named', () => {
    expect(parseConfig({ venues: { ib: {} } }).venues.ib).toEqual({
      host: '127.0.0.1',
      port: 4002,
      clientId: 17,
    });
    expect(
      parseConfig({ venues: { ib: { port: 7497, account: 'DU1234567', fallback: 'paper' } } }).venues.ib,
    ).toEqual({ host: '127.0.0.1', port: 7497, clientId: 17, account: 'DU1234567', fallback: 'paper' });
    expect(() => parseConfig({ venues: { ib: { port: 70000 } } })).toThrow(/venues\.ib\.port/);
    expect(() => parseConfig({ venues: { kraken: { fallback: 'ib' } } })).toThrow(
      'venues.kraken.fallback: names ib, which the config does not enable (add venues.ib, or use paper)',
    );
  });

  it('desk: name defaults, engine is required', () => {
    expect(parseConfig({ desk: { url: 'postgres://u@127.0.0.1:5432/braid', engine: 'e1' } }).desk).toEqual({
      url: 'postgres://u@127.0.0.1:5432/braid',
      name: 'default',
      engine: 'e1',
    });
    expect(() => parseConfig({ desk: { url: 'postgres://u@h/d' } })).toThrow('desk.engine: is required');
    expect(() => parseConfig({ desk: { url: 'http://h', engine: 'e' } })).toThrow(/desk\.url/);
    expect(
      parseConfig({ desk: { url: 'postgres://h/d', engine: 'e', accepts: ['kraken', 'AAPL'] } }).desk
        ?.accepts,
    ).toEqual(['kraken', 'AAPL']);
  });

  it('approval: a mode, or a mode with a score above which plans execute without a click', () => {
    expect(parseConfig({ approval: 'manual' }).approval).toBe('manual');
    const c = parseConfig({ approval: { mode: 'manual', autoAboveScore: 0.8 } });
    expect(c.approval).toBe('manual');
    expect(c.autoApproveAboveScore).toBe(0.8);
    expect('autoApproveAboveScore' in parseConfig({ approval: { mode: 'auto' } })).toBe(false);
    expect(() => parseConfig({ approval: { mode: 'manual', autoAboveScore: 2 } })).toThrow(
      'approval.autoAboveScore: must be a number from 0 to 1',
    );
    expect(() => parseConfig({ approval: 'sometimes' })).toThrow(/approval: must be one of auto, manual/);
  });
});
