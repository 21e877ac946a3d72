// The one error of the replay's inputs: names the file and line (replay.md "Inputs").
import { readFileSync } from 'node:fs';

export class InputError extends Error {
  readonly file: string;
  /** 1-based; 0 when the problem is the file as a whole (missing, or not this run's journal). */
  readonly line: number;
  readonly reason: string;
  constructor(file: string, line: number, reason: string) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.file = file;
    this.line = line;
    this.reason = reason;
    this.name = 'InputError';
  }
}

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(
      file,
      0,
      `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}
