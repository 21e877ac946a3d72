// Reads the engine configuration (replay.md "Config") with the shared config schema
// (src/shared/input-schema.ts): every field optional, defaults from DEFAULT_CONFIG, every value
// range-checked and every key known, so a typo (a misspelt `risk.dailyLossLimtPct`) fails loudly with the
// field's path instead of being silently dropped.
import {
  type BraidConfig,
  DEFAULT_CONFIG,
  DEFAULT_LOT,
  DEFAULT_TICK,
  KRAKEN_DEFAULTS,
  KRAKEN_WS_URL,
} from '../../shared/domain/config.ts';
import { configSchema } from '../../shared/input-schema.ts';
import { parseWith } from './validation.ts';

/** Parses a raw config object; throws FieldError naming the bad field (or `unknown key a.b`). */
export function parseConfig(raw: unknown): BraidConfig {
  // No config at all is the defaults, as `{}` is.
  const c = parseWith(configSchema, raw ?? {});
  const d = DEFAULT_CONFIG;
  const account = c.account;
  const risk = c.risk;
  const pdt = c.pdt;
  const paper = c.venues.paper;
  const instruments: BraidConfig['instruments'] = {};
  for (const [symbol, spec] of Object.entries(c.instruments)) {
    instruments[symbol] = { lot: spec.lot ?? DEFAULT_LOT, tick: spec.tick ?? DEFAULT_TICK };
  }
  // Built key by key in DEFAULT_CONFIG's order: a replay journal records a hash of this object.
  return {
    account: {
      cash: account.cash ?? d.account.cash,
      type: account.type ?? d.account.type,
      leverage: account.leverage ?? d.account.leverage,
      currency: account.currency ?? d.account.currency,
    },
    approval: c.approval ?? d.approval,
    risk: {
      riskPct: risk.riskPct ?? d.risk.riskPct,
      maxPositionPct: risk.maxPositionPct ?? d.risk.maxPositionPct,
      maxOpenPositions: risk.maxOpenPositions ?? d.risk.maxOpenPositions,
      maxNotional: risk.maxNotional ?? null,
      dailyLossLimitPct: risk.dailyLossLimitPct ?? null,
      ...(risk.scaleDownOnInsufficientFunds !== undefined
        ? { scaleDownOnInsufficientFunds: risk.scaleDownOnInsufficientFunds }
        : {}),
    },
    pdt: {
      enabled: pdt.enabled ?? d.pdt.enabled,
      minEquity: pdt.minEquity ?? d.pdt.minEquity,
      maxDayTrades: pdt.maxDayTrades ?? d.pdt.maxDayTrades,
      timezone: pdt.timezone ?? d.pdt.timezone,
      method: pdt.method ?? d.pdt.method,
    },
    venues: {
      paper: {
        slipBps: paper.slipBps ?? d.venues.paper.slipBps,
        takerFeeBps: paper.takerFeeBps ?? d.venues.paper.takerFeeBps,
        makerFeeBps: paper.makerFeeBps ?? d.venues.paper.makerFeeBps,
        maxVolumeShare: paper.maxVolumeShare ?? null,
      },
      // Live venues only when configured: a paper config hashes as it always did.
      ...(c.venues.kraken
        ? {
            kraken: {
              url: c.venues.kraken.url ?? KRAKEN_DEFAULTS.url,
              // Kraken's own REST gets Kraken's own private WebSocket; a simulator or testnet names its own.
              wsUrl:
                c.venues.kraken.wsUrl ??
                (c.venues.kraken.url === undefined ? KRAKEN_WS_URL : KRAKEN_DEFAULTS.wsUrl),
              deadManSeconds: c.venues.kraken.deadManSeconds ?? KRAKEN_DEFAULTS.deadManSeconds,
              pollMs: c.venues.kraken.pollMs ?? KRAKEN_DEFAULTS.pollMs,
            },
          }
        : {}),
    },
    ...(c.defaultVenue !== undefined ? { defaultVenue: c.defaultVenue } : {}),
    instruments,
  };
}
