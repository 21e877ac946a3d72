// Why a journal cannot be used: thrown by the journal layer, worded for the command line. Kept apart
// from the journal itself so the CLI can tell them apart without loading SQLite.

/** The file at `path` is not a journal Braid can use as it is; nothing was written to it. */
export class JournalRefused extends Error {
  readonly path: string;
  /** What is wrong, in words, without the file name. */
  readonly problem: string;
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.path = path;
    this.problem = problem;
    this.name = 'JournalRefused';
  }
}

/** Another Braid process writes this journal. */
export class JournalLocked extends Error {
  constructor(path: string) {
    super(`${path} is in use by another Braid process`);
    this.name = 'JournalLocked';
  }
}

/** The journal holds an order intent that the engine recomputed differently: the inputs or the code changed. */
export class JournalDivergence extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalDivergence';
  }
}

/** A record the engine read back from the journal while running (a plan it had let go) does not parse:
 *  the journal was damaged after it was opened. The command that needed it fails with this; nothing of it
 *  was changed (records are read before anything is written). */
export class JournalRecordDamaged extends Error {
  constructor(what: string, cause: string) {
    super(
      `the journal's ${what} does not parse (${cause}): the journal is damaged; stop Braid and restore it from a backup`,
    );
    this.name = 'JournalRecordDamaged';
  }
}
