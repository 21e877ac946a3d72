// Reads the bundled demo bars (header time,symbol,open,high,low,close,volume) into steps: all bars of one
// time together, in time order, so the feed can deliver a whole market moment at once.
import { readFileSync } from 'node:fs';
import { isDecimalText } from '../../shared/domain/decimal.ts';
import type { Bar } from '../../shared/domain/instrument.ts';
import { parseTime } from '../../shared/domain/time.ts';
import { err, ok, type Result } from '../../shared/result.ts';

export interface Step {
  time: number;
  bars: Bar[];
}

const HEADER = 'time,symbol,open,high,low,close,volume';

export function parseBars(text: string, source = 'prices.csv'): Result<Step[]> {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== HEADER) return err('bad_csv', `${source}:1: expected header ${HEADER}`);
  const steps: Step[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    const [time, symbol, open, high, low, close, volume] = line.split(',');
    const t = parseTime(time);
    const prices = [open, high, low, close, volume];
    if (t === null || !symbol || !prices.every((p) => p !== undefined && isDecimalText(p))) {
      return err('bad_csv', `${source}:${i + 1}: cannot read the row`);
    }
    const last = steps[steps.length - 1];
    if (last !== undefined && t < last.time)
      return err('bad_csv', `${source}:${i + 1}: rows out of time order`);
    const bar: Bar = { time: t, symbol, open: open!, high: high!, low: low!, close: close!, volume: volume! };
    if (last !== undefined && last.time === t) last.bars.push(bar);
    else steps.push({ time: t, bars: [bar] });
  }
  if (steps.length < 2) return err('bad_csv', `${source}: needs at least two bar times`);
  return ok(steps);
}

export function readBars(path: string): Result<Step[]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return err('no_prices', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseBars(text, path);
}
