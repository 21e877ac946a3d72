// `braid export --db FILE --format csv|json [--out FILE]` and `braid verify FILE`: the trade history with
// a SHA-256 hash chain, and its check.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Strand } from '../../shared/domain/learning.ts';
import type { TradeRecord } from '../../shared/domain/portfolio.ts';
import { exportTrades, verifyExport } from '../engine/history/hash-chain.ts';
import { readExecutionHistory } from '../engine/journal/journal.ts';
import { InputError } from '../engine/replay/inputs.ts';
import { parseFlags, UsageError } from './args.ts';

export function exportCommand(args: string[]): number {
  const { values } = parseFlags(args, {
    db: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  });
  if (!values.db) throw new UsageError('export needs --db FILE');
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');
  if (!existsSync(values.db)) throw new InputError(values.db, 0, 'no such journal');
  // Read-only, beside a running terminal if there is one; a file that is not a journal is refused.
  const history = readExecutionHistory(values.db);
  const { text, head, count, strands } = exportTrades(
    history.trades as TradeRecord[],
    format,
    history.strands as Strand[],
  );
  if (values.out) {
    writeFileSync(values.out, text);
    const withStrands = strands > 0 ? ` and ${strands} strands` : '';
    process.stderr.write(`exported ${count} trades${withStrands} to ${values.out}; head ${head}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

export function verifyCommand(args: string[]): number {
  const { positionals } = parseFlags(args, {});
  const file = positionals[0];
  if (!file) throw new UsageError('verify needs a FILE');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(
      file,
      0,
      `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const result = verifyExport(text);
  if (result.ok) {
    const strands = result.strands !== undefined ? `, ${result.strands} strands` : '';
    process.stdout.write(
      `${file}: OK, ${result.count} records${strands}, ${result.format}, head ${result.head}\n`,
    );
    return 0;
  }
  // The reason names the record itself ("record 4: hash does not match…") when the fault is in one.
  process.stdout.write(`${file}:${result.line}: ${result.reason}\n`);
  return 1;
}
