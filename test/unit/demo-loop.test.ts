// The demo loop on the bundled week (resources/sample/prices.csv, Monday 4 to Friday 8 March 2024): each pass
// plays on the next NYSE trading days (no weekend, no Good Friday, 09:30-16:00 New York across the DST change
// of 10 March), its prices starting exactly at the last close of the pass before. Timers run by hand.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readBars } from '../../src/main/demo/csv.ts';
import { createDemoFeed } from '../../src/main/demo/feed.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { EnginePort } from '../../src/main/engine/port.ts';
import { localDate } from '../../src/main/engine/risk/calendar.ts';
import type { Bar } from '../../src/shared/domain/instrument.ts';
import { manualTimers } from '../helpers/timers.ts';

const SAMPLE = fileURLToPath(new URL('../../resources/sample/prices.csv', import.meta.url));
const at = (iso: string) => Date.parse(iso);
const ohlc = (b: Bar | undefined) => b && [b.open, b.high, b.low, b.close];

describe('demo loop on the bundled week', () => {
  it('plays on the following trading days, the prices of each pass joined to the last', () => {
    const steps = readBars(SAMPLE);
    if (!steps.ok) throw new Error(steps.error.message);
    const r = createEngine({ config: { approval: 'manual' } });
    if (!r.ok) throw new Error(r.error.message);
    const eng = r.value;
    const delivered: Bar[] = [];
    const spy: EnginePort = Object.assign(Object.create(eng) as EnginePort, {
      onBar: (bar: Bar) => {
        delivered.push(bar);
        eng.onBar(bar);
      },
    });
    const t = manualTimers();
    const feed = createDemoFeed({
      engine: spy,
      steps: steps.value,
      stepMs: 1,
      timers: t.timers,
      log: () => {},
    });
    feed.start();
    // Four passes (390 steps each) and the first step of the fifth.
    const fifth = at('2024-04-02T13:30:00Z');
    for (let n = 0; n < 2000 && (delivered.at(-1)?.time ?? 0) < fifth; n++) t.advance(1);
    feed.stop();

    const byDay = new Map<string, Bar[]>();
    for (const bar of delivered) {
      const day = localDate(bar.time, 'America/New_York');
      byDay.set(day, [...(byDay.get(day) ?? []), bar]);
    }
    // Pass 1 on 11-15 March, pass 2 on 18-22, pass 3 on 25-28 March and 1 April (Good Friday, 29 March,
    // is an NYSE holiday), pass 4 from 2 April.
    expect([...byDay.keys()]).toEqual([
      '2024-03-04',
      '2024-03-05',
      '2024-03-06',
      '2024-03-07',
      '2024-03-08',
      '2024-03-11',
      '2024-03-12',
      '2024-03-13',
      '2024-03-14',
      '2024-03-15',
      '2024-03-18',
      '2024-03-19',
      '2024-03-20',
      '2024-03-21',
      '2024-03-22',
      '2024-03-25',
      '2024-03-26',
      '2024-03-27',
      '2024-03-28',
      '2024-04-01',
      '2024-04-02',
    ]);
    // 09:30 to 15:55 New York: 14:30Z-20:55Z in EST (to 8 March), 13:30Z-19:55Z in EDT (from 11 March).
    for (const [day, dayBars] of [...byDay].slice(1, -1)) {
      const est = day <= '2024-03-08';
      expect([dayBars[0]!.time, dayBars.at(-1)!.time], day).toEqual([
        at(`${day}T${est ? '14:30' : '13:30'}:00Z`),
        at(`${day}T${est ? '20:55' : '19:55'}:00Z`),
      ]);
      expect(dayBars, day).toHaveLength(78 * 3);
    }

    const bar = (iso: string, symbol: string) =>
      delivered.find((b) => b.time === at(iso) && b.symbol === symbol);
    // Seam 1: the file's last closes (AAPL 175.79, MSFT 419.88, SPY 505.31) open pass 1, which is the file
    // mirrored per symbol: p -> first open + last close - p. AAPL: 179.84 + 175.79 = 355.63, so its first bar
    // (179.84, 180.05, 179.72, 179.96) becomes (175.79, 355.63 - 179.72, 355.63 - 180.05, 355.63 - 179.96).
    expect(ohlc(bar('2024-03-08T20:55:00Z', 'AAPL'))).toEqual(['175.76', '175.97', '175.60', '175.79']);
    expect(ohlc(bar('2024-03-11T13:30:00Z', 'AAPL'))).toEqual(['175.79', '175.91', '175.58', '175.67']);
    // MSFT 410.12 + 419.88 = 830: (410.12, 410.76, 409.13, 409.44) -> (419.88, 420.87, 419.24, 420.56).
    expect(bar('2024-03-08T20:55:00Z', 'MSFT')?.close).toBe('419.88');
    expect(ohlc(bar('2024-03-11T13:30:00Z', 'MSFT'))).toEqual(['419.88', '420.87', '419.24', '420.56']);
    // SPY 510.68 + 505.31 = 1015.99: (510.68, 511.35, 510.20, 510.33) -> (505.31, 505.79, 504.64, 505.66).
    expect(bar('2024-03-08T20:55:00Z', 'SPY')?.close).toBe('505.31');
    expect(ohlc(bar('2024-03-11T13:30:00Z', 'SPY'))).toEqual(['505.31', '505.79', '504.64', '505.66']);
    // Seam 2: pass 1 ends where the file began; pass 2 is the file itself. AAPL's last bar of the file
    // (175.76, 175.97, 175.60, 175.79) mirrored: (179.87, 180.03, 179.66, 179.84).
    expect(ohlc(bar('2024-03-15T19:55:00Z', 'AAPL'))).toEqual(['179.87', '180.03', '179.66', '179.84']);
    expect(ohlc(bar('2024-03-18T13:30:00Z', 'AAPL'))).toEqual(['179.84', '180.05', '179.72', '179.96']);
    expect(bar('2024-03-15T19:55:00Z', 'MSFT')?.close).toBe('410.12');
    expect(bar('2024-03-18T13:30:00Z', 'MSFT')?.open).toBe('410.12');
    expect(bar('2024-03-15T19:55:00Z', 'SPY')?.close).toBe('510.68');
    expect(bar('2024-03-18T13:30:00Z', 'SPY')?.open).toBe('510.68');
    // Seam 4, over Good Friday and the weekend: pass 3 (mirrored) ends at 179.84, pass 4 opens there.
    expect(bar('2024-04-01T19:55:00Z', 'AAPL')?.close).toBe('179.84');
    expect(ohlc(bar('2024-04-02T13:30:00Z', 'AAPL'))).toEqual(['179.84', '180.05', '179.72', '179.96']);

    // Every seam, every symbol: the first open of a pass is the last close of the one before, exactly.
    const seams: Array<[string, string]> = [
      ['2024-03-08T20:55:00Z', '2024-03-11T13:30:00Z'],
      ['2024-03-15T19:55:00Z', '2024-03-18T13:30:00Z'],
      ['2024-03-22T19:55:00Z', '2024-03-25T13:30:00Z'],
      ['2024-04-01T19:55:00Z', '2024-04-02T13:30:00Z'],
    ];
    for (const [end, start] of seams) {
      for (const symbol of ['AAPL', 'MSFT', 'SPY']) {
        expect(bar(start, symbol)?.open, `${symbol} at ${start}`).toBe(bar(end, symbol)?.close);
      }
    }
    eng.close();
  });
});
