// Exact decimal arithmetic for prices, quantities, cash and P&L.
// Records hold decimals as canonical strings (plain JSON, journal-friendly); arithmetic goes through
// big.js, whose + - * are exact and whose / and sqrt round to DIVISION_PLACES decimal places.
import Big from 'big.js';

export type Dec = Big;
/** A decimal carried as a canonical plain string, e.g. "190.25" (never exponent notation). */
export type DecStr = string;

export const DIVISION_PLACES = 30;
Big.DP = DIVISION_PLACES;
Big.RM = Big.roundHalfEven;
// Plain notation for every value we can meet (1e-30 .. 1e40), so strings are canonical.
Big.NE = -40;
Big.PE = 60;

export const ZERO: Dec = new Big(0);
export const ONE: Dec = new Big(1);

/** The one decimal pattern of Braid: optional sign, digits with an optional point, optional exponent. */
export const DECIMAL_PATTERN = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Longest decimal text read at the edge: a price or quantity is a few dozen characters at most. */
export const DECIMAL_MAX_CHARS = 40;
/**
 * Magnitudes read at the edge: nothing traded is near these bounds, and big.js would spend memory and
 * time on a value such as 1e999999 (floorToLot writes out every digit).
 */
export const DECIMAL_MAX_ABS = 1e15;
export const DECIMAL_MIN_ABS = 1e-12;

/** Parses a decimal from a string or a finite number; throws on anything else (callers validate first). */
export function dec(x: Dec | DecStr | number): Dec {
  if (x instanceof Big) return x;
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
    return new Big(x);
  }
  return new Big(x);
}

export function isDecimalText(s: string): boolean {
  return DECIMAL_PATTERN.test(s.trim());
}

/** What is wrong with a finite value's magnitude, or null when it is 0 or within the bounds above. */
export function rangeProblem(n: number): string | null {
  const a = Math.abs(n);
  if (a > DECIMAL_MAX_ABS) return 'is too large (at most 1000000000000000)';
  if (a !== 0 && a < DECIMAL_MIN_ABS) return 'is too small (at least 0.000000000001, or 0)';
  return null;
}

/**
 * Reads a decimal from the outside world (a JSON string or number): its canonical string, or what is
 * wrong with it, in plain words. Never throws.
 */
export function readDecimal(x: unknown): { ok: true; value: DecStr } | { ok: false; problem: string } {
  let text: string;
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) return { ok: false, problem: 'expected a finite number' };
    text = String(x);
  } else if (typeof x === 'string') {
    text = x.trim();
    if (text.length > DECIMAL_MAX_CHARS || !DECIMAL_PATTERN.test(text))
      return { ok: false, problem: 'expected a decimal number' };
  } else {
    return { ok: false, problem: 'expected a decimal number' };
  }
  const problem = rangeProblem(Number(text));
  return problem === null ? { ok: true, value: str(new Big(text)) } : { ok: false, problem };
}

/** Canonical string of a decimal: plain notation, no trailing zeros. */
export function str(x: Dec): DecStr {
  return x.toString();
}

/** A decimal as a JSON number rounded to at most 10 significant digits (the report's rule). */
export function num10(x: Dec | DecStr): number {
  const d = dec(x);
  if (d.eq(0)) return 0;
  return Number(d.toPrecision(10, Big.roundHalfEven));
}

export function min(a: Dec, b: Dec): Dec {
  return a.lt(b) ? a : b;
}

export function max(a: Dec, b: Dec): Dec {
  return a.gt(b) ? a : b;
}

/** Floors a non-negative quantity to a whole number of lots (never rounds up past a budget). */
export function floorToLot(q: Dec, lot: Dec): Dec {
  if (q.lte(0)) return ZERO;
  return q.div(lot).round(0, Big.roundDown).times(lot);
}

/** Is q a whole number of lots? */
export function isMultipleOf(q: Dec, lot: Dec): boolean {
  return q.mod(lot).eq(0);
}
