// The `braid` command line: replay | serve | export | verify. Exit 0 ok, 1 verification failed,
// 2 bad input or usage (one line on stderr: `FILE:LINE: what is wrong`).

import { JournalDivergence, JournalLocked } from '../engine/journal/journal.ts';
import { InputError } from '../engine/replay/inputs.ts';
import { UsageError } from './args.ts';
import { exportCommand, verifyCommand } from './history.ts';
import { replayCommand } from './replay.ts';

const USAGE = `usage:
  braid replay --prices PRICES.csv --script SCRIPT.jsonl [--config CONFIG.json] [--db STATE.sqlite] [--out REPORT.json]
  braid serve [--demo] [--port N] [--db FILE] [--config FILE]
  braid export --db FILE --format csv|json [--out FILE]
  braid verify FILE`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'replay':
        return replayCommand(args);
      case 'serve': {
        const { runServe } = await import('./serve.ts');
        return await runServe(args);
      }
      case 'export':
        return exportCommand(args);
      case 'verify':
        return verifyCommand(args);
      case undefined:
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`braid: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof JournalLocked || e instanceof JournalDivergence) {
      process.stderr.write(`braid: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
