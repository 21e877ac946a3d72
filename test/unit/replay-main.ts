// Runs `braid ARGS` in this process through the CLI's own entry point (src/main/cli/main.ts `main`, which
// bin/braid.js calls), capturing what it writes: the same code path as the real command, without the cost
// of a child process per case. A throw out of main is what the real CLI would print as a stack trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/main/cli/main.ts';

export interface MainRun {
  /** The exit code, or 'threw' when main let an exception out (a stack trace in the real CLI). */
  code: number | 'threw';
  stdout: string;
  stderr: string;
  error?: unknown;
}

export async function runMain(argv: string[]): Promise<MainRun> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stdout, stderr };
  } catch (error) {
    return { code: 'threw', stdout, stderr, error };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** A temporary directory for input files, with a writer that numbers them. */
export function scratch(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return {
    dir,
    file(name: string, text: string): string {
      const p = join(dir, `${n++}-${name}`);
      writeFileSync(p, text);
      return p;
    },
    remove(): void {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const PRICES_HEADER = 'time,symbol,open,high,low,close,volume';
export const csv = (...rows: string[]) => `${[PRICES_HEADER, ...rows].join('\n')}\n`;
export const jsonl = (...events: unknown[]) => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
