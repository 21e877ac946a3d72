// Exchange calendar: local trading dates and NYSE business days.
// Dates are 'YYYY-MM-DD' strings; arithmetic runs on day numbers (days since 1970-01-01) so no
// Date object or clock is involved. Holiday rules are computed, accurate for 1990..2100. Instants are
// read only within 1970..2100 (the range every input is checked against, src/shared/domain/time.ts).
import { END_TIME, MIN_TIME } from '../../../shared/domain/time.ts';

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

// ---------------------------------------------------------------------------------------------
// Local dates in an IANA time zone

interface ZoneCache {
  fmt: Intl.DateTimeFormat;
  /** [lo, hi) is an interval of instants all known to fall on `date` in this zone. */
  lo: number;
  hi: number;
  date: string;
}

const zones = new Map<string, ZoneCache>();

function zoneCache(timeZone: string): ZoneCache {
  let z = zones.get(timeZone);
  if (z === undefined) {
    // Throws RangeError on an unknown zone, which is what callers get.
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    z = { fmt, lo: 0, hi: 0, date: '' };
    zones.set(timeZone, z);
  }
  return z;
}

interface Wall {
  date: string;
  /** Local wall-clock time read as if it were UTC, in ms. */
  wallMs: number;
}

function wall(fmt: Intl.DateTimeFormat, t: number): Wall {
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const p of fmt.formatToParts(t)) {
    switch (p.type) {
      case 'year':
        y = Number(p.value);
        break;
      case 'month':
        mo = Number(p.value);
        break;
      case 'day':
        d = Number(p.value);
        break;
      case 'hour':
        h = Number(p.value);
        break;
      case 'minute':
        mi = Number(p.value);
        break;
      case 'second':
        s = Number(p.value);
        break;
    }
  }
  const ms = ((t % 1000) + 1000) % 1000;
  const wallMs = daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 + ms;
  return { date: formatDate(y, mo, d), wallMs };
}

function offsetAt(fmt: Intl.DateTimeFormat, t: number): number {
  return wall(fmt, t).wallMs - t;
}

/** A time zone's offset from UTC at an instant, in ms (New York: -5 h in winter, -4 h in summer). */
export function zoneOffset(epochMs: number, timeZone: string): number {
  return offsetAt(zoneCache(timeZone).fmt, epochMs);
}

/**
 * The calendar date of an instant in an IANA time zone, 'YYYY-MM-DD'.
 * Called per bar, so each zone caches the span of instants known to share the last date: a run of
 * bars on one day costs one Map lookup each and about three Intl calls per new day.
 */
export function localDate(epochMs: number, timeZone: string): string {
  // Past 2100 the dates stop being 4-digit years, and past year 275760 Intl throws: say why instead.
  if (!(epochMs >= MIN_TIME && epochMs < END_TIME))
    throw new RangeError(`time ${epochMs} is outside 1970-01-01..2100-12-31, the calendar's range`);
  const z = zoneCache(timeZone);
  if (epochMs >= z.lo && epochMs < z.hi) return z.date;

  const w = wall(z.fmt, epochMs);
  const off = w.wallMs - epochMs;
  // Local midnight and the next one, assuming the offset holds all day.
  const start = epochMs - (((w.wallMs % DAY_MS) + DAY_MS) % DAY_MS);
  const end = start + DAY_MS;
  // Zones change offset at most once within 24 hours, so an equal offset at both ends of a span
  // means it is constant across it and the whole span has this date. On a DST day only the side
  // of the transition that holds `epochMs` is cached.
  const startOk = offsetAt(z.fmt, start) === off;
  const endOk = offsetAt(z.fmt, end - 1) === off;
  z.lo = startOk ? start : epochMs;
  z.hi = endOk ? end : epochMs + 1;
  z.date = w.date;
  return w.date;
}

// ---------------------------------------------------------------------------------------------
// Civil dates <-> day numbers (H. Hinnant's algorithms, proleptic Gregorian)

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(n: number): [number, number, number] {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function formatDate(y: number, m: number, d: number): string {
  return String(y).padStart(4, '0') + '-' + pad2(m) + '-' + pad2(d);
}

function daysInMonth(y: number, m: number): number {
  return daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - daysFromCivil(y, m, 1);
}

/** Day number of a 'YYYY-MM-DD' date; throws on anything that is not a real calendar date. */
function dayNumber(date: string): number {
  const m = DATE_RE.exec(date);
  if (m === null) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo))
    throw new RangeError(`not a calendar date: ${date}`);
  return daysFromCivil(y, mo, d);
}

function dateOf(n: number): string {
  const [y, m, d] = civilFromDays(n);
  return formatDate(y, m, d);
}

/** 0 = Sunday .. 6 = Saturday (1970-01-01, day 0, was a Thursday). */
function weekdayOf(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

// ---------------------------------------------------------------------------------------------
// NYSE holidays

const SUN = 0;
const MON = 1;
const THU = 4;
const SAT = 6;

/** Unscheduled full-day closures (national mourning, 9/11, hurricane Sandy). */
const SPECIAL_CLOSURES: readonly string[] = [
  '1994-04-27', // Richard Nixon
  '2001-09-11',
  '2001-09-12',
  '2001-09-13',
  '2001-09-14',
  '2004-06-11', // Ronald Reagan
  '2007-01-02', // Gerald Ford
  '2012-10-29', // Sandy
  '2012-10-30',
  '2018-12-05', // George H. W. Bush
  '2025-01-09', // Jimmy Carter
];

function nthWeekday(y: number, m: number, weekday: number, nth: number): number {
  const first = daysFromCivil(y, m, 1);
  return first + ((weekday - weekdayOf(first) + 7) % 7) + 7 * (nth - 1);
}

function lastWeekday(y: number, m: number, weekday: number): number {
  const last = daysFromCivil(y, m, daysInMonth(y, m));
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

/** Saturday -> Friday before, Sunday -> Monday after (NYSE rule 7.2). */
function observed(n: number): number {
  const wd = weekdayOf(n);
  return wd === SAT ? n - 1 : wd === SUN ? n + 1 : n;
}

/** Gregorian Easter Sunday (anonymous Gregorian computus, Meeus/Jones/Butcher). */
function easterSunday(y: number): number {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return daysFromCivil(y, month, day);
}

const holidayCache = new Map<number, ReadonlySet<string>>();

function holidaySet(y: number): ReadonlySet<string> {
  let set = holidayCache.get(y);
  if (set !== undefined) return set;
  const days: number[] = [];
  // New Year's Day on a Saturday is not observed: the Friday before closes a month and a year.
  const newYear = daysFromCivil(y, 1, 1);
  if (weekdayOf(newYear) !== SAT) days.push(observed(newYear));
  if (y >= 1998) days.push(nthWeekday(y, 1, MON, 3)); // Martin Luther King Jr. Day
  days.push(nthWeekday(y, 2, MON, 3)); // Washington's Birthday
  days.push(easterSunday(y) - 2); // Good Friday
  days.push(lastWeekday(y, 5, MON)); // Memorial Day
  if (y >= 2022) days.push(observed(daysFromCivil(y, 6, 19))); // Juneteenth
  days.push(observed(daysFromCivil(y, 7, 4))); // Independence Day
  days.push(nthWeekday(y, 9, MON, 1)); // Labor Day
  days.push(nthWeekday(y, 11, THU, 4)); // Thanksgiving
  days.push(observed(daysFromCivil(y, 12, 25))); // Christmas
  const prefix = String(y).padStart(4, '0') + '-';
  set = new Set([...days.map(dateOf), ...SPECIAL_CLOSURES.filter((d) => d.startsWith(prefix))]);
  holidayCache.set(y, set);
  return set;
}

/** The NYSE full-day closures of a year (weekdays only), sorted. Accurate for 1990..2100. */
export function nyseHolidays(year: number): string[] {
  if (!Number.isInteger(year)) throw new RangeError(`not a year: ${year}`);
  return [...holidaySet(year)].sort();
}

/**
 * Is the NYSE closed all day on this date for a holiday or a special closure? Only the observed
 * weekday counts: a holiday falling on a weekend is not itself a holiday (its date is a weekend).
 */
export function isNyseHoliday(date: string): boolean {
  dayNumber(date);
  return holidaySet(Number(date.slice(0, 4))).has(date);
}

function isBusinessDayN(n: number): boolean {
  const wd = weekdayOf(n);
  if (wd === SAT || wd === SUN) return false;
  const date = dateOf(n);
  return !holidaySet(Number(date.slice(0, 4))).has(date);
}

/** A weekday on which the NYSE is open (early closes are full business days). */
export function isBusinessDay(date: string): boolean {
  return isBusinessDayN(dayNumber(date));
}

/** The business day strictly before `date`. */
export function previousBusinessDay(date: string): string {
  let n = dayNumber(date) - 1;
  while (!isBusinessDayN(n)) n--;
  return dateOf(n);
}

/** The business day strictly after `date`. */
export function nextBusinessDay(date: string): string {
  let n = dayNumber(date) + 1;
  while (!isBusinessDayN(n)) n++;
  return dateOf(n);
}

/** `date` itself if it is a business day, else the last business day before it. */
export function lastBusinessDayOnOrBefore(date: string): string {
  let n = dayNumber(date);
  while (!isBusinessDayN(n)) n--;
  return dateOf(n);
}

/** The `days` business days ending at lastBusinessDayOnOrBefore(date), oldest first. */
export function businessWindow(date: string, days: number): string[] {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`not a day count: ${days}`);
  const out: string[] = [];
  if (days === 0) return out;
  let n = dayNumber(date);
  while (out.length < days) {
    if (isBusinessDayN(n)) out.push(dateOf(n));
    n--;
  }
  return out.reverse();
}
