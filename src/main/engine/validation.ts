// Input that cannot be read becomes a FieldError naming the field, so a bad file line or API call gets an
// error that says what and where ("plan.entry.price: expected a decimal number"). The schemas themselves
// live in src/shared/input-schema.ts (one source for the API, the replay and the config).
import type { z } from 'zod';
import { plainErrors, problemsOf } from '../../shared/input-schema.ts';

export class FieldError extends Error {
  /** Dotted path of the field, '' for the input as a whole. */
  readonly field: string;
  /** The same path as keys and list positions (to find the field's line in a file). */
  readonly path: readonly PropertyKey[];
  constructor(
    field: string,
    message: string,
    options: { path?: readonly PropertyKey[]; text?: string } = {},
  ) {
    super(options.text ?? (field === '' ? message : `${field}: ${message}`));
    this.field = field;
    this.path = options.path ?? (field === '' ? [] : field.split('.'));
    this.name = 'FieldError';
  }
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Parses `raw` with `schema`; throws a FieldError for the first problem (paths start at `prefix`). */
export function parseWith<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  prefix: readonly PropertyKey[] = [],
): z.output<S> {
  const parsed = schema.safeParse(raw, { error: plainErrors });
  if (parsed.success) return parsed.data;
  const first = problemsOf(parsed.error, prefix)[0]!;
  throw new FieldError(first.field, '', { path: first.path, text: first.text });
}
