// Hyperliquid's nonce rule, per signer: a nonce (ms) must lie within (now − 2 days, now + 1 day), must not
// repeat, and once 100 are kept it must beat the smallest of the 100 highest seen. Out-of-order arrival
// inside the set is fine (ccxt sends its first-call approve/referrer actions concurrently).
import { ERR } from './errors.ts';

const DAY = 86_400_000;
const KEPT = 100;

export class NonceSets {
  private readonly sets = new Map<string, number[]>();

  /** Takes `nonce` for `signer`, or says why not (Hyperliquid's text). */
  take(signer: string, nonce: number, now: number): { ok: true } | { ok: false; error: string } {
    if (!Number.isSafeInteger(nonce) || nonce <= now - 2 * DAY || nonce >= now + DAY) {
      return { ok: false, error: ERR.nonceWindow(nonce) };
    }
    const set = this.sets.get(signer) ?? [];
    if (set.includes(nonce)) return { ok: false, error: ERR.nonceDuplicate(nonce) };
    if (set.length >= KEPT && nonce <= set[0]!) return { ok: false, error: ERR.nonceTooLow(nonce) };
    set.push(nonce);
    set.sort((a, b) => a - b);
    if (set.length > KEPT) set.shift();
    this.sets.set(signer, set);
    return { ok: true };
  }

  /** The nonces kept for a signer, ascending. */
  kept(signer: string): number[] {
    return [...(this.sets.get(signer) ?? [])];
  }
}
