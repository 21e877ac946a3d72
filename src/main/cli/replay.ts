// `braid replay --prices P --script S [--config C] [--db DB [--new]] [--out REPORT]` (replay.md).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay } from '../engine/replay/runner.ts';
import { parseFlags, UsageError } from './args.ts';

export function replayCommand(args: string[]): number {
  const { values } = parseFlags(args, {
    prices: { type: 'string' },
    script: { type: 'string' },
    config: { type: 'string' },
    db: { type: 'string' },
    new: { type: 'boolean' },
    out: { type: 'string' },
  });
  if (!values.prices || !values.script) throw new UsageError('replay needs --prices FILE and --script FILE');
  const tempDir = values.db ? null : mkdtempSync(join(tmpdir(), 'braid-replay-'));
  const crash = crashSeams(process.env.BRAID_TEST_CRASH);
  try {
    const report = runReplay({
      prices: values.prices,
      script: values.script,
      ...(values.config ? { config: values.config } : {}),
      db: values.db ?? join(tempDir!, 'state.sqlite'),
      ...(values.new ? { fresh: true, now: Date.now() } : {}),
      log: (line) => process.stderr.write(`${line}\n`),
      clock: () => performance.now() / 1000,
      ...crash,
    });
    const text = `${JSON.stringify(report, null, 2)}\n`;
    if (values.out) writeFileSync(values.out, text);
    else process.stdout.write(text);
    return 0;
  } finally {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

/** BRAID_TEST_CRASH=item:N | intent:N kills this process with SIGKILL at that point (crash tests). */
function crashSeams(spec: string | undefined) {
  const m = spec ? /^(item|intent):(\d+)$/.exec(spec) : null;
  if (!m) return {};
  const at = Number(m[2]);
  let intents = 0;
  const die = () => process.kill(process.pid, 'SIGKILL');
  return m[1] === 'item'
    ? { onItem: (index: number) => index + 1 === at && die() }
    : { onIntent: () => ++intents === at && die() };
}
