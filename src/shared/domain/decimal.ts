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

const DECIMAL_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

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
  return DECIMAL_RE.test(s.trim());
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
