// Wall-clock and engine times for the shell (top bar clock, connection banner), in the chosen zone.
import type { TimeZoneName } from '../../store/settings.ts';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: TimeZoneName, withDate: boolean): Intl.DateTimeFormat {
  const key = `${zone}|${withDate}`;
  let f = formats.get(key);
  if (!f) {
    // sv-SE writes ISO-like dates: 2024-03-01 09:30:00.
    f = new Intl.DateTimeFormat('sv-SE', {
      timeZone: zone,
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(key, f);
  }
  return f;
}

/** "2024-03-01 09:30:00" in `zone`. */
export function dateTimeIn(time: number, zone: TimeZoneName): string {
  return format(zone, true).format(time);
}

/** "09:30:00" in `zone`. */
export function timeIn(time: number, zone: TimeZoneName): string {
  return format(zone, false).format(time);
}
