// Reads the engine configuration (replay.md "Config") with the shared config schema
// (src/shared/input-schema.ts): every field optional, defaults from DEFAULT_CONFIG, every value
// range-checked and every key known, so a typo (a misspelt `risk.dailyLossLimtPct`) fails loudly with the
// field's path instead of being silently dropped.
import {
  type BraidConfig,
  DEFAULT_CONFIG,
  DEFAULT_LOT,
  DEFAULT_TICK,
  HYPERLIQUID_DEFAULTS,
  HYPERLIQUID_TESTNET_URL,
  HYPERLIQUID_TESTNET_WS_URL,
  HYPERLIQUID_WS_URL,
  IB_DEFAULTS,
  type InstrumentConfig,
  KRAKEN_DEFAULTS,
  KRAKEN_WS_URL,
  LEARNING_DEFAULTS,
  type PaperVenueConfig,
  SENTENCE_HOOK_TIMEOUT_MS,
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
    const named: NonNullable<InstrumentConfig['venueSymbols']> = {};
    for (const [venue, name] of Object.entries(spec.venueSymbols ?? {}))
      if (name !== undefined) named[venue as keyof typeof named] = name;
    instruments[symbol] = {
      lot: spec.lot ?? DEFAULT_LOT,
      tick: spec.tick ?? DEFAULT_TICK,
      // Only when named: a config without them hashes as it always did.
      ...(Object.keys(named).length > 0 ? { venueSymbols: named } : {}),
    };
  }
  const { paper: _paper, kraken, hyperliquid, ib, ...others } = c.venues;
  const paperVenues: Record<string, PaperVenueConfig> = {};
  for (const [name, v] of Object.entries(others)) {
    const other = v as Partial<PaperVenueConfig> & { kind: 'paper' };
    paperVenues[name] = {
      slipBps: other.slipBps ?? d.venues.paper.slipBps,
      takerFeeBps: other.takerFeeBps ?? d.venues.paper.takerFeeBps,
      makerFeeBps: other.makerFeeBps ?? d.venues.paper.makerFeeBps,
      maxVolumeShare: other.maxVolumeShare ?? null,
    };
  }
  const learning = c.learning;
  const L = LEARNING_DEFAULTS;
  // Built key by key in DEFAULT_CONFIG's order: a replay journal records a hash of this object.
  return {
    account: {
      cash: account.cash ?? d.account.cash,
      type: account.type ?? d.account.type,
      leverage: account.leverage ?? d.account.leverage,
      currency: account.currency ?? d.account.currency,
    },
    approval: c.approval?.mode ?? d.approval,
    ...(c.approval?.autoAboveScore !== undefined ? { autoApproveAboveScore: c.approval.autoAboveScore } : {}),
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
      ...(kraken
        ? {
            kraken: {
              url: kraken.url ?? KRAKEN_DEFAULTS.url,
              // Kraken's own REST gets Kraken's own private WebSocket; a simulator or testnet names its own.
              wsUrl: kraken.wsUrl ?? (kraken.url === undefined ? KRAKEN_WS_URL : KRAKEN_DEFAULTS.wsUrl),
              deadManSeconds: kraken.deadManSeconds ?? KRAKEN_DEFAULTS.deadManSeconds,
              pollMs: kraken.pollMs ?? KRAKEN_DEFAULTS.pollMs,
              ...(kraken.fallback !== undefined ? { fallback: kraken.fallback } : {}),
            },
          }
        : {}),
      ...(hyperliquid
        ? {
            hyperliquid: {
              // Testnet signs for testnet: its default address is testnet's too, never mainnet's.
              url:
                hyperliquid.url ??
                (hyperliquid.testnet === true ? HYPERLIQUID_TESTNET_URL : HYPERLIQUID_DEFAULTS.url),
              // Hyperliquid's own REST gets its own socket; a simulator's or another REST base gets none
              // unless named (REST polling alone), as Kraken's does.
              wsUrl:
                hyperliquid.wsUrl ??
                (hyperliquid.url === undefined
                  ? hyperliquid.testnet === true
                    ? HYPERLIQUID_TESTNET_WS_URL
                    : HYPERLIQUID_WS_URL
                  : HYPERLIQUID_DEFAULTS.wsUrl),
              testnet: hyperliquid.testnet ?? HYPERLIQUID_DEFAULTS.testnet,
              pollMs: hyperliquid.pollMs ?? HYPERLIQUID_DEFAULTS.pollMs,
              deadManSeconds: hyperliquid.deadManSeconds ?? HYPERLIQUID_DEFAULTS.deadManSeconds,
              marketSlippage: hyperliquid.marketSlippage ?? HYPERLIQUID_DEFAULTS.marketSlippage,
              ...(hyperliquid.fallback !== undefined ? { fallback: hyperliquid.fallback } : {}),
            },
          }
        : {}),
      ...(ib
        ? {
            ib: {
              host: ib.host ?? IB_DEFAULTS.host,
              port: ib.port ?? IB_DEFAULTS.port,
              clientId: ib.clientId ?? IB_DEFAULTS.clientId,
              ...(ib.account !== undefined ? { account: ib.account } : {}),
              ...(ib.fallback !== undefined ? { fallback: ib.fallback } : {}),
            },
          }
        : {}),
    },
    // The sections below only when configured: a config without them hashes as it always did.
    ...(Object.keys(paperVenues).length > 0 ? { paperVenues } : {}),
    ...(c.defaultVenue !== undefined ? { defaultVenue: c.defaultVenue } : {}),
    ...(learning
      ? {
          learning: {
            enabled: learning.enabled ?? L.enabled,
            minEvidence: learning.minEvidence ?? L.minEvidence,
            holdoutPct: learning.holdoutPct ?? L.holdoutPct,
            explorePct: learning.explorePct ?? L.explorePct,
            autoActivate: learning.autoActivate ?? L.autoActivate,
            seed: learning.seed ?? L.seed,
            ...(learning.sentenceHook
              ? {
                  sentenceHook: {
                    command: [...learning.sentenceHook.command],
                    timeoutMs: learning.sentenceHook.timeoutMs ?? SENTENCE_HOOK_TIMEOUT_MS,
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(c.curators
      ? {
          curators: {
            weights: Object.fromEntries(
              Object.entries(c.curators.weights).filter(([, w]) => w !== undefined),
            ) as NonNullable<BraidConfig['curators']>['weights'],
            ...(c.curators.bounds ? { bounds: { ...c.curators.bounds } } : {}),
          },
        }
      : {}),
    ...(c.routing ? { routing: { candidates: [...c.routing.candidates] } } : {}),
    ...(c.desk
      ? {
          desk: {
            url: c.desk.url,
            name: c.desk.name ?? 'default',
            engine: c.desk.engine,
            ...(c.desk.accepts ? { accepts: [...c.desk.accepts] } : {}),
          },
        }
      : {}),
    instruments,
  };
}
