// Hyperliquid nonces: milliseconds, and never the same twice for one signer (the venue keeps the 100
// highest per signer and refuses a repeat, or one at or below the smallest of them: wire notes fact 14).
// ccxt's incrementingNonce() bumps within one millisecond, but per ccxt instance; this generator is per
// signer for the whole process, so two adapters on one API wallet in one process (a restart in place,
// tests) cannot collide either. Across processes the key lock (../key-lock.ts) keeps one per wallet.

const lastBySigner = new Map<string, number>();

/** A nonce generator for `signer` (the API wallet's address or key): max(clock, last + 1). */
export function nonceFor(signer: string, clock: () => number): () => number {
  const id = signer.toLowerCase();
  return () => {
    const nonce = Math.max(Math.floor(clock()), (lastBySigner.get(id) ?? 0) + 1);
    lastBySigner.set(id, nonce);
    return nonce;
  };
}
