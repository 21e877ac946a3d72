// Times cross boundaries as ISO 8601 strings with a zone, or epoch milliseconds; inside they are epoch ms.
// Only 1970-01-01 to 2100-12-31 (UTC) is read: the exchange calendar is computed for those years, and
// a time far outside them is a typo or garbage (a year 33658 once took the calendar down).
const ISO_WITH_ZONE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):?(\d{2}))$/;

/** 1970-01-01T00:00:00.000Z, the first instant read. */
export const MIN_TIME = 0;
/** 2101-01-01T00:00:00.000Z, the first instant no longer read. */
export const END_TIME = Date.UTC(2101, 0, 1);

export type TimeRead = { ok: true; value: number } | { ok: false; problem: string };

const NOT_A_TIME = 'must be ISO 8601 with a zone or epoch milliseconds';
const OUT_OF_RANGE = 'must be between 1970-01-01 and 2100-12-31';

function inRange(ms: number): TimeRead {
  return ms >= MIN_TIME && ms < END_TIME ? { ok: true, value: ms } : { ok: false, problem: OUT_OF_RANGE };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** Reads a time: its epoch ms, or what is wrong with it in plain words (a real calendar date, in range). */
export function readTime(x: unknown): TimeRead {
  if (typeof x === 'number') return Number.isSafeInteger(x) ? inRange(x) : { ok: false, problem: NOT_A_TIME };
  if (typeof x !== 'string') return { ok: false, problem: NOT_A_TIME };
  const s = x.trim();
  if (/^-?\d{1,16}$/.test(s)) return readTime(Number(s));
  const m = ISO_WITH_ZONE.exec(s);
  if (m === null) return { ok: false, problem: NOT_A_TIME };
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  // Date.parse rolls 2024-02-30 over to March 1 and reads 24:00 as the next day: check each part first.
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month))
    return { ok: false, problem: `is not a calendar date (${s.slice(0, 10)})` };
  if (hour > 23 || minute > 59 || second > 59)
    return { ok: false, problem: `is not a time of day (${s.slice(11, m[6] === undefined ? 16 : 19)})` };
  if (m[9] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59))
    return { ok: false, problem: `is not a zone offset (${m[8]})` };
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? { ok: false, problem: NOT_A_TIME } : inRange(ms);
}

/** Parses a time; null when readTime finds it wrong. */
export function parseTime(x: unknown): number | null {
  const t = readTime(x);
  return t.ok ? t.value : null;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
