// Small field readers for hand-validated JSON: each failure names the field, so a bad file line or API call
// gets an error that says what and where.
import { dec, isDecimalText, str } from '../../shared/domain/decimal.ts';

export class FieldError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
    this.name = 'FieldError';
  }
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A number or a decimal string, as a canonical decimal string (not range-checked). */
export function decimalField(value: unknown, field: string): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FieldError(field, 'must be a finite number');
    return str(dec(value));
  }
  if (typeof value === 'string' && isDecimalText(value)) return str(dec(value.trim()));
  throw new FieldError(field, `must be a number, got ${JSON.stringify(value)}`);
}

export function optionalDecimal(
  obj: Record<string, unknown>,
  key: string,
  prefix: string,
): string | undefined {
  const v = obj[key];
  return v === undefined || v === null ? undefined : decimalField(v, prefix + key);
}

export function stringField(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new FieldError(field, 'must be a non-empty string');
  return value.trim();
}

export function enumField<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new FieldError(field, `must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as T;
}
