import { describe, expect, it } from 'vitest';
import {
  businessWindow,
  isBusinessDay,
  isNyseHoliday,
  lastBusinessDayOnOrBefore,
  localDate,
  nextBusinessDay,
  nyseHolidays,
  previousBusinessDay,
} from '../../src/main/engine/risk/calendar.ts';

const NY = 'America/New_York';
const t = (iso: string): number => Date.parse(iso);

// Expected values below were worked out by hand (weekday of Jan 1 + day-of-year arithmetic, the
// published NYSE schedules), not produced by the code under test.

describe('localDate', () => {
  it('maps an instant to the New York date, EST being UTC-5 in early March', () => {
    expect(localDate(t('2024-03-04T04:30:00Z'), NY)).toBe('2024-03-03'); // Sun 23:30 EST
    expect(localDate(t('2024-03-04T01:30:00Z'), NY)).toBe('2024-03-03'); // Sun 20:30 EST
    expect(localDate(t('2024-03-04T04:59:59.999Z'), NY)).toBe('2024-03-03');
    expect(localDate(t('2024-03-04T05:00:00Z'), NY)).toBe('2024-03-04'); // Mon 00:00 EST
    expect(localDate(t('2024-03-04T15:00:00Z'), NY)).toBe('2024-03-04');
  });

  it('uses EDT (UTC-4) in summer', () => {
    expect(localDate(t('2024-07-01T03:59:59.999Z'), NY)).toBe('2024-06-30');
    expect(localDate(t('2024-07-01T04:00:00Z'), NY)).toBe('2024-07-01');
  });

  it('handles the spring-forward day (2024-03-10: EST midnight, EDT the next midnight)', () => {
    expect(localDate(t('2024-03-10T04:59:59.999Z'), NY)).toBe('2024-03-09');
    expect(localDate(t('2024-03-10T05:00:00Z'), NY)).toBe('2024-03-10');
    expect(localDate(t('2024-03-10T06:59:59.999Z'), NY)).toBe('2024-03-10'); // 01:59:59 EST
    expect(localDate(t('2024-03-10T07:00:00Z'), NY)).toBe('2024-03-10'); // 03:00 EDT
    expect(localDate(t('2024-03-11T03:59:59.999Z'), NY)).toBe('2024-03-10');
    expect(localDate(t('2024-03-11T04:00:00Z'), NY)).toBe('2024-03-11');
  });

  it('handles the fall-back day (2024-11-03: EDT midnight, EST the next midnight)', () => {
    expect(localDate(t('2024-11-03T03:59:59.999Z'), NY)).toBe('2024-11-02');
    expect(localDate(t('2024-11-03T04:00:00Z'), NY)).toBe('2024-11-03');
    expect(localDate(t('2024-11-03T05:30:00Z'), NY)).toBe('2024-11-03'); // 01:30 EDT
    expect(localDate(t('2024-11-03T06:30:00Z'), NY)).toBe('2024-11-03'); // 01:30 EST
    expect(localDate(t('2024-11-04T04:59:59.999Z'), NY)).toBe('2024-11-03');
    expect(localDate(t('2024-11-04T05:00:00Z'), NY)).toBe('2024-11-04');
  });

  it('gives the same answers whatever order the instants are asked in (the per-zone cache)', () => {
    const times = [
      '2024-03-10T04:59:59.999Z',
      '2024-03-11T04:00:00Z',
      '2024-03-10T05:00:00Z',
      '2024-03-11T03:59:59.999Z',
      '2024-03-10T07:00:00Z',
      '2024-03-09T12:00:00Z',
    ].map(t);
    const forward = times.map((x) => localDate(x, NY));
    const backward = [...times].reverse().map((x) => localDate(x, NY));
    expect(backward.reverse()).toEqual(forward);
    expect(forward).toEqual([
      '2024-03-09',
      '2024-03-11',
      '2024-03-10',
      '2024-03-10',
      '2024-03-10',
      '2024-03-09',
    ]);
  });

  it('keeps one cache per zone: interleaved zones do not leak dates into each other', () => {
    const x = t('2024-03-04T02:00:00Z');
    expect(localDate(x, NY)).toBe('2024-03-03');
    expect(localDate(x, 'UTC')).toBe('2024-03-04');
    expect(localDate(x, 'Asia/Tokyo')).toBe('2024-03-04'); // 11:00 JST
    expect(localDate(x, NY)).toBe('2024-03-03');
  });

  it('handles quarter-hour and half-hour offsets (Kathmandu +05:45, Lord Howe +11 in summer)', () => {
    expect(localDate(t('2024-03-03T18:14:59.999Z'), 'Asia/Kathmandu')).toBe('2024-03-03');
    expect(localDate(t('2024-03-03T18:15:00Z'), 'Asia/Kathmandu')).toBe('2024-03-04');
    expect(localDate(t('2024-01-10T12:59:59.999Z'), 'Australia/Lord_Howe')).toBe('2024-01-10');
    expect(localDate(t('2024-01-10T13:00:00Z'), 'Australia/Lord_Howe')).toBe('2024-01-11');
  });

  it('rejects an unknown time zone and a non-finite time', () => {
    expect(() => localDate(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => localDate(Number.NaN, NY)).toThrow(RangeError);
  });

  it('reads instants from 1970-01-01 to 2100-12-31 and refuses the rest, saying why', () => {
    // Both ends of the range, in zones on either side of UTC.
    expect(localDate(0, 'UTC')).toBe('1970-01-01');
    expect(localDate(0, NY)).toBe('1969-12-31'); // 19:00 EST the evening before
    expect(localDate(t('2100-12-31T23:59:59.999Z'), 'UTC')).toBe('2100-12-31');
    expect(localDate(t('2100-12-31T23:59:59.999Z'), 'Asia/Tokyo')).toBe('2101-01-01');
    // Before: 1e15 gave "33658-09-26", which businessWindow then threw on as "not a YYYY-MM-DD date";
    // 8.64e15 and past it threw Intl's bare "Invalid time value".
    for (const bad of [-1, t('2101-01-01T00:00:00Z'), 1e15, 8.64e15, Number.MAX_SAFE_INTEGER]) {
      expect(() => localDate(bad, NY)).toThrow(/outside 1970-01-01\.\.2100-12-31/);
    }
  });

  it('agrees with a fresh Intl formatter on minute sweeps across DST days and random instants', () => {
    const zones = [
      NY,
      'UTC',
      'Europe/London',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'America/St_Johns',
      'Pacific/Chatham',
      'Pacific/Apia',
    ];
    const formatters = new Map<string, Intl.DateTimeFormat>();
    const reference = (x: number, zone: string): string => {
      let f = formatters.get(zone);
      if (f === undefined) {
        f = new Intl.DateTimeFormat('en-US', {
          timeZone: zone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
        });
        formatters.set(zone, f);
      }
      const parts = f.formatToParts(x);
      const get = (type: string): string => parts.find((p) => p.type === type)!.value;
      return `${get('year')}-${get('month')}-${get('day')}`;
    };
    // DST changes for these zones, plus Samoa skipping 2011-12-30 and St John's 00:01 changes.
    const starts = [
      '2024-03-08T00:00:00Z',
      '2024-10-25T00:00:00Z',
      '2024-10-31T00:00:00Z',
      '2024-10-04T00:00:00Z',
      '2024-03-29T00:00:00Z',
      '2024-04-05T00:00:00Z',
      '2024-09-27T00:00:00Z',
      '2010-11-05T00:00:00Z',
      '2011-12-28T00:00:00Z',
    ].map(t);
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const zone of zones) {
      const instants: number[] = [];
      for (const s of starts) for (let m = 0; m < 4 * 24 * 60; m += 7) instants.push(s + m * 60_000);
      const sweep = [...instants, ...[...instants].reverse()];
      const lo = t('1990-01-01T00:00:00Z');
      const hi = t('2100-12-31T00:00:00Z');
      for (let i = 0; i < 2000; i++) sweep.push(Math.floor(lo + random() * (hi - lo)));
      const mismatches = sweep.filter((x) => localDate(x, zone) !== reference(x, zone));
      expect(mismatches.map((x) => `${zone} ${new Date(x).toISOString()}`)).toEqual([]);
    }
  });
});

describe('NYSE holidays', () => {
  it('2024: the ten scheduled holidays', () => {
    expect(nyseHolidays(2024)).toEqual([
      '2024-01-01',
      '2024-01-15',
      '2024-02-19',
      '2024-03-29',
      '2024-05-27',
      '2024-06-19',
      '2024-07-04',
      '2024-09-02',
      '2024-11-28',
      '2024-12-25',
    ]);
  });

  it('2026: Independence Day on a Saturday is observed on Friday 07-03', () => {
    expect(nyseHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-04-03',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it('2025: includes the special closure for President Carter (01-09)', () => {
    expect(nyseHolidays(2025)).toEqual([
      '2025-01-01',
      '2025-01-09',
      '2025-01-20',
      '2025-02-17',
      '2025-04-18',
      '2025-05-26',
      '2025-06-19',
      '2025-07-04',
      '2025-09-01',
      '2025-11-27',
      '2025-12-25',
    ]);
  });

  it('2022: New Year on Saturday is not observed; Sunday holidays move to Monday', () => {
    expect(nyseHolidays(2022)).toEqual([
      '2022-01-17',
      '2022-02-21',
      '2022-04-15',
      '2022-05-30',
      '2022-06-20',
      '2022-07-04',
      '2022-09-05',
      '2022-11-24',
      '2022-12-26',
    ]);
    expect(isNyseHoliday('2021-12-31')).toBe(false);
    expect(isBusinessDay('2021-12-31')).toBe(true);
    expect(isBusinessDay('2022-01-03')).toBe(true);
  });

  it('2027: Saturday holidays move to Friday (06-18, 12-24), Sunday ones to Monday (07-05)', () => {
    expect(nyseHolidays(2027)).toEqual([
      '2027-01-01',
      '2027-01-18',
      '2027-02-15',
      '2027-03-26',
      '2027-05-31',
      '2027-06-18',
      '2027-07-05',
      '2027-09-06',
      '2027-11-25',
      '2027-12-24',
    ]);
    // 2028-01-01 is a Saturday: the last business day of 2027 stays open.
    expect(isBusinessDay('2027-12-31')).toBe(true);
  });

  it('1990: no Martin Luther King Jr. Day and no Juneteenth yet', () => {
    expect(nyseHolidays(1990)).toEqual([
      '1990-01-01',
      '1990-02-19',
      '1990-04-13',
      '1990-05-28',
      '1990-07-04',
      '1990-09-03',
      '1990-11-22',
      '1990-12-25',
    ]);
  });

  it('Martin Luther King Jr. Day is a holiday from 1998 only', () => {
    expect(isBusinessDay('1997-01-20')).toBe(true);
    expect(isNyseHoliday('1998-01-19')).toBe(true);
  });

  it('Juneteenth is a holiday from 2022 only (2021-06-18 traded)', () => {
    expect(isBusinessDay('2021-06-18')).toBe(true);
    expect(isNyseHoliday('2022-06-20')).toBe(true);
    expect(isNyseHoliday('2023-06-19')).toBe(true);
  });

  it('observes New Year on Monday when Jan 1 is a Sunday (2023-01-02)', () => {
    expect(isNyseHoliday('2023-01-02')).toBe(true);
  });

  it('observes July 4 and Christmas on the Friday before a Saturday (2020-07-03, 2021-12-24)', () => {
    expect(isNyseHoliday('2020-07-03')).toBe(true);
    expect(isNyseHoliday('2021-12-24')).toBe(true);
    expect(isNyseHoliday('2021-07-05')).toBe(true); // 2021-07-04 was a Sunday
  });

  it('Good Friday follows the Gregorian Easter computus (early, late and latest Easters)', () => {
    expect(isNyseHoliday('2008-03-21')).toBe(true); // Easter 2008-03-23
    expect(isNyseHoliday('2011-04-22')).toBe(true); // Easter 2011-04-24
    expect(isNyseHoliday('2019-04-19')).toBe(true); // Easter 2019-04-21
    expect(isNyseHoliday('2038-04-23')).toBe(true); // Easter 2038-04-25, the latest possible
    expect(isNyseHoliday('2024-03-28')).toBe(false);
  });

  it('includes the special closures (9/11, Sandy, state funerals)', () => {
    for (const d of [
      '1994-04-27',
      '2001-09-11',
      '2001-09-12',
      '2001-09-13',
      '2001-09-14',
      '2004-06-11',
      '2007-01-02',
      '2012-10-29',
      '2012-10-30',
      '2018-12-05',
      '2025-01-09',
    ]) {
      expect(isNyseHoliday(d), d).toBe(true);
      expect(isBusinessDay(d), d).toBe(false);
    }
  });

  it('a holiday falling on a weekend is not itself a holiday, and not a business day', () => {
    expect(isNyseHoliday('2026-07-04')).toBe(false);
    expect(isBusinessDay('2026-07-04')).toBe(false);
    expect(isNyseHoliday('2022-01-01')).toBe(false);
  });

  it('early-close days are full business days (2024-07-03, 2024-11-29, 2024-12-24)', () => {
    expect(isBusinessDay('2024-07-03')).toBe(true);
    expect(isBusinessDay('2024-11-29')).toBe(true);
    expect(isBusinessDay('2024-12-24')).toBe(true);
  });

  it('every year 1990..2100 has 7 to 13 closures, all on weekdays', () => {
    for (let y = 1990; y <= 2100; y++) {
      const h = nyseHolidays(y);
      expect(h.length, String(y)).toBeGreaterThanOrEqual(7);
      expect(h.length, String(y)).toBeLessThanOrEqual(13);
      for (const d of h) {
        const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
        expect(weekday >= 1 && weekday <= 5, d).toBe(true);
        expect(isBusinessDay(d), d).toBe(false);
      }
    }
  });

  it('rejects malformed or impossible dates', () => {
    expect(() => isBusinessDay('2024-2-3')).toThrow(RangeError);
    expect(() => isBusinessDay('2024-02-30')).toThrow(RangeError);
    expect(() => isNyseHoliday('2023-02-29')).toThrow(RangeError);
    expect(isBusinessDay('2024-02-29')).toBe(true); // leap day, a Thursday
  });
});

describe('business-day navigation', () => {
  it('weekends are skipped', () => {
    expect(isBusinessDay('2024-03-09')).toBe(false);
    expect(isBusinessDay('2024-03-10')).toBe(false);
    expect(previousBusinessDay('2024-03-04')).toBe('2024-03-01');
    expect(nextBusinessDay('2024-03-01')).toBe('2024-03-04');
  });

  it('holidays are skipped (Good Friday 2024-03-29, Thanksgiving 2024-11-28)', () => {
    expect(previousBusinessDay('2024-04-01')).toBe('2024-03-28');
    expect(nextBusinessDay('2024-03-28')).toBe('2024-04-01');
    expect(nextBusinessDay('2024-11-27')).toBe('2024-11-29');
    expect(nextBusinessDay('2025-01-08')).toBe('2025-01-10');
    expect(nextBusinessDay('2001-09-10')).toBe('2001-09-17');
  });

  it('previous/next are strict; they cross year boundaries', () => {
    expect(previousBusinessDay('2024-03-05')).toBe('2024-03-04');
    expect(nextBusinessDay('2024-03-04')).toBe('2024-03-05');
    expect(nextBusinessDay('2024-12-31')).toBe('2025-01-02');
    expect(previousBusinessDay('2025-01-02')).toBe('2024-12-31');
    expect(nextBusinessDay('2024-02-28')).toBe('2024-02-29');
  });

  it('lastBusinessDayOnOrBefore returns a business day itself, else the one before', () => {
    expect(lastBusinessDayOnOrBefore('2024-03-28')).toBe('2024-03-28');
    expect(lastBusinessDayOnOrBefore('2024-03-31')).toBe('2024-03-28'); // Easter Sunday
    expect(lastBusinessDayOnOrBefore('2024-03-29')).toBe('2024-03-28'); // Good Friday
    expect(lastBusinessDayOnOrBefore('2025-01-01')).toBe('2024-12-31');
  });
});

describe('businessWindow', () => {
  it('is the N business days ending on the date, oldest first', () => {
    expect(businessWindow('2024-03-08', 5)).toEqual([
      '2024-03-04',
      '2024-03-05',
      '2024-03-06',
      '2024-03-07',
      '2024-03-08',
    ]);
  });

  it('from a weekend, ends at the last business day before it', () => {
    expect(businessWindow('2024-03-09', 5)).toEqual(businessWindow('2024-03-08', 5));
    expect(businessWindow('2024-03-10', 5)).toEqual(businessWindow('2024-03-08', 5));
  });

  it('stretches one calendar day further back over a holiday (Good Friday 2024)', () => {
    expect(businessWindow('2024-04-01', 5)).toEqual([
      '2024-03-25',
      '2024-03-26',
      '2024-03-27',
      '2024-03-28',
      '2024-04-01',
    ]);
    expect(businessWindow('2024-03-29', 5)).toEqual([
      '2024-03-22',
      '2024-03-25',
      '2024-03-26',
      '2024-03-27',
      '2024-03-28',
    ]);
  });

  it('stretches over Thanksgiving 2024', () => {
    expect(businessWindow('2024-12-02', 5)).toEqual([
      '2024-11-25',
      '2024-11-26',
      '2024-11-27',
      '2024-11-29',
      '2024-12-02',
    ]);
  });

  it('has edge sizes 0 and 1, and rejects negative or fractional sizes', () => {
    expect(businessWindow('2024-03-09', 0)).toEqual([]);
    expect(businessWindow('2024-03-09', 1)).toEqual(['2024-03-08']);
    expect(() => businessWindow('2024-03-09', -1)).toThrow(RangeError);
    expect(() => businessWindow('2024-03-09', 1.5)).toThrow(RangeError);
  });
});
