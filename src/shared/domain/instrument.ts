import type { DecStr } from './decimal.ts';

export interface Instrument {
  symbol: string;
  /** Smallest tradable quantity step; the default is 1 (whole shares). */
  lot: DecStr;
  /** Smallest price step. */
  tick: DecStr;
}

export interface Bar {
  /** Bar open time, epoch ms. */
  time: number;
  symbol: string;
  open: DecStr;
  high: DecStr;
  low: DecStr;
  close: DecStr;
  volume: DecStr;
}
