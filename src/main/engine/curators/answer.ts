// What every curator shares: its answer (a value in [0, 1] and why, in words) and the few total helpers
// that keep a bad input from ever throwing (it reads as neutral, with its reason).
import { type Dec, dec } from '../../../shared/domain/decimal.ts';

export interface CuratorAnswer {
  value: number;
  why: string;
}

/** Neither for nor against: what a curator answers when it knows nothing. */
export const NEUTRAL = 0.5;

export const neutral = (why: string): CuratorAnswer => ({ value: NEUTRAL, why: `${why}: neutral` });

/** To a millionth: a figure that is 0.8 on paper is 0.8 here (the threshold is strictly above). */
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** A decimal from a string or number, or null when it is not one. */
export function decOrNull(x: unknown): Dec | null {
  if (typeof x !== 'string' && typeof x !== 'number') return null;
  try {
    return dec(x);
  } catch {
    return null;
  }
}

export const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** A share for words: 0.375 -> "38 %". */
export const pctText = (share: number): string => `${Math.round(share * 100)} %`;
