// The bundled demo bars in steps: all bars of one time together, in time order, so the feed can deliver a
// whole market moment at once. Read by the replay's bar reader (one reader, one set of rules).
import { readFileSync } from 'node:fs';
import type { Bar } from '../../shared/domain/instrument.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { barOf, InputError, readPrices } from '../engine/replay/inputs.ts';

export interface Step {
  time: number;
  bars: Bar[];
}

export function parseBars(text: string, source = 'prices.csv'): Result<Step[]> {
  let table: ReturnType<typeof readPrices>;
  try {
    table = readPrices(source, text);
  } catch (error) {
    if (error instanceof InputError) return err('bad_csv', error.message);
    throw error;
  }
  const steps: Step[] = [];
  for (let i = 0; i < table.length; i++) {
    const time = table.time[i]!;
    const bar = barOf(table, i);
    const last = steps[steps.length - 1];
    if (last !== undefined && last.time === time) last.bars.push(bar);
    else steps.push({ time, bars: [bar] });
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
