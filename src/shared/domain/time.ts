// Times cross boundaries as ISO 8601 strings with a zone, or epoch milliseconds; inside they are epoch ms.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses a time; returns null when it is not ISO 8601 with a zone nor a whole number of epoch ms. */
export function parseTime(x: unknown): number | null {
  if (typeof x === 'number') return Number.isSafeInteger(x) ? x : null;
  if (typeof x !== 'string') return null;
  const s = x.trim();
  if (/^-?\d+$/.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : null;
  }
  if (!ISO_WITH_ZONE.test(s)) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
