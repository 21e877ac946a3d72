// Engine time: it comes in from outside (a bar's time, a command's `now`, a venue report's time) and only
// moves forward. The engine never reads the wall clock. A new exchange day is what the day's starting
// equity and the day-trade window hang on.
import { z } from 'zod';
import { localDate } from './risk/calendar.ts';
import { epochMs } from './state-schema.ts';

export interface ClockState {
  time: number;
  exchangeDay: string | null;
}

export const clockStateSchema = z.strictObject({
  time: epochMs,
  exchangeDay: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
});

export class Clock {
  private now = 0;
  private day: string | null = null;
  private readonly timezone: string;

  constructor(timezone: string) {
    this.timezone = timezone;
  }

  get time(): number {
    return this.now;
  }

  /** Moves time forward to `now` (never back); true when that starts a new exchange day. */
  advance(now: number): boolean {
    if (now > this.now) this.now = now;
    const day = localDate(this.now, this.timezone);
    if (day === this.day) return false;
    this.day = day;
    return true;
  }

  state(): ClockState {
    return { time: this.now, exchangeDay: this.day };
  }

  restore(s: ClockState): void {
    this.now = s.time;
    this.day = s.exchangeDay;
  }
}
