// The `braid` command line: replay | serve | export | verify. Exit 0 ok, 1 verification failed,
// 2 bad input or usage (one line on stderr: `FILE:LINE: what is wrong`).

// Each command's module is loaded when that command runs: `braid serve` starts without the replay's.
import { JournalDivergence, JournalLocked, JournalRefused } from '../engine/journal/errors.ts';
import { InputError } from '../engine/replay/input-error.ts';
import { UsageError } from './args.ts';

const COMMANDS = {
  replay: `braid replay --prices PRICES.csv --script SCRIPT.jsonl [--config CONFIG.json] [--db STATE.sqlite [--new]] [--out REPORT.json]
  Runs recorded bars and a script of plans through the engine on the paper venue and prints the report (JSON).
  --prices FILE   bars: time,symbol,open,high,low,close,volume
  --script FILE   one event a line (JSON): plan, approve, reject, cancel, close, kill, resume, reduce
  --config FILE   risk, approval and venue settings (JSON)
  --db FILE       journal: a run stopped part-way resumes where it ended; a completed one reports again
  --new           move the file at --db aside (to FILE.replaced-<UTC time>) and start a new journal
  --out FILE      write the report there instead of standard output`,
  serve: `braid serve [--demo] [--port N] [--db FILE [--new]] [--new-token] [--config FILE] [--inbox FILE]
  Runs the engine headless and serves the terminal to a browser on 127.0.0.1 (the URL is printed).
  Upstream plans: POST /api/plans with the token, a plan or an array of plans as the JSON body; each is
  answered accepted, rejected with its reason, or duplicate (a plan id seen before is ignored).
  --demo          replay the bundled week of bars with a built-in signal source
  --port N        port to listen on (0, the default: any free port)
  --db FILE       journal (a temporary one when absent)
  --new           move the file at --db aside (to FILE.replaced-<UTC time>) and start a new journal
  --new-token     issue a new access token instead of the one kept with the journal
  --config FILE   risk, approval and venue settings (JSON)
  --inbox FILE    embedded inbox: a SQLite file (created if missing, WAL) where any local process inserts
                  plan_inbox(id, plan, created_at) rows; each is picked up within 100 ms and its outcome
                  written to plan_inbox_status(id, status, reason, at); rows left by a stopped run are
                  taken at start
  Stops on Ctrl-C (SIGINT) or SIGTERM.`,
  export: `braid export --db FILE [--format csv|json] [--out FILE]
  Writes the closed trades of a journal with a SHA-256 hash chain (see braid verify). Reads only: works
  beside a running terminal.
  --db FILE       journal to read
  --format        csv (default) or json
  --out FILE      write there instead of standard output (the chain's head is printed on stderr)`,
  verify: `braid verify FILE
  Checks the hash chain of an export: exit 0 and its head when intact, exit 1 naming the first record
  that was altered, removed or reordered.`,
} as const;
type Command = keyof typeof COMMANDS;

const USAGE = `usage:\n${Object.values(COMMANDS)
  .map((text) => `  ${text.split('\n')[0]}`)
  .join('\n')}\n\`braid COMMAND --help\` describes a command.`;

const isCommand = (name: string | undefined): name is Command =>
  name !== undefined && Object.hasOwn(COMMANDS, name);
const HELP = new Set(['--help', '-h']);

/** What to do about a journal that was refused, for the commands that can start a new one. */
const NEW_HINT: Partial<Record<Command, string>> = {
  replay: '; nothing was changed (--new moves it aside and starts a new journal)',
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  // Help is answered before anything runs, for every command.
  if (command === undefined || HELP.has(command) || command === 'help') {
    const topic = command === 'help' ? args[0] : undefined;
    process.stdout.write(`${isCommand(topic) ? `usage: ${COMMANDS[topic]}` : USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (isCommand(command) && args.some((a) => HELP.has(a))) {
    process.stdout.write(`usage: ${COMMANDS[command]}\n`);
    return 0;
  }
  try {
    switch (command) {
      case 'replay': {
        const { replayCommand } = await import('./replay.ts');
        return replayCommand(args);
      }
      case 'serve': {
        const { runServe } = await import('./serve.ts');
        return await runServe(args);
      }
      case 'export': {
        const { exportCommand } = await import('./history.ts');
        return exportCommand(args);
      }
      case 'verify': {
        const { verifyCommand } = await import('./history.ts');
        return verifyCommand(args);
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    if (e instanceof JournalRefused) {
      process.stderr.write(`${e.message}${(isCommand(command) && NEW_HINT[command]) || ''}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      const usage = isCommand(command) ? `usage: ${COMMANDS[command].split('\n')[0]}` : USAGE;
      process.stderr.write(`braid: ${e.message}\n${usage}\n`);
      return 2;
    }
    if (e instanceof JournalLocked || e instanceof JournalDivergence) {
      process.stderr.write(`braid: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
