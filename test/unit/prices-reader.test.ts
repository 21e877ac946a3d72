// The prices reader's plain-form scan (src/main/engine/replay/prices.ts): every row meets it first, so a
// malformed row that looks plain must still get the full checks' message and line, and what the scan
// accepts must read exactly as the full checks read it.
import { describe, expect, it } from 'vitest';
import {
  type BarTable,
  barOf,
  barTableBuilder,
  PRICES_HEADER,
  readPrices,
} from '../../src/main/engine/replay/inputs.ts';

const T = '2024-03-04T14:30:00Z';
const FIRST = `${T},AAA,30,31,29,30,1000`;
const text = (...rows: string[]) => `${PRICES_HEADER}\n${rows.join('\n')}\n`;

/** The message readPrices throws for `rows` (null when it reads them). */
function refusal(...rows: string[]): string | null {
  try {
    readPrices('p.csv', text(...rows));
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The same rows through the full checks only (split fields, no scan). */
function fullChecks(rows: string[]): BarTable {
  const b = barTableBuilder('p.csv', rows.length);
  rows.forEach((r, i) => {
    b.row(r.replace(/\r$/, '').split(','), i + 2);
  });
  return b.table();
}

const bars = (t: BarTable) => Array.from({ length: t.length }, (_, i) => barOf(t, i));

describe('a malformed row that looks plain gets the full checks message', () => {
  it('field counts', () => {
    expect(refusal(FIRST, '2024-03-04T14:35:00Z,AAA,30,31,29,30')).toBe('p.csv:3: expected 7 fields, got 6');
    expect(refusal(FIRST, '2024-03-04T14:35:00Z,AAA,30,31,29,30,1000,7')).toBe(
      'p.csv:3: expected 7 fields, got 8',
    );
    expect(refusal(FIRST, '2024-03-04T14:35:00Z')).toBe('p.csv:3: expected 7 fields, got 1');
  });

  it('times: not ISO, not on the calendar, not a time of day, out of range, out of order', () => {
    expect(refusal('2024-03-04 14:30:00Z,AAA,30,31,29,30,1000')).toBe(
      'p.csv:2: time "2024-03-04 14:30:00Z": must be ISO 8601 with a zone or epoch milliseconds',
    );
    expect(refusal(FIRST, '2023-02-29T14:35:00Z,AAA,30,31,29,30,1000')).toBe(
      'p.csv:3: time "2023-02-29T14:35:00Z": is not a calendar date (2023-02-29)',
    );
    expect(refusal(FIRST, '2024-03-04T24:00:00Z,AAA,30,31,29,30,1000')).toBe(
      'p.csv:3: time "2024-03-04T24:00:00Z": is not a time of day (24:00:00)',
    );
    expect(refusal(FIRST, '2024-03-04T14:35:60Z,AAA,30,31,29,30,1000')).toBe(
      'p.csv:3: time "2024-03-04T14:35:60Z": is not a time of day (14:35:60)',
    );
    expect(refusal('1969-12-31T23:59:59Z,AAA,30,31,29,30,1000')).toBe(
      'p.csv:2: time "1969-12-31T23:59:59Z": must be between 1970-01-01 and 2100-12-31',
    );
    expect(refusal(FIRST, '2024-03-04T14:25:00Z,AAA,30,31,29,30,1000')).toBe(
      'p.csv:3: rows out of time order',
    );
    // An empty first time is read (it was once taken as the time before all others).
    expect(refusal(',AAA,30,31,29,30,1000')).toBe(
      'p.csv:2: time "": must be ISO 8601 with a zone or epoch milliseconds',
    );
  });

  it('symbols: a second bar at the same time, a bad new symbol', () => {
    expect(refusal(FIRST, `${T},AAA,30,31,29,30,1000`)).toBe(
      'p.csv:3: a second AAA bar at 2024-03-04T14:30:00Z',
    );
    expect(refusal(FIRST, `${T},A A,30,31,29,30,1000`)).toMatch(/^p\.csv:3: symbol /);
    expect(refusal(FIRST, `${T},,30,31,29,30,1000`)).toMatch(/^p\.csv:3: symbol /);
  });

  it('decimals: not a number, zero, negative, too small, too large', () => {
    const at = (cells: string) => refusal(FIRST, `2024-03-04T14:35:00Z,AAA,${cells}`);
    expect(at('3.0.1,31,29,30,1000')).toBe('p.csv:3: open "3.0.1" is not a decimal number');
    expect(at('30,.,29,30,1000')).toBe('p.csv:3: high "." is not a decimal number');
    expect(at('30,31,,30,1000')).toBe('p.csv:3: low "" is not a decimal number');
    expect(at('30,31,29,3O,1000')).toBe('p.csv:3: close "3O" is not a decimal number');
    expect(at('30,31,29,30,1000x')).toBe('p.csv:3: volume "1000x" is not a decimal number');
    expect(at('0.0,31,29,30,1000')).toBe('p.csv:3: open 0.0 must be above 0');
    expect(at('30,31,29,0,1000')).toBe('p.csv:3: close 0 must be above 0');
    expect(at('30,31,29,30,-0.5')).toBe('p.csv:3: volume -0.5 must be at least 0');
    expect(at('30,31,0.0000000000001,30,1000')).toBe(
      'p.csv:3: low 0.0000000000001 is too small (at least 0.000000000001, or 0)',
    );
    expect(at('30,31,29,30,0.0000000000001')).toBe(
      'p.csv:3: volume 0.0000000000001 is too small (at least 0.000000000001, or 0)',
    );
    expect(at('30,1000000000000001,29,30,1000')).toBe(
      'p.csv:3: high 1000000000000001 is too large (at most 1000000000000000)',
    );
  });

  it('an inconsistent bar', () => {
    expect(refusal(FIRST, '2024-03-04T14:35:00Z,AAA,30,31,30.5,31,1000')).toBe(
      'p.csv:3: inconsistent bar: low 30.5 / high 31 do not contain open 30 and close 31',
    );
    expect(refusal(FIRST, '2024-03-04T14:35:00Z,AAA,30,30.99,29,31,1000')).toBe(
      'p.csv:3: inconsistent bar: low 29 / high 30.99 do not contain open 30 and close 31',
    );
  });

  it('a bad row after many good ones is named by its own line', () => {
    const rows = Array.from(
      { length: 1000 },
      (_, i) =>
        `${new Date(Date.parse(T) + i * 300_000).toISOString().replace('.000', '')},AAA,30,31,29,30,1`,
    );
    rows.push('2024-03-10T00:00:00Z,AAA,30,31,29,30,-1');
    expect(refusal(...rows)).toBe('p.csv:1002: volume -1 must be at least 0');
  });
});

describe('what the scan accepts reads as the full checks read it', () => {
  it('plain and not-so-plain rows, mixed, give the same bars', () => {
    const rows = [
      '2024-02-29T00:00:00Z,AAA,180.,180.5,.5,0180.25,0',
      '2024-02-29T00:00:00Z,BBB,0.000000000001,1,0.000000000001,0.5,12.000',
      '2024-02-29T00:05Z,AAA,1,2,1,2,3',
      '1709165400000,BBB,123456789012345,123456789012345,123456789012345,123456789012345,1',
      '2024-02-29T00:10:00+00:00,AAA, 30 ,31,29,30,1000\r',
      '2024-02-29T00:15:00Z,AAA,1234567890.123456,1234567890.123456,1e3,1234567890.123456,1E2',
      '2024-02-29T00:15:00Z,CCC,+30,31,29,30,1000',
      '2024-02-29T00:15:00Z, BBB,30,31,29,30,1000',
      '2100-12-31T23:59:59Z,AAA,0.1,0.3,0.1,0.2,0.30000000000000004',
    ];
    const table = readPrices('p.csv', text(...rows));
    const full = fullChecks(rows);
    expect(bars(table)).toEqual(bars(full));
    expect(table.length).toBe(rows.length);
    expect(Array.from(table.time)).toEqual(Array.from(full.time));
    expect(table.symbols).toEqual(['AAA', 'BBB', 'CCC']);
    expect(barOf(table, 0)).toEqual({
      time: Date.parse('2024-02-29T00:00:00Z'),
      symbol: 'AAA',
      open: '180.',
      high: '180.5',
      low: '.5',
      close: '0180.25',
      volume: '0',
    });
    expect(barOf(table, 4).open).toBe('30');
  });

  it('CRLF line ends, blank lines and a last row without a line end', () => {
    const crlf = `${PRICES_HEADER}\r\n${FIRST}\r\n\r\n   \n2024-03-04T14:35:00Z,AAA,30,31,29,30,1000`;
    const table = readPrices('p.csv', crlf);
    expect(bars(table).map((b) => [b.time, b.volume])).toEqual([
      [Date.parse(T), '1000'],
      [Date.parse('2024-03-04T14:35:00Z'), '1000'],
    ]);
  });
});

describe('seeded fuzz: the scan and the full checks agree row by row', () => {
  /** readPrices' loop with the full checks only: the reader before the scan. */
  function reference(rows: string[]): BarTable | string {
    const b = barTableBuilder('p.csv', rows.length);
    try {
      rows.forEach((r, i) => {
        if (r.trim() !== '') b.row(r.split(','), i + 2);
      });
      return b.table();
    } catch (e) {
      return (e as Error).message;
    }
  }

  it('2,000 one-character mutations of plain rows read the same (bars or message)', () => {
    let seed = 12;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = '0123456789.,-+eE :TZ';
    for (let k = 0; k < 2000; k++) {
      const rows = [FIRST, '2024-03-04T14:30:00Z,BBB,10.5,10.75,10.25,10.5,20'];
      const good = `2024-03-04T14:3${rand(10)}:00Z,AAA,30.${rand(10)},31,29,30,${rand(5000)}`;
      const i = rand(good.length);
      const c = alphabet[rand(alphabet.length)]!;
      const op = rand(3);
      rows.push(
        op === 0
          ? good.slice(0, i) + c + good.slice(i + 1)
          : op === 1
            ? good.slice(0, i) + good.slice(i + 1)
            : good.slice(0, i) + c + good.slice(i),
      );
      const want = reference(rows);
      const got = refusal(...rows) ?? readPrices('p.csv', text(...rows));
      if (typeof want === 'string') expect(got, rows[2]).toBe(want);
      else expect(typeof got === 'string' ? got : bars(got), rows[2]).toEqual(bars(want));
    }
  });
});
