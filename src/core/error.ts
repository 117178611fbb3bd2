// The errors every layer raises for people: one line, naming what and where.

/** A mistake in the command line: exit 2. */
export class UsageError extends Error {
  /** `help`: whether `--help` can help (not for a state file this version cannot read). */
  constructor(
    message: string,
    readonly help = true,
  ) {
    super(message);
  }
}

/** An output (-o, --out-dir) that cannot be written: exit 1, one line. */
export class OutputError extends Error {}
