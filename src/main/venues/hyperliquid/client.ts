// The ccxt `hyperliquid` instance Braid signs with, with ccxt's monetisation switched off.
//
// By default ccxt (4.5.84 hyperliquid.js) makes the first private call run initializeClient(), which
// approves a builder fee for ccxt's own address (`approveBuilderFee`, handleBuilderFeeApproval), sets a
// referrer (`setReferrer`, setRef) and then attaches `builder: {b, f}` to every order action
// (createOrdersRequest, whenever options.approvedBuilderFee is true). `builderFee: false` alone is NOT
// off: it still approves at 0 % and attaches `f: 0` (wire notes fact 1). Off is all three of:
//   - options.refSet = true: setRef() returns before sending;
//   - handleBuilderFeeApproval overridden to do nothing: no approval, so approvedBuilderFee stays false;
//   - options.approvedBuilderFee left false (and builderFee false): createOrdersRequest adds no builder.
// A test proves the simulator never receives approveBuilderFee, setReferrer or a `builder` field.
import { createHash } from 'node:crypto';
import { hyperliquid } from 'ccxt';
import { nonceFor } from './nonce.ts';

export type HyperliquidExchange = InstanceType<typeof hyperliquid>;

/** ccxt's implicit endpoints (abstract/hyperliquid.d.ts), typed loosely: answers are read raw. */
interface Endpoints {
  publicPostInfo(params: Record<string, unknown>): Promise<unknown>;
  privatePostExchange(params: Record<string, unknown>): Promise<unknown>;
  signL1Action(action: Record<string, unknown>, nonce: number, vaultAddress?: string): unknown;
  handleBuilderFeeApproval(): Promise<boolean>;
}

export interface ClientOptions {
  url?: string;
  walletAddress: string;
  privateKey: string;
  testnet?: boolean;
  timeoutMs: number;
  marketSlippage: string;
  clock: () => number;
}

/** A signer's id for the nonce sequence: a hash of the key, so no key is kept as a map key. */
export const signerId = (privateKey: string) =>
  createHash('sha256').update(privateKey.toLowerCase(), 'utf8').digest('hex');

export function createClient(options: ClientOptions): HyperliquidExchange {
  const ex = new hyperliquid({
    walletAddress: options.walletAddress,
    privateKey: options.privateKey,
    // Braid's weight budget (rate-budget.ts) paces requests; ccxt's bucket knows no weights.
    enableRateLimit: false,
    timeout: options.timeoutMs,
    options: {
      builderFee: false,
      approvedBuilderFee: false,
      refSet: true,
      // Only the main perp dex: no spot or HIP-3 markets to load (and their weight to spend).
      fetchMarkets: { types: ['swap'] },
      // Braid reads clearinghouseState itself; without this each order would first ask userAbstraction.
      enableUnifiedMargin: false,
      defaultSlippage: options.marketSlippage,
    },
  });
  if (options.testnet) ex.setSandboxMode(true);
  (ex as unknown as Endpoints).handleBuilderFeeApproval = async () => true;
  if (options.url) {
    const base = options.url.replace(/\/+$/, '');
    ex.urls.api = { ...(ex.urls.api as Record<string, string>), public: base, private: base };
  }
  ex.nonce = nonceFor(signerId(options.privateKey), options.clock);
  return ex;
}

/** An unsigned /info read, answered raw (Hyperliquid's strings). */
export function info(ex: HyperliquidExchange, request: Record<string, unknown>): Promise<unknown> {
  return (ex as unknown as Endpoints).publicPostInfo(request);
}

/**
 * An L1 action ccxt has no method for (noop, scheduleCancel without a time), signed by ccxt's
 * signL1Action with a nonce from the signer's sequence.
 */
export async function signedAction(
  ex: HyperliquidExchange,
  action: Record<string, unknown>,
  timed?: (nonce: number) => Record<string, unknown>,
): Promise<{ answer: unknown; nonce: number }> {
  const e = ex as unknown as Endpoints;
  const nonce = ex.nonce();
  const body = timed ? { ...action, ...timed(nonce) } : action;
  const signature = e.signL1Action(body, nonce);
  const answer = await e.privatePostExchange({ action: body, nonce, signature });
  return { answer, nonce };
}

/** Closes ccxt's connections, its undici pool included (keep-alive 60 s would hold a server's close). */
export async function closeClient(ex: HyperliquidExchange): Promise<void> {
  try {
    await ex.close();
    const pool = (ex as unknown as { fetchDispatcher?: { close?: () => Promise<void> } }).fetchDispatcher;
    await pool?.close?.();
  } catch {
    // best effort: nothing more can be done with a connection that will not close
  }
}
